import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.forms import DATE_WIDGET, TEXT_AREA, FutureDateField, PastDateField
from woonkans.parties.models import Organisation, OrganisationKind
from woonkans.privacy.bsn import normalise_bsn, validate_bsn
from woonkans.privacy.files import PrivateFileField

from .models import Consent, DocumentKind, Feedback, FeedbackKind, Identity, Research

POSTCODE = re.compile(r"^[1-9][0-9]{3}\s?[A-Za-z]{2}$")
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{7,16}$")


def active_municipalities():
    return Organisation.objects.active().filter(kind=OrganisationKind.MUNICIPALITY).order_by("name")


class ContactFieldsMixin:
    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "").strip().upper()
        if value and not POSTCODE.match(value):
            raise forms.ValidationError(_("Vul een postcode in als 1234 AB."))
        return value.replace(" ", "")[:4] + " " + value.replace(" ", "")[4:] if value else value

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        if value and not PHONE.match(value):
            raise forms.ValidationError(_("Vul een telefoonnummer in met alleen cijfers, bijvoorbeeld 06 12345678."))
        return value


class ReportForm(ContactFieldsMixin, forms.Form):
    """A care provider's report to the Wmo desk: name, address and contact, nothing more."""

    municipality = forms.ModelChoiceField(
        label=_("Gemeente (Wmo-loket)"), queryset=active_municipalities(), empty_label=_("Kies de gemeente")
    )
    given_name = forms.CharField(label=_("Voornaam"), max_length=100)
    family_name = forms.CharField(label=_("Achternaam"), max_length=150)
    street_address = forms.CharField(label=_("Straat en huisnummer"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    city = forms.CharField(label=_("Woonplaats"), max_length=100, required=False)
    phone = forms.CharField(label=_("Telefoonnummer"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mailadres"), required=False)
    mandate = forms.BooleanField(
        label=_("De inwoner heeft ons gemachtigd om namens hem of haar te melden."),
        error_messages={"required": _("Melden namens de inwoner kan alleen met zijn of haar mandaat.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = active_municipalities()


class IdentityForm(ContactFieldsMixin, forms.ModelForm):
    bsn = forms.CharField(
        label=_("BSN"),
        max_length=11,
        required=False,
        validators=[validate_bsn],
        help_text=_("9 cijfers. Nodig om aan te melden."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Identity
        fields = [
            "given_name",
            "family_name",
            "bsn",
            "birth_date",
            "sex",
            "street_address",
            "postcode",
            "city",
            "phone",
            "email",
        ]
        widgets = {"birth_date": DATE_WIDGET}

    def clean_bsn(self):
        return normalise_bsn(self.cleaned_data.get("bsn", ""))

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("De geboortedatum ligt in de toekomst."))
        return value


class DomainsForm(forms.ModelForm):
    class Meta:
        model = Research
        fields = [
            "housing_situation",
            "household_care",
            "daytime_activities",
            "finances",
            "social_network",
            "mobility",
            "social_self_reliance",
        ]
        widgets = dict.fromkeys(fields, TEXT_AREA)


class SupportForm(forms.ModelForm):
    class Meta:
        model = Research
        fields = [
            "support_need",
            "support_need_about_living",
            "regular_route_motivation",
            "origin",
            "origin_other",
            "status_holder",
            "labour_migrant",
            "negative_rental_history",
            "rental_arrears",
            "rental_nuisance",
            "rental_history_notes",
            "guardianship",
            "guardianship_notes",
            "safety_plan_needed",
        ]
        widgets = {
            "support_need": TEXT_AREA,
            "regular_route_motivation": TEXT_AREA,
            "rental_history_notes": TEXT_AREA,
            "guardianship_notes": TEXT_AREA,
        }
        help_texts = {
            # Bijlage 2 step 4: the consultant and the care provider discuss it openly with the resident.
            "safety_plan_needed": _(
                "Besproken met de inwoner en de zorgaanbieder (Bijlage 2, stap 4). De regisseur legt in het "
                "profiel vast met welke zorgaanbieder en wanneer het veiligheidsplan is afgesproken."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("origin") == "other" and not cleaned.get("origin_other", "").strip():
            self.add_error("origin_other", _("Vul in waar de inwoner vandaan komt."))
        return cleaned


class HousingForm(forms.ModelForm):
    search_area = forms.ModelMultipleChoiceField(
        label=_("Voorkeur zoekgebied"),
        queryset=active_municipalities(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Eén of meer deelnemende gemeenten."),
        error_messages={"required": _("Kies ten minste één gemeente als zoekgebied.")},
    )

    class Meta:
        model = Research
        fields = ["search_area", "dwelling_needs", "neighbourhood_needs", "contract_form"]
        widgets = {"dwelling_needs": TEXT_AREA, "neighbourhood_needs": TEXT_AREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["search_area"].queryset = active_municipalities()


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort document"), choices=DocumentKind.choices)
    file = PrivateFileField(label=_("Bestand"), help_text=_("PDF, JPEG of PNG, hoogstens 10 MB."))


class ConsentForm(forms.ModelForm):
    informed_of_sharing = forms.BooleanField(
        label=_("De inwoner weet welke gegevens met wie worden gedeeld en waarom."),
        error_messages={"required": _("Zonder deze uitleg mag er niets worden gedeeld.")},
    )
    informed_of_rights = forms.BooleanField(
        label=_(
            "De inwoner is gewezen op zijn of haar rechten: inzage, correctie, verwijdering, beperking en bezwaar "
            "(AVG art. 15–18 en 21), met de privacyverklaring van Woonkans."
        ),
        error_messages={"required": _("De inwoner moet op zijn of haar rechten zijn gewezen.")},
    )

    class Meta:
        model = Consent
        fields = ["support_plan_signed_on", "informed_of_sharing", "informed_of_rights"]
        widgets = {"support_plan_signed_on": DATE_WIDGET}
        field_classes = {"support_plan_signed_on": PastDateField}
        labels = {"support_plan_signed_on": _("Datum waarop de inwoner het ondersteuningsplan ondertekende")}

    def clean_support_plan_signed_on(self):
        value = self.cleaned_data["support_plan_signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Deze datum ligt in de toekomst."))
        return value


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), widget=TEXT_AREA, max_length=2000)


class ExceptionRequestForm(forms.Form):
    motivation = forms.CharField(
        label=_("Motivering voor het Woonkans-overleg"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text=_("Het overleg bespreekt het verzoek anoniem: noem geen naam, BSN, adres of geboortedatum."),
    )


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["kind", "text", "corporation", "intended_date"]
        widgets = {"text": TEXT_AREA, "intended_date": DATE_WIDGET}
        field_classes = {"intended_date": FutureDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corporation"].queryset = Organisation.objects.active().filter(kind=OrganisationKind.CORPORATION)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == FeedbackKind.PLACEMENT:
            if not cleaned.get("corporation"):
                self.add_error("corporation", _("Kies de corporatie die de inwoner huisvest."))
            if not cleaned.get("intended_date"):
                self.add_error("intended_date", _("Vul de beoogde datum in."))
        return cleaned


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Alle"))] + list(choices)
