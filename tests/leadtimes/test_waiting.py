import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from leadtimes.models import LeadTimeTarget, Step
from leadtimes.waiting import worklist_for
from referrals import services as referral_services
from referrals.models import FeedbackKind

from .cases import EVERYONE, RESPONSIBLE, SETUP, set_waited

pytestmark = pytest.mark.django_db


def listed(user, step, referral):
    return [item for item in worklist_for(user) if item.step == step and item.referral_id == referral.pk]


def target(step):
    return LeadTimeTarget.objects.get(step=step)


def test_the_defaults_are_loaded():
    found = {t.step: (t.amount, t.unit) for t in LeadTimeTarget.objects.all()}
    assert found[Step.SUBMITTED] == (10, "working_days")
    assert found[Step.SHARED] == (10, "working_days")
    assert found[Step.OFFER] == (15, "working_days")
    assert found[Step.MATCHED] == (20, "working_days")
    assert found[Step.HOUSED] == (6, "months")
    assert {Step.FEEDBACK_PRECONDITIONS, Step.FEEDBACK_PROFILE, Step.FEEDBACK_PLACEMENT} <= set(found)


@pytest.mark.parametrize("step", list(SETUP), ids=str)
def test_just_over_the_target_shows_for_the_responsible_party_only(step, people):
    referral = SETUP[step](people)
    amount = target(step).amount

    set_waited(step, referral, amount - 1 if step == Step.HOUSED else amount)
    for key in EVERYONE:
        assert listed(people[key], step, referral) == [], "at the target it does not wait too long yet"

    set_waited(step, referral, amount if step == Step.HOUSED else amount + 1)
    for key in RESPONSIBLE[step]:
        (item,) = listed(people[key], step, referral)
        if step == Step.HOUSED:
            assert item.how_long == f"{amount} maanden en 1 dag, doel {amount}"
        else:
            assert item.how_long == f"{amount + 1} werkdagen, doel {amount}"
    for key in set(EVERYONE) - set(RESPONSIBLE[step]):
        assert listed(people[key], step, referral) == [], key


def test_the_worklist_page_shows_how_long_with_a_link(people, signed_in, client):
    referral = SETUP[Step.SUBMITTED](people)
    set_waited(Step.SUBMITTED, referral, 12)
    signed_in(people["noord"])
    page = client.get(reverse("home")).content.decode()
    assert "Wacht te lang" in page
    assert "12 werkdagen, doel 10" in page
    assert reverse("referrals:detail", kwargs={"referral_id": referral.pk}) in page
    signed_in(people["midden"])
    assert "Wacht te lang" not in client.get(reverse("home")).content.decode()


def test_the_corporation_sees_only_its_own_share(people):
    referral = SETUP[Step.SHARED](people)
    set_waited(Step.SHARED, referral, 11)
    (item,) = listed(people["woonwenz"], Step.SHARED, referral)
    assert item.path == reverse("matching:corporation_profile", kwargs={"profile_id": referral.profile.pk})
    assert listed(people["antares"], Step.SHARED, referral) == []


def test_an_answer_ends_the_wait_for_a_share(people):
    referral = SETUP[Step.SHARED](people)
    set_waited(Step.SHARED, referral, 11)
    share = referral.profile.shares.get()
    from matching import services as matching

    matching.respond_to_profile(actor=people["woonwenz"], share=share, response="no_stock")
    assert listed(people["woonwenz"], Step.SHARED, referral) == []


def test_giving_the_feedback_takes_it_off_the_list(people):
    referral = SETUP[Step.FEEDBACK_PRECONDITIONS](people)
    set_waited(Step.FEEDBACK_PRECONDITIONS, referral, 11)
    assert listed(people["noord"], Step.FEEDBACK_PRECONDITIONS, referral)
    referral_services.give_feedback(
        actor=people["noord"], referral=referral, kind=FeedbackKind.PRECONDITIONS, text="Geen bijzonderheden."
    )
    assert listed(people["noord"], Step.FEEDBACK_PRECONDITIONS, referral) == []


def test_the_first_preconditions_feedback_is_recorded_on_the_referral_and_no_later_one_moves_it(people):
    """Step "feedback_1" reads the referral's own column (its partial index): give_feedback keeps it."""
    from referrals.models import Feedback, Referral

    referral = SETUP[Step.FEEDBACK_PRECONDITIONS](people)
    set_waited(Step.FEEDBACK_PRECONDITIONS, referral, 11)
    give = referral_services.give_feedback
    give(actor=people["noord"], referral=referral, kind=FeedbackKind.PROFILE, text="Nog niet de eerste.")
    referral.refresh_from_db()
    assert referral.preconditions_feedback_at is None
    assert listed(people["noord"], Step.FEEDBACK_PRECONDITIONS, referral)
    first = give(actor=people["noord"], referral=referral, kind=FeedbackKind.PRECONDITIONS, text="Geregeld.")
    give(actor=people["noord"], referral=referral, kind=FeedbackKind.PRECONDITIONS, text="Aanvulling.")
    referral.refresh_from_db()
    assert referral.preconditions_feedback_at == first.created_at
    assert listed(people["noord"], Step.FEEDBACK_PRECONDITIONS, referral) == []
    # The column says what the feedback rows say, for every case.
    without = set(Referral.objects.exclude(feedbacks__kind=FeedbackKind.PRECONDITIONS).values_list("pk", flat=True))
    assert without == set(Referral.objects.filter(preconditions_feedback_at=None).values_list("pk", flat=True))
    assert Feedback.objects.filter(referral=referral, kind=FeedbackKind.PRECONDITIONS).count() == 2


