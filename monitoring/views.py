"""Monitoring: figures only, no case data.

The live page is for the werkgroep, the regisseurs and administrators; the half-yearly report
(SOK Art. 8.8) and the explanation of the figures are for every party's users.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
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
from woonkans.lists import list_page
from woonkans.parties.models import Organisation
from woonkans.privacy.files import open_private_file, private_file_response

from . import figures, filters, selectors, services
from .models import Seat, WerkgroepMeeting, WerkgroepMember
from .report import build_context, produce_report

MONITORING_ROLES = (Role.WERKGROEP, Role.KETENREGISSEUR, Role.PROCESREGISSEUR, Role.ADMINISTRATOR)
REPORT_ON_DEMAND_ROLES = (Role.KETENREGISSEUR, Role.PROCESREGISSEUR)
# SOK Art. 8.8: all parties are informed twice a year, so every role reads the reports.
REPORT_READER_ROLES = tuple(Role)
WERKGROEP_ROLES = (Role.WERKGROEP, Role.KETENREGISSEUR, Role.PROCESREGISSEUR, Role.ADMINISTRATOR)
# The chairs (ketenregisseurs) and the administrator keep the werkgroep's membership and meetings.
WERKGROEP_EDITOR_ROLES = (Role.KETENREGISSEUR, Role.ADMINISTRATOR)


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
    context = {
        "form": form,
        "can_produce": request.user.has_role(*REPORT_ON_DEMAND_ROLES),
        "can_see_werkgroep": request.user.has_role(*WERKGROEP_ROLES),
        "show_targets": request.user.has_role(Role.WERKGROEP, *REPORT_ON_DEMAND_ROLES),
        **build_context(start, end),
    }
    return render(request, "monitoring/monitoring.html", context)


@role_required(*REPORT_READER_ROLES)
def reports(request):
    return render(
        request,
        "monitoring/reports.html",
        {"reports": selectors.reports()[:40], "can_see_page": request.user.has_role(*MONITORING_ROLES)},
    )


@role_required(*REPORT_READER_ROLES)
def definitions_page(request):
    from .definitions import (
        FIGURES,
        LEAD_TIME_DESCRIPTION,
        OUTCOME_DESCRIPTION,
        SUPPRESSION_DESCRIPTION,
        WAITING_DESCRIPTION,
    )

    context = {
        "figures": FIGURES.values(),
        "lead_time": LEAD_TIME_DESCRIPTION,
        "outcome": OUTCOME_DESCRIPTION,
        "waiting": WAITING_DESCRIPTION,
        "suppression": SUPPRESSION_DESCRIPTION,
    }
    return render(request, "monitoring/definitions.html", context)


@role_required(*REPORT_READER_ROLES)
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


class MemberForm(forms.Form):
    seat = forms.ChoiceField(label=gettext_lazy("Zetel"), choices=Seat.choices)
    organisation = forms.ModelChoiceField(label=gettext_lazy("Organisatie"), queryset=Organisation.objects.none())
    since = forms.DateField(label=gettext_lazy("Lid sinds"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.active().order_by("name")


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Datum"), widget=DATE_WIDGET)
    agenda = forms.CharField(label=gettext_lazy("Agenda"), widget=forms.Textarea(attrs={"rows": 4}))


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=gettext_lazy("Verslag"), widget=forms.Textarea(attrs={"rows": 8}))


def _apply(form, action):
    """Run a service for a valid form; its Dutch refusal lands next to the field it is about."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
        return None


@role_required(*WERKGROEP_ROLES)
def werkgroep(request):
    year = timezone.localdate().year
    can_edit = request.user.has_role(*WERKGROEP_EDITOR_ROLES)
    member_form = MemberForm(prefix="lid", initial={"since": timezone.localdate()})
    meeting_form = MeetingForm(prefix="vergadering")
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if "lid-seat" in request.POST:
            member_form = MemberForm(request.POST, prefix="lid")
            done = _apply(
                member_form,
                lambda data: services.add_werkgroep_member(
                    actor=request.user, seat=data["seat"], organisation=data["organisation"], since=data["since"]
                ),
            )
            message = _("Het lid is toegevoegd.")
        else:
            meeting_form = MeetingForm(request.POST, prefix="vergadering")
            done = _apply(
                meeting_form,
                lambda data: services.plan_werkgroep_meeting(
                    actor=request.user, held_on=data["held_on"], agenda=data["agenda"]
                ),
            )
            message = _("De vergadering is gepland.")
        if done is not None:
            messages.success(request, message)
            return redirect("monitoring:werkgroep")
    log_access(user=request.user, action=AccessAction.READ, object_type="monitoring.werkgroep", purpose="werkgroep")
    planned = services.meetings_planned(year)
    # Two lists on one page: each pages, sorts and filters on its own ("leden-seat", "vergaderingen-page").
    members = list_page(
        request,
        selectors.werkgroep_members(),
        filterset_class=filters.MemberFilter,
        sorts=filters.MEMBER_SORTS,
        default_sort="seat",
        prefix="leden",
    )
    meetings = list_page(
        request,
        selectors.werkgroep_meetings(),
        filterset_class=filters.WerkgroepMeetingFilter,
        sorts=filters.MEETING_SORTS,
        default_sort="-held_on",
        prefix="vergaderingen",
    )
    context = {
        "members": members,
        "limits": [(Seat(seat).label, limit) for seat, limit in services.SEAT_LIMITS.items()],
        "meetings": meetings,
        "year": year,
        "planned": planned,
        "too_few": planned < services.MEETINGS_PER_YEAR,
        "minimum": services.MEETINGS_PER_YEAR,
        "can_edit": can_edit,
        "member_form": member_form,
        "meeting_form": meeting_form,
    }
    return render(request, "monitoring/werkgroep.html", context, status=400 if request.method == "POST" else 200)


@role_required(*WERKGROEP_EDITOR_ROLES)
@require_POST
def werkgroep_member_end(request, member_id):
    member = selectors.get_werkgroep_record(
        user=request.user, model=WerkgroepMember, pk=member_id, roles=WERKGROEP_EDITOR_ROLES
    )
    try:
        services.end_werkgroep_member(actor=request.user, member=member, until=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Het lidmaatschap is beëindigd."))
    return redirect("monitoring:werkgroep")


@role_required(*WERKGROEP_ROLES)
def werkgroep_meeting(request, meeting_id):
    meeting = selectors.get_werkgroep_record(
        user=request.user, model=WerkgroepMeeting, pk=meeting_id, roles=WERKGROEP_ROLES
    )
    can_edit = request.user.has_role(*WERKGROEP_EDITOR_ROLES)
    form = MinutesForm(initial={"minutes": meeting.minutes})
    if request.method == "POST":
        if not can_edit:
            raise Http404
        form = MinutesForm(request.POST)
        if _apply(
            form,
            lambda data: services.record_werkgroep_minutes(
                actor=request.user, meeting=meeting, minutes=data["minutes"]
            ),
        ):
            messages.success(request, _("Het verslag is opgeslagen."))
            return redirect("monitoring:werkgroep_meeting", meeting_id=meeting.pk)
    context = {"meeting": meeting, "form": form, "can_edit": can_edit}
    return render(
        request, "monitoring/werkgroep_meeting.html", context, status=400 if request.method == "POST" else 200
    )
