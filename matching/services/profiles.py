"""Writing the mediation profile, scanning it for identifying data, sharing it, and the corporations' answers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals import permissions as referral_permissions
from referrals import services as referral_services
from referrals.models import EventKind
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.notifications import notify
from woonkans.parties.models import HousingStock, Organisation, OrganisationKind
from woonkans.privacy.disclosure import sync_case_grants
from woonkans.privacy.pii_scan import fingerprint, scan_sections
from woonkans.privacy.restriction import ensure_processing_allowed

from .. import permissions
from ..models import AgeBand, Offer, Profile, ProfileMessage, ProfileShare, ProfileStatus, ProfileVersion
from ..models.profile import RENT, SECTION_FIELDS, sync_message_at, sync_offered_at, sync_question_at
from ..workflow import ANSWERABLE, EDITABLE, NOT_ANSWERABLE, NOT_EDITABLE, PROFILES, ProfileTransition, require_stage
from .facts import SHARE, require_facts

PGB_EXCEPTION_BASIS = ("care_provider", "care_provider_other", "care_funding")


class ConcurrentEdit(Exception):
    """Someone else saved the profile since this user opened it."""

    def __init__(self, current):
        super().__init__("profile changed since it was opened")
        self.current = current


class IdentifyingDataFound(ValidationError):
    pass


def _require(user, perm, profile, roles=permissions.REGISSEUR_ROLES):
    if not permissions.has(user, perm, profile, roles):
        raise PermissionDenied
    ensure_processing_allowed(referral_id=profile.referral_id)


def _snapshot(profile, actor):
    ProfileVersion.objects.create(
        profile=profile,
        version=profile.version,
        saved_by=actor,
        content={field: getattr(profile, field) for field in SECTION_FIELDS},
    )


@transaction.atomic
def create_profile(*, actor, referral):
    """Start the profile from the consultant's research; the regisseur edits from there."""
    if not referral_permissions.has(actor, referral_permissions.VIEW, referral, referral_permissions.REGISSEUR_ROLES):
        raise PermissionDenied
    ensure_processing_allowed(referral_id=referral.pk)
    if referral.status != "submitted" or hasattr(referral, "profile"):
        raise ValidationError(_("Voor deze aanmelding kan geen (nieuw) profiel worden gemaakt."))
    research, identity = referral.research, referral.identity
    age = identity.age_on(timezone.localdate())
    profile = Profile.objects.create(
        referral=referral,
        region=referral.region,
        municipality_id=referral.municipality_id,
        regisseur=actor,
        age_band=AgeBand.for_age(age),
        young_adult=age is not None and 18 <= age <= 27,
        origin=research.origin,
        negative_rental_history=research.negative_rental_history,
        contract_form=research.contract_form,
        # The consultant's first judgement (Bijlage 2 step 4); the regisseur records the agreement.
        safety_plan_needed=research.safety_plan_needed,
        current_situation=research.support_need,
        housing_situation=research.housing_situation,
        household_care=research.household_care,
        work_participation=research.daytime_activities,
        mobility=research.mobility,
        social_network=research.social_network,
        social_self_reliance=research.social_self_reliance,
        finances=research.finances,
        dwelling_needs="\n".join(filter(None, [research.dwelling_needs, research.neighbourhood_needs])),
    )
    profile.search_area.set(research.search_area.all())
    referral_services.mark_profile_started(referral=referral, at=profile.created_at)
    sync_case_grants(referral, actor=actor)
    _snapshot(profile, actor)
    return profile


