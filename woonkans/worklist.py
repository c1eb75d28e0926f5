"""The counters of 'Mijn werkvoorraad': each app registers what waits for a user in its own lists.

The home (woonkans.accounts) must not import the feature apps, so each app registers a provider from
its AppConfig.ready, as the read interfaces in woonkans.cases do. A provider takes the user and returns
``WorkCount`` rows, each counted with ONE query (a count of at most CAP + 1 rows and the stage's oldest
start) on the very queryset the linked list shows, so the count equals the list's total (or says "meer
dan 99", and the list holds more) and the home's query count does not grow with the rows. Providers
check roles before they query: a role without counters costs nothing.

Ages are computed by the home from ``since`` (the start of the current stage, the same timestamps the
lead-time app reads) and, with ``step``, marked overdue against that step's target lead time.
"""

import dataclasses
import datetime

_PROVIDERS = []  # provider(user) -> [WorkCount]

# A count stops here: the home reads at most CAP + 1 rows per list and says "meer dan 99" beyond it,
# so it costs the same whatever the region holds. The list behind the link still shows its total.
CAP = 99


@dataclasses.dataclass(frozen=True)
class WorkCount:
    role: str  # the role whose panel shows it (accounts.roles.Role value)
    key: str  # stable, for tests and anchors: "<app>.<list>"
    label: str  # Dutch, plural sense: "Nieuwe aanmeldingen"
    count: int  # at most CAP; ``capped``: more than that wait (the home says "meer dan")
    url: str  # the list, filtered to exactly the counted items
    since: datetime.datetime | datetime.date | None = None  # oldest start of the current stage
    step: str = ""  # leadtimes.Step value whose target marks the oldest as overdue
    age_unit: str = "working_days"  # or "days"
    due: datetime.date | None = None  # earliest deadline (requests with a legal term)
    overdue: int = 0  # items past their deadline (with ``due``)
    order: int = 100  # position within the role's panel
    capped: bool = False


def register(provider):
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def counts_for(user):
    """Every registered counter for the user; only rows with something waiting."""
    if not user.is_authenticated:
        return []
    found = []
    for provider in _PROVIDERS:
        found.extend(row for row in provider(user) if row.count)
    return sorted(found, key=lambda row: (row.order, row.key))


def role_of(user, roles):
    """The first of ``roles`` the user holds: the panel a row shared by several roles goes to."""
    return next((role for role in roles if user.has_role(role)), None)


def _select(queryset):
    """The SQL and parameters of ``queryset``, or None when it can hold no rows (``.none()``, ``pk__in=[]``)."""
    from django.core.exceptions import EmptyResultSet

    if queryset.query.is_empty():
        return None
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        return None


def _capped_part(queryset, since_field):
    """A one-row derived table on ``queryset`` (count, oldest): at most CAP + 1 rows are read, the first
    ones in the order of ``since_field``, so their MIN is the oldest of all, however many there are.

    One pass, no COUNT DISTINCT (none of these querysets joins rows that repeat a pk); where an index
    serves the order (or the filter) PostgreSQL stops after CAP + 1 rows. None when the queryset is
    empty by construction (``.none()``)."""
    from django.db.models import F

    base = queryset.order_by()
    # The start is named inside the derived table: SQLite (the demo's database) has no column list
    # after a table alias ("AS capped (start)").
    first = base.order_by(since_field).values(capped_start=F(since_field)) if since_field else base.values("pk")
    compiled = _select(first[: CAP + 1])
    if compiled is None:
        return None
    sql, params = compiled
    oldest = "MIN(capped.capped_start)" if since_field else "NULL"
    # Django compiled ``sql`` (the values stay parameters); only the outer names are ours.
    return f"(SELECT COUNT(*), {oldest} FROM ({sql}) AS capped)", list(params)  # noqa: S608


def measure_many(queryset_and_fields):
    """[(count up to CAP, capped, oldest)] of several (queryset, since_field) pairs in ONE query."""
    from django.db import connections

    parts, params, db = [], [], None
    for queryset, since_field in queryset_and_fields:
        compiled = _capped_part(queryset, since_field)
        parts.append(compiled and compiled[0])
        if compiled is not None:
            params += compiled[1]
            db = queryset.db
    row = iter(())
    if db is not None:
        tables = ", ".join(f"{part} AS m{n}" for n, part in enumerate(parts) if part)
        with connections[db].cursor() as cursor:
            cursor.execute(f"SELECT * FROM {tables}", params)  # noqa: S608 - our subqueries, Django's SQL
            row = iter(cursor.fetchone())
    result = []
    for part in parts:
        counted, oldest = (next(row), next(row)) if part else (0, None)
        result.append((min(counted, CAP), counted > CAP, _from_text(oldest)))
    return result


def _from_text(value):
    """SQLite (the demo's database) returns a raw MIN() as text, having no column type to convert it by;
    PostgreSQL returns the date or datetime itself. Datetimes are stored in UTC."""
    import datetime

    from django.utils import timezone
    from django.utils.dateparse import parse_date, parse_datetime

    if not isinstance(value, str):
        return value
    if len(value) == len("2026-12-03"):
        return parse_date(value)
    moment = parse_datetime(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)


def measure(queryset, since_field):
    """(count up to CAP, capped, oldest start) of a list's queryset in one query; its ordering dropped."""
    return measure_many([(queryset, since_field)])[0]


def measure_by(queryset, field, since_fields):
    """{value: (count up to CAP, capped, oldest)} for several values of ``field`` in ONE query (a list's
    status filter, counted per status at once); ``since_fields`` maps each value to the field where its
    stage starts."""
    values = list(since_fields)
    measured = measure_many([(queryset.filter(**{field: value}), since_fields[value]) for value in values])
    return dict(zip(values, measured, strict=True))


def row(role, key, label, queryset, since_field, url, **extra):
    """A WorkCount for the list ``url`` shows from ``queryset``: counted, with its oldest start, in one query.

    The apps' counters build their rows alike through this; ``extra`` are WorkCount's other fields."""
    count, capped, oldest = measure(queryset, since_field)
    return WorkCount(role=role, key=key, label=str(label), count=count, capped=capped, url=url, since=oldest, **extra)
