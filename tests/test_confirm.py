"""Whatever cannot be undone is confirmed (woonkans/confirm.py): per irreversible action, the first POST
changes nothing and shows what will happen and to whom; the confirmed POST does it; a POST without the
page's token, or with data other than what was confirmed, is asked again and changes nothing."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from guarantee_fund.models import Claim
from matching.models import Match, ProfileShare, ProfileStatus
from referrals.models import Document
from woonkans.confirm import TOKEN_FIELD, token_for
from woonkans.parties.models import Organisation

from .confirming import asks, confirmed_data
from .guarantee_fund.conftest import through_overleg
from .guarantee_fund.test_claim_path import at_mgr, filed
from .matching.conftest import make_matched, make_shared, org
from .referrals.conftest import make_ready
from .subject_rights.conftest import act_url, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    from woonkans.accounts.roles import Role

    return make_user(Role.PRIVACY_OFFICER, "Gemeente Venlo", email="privacy@venlo.example.org")


TODAY = timezone.localdate


def walk(client, url, data, *, done, names):
    """The three answers every confirmed action gives. ``done()`` tells whether the action happened."""
    first = client.post(url, data)
    assert asks(first), first.status_code
    page = first.content.decode()
    for name in names:
        assert name in page, name
    assert not done(), "the first POST did it"
    # Forged: "Bevestigen" without the page's token, or a token issued for other data.
    assert asks(client.post(url, {**data, TOKEN_FIELD: "forged"}))
    assert not done()
    confirmed = confirmed_data(client, url, data)
    tampered = {**confirmed, next(iter(data)): "iets anders"} if data else None
    if tampered:
        assert client.post(url, tampered).status_code in (200, 302, 400)  # the form again, or back to its page
        assert not done()
    response = client.post(url, confirmed)
    assert done(), response.status_code
    return response


def test_removing_a_document(client, signed_in, people):
    referral = make_ready(people["venlo"])
    document = referral.documents.first()
    signed_in(people["venlo"])
    url = reverse("referrals:document_remove", kwargs={"referral_id": referral.pk, "document_id": document.pk})
    first = client.post(url)
    assert asks(first) and document.file_name in first.content.decode()
    assert asks(client.post(url, {TOKEN_FIELD: "forged"}))
    assert Document.objects.filter(pk=document.pk).exists()
    response = client.post(url, confirmed_data(client, url, {}), follow=True)
    assert "Het document is verwijderd." in response.content.decode(), response.content.decode()[-3000:]
    assert not Document.objects.filter(pk=document.pk).exists()


def test_sharing_names_every_corporation_that_will_see_the_profile(client, signed_in, people):
    from .matching.conftest import make_profile

    profile = make_profile(people["noord"], people["venlo"])
    signed_in(people["noord"])
    url = reverse("matching:profile_share", kwargs={"profile_id": profile.pk})
    data = {"corporations": [str(org("Woonwenz").pk), str(org("Antares").pk)]}
    walk(client, url, data, done=ProfileShare.objects.exists, names=["Woonwenz", "Antares", "bemiddelingsprofiel"])
    assert set(ProfileShare.objects.values_list("corporation__name", flat=True)) == {"Woonwenz", "Antares"}


def test_terug_keeps_the_choice(client, signed_in, people):
    from .matching.conftest import make_profile

    profile = make_profile(people["noord"], people["venlo"])
    signed_in(people["noord"])
    url = reverse("matching:profile_share", kwargs={"profile_id": profile.pk})
    response = client.post(url, {"corporations": [str(org("Antares").pk)], "confirm_back": "1"})
    assert response.status_code == 200 and not asks(response)
    checked = re.findall(r'<input[^>]*name="corporations"[^>]*>', response.content.decode())
    assert [tag for tag in checked if "checked" in tag] == [
        tag for tag in checked if f'value="{org("Antares").pk}"' in tag
    ]
    assert not ProfileShare.objects.exists()


def test_recording_a_match_names_corporation_provider_and_who_loses_sight(client, signed_in, people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    signed_in(people["noord"])
    url = reverse("matching:profile_match", kwargs={"profile_id": profile.pk})
    data = {
        "corporation": org("Woonwenz").pk,
        "care_provider": org("Moveoo").pk,
        "dwelling_address": "Maasstraat 3, Venlo",
        "intended_date": (TODAY() + datetime.timedelta(days=30)).isoformat(),
        "corporation_contact": people["woonwenz"].pk,
        "provider_contact": people["moveoo"].pk,
    }
    data = {"dwelling_address": data.pop("dwelling_address"), **data}  # the field the tampering changes
    walk(
        client,
        url,
        data,
        done=Match.objects.filter(profile=profile).exists,
        names=["Woonwenz", "Moveoo", "Antares", "Maasstraat 3, Venlo", "Niet meer beschikbaar"],
    )


def test_ending_a_trajectory(client, signed_in, people):
    from matching import services as matching_services

    profile = make_matched(people)
    matching_services.record_housing(
        actor=people["noord"], profile=profile, lease_signed_on=TODAY() - datetime.timedelta(days=30)
    )
    signed_in(people["noord"])
    url = reverse("matching:profile_end", kwargs={"profile_id": profile.pk})
    data = {"evaluation": "Verliep goed.", "kind": "positive", "ended_on": TODAY().isoformat()}

    def ended():
        profile.refresh_from_db()
        return profile.ended_on is not None and profile.status == ProfileStatus.ENDED_POSITIVE

    walk(client, url, data, done=ended, names=["Traject beëindigen", "Verliep goed."])


def test_withdrawing_a_referral(client, signed_in, people):
    referral = make_ready(people["venlo"])
    signed_in(people["venlo"])
    url = reverse("referrals:withdraw", kwargs={"referral_id": referral.pk})

    def withdrawn():
        referral.refresh_from_db()
        return referral.status == "withdrawn"

    walk(client, url, {"reason": "Zelf een woning gevonden."}, done=withdrawn, names=["Zelf een woning gevonden."])


def test_erasure(client, signed_in, people, officer):
    referral = make_ready(people["venlo"])
    request = register(officer, referral, "erasure")
    signed_in(officer)
    data = {
        "wissen-reason": "Geen Wmo-aanmelding gedaan.",
        "wissen-ground": "no_wmo_file",
        "wissen-informed_on": TODAY().isoformat(),
    }

    def erased():
        referral.refresh_from_db()
        return referral.purged_at is not None

    walk(client, act_url(request, "wissen"), data, done=erased, names=["definitief", "Geen Wmo-aanmelding gedaan."])


def test_the_chairs_claim_decision(client, signed_in, people):
    claim = through_overleg(people, filed(people))
    signed_in(people["noord"])
    url = reverse("guarantee_fund:claim_action", args=[claim.pk, "besluit"])
    data = {"motivation": "Kosten aangetoond.", "decision": "full", "negligence_found": "0"}

    def decided():
        return Claim.objects.get(pk=claim.pk).decided_at is not None

    walk(client, url, data, done=decided, names=[claim.code, "Woonwenz", "Kosten aangetoond."])


def test_a_decision_the_service_refuses_is_said_on_the_form_not_after_confirming(client, signed_in, people):
    claim = through_overleg(people, filed(people))
    signed_in(people["noord"])
    url = reverse("guarantee_fund:claim_action", args=[claim.pk, "besluit"])
    response = client.post(
        url, {"decision": "part", "approved_cents": "999.999,00", "motivation": "Te veel.", "negligence_found": "0"}
    )
    assert not asks(response) and "niet hoger dan het geclaimde" in response.content.decode()


def test_a_token_is_bound_to_its_user_and_url(client, signed_in, people):
    referral = make_ready(people["venlo"])
    document = referral.documents.first()
    url = reverse("referrals:document_remove", kwargs={"referral_id": referral.pk, "document_id": document.pk})
    other = reverse("referrals:submit", kwargs={"referral_id": referral.pk})
    signed_in(people["venlo"])
    stolen = token_for(user=people["noord"], path=url, data={})
    assert asks(client.post(url, {TOKEN_FIELD: stolen}))
    assert asks(client.post(url, {TOKEN_FIELD: token_for(user=people["venlo"], path=other, data={})}))
    assert Document.objects.filter(pk=document.pk).exists()


# --- the MGR treasurer sees what it needs to pay, not the case's words ---


def test_the_treasurer_does_not_see_the_evaluation_or_motivations(client, signed_in, people):
    from .guarantee_fund.conftest import fund_with

    fund_with(5_000_000, treasurer=people["treasurer"])
    claim = at_mgr(people)
    signed_in(people["treasurer"])
    page = client.get(reverse("guarantee_fund:claim", args=[claim.pk])).content.decode()
    assert claim.code in page and "Huurderving" in page
    assert "Huurachterstand opgelopen." not in page and "Kosten aangetoond." not in page
    signed_in(people["woonwenz"])
    page = client.get(reverse("guarantee_fund:claim", args=[claim.pk])).content.decode()
    assert "Huurachterstand opgelopen." in page


# --- the payee's IBAN: a form for the treasurer, mod-97 checked and audited ---


def test_the_treasurer_sets_a_partys_iban_checked_and_audited(client, signed_in, people):
    from woonkans.audit.models import AccessLog
    from woonkans.parties.models import Organisation

    woonwenz = Organisation.objects.get(name="Woonwenz")
    url = reverse("guarantee_fund:party_iban", args=[woonwenz.pk])
    signed_in(people["treasurer"])
    response = client.post(url, {"iban": "NL91 ABNA 0417 1643 01"})  # one digit off: mod-97 fails
    assert response.status_code == 200 and "geen geldig IBAN" in response.content.decode()
    assert 'value="NL91 ABNA 0417 1643 01"' in response.content.decode()  # what was typed stays
    woonwenz.refresh_from_db()
    assert woonwenz.iban == ""
    assert client.post(url, {"iban": "nl91 abna 0417 1643 00"}).status_code == 302
    woonwenz.refresh_from_db()
    assert woonwenz.iban == "NL91ABNA0417164300"
    entry = AccessLog.objects.filter(object_id=str(woonwenz.pk), purpose__contains="IBAN gewijzigd").get()
    assert entry.user == people["treasurer"] and "NL91" not in entry.purpose
    for who in ("woonwenz", "noord"):
        signed_in(people[who])
        assert client.post(url, {"iban": "NL02 ABNA 0123 4567 89"}).status_code == 404
    woonwenz.refresh_from_db()
    assert woonwenz.iban == "NL91ABNA0417164300"


# --- the fund's dissolution, a claim to the MGR, "gehuisvest" (issue 16.5) ---


def refuses_tokens_of_others(client, url, data, *, other_user, other_url, done):
    """A token issued to another user, or for another object's URL, runs nothing: the page asks again."""
    for user, path in ((other_user, url), (client.user, other_url)):
        assert asks(client.post(url, {**data, TOKEN_FIELD: token_for(user=user, path=path, data=data)}))
        assert not done()


