"""The facts a profile must carry before it is shared, and before the match; the chair's pgb exception.

Which facts, and when (decided from the seed):
- before sharing (Bijlage 2 step 4 comes before step 5): whether a safety plan is needed; the care
  provider and how the care is paid, with the chair's exception for a provider that is not a party
  and is paid from a pgb (SOK art. 9.2b); the registration as woningzoekende that the provider sees
  to (art. 5.3a), since the corporations offer homes from step 5 on; and the concrete agreements for
  when the trajectory goes wrong, which step 5 says the profile includes.
- before the match (step 6, the lease): a needed safety plan is agreed with the provider, on a date.
  Step 4 only says one "opgesteld moet gaan worden", so it may still be written while corporations
  look, but nobody moves in without it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.privacy.restriction import ensure_processing_allowed

from .. import permissions
from ..models import Profile
from ..models.profile import CareFunding
from ..workflow import EDITABLE, NOT_EDITABLE, require_stage

SHARE = "share"
MATCH = "match"


class MissingFacts(ValidationError):
    """The profile lacks a fact the next step needs; ``facts`` maps the profile field to the message."""

    def __init__(self, facts):
        super().__init__(list(facts.values()))
        self.facts = facts


def needs_pgb_exception(profile):
    """SOK art. 9.2b: a provider that is not a party, paid from a pgb, needs the chair's exception."""
    return bool(profile.care_provider_other) and profile.care_funding == CareFunding.PGB


def missing_facts(profile, *, stage=SHARE):
    """{profile field: Dutch message} for every fact missing before ``stage`` (SHARE or MATCH)."""
    missing = {}
    if profile.safety_plan_needed is None:
        missing["safety_plan_needed"] = _("Leg vast of er een veiligheidsplan nodig is (Bijlage 2, stap 4).")
    if profile.care_provider_id is None and not profile.care_provider_other:
        missing["care_provider"] = _("Kies de zorgaanbieder die de begeleiding gaat geven (SOK art. 9.2b).")
    if not profile.care_funding:
        missing["care_funding"] = _("Geef aan of de zorg in natura of uit een pgb wordt betaald (SOK art. 9.2b).")
    elif needs_pgb_exception(profile) and profile.pgb_exception_on is None:
        missing["care_provider_other"] = _(
            "Een zorgaanbieder die geen partij is, kan de begeleiding met een pgb alleen geven als de voorzitter "
            "van het Woonkans-overleg daarvoor een uitzondering maakt (SOK art. 9.2b)."
        )
    if profile.registered_on is None or profile.registered_by_id is None:
        missing["registered_on"] = _(
            "Leg vast wanneer en door wie de inwoner als woningzoekende is ingeschreven (SOK art. 5.3a)."
        )
    if not profile.failure_agreements.strip():
        missing["failure_agreements"] = _(
            "Beschrijf de afspraken voor als het traject niet goed loopt (Bijlage 2, stap 5)."
        )
    if (
        stage == MATCH
        and profile.safety_plan_needed
        and (profile.safety_plan_provider_id is None or profile.safety_plan_agreed_on is None)
    ):
        missing["safety_plan_agreed_on"] = _(
            "Het veiligheidsplan is nodig: leg vast met welke zorgaanbieder en op welke datum het is afgesproken "
            "(Bijlage 2, stap 4)."
        )
    return missing


# Radio buttons have no element with the field's own id: a link goes to the first button.
RADIO_FIELDS = frozenset({"safety_plan_needed", "care_funding"})


def fact_links(missing):
    """[(anchor in the profile form, message)] for a list of missing facts that links to each field."""
    return [
        (f"id_{field}_0" if field in RADIO_FIELDS else f"id_{field}", message) for field, message in missing.items()
    ]


def require_facts(profile, *, stage):
    missing = missing_facts(profile, stage=stage)
    if missing:
        raise MissingFacts(missing)


@transaction.atomic
def grant_pgb_exception(*, actor, profile, reason):
    """The chair lets a non-party provider give the support from a pgb (SOK art. 9.2b), with a reason."""
    locked = Profile.objects.select_for_update(of=("self",)).select_related("region").get(pk=profile.pk)
    if not permissions.is_chair_of(actor, locked.region) or not permissions.has(
        actor, permissions.CHANGE, locked, permissions.REGISSEUR_ROLES
    ):
        raise PermissionDenied
    ensure_processing_allowed(referral_id=locked.referral_id)
    require_stage(locked, EDITABLE, NOT_EDITABLE)
    if not needs_pgb_exception(locked):
        raise ValidationError(
            _(
                "Een uitzondering is alleen nodig voor een zorgaanbieder die geen partij is en uit een pgb "
                "wordt betaald."
            )
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Geef de reden van de uitzondering.")})
    locked.pgb_exception_reason = reason.strip()
    locked.pgb_exception_by = actor
    locked.pgb_exception_on = timezone.localdate()
    locked.save(update_fields=["pgb_exception_reason", "pgb_exception_by", "pgb_exception_on", "updated_at"])
    log_access(
        user=actor,
        action=AccessAction.UPDATE,
        obj=locked,
        subject=locked.code,
        purpose="uitzondering pgb-zorgaanbieder (SOK art. 9.2b)",
    )
    return locked
