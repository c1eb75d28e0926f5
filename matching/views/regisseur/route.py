"""After sharing: the match, housing, the end, the warm handover and case meetings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from woonkans.accounts.permissions import role_required
from woonkans.parties.models import Organisation

from ... import selectors, services
from ...forms import CaseMeetingOutcomeForm, CaseMeetingPlanForm, DateForm, EndForm, MatchForm, NoCaseMeetingForm
from ...models import HandshakeStatus
from ...permissions import CHAIR_ROLES, REGISSEUR_ROLES, is_chair_of
from .. import aftercare as aftercare_views
from .profiles import _to_profile


@role_required(*REGISSEUR_ROLES)
def profile_match(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id, purpose="match")
    shares = profile.shares.select_related("corporation")
    corporations = Organisation.objects.filter(pk__in=shares.values("corporation"))
    offer = None
    initial = {}
    offer_share = shares.filter(response="offer").first()
    if offer_share is not None:
        offer = offer_share.offers.first()
        initial = (
            {
                "corporation": offer_share.corporation_id,
                "dwelling_address": offer.dwelling_address,
                "intended_date": offer.available_from,
            }
            if offer
            else {}
        )
    form = MatchForm(request.POST or None, corporations=corporations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matched_offer = offer if offer and offer_share.corporation_id == data["corporation"].pk else None
        try:
            match = services.record_match(actor=request.user, profile=profile, offer=matched_offer, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "De match is vastgelegd. Stuur de consulent nu terugkoppeling 3: de corporatie en de beoogde "
                    "datum staan al ingevuld."
                ),
            )
            return redirect(f"{_feedback_url(profile)}?{_feedback_query(match)}")
    return render(request, "matching/profile_match.html", {"profile": profile, "form": form})


def _feedback_url(profile):
    return reverse("referrals:feedback", kwargs={"referral_id": profile.referral_id})


def _feedback_query(match):
    return urlencode({"kind": 3, "corporation": match.corporation_id, "intended_date": match.intended_date.isoformat()})


@role_required(*REGISSEUR_ROLES)
@require_POST
def profile_housed(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    form = DateForm(request.POST)
    if form.is_valid():
        try:
            services.record_housing(actor=request.user, profile=profile, lease_signed_on=form.cleaned_data["date"])
            messages.success(request, _("De inwoner is gehuisvest."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _to_profile(profile)


@role_required(*REGISSEUR_ROLES)
def profile_end(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_trajectory(actor=request.user, profile=profile, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Het traject is beëindigd."))
            return _to_profile(profile)
    return render(
        request,
        "matching/simple_form.html",
        {"profile": profile, "form": form, "title": _("Traject beëindigen"), "button": _("Beëindigen")},
    )


# Warm handover is the chair's: the procesregisseur is refused (and logged) before the profile is read.
@role_required(*CHAIR_ROLES)
def profile_handover(request, profile_id):
    """The sending chair proposes the handover with a note (art. 6.1); access moves only on acceptance."""
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    if not is_chair_of(request.user, profile.region):
        raise Http404
    form, proposed = aftercare_views.handover_form(request, profile)
    if proposed:
        messages.success(
            request,
            _("De overdracht is voorgesteld. Het traject blijft bij je regio tot de andere voorzitter accepteert."),
        )
        return _to_profile(profile)
    pending = profile.handovers.filter(status=HandshakeStatus.PROPOSED).select_related("to_region").first()
    return render(
        request,
        "matching/aftercare/handover_propose.html",
        {
            "profile": profile,
            "form": form,
            "pending": pending,
            "handovers": profile.handovers.select_related("to_region"),
        },
    )


@role_required(*REGISSEUR_ROLES)
def case_meeting(request, profile_id, case_meeting_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    meeting = profile.case_meetings.filter(pk=case_meeting_id).select_related("signal").first()
    if meeting is None:
        raise Http404
    # The buttons' names say which form was sent ("uitkomst", not the outcome field's own name).
    posted = next((name for name in ("plan", "uitkomst", "geen") if name in request.POST), None)
    plan_form = CaseMeetingPlanForm(request.POST if posted == "plan" else None, profile=profile)
    outcome_form = CaseMeetingOutcomeForm(
        request.POST if posted == "uitkomst" else None, initial={"held_on": meeting.planned_on}
    )
    not_needed_form = NoCaseMeetingForm(request.POST if posted == "geen" else None)
    forms = {"plan": plan_form, "uitkomst": outcome_form, "geen": not_needed_form}
    actions = {
        "plan": services.plan_case_meeting,
        "uitkomst": services.record_case_meeting_outcome,
        "geen": services.record_no_case_meeting,
    }
    if posted and forms[posted].is_valid():
        try:
            actions[posted](actor=request.user, case_meeting=meeting, **forms[posted].cleaned_data)
        except ValidationError as error:
            aftercare_views._add_errors(forms[posted], error)
        else:
            return _to_profile(profile)
    return render(
        request,
        "matching/case_meeting.html",
        {
            "profile": profile,
            "meeting": meeting,
            "plan_form": plan_form,
            "outcome_form": outcome_form,
            "not_needed_form": not_needed_form,
            "is_chair": is_chair_of(request.user, profile.region),
            "decided": meeting.status in ("held", "not_needed"),
        },
    )