def test_submitting_a_claim_to_the_mgr(client, signed_in, people):
    from guarantee_fund.models import ClaimStatus

    from .guarantee_fund.conftest import give_iban
    from .guarantee_fund.test_claim_path import approve

    claim = through_overleg(people, filed(people))
    give_iban(claim.corporation_id)
    approve(people, claim)
    signed_in(people["woonwenz"])
    client.user = people["woonwenz"]
    url = reverse("guarantee_fund:claim_action", args=[claim.pk, "mgr"])

    def submitted():
        return Claim.objects.get(pk=claim.pk).status == ClaimStatus.AT_MGR

    other_claim = reverse("guarantee_fund:claim_action", args=["00000000-0000-0000-0000-000000000001", "mgr"])
    refuses_tokens_of_others(client, url, {}, other_user=people["antares"], other_url=other_claim, done=submitted)
    mgr = Organisation.objects.get(kind="mgr").name
    walk(
        client, url, {}, done=submitted, names=[claim.code, mgr, "zonder de tekst over de zaak", "Indienen bij de MGR"]
    )
    # Once: the confirmed post replayed is refused by the claim's status and changes nothing.
    first_at = Claim.objects.get(pk=claim.pk).submitted_to_mgr_at
    assert once_more(client, url, {}).status_code == 302
    assert Claim.objects.get(pk=claim.pk).submitted_to_mgr_at == first_at


