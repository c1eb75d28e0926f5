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
    DeviationStatus,
)
from ..rules import LIFTABLE_RULES, ClaimRule
from ..workflow import (
    CLAIMS,
    NOT_YET_CONSULTED,
    NOT_YET_DISCUSSED,
    ClaimTransition,
    ClaimTransitionNotAllowed,
    claim_target,
)
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
    *,
    actor,
    claim,
    category,
    description,
    amount_cents,
    period_from=None,
    period_to=None,
    mediation_exhausted=False,
    inspection_item="",
):
    claim = _lock(claim)
    _require_owner(actor, claim)
    if claim.status not in (ClaimStatus.DRAFT, ClaimStatus.RETURNED):
        raise ValidationError(_("Deze claim kan niet meer worden gewijzigd."))
    CLAIM_LINE_AMOUNT.ensure(amount_cents)
    # Legal costs without exhausted mediation and repair costs without their inspection-form item are
    # taken on the form: they are rules a deviation (art. 7.9) may lift, checked at filing and decision.
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
        inspection_item=inspection_item.strip(),
    )


@transaction.atomic
def add_claim_document(*, actor, claim, description, uploaded_file):
    claim = _lock(claim)
    _require_owner(actor, claim)
    stored = store_upload(uploaded_file, folder=f"claims/{claim.pk.hex}")
    document = ClaimDocument.from_stored(stored, claim=claim, description=description, uploaded_by=actor)
    document.save()
    return document


def lifted_rules(claim, deviations=None):
    """The rules consented deviations lift for this claim (art. 7.9); nothing else is ever lifted.

    ``deviations``: the claim's deviations where the caller has read them already (no query then)."""
    if deviations is None:
        consented = claim.deviations.filter(status=DeviationStatus.CONSENTED).values_list("rules", flat=True)
    else:
        consented = [deviation.rules for deviation in deviations if deviation.status == DeviationStatus.CONSENTED]
    lifted = set()
    for rules in consented:
        lifted.update(rules)
    return frozenset(lifted)


def rule_breaches(claim, lifted=frozenset()):
    """{rule code: Dutch message} for every rule of Bijlage 3 the claim breaks and no deviation lifted."""
    breaches = {}
    lines = list(claim.lines.all())
    total = sum(line.amount_cents for line in lines)
    if not lines:
        breaches[ClaimRule.COSTS_ITEMISED] = _("Voeg de kosten toe, per post.")
    if total <= claim.deposit_cents:
        breaches[ClaimRule.ABOVE_DEPOSIT] = _(
            "Het totaal van de kosten (%(total)s) is niet hoger dan de borg (%(deposit)s); een claim is dan "
            "niet mogelijk."
        ) % {"total": format_euro(total), "deposit": format_euro(claim.deposit_cents)}
    if not claim.evaluation.strip():
        breaches[ClaimRule.EVALUATION] = _("Een evaluatie is altijd verplicht.")
    if not claim.documents.exists():
        breaches[ClaimRule.DOCUMENTS] = _("Voeg de facturen en het opnameformulier toe.")
    if any(line.category == CostCategory.LEGAL and not line.mediation_exhausted for line in lines):
        breaches[ClaimRule.LEGAL_AFTER_MEDIATION] = _(
            "Juridische kosten tellen alleen als de reguliere bemiddeling was uitgeput."
        )
    if any(line.category == CostCategory.REPAIR and not line.inspection_item.strip() for line in lines):
        breaches[ClaimRule.REPAIR_ON_INSPECTION_FORM] = _(
            "Noem bij elke post herstelkosten de post op het opnameformulier."
        )
    return {code: message for code, message in breaches.items() if code not in lifted}


def claim_problems(claim, lifted=None):
    """The messages of the rules the claim breaks, after what consented deviations lifted."""
    return list(rule_breaches(claim, lifted_rules(claim) if lifted is None else lifted).values())


