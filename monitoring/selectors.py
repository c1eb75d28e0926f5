"""Reads of the half-yearly reports (figures only) and of the werkgroep's members and meetings, each
checked against the reader's roles (refused = 404) and logged like every other read."""

from django.http import Http404

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
