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


def _require_role(user, roles):
    if not user.has_role(*roles):
        raise Http404


def get_werkgroep_member_for_change(*, user, member_id, roles):
    """A membership the user may end (the chairs and the administrator): 404 otherwise."""
    _require_role(user, roles)
    member = WerkgroepMember.objects.select_related("organisation").filter(pk=member_id).first()
    if member is None:
        raise Http404
    log_access(user=user, action=AccessAction.READ, obj=member, purpose="werkgroep")
    return member


def get_werkgroep_meeting(*, user, meeting_id, roles):
    """A werkgroep meeting with its monitoring pack, for the werkgroep's readers: 404 otherwise."""
    _require_role(user, roles)
    meeting = WerkgroepMeeting.objects.select_related("report").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    log_access(user=user, action=AccessAction.READ, obj=meeting, purpose="werkgroep")
    return meeting


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
