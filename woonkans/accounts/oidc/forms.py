from django import forms
from django.utils.translation import gettext_lazy as _

from .services import enabled_providers


class ProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.organisation.name


class OrganisationSignInForm(forms.Form):
    """The organisation is chosen (by its provider's id): nothing personal goes into a URL."""

    provider = ProviderChoiceField(
        label=_("Je organisatie"),
        queryset=enabled_providers(),
        empty_label=_("Kies je organisatie"),
        error_messages={
            "required": _("Kies je organisatie."),
            "invalid_choice": _("Kies een organisatie uit de lijst."),
        },
    )
