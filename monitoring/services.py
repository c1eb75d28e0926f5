"""Keep each case's anonymous fact in step with the route.

Subscribed to ``CaseChanged`` (woonkans.events), so it runs after the action's transaction commits.
It reads the case through the apps' providers (woonkans.cases), never their models: monitoring
imports neither referrals nor matching. Every call recomputes the whole fact, so a missed or failed
run is repaired by the case's next action.
"""

import datetime

from django.utils import timezone

from woonkans import cases
from woonkans.choices import AgeBand

from .models import CaseFact, Outcome

PROFILE_OUTCOMES = {
    "housed": Outcome.RUNNING,
    "ended_positive": Outcome.ENDED_POSITIVE,
    "ended_negative": Outcome.ENDED_NEGATIVE,
}
STOPPED_STATUSES = {"withdrawn", "consent_withdrawn", "closed"}


def _date(value):
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def fact_values(facts):
    """The anonymous facts of one case: dates of each step, region, municipality, age band, source, outcome.

    ``facts`` are the plain values of woonkans.cases.monitoring_facts; ``age`` is the age on the day of
    submission (or today) and does not leave this function.
    """
    age = facts.get("age")
    outcome = Outcome.OPEN
    if facts.get("profile_status") in PROFILE_OUTCOMES:
        outcome = PROFILE_OUTCOMES[facts["profile_status"]]
    elif facts["status"] in STOPPED_STATUSES:
        outcome = Outcome.STOPPED
    exception_requested = facts["exception_requested"]
    return {
        "region_id": facts["region_id"],
        "municipality_id": facts["municipality_id"],
        "corporation_id": facts.get("corporation_id"),
        "reported_by_provider": facts["reported_by_provider"],
        "origin": facts["origin"],
        "age_band": AgeBand.for_age(age) if age else "",
        "young_adult": None if age is None else 18 <= age <= 27,
        "eligible": facts["eligible"],
        "exception_requested": exception_requested,
        "exception_granted": facts["exception_granted"]
        or (False if facts["status"] == "closed" and exception_requested else None),
        "reported_on": _date(facts["created_at"]),
        "submitted_on": _date(facts["submitted_at"]),
        "shared_on": _date(facts.get("shared_at")),
        "matched_on": _date(facts.get("matched_at")),
        "housed_on": facts.get("housed_on"),
        "ended_on": (
            facts.get("profile_ended_on")
            if facts.get("profile_ended_on")
            else _date(facts["closed_at"])
            if outcome == Outcome.STOPPED
            else None
        ),
        "outcome": outcome,
    }


def sync_case_fact(referral_id):
    """Bring the case's fact up to date (creating and linking it on the first action); returns its id."""
    facts = cases.monitoring_facts(referral_id)
    if not facts:
        return None  # the case is gone
    values = fact_values(facts)
    if facts.get("purged"):
        # Its identity and research are gone (erasure or retention purge): the fact keeps what it
        # recorded of them, and takes only how the case ended (the erasure's own stop arrives after
        # the purge has committed).
        CaseFact.objects.filter(pk=facts.get("fact_id")).update(outcome=values["outcome"], ended_on=values["ended_on"])
        return facts.get("fact_id")
    if facts.get("fact_id"):
        CaseFact.objects.filter(pk=facts["fact_id"]).update(**values)
        return facts["fact_id"]
    fact = CaseFact.objects.create(**values)
    if not cases.link_fact(referral_id, fact.pk):
        # Another run linked a fact first: keep that one, with these values.
        fact.delete()
        existing = cases.monitoring_facts(referral_id).get("fact_id")
        CaseFact.objects.filter(pk=existing).update(**values)
        return existing
    return fact.pk


def on_case_changed(event):
    sync_case_fact(event.referral_id)
