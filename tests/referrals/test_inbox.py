"""The regisseurs' inbox ('Nieuwe aanmeldingen'): what waits there, and the home's counter of it."""

import pytest
from django.urls import reverse

from matching import services as matching_services
from referrals import services
from referrals.models import Referral
from referrals.workflow import Status
from woonkans import worklist

from ..factories import record_profile_facts
from .conftest import make_submitted

pytestmark = pytest.mark.django_db


def inbox_ids(client):
    return {referral.pk for referral in client.get(reverse("referrals:inbox")).context["page"]}


def inbox_counter(user):
    return next((row.count for row in worklist.counts_for(user) if row.key == "referrals.inbox"), 0)


def test_a_referral_leaves_the_inbox_when_its_profile_is_started_and_does_not_come_back(client, signed_in, people):
    regisseur = people["noord"]
    waiting = make_submitted(people["venlo"])
    started = make_submitted(people["venlo"])
    signed_in(regisseur)
    assert inbox_ids(client) == {waiting.pk, started.pk} and inbox_counter(regisseur) == 2

    profile = matching_services.create_profile(actor=regisseur, referral=started)
    started.refresh_from_db()
    # The referral stays "submitted" while the profile is written; the start is recorded with the profile.
    assert started.status == Status.SUBMITTED and started.profile_started_at == profile.created_at
    assert inbox_ids(client) == {waiting.pk} and inbox_counter(regisseur) == 1

    # Still submitted once the profile is shared with corporations: it does not come back.
    record_profile_facts(profile, provider=people["moveoo"].organisation)
    matching_services.share_profile(actor=regisseur, profile=profile, corporations=[people["woonwenz"].organisation])
    assert Referral.objects.get(pk=started.pk).status == Status.SUBMITTED
    assert inbox_ids(client) == {waiting.pk} and inbox_counter(regisseur) == 1

    # A withdrawn referral leaves the inbox by its status.
    services.withdraw_referral(actor=people["venlo"], referral=waiting, reason="Zelf een woning gevonden.")
    assert inbox_ids(client) == set() and inbox_counter(regisseur) == 0
