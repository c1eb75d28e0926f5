"""The claim at the Woonkans-overleg: its discussion, the chair's consultation and maatwerk.

Bijlage 3 §3: a claim is always discussed at the overleg first; SOK art. 7.8: the chair decides after
consulting the case's parties; art. 7.9: with the consent of those present, the chair may deviate from
the fund's rules in an individual case. Matching holds the overleg; the two apps talk through
woonkans.events (ClaimDiscussed, ClaimDeviationRequested, ClaimDeviationVoted) and woonkans.cases.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans import cases
from woonkans.events import ClaimDeviationRequested, publish
from woonkans.parties.chain import is_chair_of
from woonkans.parties.models import Organisation, OrganisationKind

from ..models import Claim, ClaimConsultation, ClaimDeviation, ClaimStatus, DeviationStatus
from ..rules import LIFTABLE_RULES
from ..workflow import (
    CLAIMS,
    DEVIATIONS,
    NOT_YET_DISCUSSED,
    OPEN_FOR_DEVIATION,
    ClaimTransition,
    ClaimTransitionNotAllowed,
    DeviationTransition,
    claim_allowed,
)
from .claims import _lock


@transaction.atomic
def record_discussion(*, claim_id, meeting_id, item_id, discussed_on):
    """The overleg discussed the claim (matching's ClaimDiscussed). A second discussion changes nothing."""
    claim = Claim.objects.select_for_update(of=("self",)).filter(pk=claim_id).first()
    if claim is None or not claim_allowed(ClaimTransition.DISCUSS, claim.status):
        return claim
    CLAIMS.move(claim, ClaimTransition.DISCUSS)
    claim.discussed_meeting_id, claim.discussed_item_id, claim.discussed_on = meeting_id, item_id, discussed_on
    claim.save(update_fields=["status", "discussed_meeting_id", "discussed_item_id", "discussed_on"])
    return claim


def case_parties(claim):
    """The parties of the claim's case the chair consults (art. 7.8): the corporation, the care
    provider of the trajectory and the region's municipalities (the referring one among them)."""
    trajectory = cases.trajectory(claim.profile_id)
    ids = {claim.corporation_id}
    if trajectory is not None and trajectory.care_provider_id:
        ids.add(trajectory.care_provider_id)
    return Organisation.objects.filter(
        Q(pk__in=ids) | Q(kind=OrganisationKind.MUNICIPALITY, region_id=claim.region_id)
    ).order_by("kind", "name")


@transaction.atomic
def record_consultation(*, actor, claim, organisations, consulted_on, outcome):
    """The chair records with whom of the case's parties she consulted, when, and the outcome (art. 7.8)."""
    claim = _lock(claim)
    if not is_chair_of(actor, claim.region):
        raise PermissionDenied
    if claim.status == ClaimStatus.FILED:
        raise ClaimTransitionNotAllowed(NOT_YET_DISCUSSED)
    allowed = set(case_parties(claim).values_list("pk", flat=True))
    chosen = {getattr(organisation, "pk", organisation) for organisation in organisations}
    if not chosen or not chosen <= allowed:
        raise ValidationError({"organisations": _("Kies de partijen van deze casus die je hebt geraadpleegd.")})
    if consulted_on > timezone.localdate():
        raise ValidationError({"consulted_on": _("De datum van de raadpleging ligt in de toekomst.")})
    if claim.filed_at and consulted_on < timezone.localtime(claim.filed_at).date():
        raise ValidationError({"consulted_on": _("De raadpleging ligt vóór de indiening van de claim.")})
    if not outcome.strip():
        raise ValidationError({"outcome": _("Leg de uitkomst van de raadpleging vast.")})
    CLAIMS.move(claim, ClaimTransition.CONSULT)
    claim.save(update_fields=["status"])
    consultation = ClaimConsultation.objects.create(
        claim=claim, consulted_on=consulted_on, outcome=outcome.strip(), recorded_by=actor
    )
    consultation.organisations.set(chosen)
    return consultation


@transaction.atomic
def request_deviation(*, actor, claim, rules, motivation):
    """The chair asks the overleg to consent to lifting the named rules for this claim (art. 7.9)."""
    claim = _lock(claim)
    if not is_chair_of(actor, claim.region):
        raise PermissionDenied
    if claim.status not in OPEN_FOR_DEVIATION:
        raise ValidationError(_("Maatwerk kan alleen worden gevraagd zolang over de claim nog niet is besloten."))
    rules = sorted(set(rules))
    if not rules or not set(rules) <= set(LIFTABLE_RULES):
        raise ValidationError({"rules": _("Kies de regels waarvan je wilt afwijken.")})
    if not motivation.strip():
        raise ValidationError({"motivation": _("Motiveer waarom maatwerk nodig is.")})
    if claim.deviations.filter(status=DeviationStatus.REQUESTED).exists():
        raise ValidationError(_("Er ligt al een verzoek om maatwerk ter stemming voor deze claim."))
    deviation = ClaimDeviation.objects.create(
        claim=claim, rules=rules, motivation=motivation.strip(), requested_by=actor
    )
    publish(
        ClaimDeviationRequested(
            claim_id=claim.pk,
            deviation_id=deviation.pk,
            profile_id=claim.profile_id,
            region_id=claim.region_id,
            code=claim.code,
            summary=deviation_summary(deviation),
        )
    )
    return deviation


def deviation_summary(deviation):
    """Plain Dutch for the agenda: which rules the deviation would lift (no personal data)."""
    return _("Maatwerk (art. 7.9): afwijken van: %(rules)s") % {"rules": "; ".join(map(str, deviation.rule_labels))}


@transaction.atomic
def record_deviation_vote(*, claim_id, deviation_id, meeting_id, item_id, voted_on, consented, votes_for, present):
    """Those present at the overleg voted (matching's ClaimDeviationVoted); only consent lifts the rules."""
    deviation = ClaimDeviation.objects.select_for_update().filter(pk=deviation_id, claim_id=claim_id).first()
    if deviation is None or deviation.status != DeviationStatus.REQUESTED:
        return deviation  # unknown, or a repeated event: the first vote stands
    DEVIATIONS.move(deviation, DeviationTransition.CONSENT if consented else DeviationTransition.REFUSE)
    deviation.meeting_id, deviation.item_id, deviation.voted_on = meeting_id, item_id, voted_on
    deviation.votes_for, deviation.present = votes_for, present
    deviation.save()
    return deviation


def claims_for_agenda(region_id):
    """woonkans.cases provider: the region's claims awaiting the overleg, for matching's agenda."""
    found = []
    for claim in (
        Claim.objects.filter(region_id=region_id, status=ClaimStatus.FILED)
        .annotate(total=Sum("lines__amount_cents"))
        .order_by("filed_at")
    ):
        found.append(
            cases.ClaimForAgenda(
                claim_id=claim.pk,
                profile_id=claim.profile_id,
                code=claim.code,
                filed_on=timezone.localtime(claim.filed_at).date() if claim.filed_at else None,
                claimed_cents=claim.total or 0,
                purpose="discussion",
            )
        )
    for deviation in (
        ClaimDeviation.objects.filter(claim__region_id=region_id, status=DeviationStatus.REQUESTED)
        .select_related("claim")
        .annotate(total=Sum("claim__lines__amount_cents"))
        .order_by("requested_at")
    ):
        claim = deviation.claim
        found.append(
            cases.ClaimForAgenda(
                claim_id=claim.pk,
                profile_id=claim.profile_id,
                code=claim.code,
                filed_on=timezone.localtime(claim.filed_at).date() if claim.filed_at else None,
                claimed_cents=deviation.total or 0,
                purpose="deviation",
                deviation_id=deviation.pk,
                summary=deviation_summary(deviation),
            )
        )
    return found
