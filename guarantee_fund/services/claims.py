"""The claim on the standard form (Bijlage 3): filed by the matched corporation, decided by the chair."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans import cases
from woonkans.accounts.roles import Role
from woonkans.events import ClaimFiled, publish
from woonkans.money import format_euro
from woonkans.notifications import notify
from woonkans.parties.chain import is_chair_of, region_directors
from woonkans.parties.models import Organisation, OrganisationKind
from woonkans.privacy.files import store_upload
from woonkans.privacy.restriction import ensure_processing_allowed

from ..models import (
    APPROVED_AMOUNT,
    CLAIM_LINE_AMOUNT,
    DEPOSIT,
    Claim,
    ClaimDocument,
    ClaimLine,
    ClaimStatus,
    CostCategory,
)
from ..workflow import CLAIMS, ClaimTransition
from .ledger import TREASURER_ROLES

CORPORATION_ROLES = (Role.CORPORATION,)


class ClaimIncomplete(ValidationError):
    pass


def _lock(claim):
    """Lock the claim for this action; the claim of a restricted case (AVG art. 18) takes no action."""
    locked = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("region", "corporation", "profile")
        .get(pk=claim.pk)
    )
    ensure_processing_allowed(referral_id=locked.profile.referral_id)
    return locked


def _require_owner(actor, claim):
    if not actor.has_role(*CORPORATION_ROLES) or actor.organisation_id != claim.corporation_id:
        raise PermissionDenied


@transaction.atomic
def create_claim(*, actor, profile, termination_date, termination_kind, evaluation, deposit_cents):
    """Only the matched corporation of a trajectory that ended negatively can claim.

    ``profile`` is the case's profile or its id; the fund reads the trajectory through woonkans.cases
    (matching provides it), never matching's models.
    """
    trajectory = cases.trajectory(getattr(profile, "pk", profile))
    if (
        trajectory is None
        or not actor.has_role(*CORPORATION_ROLES)
        or actor.organisation_id != trajectory.corporation_id
    ):
        raise PermissionDenied
    if not trajectory.claimable:
        raise ValidationError(_("Een claim kan alleen na een negatieve beëindiging: ontruimd of vertrokken."))
    DEPOSIT.ensure(deposit_cents)
    ensure_processing_allowed(referral_id=trajectory.referral_id)
    return Claim.objects.create(
        profile_id=trajectory.profile_id,
        code=trajectory.code,
        corporation_id=trajectory.corporation_id,
        region_id=trajectory.region_id,
        termination_date=termination_date,
        termination_kind=termination_kind,
        evaluation=evaluation,
        deposit_cents=deposit_cents,
        created_by=actor,
    )


@transaction.atomic
def add_claim_line(
    *, actor, claim, category, description, amount_cents, period_from=None, period_to=None, mediation_exhausted=False
):
    claim = _lock(claim)
    _require_owner(actor, claim)
    if claim.status not in (ClaimStatus.DRAFT, ClaimStatus.RETURNED):
        raise ValidationError(_("Deze claim kan niet meer worden gewijzigd."))
    CLAIM_LINE_AMOUNT.ensure(amount_cents)
    if category == CostCategory.LEGAL and not mediation_exhausted:
        raise ValidationError(_("Juridische kosten tellen alleen als de reguliere bemiddeling was uitgeput."))
    if category == CostCategory.RENT and not (period_from and period_to):
        raise ValidationError(_("Geef de periode van de huurachterstand of huurderving."))
    if period_from and period_to and period_from > period_to:
        raise ValidationError(_("De periode eindigt vóór hij begint."))
    return ClaimLine.objects.create(
        claim=claim,
        category=category,
        description=description,
        amount_cents=amount_cents,
        period_from=period_from,
        period_to=period_to,
        mediation_exhausted=mediation_exhausted,
    )


@transaction.atomic
def add_claim_document(*, actor, claim, description, uploaded_file):
    claim = _lock(claim)
    _require_owner(actor, claim)
    stored = store_upload(uploaded_file, folder=f"claims/{claim.pk.hex}")
    document = ClaimDocument.from_stored(stored, claim=claim, description=description, uploaded_by=actor)
    document.save()
    return document


def claim_problems(claim):
    problems = []
    total = claim.claimed_cents
    if not claim.lines.exists():
        problems.append(_("Voeg de kosten toe, per post."))
    if total <= claim.deposit_cents:
        problems.append(
            _(
                "Het totaal van de kosten (%(total)s) is niet hoger dan de borg (%(deposit)s); een claim is dan "
                "niet mogelijk."
            )
            % {"total": format_euro(total), "deposit": format_euro(claim.deposit_cents)}
        )
    if not claim.evaluation.strip():
        problems.append(_("Een evaluatie is altijd verplicht."))
    if not claim.documents.exists():
        problems.append(_("Voeg de facturen en het opnameformulier toe."))
    if not claim.no_serious_negligence:
        problems.append(_("Verklaar dat geen partij ernstig nalatig is geweest."))
    return problems


@transaction.atomic
def file_claim(*, actor, claim, no_serious_negligence):
    claim = _lock(claim)
    _require_owner(actor, claim)
    claim.no_serious_negligence = no_serious_negligence
    problems = claim_problems(claim)
    if problems:
        raise ClaimIncomplete(problems)
    CLAIMS.move(claim, ClaimTransition.FILE)
    claim.filed_at = timezone.now()
    claim.save(update_fields=["status", "filed_at", "no_serious_negligence"])
    # The claim is first discussed in the region's next Woonkans-overleg (Art. 7.8): matching puts it
    # on the agenda when it hears of the filing, after the commit.
    publish(ClaimFiled(claim_id=claim.pk, profile_id=claim.profile_id, region_id=claim.region_id, code=claim.code))
    notify(
        organisations=region_directors(claim.region),
        roles=(Role.KETENREGISSEUR,),
        subject=_("Claim voor het Woonkans-overleg"),
        intro=_("Er is een claim op het garantiefonds ingediend voor het Woonkans-overleg."),
        path=reverse("guarantee_fund:claim", kwargs={"claim_id": claim.pk}),
    )
    return claim


@transaction.atomic
def decide_claim(*, actor, claim, approve, motivation, approved_cents=None, bespoke=False, overleg_consent=False):
    """The chair decides after the overleg: approve up to the claimed total, or reject; always motivated."""
    claim = _lock(claim)
    if not is_chair_of(actor, claim.region):
        raise PermissionDenied
    if not motivation.strip():
        raise ValidationError(_("Motiveer het besluit."))
    if bespoke and not overleg_consent:
        raise ValidationError(_("Maatwerk buiten de regels kan alleen met instemming van de aanwezigen."))
    if approve:
        claimed = claim.claimed_cents
        if approved_cents is None or not APPROVED_AMOUNT.min_cents <= approved_cents <= claimed:
            # Keyed by the form's field, so the message stands next to the amount.
            raise ValidationError(
                {
                    "approved_cents": _(
                        "Het toegekende bedrag moet positief zijn en niet hoger dan het geclaimde (%(claimed)s)."
                    )
                    % {"claimed": format_euro(claimed)}
                }
            )
        APPROVED_AMOUNT.ensure(approved_cents)
        CLAIMS.move(claim, ClaimTransition.APPROVE)
        claim.approved_cents = approved_cents
    else:
        CLAIMS.move(claim, ClaimTransition.REJECT)
    claim.decision_motivation, claim.bespoke, claim.overleg_consent = motivation, bespoke, overleg_consent
    claim.decided_by, claim.decided_at = actor, timezone.now()
    claim.save()
    notify(
        organisations=[claim.corporation],
        roles=CORPORATION_ROLES,
        subject=_("Besluit over je claim"),
        intro=_("De voorzitter van het Woonkans-overleg heeft over een claim besloten."),
        path=reverse("guarantee_fund:claim", kwargs={"claim_id": claim.pk}),
    )
    return claim


@transaction.atomic
def submit_to_mgr(*, actor, claim):
    claim = _lock(claim)
    _require_owner(actor, claim)
    CLAIMS.move(claim, ClaimTransition.SUBMIT_TO_MGR)
    claim.submitted_to_mgr_at = timezone.now()
    claim.return_reason = ""
    claim.save(update_fields=["status", "submitted_to_mgr_at", "return_reason"])
    notify(
        organisations=Organisation.objects.filter(kind=OrganisationKind.MGR),
        roles=TREASURER_ROLES,
        subject=_("Goedgekeurde claim ter betaling"),
        intro=_("Er staat een goedgekeurde claim klaar."),
        path=reverse("guarantee_fund:claim", kwargs={"claim_id": claim.pk}),
    )
    return claim


@transaction.atomic
def return_claim(*, actor, claim, reason):
    if not actor.has_role(*TREASURER_ROLES):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Geef aan wat er gecorrigeerd moet worden."))
    claim = _lock(claim)
    CLAIMS.move(claim, ClaimTransition.RETURN)
    claim.return_reason = reason
    claim.save(update_fields=["status", "return_reason"])
    notify(
        organisations=[claim.corporation],
        roles=CORPORATION_ROLES,
        subject=_("Claim teruggestuurd"),
        intro=_("De MGR heeft een claim teruggestuurd voor correctie."),
        path=reverse("guarantee_fund:claim", kwargs={"claim_id": claim.pk}),
    )
    return claim