def once_more(client, url, data):
    """The confirmed POST sent again (a double click, the back button): a valid token for this user and URL."""
    return client.post(url, {**data, TOKEN_FIELD: token_for(user=client.user, path=url, data=data)})


def test_recording_housed_names_who_follows_the_trajectory(client, signed_in, people):
    profile = make_matched(people)
    other = make_matched(people, corporation="Antares", shared_with=("Antares",))
    signed_in(people["noord"])
    client.user = people["noord"]
    url = reverse("matching:profile_housed", kwargs={"profile_id": profile.pk})
    data = {"date": (TODAY() - datetime.timedelta(days=2)).isoformat()}

    def housed():
        profile.refresh_from_db()
        return profile.status == ProfileStatus.HOUSED

    other_url = reverse("matching:profile_housed", kwargs={"profile_id": other.pk})
    refuses_tokens_of_others(client, url, data, other_user=people["midden"], other_url=other_url, done=housed)
    walk(
        client,
        url,
        data,
        done=housed,
        names=[profile.code, "Woonwenz", "Moveoo", "Gemeente Venlo", "bemiddelingsprofiel"],
    )
    # Once: the confirmed post replayed (another date) is refused by the profile's status.
    again = {"date": (TODAY() - datetime.timedelta(days=1)).isoformat()}
    assert once_more(client, url, again).status_code == 302
    profile.refresh_from_db()
    assert profile.housed_on == TODAY() - datetime.timedelta(days=2)
    other.refresh_from_db()
    assert other.status == ProfileStatus.MATCHED