@transaction.atomic
def update_profile(*, actor, profile, expected_version, data):
    """Save the regisseur's text; refuse (with the current text) when someone else saved in between."""
    locked = Profile.objects.select_for_update().get(pk=profile.pk)
    _require(actor, permissions.CHANGE, locked)
    require_stage(locked, EDITABLE, NOT_EDITABLE)
    if locked.version != expected_version:
        raise ConcurrentEdit(current=locked)
    search_area = data.pop("search_area", None)
    # The chair's exception (SOK art. 9.2b) was made for one provider and one way of paying.
    if any(field in data and data[field] != getattr(locked, field) for field in PGB_EXCEPTION_BASIS):
        locked.pgb_exception_reason, locked.pgb_exception_by, locked.pgb_exception_on = "", None, None
    for field, value in data.items():
        setattr(locked, field, value)
    # Corporations already read a shared profile: new identifying text must never reach them.
    if locked.status == ProfileStatus.SHARED and open_findings(locked, names=resident_names(locked)):
        raise IdentifyingDataFound(
            _(
                "Dit profiel is al gedeeld met corporaties. De nieuwe tekst bevat mogelijk identificerende gegevens "
                "en is daarom niet opgeslagen; pas de gemarkeerde tekst aan."
            )
        )
    locked.version += 1
    locked.save()
    if search_area is not None:
        locked.search_area.set(search_area)
    _snapshot(locked, actor)
    return locked


def resident_names(profile):
    """The resident's own names, for the scan only: read through the referral, never shown."""
    identity = profile.referral.identity
    return [identity.given_name, identity.family_name, identity.full_name]


def open_findings(profile, *, names):
    """Findings per section that the regisseur has not overridden with a reason."""
    overridden = {override["fingerprint"] for override in profile.pii_overrides}
    sections = {field: getattr(profile, field) for field in SECTION_FIELDS}
    findings = scan_sections(sections, names=names)
    result = {}
    for field, items in findings.items():
        remaining = [finding for finding in items if fingerprint(finding) not in overridden]
        if remaining:
            result[field] = remaining
    return result


@transaction.atomic
def override_finding(*, actor, profile, finding_fingerprint, kind, reason):
    locked = Profile.objects.select_for_update().get(pk=profile.pk)
    _require(actor, permissions.CHANGE, locked)
    if not reason.strip():
        raise ValidationError(_("Geef een reden waarom dit geen identificerend gegeven is."))
    locked.pii_overrides = [
        *locked.pii_overrides,
        {
            "fingerprint": finding_fingerprint,
            "kind": kind,
            "reason": reason,
            "by": actor.username,
            "at": timezone.now().isoformat(),
        },
    ]
    locked.save(update_fields=["pii_overrides", "updated_at"])
    log_access(
        user=actor,
        action=AccessAction.UPDATE,
        obj=locked,
        subject=locked.code,
        purpose=f"PII-melding overschreven: {kind}",
    )
    return locked


def open_finding_count(profile):
    """How many findings in the saved text still wait to be rewritten or overridden with a reason."""
    return sum(len(items) for items in open_findings(profile, names=resident_names(profile)).values())


def eligible_corporations(profile):
    """Corporations with housing stock in the profile's search area (Bijlage 2 step 5)."""
    return (
        Organisation.objects.active()
        .filter(
            kind=OrganisationKind.CORPORATION,
            pk__in=HousingStock.objects.filter(municipality__in=profile.search_area.all(), homes__gt=0).values(
                "corporation"
            ),
        )
        .order_by("name")
    )


@transaction.atomic
def share_profile(*, actor, profile, corporations):
    locked = (
        Profile.objects.select_for_update(of=("self",))
        .select_related("referral__identity", "region")
        .get(pk=profile.pk)
    )
    _require(actor, permissions.CHANGE, locked)
    PROFILES.target(ProfileTransition.SHARE, locked.status)  # refuses early, with the Dutch message
    if open_findings(locked, names=resident_names(locked)):
        raise IdentifyingDataFound(_("Het profiel bevat nog mogelijk identificerende gegevens."))
    require_facts(locked, stage=SHARE)
    allowed = set(eligible_corporations(locked).values_list("pk", flat=True))
    chosen = [corporation for corporation in corporations if corporation.pk in allowed]
    if not chosen or len(chosen) != len(corporations):
        raise ValidationError(_("Kies corporaties met woningbezit in het zoekgebied."))
    for corporation in chosen:
        ProfileShare.objects.get_or_create(profile=locked, corporation=corporation, defaults={"shared_by": actor})
    first_share = locked.status == ProfileStatus.DRAFT
    PROFILES.move(locked, ProfileTransition.SHARE)
    locked.shared_at = locked.shared_at or timezone.now()
    locked.save(update_fields=["status", "shared_at", "updated_at"])
    sync_case_grants(locked.referral_id, actor=actor)
    if first_share:
        referral_services.record_route_event(actor=actor, referral=locked.referral, kind=EventKind.PROFILE_SHARED)
        # The lead-time step "feedback_2" starts with the share, recorded on the referral with its moment.
        referral_services.mark_profile_shared(referral=locked.referral, at=locked.shared_at)
    notify(
        organisations=chosen,
        roles=permissions.CORPORATION_ROLES,
        subject=_("Nieuw profiel in de matchingstabel"),
        intro=_("Er is een bemiddelingsprofiel met je corporatie gedeeld."),
        path=reverse("matching:table"),
    )
    return locked


