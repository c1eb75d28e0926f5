"""After-care as the agreement says (SOK art. 6.1, 8.1–8.4, 10.3–10.4), tried through the pages.

Signals about another party go to the casusregisseur, who reports back; the chair records a held
casusoverleg or that none is needed. Each party changes its own fixed contacts. The chair replaces
the care provider, effective when the new one accepts; the warm handover is accepted or refused by
the receiving chair. Access moves only on acceptance, through the disclosure policy.
"""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import get_perms

from matching import services
from matching.models import CaseMeeting, Handover, HandshakeStatus, Match, ProviderChange, Signal
from monitoring.models import CaseFact
from referrals.models import EventKind, ReferralEvent
from woonkans.accounts.roles import Role
from woonkans.privacy.disclosure import reconcile

from .. import plans
from .conftest import make_matched, org

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def housed(people):
    profile = make_matched(people)
    services.record_housing(actor=people["noord"], profile=profile, lease_signed_on=TODAY())
    profile.refresh_from_db()
    return profile


def trajectory_url(profile):
    return reverse("matching:trajectory", kwargs={"profile_id": profile.pk})


def signal_post(about, kind="situation_changed", text="Zorgen over de begeleiding."):
    return {"signaal": "", "about": about.pk, "kind": kind, "text": text}


def raise_signal(people, profile, who="woonwenz", about="Moveoo"):
    return services.raise_signal(
        actor=people[who], profile=profile, kind="situation_changed", text="Zorgen.", about=org(about)
    )


# --- signals (art. 8.3) ---------------------------------------------------------------------------


def test_a_provider_cannot_raise_a_signal_about_itself(client, signed_in, people, housed):
    signed_in(people["moveoo"])
    page = client.get(trajectory_url(housed)).content.decode()
    # Only the other parties are offered.
    assert f'<option value="{org("Moveoo").pk}"' not in page
    assert f'<option value="{org("Woonwenz").pk}"' in page
    response = client.post(trajectory_url(housed), signal_post(org("Moveoo"), text="Ik meld mezelf."))
    assert response.status_code == 200
    assert "Je kunt geen signaal melden over je eigen organisatie." in response.content.decode()
    assert "Ik meld mezelf." in response.content.decode()  # nothing typed is lost
    assert not Signal.objects.filter(profile=housed).exists()
    with pytest.raises(ValidationError):
        services.raise_signal(
            actor=people["moveoo"], profile=housed, kind="situation_changed", text="x", about=org("Moveoo")
        )


def test_underperformance_is_only_signalled_about_the_provider(client, signed_in, people, housed):
    signed_in(people["moveoo"])
    response = client.post(trajectory_url(housed), signal_post(org("Woonwenz"), kind="provider_underperforms"))
    assert response.status_code == 200
    assert "gaat over de zorgaanbieder" in response.content.decode()
    assert not Signal.objects.filter(profile=housed).exists()


@pytest.mark.parametrize("who", ["antares", "leger", "venray", "midden"])
def test_a_party_not_of_the_case_cannot_raise_one(client, signed_in, people, housed, who):
    signed_in(people[who])
    response = client.post(trajectory_url(housed), signal_post(org("Moveoo")))
    assert response.status_code == 404
    assert not Signal.objects.filter(profile=housed).exists()
    with pytest.raises(PermissionDenied):
        raise_signal(people, housed, who=who)


