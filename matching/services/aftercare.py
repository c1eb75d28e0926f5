"""After-care that changes without breaking the case.

- the casusregisseur reports back on a signal (SOK art. 8.3); the chair decides no casusoverleg is
  needed, with a reason (art. 8.4);
- each party changes its own fixed contact and substitute (art. 8.1);
- the chair replaces the care provider of a running trajectory, effective when the new provider
  accepts (art. 10.4, a provider that leaves under art. 10.3);
- the warm handover between the two regions is proposed by the sending chair with a note and
  accepted or refused by the receiving chair (art. 6.1).

The grants follow only from the case's facts: the linked provider from the match and the region's
regisseurs from the referral's region, re-derived by sync_case_grants (docs/disclosure.md).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals import services as referral_services
from referrals.models import EventKind
from referrals.permissions import region_directors
from woonkans.accounts.models import User
from woonkans.notifications import notify
from woonkans.parties.models import Organisation, OrganisationKind
from woonkans.privacy.disclosure import sync_case_grants
from woonkans.privacy.pii_scan import scan_text

from .. import permissions
from ..models import CaseMeeting, Handover, HandshakeStatus, Match, ProviderChange
from ..workflow import (
    HANDSHAKES,
    MEETINGS,
    NOT_RUNNING,
    TRAJECTORY_RUNNING,
    HandshakeTransition,
    MeetingTransition,
    require_stage,
)
from .profiles import resident_names
from .trajectory import _lock, _lock_meeting, _party_of_case, _profile_path

# --- signals and case meetings (art. 8.3–8.4) -----------------------------------------------------


def is_casusregisseur_of(user, case_meeting):
    """The case's own Wmo-consultant (art. 1a) or the casusregisseur the chair appointed (art. 8.4)."""
    if not user.is_authenticated:
        return False
    if case_meeting.casusregisseur_id == user.pk:
        return True
    profile = case_meeting.profile
    return user.organisation_id == profile.referral.municipality_id and permissions.has(
        user, permissions.VIEW, profile, permissions.CONSULTANT_ROLES
    )


@transaction.atomic
def report_back_on_signal(*, actor, case_meeting, report_back):
    """The casusregisseur tells the raiser what was done with the signal (art. 8.3); again corrects it."""
    profile = _lock(case_meeting.profile)
    case_meeting = _lock_meeting(case_meeting)
    case_meeting.profile = profile
    if not is_casusregisseur_of(actor, case_meeting):
        raise PermissionDenied
    if not report_back.strip():
        raise ValidationError({"report_back": _("Vul de terugkoppeling aan de melder in.")})
    case_meeting.report_back = report_back
    case_meeting.reported_back_at = timezone.now()
    case_meeting.reported_back_by = actor
    case_meeting.save(update_fields=["report_back", "reported_back_at", "reported_back_by"])
    signal = case_meeting.signal
    notify(
        organisations=[signal.organisation],
        roles=(*permissions.CORPORATION_ROLES, *permissions.PROVIDER_ROLES, *permissions.CONSULTANT_ROLES),
        subject=_("Terugkoppeling op je signaal"),
        intro=_("De casusregisseur heeft teruggekoppeld wat er met je signaal is gedaan."),
        path=reverse("matching:trajectory", kwargs={"profile_id": profile.pk}),
    )
    return case_meeting


@transaction.atomic
def record_no_case_meeting(*, actor, case_meeting, reason):
    """The chair decides there is no reason or need for a casusoverleg (art. 8.4), and says why."""
    profile = _lock(case_meeting.profile)
    if not permissions.is_chair_of(actor, profile.region):
        raise PermissionDenied
    case_meeting = _lock_meeting(case_meeting)
    MEETINGS.move(case_meeting, MeetingTransition.NOT_NEEDED)
    if not reason.strip():
        raise ValidationError({"reason": _("Geef aan waarom er geen casusoverleg nodig is.")})
    case_meeting.not_needed_reason = reason
    case_meeting.save(update_fields=["not_needed_reason", "status"])
    return case_meeting


