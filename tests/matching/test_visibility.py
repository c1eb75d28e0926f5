"""For each corporation: exactly the profiles shared with it; identity only after its own match."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import ProfileStatus
from referrals.workflow import Status
from woonkans.audit.models import AccessLog, AccessOutcome

from ..factories import record_profile_facts
from ..referrals.conftest import VALID_BSN
from .conftest import make_matched, make_shared

pytestmark = pytest.mark.django_db
CORPORATIONS = ["woonwenz", "antares", "wonenlimburg"]


def table(client):
    return client.get(reverse("matching:table")).content.decode()


def test_each_corporation_sees_exactly_the_profiles_shared_with_it(client, signed_in, people):
    both = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    only_woonwenz = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    expected = {"woonwenz": {both.code, only_woonwenz.code}, "antares": {both.code}, "wonenlimburg": set()}
    for key in CORPORATIONS:
        signed_in(people[key])
        page = table(client)
        for profile in (both, only_woonwenz):
            assert (profile.code in page) == (profile.code in expected[key]), (key, profile.code)
            url = reverse("matching:corporation_profile", kwargs={"profile_id": profile.pk})
            assert client.get(url).status_code == (200 if profile.code in expected[key] else 404), key
        assert "Jansen" not in page and VALID_BSN not in page


def test_no_identity_before_the_match_and_corporation_pages_never_load_it(client, signed_in, people, shared_profile):
    signed_in(people["woonwenz"])
    urls = [
        reverse("matching:table"),
        reverse("matching:corporation_profile", kwargs={"profile_id": shared_profile.pk}),
        reverse("matching:corporation_profile_pdf", kwargs={"profile_id": shared_profile.pk}),
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert not any("referrals_identity" in query["sql"] for query in queries.captured_queries), url
        assert b"Jansen" not in response.content
    tenant = reverse("matching:tenant", kwargs={"profile_id": shared_profile.pk})
    assert client.get(tenant).status_code == 404


def test_after_the_match_only_the_matched_corporation_sees_the_identity(client, signed_in, people):
    profile = make_matched(people, corporation="Woonwenz", shared_with=("Woonwenz", "Antares"))
    assert profile.status == ProfileStatus.MATCHED
    assert profile.referral.status == Status.MATCHED
    tenant = reverse("matching:tenant", kwargs={"profile_id": profile.pk})
    document = profile.referral.documents.first()

    signed_in(people["woonwenz"])
    page = client.get(tenant).content.decode()
    assert "Jan Jansen" in page and VALID_BSN in page and document.file_name in page
    assert client.get(reverse("referrals:document", kwargs={"document_id": document.pk})).status_code == 200
    assert AccessLog.objects.filter(user=people["woonwenz"], purpose="huurovereenkomst").exists()

    signed_in(people["antares"])
    assert client.get(tenant).status_code == 404
    assert client.get(reverse("referrals:document", kwargs={"document_id": document.pk})).status_code == 404
    page = table(client)
    assert profile.code in page and "Elders geplaatst" in page and "Woonwenz" not in page
    assert client.get(reverse("matching:corporation_profile", kwargs={"profile_id": profile.pk})).status_code == 404
    assert AccessLog.objects.filter(user=people["antares"], outcome=AccessOutcome.DENIED).exists()

    signed_in(people["wonenlimburg"])
    assert profile.code not in table(client)
    assert client.get(tenant).status_code == 404


def test_the_linked_provider_sees_name_and_contact_only(client, signed_in, people):
    profile = make_matched(people)
    signed_in(people["moveoo"])
    page = client.get(reverse("matching:trajectories")).content.decode()
    assert profile.code in page and "Jan Jansen" in page and "0612345678" in page
    assert VALID_BSN not in page
    assert client.get(reverse("matching:tenant", kwargs={"profile_id": profile.pk})).status_code == 404
    signed_in(people["leger"])
    assert profile.code not in client.get(reverse("matching:trajectories")).content.decode()


@pytest.mark.parametrize(
    "outsider", ["venray", "midden", "proces_midden", "moveoo", "treasurer", "werkgroep_venlo", "admin", "woonwenz"]
)
def test_regisseur_pages_are_404_for_everyone_else(client, signed_in, people, shared_profile, outsider):
    signed_in(people[outsider])
    for name in (
        "profile",
        "profile_edit",
        "profile_share",
        "profile_match",
        "profile_versions",
        "profile_pdf",
        "profile_end",
        "profile_handover",
    ):
        url = reverse(f"matching:{name}", kwargs={"profile_id": shared_profile.pk})
        assert client.get(url).status_code == 404, (outsider, name)


@pytest.mark.parametrize("rows", [5, 50])
def test_matching_table_and_profile_list_queries_do_not_grow(
    client, signed_in, people, rows, django_assert_max_num_queries
):
    from matching import services
    from referrals.models import Referral

    from .conftest import make_shared as _make  # noqa: F401

    first = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    # Clone cheaply: more profiles on the same resident are not realistic, but the table cost is the same.
    for _number in range(rows - 1):
        referral = Referral.objects.get(pk=first.referral_id)
        referral.pk = None
        referral.status = "submitted"
        referral.fact = None
        referral.save()
        from woonkans.privacy.disclosure import sync_case_grants

        sync_case_grants(referral)
        from referrals.models import Identity, Research

        identity = Identity.objects.get(referral_id=first.referral_id)
        identity.referral = referral
        identity.save()
        research = Research.objects.get(referral_id=first.referral_id)
        search_area = list(research.search_area.all())
        research.referral = referral
        research.save()
        research.search_area.set(search_area)
        profile = record_profile_facts(services.create_profile(actor=people["noord"], referral=referral))
        services.share_profile(actor=people["noord"], profile=profile, corporations=[first.shares.get().corporation])
    signed_in(people["woonwenz"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("matching:table")).status_code == 200
    signed_in(people["noord"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("matching:profiles")).status_code == 200


def test_the_matched_corporation_sees_its_tenant_in_the_trajectories_list(client, signed_in, people):
    # Regression: "referrals.view_identity" was ambiguous for django-guardian (Identity's default permission).
    profile = make_matched(people)
    signed_in(people["woonwenz"])
    page = client.get(reverse("matching:trajectories")).content.decode()
    assert profile.code in page and "Jan Jansen" in page
    signed_in(people["antares"])
    assert profile.code not in client.get(reverse("matching:trajectories")).content.decode()
