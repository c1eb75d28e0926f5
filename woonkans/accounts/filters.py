"""The filters of the administrators' lists (django-filter): parameter names are the model's field names.

These lists show staff accounts, never case content: there is no case code to search; a local
administrator's organisation choice holds its own organisation only (the list is already limited).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from woonkans.lists import Sort
from woonkans.parties.models import Organisation

from .models import AccessReview, CredentialResetRequest, RoleGrantRequest
from .roles import Role
from .user_services import sees_everything

REVIEW_SORTS = (
    Sort("organisation", ("organisation__name",)),
    Sort("opened_at", ("opened_at",)),
    Sort("due_on", ("due_on",)),
)
REQUEST_SORTS = (
    Sort("organisation", ("organisation__name",), nullable=True),
    Sort("requested_at", ("requested_at",)),
)
ROLE_REQUEST_SORTS = (*REQUEST_SORTS, Sort("role", ("role",)))


def _organisations(request):
    """All organisations for the operator's administrators; the own one for a local administrator."""
    if request is None:
        return Organisation.objects.none()
    organisations = Organisation.objects.order_by("name")
    if sees_everything(request.user):
        return organisations
    return organisations.filter(pk=request.user.organisation_id)


class AccessReviewFilter(django_filters.FilterSet):
    # The home's count of open reviews links here with ?closed_at__isnull=true.
    closed_at__isnull = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=(("true", _("Open")), ("false", _("Afgesloten"))),
        empty_label=_("Alle"),
        method="filter_open",
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisatie"), queryset=_organisations, empty_label=_("Alle")
    )

    class Meta:
        model = AccessReview
        fields = ["closed_at__isnull", "organisation"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(closed_at__isnull=value == "true")


class RoleRequestFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(label=_("Rol"), choices=Role.choices, empty_label=_("Alle"))
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisatie"), queryset=_organisations, empty_label=_("Alle")
    )

    class Meta:
        model = RoleGrantRequest
        fields = ["role", "organisation"]


class CredentialRequestFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisatie"), queryset=_organisations, empty_label=_("Alle")
    )
    reset_login = django_filters.ChoiceFilter(
        label=_("Wijziging"),
        choices=(("true", _("Wachtwoord en tweede factor herstellen")), ("false", _("E-mailadres of gebruikersnaam"))),
        empty_label=_("Alle"),
        method="filter_reset",
    )

    class Meta:
        model = CredentialResetRequest
        fields = ["organisation", "reset_login"]

    def filter_reset(self, queryset, name, value):
        return queryset.filter(reset_login=value == "true")
