from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.accounts.roles import Role
from woonkans.notifications import notify
from woonkans.parties.models import Organisation

from .report import previous_half_year, produce_report


@shared_task(name="monitoring.tasks.produce_half_year_report")
def produce_half_year_report():
    """On 1 January and 1 July: the report over the past half year, and a link to every party."""
    start, end = previous_half_year(timezone.localdate())
    with transaction.atomic():
        report = produce_report(start=start, end=end)
        notify(
            organisations=Organisation.objects.active(),
            roles=(Role.WERKGROEP, Role.ADMINISTRATOR),
            subject=_("Halfjaarrapportage Woonkans"),
            intro=_("De halfjaarrapportage van Woonkans staat klaar in het portaal."),
            path=reverse("monitoring:reports"),
        )
    return report.pk
