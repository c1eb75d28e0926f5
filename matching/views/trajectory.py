"""Running trajectories for the matched corporation and the linked care provider."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from referrals.filters import filter_by_name
from referrals.views.shared import name_search
from woonkans.accounts.permissions import role_required
from woonkans.accounts.roles import Role
from woonkans.lists import list_page, row_urls

from .. import filters, selectors, services
from ..aftercare_selectors import provider_changes_to_answer
from ..forms import CaseMeetingOutcomeForm, EvaluationForm, SignalForm
from ..models import CaseMeeting, SignalKind
from ..permissions import CONSULTANT_ROLES, CORPORATION_ROLES, PROVIDER_ROLES, REGISSEUR_ROLES
from ..services.trajectory import case_parties
from ..workflow import TRAJECTORY_RUNNING
from .aftercare import _add_errors

CASUSREGISSEUR_ROLES = (*REGISSEUR_ROLES, Role.WMO_CONSULTANT)


def _is_casusregisseur(user):
    """The municipality's consultant follows the trajectories read only (a corporation or provider acts)."""
    return user.has_role(*CONSULTANT_ROLES) and not user.has_role(*CORPORATION_ROLES, *PROVIDER_ROLES)


@role_required(*CORPORATION_ROLES, *PROVIDER_ROLES, *CONSULTANT_ROLES)
@require_http_methods(["GET", "POST"])
def trajectory_list(request):
    # Both see names (the consultant its municipality's cases, the others where the match granted it):
    # a name is searched by POST only.
    if _is_casusregisseur(request.user):
        name_form, matches = name_search(
            request, selectors.consultant_trajectories(user=request.user), path="profile__referral__"
        )
        page = list_page(
            request,
            matches,
            filterset_class=filters.ConsultantTrajectoryFilter,
            sorts=filters.CONSULTANT_TRAJECTORY_SORTS,
            default_sort="-matched_at",
        )
        return render(request, "matching/consultant_trajectories.html", {"page": page, "name_form": name_form})
    name_form, matches = name_search(request, selectors.trajectories(user=request.user), path="profile__referral__")
    counted = selectors.granted_trajectories(user=request.user)
    if name_form.is_bound and name_form.is_valid():
        # The count narrowed by the same name, validated once above.
        counted = filter_by_name(counted, name_form.cleaned_data["name"], "profile__referral__")
    # Three lists on one page: each pages, sorts and filters on its own ("beeindigd-page", "overname-q").
    page = list_page(
        request,
        matches,
        count_queryset=counted,
        filterset_class=filters.TrajectoryFilter,
        sorts=filters.TRAJECTORY_SORTS,
        default_sort="-matched_at",
    )
    ended = list_page(
        request,
        selectors.ended_for_claim(user=request.user),
        filterset_class=filters.MatchCodeFilter,
        sorts=filters.ENDED_SORTS,
        default_sort="-ended_on",
        prefix="beeindigd",
    )
    # Art. 10.4: a provider asked to take a trajectory over sees the proposal, by code only.
    proposals = list_page(
        request,
        provider_changes_to_answer(user=request.user),
        filterset_class=filters.ProposalFilter,
        sorts=filters.PROPOSAL_SORTS,
        default_sort="proposed_at",
        prefix="overname",
    )
    context = {"page": page, "name_form": name_form, "ended": ended, "proposals": proposals}
    return render(request, "matching/trajectories.html", context)


def _signal_form(request, profile):
    return SignalForm(
        request.POST if "signaal" in request.POST else None,
        parties=case_parties(profile),
        own=request.user.organisation,
    )


def _raise_signal(request, profile, signal_form):
    """Art. 8.3: the signal goes to the casusregisseur; True when it was raised."""
    if "signaal" not in request.POST or not signal_form.is_valid():
        return False
    try:
        services.raise_signal(actor=request.user, profile=profile, **signal_form.cleaned_data)
    except ValidationError as error:
        _add_errors(signal_form, error)
        return False
    messages.success(request, _("Het signaal is bij de casusregisseur gemeld."))
    return True