def test_a_signal_goes_to_the_casusregisseur_not_the_chair(
    client, signed_in, people, housed, django_capture_on_commit_callbacks
):
    signed_in(people["woonwenz"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            trajectory_url(housed),
            signal_post(org("Moveoo"), kind="provider_underperforms", text="Begeleiding komt niet."),
        )
    assert response.status_code == 302
    signal = Signal.objects.get(profile=housed)
    assert signal.organisation == org("Woonwenz") and signal.about == org("Moveoo")
    assert signal.case_meeting.status == CaseMeeting.Status.REQUESTED
    recipients = [message.to[0] for message in mail.outbox]
    assert recipients == ["venlo@example.org"]  # the case's Wmo-consultant; not noord, not venray
    assert "Begeleiding" not in mail.outbox[0].body and trajectory_url(housed) in mail.outbox[0].body
    assert ReferralEvent.objects.filter(referral=housed.referral, kind=EventKind.SIGNAL_RAISED).exists()


def test_the_municipality_raises_a_signal_too(client, signed_in, people, housed):
    signed_in(people["venlo"])
    response = client.post(trajectory_url(housed), signal_post(org("Woonwenz"), text="Huur niet betaald."))
    assert response.status_code == 302
    signal = Signal.objects.get(profile=housed)
    assert signal.organisation == org("Gemeente Venlo") and signal.about == org("Woonwenz")
    response = client.post(trajectory_url(housed), signal_post(org("Gemeente Venlo")))
    assert "Je kunt geen signaal melden over je eigen organisatie." in response.content.decode()
    assert Signal.objects.filter(profile=housed).count() == 1


def test_the_casusregisseur_reports_back_and_the_raiser_reads_it(
    client, signed_in, people, housed, django_capture_on_commit_callbacks
):
    meeting = raise_signal(people, housed)
    url = reverse("matching:signal_report_back", kwargs={"profile_id": housed.pk, "case_meeting_id": meeting.pk})
    signed_in(people["venlo"])
    assert url in client.get(trajectory_url(housed)).content.decode()
    assert client.post(url, {"report_back": ""}).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"report_back": "Besproken in het accountoverleg met Moveoo."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.reported_back_by == people["venlo"] and meeting.reported_back_at is not None
    assert [message.to[0] for message in mail.outbox] == ["woonwenz@example.org"]
    assert "accountoverleg" not in mail.outbox[0].body
    signed_in(people["woonwenz"])
    assert "Besproken in het accountoverleg met Moveoo." in client.get(trajectory_url(housed)).content.decode()
    # Nobody else reports back: another municipality, the raiser, the provider.
    for who in ("venray", "woonwenz", "moveoo", "proces_midden"):
        signed_in(people[who])
        assert client.post(url, {"report_back": "Ander verhaal."}).status_code == 404, who
    meeting.refresh_from_db()
    assert meeting.report_back == "Besproken in het accountoverleg met Moveoo."


# --- the chair's decision (art. 8.4) --------------------------------------------------------------


def meeting_url(meeting):
    return reverse("matching:case_meeting", kwargs={"profile_id": meeting.profile_id, "case_meeting_id": meeting.pk})


def test_no_case_meeting_needs_a_reason(client, signed_in, people, housed):
    meeting = raise_signal(people, housed)
    signed_in(people["noord"])
    response = client.post(meeting_url(meeting), {"geen": "", "reason": ""})
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.status == CaseMeeting.Status.REQUESTED
    response = client.post(meeting_url(meeting), {"geen": "", "reason": "De wijkcoach pakt het al op."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == CaseMeeting.Status.NOT_NEEDED
    assert meeting.not_needed_reason == "De wijkcoach pakt het al op."
    assert "Geen casusoverleg nodig" in client.get(meeting_url(meeting)).content.decode()
    with pytest.raises(ValidationError):  # decided: it is not planned any more
        services.plan_case_meeting(actor=people["noord"], case_meeting=meeting, planned_on=TODAY())


def test_only_the_chair_decides_there_is_no_case_meeting(people, housed):
    meeting = raise_signal(people, housed)
    for who in ("venlo", "woonwenz", "midden"):
        with pytest.raises(PermissionDenied):
            services.record_no_case_meeting(actor=people[who], case_meeting=meeting, reason="Niet nodig.")
    assert CaseMeeting.objects.get(pk=meeting.pk).status == CaseMeeting.Status.REQUESTED


def test_a_held_case_meeting_has_a_date_participants_and_outcome(client, signed_in, people, housed):
    meeting = raise_signal(people, housed)
    signed_in(people["noord"])
    future = (TODAY() + datetime.timedelta(days=2)).isoformat()
    response = client.post(meeting_url(meeting), {"uitkomst": "", "held_on": future, "participants": "", "outcome": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "niet in de toekomst" in page
    assert CaseMeeting.objects.get(pk=meeting.pk).status == CaseMeeting.Status.REQUESTED
    response = client.post(
        meeting_url(meeting),
        {
            "uitkomst": "",
            "held_on": TODAY().isoformat(),
            "participants": "Woonwenz, Moveoo, Gemeente Venlo, de inwoner",
            "outcome": "",
        },
    )
    assert response.status_code == 200  # the outcome is required
    data = {"held_on": TODAY().isoformat(), "participants": "Woonwenz, Moveoo", "outcome": "Extra begeleiding."}
    assert client.post(meeting_url(meeting), {"uitkomst": "", **data}).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_on, meeting.participants) == ("held", TODAY(), "Woonwenz, Moveoo")


def test_the_chair_sees_open_signals_on_the_after_care_page(client, signed_in, people, housed):
    raise_signal(people, housed)
    signed_in(people["noord"])
    page = client.get(reverse("matching:aftercare")).content.decode()
    assert housed.code in page and "Jansen" not in page
    signed_in(people["midden"])
    assert housed.code not in client.get(reverse("matching:aftercare")).content.decode()


# --- fixed contacts (art. 8.1) ---------------------------------------------------------------------


def contacts_url(profile):
    return reverse("matching:trajectory_contacts", kwargs={"profile_id": profile.pk})


def test_a_party_changes_its_own_contacts_recorded_on_the_timeline(client, signed_in, people, housed, make_user):
    colleague = make_user(Role.CORPORATION, "Woonwenz", first_name="Karin", last_name="Kessels")
    signed_in(people["woonwenz"])
    page = client.get(contacts_url(housed)).content.decode()
    # Only the party's own staff is offered.
    assert f'value="{colleague.pk}"' in page and f'value="{people["antares"].pk}"' not in page
    assert f'value="{people["moveoo"].pk}"' not in page
    response = client.post(contacts_url(housed), {"contact": colleague.pk, "substitute": people["woonwenz"].pk})
    assert response.status_code == 302
    match = Match.objects.get(profile=housed)
    assert (match.corporation_contact, match.corporation_substitute) == (colleague, people["woonwenz"])
    assert match.provider_contact == people["moveoo"]  # the other side is untouched
    event = ReferralEvent.objects.get(referral=housed.referral, kind=EventKind.CONTACTS_CHANGED)
    assert event.note == "Woonwenz" and "Kessels" not in event.note


def test_staff_of_another_organisation_cannot_be_a_contact(client, signed_in, people, housed):
    signed_in(people["moveoo"])
    for other in ("woonwenz", "leger"):
        response = client.post(contacts_url(housed), {"contact": people[other].pk})
        assert response.status_code == 200, other
    assert Match.objects.get(profile=housed).provider_contact == people["moveoo"]
    with pytest.raises(ValidationError):
        services.change_contacts(actor=people["moveoo"], profile=housed, party=org("Moveoo"), contact=people["leger"])


def test_another_party_cannot_change_the_contacts(client, signed_in, people, housed):
    # The provider cannot change the corporation's contacts, not even with the corporation's staff.
    with pytest.raises(PermissionDenied):
        services.change_contacts(
            actor=people["moveoo"], profile=housed, party=org("Woonwenz"), contact=people["woonwenz"]
        )
    for who in ("antares", "leger", "noord", "venlo"):
        signed_in(people[who])
        assert client.post(contacts_url(housed), {"contact": people[who].pk}).status_code == 404, who
    match = Match.objects.get(profile=housed)
    assert (match.corporation_contact, match.provider_contact) == (people["woonwenz"], people["moveoo"])
    assert not ReferralEvent.objects.filter(referral=housed.referral, kind=EventKind.CONTACTS_CHANGED).exists()


# --- another care provider (art. 10.3–10.4) --------------------------------------------------------


def change_url(profile):
    return reverse("matching:provider_change", kwargs={"profile_id": profile.pk})


def answer_url(change):
    return reverse("matching:provider_change_answer", kwargs={"change_id": change.pk})


def contact_perms(organisation, referral):
    return set(get_perms(organisation.group, referral))


def test_replacing_the_provider_moves_access_only_on_acceptance(client, signed_in, people, housed):
    referral = housed.referral
    signed_in(people["noord"])
    response = client.post(change_url(housed), {"to_provider": org("Leger des Heils").pk, "reason": "Moveoo zegt op."})
    assert response.status_code == 302
    change = ProviderChange.objects.get(profile=housed)
    # Before acceptance: nothing moved.
    assert Match.objects.get(profile=housed).care_provider == org("Moveoo")
    assert "view_contact" in contact_perms(org("Moveoo"), referral)
    assert "view_contact" not in contact_perms(org("Leger des Heils"), referral)
    signed_in(people["moveoo"])
    assert client.get(trajectory_url(housed)).status_code == 200
    signed_in(people["leger"])
    assert client.get(trajectory_url(housed)).status_code == 404
    listing = client.get(reverse("matching:trajectories")).content.decode()
    assert housed.code in listing and answer_url(change) in listing and "Jansen" not in listing
    page = client.get(answer_url(change)).content.decode()
    assert housed.code in page and "Jansen" not in page and "Moveoo zegt op." not in page
    # Accepting names the new provider's own contact.
    response = client.post(answer_url(change), {"accepteren": "", "contact": people["leger"].pk})
    assert response.status_code == 302
    match = Match.objects.get(profile=housed)
    assert (match.care_provider, match.provider_contact) == (org("Leger des Heils"), people["leger"])
    assert "view_contact" in contact_perms(org("Leger des Heils"), referral)
    assert "view_contact" not in contact_perms(org("Moveoo"), referral)
    assert not reconcile([referral.pk], fix=False)
    assert client.get(trajectory_url(housed)).status_code == 200
    signed_in(people["moveoo"])
    assert client.get(trajectory_url(housed)).status_code == 404
    assert housed.code not in client.get(reverse("matching:trajectories")).content.decode()
    assert ReferralEvent.objects.filter(referral=referral, kind=EventKind.PROVIDER_REPLACED).exists()


def test_a_refused_replacement_changes_nothing(client, signed_in, people, housed):
    change = services.propose_provider_change(
        actor=people["noord"], profile=housed, to_provider=org("Leger des Heils"), reason="Moveoo zegt op."
    )
    signed_in(people["leger"])
    assert client.post(answer_url(change), {"weigeren": "", "reason": ""}).status_code == 200
    assert ProviderChange.objects.get(pk=change.pk).status == HandshakeStatus.PROPOSED
    assert client.post(answer_url(change), {"weigeren": "", "reason": "Geen capaciteit."}).status_code == 302
    assert ProviderChange.objects.get(pk=change.pk).status == HandshakeStatus.REFUSED
    assert Match.objects.get(profile=housed).care_provider == org("Moveoo")
    assert client.get(answer_url(change)).status_code == 200  # answered: read only
    with pytest.raises(ValidationError):
        services.accept_provider_change(actor=people["leger"], change=change, contact=people["leger"])


def test_only_the_chair_proposes_and_only_the_asked_provider_answers(client, signed_in, people, housed):
    for who in ("midden", "proces_midden", "venlo", "woonwenz", "moveoo"):
        signed_in(people[who])
        response = client.post(change_url(housed), {"to_provider": org("Leger des Heils").pk, "reason": "x"})
        assert response.status_code == 404, who
    assert not ProviderChange.objects.exists()
    change = services.propose_provider_change(
        actor=people["noord"], profile=housed, to_provider=org("Leger des Heils"), reason="Moveoo zegt op."
    )
    for who in ("moveoo", "woonwenz", "noord"):
        signed_in(people[who])
        assert client.post(answer_url(change), {"accepteren": "", "contact": people[who].pk}).status_code == 404
    assert Match.objects.get(profile=housed).care_provider == org("Moveoo")


def test_a_provider_that_gave_notice_shows_its_running_trajectories_to_the_chair(client, signed_in, people, housed):
    signed_in(people["noord"])
    url = reverse("matching:aftercare")
    assert housed.code not in client.get(url).content.decode()
    moveoo = org("Moveoo")
    moveoo.notice_given_on = TODAY()
    moveoo.left_on = TODAY() + datetime.timedelta(days=61)
    moveoo.save(update_fields=["notice_given_on", "left_on"])
    page = client.get(url).content.decode()
    assert housed.code in page and change_url(housed) in page and "Jansen" not in page
    # The leaving provider is not offered as a replacement.
    assert f'value="{moveoo.pk}"' not in client.get(change_url(housed)).content.decode()
    signed_in(people["midden"])
    assert housed.code not in client.get(url).content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_after_care_page_takes_a_fixed_number_of_queries(
    client, signed_in, people, housed, rows, django_assert_max_num_queries
):
    moveoo = org("Moveoo")
    moveoo.notice_given_on = TODAY()
    moveoo.save(update_fields=["notice_given_on"])
    for _ in range(rows):
        signal = Signal.objects.create(
            profile=housed,
            kind="situation_changed",
            text="x",
            raised_by=people["woonwenz"],
            organisation=org("Woonwenz"),
            about=moveoo,
        )
        CaseMeeting.objects.create(profile=housed, signal=signal)
        Handover.objects.create(
            profile=housed,
            from_region=org("Ketenregie Midden-Limburg").region,
            to_region=housed.region,
            note="x",
            proposed_by=people["midden"],
        )
    signed_in(people["noord"])
    # 16: each of the two full lists counts its total once (woonkans.lists), whatever the number of rows.
    with django_assert_max_num_queries(16):
        page = client.get(reverse("matching:aftercare")).content.decode()
    assert page.count(housed.code) >= 2 * min(rows, 25) + 1


# --- the warm handover (art. 6.1) ------------------------------------------------------------------


def handover_url(handover):
    return reverse("matching:handover", kwargs={"handover_id": handover.pk})


def profile_url(profile):
    return reverse("matching:profile", kwargs={"profile_id": profile.pk})


def propose(client, signed_in, people, profile, note="Verhuist naar Roermond voor werk."):
    signed_in(people["noord"])
    midden = org("Ketenregie Midden-Limburg").region
    return client.post(
        reverse("matching:profile_handover", kwargs={"profile_id": profile.pk}), {"region": midden.pk, "note": note}
    )


def test_a_handover_needs_a_note_without_identifying_data(client, signed_in, people, housed):
    response = propose(client, signed_in, people, housed, note="")
    assert response.status_code == 200
    response = propose(client, signed_in, people, housed, note="Jan Jansen verhuist, bel 0612345678.")
    assert response.status_code == 200
    assert "identificerende gegevens" in response.content.decode()
    assert not Handover.objects.exists()


def test_access_moves_only_when_the_receiving_chair_accepts(client, signed_in, people, housed):
    assert propose(client, signed_in, people, housed).status_code == 302
    handover = Handover.objects.get(profile=housed)
    # Before acceptance: the sending region keeps the case, the receiving chair sees only the proposal.
    assert client.get(profile_url(housed)).status_code == 200
    signed_in(people["midden"])
    assert client.get(profile_url(housed)).status_code == 404
    overview = client.get(reverse("matching:aftercare")).content.decode()
    assert housed.code in overview and handover_url(handover) in overview
    page = client.get(handover_url(handover)).content.decode()
    assert housed.code in page and "Verhuist naar Roermond voor werk." in page
    assert "Jansen" not in page and "Maasstraat" not in page
    # Accept.
    assert client.post(handover_url(handover), {"accepteren": ""}).status_code == 302
    housed.refresh_from_db()
    assert housed.region == org("Ketenregie Midden-Limburg").region
    assert client.get(profile_url(housed)).status_code == 200
    signed_in(people["noord"])
    assert client.get(profile_url(housed)).status_code == 404
    assert Handover.objects.get(pk=handover.pk).status == HandshakeStatus.ACCEPTED


def test_a_refused_handover_leaves_the_case_where_it_was(client, signed_in, people, housed):
    propose(client, signed_in, people, housed)
    handover = Handover.objects.get(profile=housed)
    signed_in(people["midden"])
    assert client.post(handover_url(handover), {"weigeren": "", "reason": ""}).status_code == 200
    assert Handover.objects.get(pk=handover.pk).status == HandshakeStatus.PROPOSED
    response = client.post(handover_url(handover), {"weigeren": "", "reason": "Geen woning in de zoekregio."})
    assert response.status_code == 302
    assert Handover.objects.get(pk=handover.pk).status == HandshakeStatus.REFUSED
    housed.refresh_from_db()
    assert housed.region == org("Ketenregie Noord-Limburg").region
    assert client.get(profile_url(housed)).status_code == 404
    assert client.post(handover_url(handover), {"accepteren": ""}).status_code == 200  # answered already
    assert Handover.objects.get(pk=handover.pk).status == HandshakeStatus.REFUSED
    signed_in(people["noord"])
    page = client.get(reverse("matching:profile_handover", kwargs={"profile_id": housed.pk})).content.decode()
    assert "Geen woning in de zoekregio." in page
    assert ReferralEvent.objects.filter(referral=housed.referral, kind=EventKind.HANDOVER_REFUSED).exists()


@pytest.mark.parametrize("who", ["noord", "proces_midden", "woonwenz", "venlo"])
def test_only_the_receiving_chair_answers(client, signed_in, people, housed, who):
    propose(client, signed_in, people, housed)
    handover = Handover.objects.get(profile=housed)
    signed_in(people[who])
    assert client.get(handover_url(handover)).status_code == 404
    assert client.post(handover_url(handover), {"accepteren": ""}).status_code == 404
    assert Handover.objects.get(pk=handover.pk).status == HandshakeStatus.PROPOSED


def test_both_regions_figures_count_the_case_once(
    client, signed_in, people, housed, django_capture_on_commit_callbacks
):
    noord, midden = org("Ketenregie Noord-Limburg").region, org("Ketenregie Midden-Limburg").region

    def facts():
        return {region: CaseFact.objects.filter(region_id=region).count() for region in (noord.pk, midden.pk)}

    with django_capture_on_commit_callbacks(execute=True):
        propose(client, signed_in, people, housed)
    assert facts() == {noord.pk: 1, midden.pk: 0}
    handover = Handover.objects.get(profile=housed)
    signed_in(people["midden"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(handover_url(handover), {"accepteren": ""})
    assert facts() == {noord.pk: 0, midden.pk: 1}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_open_signals_are_read_in_signal_order_from_their_own_index(client, signed_in, people, housed):
    """The chair's open signals, oldest first, read from the partial index of open meetings on the
    signal's time kept on the meeting: not every open meeting of every region joined to its signal and
    sorted before the page is cut (that grew with the cases: 358 open meetings at 100 000)."""
    raised = raise_signal(people, housed)  # through the service: the meeting gets the signal's time
    now = timezone.now()
    for days in (3, 1, 2):  # inserted out of order
        signal = Signal.objects.create(
            profile=housed,
            kind="situation_changed",
            text="x",
            raised_by=people["woonwenz"],
            organisation=org("Woonwenz"),
            about=org("Moveoo"),
            created_at=now - datetime.timedelta(days=days),
        )
        CaseMeeting.objects.create(profile=housed, signal=signal)
    meetings = list(CaseMeeting.objects.select_related("signal"))
    assert len(meetings) == 4 and all(m.signalled_at == m.signal.created_at for m in meetings)
    assert CaseMeeting.objects.get(signal__profile=housed, signal__text="Zorgen.").signalled_at is not None
    signed_in(people["noord"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("matching:aftercare")).content.decode()
    shown = [int(pk) for pk in re.findall(r"/casusoverleg/(\d+)/", page)]
    oldest_first = sorted(meetings, key=lambda m: (m.signal.created_at, -m.pk))
    assert shown == [m.pk for m in oldest_first] and raised is not None
    (sql,) = [q["sql"] for q in queries.captured_queries if "_list_total" in q["sql"] and "casemeeting" in q["sql"]]
    plan = plans.explain(sql)
    # The region's part of it since the meeting keeps its region (matching_cm_region_open).
    assert "matching_cm_region_open" in plans.index_names(plan) and not plans.sorts(plan), plan


def test_a_meeting_keeps_its_cases_region_and_moves_with_the_case(client, signed_in, people, housed):
    """CaseMeeting.region is the profile's: set by raise_signal, moved by accept_handover; the new chair
    sees the open signal on /nazorg/, the old one no longer."""
    raise_signal(people, housed)
    meeting = CaseMeeting.objects.get(profile=housed)
    assert meeting.region_id == housed.region_id == org("Ketenregie Noord-Limburg").region_id
    signed_in(people["noord"])
    assert f"/casusoverleg/{meeting.pk}/" in client.get(reverse("matching:aftercare")).content.decode()
    propose(client, signed_in, people, housed)
    signed_in(people["midden"])
    client.post(handover_url(Handover.objects.get(profile=housed)), {"accepteren": ""})
    housed.refresh_from_db()
    assert housed.region_id == org("Ketenregie Midden-Limburg").region_id
    assert list(CaseMeeting.objects.values_list("region_id", flat=True)) == [housed.region_id]
    assert f"/casusoverleg/{meeting.pk}/" in client.get(reverse("matching:aftercare")).content.decode()
    signed_in(people["noord"])
    assert f"/casusoverleg/{meeting.pk}/" not in client.get(reverse("matching:aftercare")).content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_the_open_signals_count_reads_the_regions_open_meetings_from_the_index_alone(client, signed_in, people, housed):
    """The capped count of /nazorg/'s signals looked up each open meeting's profile for its region (1 432
    of 2 101 buffers at 100 000 cases): now an index-only scan of the region's open meetings."""
    raise_signal(people, housed)
    signed_in(people["noord"])
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("matching:aftercare"))
    (sql,) = [q["sql"] for q in queries.captured_queries if "_list_total" in q["sql"] and "casemeeting" in q["sql"]]
    count = sql[sql.index("(SELECT COUNT(*)") : sql.index("AS capped_list)") + len("AS capped_list)")]
    assert "matching_profile" not in count, count
    plan = plans.explain(
        count.removeprefix("(").removesuffix(")"), priced_out=(*plans.LARGE_TABLE, "enable_bitmapscan")
    )
    scans = [node for node in plans.nodes(plan) if "Relation Name" in node]
    assert [(node["Node Type"], node.get("Index Name")) for node in scans] == [
        ("Index Only Scan", "matching_cm_region_open")
    ], plan
