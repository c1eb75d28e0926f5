"""The demo's 24 months of anonymous history: over time, in both regions, with real lead times and outcomes."""

import datetime

import pytest
from django.utils import timezone

from monitoring import figures
from monitoring.demo import seed_demo_history
from monitoring.models import CaseFact, Outcome

pytestmark = pytest.mark.django_db


def test_the_history_spans_24_months_in_both_regions_with_real_lead_times():
    seed_demo_history()
    seed_demo_history()  # a second run adds nothing
    facts = CaseFact.objects.filter(imported=True)
    assert 250 <= facts.count() <= 320
    today = timezone.localdate()
    oldest = facts.order_by("reported_on").first().reported_on
    assert today - oldest > datetime.timedelta(days=600)
    assert facts.values("region").distinct().count() == 2
    start = today - datetime.timedelta(days=730)
    steps = figures.lead_times(start, today)
    assert all(step["count"] >= 5 and step["median"] > 5 for step in steps)
    # Of those housed more than a year ago, about four in five still live there (or ended well).
    year_ago = facts.filter(housed_on__lte=today - datetime.timedelta(days=365))
    negative = year_ago.filter(outcome=Outcome.ENDED_NEGATIVE).count()
    assert year_ago.count() >= 20 and 0 < negative <= year_ago.count() * 0.3
    assert facts.filter(eligible=False).exclude(ineligible_reason="").exists()