def test_the_offer_step_starts_with_the_first_open_offer_as_the_services_keep_it(people):
    """Step "offer" reads Profile.offered_at (its partial index): the first offer on a share not revoked."""
    from matching import services as matching
    from matching.models import Offer

    from ..matching.conftest import make_shared, org

    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    offer = {"dwelling_address": "Maasstraat 3", "dwelling_type": "Appartement", "rent_cents": 65_000}
    offer["available_from"] = timezone.localdate()
    for who, name in (("woonwenz", "Woonwenz"), ("antares", "Antares")):
        share = profile.shares.get(corporation=org(name))
        matching.respond_to_profile(actor=people[who], share=share, response="offer", offer=offer)
    woonwenz, antares = (Offer.objects.get(share__corporation=org(name)) for name in ("Woonwenz", "Antares"))
    profile.refresh_from_db()
    assert profile.offered_at == woonwenz.created_at  # a later offer does not move the start
    set_waited(Step.OFFER, profile.referral, 16)
    assert listed(people["noord"], Step.OFFER, profile.referral)
    matching.record_match(
        actor=people["noord"],
        profile=profile,
        corporation=org("Antares"),
        dwelling_address="Maasstraat 3, Venlo",
        intended_date="2027-02-01",
        care_provider=org("Moveoo"),
        corporation_contact=people["antares"],
        provider_contact=people["moveoo"],
    )
    profile.refresh_from_db()
    antares.refresh_from_db()
    assert profile.offered_at == antares.created_at  # Woonwenz's share is revoked, its offer void
    assert listed(people["noord"], Step.OFFER, profile.referral) == []


def test_starting_the_profile_ends_the_submitted_step(people):
    """Step "submitted" is the inbox's condition (profile_started_at, set by create_profile)."""
    from matching import services as matching

    referral = SETUP[Step.SUBMITTED](people)
    set_waited(Step.SUBMITTED, referral, 11)
    assert listed(people["noord"], Step.SUBMITTED, referral)
    matching.create_profile(actor=people["noord"], referral=referral)
    assert listed(people["noord"], Step.SUBMITTED, referral) == []


def test_an_evaluation_restarts_the_housed_clock(people):
    from matching import services as matching

    referral = SETUP[Step.HOUSED](people)
    set_waited(Step.HOUSED, referral, 6)
    assert listed(people["noord"], Step.HOUSED, referral)
    matching.record_evaluation(
        actor=people["noord"],
        profile=referral.profile,
        held_on=timezone.localdate() - relativedelta(months=1),
        notes="Gaat goed.",
    )
    assert listed(people["noord"], Step.HOUSED, referral) == []


def test_editing_a_target_changes_the_list(people):
    referral = SETUP[Step.SUBMITTED](people)
    set_waited(Step.SUBMITTED, referral, 6)
    assert listed(people["noord"], Step.SUBMITTED, referral) == []
    LeadTimeTarget.objects.filter(step=Step.SUBMITTED).update(amount=5)
    (item,) = listed(people["noord"], Step.SUBMITTED, referral)
    assert item.how_long == "6 werkdagen, doel 5"


def test_a_restricted_case_waits_for_nobody(people):
    referral = SETUP[Step.SUBMITTED](people)
    set_waited(Step.SUBMITTED, referral, 30)
    type(referral).objects.filter(pk=referral.pk).update(restricted_at=timezone.now())
    assert listed(people["noord"], Step.SUBMITTED, referral) == []


def test_the_operator_administrator_edits_targets_in_beheer(people, signed_in, client):
    signed_in(people["admin"])
    row = target(Step.OFFER)
    url = reverse("admin:leadtimes_leadtimetarget_change", args=[row.pk])
    response = client.post(url, {"amount": "0", "unit": "working_days"})
    assert response.status_code == 200
    assert "groter dan of gelijk aan 1" in response.content.decode() or "minstens 1" in response.content.decode()
    client.post(url, {"amount": "12", "unit": "working_days"})
    assert target(Step.OFFER).amount == 12

    signed_in(people["admin_venlo"])  # a municipality's administrator may not
    assert client.get(url).status_code in (302, 403, 404)


def test_the_casusregisseur_is_sent_to_the_referral_page(people):
    referral = SETUP[Step.HOUSED](people)
    set_waited(Step.HOUSED, referral, 6)
    (item,) = listed(people["venlo"], Step.HOUSED, referral)
    assert item.path == reverse("referrals:detail", kwargs={"referral_id": referral.pk})


def test_a_stopped_case_voids_its_offers_and_leaves_the_offer_step(people):
    """Withdrawn consent revokes the open shares (matching.case_facts.settle): offered_at goes with them."""
    referral = SETUP[Step.OFFER](people)
    set_waited(Step.OFFER, referral, 16)
    assert listed(people["noord"], Step.OFFER, referral)
    referral_services.withdraw_consent(actor=people["venlo"], referral=referral, reason="Toestemming ingetrokken.")
    referral.profile.refresh_from_db()
    assert referral.profile.offered_at is None
    assert listed(people["noord"], Step.OFFER, referral) == []
