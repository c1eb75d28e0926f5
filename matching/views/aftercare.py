"""After-care that changes hands: the chair's overview, report-back on a signal, the parties' own
contacts, another care provider (art. 10.4) and the warm handover between the regions (art. 6.1)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from woonkans.accounts.permissions import role_required
from woonkans.lists import list_page

from .. import aftercare_selectors, filters, selectors, services
from ..forms import ContactsForm, HandoverForm, ProviderChangeForm, RefusalForm, ReportBackForm
from ..models import CaseMeeting, HandshakeStatus, SignalKind
from ..permissions import CHAIR_ROLES, CONSULTANT_ROLES, CORPORATION_ROLES, PROVIDER_ROLES, REGISSEUR_ROLES, is_chair_of
from ..selectors import _deny
from ..services.aftercare import CONTACT_FIELDS, _side, is_casusregisseur_of, own_staff, replacement_providers


def _add_errors(form, error):
    """A service's refusal next to its field when it names one, else in the error summary."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@role_required(*CHAIR_ROLES)
def aftercare(request):
    overview = aftercare_selectors.chair_overview(user=request.user)
    if overview is None:
        _deny(request.user, "", "nazorg regio")
    # Three lists on one page: each pages, sorts and filters on its own ("signalen-page", "opgezegd-q").
    for key, filterset_class, sorts, default_sort, prefix in (
        ("open_meetings", filters.SignalMeetingFilter, filters.SIGNAL_SORTS, "signalled", "signalen"),
        ("incoming", filters.IncomingHandoverFilter, filters.HANDOVER_SORTS, "proposed_at", "overdracht"),
        ("leaving", filters.MatchCodeFilter, filters.LEAVING_SORTS, "left_on", "opgezegd"),
    ):
        overview[key] = list_page(
            request,
            overview[key],
            filterset_class=filterset_class,
            sorts=sorts,
            default_sort=default_sort,
            prefix=prefix,
        )
    # The labels translated once a page, not per row (``get_FOO_display`` translates every choice).
    kinds = {value: str(label) for value, label in SignalKind.choices}
    statuses = {value: str(label) for value, label in CaseMeeting.Status.choices}
    for meeting in overview["open_meetings"]:
        # As get_FOO_display: a value outside the choices shows as itself.
        kind, status = meeting.signal.kind, meeting.status
        meeting.kind_label, meeting.status_label = kinds.get(kind, kind), statuses.get(status, status)
    return render(request, "matching/aftercare/overview.html", overview)


# --- the casusregisseur's report-back (art. 8.3) ---------------------------------------------------


@role_required(*CONSULTANT_ROLES, *REGISSEUR_ROLES)
def signal_report_back(request, profile_id, case_meeting_id):
    """The casusregisseur (the case's own consultant, or whom the chair appointed) reports back."""
    if request.user.has_role(*REGISSEUR_ROLES):
        profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id, purpose="casusregie")
    else:
        profile = selectors.get_profile_for_consultant(user=request.user, profile_id=profile_id)
    meeting = profile.case_meetings.filter(pk=case_meeting_id).select_related("signal__organisation").first()
    if meeting is None or not is_casusregisseur_of(request.user, meeting):
        _deny(request.user, case_meeting_id, "casusregie", object_type="matching.casemeeting")
    form = ReportBackForm(request.POST or None, initial={"report_back": meeting.report_back})
    if request.method == "POST" and form.is_valid():
        try:
            services.report_back_on_signal(actor=request.user, case_meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("De terugkoppeling is vastgelegd en de melder is op de hoogte gebracht."))
            if request.user.has_role(*REGISSEUR_ROLES):
                return redirect("matching:profile", profile_id=profile.pk)
            return redirect("matching:trajectory", profile_id=profile.pk)
    return render(
        request, "matching/aftercare/report_back.html", {"profile": profile, "meeting": meeting, "form": form}
    )


# --- fixed contacts (art. 8.1) ---------------------------------------------------------------------


