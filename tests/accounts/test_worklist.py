"""'Mijn werkvoorraad': per role what waits, counted as the linked list shows it, with its age."""

import datetime
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from leadtimes.workdays import nth_working_day_back
from matching.models import Meeting, Profile, ProfileShare, ProfileStatus
from referrals.models import Referral
from referrals.workflow import Status
from subject_rights.models import SubjectRequest
from woonkans.privacy.disclosure.sync import reconcile

from ..matching.conftest import org

pytestmark = pytest.mark.django_db
CODES = itertools.count()


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def submitted(people, n, *, municipality="Gemeente Venlo", started=None, status=Status.SUBMITTED):
    """n cases of a municipality in one status, with the grants the policy gives them (in bulk)."""
    started = started or timezone.now()
    place = org(municipality)
    referrals = Referral.objects.bulk_create(
        Referral(
            municipality=place,
            region=place.region,
            status=status,
            created_by=people["venlo"],
            created_at=started,
            submitted_at=started if status == Status.SUBMITTED else None,
        )
        for _ in range(n)
    )
    reconcile([referral.pk for referral in referrals])
    return referrals


def shared(people, n, *, corporation="Woonwenz", municipality="Gemeente Venlo", started=None):
    started = started or timezone.now()
    regisseur = people["noord"] if municipality == "Gemeente Venlo" else people["midden"]
    referrals = submitted(people, n, municipality=municipality, started=started)
    # As matching.services.create_profile and share_profile record it: with a profile the case has left the
    # inbox, and once shared the feedback on the profile is due.
    Referral.objects.filter(pk__in=[referral.pk for referral in referrals]).update(
        profile_started_at=started, profile_feedback_due_since=started
    )
    profiles = Profile.objects.bulk_create(
        Profile(
            referral=referral,
            code=f"WK-T{next(CODES):06d}",
            region=referral.region,
            municipality_id=referral.municipality_id,
            regisseur=regisseur,
            status=ProfileStatus.SHARED,
            shared_at=started,
        )
        for referral in referrals
    )
    ProfileShare.objects.bulk_create(
        ProfileShare(profile=profile, corporation=org(corporation), shared_by=regisseur, shared_at=started)
        for profile in profiles
    )
    reconcile([referral.pk for referral in referrals])
    return profiles


def home_rows(client):
    """{key: (count, url, age and overdue text)} from the rendered home page."""
    page = client.get(reverse("home")).content.decode()
    rows = {}
    for key, body in re.findall(r'<tr class="utrecht-table__row" data-worklist="([^"]+)">(.*?)</tr>', page, re.S):
        url = re.search(r'href="([^"]+)"', body).group(1).replace("&amp;", "&")
        count = int(re.search(r"<strong>(\d+)</strong>", body).group(1))
        text = re.sub(r"<[^>]+>", " ", body.split('data-label="Hoe lang">')[1])
        rows[key] = (count, url, " ".join(text.split()))
    return rows, page


def list_total(client, url):
    """What the linked list says it holds: the paginator's total, or the rows it renders."""
    context = client.get(url).context
    if context.get("page") is not None:
        page = context["page"]
        return page.total if hasattr(page, "total") else page.paginator.count
    for name in ("requests", "claims", "meetings", "reviews"):
        if context.get(name) is not None:
            return len(list(context[name]))
    raise AssertionError(f"no list on {url}")


def test_the_regisseur_sees_new_referrals_of_the_region_only_with_the_inbox_total(people, signed_in, client):
    submitted(people, 3)
    submitted(people, 4, municipality="Gemeente Roermond")  # the other region's: never counted here
    signed_in(people["noord"])
    rows, _page = home_rows(client)
    count, url, _age = rows["referrals.inbox"]
    assert count == 3
    assert url == reverse("referrals:inbox")
    assert list_total(client, url) == 3


def test_the_age_is_the_time_in_stage_in_working_days_and_overdue_is_said_in_words(people, signed_in, client):
    today = timezone.localdate()
    twelve_ago = nth_working_day_back(today, 13)  # 12 working days after it, up to today
    submitted(people, 1, started=_at(twelve_ago))
    submitted(people, 2, started=timezone.now())
    signed_in(people["noord"])
    rows, _page = home_rows(client)
    count, _url, text = rows["referrals.inbox"]
    assert count == 3
    # The target for "submitted, no profile yet" is 10 working days (the data migration's default).
    assert text == "oudste: 12 werkdagen te laat: langer dan de doorlooptijd van 10 werkdagen"


