"""The request list's filters (django-filter): parameter names are the model's field names."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from woonkans.lists import CaseListFilter, Sort

from .models import SubjectRequest
from .workflow import RequestKind, RequestStatus

REQUEST_SORTS = (
    Sort("number", ("number",)),
    Sort("received_on", ("received_on",)),
    # Pending first, then by deadline: the list's default.
    Sort("due_on", ("pending_first", "due_on", "registered_at")),
    Sort("status", ("status",)),
)


class RequestFilter(CaseListFilter):
    kind = django_filters.ChoiceFilter(label=_("Soort verzoek"), choices=RequestKind.choices, empty_label=_("Alle"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices, empty_label=_("Alle"))

    class Meta:
        model = SubjectRequest
        fields = ["q", "kind", "status"]

    def filter_case_number(self, queryset, name, value):
        """The request's number or its case's: both shown in the list."""
        value = value.strip().upper()
        return queryset.filter(Q(number__contains=value) | Q(referral__number__contains=value)) if value else queryset
