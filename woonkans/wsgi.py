import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woonkans.settings")
application = get_wsgi_application()

# Each worker pays WeasyPrint's start-up once here, before it serves (woonkans/pdf.py).
from woonkans.pdf import warm_up  # noqa: E402 (after Django is set up)

warm_up()