@role_required(*CORPORATION_ROLES, *PROVIDER_ROLES)
def trajectory_contacts(request, profile_id):
    match = selectors.get_trajectory(user=request.user, profile_id=profile_id)
    party = request.user.organisation
    side = _side(match, party.pk)
    contact_field, substitute_field = CONTACT_FIELDS[side]
    form = ContactsForm(
        request.POST or None,
        staff=own_staff(party),
        initial={
            "contact": getattr(match, f"{contact_field}_id"),
            "substitute": getattr(match, f"{substitute_field}_id"),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_contacts(actor=request.user, profile=match.profile, party=party, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("De vaste aanspreekpunten zijn gewijzigd."))
            return redirect("matching:trajectory", profile_id=match.profile_id)
    return render(request, "matching/aftercare/contacts.html", {"match": match, "profile": match.profile, "form": form})


# --- another care provider (art. 10.3–10.4) --------------------------------------------------------


@role_required(*CHAIR_ROLES)
def provider_change(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    match = getattr(profile, "match", None)
    if not is_chair_of(request.user, profile.region) or match is None:
        _deny(request.user, profile_id, "zorgaanbieder vervangen")
    form = ProviderChangeForm(request.POST or None, providers=replacement_providers(match))
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_provider_change(actor=request.user, profile=profile, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Het voorstel staat bij de nieuwe zorgaanbieder. Het traject gaat over zodra die accepteert."),
            )
            return redirect("matching:profile", profile_id=profile.pk)
    changes = list(profile.provider_changes.select_related("from_provider", "to_provider"))
    pending = next((change for change in changes if change.status == HandshakeStatus.PROPOSED), None)
    return render(
        request,
        "matching/aftercare/provider_change.html",
        {"profile": profile, "match": match, "form": form, "pending": pending, "changes": changes},
    )


@role_required(*PROVIDER_ROLES)
def provider_change_answer(request, change_id):
    change = aftercare_selectors.get_provider_change_to_answer(user=request.user, change_id=change_id)
    accept_form = ContactsForm(
        request.POST if "accepteren" in request.POST else None, staff=own_staff(request.user.organisation)
    )
    refuse_form = RefusalForm(request.POST if "weigeren" in request.POST else None)
    try:
        if "accepteren" in request.POST and accept_form.is_valid():
            services.accept_provider_change(actor=request.user, change=change, **accept_form.cleaned_data)
            messages.success(request, _("Je organisatie heeft het traject overgenomen."))
            return redirect("matching:trajectory", profile_id=change.profile_id)
        if "weigeren" in request.POST and refuse_form.is_valid():
            services.refuse_provider_change(actor=request.user, change=change, **refuse_form.cleaned_data)
            messages.success(request, _("Je hebt de overname geweigerd. De voorzitter is op de hoogte gebracht."))
            return redirect("matching:trajectories")
    except ValidationError as error:
        _add_errors(accept_form if "accepteren" in request.POST else refuse_form, error)
    return render(
        request,
        "matching/aftercare/provider_change_answer.html",
        {"change": change, "accept_form": accept_form, "refuse_form": refuse_form},
    )


# --- the warm handover (art. 6.1) ------------------------------------------------------------------


@role_required(*CHAIR_ROLES)
def handover(request, handover_id):
    """The receiving chair reads the proposal (code and note) and accepts or refuses it."""
    proposal = aftercare_selectors.get_handover_for_receiver(user=request.user, handover_id=handover_id)
    refuse_form = RefusalForm(request.POST if "weigeren" in request.POST else None)
    error = None
    try:
        if "accepteren" in request.POST:
            services.accept_handover(actor=request.user, handover=proposal)
            messages.success(request, _("De warme overdracht is geaccepteerd. Het traject staat nu bij je regio."))
            return redirect("matching:profile", profile_id=proposal.profile_id)
        if "weigeren" in request.POST and refuse_form.is_valid():
            services.refuse_handover(actor=request.user, handover=proposal, **refuse_form.cleaned_data)
            messages.success(request, _("Je hebt de warme overdracht geweigerd."))
            return redirect("matching:aftercare")
    except ValidationError as refused:
        if "weigeren" in request.POST:
            _add_errors(refuse_form, refused)
        else:
            error = " ".join(refused.messages)
    return render(
        request,
        "matching/aftercare/handover.html",
        {"handover": proposal, "refuse_form": refuse_form, "error": error},
    )


def handover_form(request, profile):
    """The sending chair's proposal form (used by the profile's handover page)."""
    form = HandoverForm(request.POST or None, from_region=profile.region)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_handover(
                actor=request.user,
                profile=profile,
                to_region=form.cleaned_data["region"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return form, True
    return form, False
