"""Domain events after commit (woonkans.events): who hears a transition, and when."""

import logging
import subprocess
import tomllib
import uuid
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from matching import services as matching_services
from monitoring.models import CaseFact, Outcome
from referrals import services as referral_services
from referrals.models import Referral
from referrals.workflow import Status
from woonkans import events

from ..matching.conftest import make_matched
from ..referrals.conftest import IDENTITY, make_submitted

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def heard():
    """A subscriber that records what it hears; unregistered afterwards."""
    received = []
    events.subscribe(events.CaseChanged, received.append)
    yield received
    events._SUBSCRIBERS[events.CaseChanged].remove(received.append)


@pytest.fixture
def failing():
    def explode(event):
        raise RuntimeError(f"{IDENTITY['family_name']} {IDENTITY['bsn']}")  # a message that quotes personal data

    # First in line, so the monitoring subscriber after it shows the others still run.
    events._SUBSCRIBERS[events.CaseChanged].insert(0, explode)
    yield explode
    events._SUBSCRIBERS[events.CaseChanged].remove(explode)


def fact_of(referral):
    referral = Referral.objects.get(pk=referral.pk)
    return CaseFact.objects.get(pk=referral.fact_id) if referral.fact_id else None


def test_an_event_reaches_its_subscribers_only_after_the_commit(db, heard, django_capture_on_commit_callbacks):
    case_id = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            events.publish(events.CaseChanged(referral_id=case_id, kind="started"))
            assert heard == []  # not inside the transaction
    assert heard == [events.CaseChanged(referral_id=case_id, kind="started")]


def test_a_rolled_back_action_tells_nobody(people, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            referral_services.start_referral(actor=people["venlo"])
            raise RuntimeError("rolled back")
    assert heard == [] and callbacks == []
    assert not Referral.objects.exists() and not CaseFact.objects.exists()


def test_without_the_commit_monitoring_keeps_no_fact(people):
    # pytest-django's test transaction never commits: the case moved, its fact did not.
    referral = make_submitted(people["venlo"])
    assert Referral.objects.get(pk=referral.pk).status == Status.SUBMITTED
    assert fact_of(referral) is None and not CaseFact.objects.exists()


def test_each_transition_reaches_the_monitoring_fact_after_commit(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile = make_matched(people)
    fact = fact_of(profile.referral)
    assert fact.submitted_on == timezone.localdate() and fact.eligible is True
    assert fact.shared_on == timezone.localdate() and fact.matched_on == timezone.localdate()
    assert fact.corporation_id == profile.match.corporation_id and fact.outcome == Outcome.OPEN
    assert fact.age_band == "28-35" and fact.origin == "mo"

    with django_capture_on_commit_callbacks(execute=True):
        matching_services.record_housing(actor=people["noord"], profile=profile, lease_signed_on=timezone.localdate())
    fact.refresh_from_db()
    assert fact.housed_on == timezone.localdate() and fact.outcome == Outcome.RUNNING

    with django_capture_on_commit_callbacks(execute=True):
        matching_services.end_trajectory(
            actor=people["noord"],
            profile=profile,
            kind="evicted",
            ended_on=timezone.localdate(),
            evaluation="Huurachterstand opgelopen.",
        )
    fact.refresh_from_db()
    assert fact.outcome == Outcome.ENDED_NEGATIVE and fact.ended_on == timezone.localdate()
    assert CaseFact.objects.count() == 1  # one fact per case, however many events


def test_a_stopped_case_is_stopped_in_monitoring(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_submitted(people["venlo"])
        referral_services.withdraw_consent(actor=people["venlo"], referral=referral, reason="Wil niet meer.")
    fact = fact_of(referral)
    assert fact.outcome == Outcome.STOPPED and fact.ended_on == timezone.localdate()


def test_a_failing_subscriber_does_not_undo_the_action(people, failing, caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.ERROR, logger="woonkans.events"):
        with django_capture_on_commit_callbacks(execute=True):
            referral = make_submitted(people["venlo"])
    assert Referral.objects.get(pk=referral.pk).status == Status.SUBMITTED
    assert fact_of(referral).submitted_on is not None  # the other subscribers still ran
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "explode" in logged and str(referral.pk) in logged and "RuntimeError" in logged
    assert IDENTITY["family_name"] not in caplog.text and IDENTITY["bsn"] not in caplog.text


def test_an_event_carries_ids_and_plain_values_only(people):
    with pytest.raises(TypeError):
        events.publish(events.CaseChanged(referral_id=people["venlo"]))


def test_the_import_contracts_are_strict():
    """No known violations waved through, and indirect chains count (pyproject.toml)."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert len(contracts) >= 5
    for contract in contracts:
        assert not contract.get("ignore_imports") and not contract.get("allow_indirect_imports", False)
    forbidden = {tuple(c["source_modules"]): set(c["forbidden_modules"]) for c in contracts}
    assert forbidden[("referrals",)] >= {"matching", "guarantee_fund"}
    assert forbidden[("monitoring",)] >= {"referrals", "matching"}
    assert forbidden[("guarantee_fund",)] >= {"referrals", "matching"}


def test_the_import_contracts_are_kept():
    linter = ROOT / ".venv" / "bin" / "lint-imports"
    result = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
