"""The match and everything after it: housing, evaluations, signals, case meetings, the end.

Contacts, another provider and the warm handover are in aftercare.py."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from referrals import services as referral_services
from referrals.models import EventKind
from referrals.permissions import region_directors
from woonkans.accounts.models import User
from woonkans.accounts.roles import Role
from woonkans.notifications import notify, notify_users
from woonkans.parties.models import Organisation
from woonkans.privacy.restriction import ProcessingRestricted

from .. import permissions
from ..models import CaseMeeting, EndKind, Evaluation, Match, Profile, ProfileShare, Signal, SignalKind
from ..models.profile import sync_message_at, sync_offered_at, sync_question_at
from ..models.trajectory import sync_evaluation_due_from
from ..workflow import MEETINGS, PROFILES, MeetingTransition, ProfileTransition
from .facts import MATCH, require_facts


def _lock(profile):
    """Lock the profile for this action; a restricted case (AVG art. 18) takes no action at all."""
    locked = Profile.objects.select_for_update(of=("self",)).select_related("region", "referral").get(pk=profile.pk)
    if locked.referral.restricted_at is not None:
        raise ProcessingRestricted
    return locked


def _lock_meeting(case_meeting):
    """The meeting as it is now (under the profile's lock), so its stage guard reads the saved status."""
    return CaseMeeting.objects.select_for_update(of=("self",)).select_related("signal").get(pk=case_meeting.pk)


def _require_regisseur(actor, profile):
    if not permissions.has(actor, permissions.CHANGE, profile, permissions.REGISSEUR_ROLES):
        raise PermissionDenied


CORPORATION_STAFF = _lazy("Kies een verhuurconsulent van %(name)s.")
PROVIDER_STAFF = _lazy("Kies een contactpersoon van %(name)s.")


def party_staff(organisation, role):
    """The active staff of one party in the role a fixed contact holds there (Art. 8.1)."""
    return (
        User.objects.filter(organisation=organisation, is_active=True, role_assignments__role=role)
        .distinct()
        .order_by("last_name", "first_name")
    )


def _profile_path(profile):
    return reverse("matching:profile", kwargs={"profile_id": profile.pk})


@transaction.atomic
def record_match(
    *,
    actor,
    profile,
    corporation,
    dwelling_address,
    intended_date,
    care_provider,
    corporation_contact,
    provider_contact,
    corporation_substitute=None,
    provider_substitute=None,
    offer=None,
):
    profile = _lock(profile)
    _require_regisseur(actor, profile)
    PROFILES.move(profile, ProfileTransition.MATCH)
    # A needed safety plan is agreed before anyone moves in (Bijlage 2 steps 4 and 6).
    require_facts(profile, stage=MATCH)
    share = ProfileShare.objects.filter(profile=profile, corporation=corporation, revoked_at__isnull=True).first()
    errors = {}
    if share is None:
        errors["corporation"] = _("Dit profiel is niet met deze corporatie gedeeld.")
    if offer is not None and (share is None or offer.share_id != share.pk):
        errors["corporation"] = _("Het aanbod is van een andere corporatie.")
    elif offer is not None and intended_date < offer.available_from:
        errors["intended_date"] = _("De woning is pas beschikbaar vanaf %(date)s.") % {
            "date": date_format(offer.available_from, "j F Y")
        }
    # The provider the profile names (and, with a safety plan, the one it was agreed with) is the
    # provider of the trajectory: its kind and the chair's exception (SOK art. 9.2b) were checked for it.
    if profile.care_provider_id is not None and care_provider.pk != profile.care_provider_id:
        errors["care_provider"] = _("Kies de zorgaanbieder uit het profiel: %(name)s.") % {
            "name": profile.care_provider.name
        }
    elif profile.safety_plan_needed and care_provider.pk != profile.safety_plan_provider_id:
        errors["care_provider"] = _(
            "Het veiligheidsplan is afgesproken met %(name)s; kies die zorgaanbieder of leg eerst het "
            "veiligheidsplan met de nieuwe aanbieder vast."
        ) % {"name": profile.safety_plan_provider.name}
    # Each fixed contact and substitute works at its own party, in the role for it (Art. 8.1).
    for field, contact, organisation, role, message in (
        ("corporation_contact", corporation_contact, corporation, Role.CORPORATION, CORPORATION_STAFF),
        ("corporation_substitute", corporation_substitute, corporation, Role.CORPORATION, CORPORATION_STAFF),
        ("provider_contact", provider_contact, care_provider, Role.CARE_PROVIDER, PROVIDER_STAFF),
        ("provider_substitute", provider_substitute, care_provider, Role.CARE_PROVIDER, PROVIDER_STAFF),
    ):
        if contact is not None and not party_staff(organisation, role).filter(pk=contact.pk).exists():
            errors[field] = message % {"name": organisation.name}
    if corporation_substitute is not None and corporation_substitute == corporation_contact:
        errors["corporation_substitute"] = _("De vervanger is iemand anders dan het vaste aanspreekpunt.")
    if provider_substitute is not None and provider_substitute == provider_contact:
        errors["provider_substitute"] = _("De vervanger is iemand anders dan het vaste aanspreekpunt.")
    if errors:
        raise ValidationError(errors)
    match = Match.objects.create(
        profile=profile,
        corporation=corporation,
        offer=offer,
        dwelling_address=dwelling_address,
        intended_date=intended_date,
        care_provider=care_provider,
        municipality_id=profile.referral.municipality_id,
        referral_id=profile.referral_id,
        corporation_contact=corporation_contact,
        corporation_substitute=corporation_substitute,
        provider_contact=provider_contact,
        provider_substitute=provider_substitute,
        matched_by=actor,
    )
    # The match's own moment: the home's count of matched profiles reads it from the profile (status, matched_at).
    profile.matched_at = match.matched_at
    profile.save(update_fields=["status", "matched_at", "updated_at"])
    # The other corporations lose the profile; they only learn it was placed elsewhere.
    for other in ProfileShare.objects.filter(profile=profile).exclude(corporation=corporation):
        other.placed_elsewhere = True
        other.revoked_at = timezone.now()
        other.save(update_fields=["placed_elsewhere", "revoked_at"])
    sync_offered_at(profile.pk)  # the other corporations' offers are void now
    sync_question_at(profile.pk)  # and their question threads closed
    sync_message_at(profile.pk)  # matched: no share waits for an answer any more
    # The referral moves to MATCHED and the policy re-derives the grants of step 6.
    referral_services.mark_matched(
        actor=actor,
        referral=profile.referral,
        corporation=corporation,
        care_provider=care_provider,
        at=match.matched_at,
    )
    notify(
        organisations=[corporation],
        roles=permissions.CORPORATION_ROLES,
        subject=_("Match vastgelegd"),
        intro=_("Een bemiddelingsprofiel is aan je corporatie gekoppeld. Je ziet nu de gegevens voor de huur."),
        path=reverse("matching:tenant", kwargs={"profile_id": profile.pk}),
    )
    notify(
        organisations=[care_provider],
        roles=permissions.PROVIDER_ROLES,
        subject=_("Nieuwe cliënt via Woonkans"),
        intro=_("Je organisatie is gekoppeld aan een Woonkans-traject."),
        path=reverse("matching:trajectories"),
    )
    return match


@transaction.atomic
def record_housing(*, actor, profile, lease_signed_on):
    profile = _lock(profile)
    _require_regisseur(actor, profile)
    PROFILES.move(profile, ProfileTransition.HOUSE)
    if lease_signed_on > timezone.localdate():
        raise ValidationError(_("De datum van het huurcontract ligt in de toekomst."))
    Match.objects.filter(profile=profile).update(lease_signed_on=lease_signed_on)
    profile.housed_on = lease_signed_on
    profile.save(update_fields=["status", "housed_on", "updated_at"])
    sync_evaluation_due_from(profile.pk)  # the six months to the first evaluation run from the lease
    # The referral moves to HOUSED (its timeline and the casusregisseur see it) and the grants follow.
    referral_services.mark_housed(actor=actor, referral=profile.referral, lease_signed_on=lease_signed_on)
    return profile


def _party_of_case(actor, profile):
    """The matched corporation or the linked provider of a running trajectory."""
    match = getattr(profile, "match", None)
    if (
        match is None
        or not actor.is_authenticated
        or actor.organisation_id not in (match.corporation_id, match.care_provider_id)
    ):
        return None
    if not actor.has_role(*permissions.CORPORATION_ROLES, *permissions.PROVIDER_ROLES):
        return None
    return match


@transaction.atomic
def record_evaluation(*, actor, profile, held_on, notes):
    profile = _lock(profile)
    if _party_of_case(actor, profile) is None and not permissions.has(
        actor, permissions.CHANGE, profile, permissions.REGISSEUR_ROLES
    ):
        raise PermissionDenied
    evaluation = Evaluation.objects.create(
        profile=profile, held_on=held_on, notes=notes, author=actor, organisation=actor.organisation
    )
    sync_evaluation_due_from(profile.pk)  # the next six months run from the last evaluation
    if profile.last_evaluation_on is None or held_on > profile.last_evaluation_on:
        # Lead-time step "housed": the next evaluation is due from here (matching_profile_eval_due).
        profile.last_evaluation_on = held_on
        profile.save(update_fields=["last_evaluation_on", "updated_at"])
    return evaluation


def case_parties(profile):
    """The parties of a running case that raise and receive signals (art. 8.3): municipality, corporation, provider."""
    match = getattr(profile, "match", None)
    ids = [profile.referral.municipality_id]
    if match is not None:
        ids += [match.corporation_id, match.care_provider_id]
    return Organisation.objects.filter(pk__in=ids).order_by("kind", "name")


def _signalling_party(actor, profile):
    """The actor's organisation when it is a party of the case: the matched corporation, the linked
    provider, or the case's own municipality (its Wmo-consultant, the casusregisseur; art. 8.3)."""
    if _party_of_case(actor, profile) is not None:
        return actor.organisation
    if (
        actor.is_authenticated
        and actor.organisation_id == profile.referral.municipality_id
        and permissions.has(actor, permissions.VIEW, profile, permissions.CONSULTANT_ROLES)
    ):
        return actor.organisation
    return None


SIGNAL_ABOUT_SELF = _("Je kunt geen signaal melden over je eigen organisatie.")
UNDERPERFORMANCE_IS_ABOUT_PROVIDER = _("Een signaal dat de zorg onder de maat is, gaat over de zorgaanbieder.")


@transaction.atomic
def raise_signal(*, actor, profile, kind, text, about):
    """A party of the case signals about another party; it goes to the casusregisseur (SOK art. 8.3),
    who reports back; the chair decides on a casusoverleg (art. 8.4) from the open request."""
    profile = _lock(profile)
    organisation = _signalling_party(actor, profile)
    if organisation is None:
        raise PermissionDenied
    if about is None or not case_parties(profile).filter(pk=about.pk).exists():
        raise ValidationError({"about": _("Kies een partij van dit traject.")})
    if about.pk == organisation.pk:
        raise ValidationError({"about": SIGNAL_ABOUT_SELF})
    if kind == SignalKind.PROVIDER_UNDERPERFORMS and about.pk != profile.match.care_provider_id:
        raise ValidationError({"about": UNDERPERFORMANCE_IS_ABOUT_PROVIDER})
    signal = Signal.objects.create(
        profile=profile, kind=kind, text=text, raised_by=actor, organisation=organisation, about=about
    )
    meeting = CaseMeeting.objects.create(
        profile=profile, signal=signal, signalled_at=signal.created_at, region_id=profile.region_id
    )
    referral_services.record_route_event(
        actor=actor, referral=profile.referral, kind=EventKind.SIGNAL_RAISED, note=f"{organisation.name} → {about.name}"
    )
    # The casusregisseur: the case's own municipality's Wmo-consultant (art. 1a, 8.3), not the chair.
    notify(
        organisations=[profile.referral.municipality],
        roles=permissions.CONSULTANT_ROLES,
        subject=_("Signaal over een Woonkans-traject"),
        intro=_("Er is een signaal gemeld over een lopend traject. Koppel terug wat ermee gebeurt."),
        path=reverse("matching:trajectory", kwargs={"profile_id": profile.pk}),
    )
    return meeting


def casusregisseur_candidates(profile):
    """Who may run a case meeting (Art. 8.3): the region's regisseurs and the case's own Wmo-consultants."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(organisation__in=region_directors(profile.region), role_assignments__role__in=permissions.REGISSEUR_ROLES)
            | Q(organisation_id=profile.referral.municipality_id, role_assignments__role=Role.WMO_CONSULTANT)
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


@transaction.atomic
def plan_case_meeting(*, actor, case_meeting, planned_on, casusregisseur=None):
    profile = _lock(case_meeting.profile)
    if not permissions.is_chair_of(actor, profile.region):
        raise PermissionDenied
    case_meeting = _lock_meeting(case_meeting)
    MEETINGS.move(case_meeting, MeetingTransition.PLAN)
    if casusregisseur is not None and not casusregisseur_candidates(profile).filter(pk=casusregisseur.pk).exists():
        raise ValidationError(
            _("Kies als casusregisseur een regisseur van de regio of een Wmo-consulent van de gemeente.")
        )
    case_meeting.planned_on = planned_on
    case_meeting.casusregisseur = casusregisseur or actor
    case_meeting.save(update_fields=["planned_on", "casusregisseur", "status"])
    if case_meeting.casusregisseur_id != actor.pk:
        notify_users(
            users=[case_meeting.casusregisseur],
            subject=_("Je bent casusregisseur"),
            intro=_("Je bent gevraagd een casusoverleg over een Woonkans-traject te voeren."),
            path=reverse("matching:my_case_meeting", kwargs={"case_meeting_id": case_meeting.pk}),
        )
    return case_meeting


@transaction.atomic
def record_case_meeting_outcome(*, actor, case_meeting, outcome, participants, held_on=None):
    """The casusoverleg was held (art. 8.4): its date, who took part and the outcome."""
    profile = _lock(case_meeting.profile)
    case_meeting = _lock_meeting(case_meeting)
    if not (permissions.is_chair_of(actor, profile.region) or case_meeting.casusregisseur_id == actor.pk):
        raise PermissionDenied
    MEETINGS.move(case_meeting, MeetingTransition.HOLD)
    held_on = held_on or case_meeting.planned_on
    errors = {}
    if held_on is None:
        errors["held_on"] = _("Vul de datum in waarop het casusoverleg is gehouden.")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("Een casusoverleg kan niet in de toekomst zijn gehouden.")
    if not participants.strip():
        errors["participants"] = _("Vul in wie aan het casusoverleg deelnamen.")
    if not outcome.strip():
        errors["outcome"] = _("Vul de uitkomst van het casusoverleg in.")
    if errors:
        raise ValidationError(errors)
    case_meeting.held_on = held_on
    case_meeting.participants = participants
    case_meeting.outcome = outcome
    case_meeting.save(update_fields=["held_on", "participants", "outcome", "status"])
    return case_meeting


@transaction.atomic
def end_trajectory(*, actor, profile, kind, ended_on, evaluation=""):
    profile = _lock(profile)
    _require_regisseur(actor, profile)
    positive = kind == EndKind.POSITIVE
    PROFILES.move(profile, ProfileTransition.END_WELL if positive else ProfileTransition.END_NEGATIVELY)
    if kind != EndKind.POSITIVE and not evaluation.strip():
        raise ValidationError(_("Bij een negatieve beëindiging is een evaluatie altijd verplicht."))
    Match.objects.filter(profile=profile).update(end_kind=kind, ended_on=ended_on, end_evaluation=evaluation)
    profile.ended_on = ended_on
    profile.save(update_fields=["status", "ended_on", "updated_at"])
    sync_evaluation_due_from(profile.pk)  # ended: no evaluation falls due any more
    # The referral says how it ended; the policy takes the shares from the corporation and the
    # provider at once (trajectory ended).
    referral_services.mark_ended(actor=actor, referral=profile.referral, positive=positive, note=EndKind(kind).label)
    return profile