@transaction.atomic
def respond_to_profile(*, actor, share, response, offer=None):
    share = ProfileShare.objects.select_for_update(of=("self",)).select_related("profile").get(pk=share.pk)
    ensure_processing_allowed(referral_id=share.profile.referral_id)
    if share.corporation_id != actor.organisation_id or not permissions.has(
        actor, permissions.VIEW, share.profile, permissions.CORPORATION_ROLES
    ):
        raise PermissionDenied
    require_stage(share.profile, ANSWERABLE, NOT_ANSWERABLE)
    if share.revoked_at is not None:
        raise ValidationError(NOT_ANSWERABLE)
    if response == "offer":
        RENT.ensure(offer["rent_cents"])
    share.response = response
    share.responded_at = timezone.now()
    share.save(update_fields=["response", "responded_at"])
    if response == "offer":
        Offer.objects.create(share=share, created_by=actor, **offer)
        sync_offered_at(share.profile_id)  # lead-time step "offer" starts with the first one
    sync_message_at(share.profile_id)  # its answer: the regisseur's earlier word no longer waits
    notify(
        organisations=referral_permissions.region_directors(share.profile.region),
        roles=permissions.REGISSEUR_ROLES,
        subject=_("Reactie op een profiel"),
        intro=_("Een corporatie heeft gereageerd op een bemiddelingsprofiel."),
        path=reverse("matching:profile", kwargs={"profile_id": share.profile.pk}),
    )
    return share


@transaction.atomic
def post_message(*, actor, profile, corporation, text):
    ensure_processing_allowed(referral_id=profile.referral_id)
    is_regisseur = permissions.has(actor, permissions.CHANGE, profile, permissions.REGISSEUR_ROLES)
    is_that_corporation = actor.organisation_id == corporation.pk and permissions.has(
        actor, permissions.VIEW, profile, permissions.CORPORATION_ROLES
    )
    if not (is_regisseur or is_that_corporation):
        raise PermissionDenied
    # The question thread closes with the share (placed elsewhere, stopped, ended).
    if ProfileShare.objects.filter(profile=profile, corporation=corporation, revoked_at__isnull=False).exists():
        raise ValidationError(_("Over dit profiel kunnen met deze corporatie geen vragen meer worden gesteld."))
    message = ProfileMessage.objects.create(profile=profile, corporation=corporation, author=actor, text=text)
    sync_question_at(profile.pk)  # the corporation asks: waiting; the regisseur answers: not any more
    sync_message_at(profile.pk)  # and the other way round for the corporation's count
    recipients = [corporation] if is_regisseur else list(referral_permissions.region_directors(profile.region))
    roles = permissions.CORPORATION_ROLES if is_regisseur else permissions.REGISSEUR_ROLES
    notify(
        organisations=recipients,
        roles=roles,
        subject=_("Nieuw bericht over een profiel"),
        intro=_("Er is een nieuw bericht in de vragen bij een bemiddelingsprofiel."),
        path=reverse(
            "matching:corporation_profile" if is_regisseur else "matching:profile", kwargs={"profile_id": profile.pk}
        ),
    )
    return message
