"""The filters of the referral lists (django-filter): parameter names are the model's field names."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from woonkans.lists import CaseListFilter, Sort

from .forms import active_municipalities
from .models import Referral
from .workflow import COARSE, CoarseStatus, Status

MUNICIPALITY_LIST_SORTS = (
    Sort("number", ("number",)),
    Sort("status", ("status",)),
    Sort("created_at", ("created_at",)),
)
INBOX_SORTS = (
    Sort("number", ("number",)),
    Sort("municipality", ("municipality__name",)),
    Sort("submitted_at", ("submitted_at",), nullable=True),
)
REPORT_SORTS = (
    Sort("municipality", ("municipality__name",)),
    Sort("created_at", ("created_at",)),
)


class ReferralFilter(CaseListFilter):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("Alle"))

    class Meta:
        model = Referral
        fields = ["q", "status"]


class InboxFilter(CaseListFilter):
    municipality = django_filters.ModelChoiceFilter(
        label=_("Gemeente"), queryset=active_municipalities(), empty_label=_("Alle")
    )

    class Meta:
        model = Referral
        fields = ["q", "municipality"]


class ReportFilter(django_filters.FilterSet):
    """A care provider sees the coarse status only; it filters on that, never on the research status."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CoarseStatus.choices, empty_label=_("Alle"), method="filter_coarse"
    )

    class Meta:
        model = Referral
        fields = ["status"]

    def filter_coarse(self, queryset, name, value):
        return queryset.filter(status__in=[status for status, coarse in COARSE.items() if coarse == value])


class NameSearchForm(forms.Form):
    """A name is searched by POST only: it never lands in a URL or a server log."""

    name = forms.CharField(label=_("Naam van de inwoner"), max_length=100, min_length=2)


def filter_by_name(queryset, name, path=""):
    """``path`` leads from the queryset's model to the referral (``profile__referral__`` for a match)."""
    words = name.split()
    for word in words:
        queryset = queryset.filter(
            Q(**{f"{path}identity__given_name__icontains": word})
            | Q(**{f"{path}identity__family_name__icontains": word})
        )
    return queryset
