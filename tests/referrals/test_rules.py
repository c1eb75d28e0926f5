"""The BSN 11-test and the target-group conditions, one by one."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals import eligibility
from referrals.models import Identity, Referral, Research
from woonkans.parties.models import Organisation
from woonkans.privacy.bsn import passes_eleven_test, validate_bsn


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999990019"])
def test_valid_bsns_pass_the_eleven_test(bsn):
    assert passes_eleven_test(bsn)
    validate_bsn(bsn)


@pytest.mark.parametrize(
    ("bsn", "message"),
    [
        ("111222334", "elfproef"),
        ("123456789", "elfproef"),
        ("000000000", "elfproef"),
        ("12345678", "9 cijfers"),
        ("1234567890", "9 cijfers"),
        ("12345678a", "9 cijfers"),
    ],
)
def test_invalid_bsns_are_refused_with_a_dutch_reason(bsn, message):
    with pytest.raises(ValidationError) as error:
        validate_bsn(bsn)
    assert message in str(error.value)


def test_bsn_may_be_typed_with_spaces_or_dots():
    validate_bsn("1112.22.333")
    validate_bsn("111 222 333")


TODAY = datetime.date(2026, 11, 29)


def case(*, birth_date=datetime.date(1990, 5, 1), municipality="Gemeente Venlo", **research):
    municipality = Organisation(name=municipality, kind="municipality")
    referral = Referral(municipality=municipality)
    identity = Identity(birth_date=birth_date)
    defaults = {
        "support_need": "Hulp bij wonen",
        "support_need_about_living": True,
        "regular_route_motivation": "Schulden",
        "status_holder": False,
        "labour_migrant": False,
    }
    return {"referral": referral, "identity": identity, "research": Research(**{**defaults, **research})}


def failing(**kwargs):
    return [condition.code for condition in eligibility.failed(eligibility.evaluate(on_date=TODAY, **case(**kwargs)))]


def test_a_complete_case_is_eligible():
    assert failing() == []


def test_under_18_at_submission_fails_and_18_today_passes():
    assert failing(birth_date=datetime.date(2008, 11, 30)) == ["adult"]
    assert failing(birth_date=datetime.date(2008, 11, 29)) == []


def test_missing_birth_date_fails_age():
    assert failing(birth_date=None) == ["adult"]


def test_status_holder_and_labour_migrant_fail():
    assert failing(status_holder=True) == ["not_status_holder"]
    assert failing(labour_migrant=True) == ["not_labour_migrant"]


def test_regular_route_needs_a_motivation():
    assert failing(regular_route_motivation="  ") == ["no_regular_route"]


def test_support_need_must_relate_to_living_independently():
    assert failing(support_need_about_living=False) == ["support_need_about_living"]
    assert failing(support_need="") == ["support_need_about_living"]


def test_a_municipality_that_left_is_not_participating():
    data = case()
    data["referral"].municipality.left_on = TODAY - datetime.timedelta(days=1)
    codes = [c.code for c in eligibility.failed(eligibility.evaluate(on_date=TODAY, **data))]
    assert codes == ["participating_municipality"]


def test_explanations_are_dutch():
    conditions = eligibility.evaluate(on_date=TODAY, **case(birth_date=datetime.date(2010, 1, 1)))
    adult = next(c for c in conditions if c.code == "adult")
    assert "16 jaar" in adult.explanation and "vanaf 18 jaar" in adult.explanation


def test_young_adults_are_18_to_27():
    identity = Identity(birth_date=datetime.date(1999, 11, 29))
    assert eligibility.is_young_adult(identity, TODAY)  # 27
    assert not eligibility.is_young_adult(Identity(birth_date=datetime.date(1998, 11, 29)), TODAY)  # 28
    assert not eligibility.is_young_adult(Identity(birth_date=None), timezone.localdate())
