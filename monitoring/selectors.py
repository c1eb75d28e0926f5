"""Reads of the half-yearly reports (figures only), logged like every other export."""

from django.http import Http404

from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access

from .models import HalfYearReport


def reports():
    return HalfYearReport.objects.all()


def get_report_for_download(*, user, report_id):
    report = HalfYearReport.objects.filter(pk=report_id).first()
    if report is None:
        raise Http404
    log_access(user=user, action=AccessAction.EXPORT, obj=report, purpose="halfjaarrapportage")
    return report
