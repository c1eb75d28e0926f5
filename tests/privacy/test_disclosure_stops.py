"""Stopping is complete: after consent or the referral is withdrawn, a restriction, or the trajectory's end,
every corporation and provider loses the case at once (SOK art. 4.3, AVG art. 18), as the policy says."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from matching import services as matching_services
from matching.models import AgendaItem, ProfileMessage, ProfileShare, ProfileStatus
from referrals.models import DocumentKind
from subject_rights import services as subject_services
from woonkans.audit.models import AccessLog, AccessOutcome
from woonkans.parties.models import Organisation
from woonkans.privacy import disclosure

from ..confirming import post_confirmed
from ..matching.conftest import make_matched, make_shared
from ..referrals.conftest import pdf
from ..subject_rights.conftest import officer, register  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def corporation_profile(profile):
    return reverse("matching:corporation_profile", kwargs={"profile_id": profile.pk})


def table(client):
    return client.get(reverse("matching:table")).content.decode()


def on_agenda(people, profile):
    meeting = matching_services.create_meeting(
        actor=people["noord"], region=profile.region, date=TODAY() + datetime.timedelta(days=7)
    )
    return matching_services.add_agenda_item(
        actor=people["noord"], meeting=meeting, kind="profile", title="Profiel bespreken", profile=profile
    )


@pytest.mark.parametrize("action", ["referrals:consent_withdraw", "referrals:withdraw"])
def test_withdrawing_takes_the_shared_profile_from_every_corporation(
    client, signed_in, people, action, django_capture_on_commit_callbacks
):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    item = on_agenda(people, profile)
    signed_in(people["woonwenz"])
    assert client.get(corporation_profile(profile)).status_code == 200
    assert "Gedeeld met corporaties" in table(client)

    signed_in(people["venlo"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_confirmed(
            client,
            reverse(action, kwargs={"referral_id": profile.referral_id}),
            {"reason": "De inwoner wil het niet meer."},
        )
    assert response.status_code == 302

    for key in ("woonwenz", "antares"):
        signed_in(people[key])
        assert client.get(corporation_profile(profile)).status_code == 404, key
        page = table(client)
        assert profile.code in page and "Niet meer beschikbaar" in page, key
        assert corporation_profile(profile) not in page and "Gedeeld met corporaties" not in page, key
        # Answering "Interesse" is refused and changes nothing.
        response = client.post(corporation_profile(profile), {"reageren": "1", "response": "interested"})
        assert response.status_code == 404, key
        assert AccessLog.objects.filter(
            user=people[key], object_id=str(profile.pk), outcome=AccessOutcome.DENIED
        ).exists()
    assert set(ProfileShare.objects.filter(profile=profile).values_list("response", flat=True)) == {""}
    assert not ProfileShare.objects.filter(profile=profile, revoked_at__isnull=True).exists()

    profile.refresh_from_db()
    assert profile.status == ProfileStatus.STOPPED
    assert not AgendaItem.objects.filter(pk=item.pk).exists(), "the overleg agenda drops the case"
    signed_in(people["noord"])
    assert client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk})).status_code == 404
    assert client.get(reverse("referrals:detail", kwargs={"referral_id": profile.referral_id})).status_code == 404
    signed_in(people["venlo"])
    assert client.get(reverse("referrals:detail", kwargs={"referral_id": profile.referral_id})).status_code == 200

    # A link-only notice to each corporation that lost the profile.
    notices = [message for message in mail.outbox if "niet meer beschikbaar" in message.subject]
    assert {message.to[0] for message in notices} == {"woonwenz@example.org", "antares@example.org"}
    for message in notices:
        assert reverse("matching:table") in message.body
        assert profile.code not in message.body and "Jansen" not in message.body
    assert not disclosure.reconcile([profile.referral_id], fix=False)


def test_withdrawing_twice_answers_in_dutch_and_changes_nothing(client, signed_in, people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    signed_in(people["venlo"])
    url = reverse("referrals:consent_withdraw", kwargs={"referral_id": profile.referral_id})
    post_confirmed(client, url, {"reason": "Ingetrokken."})
    referral = profile.referral
    referral.refresh_from_db()
    closed_at = referral.closed_at
    response = client.post(url, {"reason": "Nog eens."}, follow=True)
    assert "Dat kan niet in de huidige status van deze aanmelding." in response.content.decode()
    referral.refresh_from_db()
    assert referral.closed_at == closed_at and referral.closed_reason == "Ingetrokken."


def test_the_end_of_the_trajectory_takes_the_case_from_corporation_and_provider(client, signed_in, people):
    profile = make_matched(people, corporation="Woonwenz", shared_with=("Woonwenz", "Antares"))
    matching_services.record_housing(
        actor=people["noord"], profile=profile, lease_signed_on=TODAY() - datetime.timedelta(days=90)
    )
    tenant = reverse("matching:tenant", kwargs={"profile_id": profile.pk})
    signed_in(people["woonwenz"])
    assert client.get(tenant).status_code == 200

    matching_services.end_trajectory(
        actor=people["noord"], profile=profile, kind="evicted", ended_on=TODAY(), evaluation="Ontruimd na overlast."
    )

    signed_in(people["woonwenz"])
    assert client.get(tenant).status_code == 404
    assert client.get(corporation_profile(profile)).status_code == 404
    page = table(client)
    assert "Niet meer beschikbaar" in page and corporation_profile(profile) not in page
    # Only the code stays, for a claim on the guarantee fund (Bijlage 3); no identity.
    trajectories = client.get(reverse("matching:trajectories")).content.decode()
    assert profile.code in trajectories and "Jansen" not in trajectories and "0612345678" not in trajectories
    assert client.get(reverse("matching:trajectory", kwargs={"profile_id": profile.pk})).status_code == 200
    signed_in(people["antares"])
    assert "Elders geplaatst" in table(client)
    signed_in(people["moveoo"])
    assert profile.code not in client.get(reverse("matching:trajectories")).content.decode()
    # The regisseurs keep the case for the end evaluation and a fund claim.
    signed_in(people["noord"])
    assert client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk})).status_code == 200
    assert not disclosure.reconcile([profile.referral_id], fix=False)


def test_restriction_pauses_the_shares_through_the_policy_and_lifting_restores_them(
    client,
    signed_in,
    people,
    officer,  # noqa: F811
):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    request = register(officer, profile.referral, "restriction")
    subject_services.restrict_processing(actor=officer, request=request, informed_on=TODAY())
    grants = disclosure.case_states([profile.referral_id])[profile.referral_id]
    woonwenz = people["woonwenz"].organisation_id
    assert not {row for row in disclosure.disclosed(grants) if row[2] == woonwenz}
    signed_in(people["woonwenz"])
    assert client.get(corporation_profile(profile)).status_code == 404
    assert "Niet meer beschikbaar" in table(client)

    subject_services.announce_lift(actor=officer, request=request, announced_on=TODAY())
    subject_services.lift_restriction(actor=officer, request=request, reason="De inwoner stemt weer in.")
    assert client.get(corporation_profile(profile)).status_code == 200
    assert not disclosure.reconcile([profile.referral_id], fix=False)


def test_the_matched_corporation_gets_only_the_documents_step_6_names(client, signed_in, people):
    profile = make_matched(people, corporation="Woonwenz")
    referral = profile.referral
    # The consultant's own note travels with the file but is not one of the step 6 documents.
    from referrals.models import Document
    from woonkans.privacy.files import store_upload

    stored = store_upload(pdf("notitie.pdf"), folder=f"referrals/{referral.pk.hex}")
    note = Document.from_stored(stored, referral=referral, kind=DocumentKind.OTHER, uploaded_by=people["venlo"])
    note.save()
    lease = referral.documents.get(kind=DocumentKind.GBA_EXTRACT)

    signed_in(people["woonwenz"])
    page = client.get(reverse("matching:tenant", kwargs={"profile_id": profile.pk})).content.decode()
    assert reverse("referrals:document", kwargs={"document_id": lease.pk}) in page
    assert reverse("referrals:document", kwargs={"document_id": note.pk}) not in page
    assert client.get(reverse("referrals:document", kwargs={"document_id": lease.pk})).status_code == 200
    assert client.get(reverse("referrals:document", kwargs={"document_id": note.pk})).status_code == 404
    signed_in(people["venlo"])
    assert client.get(reverse("referrals:document", kwargs={"document_id": note.pk})).status_code == 200


def test_a_question_to_a_corporation_that_lost_the_profile_is_refused_in_dutch(client, signed_in, people):
    profile = make_matched(people, corporation="Woonwenz", shared_with=("Woonwenz", "Antares"))
    antares = Organisation.objects.get(name="Antares")
    signed_in(people["noord"])
    response = client.post(
        reverse("matching:message", kwargs={"profile_id": profile.pk, "corporation_id": antares.pk}),
        {"text": "Is er nog iets?"},
        follow=True,
    )
    assert response.status_code == 200
    assert "geen vragen meer worden gesteld" in response.content.decode()
    assert not ProfileMessage.objects.filter(profile=profile, corporation=antares).exists()
