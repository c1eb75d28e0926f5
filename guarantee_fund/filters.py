"""The fund's list filters (django-filter): parameter names are the model's field names."""

import django_filters
from django.db.models import Q
from django.forms import DateInput
from django.utils.translation import gettext_lazy as _

from woonkans.lists import CaseListFilter, Sort
from woonkans.parties.models import Organisation, OrganisationKind

from .models import Claim, ClaimStatus, ContributionRound, EntryKind, LedgerEntry, RoundKind

CLAIM_SORTS = (
    Sort("number", ("number",)),
    Sort("code", ("code", "filed_at")),
    Sort("filed_at", ("filed_at", "created_at"), nullable=True),
    Sort("claimed", ("claimed_total",), nullable=True),
    Sort("approved_cents", ("approved_cents",), nullable=True),
    Sort("status", ("status",)),
    # The Dutch keys the list used before (links and bookmarks keep working).
    Sort("ingediend", ("filed_at", "created_at"), nullable=True),
    Sort("geclaimd", ("claimed_total",), nullable=True),
    Sort("toegekend", ("approved_cents",), nullable=True),
)
CLAIM_ALIASES = {"sorteer": "sort"}


class ClaimFilter(CaseListFilter):
    # Repeatable (?status=a&status=b): the home's counts link here with the statuses they count.
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=ClaimStatus.choices)
    corporation = django_filters.ModelChoiceFilter(
        label=_("Corporatie"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.CORPORATION).order_by("name"),
        empty_label=_("Alle"),
    )

    class Meta:
        model = Claim
        fields = ["q", "status", "corporation"]

    def filter_case_number(self, queryset, name, value):
        """The claim's number or the case's code: both shown in the list."""
        value = value.strip().upper()
        return queryset.filter(Q(number__contains=value) | Q(code__contains=value)) if value else queryset


LEDGER_SORTS = (
    Sort("id", ("id",)),
    Sort("booked_on", ("booked_on", "id")),
    Sort("amount_cents", ("amount_cents",)),
)


class LedgerFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Soort"), choices=EntryKind.choices, empty_label=_("Alle"))
    party = django_filters.ModelChoiceFilter(
        label=_("Partij"), queryset=Organisation.objects.order_by("name"), empty_label=_("Alle")
    )
    booked_from = django_filters.DateFilter(
        label=_("Geboekt vanaf"), field_name="booked_on", lookup_expr="gte", widget=DateInput(attrs={"type": "date"})
    )
    booked_to = django_filters.DateFilter(
        label=_("Geboekt tot en met"),
        field_name="booked_on",
        lookup_expr="lte",
        widget=DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = LedgerEntry
        fields = ["kind", "party", "booked_from", "booked_to"]


ROUND_SORTS = (
    Sort("number", ("number",)),
    Sort("opened_at", ("opened_at",)),
    Sort("due_on", ("due_on",)),
)


class RoundFilter(django_filters.FilterSet):
    """Rounds bill parties, not cases: ``q`` is the round's own number."""

    q = django_filters.CharFilter(label=_("Rondenummer"), method="filter_number")
    kind = django_filters.ChoiceFilter(label=_("Soort ronde"), choices=RoundKind.choices, empty_label=_("Alle"))

    class Meta:
        model = ContributionRound
        fields = ["q", "kind"]

    def filter_number(self, queryset, name, value):
        digits = "".join(character for character in value if character.isdigit())
        return queryset.filter(number=int(digits)) if digits else queryset
