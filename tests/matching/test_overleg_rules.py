"""The rules of the Woonkans-overleg through its pages (SOK preamble, art. 1j, 7.8–7.9; Bijlage 2 step 5):
attendance before votes, quorum, computed outcome, required and non-contradicting motivation, vote
history, corrections, typed agenda items, incidental exclusion, and the corporations and providers at
the table, who read codes only."""

import datetime
import html
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import AgendaItem, CaseMeeting, Decision, Meeting, Offer, Signal, Vote, VoteRecord
from referrals import services as referral_services
from referrals.models import ExceptionRequest
from referrals.workflow import Status
from woonkans import cases, events
from woonkans.accounts.roles import Role

from ..confirming import asks, post_confirmed
from ..pdftext import pdf_text
from ..referrals.conftest import VALID_BSN, make_ready
from .conftest import make_matched, make_profile, make_shared, org

pytestmark = pytest.mark.django_db

CHAIR_ORG = "Ketenregie Noord-Limburg"
# The chair's page of an empty meeting, whatever the region's open offers and signals: the agenda's votes,
# vote records and decisions are read by meeting (3 queries) with an empty agenda too (read_agenda).
QUERIES_WITH_OPEN_SUBJECTS = 16  # the session write is one UPDATE (accounts/sessions.py)


def action(client, meeting, name, data):
    # The irreversible actions (a decision, a correction, finishing) pass their confirmation page.
    return post_confirmed(
        client, reverse("matching:meeting_action", kwargs={"meeting_id": meeting.pk, "action": name}), data
    )


def page(client, meeting):
    return html.unescape(client.get(reverse("matching:meeting", kwargs={"meeting_id": meeting.pk})).content.decode())


def minutes(client, meeting):
    response = client.get(reverse("matching:meeting_pdf", kwargs={"meeting_id": meeting.pk, "document": "verslag"}))
    assert response.status_code == 200
    return " ".join(pdf_text(response.content).split())


def exception_item(people, consultant="venlo", chair="noord", **research):
    referral = make_ready(people[consultant], **(research or {"status_holder": True}))
    request = referral_services.request_exception(
        actor=people[consultant], referral=referral, motivation="Woont al jaren in de regio en heeft hier werk."
    )
    meeting = services.create_meeting(actor=people[chair], region=referral.region, date=timezone.localdate())
    item = services.add_agenda_item(actor=people[chair], meeting=meeting, kind="exception", exception_request=request)
    return referral, meeting, item


def present(people, meeting, *names):
    for name in names:
        services.check_in(actor=people["noord"], meeting=meeting, organisation=org(name))


def decide(client, meeting, item, text):
    return action(client, meeting, "besluit", {"item": item.pk, "decision": text})


# ---- quorum, outcome, motivation ----


def test_no_decision_without_an_organisation_besides_the_chairs(client, signed_in, people):
    referral, meeting, item = exception_item(people)
    signed_in(people["noord"])
    assert decide(client, meeting, item, "Besproken.").status_code == 400
    present(people, meeting, CHAIR_ORG)
    services.record_vote(actor=people["noord"], item=item, organisation=org(CHAIR_ORG), choice="for")
    response = decide(client, meeting, item, "Besproken.")
    assert response.status_code == 400
    assert "ten minste één andere organisatie" in html.unescape(response.content.decode())
    assert not Decision.objects.exists()
    referral.refresh_from_db()
    assert referral.status == Status.EXCEPTION_REQUESTED


def test_the_motivation_is_required_and_typed_text_is_kept(client, signed_in, people):
    _referral, meeting, item = exception_item(people)
    present(people, meeting, "Gemeente Venlo", "Woonwenz")
    signed_in(people["noord"])
    response = decide(client, meeting, item, "   ")
    assert response.status_code == 400 and "Geef de motivering" in html.unescape(response.content.decode())
    url = reverse("matching:meeting_action", kwargs={"meeting_id": meeting.pk, "action": "besluit"})
    data = {"item": item.pk, "decision": "Goede redenen genoemd."}
    response = client.post(url, data)  # not yet confirmed: the confirmation page, nothing recorded
    assert asks(response)
    body = html.unescape(response.content.decode())
    assert "Besluit vastleggen" in body and "Goede redenen genoemd." in body and "Woonwenz" in body
    assert not Decision.objects.exists()
    # "Terug": the meeting page again, with the motivation as typed.
    back = html.unescape(client.post(url, {**data, "confirm_back": "1"}).content.decode())
    assert "Goede redenen genoemd.</textarea>" in back and not Decision.objects.exists()


