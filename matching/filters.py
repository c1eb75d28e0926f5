"""The filters of the matching lists (django-filter): parameter names are the model's field names."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from woonkans.choices import AgeBand
from woonkans.lists import CaseListFilter, Sort, yes_no_filter
from woonkans.parties.models import Organisation, OrganisationKind

from .models import (
    AgendaItem,
    CaseMeeting,
    Handover,
    Match,
    Meeting,
    Profile,
    ProfileShare,
    ProfileStatus,
    ProviderChange,
    ShareResponse,
    SignalKind,
)

PROFILE_SORTS = (
    Sort("code", ("code",)),
    Sort("status", ("status",)),
    Sort("created_at", ("created_at",)),
)
TABLE_SORTS = (
    Sort("code", ("profile__code",)),
    Sort("response", ("response",)),
    Sort("shared_at", ("shared_at",)),
)
# Links made before the lists used field names keep working.
TABLE_ALIASES = {"reactie": "response", "leeftijd": "age_band", "gemeente": "municipality"}


def _municipalities():
    return Organisation.objects.active().filter(kind=OrganisationKind.MUNICIPALITY).order_by("name")


class ProfileFilter(CaseListFilter):
    """The regisseur's profiles: ``q`` finds the profile code or the case number."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProfileStatus.choices, empty_label=_("Alle"))
    # The home's "aanbod wacht op het overleg" links here with shares__response=offer.
    shares__response = django_filters.ChoiceFilter(
        label=_("Reactie van een corporatie"),
        choices=ShareResponse.choices[1:],
        empty_label=_("Alle"),
        method="filter_share_response",
    )

    # The home's "vragen van corporaties" links here: a thread whose last word is a corporation's.
    question_waiting = yes_no_filter(_("Vraag van een corporatie wacht"), "filter_question")

    class Meta:
        model = Profile
        fields = ["q", "status", "shares__response", "question_waiting"]

    def filter_question(self, queryset, name, value):
        from . import waiting

        if value is None:
            return queryset
        asked = waiting.with_question_waiting(queryset)
        return asked if value else queryset.exclude(pk__in=asked.values("pk"))

    def filter_share_response(self, queryset, name, value):
        from .selectors import _offers

        return queryset.filter(Exists(_offers(value)))

    def filter_case_number(self, queryset, name, value):
        value = value.strip().upper()
        if not value:
            return queryset
        return queryset.filter(Q(code__contains=value) | Q(referral__number__contains=value))


class MatchingTableFilter(django_filters.FilterSet):
    """The corporation's table. Content filters match available rows only (a stopped case shows its code)."""

    q = django_filters.CharFilter(label=_("Code"), method="filter_code")
    response = django_filters.ChoiceFilter(label=_("Reactie"), choices=ShareResponse.choices[1:], empty_label=_("Alle"))
    age_band = django_filters.ChoiceFilter(
        label=_("Leeftijd"), choices=AgeBand.choices, empty_label=_("Alle"), method="filter_available"
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Zoekgebied"), queryset=_municipalities(), empty_label=_("Alle"), method="filter_area"
    )

    # The home's count of shares awaiting the corporation's answer links here with this.
    responded_at__isnull = yes_no_filter(_("Nog niet beantwoord"), "filter_awaiting")

    # The home's "berichten van de regisseur" links here: the regisseur wrote last, after the answer.
    message_waiting = yes_no_filter(_("Bericht van de regisseur wacht"), "filter_message")

    class Meta:
        model = ProfileShare
        fields = ["q", "response", "age_band", "municipality", "responded_at__isnull", "message_waiting"]

    def filter_message(self, queryset, name, value):
        from . import waiting

        if value is None:
            return queryset
        written = waiting.with_message_waiting(queryset)
        return written if value else queryset.exclude(pk__in=written.values("pk"))

    def filter_awaiting(self, queryset, name, value):
        from .selectors import awaiting_answer

        return awaiting_answer(queryset) if value else queryset.exclude(pk__in=awaiting_answer(queryset).values("pk"))

    def filter_code(self, queryset, name, value):
        value = value.strip().upper()
        return queryset.filter(profile__code__contains=value) if value else queryset

    def filter_available(self, queryset, name, value):
        return queryset.filter(available=True, **{f"profile__{name}": value})

    def filter_area(self, queryset, name, value):
        return queryset.filter(available=True, profile__search_area=value)


# --- trajectories and case meetings ----------------------------------------------------------

CONSULTANT_TRAJECTORY_SORTS = (
    Sort("code", ("profile__code",)),
    Sort("status", ("profile__status",)),
    Sort("matched_at", ("matched_at",)),
    Sort("intended_date", ("intended_date",), nullable=True),
)
# code_key: the code read per match (selectors.trajectories), so PostgreSQL sorts the organisation's matches
# rather than walking every profile's code hoping to meet them (4 900 profiles for a page of 25 at 10,000 cases).
TRAJECTORY_SORTS = (
    Sort("code", ("code_key",)),
    Sort("status", ("profile__status",)),
    Sort("matched_at", ("matched_at",)),
)
ENDED_SORTS = (
    Sort("code", ("profile__code",)),
    Sort("ended_on", ("ended_on",), nullable=True),
)
PROPOSAL_SORTS = (
    Sort("code", ("profile__code",)),
    Sort("proposed_at", ("proposed_at",)),
)
CASE_MEETING_SORTS = (
    Sort("code", ("profile__code",)),
    Sort("planned_on", ("planned_on",), nullable=True),
    Sort("status", ("status",)),
)
TRAJECTORY_STATUSES = [
    (value, label)
    for value, label in ProfileStatus.choices
    if value not in (ProfileStatus.DRAFT, ProfileStatus.SHARED, ProfileStatus.STOPPED)
]


