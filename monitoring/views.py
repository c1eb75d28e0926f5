"""Monitoring for the werkgroep, regisseurs and administrators: figures only, no case data."""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from woonkans.accounts.permissions import role_required
from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.forms import DATE_WIDGET
from woonkans.privacy.files import open_private_file, private_file_response

from . import figures, selectors
from .report import build_context, produce_report

MONITORING_ROLES = (Role.WERKGROEP, Role.KETENREGISSEUR, Role.PROCESREGISSEUR, Role.ADMINISTRATOR)
REPORT_ON_DEMAND_ROLES = (Role.KETENREGISSEUR, Role.PROCESREGISSEUR)


class PeriodForm(forms.Form):
    van = forms.DateField(label=gettext_lazy("Vanaf"), widget=DATE_WIDGET)
    tot = forms.DateField(label=gettext_lazy("Tot en met"), widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("van") and cleaned.get("tot") and cleaned["van"] > cleaned["tot"]:
            self.add_error("tot", gettext_lazy("De einddatum ligt vóór de begindatum."))
        return cleaned


def _period(request):
    start, end = figures.half_year(timezone.localdate())
    form = PeriodForm(request.GET or request.POST or None, initial={"van": start, "tot": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["van"], form.cleaned_data["tot"]
    return form, start, end


@role_required(*MONITORING_ROLES)
def monitoring(request):
    form, start, end = _period(request)
    log_access(
        user=request.user,
        action=AccessAction.READ,
        object_type="monitoring.casefact",
        purpose="monitoring (alleen cijfers)",
    )
    context = {"form": form, "can_produce": request.user.has_role(*REPORT_ON_DEMAND_ROLES), **build_context(start, end)}
    return render(request, "monitoring/monitoring.html", context)


@role_required(*MONITORING_ROLES)
def reports(request):
    return render(request, "monitoring/reports.html", {"reports": selectors.reports()[:40]})


@role_required(*MONITORING_ROLES)
def report_file(request, report_id, kind):
    if kind not in ("pdf", "csv"):
        raise Http404
    report = selectors.get_report_for_download(user=request.user, report_id=report_id)
    path = report.pdf_path if kind == "pdf" else report.csv_path
    content_type = "application/pdf" if kind == "pdf" else "text/csv"
    filename = f"woonkans-rapportage-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}.{kind}"
    if kind == "csv":
        response = FileResponse(
            open_private_file(path), as_attachment=True, filename=filename, content_type="text/csv; charset=utf-8"
        )
        response["Cache-Control"] = "no-store"
        return response
    return private_file_response(path, filename=filename, content_type=content_type)


@role_required(*REPORT_ON_DEMAND_ROLES)
@require_POST
def report_produce(request):
    form, start, end = _period(request)
    if not form.is_valid():
        messages.error(request, _("Kies een geldige periode."))
        return redirect("monitoring:monitoring")
    produce_report(start=start, end=end, actor=request.user)
    messages.success(request, _("De rapportage is gemaakt."))
    return redirect("monitoring:reports")
