from django import forms
from django.utils.translation import gettext_lazy as _

from woonkans.forms import DATE_WIDGET, TEXT_AREA, MoneyField, PastDateField
from woonkans.parties.models import Organisation, OrganisationKind, compact_iban, validate_iban
from woonkans.privacy.files import PrivateFileField

from .models import (
    APPROVED_AMOUNT,
    CLAIM_LINE_AMOUNT,
    DEPOSIT,
    CostCategory,
    MunicipalBilling,
    RoundKind,
    TerminationKind,
)
from .rules import LIFTABLE_RULES, PAYMENT_REFERENCE_HELP, payment_reference_is_sane


class ClaimForm(forms.Form):
    termination_date = PastDateField(label=_("Datum beëindiging"))
    termination_kind = forms.ChoiceField(label=_("Soort beëindiging"), choices=TerminationKind.choices)
    evaluation = forms.CharField(label=_("Evaluatie"), widget=TEXT_AREA)
    deposit_cents = MoneyField(label=_("Borg (€)"), rule=DEPOSIT)


class ClaimLineForm(forms.Form):
    category = forms.ChoiceField(label=_("Categorie"), choices=CostCategory.choices)
    description = forms.CharField(
        label=_("Omschrijving"), max_length=200, help_text=_("Bij herstelkosten: de posten van het opnameformulier.")
    )
    amount_cents = MoneyField(label=_("Bedrag (€)"), rule=CLAIM_LINE_AMOUNT)
    period_from = forms.DateField(label=_("Periode van"), required=False, widget=DATE_WIDGET)
    period_to = forms.DateField(label=_("Periode tot en met"), required=False, widget=DATE_WIDGET)
    mediation_exhausted = forms.BooleanField(
        label=_("De reguliere bemiddeling was uitgeput (juridische kosten)"), required=False
    )
    inspection_item = forms.CharField(
        label=_("Post op het opnameformulier"),
        max_length=120,
        required=False,
        help_text=_("Bij herstelkosten: het nummer of de naam van de post op het opnameformulier."),
    )


class ClaimDocumentForm(forms.Form):
    description = forms.CharField(label=_("Omschrijving"), max_length=120)
    file = PrivateFileField(label=_("Bestand"), help_text=_("Factuur of opnameformulier: PDF, JPEG of PNG."))


class FileClaimForm(forms.Form):
    # The corporation's statement is an input for the chair, who makes the finding (Bijlage 3 §2).
    no_serious_negligence = forms.BooleanField(
        label=_("Voor zover wij weten is geen van de partijen ernstig nalatig geweest."), required=False
    )
    asks_deviation = forms.BooleanField(
        label=_("Wij vragen maatwerk (art. 7.9): de claim wijkt af van een of meer regels van het fonds."),
        required=False,
    )
    deviation_reason = forms.CharField(
        label=_("Toelichting op het verzoek om maatwerk"), widget=TEXT_AREA, required=False
    )


class ConsultationForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Geraadpleegde partijen van de casus"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    consulted_on = PastDateField(label=_("Geraadpleegd op"))
    outcome = forms.CharField(label=_("Uitkomst van de raadpleging"), widget=TEXT_AREA)

    def __init__(self, *args, parties=None, options=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisations"]
        if parties is not None:
            field.queryset = parties
        if options is not None:
            # The parties already read (a list of ``parties``'s rows): shown without a query of their own.
            field.choices = [(party.pk, field.label_from_instance(party)) for party in options]


class DeviationForm(forms.Form):
    rules = forms.MultipleChoiceField(
        label=_("Regels waarvan het maatwerk afwijkt"),
        choices=[(rule.value, rule.label) for rule in LIFTABLE_RULES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Alleen deze regels vervallen, en pas na instemming van de aanwezigen in het overleg."),
    )
    motivation = forms.CharField(label=_("Motivering van het maatwerk"), widget=TEXT_AREA)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Besluit"),
        choices=[
            ("full", _("Volledig goedkeuren")),
            ("part", _("Gedeeltelijk goedkeuren")),
            ("refuse", _("Afwijzen")),
        ],
        widget=forms.RadioSelect,
    )
    approved_cents = MoneyField(
        label=_("Toegekend bedrag (€)"),
        rule=APPROVED_AMOUNT,
        required=False,
        help_text=_("Alleen bij gedeeltelijke goedkeuring."),
    )
    motivation = forms.CharField(label=_("Motivering"), widget=TEXT_AREA)
    negligence_found = forms.TypedChoiceField(
        label=_("Ernstige nalatigheid van een partij (Bijlage 3 §2)"),
        choices=[("0", _("Niet vastgesteld")), ("1", _("Vastgesteld: geen beroep op het fonds mogelijk"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    negligence_reason = forms.CharField(
        label=_("Reden bij deze vaststelling"),
        widget=TEXT_AREA,
        required=False,
        help_text=_("Verplicht als je ernstige nalatigheid vaststelt."),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == "part" and cleaned.get("approved_cents") is None and "approved_cents" not in self.errors:
            self.add_error("approved_cents", _("Vul het toegekende bedrag in."))
        if cleaned.get("negligence_found") and not (cleaned.get("negligence_reason") or "").strip():
            self.add_error("negligence_reason", _("Geef de reden waarom er sprake is van ernstige nalatigheid."))
        return cleaned

    def service_arguments(self):
        """The decision as decide_claim takes it: in full means the claimed total (None)."""
        data = self.cleaned_data
        return {
            "approve": data["decision"] != "refuse",
            "approved_cents": data.get("approved_cents") if data["decision"] == "part" else None,
            "motivation": data["motivation"],
            "negligence_found": data["negligence_found"],
            "negligence_reason": data.get("negligence_reason") or "",
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Wat moet er gecorrigeerd worden?"), widget=TEXT_AREA)


class PaymentForm(forms.Form):
    paid_on = PastDateField(
        label=_("Betaaldatum"),
        error_messages={"future": _("De betaaldatum ligt in de toekomst; leg een betaling vast als ze gedaan is.")},
    )
    reference = forms.CharField(label=_("Bankkenmerk"), max_length=35, help_text=PAYMENT_REFERENCE_HELP)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, approved_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.approved_on = approved_on

    def clean_paid_on(self):
        # The same rules as services.check_payment, here so they stand next to the field with the others.
        paid_on = self.cleaned_data["paid_on"]
        if self.approved_on and paid_on < self.approved_on:
            raise forms.ValidationError(
                _("De betaaldatum ligt vóór de goedkeuring van de claim (%(date)s).")
                % {"date": self.approved_on.strftime("%d-%m-%Y")}
            )
        return paid_on

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        if not payment_reference_is_sane(reference):
            raise forms.ValidationError(_("Dit is geen bankkenmerk: %(help)s") % {"help": PAYMENT_REFERENCE_HELP})
        return reference


class ReceivedForm(forms.Form):
    received_on = PastDateField(label=_("Ontvangen op"))
    reference = forms.CharField(label=_("Bankkenmerk"), max_length=100, required=False)


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("Vanaf"), widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("Tot en met"), widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("De einddatum ligt vóór de begindatum."))
        return cleaned


class PartyChangeForm(forms.Form):
    """Notice or joining of one contributing party (Art. 9, 10)."""

    party = forms.ModelChoiceField(label=_("Partij"), queryset=Organisation.objects.none())
    on_date = forms.DateField(label=_("Datum"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .services.parties import CONTRIBUTING_KINDS

        self.fields["party"].queryset = Organisation.objects.filter(kind__in=CONTRIBUTING_KINDS).order_by(
            "kind", "name"
        )


class _LeaveByDefault(forms.RadioSelect):
    # A post without a ground (older pages, scripts) means the ordinary notice of Art. 10.3.
    def value_from_datadict(self, data, files, name):
        return super().value_from_datadict(data, files, name) or "opzegging"


class NoticeForm(PartyChangeForm):
    """Leaving at two months' notice (Art. 10.3) or not renewing at the end of the term (Art. 12.2)."""

    ground = forms.ChoiceField(
        label=_("Grond"),
        choices=[
            ("opzegging", _("Opzegging met twee kalendermaanden opzegtermijn (Art. 10.3)")),
            ("niet_verlengen", _("Niet verlengen: uittreden na afloop van de looptijd (Art. 12.2)")),
        ],
        initial="opzegging",
        widget=_LeaveByDefault,
    )
    field_order = ["party", "ground", "on_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_date"].label = _("Datum van de opzegging of melding")


class IbanForm(forms.Form):
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        help_text=_("Het rekeningnummer voor uitbetalingen en terugbetalingen, bijvoorbeeld NL91 ABNA 0417 1643 00."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_iban(self):
        value = compact_iban(self.cleaned_data["iban"])
        validate_iban(value)
        return value


class DissolveForm(forms.Form):
    on_date = forms.DateField(label=_("Datum van opheffing"), widget=DATE_WIDGET)
    confirm = forms.BooleanField(
        label=_("Alle partijen hebben besloten het fonds op te heffen (Art. 10.5); het saldo gaat naar rato terug.")
    )


class OpenRoundForm(forms.Form):
    """The treasurer opens a round and chooses how the municipalities pay (Art. 7.3, council advice 2.3)."""

    kind = forms.ChoiceField(
        label=_("Soort ronde"),
        choices=[(RoundKind.INITIAL, RoundKind.INITIAL.label), (RoundKind.TOP_UP, RoundKind.TOP_UP.label)],
        initial=RoundKind.INITIAL,
        widget=forms.RadioSelect,
    )
    municipal_billing = forms.ChoiceField(
        label=_("Betaling door de gemeenten"),
        choices=MunicipalBilling.choices,
        initial=MunicipalBilling.PER_MUNICIPALITY,
        widget=forms.RadioSelect,
        help_text=_(
            "Per gemeente: dertien betaalverzoeken volgens de verdeelsleutel. Regionaal: één betaalverzoek "
            "voor het hele gemeentelijke deel, betaald uit de regionale begroting BW, MO en B&P."
        ),
    )
    regional_payer = forms.ModelChoiceField(
        label=_("Gemeente die namens de regio betaalt"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Alleen bij een regionale betaling: de gemeente die de regionale begroting beheert."),
    )

    def __init__(self, *args, payers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regional_payer"].queryset = (
            payers if payers is not None else Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
        )

    def clean(self):
        cleaned = super().clean()
        regional = cleaned.get("municipal_billing") == MunicipalBilling.REGIONAL
        if regional and cleaned.get("regional_payer") is None and "regional_payer" not in self.errors:
            self.add_error("regional_payer", _("Kies de gemeente die de regionale betaling doet."))
        if not regional:
            cleaned["regional_payer"] = None
        return cleaned
