"""The counters of 'Mijn werkvoorraad': each app registers what waits for a user in its own lists.

The home (woonkans.accounts) must not import the feature apps, so each app registers a provider from
its AppConfig.ready, as the read interfaces in woonkans.cases do. A provider takes the user and returns
``WorkCount`` rows, each counted with ONE aggregate query (COUNT and MIN of the stage's start) on the
very queryset the linked list shows, so the count equals the list's total and the home's query count
does not grow with the rows. Providers check roles before they query: a role without counters costs
nothing.

Ages are computed by the home from ``since`` (the start of the current stage, the same timestamps the
lead-time app reads) and, with ``step``, marked overdue against that step's target lead time.
"""

import dataclasses
import datetime

_PROVIDERS = []  # provider(user) -> [WorkCount]


@dataclasses.dataclass(frozen=True)
class WorkCount:
    role: str  # the role whose panel shows it (accounts.roles.Role value)
    key: str  # stable, for tests and anchors: "<app>.<list>"
    label: str  # Dutch, plural sense: "Nieuwe aanmeldingen"
    count: int
    url: str  # the list, filtered to exactly the counted items
    since: datetime.datetime | datetime.date | None = None  # oldest start of the current stage
    step: str = ""  # leadtimes.Step value whose target marks the oldest as overdue
    age_unit: str = "working_days"  # or "days"
    due: datetime.date | None = None  # earliest deadline (requests with a legal term)
    overdue: int = 0  # items past their deadline (with ``due``)
    order: int = 100  # position within the role's panel


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


def aggregate(queryset, since_field):
    """(count, oldest) of a list's queryset in one query; ordering and annotations of the list dropped."""
    from django.db.models import Count, Min

    if since_field is None:
        return queryset.order_by().aggregate(n=Count("pk", distinct=True))["n"], None
    result = queryset.order_by().aggregate(n=Count("pk", distinct=True), oldest=Min(since_field))
    return result["n"], result["oldest"]


def aggregate_by(queryset, field, since_fields):
    """{value: (count, oldest)} for several values of ``field`` in ONE query; ``since_fields`` maps each
    value to the field where its stage starts (a list's status filter, counted per status at once)."""
    from django.db.models import Count, Min, Q

    found = {}
    for value, since_field in since_fields.items():
        found[f"n_{value}"] = Count("pk", filter=Q(**{field: value}), distinct=True)
        found[f"oldest_{value}"] = Min(since_field, filter=Q(**{field: value}))
    result = queryset.filter(**{f"{field}__in": list(since_fields)}).order_by().aggregate(**found)
    return {value: (result[f"n_{value}"], result[f"oldest_{value}"]) for value in since_fields}


def row(role, key, label, queryset, since_field, url, **extra):
    """A WorkCount for the list ``url`` shows from ``queryset``: counted, with its oldest start, in one query.

    The apps' counters build their rows alike through this; ``extra`` are WorkCount's other fields."""
    count, oldest = aggregate(queryset, since_field)
    return WorkCount(role=role, key=key, label=str(label), count=count, url=url, since=oldest, **extra)
