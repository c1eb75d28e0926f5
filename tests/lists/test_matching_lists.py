"""The profile list and the corporation's matching table on woonkans.lists."""

import pytest
from django.urls import reverse

from matching.models import ProfileShare

from ..matching.conftest import make_profile, make_shared

pytestmark = pytest.mark.django_db


def test_matching_table_filters_by_field_names_and_the_old_names(client, signed_in, people):
    answered = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    waiting = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    ProfileShare.objects.filter(profile=answered).update(response="interested")
    signed_in(people["woonwenz"])
    for query in ({"response": "interested"}, {"reactie": "interested"}):
        page = client.get(reverse("matching:table"), query).content.decode()
        assert answered.code in page and waiting.code not in page, query
    by_code = client.get(reverse("matching:table"), {"q": waiting.code[-4:]}).content.decode()
    assert waiting.code in by_code and answered.code not in by_code


def test_profile_list_filters_sorts_and_counts_shares_per_page(client, signed_in, people):
    shared = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    draft = make_profile(people["noord"], people["venlo"])
    signed_in(people["noord"])
    page = client.get(reverse("matching:profiles"), {"status": "draft"}).content.decode()
    assert draft.code in page and shared.code not in page
    page = client.get(reverse("matching:profiles"), {"q": shared.referral.number}).content.decode()
    assert shared.code in page and draft.code not in page
    assert 'data-label="Gedeeld met">2<' in page
    # The other region's regisseur filtering on this profile's code finds nothing.
    signed_in(people["midden"])
    found = client.get(reverse("matching:profiles"), {"q": shared.code}).content.decode()
    assert reverse("matching:profile", args=[shared.pk]) not in found and "Geen profielen." in found