def test_a_fresh_item_is_not_overdue(people, signed_in, client):
    submitted(people, 1, started=timezone.now())
    signed_in(people["noord"])
    rows, _page = home_rows(client)
    assert rows["referrals.inbox"][2] == "sinds vandaag"


def test_a_corporation_counts_its_own_shares_without_answer_never_another_ones(people, signed_in, client):
    shared(people, 2, corporation="Woonwenz")
    shared(people, 5, corporation="Antares")
    answered = shared(people, 1, corporation="Woonwenz")
    ProfileShare.objects.filter(profile__in=answered).update(response="no_stock", responded_at=timezone.now())
    signed_in(people["woonwenz"])
    rows, _page = home_rows(client)
    count, url, _age = rows["matching.table.awaiting"]
    assert count == 2
    response = client.get(url)
    assert response.context["page"].total == 2
    assert {share.profile.code for share in response.context["page"]} == set(
        Profile.objects.filter(shares__corporation=org("Woonwenz"), shares__responded_at__isnull=True).values_list(
            "code", flat=True
        )
    )


def test_the_consultant_counts_the_own_municipality_only_and_the_list_shows_the_same(people, signed_in, client):
    submitted(people, 2, status=Status.IN_RESEARCH)
    submitted(people, 3, status=Status.IN_RESEARCH, municipality="Gemeente Venray")
    signed_in(people["venlo"])
    rows, _page = home_rows(client)
    count, url, text = rows[f"referrals.{Status.IN_RESEARCH}"]
    assert count == 2
    assert url == f"{reverse('referrals:list')}?status=in_research"
    assert list_total(client, url) == 2
    assert text == "oudste: van vandaag"


def test_the_regisseur_counts_profiles_per_status_as_the_profile_list_filters_them(people, signed_in, client):
    shared(people, 2)
    shared(people, 3, municipality="Gemeente Roermond")  # Midden-Limburg's
    signed_in(people["noord"])
    rows, _page = home_rows(client)
    count, url, _age = rows["matching.profiles.shared"]
    assert count == 2
    assert list_total(client, url) == 2
    assert "matching.profiles.draft" not in rows  # nothing waits there: no row at all


def test_meetings_to_prepare_and_a_past_one_not_finished_is_overdue(people, signed_in, client):
    today = timezone.localdate()
    region = org("Ketenregie Noord-Limburg").region
    Meeting.objects.create(region=region, date=today + datetime.timedelta(days=5), chair=people["noord"])
    Meeting.objects.create(region=region, date=today - datetime.timedelta(days=2), chair=people["noord"])
    Meeting.objects.create(region=region, date=today - datetime.timedelta(days=9), chair=people["noord"], held=True)
    signed_in(people["noord"])
    rows, _page = home_rows(client)
    count, url, text = rows["matching.meetings"]
    assert count == 2
    assert list_total(client, url) == 2
    first = (today - datetime.timedelta(days=2)).strftime("%d-%m-%Y")
    assert text == f"eerste datum: {first} (2 dagen geleden) te laat: 1 over de datum"


def test_the_privacy_officer_sees_open_requests_of_the_own_municipality_with_the_deadline(
    people, make_user, signed_in, client
):
    from woonkans.accounts.roles import Role

    officer = make_user(Role.PRIVACY_OFFICER, "Gemeente Venlo")
    today = timezone.localdate()
    for municipality, due in (("Gemeente Venlo", -3), ("Gemeente Venlo", 10), ("Gemeente Venray", -8)):
        (case,) = submitted(people, 1, municipality=municipality)
        SubjectRequest.objects.create(
            referral=case,
            municipality=org(municipality),
            kind="access",
            received_on=today - datetime.timedelta(days=30),
            due_on=today + datetime.timedelta(days=due),
            request_text="Inzage",
            registered_by=officer,
        )
    signed_in(officer)
    rows, _page = home_rows(client)
    count, url, text = rows["subject_rights.open"]
    assert count == 2
    assert list_total(client, url) == 2
    due = (today - datetime.timedelta(days=3)).strftime("%d-%m-%Y")
    assert text == f"eerste datum: {due} (3 dagen geleden) te laat: 1 over de datum"


def test_an_empty_worklist_says_so_kindly(people, signed_in, client):
    signed_in(people["werkgroep_venlo"])
    rows, page = home_rows(client)
    assert rows == {}
    assert "Er wacht hier nu niets op je." in page


