import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guarantee_fund import services
from guarantee_fund.models import Claim, Contribution, ContributionRound
from matching import services as matching_services
from woonkans.parties.models import Organisation

from ..matching.conftest import make_matched, org
from ..referrals.conftest import PDF

# A valid (mod-97) IBAN: the standard example of ISO 13616, no real account.
TEST_IBAN = "NL91ABNA0417164300"
# A bank reference of the accepted shape (guarantee_fund.rules).
REFERENCE = "BANK-2026-0001"


def give_iban(organisation, iban=TEST_IBAN):
    Organisation.objects.filter(pk=getattr(organisation, "pk", organisation)).update(iban=iban)


def through_overleg(people, claim, *, chair="noord"):
    """What happens between filing and the decision: the overleg discusses the claim (matching's
    ClaimDiscussed, here recorded directly) and the chair records her consultation of the parties."""
    services.record_discussion(claim_id=claim.pk, meeting_id=1, item_id=1, discussed_on=timezone.localdate())
    services.record_consultation(
        actor=people[chair],
        claim=claim,
        organisations=[claim.corporation_id],
        consulted_on=timezone.localdate(),
        outcome="De corporatie licht de kosten toe; geen bezwaar.",
    )
    return Claim.objects.get(pk=claim.pk)


def fund_with(cents, *, treasurer, party="Woonwenz"):
    """Put a known amount in the fund through the real booking path."""
    number = (ContributionRound.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    round_ = ContributionRound.objects.create(number=number, kind="initial", due_on=timezone.localdate())
    contribution = Contribution.objects.create(round=round_, party=org(party), amount_cents=cents)
    return services.record_contribution_received(
        actor=treasurer, contribution=contribution, received_on=timezone.localdate()
    )


def ended_negatively(people):
    profile = make_matched(people)
    matching_services.record_housing(
        actor=people["noord"], profile=profile, lease_signed_on=timezone.localdate() - datetime.timedelta(days=300)
    )
    return matching_services.end_trajectory(
        actor=people["noord"],
        profile=profile,
        kind="evicted",
        ended_on=timezone.localdate(),
        evaluation="Huurachterstand.",
    )


def approved_claim(people, *, amount_cents=400_000, deposit_cents=50_000):
    corporation = people["woonwenz"]
    profile = ended_negatively(people)
    claim = services.create_claim(
        actor=corporation,
        profile=profile,
        termination_date=timezone.localdate(),
        termination_kind="evicted",
        evaluation="Huurachterstand opgelopen.",
        deposit_cents=deposit_cents,
    )
    services.add_claim_line(
        actor=corporation,
        claim=claim,
        category="rent",
        description="Huurderving",
        amount_cents=amount_cents,
        period_from=datetime.date(2026, 1, 1),
        period_to=datetime.date(2026, 4, 30),
    )
    services.add_claim_document(
        actor=corporation,
        claim=claim,
        description="Factuur",
        uploaded_file=SimpleUploadedFile("factuur.pdf", PDF, content_type="application/pdf"),
    )
    services.file_claim(actor=corporation, claim=claim, no_serious_negligence=True)
    through_overleg(people, claim)
    give_iban(claim.corporation_id)
    services.decide_claim(
        actor=people["noord"],
        claim=claim,
        approve=True,
        approved_cents=amount_cents,
        motivation="Besproken in het overleg.",
    )
    return services.submit_to_mgr(actor=corporation, claim=claim)


@pytest.fixture
def claim_at_mgr(people):
    fund_with(5_000_000, treasurer=people["treasurer"])
    return approved_claim(people)
