"""The werkgroep's lists (django-filter): parameter names are the model's field names.

Members and meetings belong to no case: there is no case code to search (SOK art. 8.6).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from woonkans.lists import Sort

from .models import Seat, WerkgroepMeeting, WerkgroepMember

MEMBER_SORTS = (
    Sort("seat", ("seat",)),
    Sort("organisation", ("organisation__name",)),
    Sort("since", ("since",)),
)
MEETING_SORTS = (Sort("held_on", ("held_on",)),)


class MemberFilter(django_filters.FilterSet):
    seat = django_filters.ChoiceFilter(label=_("Zetel"), choices=Seat.choices, empty_label=_("Alle"))

    class Meta:
        model = WerkgroepMember
        fields = ["seat"]


class WerkgroepMeetingFilter(django_filters.FilterSet):
    held_on__year = django_filters.NumberFilter(field_name="held_on", lookup_expr="year", label=_("Jaar"))

    class Meta:
        model = WerkgroepMeeting
        fields = ["held_on__year"]
