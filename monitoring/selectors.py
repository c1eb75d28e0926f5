"""Reads of the half-yearly reports (figures only) and of the werkgroep's members and meetings, each
checked against the reader's roles (refused = 404) and logged like every other read."""

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access

from .models import HalfYearReport, WerkgroepMeeting, WerkgroepMember


def reports():
    return HalfYearReport.objects.all()


def get_report_for_download(*, user, report_id):
    report = HalfYearReport.objects.filter(pk=report_id).first()
    if report is None:
        raise Http404
    log_access(user=user, action=AccessAction.EXPORT, obj=report, purpose="halfjaarrapportage")
    return report


# What each werkgroep record brings along when read (the page shows it next to the record).
_WERKGROEP_RELATED = {WerkgroepMember: ("organisation",), WerkgroepMeeting: ("report",)}


def get_werkgroep_record(*, user, model, pk, roles):
    """A werkgroep membership or meeting (``model``) for a user with one of ``roles``: 404 otherwise.

    The view passes the roles: ending a membership is for the chairs and the administrator, a
    meeting with its monitoring pack is for all the werkgroep's readers.
    """
    if not user.has_role(*roles):
        raise Http404
    record = model.objects.select_related(*_WERKGROEP_RELATED[model]).filter(pk=pk).first()
    if record is None:
        raise Http404
    log_access(user=user, action=AccessAction.READ, obj=record, purpose="werkgroep")
    return record


def werkgroep_members(on=None):
    """The werkgroep's current members (SOK art. 8.6): organisations and seats, read by its own roles."""
    on = on or timezone.localdate()
    return (
        WerkgroepMember.objects.filter(since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gte=on))
        .select_related("organisation", "person")
    )


def werkgroep_meetings():
    """Every meeting of the werkgroep, with its monitoring package (the view pages and sorts them)."""
    return WerkgroepMeeting.objects.select_related("report")
