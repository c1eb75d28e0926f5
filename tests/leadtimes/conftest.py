import datetime

import pytest
from django.utils import timezone

from leadtimes.workdays import nth_working_day_back


def worked_start(waited):
    """A moment whose working days up to today number exactly `waited`."""
    day = nth_working_day_back(timezone.localdate(), waited + 1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def today():
    return timezone.localdate()
