from datetime import date, timedelta

import pytest

from leadtimes.workdays import dutch_holidays, is_working_day, nth_working_day_back, working_days_between


def test_a_weekend_is_not_counted():
    friday, monday = date(2026, 11, 27), date(2026, 11, 30)
    assert working_days_between(friday, monday) == 1
    assert working_days_between(friday, friday) == 0
    assert working_days_between(monday, friday) == 0


def test_christmas_and_the_easter_holidays_are_not_counted():
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 28)) == 1  # 25, 26 (Sat), 27 (Sun)
    # Goede Vrijdag is a working day; Tweede Paasdag (6 April 2026) is not.
    assert is_working_day(date(2026, 4, 3))
    assert working_days_between(date(2026, 4, 3), date(2026, 4, 7)) == 1


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2026, {date(2026, 4, 6), date(2026, 4, 27), date(2026, 5, 14), date(2026, 5, 25)}),
        # Koningsdag on a Sunday moves to the Saturday before.
        (2025, {date(2025, 4, 21), date(2025, 4, 26), date(2025, 5, 29), date(2025, 6, 9)}),
    ],
)
def test_dutch_holidays(year, expected):
    holidays = dutch_holidays(year)
    assert expected <= holidays
    assert {date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)} <= holidays
    assert date(year, 5, 5) not in holidays  # Bevrijdingsdag is not a general day off


def test_counting_back_matches_counting_forward():
    end = date(2026, 12, 29)
    for n in (1, 2, 5, 10, 20):
        cut = nth_working_day_back(end, n)
        for offset in range(0, 60):
            start = end - timedelta(days=offset)
            assert (working_days_between(start, end) >= n) == (start < cut), (n, start)


def test_counting_working_days_agrees_with_walking_them_day_by_day():
    """The closed form (weeks, the days left, holidays) against the definition, over years and their edges."""
    from datetime import date, timedelta

    def walked(start, end):
        return sum(is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))

    starts = [date(2024, 12, 20) + timedelta(days=n) for n in range(0, 20)]
    for start in starts:
        for length in (*range(0, 30), 180, 365, 366, 400, 800):
            end = start + timedelta(days=length)
            assert working_days_between(start, end) == walked(start, end), (start, end)
