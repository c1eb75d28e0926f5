from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from woonkans.accounts.roles import Role
from woonkans.notifications import notify
from woonkans.parties.models import Organisation

from . import figures, services, snapshots
from .models import HalfYearReport
from .report import previous_half_year, produce_report


@shared_task(name="monitoring.tasks.produce_half_year_report")
def produce_half_year_report():
    """On 1 January and 1 July: the report over the past half year, and a link to every party (SOK Art. 8.8).

    Idempotent: a rerun on the same day finds the report of that period and tells no one twice.
    """
    start, end = previous_half_year(timezone.localdate())
    with transaction.atomic():
        report = (
            HalfYearReport.objects.select_for_update()
            .filter(period_start=start, period_end=end, created_by__isnull=True)
            .first()
        )
        if report is None:
            report = produce_report(start=start, end=end)
        services.announce_report(report=report)
    return report.pk


@shared_task(name="monitoring.tasks.remind_werkgroep_meetings")
def remind_werkgroep_meetings():
    """Once a month: when fewer than five werkgroep meetings are planned this year (SOK Art. 8.6), tell the chairs."""
    year = timezone.localdate().year
    planned = services.meetings_planned(year)
    if planned >= services.MEETINGS_PER_YEAR:
        return 0
    notify(
        organisations=Organisation.objects.active(),
        roles=(Role.KETENREGISSEUR, Role.WERKGROEP),
        subject=_("Werkgroep: te weinig vergaderingen gepland"),
        intro=_("Voor dit jaar zijn minder dan vijf vergaderingen van de werkgroep gepland."),
        path=reverse("monitoring:werkgroep"),
    )
    return planned


def on_case_changed(_event):
    refresh_figures.delay()


@shared_task(name="monitoring.tasks.refresh_figures")
def refresh_figures():
    """After a case changed: recompute the current half year's figures once, so the next view reads them.

    No arguments (nothing about the case travels); a period nobody has read is left to its first view,
    and a run that finds the stored figures current does nothing, so a burst of changes costs one run.
    """
    start, end = figures.half_year(timezone.localdate())
    with translation.override(settings.LANGUAGE_CODE):
        return snapshots.refresh_if_read(start, end)
