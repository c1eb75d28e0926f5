"""After sharing: the match, housing, the end, the warm handover and case meetings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from woonkans import confirm
from woonkans.accounts.permissions import role_required
from woonkans.parties.models import Organisation
from woonkans.privacy.disclosure.policy import Relation, Stage

from ... import selectors, services
from ...forms import (
    CaseMeetingOutcomeForm,
    CaseMeetingPlanForm,
    DateForm,
    EndForm,
    MatchForm,
    NoCaseMeetingForm,
    PartiesForm,
    care_providers,
)
from ...models import HandshakeStatus
from ...permissions import CHAIR_ROLES, REGISSEUR_ROLES, is_chair_of
from .. import aftercare as aftercare_views
from .profiles import _to_profile


@role_required(*REGISSEUR_ROLES)
def profile_match(request, profile_id):
    """Step 6: first the corporation and the provider, then the contacts of exactly those two parties.

    The corporation that offered a home and the provider the profile names are chosen already, and the
    offered dwelling and its date are carried over; what was typed stays in the form on any refusal.
    """
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id, purpose="match")
    shares = [share for share in profile.shares.all() if share.revoked_at is None]
    offers = sorted(
        ((share, offer) for share in shares for offer in share.offers.all()),
        key=lambda pair: pair[1].created_at,
        reverse=True,
    )
    corporations = Organisation.objects.filter(pk__in=[share.corporation_id for share in shares]).order_by("name")
    # The profile's provider is the trajectory's (SOK art. 9.2b, see record_match); only a provider
    # outside the agreement leaves the choice open among the parties.
    providers = (
        Organisation.objects.filter(pk=profile.care_provider_id) if profile.care_provider_id else care_providers()
    )
    defaults = {
        "corporation": offers[0][0].corporation_id
        if offers
        else (shares[0].corporation_id if len(shares) == 1 else None),
        "care_provider": profile.care_provider_id or profile.safety_plan_provider_id,
    }
    source = request.POST if request.method == "POST" else request.GET
    chosen = source if "corporation" in source else None
    parties = PartiesForm(chosen, initial=defaults, corporations=corporations, providers=providers)
    missing = services.fact_links(services.missing_facts(profile, stage="match"))
    context = {"profile": profile, "parties": parties, "missing": missing}
    if chosen is not None and parties.is_valid():
        corporation, care_provider = parties.cleaned_data["corporation"], parties.cleaned_data["care_provider"]
    elif chosen is None and "kiezen" not in request.GET and all(defaults.values()):
        corporation = corporations.filter(pk=defaults["corporation"]).first()
        care_provider = providers.filter(pk=defaults["care_provider"]).first()
    else:
        corporation = care_provider = None
    if corporation is None or care_provider is None:
        return render(request, "matching/profile_match.html", context)
    offer = next((offer for share, offer in offers if share.corporation_id == corporation.pk), None)
    initial = {"dwelling_address": offer.dwelling_address, "intended_date": offer.available_from} if offer else {}
    form = MatchForm(
        request.POST if request.method == "POST" else None,
        corporation=corporation,
        care_provider=care_provider,
        offer=offer,
        initial=initial,
    )
    step = confirm.step(request) if request.method == "POST" and form.is_valid() else None
    if step in (confirm.ASK, confirm.CONFIRMED):
        try:
            if step is confirm.ASK:
                confirm.rehearse(
                    lambda: services.record_match(actor=request.user, profile=profile, offer=offer, **form.cleaned_data)
                )
                return confirm.ask(request, _match_confirmation(profile, shares, form.cleaned_data))
            match = services.record_match(actor=request.user, profile=profile, offer=offer, **form.cleaned_data)
        except ValidationError as error:
            # Keyed errors land next to their field; a missing fact of the profile is about no field here.
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
    context.update(
        {
            "form": form,
            "corporation": corporation,
            "care_provider": care_provider,
            "offer": offer,
            # From the shares already read: counting both querysets cost one query or two, depending
            # on whether the first count already said yes (a page's queries then varied by profile).
            "can_choose": len({share.corporation_id for share in shares}) > 1
            or (not profile.care_provider_id and providers.count() > 1),
        }
    )
    return render(request, "matching/profile_match.html", context)


def _match_confirmation(profile, shares, data):
    corporation, provider = data["corporation"], data["care_provider"]
    others = [share.corporation for share in shares if share.corporation_id != corporation.pk]
    recipients = [
        (corporation.name, confirm.sees(Stage.MATCHED, Relation.MATCHED_CORPORATION)),
        (provider.name, confirm.sees(Stage.MATCHED, Relation.LINKED_PROVIDER)),
    ] + [(other.name, _("niets meer: het profiel staat er als “Niet meer beschikbaar”")) for other in others]

    def person(user):
        return (user.get_full_name() or user.username) if user else "—"

    return confirm.Confirmation(
        title=_("Match vastleggen"),
        action=_("Het profiel %(code)s wordt gematcht met %(corporation)s en %(provider)s.")
        % {"code": profile.code, "corporation": corporation.name, "provider": provider.name},
        facts=[
            (_("Profiel"), profile.code),
            (_("Adres van de woning"), data["dwelling_address"]),
            (_("Beoogde ingangsdatum"), data["intended_date"].strftime("%d-%m-%Y")),
            (_("Vast aanspreekpunt corporatie"), person(data["corporation_contact"])),
            (_("Vervanger corporatie"), person(data.get("corporation_substitute"))),
            (_("Vast aanspreekpunt zorgaanbieder"), person(data["provider_contact"])),
            (_("Vervanger zorgaanbieder"), person(data.get("provider_substitute"))),
        ],
        recipients=recipients,
        button=_("Match vastleggen"),
    )


def _end_confirmation(profile, form):
    data = form.cleaned_data
    return confirm.Confirmation(
        title=_("Traject beëindigen"),
        action=_("Het traject van profiel %(code)s wordt beëindigd.") % {"code": profile.code},
        facts=[
            (_("Afloop"), dict(form.fields["kind"].choices)[data["kind"]]),
            (_("Einddatum"), data["ended_on"].strftime("%d-%m-%Y")),
            (_("Evaluatie"), data["evaluation"]),
        ],
        recipients=[
            (share.corporation.name, _("niets meer van de zaak"))
            for share in profile.shares.all()
            if share.revoked_at is None
        ],
        button=_("Beëindigen"),
        danger=True,
    )


def _feedback_url(profile):
    return reverse("referrals:feedback", kwargs={"referral_id": profile.referral_id})


def _feedback_query(match):
    return urlencode({"kind": 3, "corporation": match.corporation_id, "intended_date": match.intended_date.isoformat()})


@role_required(*REGISSEUR_ROLES)
@require_POST
def profile_housed(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    form = DateForm(request.POST)
    step = confirm.step(request)
    if step is confirm.BACK:
        return _to_profile(profile)
    if form.is_valid():
        signed_on = form.cleaned_data["date"]
        try:
            if step is confirm.ASK:
                confirm.rehearse(
                    lambda: services.record_housing(actor=request.user, profile=profile, lease_signed_on=signed_on)
                )
                return confirm.ask(request, _housed_confirmation(profile, signed_on))
            services.record_housing(actor=request.user, profile=profile, lease_signed_on=signed_on)
            messages.success(request, _("De inwoner is gehuisvest."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _to_profile(profile)


def _housed_confirmation(profile, signed_on):
    """Who sees what once housed: read from the disclosure policy's HOUSED stage, as the match does."""
    match = profile.match
    return confirm.Confirmation(
        title=_("Gehuisvest vastleggen"),
        action=_("Profiel %(code)s wordt gehuisvest bij %(corporation)s: het traject met %(provider)s begint.")
        % {"code": profile.code, "corporation": match.corporation.name, "provider": match.care_provider.name},
        consequence=_("De match en de woning liggen daarna vast. Dit kan niet ongedaan worden gemaakt."),
        facts=[
            (_("Profiel"), profile.code),
            (_("Huurcontract getekend op"), signed_on.strftime("%d-%m-%Y")),
            (_("Woning"), match.dwelling_address),
        ],
        recipients=[
            (match.corporation.name, confirm.sees(Stage.HOUSED, Relation.MATCHED_CORPORATION)),
            (match.care_provider.name, confirm.sees(Stage.HOUSED, Relation.LINKED_PROVIDER)),
            (
                profile.referral.municipality.name,
                _("de Wmo-consulent: %(what)s, met de status Gehuisvest")
                % {"what": confirm.sees(Stage.HOUSED, Relation.CONSULTANT)},
            ),
        ],
        button=_("Gehuisvest vastleggen"),
        back_url=reverse("matching:profile", kwargs={"profile_id": profile.pk}),
    )


@role_required(*REGISSEUR_ROLES)
def profile_end(request, profile_id):
    profile = selectors.get_profile_for_regisseur(user=request.user, profile_id=profile_id)
    form = EndForm(request.POST or None)
    step = confirm.step(request) if request.method == "POST" and form.is_valid() else None
    if step in (confirm.ASK, confirm.CONFIRMED):
        try:
            if step is confirm.ASK:
                confirm.rehearse(
                    lambda: services.end_trajectory(actor=request.user, profile=profile, **form.cleaned_data)
                )
                return confirm.ask(request, _end_confirmation(profile, form))
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