# --- fixed contacts (art. 8.1) ---------------------------------------------------------------------

CONTACT_FIELDS = {
    "corporation": ("corporation_contact", "corporation_substitute"),
    "provider": ("provider_contact", "provider_substitute"),
}


def _side(match, organisation_id):
    if organisation_id == match.corporation_id:
        return "corporation"
    if organisation_id == match.care_provider_id:
        return "provider"
    return None


def own_staff(organisation):
    """Whom a party may name as its fixed contact or substitute: its own active staff in its own role."""
    roles = (
        permissions.CORPORATION_ROLES
        if organisation.kind == OrganisationKind.CORPORATION
        else permissions.PROVIDER_ROLES
    )
    return (
        User.objects.filter(is_active=True, organisation=organisation, role_assignments__role__in=roles)
        .distinct()
        .order_by("last_name", "first_name")
    )


@transaction.atomic
def change_contacts(*, actor, profile, party, contact, substitute=None):
    """A party changes its own fixed contact and substitute of a running case (art. 8.1), never another's."""
    profile = _lock(profile)
    match = _party_of_case(actor, profile)
    if match is None or party.pk != actor.organisation_id:
        raise PermissionDenied
    require_stage(profile, TRAJECTORY_RUNNING, NOT_RUNNING)
    side = _side(match, party.pk)
    staff = own_staff(party)
    errors = {}
    if contact is None or not staff.filter(pk=contact.pk).exists():
        errors["contact"] = _("Kies een medewerker van je eigen organisatie.")
    if substitute is not None and not staff.filter(pk=substitute.pk).exists():
        errors["substitute"] = _("Kies een medewerker van je eigen organisatie.")
    elif substitute is not None and contact is not None and substitute.pk == contact.pk:
        errors["substitute"] = _("De vervanger is een ander dan het vaste aanspreekpunt.")
    if errors:
        raise ValidationError(errors)
    contact_field, substitute_field = CONTACT_FIELDS[side]
    Match.objects.filter(pk=match.pk).update(**{contact_field: contact, substitute_field: substitute})
    # Names of staff are their own data, but the timeline needs only who changed it.
    referral_services.record_route_event(
        actor=actor, referral=profile.referral, kind=EventKind.CONTACTS_CHANGED, note=party.name
    )
    return Match.objects.get(pk=match.pk)


# --- another care provider (art. 10.3–10.4) --------------------------------------------------------


def replacement_providers(match):
    """Care providers that may take the trajectory over: parties that have not given notice."""
    return (
        Organisation.objects.active()
        .filter(kind=OrganisationKind.CARE_PROVIDER, notice_given_on__isnull=True)
        .exclude(pk=match.care_provider_id)
        .order_by("name")
    )


@transaction.atomic
def propose_provider_change(*, actor, profile, to_provider, reason):
    """The chair proposes another provider; nothing moves until that provider accepts."""
    profile = _lock(profile)
    if not permissions.is_chair_of(actor, profile.region):
        raise PermissionDenied
    require_stage(profile, TRAJECTORY_RUNNING, NOT_RUNNING)
    match = Match.objects.get(profile=profile)
    errors = {}
    if to_provider is None or not replacement_providers(match).filter(pk=to_provider.pk).exists():
        errors["to_provider"] = _("Kies een andere zorgaanbieder die deelneemt aan Woonkans.")
    if not reason.strip():
        errors["reason"] = _("Geef de reden van de vervanging.")
    if errors:
        raise ValidationError(errors)
    if profile.provider_changes.filter(status=HandshakeStatus.PROPOSED).exists():
        raise ValidationError(_("Er staat al een voorstel voor een andere zorgaanbieder open."))
    change = ProviderChange.objects.create(
        profile=profile,
        from_provider_id=match.care_provider_id,
        to_provider=to_provider,
        reason=reason,
        proposed_by=actor,
    )
    notify(
        organisations=[to_provider],
        roles=permissions.PROVIDER_ROLES,
        subject=_("Verzoek om een Woonkans-traject over te nemen"),
        intro=_("De voorzitter van het Woonkans-overleg vraagt je organisatie een lopend traject over te nemen."),
        path=reverse("matching:provider_change_answer", kwargs={"change_id": change.pk}),
    )
    return change