def test_a_text_that_claims_the_opposite_outcome_is_refused(client, signed_in, people):
    referral, meeting, item = exception_item(people)
    present(people, meeting, "Gemeente Venlo", "Woonwenz", "Moveoo")
    for name, choice in (("Gemeente Venlo", "for"), ("Woonwenz", "against"), ("Moveoo", "against")):
        services.record_vote(actor=people["noord"], item=item, organisation=org(name), choice=choice)
    signed_in(people["noord"])
    response = decide(client, meeting, item, "Uitzondering toegekend.")
    assert response.status_code == 400
    assert "spreekt de uitkomst van de stemming tegen" in html.unescape(response.content.decode())
    assert not Decision.objects.exists()
    assert decide(client, meeting, item, "De werkrelatie in de regio weegt niet zwaar genoeg.").status_code == 302
    decision = Decision.objects.get()
    assert (decision.outcome, decision.votes_for, decision.present) == ("refused", 1, 3)
    assert "Afgewezen: 1 van 3 aanwezige organisaties stemden voor" in page(client, meeting)
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED


def test_a_tie_is_not_a_majority_and_the_system_states_the_outcome(client, signed_in, people):
    _referral, meeting, item = exception_item(people)
    present(people, meeting, "Gemeente Venlo", "Woonwenz")
    services.record_vote(actor=people["noord"], item=item, organisation=org("Gemeente Venlo"), choice="for")
    services.record_vote(actor=people["noord"], item=item, organisation=org("Woonwenz"), choice="against")
    signed_in(people["noord"])
    assert "1 van 2 aanwezige organisaties voor; als nu besloten wordt: afgewezen" in page(client, meeting)


# ---- votes ----


def test_no_vote_after_the_decision_and_no_vote_without_attendance(client, signed_in, people):
    _referral, meeting, item = exception_item(people)
    signed_in(people["woonwenz"])
    response = action(client, meeting, "eigen-stem", {"item": item.pk, "choice": "for"})
    assert response.status_code == 400 and "meld de organisatie eerst aan" in html.unescape(response.content.decode())
    present(people, meeting, "Gemeente Venlo", "Woonwenz")
    assert action(client, meeting, "eigen-stem", {"item": item.pk, "choice": "for"}).status_code == 302
    services.decide_item(actor=people["noord"], item=item, decision="De motivering is overtuigend.")
    response = action(client, meeting, "eigen-stem", {"item": item.pk, "choice": "against"})
    assert response.status_code == 400 and "al besloten" in html.unescape(response.content.decode())
    assert Vote.objects.get(item=item).choice == "for"
    assert VoteRecord.objects.filter(item=item).count() == 1


def test_a_changed_vote_is_kept_with_time_and_organisation(client, signed_in, people):
    _referral, meeting, item = exception_item(people)
    signed_in(people["woonwenz"])
    assert action(client, meeting, "eigen-aanwezigheid", {"present": "1"}).status_code == 302
    present(people, meeting, "Gemeente Venlo")
    action(client, meeting, "eigen-stem", {"item": item.pk, "choice": "for"})
    action(client, meeting, "eigen-stem", {"item": item.pk, "choice": "against"})
    records = list(VoteRecord.objects.filter(item=item).values_list("organisation__name", "previous_choice", "choice"))
    assert records == [("Woonwenz", "", "for"), ("Woonwenz", "for", "against")]
    assert Vote.objects.get(item=item).choice == "against"
    assert "Woonwenz voor → tegen" in page(client, meeting)
    with pytest.raises(Exception, match="kept"):
        VoteRecord.objects.first().delete()
    # A corporation votes for itself only; an organisation that voted stays on the attendance list.
    assert (
        action(
            client, meeting, "stem", {"item": item.pk, "organisation": org("Gemeente Venlo").pk, "choice": "for"}
        ).status_code
        == 404
    )
    response = action(client, meeting, "eigen-aanwezigheid", {"present": "0"})
    assert response.status_code == 302
    assert meeting.attendances.filter(organisation=org("Woonwenz")).exists()


