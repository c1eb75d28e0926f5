"""Working days: Monday to Friday, minus the Dutch public holidays.

No maintained holiday library (`holidays`, `workalendar`) is installed, so this small, tested function
stands in: the fixed-date holidays (Nieuwjaarsdag, Koningsdag, both Christmas days) and the ones that
follow Easter (Tweede Paasdag, Hemelvaartsdag, Tweede Pinksterdag), with Easter from python-dateutil
(a dependency of Celery). Goede Vrijdag and Bevrijdingsdag are not general days off and count as
working days. Swap in `holidays.NL()` here if that library is ever added.
"""

from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter


@lru_cache(maxsize=64)
def dutch_holidays(year):
    easter_sunday = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday it moves to the Saturday before
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),
            kings_day,
            date(year, 12, 25),
            date(year, 12, 26),
            easter_sunday + timedelta(days=1),
            easter_sunday + timedelta(days=39),
            easter_sunday + timedelta(days=50),
        }
    )


def is_working_day(day):
    return day.weekday() < 5 and day not in dutch_holidays(day.year)


def working_days_between(start, end):
    """Working days after `start` up to and including `end` (0 when end <= start).

    Counted, not walked: five a full week, the weekdays of the days left, minus the holidays on a
    weekday in between. The home page counts this for every overdue case; walking day by day cost
    a case waiting a year 365 steps (benchmarks/NOTES.md).
    """
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    first = start.weekday()
    count = weeks * 5 + sum(1 for offset in range(1, rest + 1) if (first + offset) % 7 < 5)
    for year in range(start.year, end.year + 1):
        count -= sum(1 for holiday in dutch_holidays(year) if start < holiday <= end and holiday.weekday() < 5)
    return count


def nth_working_day_back(end, n):
    """The n-th working day counted back from `end` (itself included): a start before it has waited >= n days."""
    day = end
    found = 0
    while True:
        if is_working_day(day):
            found += 1
            if found == n:
                return day
        day -= timedelta(days=1)
