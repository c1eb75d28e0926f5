"""Lists that scale: django-filter filters, a whitelisted sort, one page, and a capped total.

Every list page of the portal goes through ``list_page``. Its costs do not grow with the number of
cases a user may see: the page is one query of ``page_size + 1`` rows (the extra row says whether a
next page exists) that also counts the list up to ``COUNT_CAP`` only ("meer dan 1.000") in a scalar
subquery, so a list runs the same queries with 5 rows or 100,000; the sort is one of the columns the
list declares (indexed), never a free field name from the query string. Pages stop at ``MAX_PAGE``:
an offset costs the rows it skips, at most ``MAX_PAGE * page_size`` whatever the size of the table.

The filters run on the queryset the selector returned (already limited to what the user may see),
so a filter can only narrow it. Query parameters (docs/lists.md): the model's field names for
filters, ``q`` for the case number, ``sort`` (``-`` for descending), ``page`` (``pagina`` still works).
"""

from dataclasses import dataclass, field

import django_filters
from django.db.models import F, IntegerField, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

COUNT_CAP = 1000
PAGE_SIZE = 25
PAGE_PARAMS = ("page", "pagina")
SHORT_LIST = 10  # on a page of several lists, one this short shows no filter form (see ListPage.shows_filters)
MAX_PAGE = 1000  # a page beyond this is not a list anyone reads; it bounds the offset (docs/lists.md)
TOTAL = "_list_total"  # the annotation that carries the capped count on every row of the page