class ProfileCodeFilter(django_filters.FilterSet):
    """``q``: the profile's pseudonymous code, the only name of the case a corporation or provider reads."""

    q = django_filters.CharFilter(label=_("Code"), method="filter_code")

    def filter_code(self, queryset, name, value):
        value = value.strip().upper()
        return queryset.filter(profile__code__contains=value) if value else queryset


class TrajectoryFilter(ProfileCodeFilter):
    # The home's counts link here: ?status=matched (no lease yet), ?evaluation_due=true.
    status = django_filters.ChoiceFilter(
        label=_("Status"), field_name="profile__status", choices=TRAJECTORY_STATUSES, empty_label=_("Alle")
    )
    evaluation_due = yes_no_filter(_("Evaluatie (bijna) nodig"), "filter_evaluation")

    class Meta:
        model = Match
        fields = ["q", "status", "evaluation_due"]

    def filter_evaluation(self, queryset, name, value):
        from django.utils import timezone

        from . import waiting

        if value is None:
            return queryset
        due = waiting.with_evaluation_due(queryset, timezone.localdate())
        return due if value else queryset.exclude(pk__in=due.values("pk"))


class ConsultantTrajectoryFilter(TrajectoryFilter):
    """The municipality reads the case number too: ``q`` finds the code or the case number."""

    q = django_filters.CharFilter(label=_("Code of zaaknummer"), method="filter_code")

    def filter_code(self, queryset, name, value):
        value = value.strip().upper()
        if not value:
            return queryset
        return queryset.filter(Q(profile__code__contains=value) | Q(profile__referral__number__contains=value))


class MatchCodeFilter(ProfileCodeFilter):
    """Trajectories found by code only: those ended negatively, and those of a provider that left."""

    class Meta:
        model = Match
        fields = ["q"]


class ProposalFilter(ProfileCodeFilter):
    class Meta:
        model = ProviderChange
        fields = ["q"]


class CaseMeetingFilter(ProfileCodeFilter):
    # The home's count of open case meetings links here with ?status=requested&status=planned.
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=CaseMeeting.Status.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = CaseMeeting
        fields = ["q", "status"]


# --- the chair's after-care (/nazorg/) --------------------------------------------------------

SIGNAL_SORTS = (
    Sort("code", ("profile__code",)),
    Sort("signalled", ("signalled_at",), nullable=True),  # the signal's time, kept on the meeting
    Sort("status", ("status",)),
)
HANDOVER_SORTS = (
    Sort("code", ("profile__code",)),
    Sort("proposed_at", ("proposed_at",)),
)
LEAVING_SORTS = (
    Sort("code", ("profile__code",)),
    Sort("care_provider", ("care_provider__name",)),
    Sort("left_on", ("care_provider__left_on",), nullable=True),
)
OPEN_CASE_MEETING = [
    (value, label)
    for value, label in CaseMeeting.Status.choices
    if value in (CaseMeeting.Status.REQUESTED, CaseMeeting.Status.PLANNED)
]


class SignalMeetingFilter(ProfileCodeFilter):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OPEN_CASE_MEETING, empty_label=_("Alle"))
    signal__kind = django_filters.ChoiceFilter(
        label=_("Soort signaal"), choices=SignalKind.choices, empty_label=_("Alle")
    )

    class Meta:
        model = CaseMeeting
        fields = ["q", "status", "signal__kind"]


class IncomingHandoverFilter(ProfileCodeFilter):
    class Meta:
        model = Handover
        fields = ["q"]


# --- the overleg's meetings ---------------------------------------------------------------------

MEETING_SORTS = (
    Sort("date", ("date",)),
    Sort("region", ("region__name",)),
)


class MeetingFilter(django_filters.FilterSet):
    """``q``: a profile code on the meeting's agenda (the overleg reads cases by code only)."""

    q = django_filters.CharFilter(label=_("Code op de agenda"), method="filter_code")
    # The home's count of meetings to prepare links here with ?held=false.
    held = django_filters.ChoiceFilter(
        label=_("Gehouden"),
        choices=(("false", _("Nog te houden")), ("true", _("Gehouden"))),
        empty_label=_("Alle"),
        method="filter_held",
    )

    class Meta:
        model = Meeting
        fields = ["q", "held"]

    def filter_held(self, queryset, name, value):
        return queryset.filter(held=value == "true")

    def filter_code(self, queryset, name, value):
        value = value.strip().upper()
        if not value:
            return queryset
        return queryset.filter(Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"), profile__code__contains=value)))
