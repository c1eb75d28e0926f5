"""Keep each case's anonymous fact in step with the route. Called by the services that move a case."""

from django.utils import timezone

from .models import CaseFact, Outcome

PROFILE_OUTCOMES = {
    "housed": Outcome.RUNNING,
    "ended_positive": Outcome.ENDED_POSITIVE,
    "ended_negative": Outcome.ENDED_NEGATIVE,
}
STOPPED_STATUSES = {"withdrawn", "consent_withdrawn", "closed"}


def _date(value):
    return timezone.localdate(value) if value is not None and hasattr(value, "tzinfo") else value


def fact_values(referral):
    """The anonymous facts of one case: dates of each step, region, municipality, age band, source, outcome."""
    from matching.models import AgeBand

    identity = getattr(referral, "identity", None)
    research = getattr(referral, "research", None)
    profile = getattr(referral, "profile", None)
    match = getattr(profile, "match", None) if profile else None
    on = _date(referral.submitted_at) or timezone.localdate()
    age = identity.age_on(on) if identity else None
    outcome = Outcome.OPEN
    if profile is not None and profile.status in PROFILE_OUTCOMES:
        outcome = PROFILE_OUTCOMES[profile.status]
    elif referral.status in STOPPED_STATUSES:
        outcome = Outcome.STOPPED
    return {
        "region_id": referral.region_id,
        "municipality_id": referral.municipality_id,
        "corporation_id": match.corporation_id if match else None,
        "reported_by_provider": referral.reported_by_id is not None,
        "origin": research.origin if research else "",
        "age_band": AgeBand.for_age(age) if age else "",
        "young_adult": None if age is None else 18 <= age <= 27,
        "eligible": referral.eligible,
        "exception_requested": referral.exception_requests.exists(),
        "exception_granted": referral.exception_granted
        or (False if referral.status == "closed" and referral.exception_requests.exists() else None),
        "reported_on": _date(referral.created_at),
        "submitted_on": _date(referral.submitted_at),
        "shared_on": _date(profile.shared_at) if profile else None,
        "matched_on": _date(profile.matched_at) if profile else None,
        "housed_on": profile.housed_on if profile else None,
        "ended_on": (
            profile.ended_on
            if profile and profile.ended_on
            else _date(referral.closed_at)
            if outcome == Outcome.STOPPED
            else None
        ),
        "outcome": outcome,
    }


def sync_case_fact(referral):
    if getattr(referral, "purged_at", None) is not None:
        # Its identity and research are gone (retention purge): the fact keeps what it recorded.
        return referral.fact_id
    values = fact_values(referral)
    if referral.fact_id:
        CaseFact.objects.filter(pk=referral.fact_id).update(**values)
        return referral.fact_id
    fact = CaseFact.objects.create(**values)
    type(referral).objects.filter(pk=referral.pk).update(fact=fact)
    referral.fact_id = fact.pk
    return fact.pk
