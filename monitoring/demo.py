"""Demo: 24 months of the programme's history as anonymous facts, so charts and lead times show something.

The demo's own cases are all made today; without a history every lead time would be 0 days and
nothing over time could be seen. These facts stand for cases from before the portal (as an import
from the previous system would): anonymous, with no case behind them (``imported=True``), in both
regions, with realistic lead times and outcomes: about 80% of those housed a year ago still live
there, some ended negatively. Only for demo databases (woonkans.demo refuses any other).
"""

import datetime
import random

from django.db.models import Sum
from django.utils import timezone

from woonkans.choices import AgeBand, Origin
from woonkans.parties.models import HousingStock, Organisation, OrganisationKind

from .models import CaseFact, CaseFactSearchArea, Outcome

MONTHS = 24
CASES_PER_MONTH = 12  # both regions together; the targets are 220 homes a year


def _days(rng, low, typical, high):
    return max(low, min(high, round(rng.triangular(low, high, typical))))


def seed_demo_history(*, scale=0, seed=2026):
    if CaseFact.objects.filter(imported=True).exists():
        return []
    rng = random.Random(seed)
    today = timezone.localdate()
    municipalities = list(Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).select_related("region"))
    stock = {}
    for row in HousingStock.objects.values("municipality_id", "corporation_id").annotate(homes=Sum("homes")):
        stock.setdefault(row["municipality_id"], []).append((row["corporation_id"], row["homes"] or 1))
    origins = [Origin.SHELTERED_HOUSING, Origin.SHELTER, Origin.THREATENED_HOMELESSNESS, Origin.DOMESTIC_VIOLENCE]
    reasons = ["not_status_holder", "no_regular_route", "support_need_about_living", "adult"]
    facts, areas = [], []
    for number in range(MONTHS * CASES_PER_MONTH + scale // 10):
        municipality = rng.choice(municipalities)
        reported = today - datetime.timedelta(days=rng.randint(0, MONTHS * 30))
        age = rng.choice([19, 21, 23, 25, 27, 30, 34, 41, 48, 55])
        fact = CaseFact(
            region=municipality.region,
            municipality=municipality,
            origin=rng.choice(origins),
            age_band=AgeBand.for_age(age),
            young_adult=18 <= age <= 27,
            reported_on=reported,
            imported=True,
        )
        facts.append(fact)
        # Research takes weeks: the target-group check and the submission follow the report.
        checked = reported + datetime.timedelta(days=_days(rng, 7, 28, 90))
        if checked > today:
            continue  # still in research
        fact.eligibility_on = checked
        if rng.random() < 0.12:
            fact.eligible = False
            fact.ineligible_reason = rng.choice(reasons)
            fact.exception_requested = True
            fact.exception_granted = False
            fact.outcome, fact.ended_on = Outcome.STOPPED, checked + datetime.timedelta(days=_days(rng, 7, 21, 45))
            if fact.ended_on > today:
                fact.ended_on, fact.outcome = None, Outcome.OPEN
            continue
        fact.eligible, fact.submitted_on = True, checked
        fact.contract_form = rng.choice(["provider_lease", "linked_care", "linked_care"])
        steps = (
            ("shared_on", _days(rng, 3, 14, 45)),
            ("matched_on", _days(rng, 14, 75, 300)),
            ("housed_on", _days(rng, 10, 35, 90)),
        )
        on = checked
        for field, days in steps:
            on = on + datetime.timedelta(days=days)
            if on > today:
                break
            setattr(fact, field, on)
        if fact.shared_on:
            areas.append((number, municipality.pk))
        if fact.matched_on:
            corporations = stock.get(municipality.pk) or [(None, 1)]
            fact.corporation_id = rng.choices(
                [pk for pk, _homes in corporations], [homes for _pk, homes in corporations]
            )[0]
        if fact.housed_on:
            fact.outcome = Outcome.RUNNING
            # About one in ten ends negatively within a year or so; some end well after a year.
            lived = (today - fact.housed_on).days
            if rng.random() < 0.1 and lived > 90:
                fact.outcome = Outcome.ENDED_NEGATIVE
                fact.ended_on = fact.housed_on + datetime.timedelta(days=rng.randint(90, min(lived, 500)))
            elif rng.random() < 0.15 and lived > 365:
                fact.outcome = Outcome.ENDED_POSITIVE
                fact.ended_on = fact.housed_on + datetime.timedelta(days=rng.randint(365, lived))
    CaseFact.objects.bulk_create(facts, batch_size=1000)
    CaseFactSearchArea.objects.bulk_create(
        [CaseFactSearchArea(fact=facts[index], municipality_id=pk) for index, pk in areas], batch_size=1000
    )
    return []
