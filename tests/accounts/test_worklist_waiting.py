"""'Mijn werkvoorraad': questions and answers in the profile threads, leases to sign and evaluations due.

Each count equals the rows of the list it links to, and another organisation's items are never counted.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import ProfileMessage

from ..matching.conftest import make_matched, make_shared, org
from .test_worklist import home_rows, shared

pytestmark = pytest.mark.django_db


def _ask(author, profile, corporation, text="Is er een huisdier?"):
    return services.post_message(actor=author, profile=profile, corporation=org(corporation), text=text)


def _trajectory_rows(client, url):
    return [match.profile.code for match in client.get(url).context["page"]]


def test_the_regisseur_counts_profiles_with_a_corporations_question_waiting(people, signed_in, client):
    asked = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    answered = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    _ask(people["woonwenz"], asked, "Woonwenz")
    _ask(people["antares"], asked, "Antares")  # two threads of one profile: one profile to answer
    _ask(people["woonwenz"], answered, "Woonwenz")
    _ask(people["noord"], answered, "Woonwenz", "Nee.")
    (other,) = shared(people, 1, municipality="Gemeente Roermond")  # Midden-Limburg's: never counted in Noord
    ProfileMessage.objects.create(profile=other, corporation=org("Woonwenz"), author=people["woonwenz"], text="?")
    signed_in(people["noord"])
    rows, _page = home_rows(client)
    count, url, text = rows["matching.profiles.questions"]
    assert count == 1
    assert url == f"{reverse('matching:profiles')}?question_waiting=true"
    page = client.get(url).context["page"]
    assert page.total == 1
    assert [profile.pk for profile in page] == [asked.pk]
    assert text == "sinds vandaag"


def _question_at(profile):
    profile.refresh_from_db()
    return profile.question_at


def test_the_question_waiting_follows_each_message_posted(people):
    """Profile.question_at (the home's count walks its index) is kept by post_message in its transaction."""
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    assert _question_at(profile) is None
    _ask(people["noord"], profile, "Woonwenz", "Een vraag aan jullie.")  # the regisseur's word: nothing waits
    assert _question_at(profile) is None
    asked = _ask(people["woonwenz"], profile, "Woonwenz")  # the corporation asks: it waits since then
    assert _question_at(profile) == asked.created_at
    later = _ask(people["antares"], profile, "Antares")  # a second thread: the oldest waiting one counts
    assert _question_at(profile) == asked.created_at
    _ask(people["noord"], profile, "Woonwenz", "Nee.")  # the regisseur answers Woonwenz: Antares still waits
    assert _question_at(profile) == later.created_at
    _ask(people["noord"], profile, "Antares", "Ja.")
    assert _question_at(profile) is None


def test_a_revoked_share_closes_the_question(people, signed_in, client):
    """Matched with another corporation (record_match revokes the share): its question no longer waits."""
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    _ask(people["woonwenz"], profile, "Woonwenz")
    signed_in(people["noord"])
    rows, _page = home_rows(client)
    assert rows["matching.profiles.questions"][0] == 1
    services.record_match(
        actor=people["noord"],
        profile=profile,
        corporation=org("Antares"),
        dwelling_address="Maasstraat 3, Venlo",
        intended_date="2027-02-01",
        care_provider=org("Moveoo"),
        corporation_contact=people["antares"],
        provider_contact=people["moveoo"],
    )
    assert _question_at(profile) is None
    rows, _page = home_rows(client)
    assert "matching.profiles.questions" not in rows
    assert client.get(f"{reverse('matching:profiles')}?question_waiting=true").context["page"].total == 0


def test_a_stopped_case_closes_its_questions(people):
    """Withdrawn consent revokes the open shares (matching.case_facts.settle): the question goes with them."""
    from referrals import services as referral_services

    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    _ask(people["woonwenz"], profile, "Woonwenz")
    assert _question_at(profile) is not None
    referral_services.withdraw_consent(
        actor=people["venlo"], referral=profile.referral, reason="Toestemming ingetrokken."
    )
    assert _question_at(profile) is None


def test_the_corporation_counts_the_regisseurs_messages_on_its_own_threads_only(people, signed_in, client):
    answered = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    _ask(people["woonwenz"], answered, "Woonwenz")
    _ask(people["noord"], answered, "Woonwenz", "Nee, geen huisdier.")  # waits for Woonwenz
    _ask(people["noord"], answered, "Antares", "Hebben jullie iets?")  # Antares's thread: not Woonwenz's
    asked_back = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    _ask(people["noord"], asked_back, "Woonwenz", "Een vraag aan jullie.")
    _ask(people["woonwenz"], asked_back, "Woonwenz", "Ons antwoord.")  # Woonwenz answered: nothing waits
    signed_in(people["woonwenz"])
    rows, _page = home_rows(client)
    count, url, _text = rows["matching.table.messages"]
    assert count == 1
    assert url == f"{reverse('matching:table')}?message_waiting=true"
    page = client.get(url).context["page"]
    assert page.total == 1
    assert [share.profile.code for share in page] == [answered.code]
    signed_in(people["antares"])
    rows, _page = home_rows(client)
    assert rows["matching.table.messages"][0] == 1


def test_the_corporations_answer_to_the_profile_settles_an_earlier_message(people, signed_in, client):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    _ask(people["noord"], profile, "Woonwenz", "Kunnen jullie reageren?")
    share = profile.shares.get()
    services.respond_to_profile(actor=people["woonwenz"], share=share, response="no_stock", offer=None)
    signed_in(people["woonwenz"])
    rows, _page = home_rows(client)
    assert "matching.table.messages" not in rows


def test_the_matched_corporation_sees_its_matches_without_a_lease(people, signed_in, client):
    own = make_matched(people, corporation="Woonwenz")
    make_matched(people, corporation="Antares")  # Antares's match: not Woonwenz's
    housed = make_matched(people, corporation="Woonwenz")
    services.record_housing(actor=people["noord"], profile=housed, lease_signed_on=timezone.localdate())
    signed_in(people["woonwenz"])
    rows, _page = home_rows(client)
    count, url, text = rows["matching.trajectories.matched"]
    assert count == 1
    assert url == f"{reverse('matching:trajectories')}?status=matched"
    assert _trajectory_rows(client, url) == [own.code]
    assert text == "wacht 0 werkdagen" or text == "sinds vandaag"


def _housed(people, corporation, lease_days_ago):
    profile = make_matched(people, corporation=corporation)
    lease = timezone.localdate() - datetime.timedelta(days=lease_days_ago)
    services.record_housing(actor=people["noord"], profile=profile, lease_signed_on=lease)
    return profile


def test_evaluations_due_for_the_corporation_and_the_provider_with_the_earliest_date(people, signed_in, client):
    today = timezone.localdate()
    late = _housed(people, "Woonwenz", 200)  # six months passed: overdue
    soon = _housed(people, "Woonwenz", 175)  # due within two weeks
    _housed(people, "Woonwenz", 30)  # not yet
    evaluated = _housed(people, "Woonwenz", 300)
    services.record_evaluation(  # kept on the match (evaluation_due_from) by the service
        actor=people["woonwenz"], profile=evaluated, held_on=today - datetime.timedelta(days=20), notes="Gaat goed."
    )
    _housed(people, "Antares", 250)  # Antares's, with Moveoo: the provider counts it, Woonwenz does not
    signed_in(people["woonwenz"])
    rows, _page = home_rows(client)
    count, url, text = rows["matching.trajectories.evaluation"]
    assert count == 2
    assert url == f"{reverse('matching:trajectories')}?evaluation_due=true"
    assert sorted(_trajectory_rows(client, url)) == sorted([late.code, soon.code])
    first = (today - datetime.timedelta(days=200) + datetime.timedelta(days=182)).strftime("%d-%m-%Y")
    assert text == f"eerste datum: {first} (18 dagen geleden) te laat: 1 over de datum"
    signed_in(people["moveoo"])
    rows, _page = home_rows(client)
    count, url, _text = rows["matching.trajectories.evaluation"]
    assert count == 3
    assert len(_trajectory_rows(client, url)) == 3
    signed_in(people["leger"])
    rows, _page = home_rows(client)
    assert "matching.trajectories.evaluation" not in rows


def test_the_unfiltered_trajectory_list_still_shows_every_trajectory(people, signed_in, client):
    make_matched(people, corporation="Woonwenz")
    _housed(people, "Woonwenz", 10)
    signed_in(people["woonwenz"])
    response = client.get(reverse("matching:trajectories"))
    assert len(list(response.context["page"])) == 2
    assert ProfileMessage.objects.count() == 0


def _message_at(profile, corporation):
    return profile.shares.get(corporation=org(corporation)).message_at


def test_the_message_waiting_follows_each_message_answer_and_match(people):
    """ProfileShare.message_at (the corporation's count walks its index) is kept by post_message,
    respond_to_profile and record_match in their transactions."""
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    assert _message_at(profile, "Woonwenz") is None
    _ask(people["woonwenz"], profile, "Woonwenz")  # the corporation's word: nothing waits for it
    assert _message_at(profile, "Woonwenz") is None
    answer = _ask(people["noord"], profile, "Woonwenz", "Nee.")  # the regisseur answers: it waits
    assert _message_at(profile, "Woonwenz") == answer.created_at
    assert _message_at(profile, "Antares") is None  # another thread
    later = _ask(people["noord"], profile, "Woonwenz", "En nog iets.")  # the last word counts
    assert _message_at(profile, "Woonwenz") == later.created_at
    _ask(people["woonwenz"], profile, "Woonwenz", "Dank je.")  # the corporation replied: settled
    assert _message_at(profile, "Woonwenz") is None
    _ask(people["noord"], profile, "Antares", "Hebben jullie iets?")
    assert _message_at(profile, "Antares") is not None
    services.respond_to_profile(
        actor=people["antares"], share=profile.shares.get(corporation=org("Antares")), response="no_stock"
    )  # its answer to the profile comes after the message: settled too
    assert _message_at(profile, "Antares") is None
    _ask(people["noord"], profile, "Woonwenz", "Nog een vraag.")
    assert _message_at(profile, "Woonwenz") is not None
    services.record_match(
        actor=people["noord"],
        profile=profile,
        corporation=org("Antares"),
        dwelling_address="Maasstraat 3, Venlo",
        intended_date="2027-02-01",
        care_provider=org("Moveoo"),
        corporation_contact=people["antares"],
        provider_contact=people["moveoo"],
    )  # placed elsewhere: the thread closed
    assert _message_at(profile, "Woonwenz") is None


def test_a_stopped_case_closes_the_message_waiting(people):
    from referrals import services as referral_services

    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    _ask(people["noord"], profile, "Woonwenz", "Een vraag aan jullie.")
    assert _message_at(profile, "Woonwenz") is not None
    referral_services.withdraw_consent(
        actor=people["venlo"], referral=profile.referral, reason="Toestemming ingetrokken."
    )
    assert _message_at(profile, "Woonwenz") is None


@pytest.mark.postgres_only
def test_the_corporations_counts_walk_the_waiting_shares_and_probe_the_grants(people, signed_in, client):
    """The home's message count reads the kept column, not the threads; both counts and the matching table
    probe the profile grant per share (a scalar subquery), never an EXISTS PostgreSQL hashes over every
    grant of the corporation; and the partial indexes hold the waiting shares only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from matching.models import ProfileShare

    waiting = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    _ask(people["noord"], waiting, "Woonwenz", "Een vraag aan jullie.")
    answered = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    services.respond_to_profile(actor=people["woonwenz"], share=answered.shares.get(), response="no_stock")
    signed_in(people["woonwenz"])
    with CaptureQueriesContext(connection) as home:
        rows, _page = home_rows(client)
    assert rows["matching.table.messages"][0] == 1
    assert rows["matching.table.awaiting"][0] == 1
    counts = [query["sql"] for query in home.captured_queries if "COUNT(*), MIN(capped.capped_start)" in query["sql"]]
    messages = next(sql for sql in counts if '"matching_profileshare"."message_at" IS NOT NULL' in sql)
    assert "matching_profilemessage" not in messages
    for sql in (messages, next(sql for sql in counts if '"matching_profileshare"."responded_at" IS NULL' in sql)):
        assert "matching_profilegroupobjectpermission" in sql
        assert "LIMIT 1) IS NOT NULL" in sql  # disclosure.grants.granted(..., probe=True)
    with CaptureQueriesContext(connection) as table:
        assert client.get(reverse("matching:table")).status_code == 200
    (page,) = [query["sql"] for query in table.captured_queries if 'AS "available"' in query["sql"]]
    assert "LIMIT 1) IS NOT NULL" in page
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s",
            [ProfileShare._meta.db_table, "matching_share_%"],
        )
        indexes = dict(cursor.fetchall())
    assert "WHERE (message_at IS NOT NULL)" in indexes["matching_share_message"]
    assert "(responded_at IS NULL)" in indexes["matching_share_awaiting"]


@pytest.mark.postgres_only
def test_the_matched_count_walks_the_open_matches_only(people, signed_in, client):
    """The count of matches without a lease says what its partial index holds (matching_match_corp_open)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_matched(people, corporation="Woonwenz")
    signed_in(people["woonwenz"])
    with CaptureQueriesContext(connection) as home:
        rows, _page = home_rows(client)
    assert rows["matching.trajectories.matched"][0] == 1
    (sql,) = [
        q["sql"]
        for q in home.captured_queries
        if "MIN(capped.capped_start)" in q["sql"] and '"matching_match"."matched_at" AS' in q["sql"]
    ]
    assert '"matching_match"."lease_signed_on" IS NULL' in sql and '"matching_match"."ended_on" IS NULL' in sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'matching_match_corp_open'")
        (definition,) = cursor.fetchone()
    assert "(ended_on IS NULL) AND (lease_signed_on IS NULL)" in definition


def _due_from(profile):
    from matching.models import Match

    return Match.objects.get(profile=profile).evaluation_due_from


def test_the_evaluation_due_date_follows_housing_each_evaluation_and_the_end(people, signed_in, client):
    """Match.evaluation_due_from (the home's evaluation count walks its index) is kept by record_housing,
    record_evaluation and end_trajectory in their transactions; the count reads no evaluation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    profile = make_matched(people, corporation="Woonwenz")
    assert _due_from(profile) is None  # matched: no evaluation before the lease
    lease = today - datetime.timedelta(days=200)
    services.record_housing(actor=people["noord"], profile=profile, lease_signed_on=lease)
    assert _due_from(profile) == lease
    signed_in(people["woonwenz"])
    with CaptureQueriesContext(connection) as home:
        rows, _page = home_rows(client)
    assert rows["matching.trajectories.evaluation"][0] == 1
    (sql,) = [q["sql"] for q in home.captured_queries if '"matching_match"."evaluation_due_from" <=' in q["sql"]]
    assert "matching_evaluation" not in sql and "LIMIT 100" in sql
    held = today - datetime.timedelta(days=10)
    services.record_evaluation(actor=people["woonwenz"], profile=profile, held_on=held, notes="Gaat goed.")
    assert _due_from(profile) == held
    services.record_evaluation(
        actor=people["woonwenz"], profile=profile, held_on=held - datetime.timedelta(days=30), notes="Later vastgelegd."
    )
    assert _due_from(profile) == held  # the last evaluation held counts, not the last one recorded
    rows, _page = home_rows(client)
    assert "matching.trajectories.evaluation" not in rows
    services.end_trajectory(actor=people["noord"], profile=profile, kind="positive", ended_on=today)
    assert _due_from(profile) is None