def test_every_link_shows_exactly_the_counted_items(people, signed_in, client):
    submitted(people, 2)
    shared(people, 3)
    signed_in(people["noord"])
    rows, _page = home_rows(client)
    assert rows
    for key, (count, url, _text) in rows.items():
        if "#" in url:
            continue  # a section of a page (after-care), checked by its own test
        assert list_total(client, url) == count, key


# Measured equal for 5 and 50 rows of each list (the ceilings are the measurements).
@pytest.mark.parametrize("n", [5, 50])
@pytest.mark.parametrize(
    ("who", "ceiling"),
    [("noord", 23), ("woonwenz", 17), ("moveoo", 12), ("venlo", 12), ("treasurer", 8), ("admin", 10)],
)
def test_the_home_costs_the_same_queries_for_5_and_50_rows(
    n, who, ceiling, people, signed_in, client, django_assert_max_num_queries
):
    submitted(people, n)
    submitted(people, n, status=Status.IN_RESEARCH)
    shared(people, n)
    signed_in(people[who])
    client.get(reverse("home"))  # warm the per-process caches (content types) once
    with django_assert_max_num_queries(ceiling):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_offers_wait_for_the_overleg_counted_as_the_filtered_profile_list(people, signed_in, client):
    from matching.models import Offer
    from matching.models.profile import sync_offered_at

    profiles = shared(people, 3)
    shared(people, 2, municipality="Gemeente Roermond")  # the other region's offers are not counted here
    for profile in [profiles[0], *Profile.objects.filter(region=org("Gemeente Roermond").region)]:
        share = profile.shares.get()
        share.response = "offer"
        share.responded_at = timezone.now()
        share.save()
        Offer.objects.create(
            share=share,
            dwelling_address="Maasstraat 3, Venlo",
            dwelling_type="appartement",
            rent_cents=51240,
            available_from=timezone.localdate(),
            created_by=people["woonwenz"],
        )
        sync_offered_at(profile.pk)  # as respond_to_profile does with the offer
    signed_in(people["noord"])
    rows, _page = home_rows(client)
    count, url, _text = rows["matching.profiles.offers"]
    assert count == 1
    response = client.get(url)
    assert [profile.pk for profile in response.context["page"]] == [profiles[0].pk]


def _home_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["noord", "woonwenz", "venlo"])
def test_the_home_runs_the_same_queries_with_5_and_with_50_waiting_items(who, people, signed_in, client):
    """Counts, their oldest start and 'Wacht te lang' cost the same at any number of items: not "at most"."""
    long_ago = _at(nth_working_day_back(timezone.localdate(), 30))  # past every target: 'Wacht te lang' too
    measured = []
    for n in (5, 45):  # 5 of each, then 50 of each
        submitted(people, n, started=long_ago)
        submitted(people, n, status=Status.IN_RESEARCH, started=long_ago)
        shared(people, n, started=long_ago)
        signed_in(people[who])
        _home_queries(client)  # the per-process caches are warm from here on
        measured.append(_home_queries(client))
    assert measured[0] == measured[1]


def test_a_count_past_the_cap_says_meer_dan_and_still_links_the_list(people, signed_in, client, monkeypatch):
    from woonkans import worklist

    monkeypatch.setattr(worklist, "CAP", 3)
    twelve_ago = nth_working_day_back(timezone.localdate(), 13)
    submitted(people, 1, started=_at(twelve_ago))
    submitted(people, 3)
    signed_in(people["noord"])
    page = client.get(reverse("home")).content.decode()
    row = re.search(r'<tr class="utrecht-table__row" data-worklist="referrals.inbox">(.*?)</tr>', page, re.S).group(1)
    inbox = reverse("referrals:inbox")
    assert f'href="{inbox}"' in row
    assert "<strong>meer dan 3</strong>" in row
    assert 'aria-label="meer dan 3: Nieuwe aanmeldingen"' in row
    # The oldest start is read on its own, past the cap: the age and the overdue marking stay right.
    assert "oudste: 12 werkdagen" in row
    assert "te laat: langer dan de doorlooptijd van 10 werkdagen" in row
    # The list behind the link shows all of them: more than the home said.
    assert list_total(client, inbox) == 4


def test_a_count_at_the_cap_is_still_exact(people, signed_in, client, monkeypatch):
    from woonkans import worklist

    monkeypatch.setattr(worklist, "CAP", 3)
    submitted(people, 3)
    signed_in(people["noord"])
    rows, _page = home_rows(client)
    assert rows["referrals.inbox"][0] == 3
