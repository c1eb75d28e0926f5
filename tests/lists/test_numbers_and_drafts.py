"""Human numbers (race-safe, per year, per kind) and the clean-up of empty drafts."""

import datetime
import re
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from referrals import services
from referrals.models import Identity, Referral
from referrals.services.intake import EMPTY_DRAFT_DAYS, remove_empty_drafts
from woonkans import numbering
from woonkans.audit.models import AccessAction, AccessLog


def three_cases(consultant):
    return Referral.objects.bulk_create(
        [
            Referral(municipality=consultant.organisation, region=consultant.organisation.region, created_by=consultant)
            for _index in range(3)
        ]
    )


@pytest.mark.django_db
def test_numbers_are_per_kind_and_year():
    assert numbering.next_number("GF", datetime.date(2025, 3, 1)) == "GF-2025-0001"
    assert numbering.next_number("GF", datetime.date(2025, 6, 1)) == "GF-2025-0002"
    assert numbering.next_number("GF", datetime.date(2026, 1, 2)) == "GF-2026-0001"
    assert numbering.next_number("UV", datetime.date(2026, 1, 2)) == "UV-2026-0001"


@pytest.mark.django_db
def test_bulk_created_cases_are_numbered_in_order(people):
    made = three_cases(people["venlo"])
    values = [int(referral.number[-4:]) for referral in made]
    assert values == [values[0], values[0] + 1, values[0] + 2]
    assert len({r.number for r in Referral.objects.all()}) == Referral.objects.count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cases_started_at_the_same_moment_never_share_a_number(people):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    consultant = people["venlo"]
    barrier = threading.Barrier(8)
    numbers, errors = [], []

    def start():
        try:
            barrier.wait()
            numbers.append(services.start_referral(actor=consultant).number)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=start) for _index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(numbers) == 8 and len(set(numbers)) == 8
    values = sorted(int(number[-4:]) for number in numbers)
    assert values == list(range(values[0], values[0] + 8))


@pytest.mark.django_db
def test_empty_drafts_are_removed_after_two_weeks_and_logged(people):
    consultant = people["venlo"]
    old = timezone.now() - datetime.timedelta(days=EMPTY_DRAFT_DAYS + 1)
    empty_old = services.start_referral(actor=consultant)
    empty_recent = services.start_referral(actor=consultant)
    filled_old = services.start_referral(actor=consultant)
    Identity.objects.create(referral=filled_old, given_name="Kees", family_name="Jansen")
    Referral.objects.filter(pk__in=[empty_old.pk, filled_old.pk]).update(created_at=old)

    assert remove_empty_drafts() == 1
    assert not Referral.objects.filter(pk=empty_old.pk).exists()
    assert Referral.objects.filter(pk__in=[empty_recent.pk, filled_old.pk]).count() == 2
    entry = AccessLog.objects.get(action=AccessAction.DELETE, object_id=str(empty_old.pk))
    assert entry.subject == empty_old.number
    assert remove_empty_drafts() == 0


@pytest.mark.django_db
def test_the_clean_up_runs_daily():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "referrals.tasks.remove_empty_drafts" in tasks


@pytest.mark.django_db
def test_claims_of_one_case_each_have_their_own_number(client, people):
    from django.urls import reverse

    from guarantee_fund.models import Claim
    from tests.conftest import sign_in
    from tests.guarantee_fund.conftest import approved_claim, fund_with
    from tests.guarantee_fund.test_claim_list import copies

    fund_with(1_000_000, treasurer=people["treasurer"])
    claim = approved_claim(people)
    copies(claim, people, 3)
    numbers = list(Claim.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 4 and all(number.startswith("GF-") for number in numbers)
    sign_in(client, people["treasurer"])
    page = client.get(reverse("guarantee_fund:claims")).content.decode()
    assert all(number in page for number in numbers)
    first = client.get(reverse("guarantee_fund:claims"), {"q": numbers[0]}).content.decode()
    # One claim row (the menu and breadcrumbs link to the list itself, not to a claim).
    assert len(re.findall(r'href="/garantiefonds/claims/[0-9a-f-]{36}/"', first)) == 1


@pytest.mark.django_db
def test_an_exception_request_is_named_by_its_own_number(people):
    from referrals.models import ExceptionRequest

    referral = services.start_referral(actor=people["venlo"])
    request = ExceptionRequest.objects.create(
        referral=referral, region=referral.region, motivation="x", requested_by=people["venlo"]
    )
    assert request.number.startswith("UV-") and request.number in str(request)
    assert referral.number not in str(request)


@pytest.mark.django_db
def test_the_number_migration_numbers_older_rows_per_year_in_the_order_they_were_made(people):
    """The backfill step the three number migrations share, run with its historical models."""
    import importlib
    import types

    from django.db.migrations.loader import MigrationLoader

    made = three_cases(people["venlo"])
    # Years no other test numbers, so each sequence starts at 1; the second case was made first.
    made_on = [datetime.datetime(2019, 5, 2), datetime.datetime(2019, 3, 1), datetime.datetime(2018, 7, 1)]
    for referral, when in zip(made, made_on, strict=True):
        Referral.objects.filter(pk=referral.pk).update(number=None, created_at=timezone.make_aware(when))
    migration = importlib.import_module("referrals.migrations.0010_lists_case_number").Migration
    state = MigrationLoader(connection).project_state(("referrals", "0010_lists_case_number"))
    migration.operations[-1].code(state.apps, types.SimpleNamespace(connection=connection))

    numbers = dict(Referral.objects.filter(pk__in=[r.pk for r in made]).values_list("pk", "number"))
    assert [numbers[r.pk] for r in made] == ["WK-2019-0002", "WK-2019-0001", "WK-2018-0001"]
