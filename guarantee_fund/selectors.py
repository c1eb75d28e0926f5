"""Reads of the fund: the treasurer never sees identity or profile text; claims show the case by code only."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, F, OuterRef, Q, Subquery, Sum
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from woonkans import worklist
from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessAction, AccessOutcome
from woonkans.audit.services import log_access
from woonkans.parties.chain import is_chair_of
from woonkans.parties.models import Organisation, OrganisationKind

from . import splits
from .models import Claim, ClaimConsultation, ClaimLine, ClaimStatus, Contribution, ContributionRound, Fund, LedgerEntry

TREASURER_STATUSES = [ClaimStatus.AT_MGR, ClaimStatus.RETURNED, ClaimStatus.PAID]


def _visible_claims(user, queryset=None):
    claims = queryset if queryset is not None else Claim.objects.all()
    if user.has_role(Role.TREASURER):
        visible = Q(status__in=TREASURER_STATUSES)
    else:
        visible = Q(pk__in=[])
    if user.has_role(Role.CORPORATION) and user.organisation_id:
        visible |= Q(corporation_id=user.organisation_id)
    if user.has_role(Role.KETENREGISSEUR, Role.PROCESREGISSEUR) and user.organisation_id:
        visible |= Q(region_id=user.organisation.region_id) & ~Q(status=ClaimStatus.DRAFT)
    return claims.filter(visible)


def claims_for(*, user):
    """Claims the user may see: own corporation's; the region's (chair and regisseurs); those at the MGR."""
    claims = _visible_claims(user, Claim.objects.select_related("corporation", "region").prefetch_related("lines"))
    log_access(user=user, action=AccessAction.SEARCH, object_type="guarantee_fund.claim", purpose="claims")
    return claims.order_by("-created_at")


# The list's sort keys (what the URL may say) -> the ordering; anything else falls back to the default.
CLAIM_SORTS = {
    "code": ("code", "filed_at"),
    "-code": ("-code", "-filed_at"),
    "ingediend": (F("filed_at").asc(nulls_last=True), "created_at"),
    "-ingediend": (F("filed_at").desc(nulls_last=True), "-created_at"),
    "geclaimd": (F("claimed_total").asc(nulls_first=True), "-created_at"),
    "-geclaimd": (F("claimed_total").desc(nulls_last=True), "-created_at"),
    "toegekend": (F("approved_cents").asc(nulls_first=True), "-created_at"),
    "-toegekend": (F("approved_cents").desc(nulls_last=True), "-created_at"),
    "status": ("status", "-created_at"),
    "-status": ("-status", "-created_at"),
}
DEFAULT_CLAIM_SORT = "-ingediend"


def claim_list(*, user, sort=DEFAULT_CLAIM_SORT, statuses=()):
    """The claims list: the claimed total summed in the same query, sorted by a whitelisted key;
    ``statuses`` narrows it (the home's counts link to it so)."""
    sort = sort if sort in CLAIM_SORTS else DEFAULT_CLAIM_SORT
    claims = claims_for(user=user)
    if statuses:
        claims = claims.filter(status__in=statuses)
    claims = (
        claims.prefetch_related(None)
        .select_related(None)
        .select_related("corporation")
        .only(*CLAIM_LIST_COLUMNS)
        .annotate(claimed_total=claimed_total())
        .order_by(*CLAIM_SORTS[sort], "pk")
    )
    return claims, sort


# The columns the list shows (and sorts by): not the claim's free texts (evaluation, motivations,
# return reason) nor the region, which each row of a full page carried to the page and into a model
# for nothing. A column the list starts to show goes here, or each row reads it with a query of its
# own (tests/guarantee_fund/test_claim_list.py counts them).
CLAIM_LIST_COLUMNS = (
    "id",
    "number",
    "code",
    "status",
    "filed_at",
    "created_at",
    "approved_cents",
    "corporation__name",
)


def claimed_total():
    """A claim's lines summed, as a scalar subquery per claim (NULL without lines, as ``Sum`` over the
    join was). Not a GROUP BY over the join: that summed every visible claim's lines before the page
    was cut (at 100 000 cases ~800 claims and 1 600 lines for one page of 50); PostgreSQL evaluates a
    subquery in the SELECT after the sort and LIMIT, so only for the page's rows, unless the list is
    sorted by this total."""
    lines = (
        ClaimLine.objects.filter(claim=OuterRef("pk")).order_by().values("claim").annotate(total=Sum("amount_cents"))
    )
    return Subquery(lines.values("total"), output_field=BigIntegerField())


def get_claim(*, user, claim_id):
    claim = claims_for(user=user).prefetch_related("documents").filter(pk=claim_id).first()
    if claim is None:
        log_access(
            user=user,
            action=AccessAction.READ,
            object_type="guarantee_fund.claim",
            object_id=str(claim_id),
            outcome=AccessOutcome.DENIED,
            purpose="claim",
        )
        raise Http404
    log_access(user=user, action=AccessAction.READ, obj=claim, subject=claim.code, purpose="claim")
    return claim


def claim_consultations(claim):
    """The claim's consultations, newest last, each with ``parties``: the organisations consulted, in
    the organisations' own order (kind, name). Always two queries, also for a claim without any: a
    ``prefetch_related`` skips its second query when there is nothing to prefetch, which made the
    claim page's number of queries depend on the claim."""
    consultations = list(claim.consultations.all())
    links = (
        ClaimConsultation.organisations.through.objects.filter(claimconsultation__claim_id=claim.pk)
        .select_related("organisation")
        .order_by("organisation__kind", "organisation__name", "organisation_id")
    )
    parties = {}
    for link in links:
        parties.setdefault(link.claimconsultation_id, []).append(link.organisation)
    for consultation in consultations:
        consultation.parties = parties.get(consultation.pk, [])
    return consultations


def can_decide(user, claim):
    return is_chair_of(user, claim.region)


@dataclass(frozen=True)
class ClaimAudience:
    """Who looks at a claim, and so what of it they may read: the one rule for the claim page and
    the claim form PDF alike (a second copy in the PDF view once let the treasurer read the motivation)."""

    is_owner: bool
    is_chair: bool
    is_treasurer: bool

    @property
    def sees_case_text(self):
        """The case's own words (evaluation, motivations, negligence reason, consultation outcomes):
        not for the MGR's treasurer, who sees what it must pay and nothing of the case (SPEC: the
        treasurer sees no resident data)."""
        return self.is_owner or self.is_chair or not self.is_treasurer

    @property
    def sees_payee(self):
        return self.is_treasurer or self.is_owner


def claim_audience(*, user, claim):
    return ClaimAudience(
        is_owner=user.has_role(Role.CORPORATION) and user.organisation_id == claim.corporation_id,
        is_chair=can_decide(user, claim),
        is_treasurer=user.has_role(Role.TREASURER),
    )


def ledger(*, user):
    log_access(user=user, action=AccessAction.READ, object_type="guarantee_fund.ledgerentry", purpose="grootboek")
    # Not the reversed entry itself: the page names it by its id (``reverses_id``), the CSV likewise.
    return LedgerEntry.objects.select_related("party").order_by("-id")


def rounds():
    """Rounds, newest first; a joining bill carries the name of the party that joined (one query)."""
    joiner = Contribution.objects.filter(round=OuterRef("pk")).order_by("pk").values("party__name")[:1]
    return (
        ContributionRound.objects.select_related("regional_payer")
        .annotate(joiner_name=Subquery(joiner))
        .order_by("-number")
    )


def regional_payers():
    """The municipalities that may pay a regional round: those that take part today."""
    from django.utils import timezone

    from .services.ledger import participating

    return participating(OrganisationKind.MUNICIPALITY, timezone.localdate()).order_by("name")


def round_detail(round_id):
    round_ = ContributionRound.objects.select_related("regional_payer").filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    contributions = Contribution.objects.filter(round=round_).select_related("party", "round__regional_payer")
    return round_, contributions


def fund_balance():
    return Fund.get().balance_cents


def payouts_by_category(*, date_from, date_to, region=None):
    """What was paid out per cost category: [{"lines__category", "total"}], adding up to the payouts.

    The chair approves one amount per claim, which may be less than claimed; it is spread over the
    claim's categories in proportion to what was claimed in each, to the exact cent. Two queries
    (the period's paid claims are tens, not thousands), whatever the number of claims.
    """
    claims = Claim.objects.filter(status=ClaimStatus.PAID, paid_on__gte=date_from, paid_on__lte=date_to)
    if region is not None:
        claims = claims.filter(region=region)
    claimed = {}
    for claim_id, category, cents in ClaimLine.objects.filter(claim__in=claims).values_list(
        "claim_id", "category", "amount_cents"
    ):
        per_claim = claimed.setdefault(claim_id, {})
        per_claim[category] = per_claim.get(category, 0) + cents
    totals = {}
    for claim_id, approved_cents in claims.values_list("pk", "approved_cents"):
        if not claimed.get(claim_id):
            continue
        for category, cents in splits.split_largest_remainder(approved_cents or 0, claimed[claim_id]).items():
            totals[category] = totals.get(category, 0) + cents
    return [{"lines__category": category, "total": totals[category]} for category in sorted(totals)]


def mgr_names():
    """The name of the MGR (the fund's treasurer), for the pages that say a claim goes there."""
    return list(Organisation.objects.filter(kind=OrganisationKind.MGR).order_by("name").values_list("name", flat=True))


def fund():
    return Fund.get()


def get_contributing_party(*, user, party_id):
    """One party of the fund, for the treasurer (its IBAN); anyone else, or another organisation: 404."""
    from .services.parties import CONTRIBUTING_KINDS

    party = (
        Organisation.objects.filter(pk=party_id, kind__in=CONTRIBUTING_KINDS).first()
        if user.has_role(Role.TREASURER)
        else None
    )
    if party is None:
        log_access(
            user=user,
            action=AccessAction.READ,
            object_type="parties.organisation",
            object_id=str(party_id),
            outcome=AccessOutcome.DENIED,
            purpose="deelnemer garantiefonds",
        )
        raise Http404
    log_access(user=user, action=AccessAction.READ, obj=party, purpose="deelnemer garantiefonds: IBAN")
    return party


def contributing_parties(*, user):
    """The parties that pay into the fund, with their dates and what each paid in (treasurer only; two queries)."""
    from .services.contributions import paid_in_by_party
    from .services.parties import CONTRIBUTING_KINDS

    if not user.has_role(Role.TREASURER):
        return []
    log_access(
        user=user, action=AccessAction.SEARCH, object_type="parties.organisation", purpose="deelnemers garantiefonds"
    )
    paid = paid_in_by_party()
    parties = list(Organisation.objects.filter(kind__in=CONTRIBUTING_KINDS).order_by("kind", "name"))
    for party in parties:
        party.paid_in_cents = paid.get(party.pk, 0)
    return parties


def dissolution_preview(*, parties, fund, on_date):
    """What each party would get back if the fund were dissolved on ``on_date`` (Art. 10.5), for the confirmation."""
    from .services.contributions import dissolution_shares

    if fund.dissolved_at is not None or not fund.balance_cents:
        return None
    try:
        shares, _paid = dissolution_shares(
            remaining_cents=fund.balance_cents,
            on_date=on_date,
            paid={party.pk: party.paid_in_cents for party in parties if party.paid_in_cents},
        )
    except ValidationError:
        return None
    rows = [
        {"party": party, "paid": party.paid_in_cents, "share": shares.get(party.pk, 0)}
        for party in parties
        if party.pk in shares or party.paid_in_cents
    ]
    return {"rows": rows, "total": sum(shares.values())}


# ---- 'Mijn werkvoorraad' (woonkans.worklist): the claims waiting for the user, by status ----

# (roles, statuses, label, field where the stage starts, order). The chair's decision is checked apart.
CLAIM_WORK = (
    ((Role.CORPORATION,), (ClaimStatus.DRAFT,), _("Claims in concept: nog in te dienen"), "created_at", 30),
    ((Role.CORPORATION,), (ClaimStatus.RETURNED,), _("Claims teruggestuurd voor correctie"), None, 31),
    ((Role.TREASURER,), (ClaimStatus.AT_MGR,), _("Claims te betalen of terug te sturen"), "submitted_to_mgr_at", 10),
)
CHAIR_WORK = (
    (ClaimStatus.DISCUSSED, ClaimStatus.CONSULTED),
    _("Claims om over te besluiten (partijen raadplegen, goedkeuren of afwijzen)"),
    "discussed_on",
    80,
)


def _claim_count(user, role, statuses, label, since, order):
    query = "&".join(f"status={status}" for status in statuses)
    return worklist.row(
        role,
        f"guarantee_fund.claims.{'-'.join(statuses)}",
        label,
        _visible_claims(user).filter(status__in=statuses),
        since,
        f"{reverse('guarantee_fund:claims')}?{query}",
        age_unit="days",
        order=order,
    )


def worklist_counts(user):
    rows = []
    for roles, statuses, label, since, order in CLAIM_WORK:
        role = worklist.role_of(user, roles)
        if role and user.organisation_id:
            rows.append(_claim_count(user, role, statuses, label, since, order))
    organisation = user.organisation if user.organisation_id else None
    if organisation is not None and organisation.region_id and is_chair_of(user, organisation.region):
        role = worklist.role_of(user, (Role.KETENREGISSEUR, Role.PROCESREGISSEUR))
        rows.append(_claim_count(user, role, *CHAIR_WORK))
    return rows