@transaction.atomic
def file_claim(*, actor, claim, no_serious_negligence, asks_deviation=False, deviation_reason=""):
    """File the standard form for the overleg. The negligence statement is the corporation's input only.

    Asking for maatwerk (art. 7.9) lets the rules a deviation may lift pass the filing; they still stop
    the approval until the overleg consented to a deviation that names them.
    """
    claim = _lock(claim)
    _require_owner(actor, claim)
    if asks_deviation and not deviation_reason.strip():
        raise ValidationError({"deviation_reason": _("Licht toe waarom je om maatwerk vraagt.")})
    breaches = rule_breaches(claim, lifted_rules(claim))
    if asks_deviation:
        breaches = {code: message for code, message in breaches.items() if code not in LIFTABLE_RULES}
    if breaches:
        raise ClaimIncomplete(list(breaches.values()))
    CLAIMS.move(claim, ClaimTransition.FILE)
    claim.filed_at = timezone.now()
    claim.no_serious_negligence = no_serious_negligence
    claim.asks_deviation, claim.deviation_reason = asks_deviation, deviation_reason.strip() if asks_deviation else ""
    claim.save(update_fields=["status", "filed_at", "no_serious_negligence", "asks_deviation", "deviation_reason"])
    # The claim is first discussed in the region's next Woonkans-overleg (Bijlage 3 §3): matching puts
    # it on the agenda when it hears of the filing, after the commit, and answers with ClaimDiscussed.
    publish(
        ClaimFiled(
            claim_id=claim.pk,
            profile_id=claim.profile_id,
            region_id=claim.region_id,
            code=claim.code,
            number=claim.number,
        )
    )
    notify(
        organisations=region_directors(claim.region),
        roles=(Role.KETENREGISSEUR,),
        subject=_("Claim voor het Woonkans-overleg"),
        intro=_("Er is een claim op het garantiefonds ingediend voor het Woonkans-overleg."),
        path=reverse("guarantee_fund:claim", kwargs={"claim_id": claim.pk}),
    )
    return claim


@transaction.atomic
def decide_claim(
    *, actor, claim, approve, motivation, approved_cents=None, negligence_found=False, negligence_reason=""
):
    """The chair decides after the overleg discussed the claim and she consulted the case's parties
    (art. 7.8, Bijlage 3 §3): approve in full or in part, or refuse; always motivated.

    Serious negligence (Bijlage 3 §2) is the chair's own finding, with its reason; the corporation's
    statement at filing is only an input. With it found, the fund cannot be called upon.
    """
    claim = _lock(claim)
    if not is_chair_of(actor, claim.region):
        raise PermissionDenied
    if claim.status == ClaimStatus.FILED:
        raise ClaimTransitionNotAllowed(NOT_YET_DISCUSSED)
    if claim.status == ClaimStatus.DISCUSSED:
        raise ClaimTransitionNotAllowed(NOT_YET_CONSULTED)
    claim_target(ClaimTransition.APPROVE if approve else ClaimTransition.REJECT, claim.status)
    if not motivation.strip():
        raise ValidationError({"motivation": _("Motiveer het besluit.")})
    if negligence_found and not negligence_reason.strip():
        raise ValidationError({"negligence_reason": _("Geef de reden waarom er sprake is van ernstige nalatigheid.")})
    if approve:
        if negligence_found:
            raise ValidationError(
                _(
                    "Bij ernstige nalatigheid kan geen beroep op het fonds worden gedaan (Bijlage 3 §2); "
                    "wijs de claim af."
                )
            )
        breaches = rule_breaches(claim, lifted_rules(claim))
        if breaches:
            raise ValidationError(
                [_("Goedkeuren kan niet: de claim voldoet niet aan de regels en geen maatwerk heft dit op.")]
                + list(breaches.values())
            )
        claimed = claim.claimed_cents
        if approved_cents is None:
            approved_cents = claimed  # approved in full
        if not APPROVED_AMOUNT.min_cents <= approved_cents <= claimed:
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
    claim.decision_motivation = motivation.strip()
    claim.negligence_found, claim.negligence_reason = bool(negligence_found), negligence_reason.strip()
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