# ---- corrections ----


def test_a_decision_is_corrected_by_a_new_one_that_names_it(client, signed_in, people):
    _referral, meeting, item = exception_item(people)
    present(people, meeting, "Gemeente Venlo", "Woonwenz", "Moveoo")
    for name in ("Gemeente Venlo", "Woonwenz"):
        services.record_vote(actor=people["noord"], item=item, organisation=org(name), choice="for")
    signed_in(people["noord"])
    decide(client, meeting, item, "Het netwerk in Venlo is sterk.")
    first = Decision.objects.get()
    response = action(client, meeting, "correctie", {"item": item.pk, "decision": "Werk en netwerk."})
    assert response.status_code == 400 and "reden van de correctie" in html.unescape(response.content.decode())
    response = action(
        client,
        meeting,
        "correctie",
        {"item": item.pk, "decision": "Het verzoek is afgewezen.", "reason": "Tikfout"},
    )
    assert response.status_code == 400  # the outcome stays what the votes gave
    action(
        client,
        meeting,
        "correctie",
        {
            "item": item.pk,
            "decision": "Werk en netwerk in de regio.",
            "reason": "Onvolledig genoteerd",
        },
    )
    correction = Decision.objects.exclude(pk=first.pk).get()
    assert (
        correction.corrects == first and correction.outcome == "granted" and correction.reason == "Onvolledig genoteerd"
    )
    assert Decision.objects.get(pk=first.pk).text == "Het netwerk in Venlo is sterk."
    shown = page(client, meeting)
    assert "Het netwerk in Venlo is sterk." in shown and "Werk en netwerk in de regio." in shown
    assert "Onvolledig genoteerd" in shown and "op het besluit van" in shown
    text = minutes(client, meeting)
    assert "Onvolledig genoteerd" in text and "Het netwerk in Venlo is sterk." in text


# ---- the table: who sees the meeting, with codes only ----