def test_dissolving_the_fund_names_what_each_party_gets_back(client, signed_in, people):
    from guarantee_fund import services as fund_services
    from guarantee_fund.models import Fund, LedgerEntry

    from .guarantee_fund.conftest import fund_with

    fund_with(300_000, treasurer=people["treasurer"], party="Woonwenz")
    fund_with(100_000, treasurer=people["treasurer"], party="Antares")
    signed_in(people["treasurer"])
    client.user = people["treasurer"]
    url = reverse("guarantee_fund:parties")
    data = {"action": "opheffen", "opheffen-on_date": TODAY().isoformat(), "opheffen-confirm": "on"}

    def dissolved():
        return Fund.get().dissolved_at is not None

    refuses_tokens_of_others(
        client, url, data, other_user=people["noord"], other_url=reverse("guarantee_fund:ledger"), done=dissolved
    )
    walk(
        client,
        url,
        data,
        done=dissolved,
        names=["Woonwenz", "Antares", "€\xa03.000,00", "€\xa01.000,00", "€\xa04.000,00"],
    )
    entries = LedgerEntry.objects.count()
    assert once_more(client, url, data).status_code == 200  # the page again, with the refusal
    assert LedgerEntry.objects.count() == entries
    with pytest.raises(Exception, match="al opgeheven"):
        fund_services.dissolve_fund(actor=people["treasurer"], on_date=TODAY())
    assert LedgerEntry.objects.count() == entries
