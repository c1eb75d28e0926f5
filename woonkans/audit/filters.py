"""The log search's filters (django-filter). Dates are whole days: from 00:00 up to the next day."""

import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.lists import Sort

from .models import AccessLog, LoginEvent

LOG_SORTS = (Sort("at", ("at",)),)


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class _LogFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(label=_("Gebruikersnaam"), lookup_expr="iexact")
    date_from = django_filters.DateFilter(label=_("Vanaf"), method="filter_from")
    date_to = django_filters.DateFilter(label=_("Tot en met"), method="filter_to")

    # A range on the indexed timestamp (not ``at__date``, which reads every row).
    def filter_from(self, queryset, name, value):
        return queryset.filter(at__gte=_start_of(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(at__lt=_start_of(value + datetime.timedelta(days=1)))


class AccessLogFilter(_LogFilter):
    subject = django_filters.CharFilter(label=_("Betrokkene (pseudoniem of id)"))

    class Meta:
        model = AccessLog
        fields = ["username", "subject", "date_from", "date_to"]


class LoginLogFilter(_LogFilter):
    class Meta:
        model = LoginEvent
        fields = ["username", "date_from", "date_to"]