def test_corporations_and_providers_at_the_table_read_codes_never_identity(client, signed_in, people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    meeting = services.create_meeting(actor=people["noord"], region=profile.region, date=timezone.localdate())
    services.add_agenda_item(actor=people["noord"], meeting=meeting, kind="profile", profile=profile)
    # A request from before the scan existed, whose text names the resident: not shown at the table.
    referral = make_ready(people["venlo"], bsn="123456782", status_holder=True)
    referral_services.request_exception(actor=people["venlo"], referral=referral, motivation="Lang in de regio.")
    legacy = ExceptionRequest.objects.get(referral=referral)
    ExceptionRequest.objects.filter(pk=legacy.pk).update(
        scanned=False, motivation=f"Jan Jansen (BSN {VALID_BSN}), Kerkstraat 1 Venlo"
    )
    services.add_agenda_item(actor=people["noord"], meeting=meeting, kind="exception", exception_request=legacy)
    # The provider has no case in Noord yet: it sees the meeting once the chair checks it in.
    signed_in(people["moveoo"])
    assert client.get(reverse("matching:meeting", kwargs={"meeting_id": meeting.pk})).status_code == 404
    present(people, meeting, "Moveoo")
    for user in ("woonwenz", "moveoo"):
        signed_in(people[user])
        assert client.get(reverse("matching:meetings")).status_code == 200
        shown = page(client, meeting)
        assert profile.code in shown
        for identity in ("Jansen", VALID_BSN, "Kerkstraat", "Gemeente Venlo"):
            assert identity not in shown
        text = minutes(client, meeting)
        assert profile.code in text and "Jansen" not in text and VALID_BSN not in text


def test_a_motivation_naming_the_resident_is_refused(people):
    referral = make_ready(people["venlo"], status_holder=True)
    with pytest.raises(ValidationError, match="anoniem"):
        referral_services.request_exception(
            actor=people["venlo"], referral=referral, motivation="Jan Jansen woont hier."
        )


def test_parties_of_another_region_and_other_roles_get_404(client, signed_in, people, make_user):
    _referral, meeting, _item = exception_item(people)
    outsiders = {
        "wonenzuid": make_user(Role.CORPORATION, "Wonen Zuid"),
        "werkgroep": people["werkgroep_venlo"],
        "consultant": people["venlo"],
        "midden": people["midden"],
    }
    for user in outsiders.values():
        signed_in(user)
        assert client.get(reverse("matching:meeting", kwargs={"meeting_id": meeting.pk})).status_code == 404
        pdf = reverse("matching:meeting_pdf", kwargs={"meeting_id": meeting.pk, "document": "verslag"})
        assert client.get(pdf).status_code == 404
        assert action(client, meeting, "eigen-aanwezigheid", {"present": "1"}).status_code == 404
    signed_in(outsiders["wonenzuid"])
    assert (
        reverse("matching:meeting", kwargs={"meeting_id": meeting.pk})
        not in client.get(reverse("matching:meetings")).content.decode()
    )
    # A corporation at the table reads, but does not run the meeting.
    signed_in(people["woonwenz"])
    assert decide(client, meeting, _item, "Besproken.").status_code == 404


def test_attendance_is_picked_by_kind_among_the_regions_parties(client, signed_in, people):
    _referral, meeting, _item = exception_item(people)
    signed_in(people["noord"])
    shown = page(client, meeting)
    for legend in ("Gemeenten", "Corporaties", "Zorgaanbieders", "Regisseurs"):
        assert legend in shown
    assert "Gemeente Venray" in shown and "Wonen Limburg" in shown  # stock in Venray
    assert "Gemeente Roermond" not in shown and "Wonen Zuid" not in shown and "ZOwonen" not in shown
    response = action(client, meeting, "aanwezigheid", {"organisations": [org("Gemeente Roermond").pk]})
    assert response.status_code == 400 and not meeting.attendances.exists()


# ---- the agenda, typed by its subject ----


def test_an_offer_item_takes_only_an_open_offer(client, signed_in, people):
    offered = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    share = offered.shares.get()
    services.respond_to_profile(
        actor=people["woonwenz"],
        share=share,
        response="offer",
        offer={
            "dwelling_address": "Maasstraat 3",
            "dwelling_type": "Appartement",
            "rent_cents": 60000,
            "available_from": timezone.localdate(),
        },
    )
    bare = make_profile(people["noord"], people["venlo"], bsn="123456782")
    meeting = services.create_meeting(actor=people["noord"], region=offered.region, date=timezone.localdate())
    signed_in(people["noord"])
    shown = page(client, meeting)
    assert "offer:" not in shown and offered.code not in shown  # typed, not listed
    response = action(client, meeting, "agendapunt", {"kind": "offer", "profile_code": bare.code})
    assert response.status_code == 400 and not AgendaItem.objects.exists()
    with pytest.raises(ValidationError, match="openstaand aanbod"):
        services.add_agenda_item(actor=people["noord"], meeting=meeting, kind="offer", profile=bare)
    assert action(client, meeting, "agendapunt", {"kind": "offer", "profile_code": offered.code}).status_code == 302
    item = AgendaItem.objects.get()
    assert item.kind == "offer" and item.profile_id == offered.pk and "Maasstraat" not in item.title


def test_exception_requests_go_on_the_agenda_by_number_in_both_regions(client, signed_in, people):
    requests, meetings = [], []
    for consultant, chair in (("venlo", "noord"), ("roermond", "midden")):
        referral = make_ready(people[consultant], status_holder=True)
        requests.append(
            referral_services.request_exception(actor=people[consultant], referral=referral, motivation="Reden.")
        )
        meetings.append(services.create_meeting(actor=people[chair], region=referral.region, date=timezone.localdate()))
    for chair, meeting, own, other in (
        ("noord", meetings[0], requests[0], requests[1]),
        ("midden", meetings[1], requests[1], requests[0]),
    ):
        signed_in(people[chair])
        assert own.number not in page(client, meeting)  # typed, not listed
        refused = action(client, meeting, "agendapunt", {"kind": "exception", "profile_code": other.number})
        assert refused.status_code == 400
        assert "Geen open uitzonderingsverzoek met dit nummer in de regio." in html.unescape(refused.content.decode())
        added = action(client, meeting, "agendapunt", {"kind": "exception", "profile_code": own.number.lower()})
        assert added.status_code == 302
        assert AgendaItem.objects.get(meeting=meeting).exception_request_id == own.pk


def test_an_incidental_exclusion_is_requested_with_a_reason_and_voted(client, signed_in, people):
    referral = make_ready(people["venlo"])  # meets every criterion
    signed_in(people["venlo"])
    client.post(
        reverse("referrals:exception", kwargs={"referral_id": referral.pk}), {"motivation": "Woont al zelfstandig."}
    )
    request = ExceptionRequest.objects.get(referral=referral)
    assert request.kind == "exclusion" and request.failed_conditions == []
    meeting = services.create_meeting(actor=people["noord"], region=referral.region, date=timezone.localdate())
    signed_in(people["noord"])
    action(client, meeting, "agendapunt", {"kind": "exception", "profile_code": request.number})
    item = AgendaItem.objects.get(meeting=meeting)
    assert "Incidentele uitsluiting" in item.title
    present(people, meeting, "Gemeente Venlo", "Woonwenz", "Antares")
    for name in ("Gemeente Venlo", "Woonwenz"):
        services.record_vote(actor=people["noord"], item=item, organisation=org(name), choice="for")
    assert decide(client, meeting, item, "Niet passend binnen Woonkans.").status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED and not referral.exception_granted


def test_a_meeting_is_held_only_on_or_after_its_date_and_never_planned_in_the_past(client, signed_in, people):
    signed_in(people["noord"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(reverse("matching:meetings"), {"date": yesterday.isoformat()})
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "verleden" in html.unescape(response.content.decode())
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client.post(reverse("matching:meetings"), {"date": tomorrow.isoformat()})
    meeting = Meeting.objects.get()
    response = action(client, meeting, "afgerond", {"notes": ""})
    assert response.status_code == 400 and "op of na de datum" in html.unescape(response.content.decode())
    assert not Meeting.objects.get().held


# ---- claims at the overleg (woonkans.events / woonkans.cases) ----


@pytest.fixture
def fake_fund(monkeypatch):
    """A stand-in for the fund's claims_for_agenda provider, and a recorder of what matching publishes."""
    waiting = []
    heard = []

    def provider(region_id):
        return [claim for region, claim in waiting if region == region_id]

    monkeypatch.setattr(cases, "_CLAIMS_FOR_AGENDA", [provider])
    subscribers = dict(events._SUBSCRIBERS)
    events.subscribe(events.ClaimDiscussed, heard.append)
    events.subscribe(events.ClaimDeviationVoted, heard.append)
    yield waiting, heard
    events._SUBSCRIBERS.clear()
    events._SUBSCRIBERS.update(subscribers)


def test_claims_go_on_the_agenda_and_their_discussion_and_vote_go_back(
    client, signed_in, people, fake_fund, django_capture_on_commit_callbacks
):
    waiting, heard = fake_fund
    profile = make_profile(people["noord"], people["venlo"])
    region = profile.region
    meeting = services.create_meeting(actor=people["noord"], region=region, date=timezone.localdate())
    claim_id = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(
            events.ClaimFiled(claim_id=claim_id, profile_id=profile.pk, region_id=region.pk, code=profile.code)
        )
        events.publish(
            events.ClaimDeviationRequested(
                claim_id=claim_id,
                deviation_id=7,
                profile_id=profile.pk,
                region_id=region.pk,
                code=profile.code,
                summary="Borg niet verrekend",
            )
        )
    claim_item = AgendaItem.objects.get(meeting=meeting, kind="claim")
    deviation_item = AgendaItem.objects.get(meeting=meeting, kind="claim_deviation")
    assert claim_item.claim_id == claim_id and (deviation_item.claim_id, deviation_item.deviation_id) == (claim_id, 7)
    # The chair's picker lists only what the fund says awaits the overleg, by purpose.
    other = uuid.uuid4()
    waiting.append(
        (
            region.pk,
            cases.ClaimForAgenda(
                claim_id=other,
                profile_id=profile.pk,
                code=profile.code,
                filed_on=None,
                claimed_cents=1,
                purpose="discussion",
            ),
        )
    )
    signed_in(people["noord"])
    shown = page(client, meeting)
    assert f"claim:{other}" in shown and f"deviation:{other}" not in shown
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            action(
                client, meeting, "bespreking", {"item": claim_item.pk, "discussion": "Borg is verrekend."}
            ).status_code
            == 302
        )
        present(people, meeting, "Gemeente Venlo", "Woonwenz", "Moveoo")
        for name in ("Gemeente Venlo", "Woonwenz"):
            services.record_vote(actor=people["noord"], item=deviation_item, organisation=org(name), choice="for")
        assert decide(client, meeting, deviation_item, "Onevenredige gevolgen voor de corporatie.").status_code == 302
    discussed = [event for event in heard if isinstance(event, events.ClaimDiscussed)]
    voted = [event for event in heard if isinstance(event, events.ClaimDeviationVoted)]
    assert [(e.claim_id, e.item_id) for e in discussed] == [(claim_id, claim_item.pk)]
    assert [(e.claim_id, e.deviation_id, e.consented, e.votes_for, e.present) for e in voted] == [
        (claim_id, 7, True, 2, 3)
    ]
    assert "Borg is verrekend." in minutes(client, meeting)
    response = decide(client, meeting, claim_item, "Besproken.")
    assert response.status_code == 400 and "garantiefonds" in html.unescape(response.content.decode())


# ---- the cost of the pages ----


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize("viewer", ["noord", "woonwenz"])
def test_meeting_pages_do_not_grow_in_queries(client, signed_in, people, rows, viewer, django_assert_max_num_queries):
    _referral, meeting, item = exception_item(people)
    present(people, meeting, "Gemeente Venlo", "Woonwenz")
    services.record_vote(actor=people["noord"], item=item, organisation=org("Woonwenz"), choice="for")
    services.record_vote(actor=people["noord"], item=item, organisation=org("Woonwenz"), choice="against")
    profile = make_profile(people["noord"], people["venlo"], bsn="123456782")
    for _number in range(rows):
        services.add_agenda_item(actor=people["noord"], meeting=meeting, kind="profile", profile=profile)
        Meeting.objects.create(region=meeting.region, date=meeting.date, chair=people["noord"])
    signed_in(people[viewer])
    # 24 for the chair: two of them are the fund's answer to "which claims await the overleg" (woonkans.cases).
    with django_assert_max_num_queries(24):
        assert client.get(reverse("matching:meeting", kwargs={"meeting_id": meeting.pk})).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("matching:meetings")).status_code == 200


def test_a_withdrawn_case_leaves_the_agenda_with_its_votes(people):
    referral, meeting, item = exception_item(people)
    present(people, meeting, "Gemeente Venlo", "Woonwenz")
    services.record_vote(actor=people["noord"], item=item, organisation=org("Woonwenz"), choice="for")
    referral_services.withdraw_referral(actor=people["venlo"], referral=referral, reason="De inwoner ziet ervan af.")
    assert not AgendaItem.objects.filter(pk=item.pk).exists() and not VoteRecord.objects.exists()


def test_a_profile_goes_on_the_agenda_by_its_code_not_from_a_list(client, signed_in, people):
    own = make_profile(people["noord"], people["venlo"])
    elsewhere = make_profile(people["midden"], people["roermond"], bsn="123456782")
    meeting = services.create_meeting(actor=people["noord"], region=own.region, date=timezone.localdate())
    signed_in(people["noord"])
    shown = page(client, meeting)
    # The region's open profiles are not rendered as options: the page does not grow with the cases.
    assert 'value="profile:' not in shown and own.code not in shown
    assert 'name="profile_code"' in shown and "Profielcode" in shown
    response = action(client, meeting, "agendapunt", {"kind": "profile", "profile_code": elsewhere.code})
    assert response.status_code == 400 and not AgendaItem.objects.exists()
    refused = html.unescape(response.content.decode())
    assert "Geen open profiel met deze code in de regio." in refused
    assert elsewhere.code in refused  # what was typed survives the refusal
    response = action(client, meeting, "agendapunt", {"kind": "profile", "profile_code": "", "subject": ""})
    assert response.status_code == 400 and "Typ een code of kies een claim." in response.content.decode()
    assert (
        action(client, meeting, "agendapunt", {"kind": "profile", "profile_code": f" {own.code.lower()} "}).status_code
        == 302
    )
    item = AgendaItem.objects.get()
    assert item.kind == "profile" and item.profile_id == own.pk


# ---- offers, signals and exception requests by their code (not listed: they grow with the cases) ----

OFFER = {"dwelling_address": "Maasstraat 3", "dwelling_type": "Appartement", "rent_cents": 60000}


def offer_on(people, profile, corporation, user):
    share = profile.shares.get(corporation=org(corporation))
    services.respond_to_profile(
        actor=people[user], share=share, response="offer", offer={**OFFER, "available_from": timezone.localdate()}
    )
    return share.offers.get()


def signal_on(people, profile, **kwargs):
    return Signal.objects.create(
        profile=profile,
        kind="support_stalls",
        text="Stagneert.",
        raised_by=people["woonwenz"],
        organisation=org("Woonwenz"),
        **kwargs,
    )


def refused_next_to(response, field, message, typed):
    """The refusal is a 400 with the message in the field's own error list and the typed value kept."""
    assert response.status_code == 400
    shown = html.unescape(response.content.decode())
    errors = shown.split(f'id="id_{field}_error"', 1)
    assert len(errors) == 2 and message in errors[1].split("</", 1)[0], shown[-3000:]
    assert f'value="{typed}"' in shown


def test_an_offer_goes_on_the_agenda_by_its_profiles_code_and_corporation(client, signed_in, people):
    both = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    woonwenz = offer_on(people, both, "Woonwenz", "woonwenz")
    offer_on(people, both, "Antares", "antares")
    elsewhere = make_shared(people["midden"], people["roermond"], ["Wonen Limburg"], bsn="123456782")
    offer_on(people, elsewhere, "Wonen Limburg", "wonenlimburg")
    meeting = services.create_meeting(actor=people["noord"], region=both.region, date=timezone.localdate())
    signed_in(people["noord"])
    assert both.code not in page(client, meeting)
    message = "Geen openstaand aanbod op een profiel met deze code in de regio."
    for code in (elsewhere.code, "WK-N-ONBEKND"):
        response = action(client, meeting, "agendapunt", {"kind": "offer", "profile_code": code})
        refused_next_to(response, "profile_code", message, code)
    # Two corporations offer on this profile: the chair names the corporation, next to its field.
    response = action(client, meeting, "agendapunt", {"kind": "offer", "profile_code": both.code})
    refused_next_to(response, "corporation", "Meer corporaties bieden op dit profiel aan", both.code)
    assert not AgendaItem.objects.exists()
    data = {"kind": "offer", "profile_code": both.code, "corporation": org("Woonwenz").pk}
    assert action(client, meeting, "agendapunt", data).status_code == 302
    assert AgendaItem.objects.get().offer_id == woonwenz.pk
    # Matched: the offer is no longer open, refused like an unknown code.
    type(both).objects.filter(pk=both.pk).update(status="matched")
    response = action(client, meeting, "agendapunt", {**data, "corporation": org("Antares").pk})
    refused_next_to(response, "profile_code", message, both.code)


def test_a_signal_goes_on_the_agenda_by_its_profiles_code(client, signed_in, people):
    profile = make_matched(people)
    elsewhere = make_profile(people["midden"], people["roermond"], bsn="123456782")
    signal = signal_on(people, profile)
    signal_on(people, elsewhere)
    meeting = services.create_meeting(actor=people["noord"], region=profile.region, date=timezone.localdate())
    signed_in(people["noord"])
    assert profile.code not in page(client, meeting)
    message = "Geen open signaal op een profiel met deze code in de regio."
    response = action(client, meeting, "agendapunt", {"kind": "signal", "profile_code": elsewhere.code})
    refused_next_to(response, "profile_code", message, elsewhere.code)
    assert action(client, meeting, "agendapunt", {"kind": "signal", "profile_code": profile.code}).status_code == 302
    assert AgendaItem.objects.get().signal_id == signal.pk
    # Its casusoverleg was held: no longer open.
    CaseMeeting.objects.create(profile=profile, signal=signal, status="held")
    other = services.create_meeting(actor=people["noord"], region=profile.region, date=timezone.localdate())
    response = action(client, other, "agendapunt", {"kind": "signal", "profile_code": profile.code})
    refused_next_to(response, "profile_code", message, profile.code)


def test_a_decided_exception_request_is_refused_by_its_number(client, signed_in, people):
    referral, _meeting, _item = exception_item(people)
    request = ExceptionRequest.objects.get(referral=referral)
    ExceptionRequest.objects.filter(pk=request.pk).update(decision="refused")
    meeting = services.create_meeting(actor=people["noord"], region=referral.region, date=timezone.localdate())
    signed_in(people["noord"])
    response = action(client, meeting, "agendapunt", {"kind": "exception", "profile_code": request.number})
    message = "Geen open uitzonderingsverzoek met dit nummer in de regio."
    refused_next_to(response, "profile_code", message, request.number)
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_chairs_page_costs_the_same_with_5_or_50_open_offers_and_signals(
    client, signed_in, people, rows, django_assert_num_queries
):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    offer = offer_on(people, profile, "Woonwenz", "woonwenz")
    Offer.objects.bulk_create(
        [
            Offer(share=offer.share, created_by=offer.created_by, available_from=offer.available_from, **OFFER)
            for _row in range(rows - 1)
        ]
    )
    for _row in range(rows):
        signal_on(people, profile)
    meeting = services.create_meeting(actor=people["noord"], region=profile.region, date=timezone.localdate())
    signed_in(people["noord"])
    url = reverse("matching:meeting", kwargs={"meeting_id": meeting.pk})
    # The same number at 5 and 50 (pinned, not a ceiling): nothing on the page is a row per open subject.
    # SQLite reads the signed-in user's roles with a prefetch of their own (woonkans.accounts.backends).
    with django_assert_num_queries(QUERIES_WITH_OPEN_SUBJECTS + (connection.vendor != "postgresql")):
        shown = client.get(url).content.decode()
    assert shown.count("<option") < 20


def test_a_meeting_page_runs_the_same_queries_with_an_empty_or_a_full_agenda(client, signed_in, people):
    """prefetch_related skipped its three queries for an empty agenda: the benchmark's procesregisseur page
    counted 8 / 8 / 11 queries as its first linked meeting had no items at 1 000 and 10 000 cases."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _referral, full, item = exception_item(people, consultant="roermond", chair="midden")
    for name in ("Gemeente Roermond", "Wonen Limburg"):
        services.check_in(actor=people["midden"], meeting=full, organisation=org(name))
    services.record_vote(actor=people["midden"], item=item, organisation=org("Wonen Limburg"), choice="for")
    empty = services.create_meeting(actor=people["midden"], region=full.region, date=full.date)
    signed_in(people["proces_midden"])
    client.get(reverse("matching:meetings"))  # the session's first page pays once for what it caches
    counts = []
    for meeting in (empty, full, empty):
        with CaptureQueriesContext(connection) as queries:
            shown = client.get(reverse("matching:meeting", kwargs={"meeting_id": meeting.pk}))
        assert shown.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts
    assert "Wonen Limburg: voor" in html.unescape(page(client, full))