def _lock_change(change):
    return ProviderChange.objects.select_for_update(of=("self",)).get(pk=change.pk)


@transaction.atomic
def accept_provider_change(*, actor, change, contact, substitute=None):
    """The new provider accepts and names its contacts: the match moves, and the grants with it."""
    profile = _lock(change.profile)
    change = _lock_change(change)
    if actor.organisation_id != change.to_provider_id or not actor.has_role(*permissions.PROVIDER_ROLES):
        raise PermissionDenied
    HANDSHAKES.move(change, HandshakeTransition.ACCEPT)
    require_stage(profile, TRAJECTORY_RUNNING, NOT_RUNNING)
    match = Match.objects.get(profile=profile)
    if match.care_provider_id != change.from_provider_id:
        raise ValidationError(_("De zorgaanbieder van dit traject is intussen al gewijzigd."))
    staff = own_staff(change.to_provider)
    errors = {}
    if contact is None or not staff.filter(pk=contact.pk).exists():
        errors["contact"] = _("Kies een medewerker van je eigen organisatie.")
    if substitute is not None and not staff.filter(pk=substitute.pk).exists():
        errors["substitute"] = _("Kies een medewerker van je eigen organisatie.")
    if errors:
        raise ValidationError(errors)
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    Match.objects.filter(pk=match.pk).update(
        care_provider=change.to_provider, provider_contact=contact, provider_substitute=substitute
    )
    # The linked provider is read from the match: the new one gets the contact data, the old one loses it.
    sync_case_grants(profile.referral, actor=actor)
    referral_services.record_route_event(
        actor=actor,
        referral=profile.referral,
        kind=EventKind.PROVIDER_REPLACED,
        note=f"{change.from_provider.name} → {change.to_provider.name}",
    )
    notify(
        organisations=[change.from_provider],
        roles=permissions.PROVIDER_ROLES,
        subject=_("Een Woonkans-traject is overgenomen"),
        intro=_("Een andere zorgaanbieder heeft een traject van je organisatie overgenomen."),
        path=reverse("matching:trajectories"),
    )
    notify(
        organisations=region_directors(profile.region),
        roles=permissions.CHAIR_ROLES,
        subject=_("Zorgaanbieder vervangen"),
        intro=_("De nieuwe zorgaanbieder heeft het traject overgenomen."),
        path=_profile_path(profile),
    )
    return change


@transaction.atomic
def refuse_provider_change(*, actor, change, reason):
    profile = _lock(change.profile)
    change = _lock_change(change)
    if actor.organisation_id != change.to_provider_id or not actor.has_role(*permissions.PROVIDER_ROLES):
        raise PermissionDenied
    HANDSHAKES.move(change, HandshakeTransition.REFUSE)
    if not reason.strip():
        raise ValidationError({"reason": _("Geef de reden van de weigering.")})
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.refusal_reason = reason
    change.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
    notify(
        organisations=region_directors(profile.region),
        roles=permissions.CHAIR_ROLES,
        subject=_("Overname van een traject geweigerd"),
        intro=_("De gevraagde zorgaanbieder neemt het traject niet over."),
        path=_profile_path(profile),
    )
    return change


# --- warm handover between the regions (art. 6.1) -------------------------------------------------


