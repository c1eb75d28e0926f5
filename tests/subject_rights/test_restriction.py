"""Art. 18: a restricted case is frozen (every write refused) and its shares are paused, until lifted."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from guarantee_fund import services as fund_services
from matching import services as matching_services
from matching.models import ProfileShare
from referrals import services as referral_services
from referrals.models import EventKind, Referral
from subject_rights import services
from woonkans.parties.models import Organisation, Region
from woonkans.privacy.restriction import ProcessingRestricted

from ..guarantee_fund.conftest import approved_claim, fund_with
from ..matching.conftest import make_matched, org
from ..referrals.conftest import PDF
from .conftest import act_url, register

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def restrict(officer, referral):
    request = register(officer, referral, "restriction")
    return services.restrict_processing(actor=officer, request=request, informed_on=TODAY())


@pytest.fixture
def housed(people):
    profile = make_matched(people)
    matching_services.record_housing(
        actor=people["noord"], profile=profile, lease_signed_on=TODAY() - datetime.timedelta(days=30)
    )
    # A signal and its case meeting exist before the restriction.
    case_meeting = matching_services.raise_signal(
        actor=people["moveoo"], profile=profile, kind="other", text="Zorgen.", about=people["woonwenz"].organisation
    )
    profile.refresh_from_db()
    return profile, case_meeting


def pdf_upload():
    return SimpleUploadedFile("verklaring.pdf", PDF, content_type="application/pdf")


def test_every_write_on_a_restricted_case_is_refused(people, officer, housed):
    profile, case_meeting = housed
    referral = profile.referral
    restrict(officer, referral)
    venlo, noord, woonwenz, antares, moveoo = (
        people[key] for key in ("venlo", "noord", "woonwenz", "antares", "moveoo")
    )
    share = ProfileShare.objects.get(profile=profile, corporation=org("Antares"))
    meeting = matching_services.create_meeting(actor=noord, region=profile.region, date=TODAY())
    other_region = Region.objects.exclude(pk=profile.region_id).first()
    writes = {
        "save_identity": lambda: referral_services.save_identity(
            actor=venlo, referral=referral, data={"city": "Tegelen"}
        ),
        "save_research": lambda: referral_services.save_research(
            actor=venlo, referral=referral, data={"mobility": "x"}, step="domeinen"
        ),
        "add_document": lambda: referral_services.add_document(
            actor=venlo, referral=referral, kind="other", uploaded_file=pdf_upload()
        ),
        "remove_document": lambda: referral_services.remove_document(actor=venlo, document=referral.documents.first()),
        "record_consent": lambda: referral_services.record_consent(
            actor=venlo,
            referral=referral,
            support_plan_signed_on=TODAY(),
            informed_of_sharing=True,
            informed_of_rights=True,
        ),
        "save_draft": lambda: referral_services.save_draft(
            actor=venlo, referral=referral, step="persoon", data=QueryDict("city=Tegelen")
        ),
        "withdraw_referral": lambda: referral_services.withdraw_referral(actor=venlo, referral=referral, reason="x"),
        "withdraw_consent": lambda: referral_services.withdraw_consent(actor=venlo, referral=referral, reason="x"),
        "give_feedback": lambda: referral_services.give_feedback(actor=noord, referral=referral, kind=2, text="x"),
        "record_route_event": lambda: referral_services.record_route_event(
            actor=noord, referral=referral, kind=EventKind.HOUSED
        ),
        "update_profile": lambda: matching_services.update_profile(
            actor=noord, profile=profile, expected_version=profile.version, data={"conclusion": "x"}
        ),
        "override_finding": lambda: matching_services.override_finding(
            actor=noord, profile=profile, finding_fingerprint="f", kind="name", reason="x"
        ),
        "share_profile": lambda: matching_services.share_profile(
            actor=noord, profile=profile, corporations=[org("Wonen Limburg")]
        ),
        "respond_to_profile": lambda: matching_services.respond_to_profile(actor=antares, share=share, response="no"),
        "post_message": lambda: matching_services.post_message(
            actor=woonwenz, profile=profile, corporation=org("Woonwenz"), text="Vraag"
        ),
        "record_housing": lambda: matching_services.record_housing(
            actor=noord, profile=profile, lease_signed_on=TODAY()
        ),
        "record_evaluation": lambda: matching_services.record_evaluation(
            actor=moveoo, profile=profile, held_on=TODAY(), notes="Gaat goed."
        ),
        "raise_signal": lambda: matching_services.raise_signal(
            actor=woonwenz, profile=profile, kind="other", text="x", about=moveoo.organisation
        ),
        "plan_case_meeting": lambda: matching_services.plan_case_meeting(
            actor=noord, case_meeting=case_meeting, planned_on=TODAY()
        ),
        "record_case_meeting_outcome": lambda: matching_services.record_case_meeting_outcome(
            actor=noord, case_meeting=case_meeting, outcome="x", participants="y", held_on=TODAY()
        ),
        "record_no_case_meeting": lambda: matching_services.record_no_case_meeting(
            actor=noord, case_meeting=case_meeting, reason="x"
        ),
        "report_back_on_signal": lambda: matching_services.report_back_on_signal(
            actor=noord, case_meeting=case_meeting, report_back="x"
        ),
        "change_contacts": lambda: matching_services.change_contacts(
            actor=moveoo, profile=profile, party=moveoo.organisation, contact=moveoo
        ),
        "propose_provider_change": lambda: matching_services.propose_provider_change(
            actor=noord, profile=profile, to_provider=moveoo.organisation, reason="x"
        ),
        "end_trajectory": lambda: matching_services.end_trajectory(
            actor=noord, profile=profile, kind="positive", ended_on=TODAY()
        ),
        "propose_handover": lambda: matching_services.propose_handover(
            actor=noord, profile=profile, to_region=other_region, note="x"
        ),
        "add_agenda_item": lambda: matching_services.add_agenda_item(
            actor=noord, meeting=meeting, kind="profile", title="Bespreken", profile=profile
        ),
    }
    before = Referral.objects.values().get(pk=referral.pk)
    for name, write in writes.items():
        with pytest.raises(ProcessingRestricted):
            write()
        assert Referral.objects.values().get(pk=referral.pk) == before, name


def test_every_write_on_the_claim_of_a_restricted_case_is_refused(people, officer):
    fund_with(1_000_000, treasurer=people["treasurer"])
    claim = approved_claim(people)  # at the MGR, ready to pay
    restrict(officer, claim.profile.referral)
    writes = [
        lambda: fund_services.pay_claim(
            actor=people["treasurer"], claim=claim, paid_on=TODAY(), reference="B-1", idempotency_key="k-1"
        ),
        lambda: fund_services.return_claim(actor=people["treasurer"], claim=claim, reason="x"),
        lambda: fund_services.add_claim_line(
            actor=people["woonwenz"], claim=claim, category="repair", description="x", amount_cents=100
        ),
        lambda: fund_services.add_claim_document(
            actor=people["woonwenz"], claim=claim, description="x", uploaded_file=pdf_upload()
        ),
        lambda: fund_services.create_claim(
            actor=people["woonwenz"],
            profile=claim.profile,
            termination_date=TODAY(),
            termination_kind="evicted",
            evaluation="x",
            deposit_cents=0,
        ),
    ]
    for write in writes:
        with pytest.raises(ProcessingRestricted):
            write()
    claim.refresh_from_db()
    assert claim.status == "at_mgr" and claim.payout_id is None


def test_shares_pause_for_corporations_and_providers_but_regisseurs_still_read(
    client, signed_in, people, officer, housed
):
    profile, _case_meeting = housed
    table = reverse("matching:table")
    pages = {
        "woonwenz": [
            reverse("matching:corporation_profile", kwargs={"profile_id": profile.pk}),
            reverse("matching:trajectory", kwargs={"profile_id": profile.pk}),
            reverse("matching:tenant", kwargs={"profile_id": profile.pk}),
        ],
        "moveoo": [reverse("matching:trajectory", kwargs={"profile_id": profile.pk})],
    }
    signed_in(people["woonwenz"])
    assert all(client.get(url).status_code == 200 for url in pages["woonwenz"])
    assert profile.code in client.get(table).content.decode()
    assert profile.code in client.get(reverse("matching:trajectories")).content.decode()

    restrict(officer, profile.referral)

    for who, urls in pages.items():
        signed_in(people[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, (who, url)
            assert "Jansen" not in response.content.decode()
        assert profile.code not in client.get(reverse("matching:trajectories")).content.decode()
    signed_in(people["woonwenz"])
    # The row stays, empty: no link to the profile and none of its content (the disclosure policy).
    page = client.get(table).content.decode()
    assert "Niet meer beschikbaar" in page
    assert reverse("matching:corporation_profile", kwargs={"profile_id": profile.pk}) not in page

    signed_in(people["noord"])
    page = client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk})).content.decode()
    assert "Verwerking beperkt." in page
    # A write through the page answers with the notice, not an error page.
    response = client.post(
        reverse("matching:profile_end", kwargs={"profile_id": profile.pk}),
        {"kind": "positive", "ended_on": TODAY().isoformat(), "evaluation": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "De verwerking van deze zaak is beperkt" in response.content.decode()
    profile.refresh_from_db()
    assert profile.status == "housed"


def test_the_resident_is_told_before_the_restriction_is_lifted(client, signed_in, people, officer, housed):
    profile, _case_meeting = housed
    referral = profile.referral
    request = register(officer, referral, "restriction")
    signed_in(officer)
    mail.outbox.clear()
    client.post(act_url(request, "beperken"), {"beperken-informed_on": TODAY().isoformat()})
    request.refresh_from_db()
    referral.refresh_from_db()
    assert request.status == "in_effect" and referral.restricted_at is not None

    # Lifting without the announcement is not offered, and refused when posted anyway.
    page = client.get(reverse("subject_rights:detail", kwargs={"request_id": request.pk})).content.decode()
    assert "Opheffing aankondigen" in page and "Beperking opheffen</button>" not in page
    client.post(act_url(request, "opheffen"), {"opheffen-reason": "Juistheid vastgesteld."})
    referral.refresh_from_db()
    assert referral.restricted_at is not None
    with pytest.raises(Exception, match="Informeer de inwoner eerst"):
        services.lift_restriction(actor=officer, request=request, reason="x")

    client.post(act_url(request, "opheffing-aankondigen"), {"opheffing-aankondigen-announced_on": TODAY().isoformat()})
    client.post(act_url(request, "opheffen"), {"opheffen-reason": "Juistheid vastgesteld."})
    request.refresh_from_db()
    referral.refresh_from_db()
    assert request.status == "granted" and request.lifted_at is not None and referral.restricted_at is None
    # The case runs again.
    matching_services.record_evaluation(actor=people["moveoo"], profile=profile, held_on=TODAY(), notes="Goed.")


def test_restricting_and_lifting_tell_every_recipient_without_personal_data(
    people, officer, housed, django_capture_on_commit_callbacks
):
    profile, _case_meeting = housed
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        restrict(officer, profile.referral)
    told = {message.to[0] for message in mail.outbox}
    assert {"noord@example.org", "woonwenz@example.org", "antares@example.org", "moveoo@example.org"} <= told
    assert "venray@example.org" not in told and "wonenlimburg@example.org" not in told
    for message in mail.outbox:
        assert "Jansen" not in message.body and profile.code not in message.body
        assert str(profile.referral_id) not in message.body


def test_an_organisation_that_is_not_a_recipient_is_not_one(people, officer, housed):
    profile, _case_meeting = housed
    names = {entry["organisation"].name for entry in services.case_recipients(profile.referral)}
    assert "Wonen Limburg" not in names and "Gemeente Venray" not in names
    assert Organisation.objects.filter(name="Wonen Limburg").exists()
