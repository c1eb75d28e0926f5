"""How a count of 'Mijn werkvoorraad' reads: its age in Dutch and whether it is overdue, in words.

The age is the time in the current stage of the oldest item (the start the counting app reports, the
same timestamps leadtimes.waiting reads), in working days (leadtimes.workdays) or calendar days. A row
tied to a lead-time step is overdue once its oldest item started before that step's cut-off
(leadtimes.waiting.cut_off, the same rule as "Wacht te lang"); a row with a deadline says how many are
past it. Overdue is said in text, never by colour alone.
"""

import dataclasses
import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclasses.dataclass(frozen=True)
class WorkRow:
    role: str
    key: str
    label: str
    count: int
    url: str
    total: str  # the count as shown: "12", or "meer dan 99" when the count stopped at the cap
    age: str  # "oudste: 12 werkdagen" or "eerstvolgende datum: 12-12-2026 (over 5 dagen)"; "" when unknown
    late: str  # "" or e.g. "langer dan de doorlooptijd van 10 werkdagen", "2 over de termijn"


def _day(value):
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def _days(n):
    return ngettext("%(n)s dag", "%(n)s dagen", n) % {"n": n}


def _working_days(n):
    return ngettext("%(n)s werkdag", "%(n)s werkdagen", n) % {"n": n}


def _age(row, today):
    from leadtimes.workdays import working_days_between

    started = _day(row.since)
    if row.age_unit == "working_days":
        n = working_days_between(started, today)
        waited = _working_days(n)
    else:
        n = max((today - started).days, 0)
        waited = _days(n)
    if n == 0:
        return _("oudste: van vandaag") if row.count > 1 else _("sinds vandaag")
    return (_("oudste: %(age)s") if row.count > 1 else _("wacht %(age)s")) % {"age": waited}


def _total(row):
    """The count in words the list uses for its own capped total ("meer dan 99")."""
    if row.capped:
        return _("meer dan %(cap)s") % {"cap": formats.number_format(row.count, force_grouping=True)}
    return formats.number_format(row.count, force_grouping=True)


def _due(row, today):
    date = formats.date_format(row.due, "d-m-Y")
    delta = (row.due - today).days
    if delta > 0:
        when = _("over %(days)s") % {"days": _days(delta)}
    elif delta == 0:
        when = _("vandaag")
    else:
        when = _("%(days)s geleden") % {"days": _days(-delta)}
    return _("eerste datum: %(date)s (%(when)s)") % {"date": date, "when": when}


def _late_for_target(row, targets, today):
    from leadtimes.models import Unit
    from leadtimes.waiting import cut_off

    target = targets.get(row.step)
    if target is None or row.since is None or _day(row.since) >= cut_off(target, today):
        return ""
    unit = (
        _working_days(target.amount)
        if target.unit == Unit.WORKING_DAYS
        else (ngettext("%(n)s maand", "%(n)s maanden", target.amount) % {"n": target.amount})
    )
    return _("te laat: langer dan de doorlooptijd van %(target)s") % {"target": unit}


def present(rows, *, today):
    """WorkRows for the home; the lead-time targets are read once (one query), only when a row needs them."""
    targets = {}
    if any(row.step and row.since for row in rows):
        from leadtimes.waiting import targets as lead_time_targets

        targets = lead_time_targets()
    presented = []
    for row in rows:
        if row.due is not None:
            age = _due(row, today)
            late = (
                ngettext("te laat: %(n)s over de datum", "te laat: %(n)s over de datum", row.overdue)
                % {"n": row.overdue}
                if row.overdue
                else ""
            )
        else:
            age = _age(row, today) if row.since is not None else ""
            late = _late_for_target(row, targets, today) if row.step else ""
        presented.append(
            WorkRow(
                role=row.role,
                key=row.key,
                label=row.label,
                count=row.count,
                url=row.url,
                total=_total(row),
                age=age,
                late=late,
            )
        )
    return presented