@role_required(*CORPORATION_ROLES, *PROVIDER_ROLES, *CONSULTANT_ROLES)
def trajectory_detail(request, profile_id):
    if _is_casusregisseur(request.user):
        # The casusregisseur reads, raises a signal and reports back; nothing else is written here.
        match = selectors.get_trajectory_for_consultant(user=request.user, profile_id=profile_id)
        profile = match.profile
        running = profile.status in TRAJECTORY_RUNNING
        signal_form = _signal_form(request, profile)
        if running and _raise_signal(request, profile, signal_form):
            return redirect("matching:trajectory", profile_id=profile.pk)
        context = {
            "match": match,
            "profile": profile,
            "evaluations": profile.evaluations.select_related("organisation"),
            "signals": profile.signals.select_related("organisation", "about", "case_meeting"),
            "signal_form": signal_form if running else None,
        }
        return render(request, "matching/consultant_trajectory.html", context)
    match = selectors.get_trajectory(user=request.user, profile_id=profile_id)
    profile = match.profile
    evaluation_form = EvaluationForm(request.POST if "evaluatie" in request.POST else None)
    signal_form = _signal_form(request, profile)
    if "evaluatie" in request.POST and evaluation_form.is_valid():
        services.record_evaluation(actor=request.user, profile=profile, **evaluation_form.cleaned_data)
        messages.success(request, _("De evaluatie is vastgelegd."))
        return redirect("matching:trajectory", profile_id=profile.pk)
    if _raise_signal(request, profile, signal_form):
        return redirect("matching:trajectory", profile_id=profile.pk)
    context = {
        "match": match,
        "profile": profile,
        "running": profile.status in TRAJECTORY_RUNNING,
        "evaluation_form": evaluation_form,
        "signal_form": signal_form,
        "evaluations": profile.evaluations.select_related("organisation"),
        "signals": profile.signals.filter(organisation=request.user.organisation).select_related(
            "about", "case_meeting"
        ),
    }
    return render(request, "matching/trajectory.html", context)


@role_required(*CASUSREGISSEUR_ROLES)
def my_case_meetings(request):
    # ?status=… (repeatable): the home's count of open case meetings links here (lists' filter convention).
    page = list_page(
        request,
        selectors.case_meetings_to_run(user=request.user),
        filterset_class=filters.CaseMeetingFilter,
        sorts=filters.CASE_MEETING_SORTS,
        # The meetings still to run first: "-status" orders requested, planned, not needed, held.
        default_sort="-status",
    )
    _prepare_case_meetings(page)
    return render(request, "matching/my_case_meetings.html", {"page": page})


def _prepare_case_meetings(page):
    """Each row's cells as text, what every row shares worked out once a page (as the claims list).

    A row translated its four column labels and every choice of two fields (``get_…_display``), reversed
    its URL and formatted its date: most of a full page's rendering, so the page grew as it filled from a
    few meetings to 25. Same text: the choice's label, ``date:"d-m-Y"``."""
    statuses = {value: str(label) for value, label in CaseMeeting.Status.choices}
    kinds = {value: str(label) for value, label in SignalKind.choices}
    meeting_url = row_urls("matching:my_case_meeting", page.rows)
    for meeting in page:
        meeting.url = meeting_url(meeting.pk)
        meeting.status_label = statuses.get(meeting.status, meeting.status)  # as get_status_display
        meeting.signal_label = (
            f"{kinds.get(meeting.signal.kind, meeting.signal.kind)} ({meeting.signal.organisation.name})"
        )
        meeting.planned_text = meeting.planned_on.strftime("%d-%m-%Y") if meeting.planned_on else "–"


@role_required(*CASUSREGISSEUR_ROLES)
def my_case_meeting(request, case_meeting_id):
    """The appointed casusregisseur (a regisseur or the case's Wmo-consultant) records the outcome."""
    meeting = selectors.get_case_meeting_to_run(user=request.user, case_meeting_id=case_meeting_id)
    form = CaseMeetingOutcomeForm(
        request.POST or None,
        initial={
            "outcome": meeting.outcome,
            "participants": meeting.participants,
            "held_on": meeting.held_on or meeting.planned_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_case_meeting_outcome(actor=request.user, case_meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("De uitkomst van het casusoverleg is vastgelegd."))
            return redirect("matching:my_case_meetings")
    return render(
        request, "matching/my_case_meeting.html", {"meeting": meeting, "profile": meeting.profile, "form": form}
    )