class CappedCount(Subquery):
    """``(SELECT COUNT(*) FROM (<the list's ids, LIMIT cap + 1>))`` in the page's own SELECT.

    It names no column of the outer query, so PostgreSQL runs it once (an InitPlan, when the first
    row is returned) and never per row: the count costs at most ``COUNT_CAP + 1`` rows and no round
    trip of its own.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped_list)"
    output_field = IntegerField()


@dataclass(frozen=True)
class Sort:
    """A sortable column: the query-string key and the fields it orders by (ascending)."""

    key: str
    fields: tuple
    nullable: bool = False

    def order_by(self, descending):
        if self.nullable:
            # Nulls last either way, so the empty dates do not open the list.
            return [
                F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True) for name in self.fields
            ]
        # Plain names: an index on the column serves the order (NULLS LAST on a descending scan would not).
        return [f"-{name}" if descending else name for name in self.fields]


@dataclass
class ListPage:
    rows: list
    number: int
    page_size: int
    has_next: bool
    total: int
    capped: bool
    sort: str
    filterset: object = None
    params: dict = field(default_factory=dict)  # the other query parameters (filters), for links
    prefix: str = ""  # a page with more than one list: this list's parameters are "<prefix>-page" etc.

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    @property
    def filtered(self):
        """Does one of this list's own filters narrow it?"""
        return any(getattr(getattr(self.filterset, "form", None), "cleaned_data", {}).values())

    @property
    def shows_filters(self):
        """A short list on a page of several lists does without its filter form (the others keep theirs)."""
        return self.filtered or self.total > SHORT_LIST

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def num_pages(self):
        return None if self.capped else max(1, -(-self.total // self.page_size))

    @property
    def start_index(self):
        return (self.number - 1) * self.page_size + 1 if self.rows else 0

    @property
    def end_index(self):
        return (self.number - 1) * self.page_size + len(self.rows)

    @property
    def cap(self):
        return COUNT_CAP

    def query(self, **changes):
        """The query string with the filters kept and ``changes`` applied (None drops a key)."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        for key, values in self.params.items():
            query.setlist(key, values)
        if self.sort:
            query[self.key("sort")] = self.sort
        for key, value in changes.items():
            key = self.key(key) if key in ("sort", "page") else key
            if value is None:
                query.pop(key, None)
            else:
                query[key] = value
        return query.urlencode()

    def key(self, name):
        """The query parameter of this list (``sort``, ``page``) on a page that may hold more lists."""
        return f"{self.prefix}-{name}" if self.prefix else name


def _page_number(data, prefix=""):
    for name in (f"{prefix}-page",) if prefix else PAGE_PARAMS:
        value = data.get(name)
        if value and value.isdigit():
            return max(1, min(int(value), MAX_PAGE))
    return 1


def _sort(data, sorts, default, prefix=""):
    """The requested sort if the list declares it, the default otherwise (a foreign key is ignored)."""
    by_key = {sort.key: sort for sort in sorts}
    requested = (data.get(f"{prefix}-sort" if prefix else "sort") or "").strip()
    key = requested.removeprefix("-")
    if key not in by_key:
        requested = default
        key = default.removeprefix("-")
    return requested, by_key[key].order_by(requested.startswith("-"))


def list_page(
    request,
    queryset,
    *,
    sorts,
    default_sort,
    filterset_class=None,
    page_size=PAGE_SIZE,
    aliases=None,
    prefix="",
    count_queryset=None,
    **filter_kwargs,
):
    """Filter, sort and cut one page of ``queryset`` (already limited to what the user may see).

    ``aliases`` maps an older parameter name to the field name it now has (links keep working).
    ``prefix`` names this list's parameters where a page shows more than one list (``ended-page``,
    ``ended-sort``, ``ended-q``): each list pages and sorts on its own, the others keep their state.
    ``count_queryset``: the same rows as ``queryset`` read from state kept for counting (the trajectories'
    grants copied onto the match), so the capped count walks an index instead of checking each row the
    way the page does; the filters narrow it as they narrow the list.
    """
    data = request.GET
    if aliases and any(old in data for old in aliases):
        data = data.copy()
        for old, new in aliases.items():
            if old in data:
                value = data.pop(old)
                if new not in data:
                    data.setlist(new, value)
    filterset = None
    if filterset_class is not None:
        if prefix:
            filter_kwargs["prefix"] = prefix
        filterset = filterset_class(data, queryset=queryset, request=request, **filter_kwargs)
        # An invalid value of one filter drops that filter only: the rest still narrows the list.
        filterset.is_valid()
        queryset = filterset.qs
        if count_queryset is not None:
            counted = filterset_class(data, queryset=count_queryset, request=request, **filter_kwargs)
            counted.is_valid()
            count_queryset = counted.qs
    sort, ordering = _sort(data, sorts, default_sort, prefix)
    queryset = queryset.order_by(*ordering, "-pk")
    number = _page_number(data, prefix)
    offset = (number - 1) * page_size
    capped_ids = (queryset if count_queryset is None else count_queryset).order_by().values("pk")[: COUNT_CAP + 1]
    rows = list(queryset.annotate(**{TOTAL: CappedCount(capped_ids)})[offset : offset + page_size + 1])
    has_next = len(rows) > page_size
    rows = rows[:page_size]
    if not has_next and (rows or number == 1):
        # The last page says the total itself (exact, also past the cap).
        total, capped = offset + len(rows), False
    else:
        # A page past the end has no row to carry the count: only then is it a query of its own.
        counted = _total_of(rows[0]) if rows else capped_ids.count()
        total, capped = min(counted, COUNT_CAP), counted > COUNT_CAP
    own = (f"{prefix}-page", f"{prefix}-sort") if prefix else (*PAGE_PARAMS, "sort")
    params = {key: data.getlist(key) for key in data if key not in own and data.get(key)}
    return ListPage(
        rows=rows,
        number=number,
        page_size=page_size,
        has_next=has_next,
        total=total,
        capped=capped,
        sort=sort,
        filterset=filterset,
        params=params,
        prefix=prefix,
    )


def _total_of(row):
    return row[TOTAL] if isinstance(row, dict) else getattr(row, TOTAL)


class CaseListFilter(django_filters.FilterSet):
    """Base of the portal's filter sets: ``q`` searches the case number (never a name: names by POST)."""

    q = django_filters.CharFilter(label=_("Zaaknummer"), method="filter_case_number")
    case_number_field = "number"

    def filter_case_number(self, queryset, name, value):
        value = value.strip().upper()
        if not value:
            return queryset
        return queryset.filter(**{f"{self.case_number_field}__contains": value})


def yes_no_filter(label, method):
    """A yes/no filter whose empty choice reads "Alle" (Django's own says "Onbekend"): ?name=true narrows."""
    from django import forms

    widget = forms.NullBooleanSelect()
    widget.choices = (("unknown", _("Alle")), ("true", _("Ja")), ("false", _("Nee")))
    return django_filters.BooleanFilter(label=label, method=method, widget=widget)


def row_urls(viewname, rows):
    """``pk -> URL`` of ``viewname`` for the rows of one page: reversed once a page, not once a row (~50 µs a
    row, a tenth of a full page's rendering). See ``urls_like``."""
    if not rows:
        return lambda pk: reverse(viewname, args=[pk])
    return urls_like(viewname, rows[0].pk)


def urls_like(viewname, key):
    """``key -> URL`` of ``viewname`` (one argument: an id or a UUID), reversed once for ``key`` and split at
    it. Where ``key`` is not exactly once in that URL, as a whole path segment (``/jaar/2026/2026/``),
    every key is reversed."""
    each = lambda other: reverse(viewname, args=[other])  # noqa: E731
    key = str(key)
    sample = reverse(viewname, args=[key])
    if sample.count(key) != 1:
        return each
    before, after = sample.split(key)
    if not (before.endswith("/") and after.startswith("/")):
        return each
    return lambda other: f"{before}{other}{after}"
