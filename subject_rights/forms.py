import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.forms import TEXT_AREA, IdentityForm
from referrals.models import Research
from woonkans.forms import PastDateField
from woonkans.privacy.bsn import normalise_bsn, validate_bsn

from .services import ErasureGround
from .workflow import RequestKind

REFERENCE = re.compile(r"^[0-9a-fA-F]{8}$")
CASE_NUMBER = re.compile(r"^WK-\d{4}-\d{4,}$", re.IGNORECASE)


class CaseSearchForm(forms.Form):
    reference = forms.CharField(
        label=_("Zaaknummer"),
        max_length=16,
        required=False,
        help_text=_("Bijvoorbeeld WK-2026-0042 (of de 8 tekens van een oudere verwijzing, zoals 3F2A9C01)."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    bsn = forms.CharField(
        label=_("BSN van de inwoner"),
        max_length=11,
        required=False,
        validators=[validate_bsn],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_reference(self):
        value = self.cleaned_data["reference"].strip()
        if value and not (REFERENCE.match(value) or CASE_NUMBER.match(value)):
            raise forms.ValidationError(_("Een zaaknummer ziet eruit als WK-2026-0042."))
        return value

    def clean_bsn(self):
        return normalise_bsn(self.cleaned_data.get("bsn", ""))

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("reference") and not cleaned.get("bsn"):
            raise forms.ValidationError(_("Vul een zaaknummer of een BSN in."))
        return cleaned


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort verzoek"), choices=RequestKind.choices, widget=forms.RadioSelect)
    received_on = PastDateField(label=_("Ontvangen op"), initial=timezone.localdate)
    request_text = forms.CharField(
        label=_("Wat vraagt de inwoner?"),
        widget=TEXT_AREA,
        help_text=_("In de woorden van de inwoner. Wordt versleuteld bewaard."),
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Besluit"),
        choices=[("granted", _("Toewijzen")), ("refused", _("Afwijzen"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motivering"),
        widget=TEXT_AREA,
        required=False,
        help_text=_("Verplicht bij afwijzen: de inwoner krijgt de reden en de mogelijkheid van een klacht te horen."),
    )
    informed_on = PastDateField(label=_("Inwoner geïnformeerd op"), initial=timezone.localdate)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == "refused" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Motiveer de afwijzing."))
        return cleaned


class ExtendForm(forms.Form):
    reason = forms.CharField(label=_("Reden van de verlenging"), widget=TEXT_AREA)


class RestrictForm(forms.Form):
    informed_on = PastDateField(label=_("Inwoner geïnformeerd op"), initial=timezone.localdate)


class AnnounceLiftForm(forms.Form):
    announced_on = PastDateField(label=_("Inwoner geïnformeerd over de opheffing op"), initial=timezone.localdate)


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("Reden van de opheffing"), widget=TEXT_AREA)


class EraseForm(forms.Form):
    ground = forms.ChoiceField(label=_("Grond"), choices=ErasureGround.CHOICES, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Motivering"), widget=TEXT_AREA)
    informed_on = PastDateField(label=_("Inwoner geïnformeerd op"), initial=timezone.localdate)


class IdentityCorrectionForm(IdentityForm):
    """The consultant's identity form, with the same checks (BSN elfproef, postcode, birth date)."""

    prefix = "identiteit"


RESEARCH_TEXT_FIELDS = [
    field.name
    for field in Research._meta.concrete_fields
    if field.get_internal_type() == "TextField" or field.name == "origin_other"
]


class ResearchCorrectionForm(forms.ModelForm):
    prefix = "onderzoek"

    class Meta:
        model = Research
        fields = RESEARCH_TEXT_FIELDS
        widgets = {name: TEXT_AREA for name in RESEARCH_TEXT_FIELDS if name != "origin_other"}


class RectificationReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reden van de correctie"), widget=TEXT_AREA)
