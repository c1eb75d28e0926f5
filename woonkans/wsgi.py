import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woonkans.settings")
application = get_wsgi_application()

# Each worker pays WeasyPrint's and matplotlib's start-up once here, before it serves
# (woonkans/pdf.py, monitoring/charts.py).
from monitoring.charts import warm_up as warm_up_charts  # noqa: E402 (after Django is set up)
from woonkans.pdf import warm_up  # noqa: E402

warm_up()
warm_up_charts()