@transaction.atomic
def propose_handover(*, actor, profile, to_region, note):
    """The sending chair proposes the handover with a note; access stays where it is until acceptance."""
    profile = _lock(profile)
    if not permissions.is_chair_of(actor, profile.region):
        raise PermissionDenied
    errors = {}
    if to_region is None or to_region.pk == profile.region_id:
        errors["region"] = _("Kies de andere regio.")
    if not note.strip():
        errors["note"] = _("Schrijf een overdrachtsnotitie voor de ontvangende voorzitter.")
    else:
        # The receiving chair reads the note before any grant (art. 6.1): no identifying data in it.
        findings = scan_text(note, names=resident_names(profile))
        if findings:
            errors["note"] = _("Haal identificerende gegevens uit de notitie: %(kinds)s.") % {
                "kinds": ", ".join(sorted({str(_(finding.label)) for finding in findings}))
            }
    if errors:
        raise ValidationError(errors)
    if profile.handovers.filter(status=HandshakeStatus.PROPOSED).exists():
        raise ValidationError(_("Er staat al een voorstel voor een warme overdracht open."))
    handover = Handover.objects.create(
        profile=profile, from_region=profile.region, to_region=to_region, note=note, proposed_by=actor
    )
    referral_services.record_route_event(
        actor=actor,
        referral=profile.referral,
        kind=EventKind.HANDOVER_PROPOSED,
        note=f"{profile.region.name} → {to_region.name}",
    )
    notify(
        organisations=region_directors(to_region),
        roles=permissions.CHAIR_ROLES,
        subject=_("Voorstel voor een warme overdracht"),
        intro=_("De voorzitter van de andere regio stelt een warme overdracht voor. Accepteer of weiger het."),
        path=reverse("matching:handover", kwargs={"handover_id": handover.pk}),
    )
    return handover


def _lock_handover(handover):
    return Handover.objects.select_for_update(of=("self",)).select_related("to_region").get(pk=handover.pk)


@transaction.atomic
def accept_handover(*, actor, handover):
    """The receiving chair accepts: the case's region changes and the grants move to that region."""
    profile = _lock(handover.profile)
    handover = _lock_handover(handover)
    if not permissions.is_chair_of(actor, handover.to_region):
        raise PermissionDenied
    HANDSHAKES.move(handover, HandshakeTransition.ACCEPT)
    if profile.region_id != handover.from_region_id:
        raise ValidationError(_("Dit traject is intussen al naar een andere regio gegaan."))
    handover.decided_by = actor
    handover.decided_at = timezone.now()
    handover.save(update_fields=["status", "decided_by", "decided_at"])
    profile.region = handover.to_region
    profile.save(update_fields=["region", "updated_at"])
    # The case's meetings go with it: the new chair's open signals (/nazorg/) are read by this column.
    CaseMeeting.objects.filter(profile=profile).update(region=handover.to_region)
    # The referral follows; its sync moves the grants to the new region's regisseurs, and its event
    # moves the case's one monitoring fact to the new region.
    referral_services.hand_over_region(actor=actor, referral=profile.referral, to_region=handover.to_region)
    notify(
        organisations=region_directors(handover.from_region),
        roles=permissions.CHAIR_ROLES,
        subject=_("Warme overdracht geaccepteerd"),
        intro=_("De andere regio heeft de warme overdracht geaccepteerd."),
        path=reverse("matching:aftercare"),
    )
    return handover


@transaction.atomic
def refuse_handover(*, actor, handover, reason):
    profile = _lock(handover.profile)
    handover = _lock_handover(handover)
    if not permissions.is_chair_of(actor, handover.to_region):
        raise PermissionDenied
    HANDSHAKES.move(handover, HandshakeTransition.REFUSE)
    if not reason.strip():
        raise ValidationError({"reason": _("Geef de reden van de weigering.")})
    handover.decided_by = actor
    handover.decided_at = timezone.now()
    handover.refusal_reason = reason
    handover.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
    referral_services.record_route_event(
        actor=actor,
        referral=profile.referral,
        kind=EventKind.HANDOVER_REFUSED,
        note=f"{handover.from_region.name} → {handover.to_region.name}",
    )
    notify(
        organisations=region_directors(handover.from_region),
        roles=permissions.CHAIR_ROLES,
        subject=_("Warme overdracht geweigerd"),
        intro=_("De andere regio heeft de warme overdracht geweigerd."),
        path=_profile_path(profile),
    )
    return handover
