"""The worklist costs a fixed number of queries, whatever the number of waiting cases."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Profile, ProfileShare, ProfileStatus
from referrals.models import Referral
from referrals.workflow import Status

from ..matching.conftest import org

pytestmark = pytest.mark.django_db

# The whole home page (session, user, roles, second factor, one query per step, and one per count of
# 'Mijn werkvoorraad'), measured equal for 5 and 50 cases: 25 for a regisseur (chair), 14 for a corporation.
MAX_QUERIES = 25


def many_waiting(people, n):
    long_ago = timezone.now() - datetime.timedelta(days=120)
    venlo, regisseur = org("Gemeente Venlo"), people["noord"]
    referrals = Referral.objects.bulk_create(
        Referral(
            municipality=venlo,
            region=venlo.region,
            status=Status.SUBMITTED,
            created_by=people["venlo"],
            submitted_at=long_ago,
        )
        for _ in range(n)
    )
    profiles = Profile.objects.bulk_create(
        Profile(
            referral=referral,
            code=f"WK-N-T{index:05d}",
            region=venlo.region,
            municipality=venlo,
            regisseur=regisseur,
            status=ProfileStatus.SHARED,
            shared_at=long_ago,
        )
        for index, referral in enumerate(referrals[: n // 2])
    )
    # As matching.services.create_profile and share_profile record it: with a profile the case has left the
    # inbox, and once shared the feedback on the profile is due.
    Referral.objects.filter(pk__in=[profile.referral_id for profile in profiles]).update(
        profile_started_at=long_ago, profile_feedback_due_since=long_ago
    )
    ProfileShare.objects.bulk_create(
        ProfileShare(profile=profile, corporation=org("Woonwenz"), shared_by=regisseur, shared_at=long_ago)
        for profile in profiles
    )
    return referrals


@pytest.mark.parametrize("n", [5, 50])
@pytest.mark.parametrize("who", ["noord", "woonwenz"])
def test_the_worklist_does_not_grow_with_the_cases(n, who, people, signed_in, client, django_assert_max_num_queries):
    many_waiting(people, n)
    signed_in(people[who])
    with django_assert_max_num_queries(MAX_QUERIES):
        page = client.get(reverse("home")).content.decode()
    # Corporation: its shares without an answer. Regisseur: half without a profile, all without
    # feedback 1, the shared half without feedback 2.
    expected = n // 2 if who == "woonwenz" else n - n // 2 + n + n // 2
    waiting = page[page.index('id="panel-waiting"') :]
    waiting = waiting[: waiting.index("</section>")]
    assert waiting.count('<tr class="utrecht-table__row">') - 1 == expected  # minus the header row


def test_the_home_page_lists_per_step_those_waiting_longest_and_names_the_rest(
    people, signed_in, client, monkeypatch, django_assert_max_num_queries
):
    from woonkans.accounts import workbench

    monkeypatch.setattr(workbench, "WORKLIST_PER_STEP", 10)
    many_waiting(people, 30)
    signed_in(people["noord"])
    with django_assert_max_num_queries(MAX_QUERIES):
        page = client.get(reverse("home")).content.decode()
    # Three steps with more than 10 overdue cases (15 without a profile, 30 and 15 without feedback): 10 each.
    waiting = page[page.index('id="panel-waiting"') :]
    waiting = waiting[: waiting.index("</section>")]
    assert waiting.count('<tr class="utrecht-table__row">') - 1 == 30
    assert "Per stap staan hier de 10 casussen die het langst wachten" in page
