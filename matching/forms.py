from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.forms import active_municipalities
from woonkans.accounts.models import User
from woonkans.forms import DATE_WIDGET, TEXT_AREA, MoneyField
from woonkans.parties.models import Organisation, OrganisationKind, Region

from .models import AgendaItemKind, EndKind, Profile, SignalKind, VoteChoice
from .models.profile import RENT, SECTIONS


class ProfileForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    search_area = forms.ModelMultipleChoiceField(
        label=_("Zoekgebied"),
        queryset=active_municipalities(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies ten minste één gemeente als zoekgebied.")},
    )

    class Meta:
        model = Profile
        fields = [field for field, _label in SECTIONS] + ["search_area", "contract_form", "negative_rental_history"]
        widgets = {field: TEXT_AREA for field, _label in SECTIONS}
        labels = dict(SECTIONS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["search_area"].queryset = active_municipalities()
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version


class OverrideForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    kind = forms.CharField(widget=forms.HiddenInput, max_length=20)
    reason = forms.CharField(label=_("Waarom is dit geen identificerend gegeven?"), max_length=500)


class ShareForm(forms.Form):
    corporations = forms.ModelMultipleChoiceField(
        label=_("Corporaties met woningbezit in het zoekgebied"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies ten minste één corporatie.")},
    )

    def __init__(self, *args, corporations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corporations"].queryset = corporations


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Reactie"),
        choices=[
            ("interested", _("Interesse")),
            ("offer", _("Wij bieden een woning aan")),
            ("no_stock", _("Geen passend aanbod")),
        ],
        widget=forms.RadioSelect,
    )
    dwelling_address = forms.CharField(label=_("Adres van de woning"), max_length=200, required=False)
    dwelling_type = forms.CharField(label=_("Type woning"), max_length=100, required=False)
    rent = MoneyField(label=_("Huur per maand (€)"), rule=RENT, required=False)
    available_from = forms.DateField(label=_("Beschikbaar vanaf"), required=False, widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("response") == "offer":
            for field in ("dwelling_address", "dwelling_type", "rent", "available_from"):
                if cleaned.get(field) in (None, ""):
                    self.add_error(field, _("Nodig voor een aanbod."))
        return cleaned

    def offer(self):
        data = self.cleaned_data
        if data["response"] != "offer":
            return None
        return {
            "dwelling_address": data["dwelling_address"],
            "dwelling_type": data["dwelling_type"],
            "rent_cents": data["rent"],
            "available_from": data["available_from"],
        }


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Bericht"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


def _users(organisation, role):
    return User.objects.filter(organisation=organisation, role_assignments__role=role, is_active=True)


class MatchForm(forms.Form):
    corporation = forms.ModelChoiceField(label=_("Corporatie"), queryset=Organisation.objects.none())
    dwelling_address = forms.CharField(label=_("Adres van de woning"), max_length=200)
    intended_date = forms.DateField(label=_("Beoogde ingangsdatum"), widget=DATE_WIDGET)
    care_provider = forms.ModelChoiceField(
        label=_("Zorgaanbieder"),
        queryset=Organisation.objects.active().filter(kind=OrganisationKind.CARE_PROVIDER).order_by("name"),
    )
    corporation_contact = forms.ModelChoiceField(label=_("Vast aanspreekpunt corporatie"), queryset=User.objects.none())
    corporation_substitute = forms.ModelChoiceField(
        label=_("Vervanger corporatie"), queryset=User.objects.none(), required=False
    )
    provider_contact = forms.ModelChoiceField(label=_("Vast aanspreekpunt zorgaanbieder"), queryset=User.objects.none())
    provider_substitute = forms.ModelChoiceField(
        label=_("Vervanger zorgaanbieder"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, corporations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corporation"].queryset = corporations
        people = User.objects.filter(
            is_active=True,
            role_assignments__role__in=["corporation", "care_provider"],
            organisation__in=Organisation.objects.filter(
                kind__in=[OrganisationKind.CORPORATION, OrganisationKind.CARE_PROVIDER]
            ),
        )
        people = people.select_related("organisation").order_by("organisation__name", "last_name").distinct()
        for name in ("corporation_contact", "corporation_substitute", "provider_contact", "provider_substitute"):
            self.fields[name].queryset = people
            self.fields[name].label_from_instance = lambda user: f"{user.get_full_name()} ({user.organisation})"


class DateForm(forms.Form):
    date = forms.DateField(label=_("Datum"), widget=DATE_WIDGET)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Deze datum ligt in de toekomst."))
        return value


class EndForm(forms.Form):
    kind = forms.ChoiceField(label=_("Afloop"), choices=EndKind.choices, widget=forms.RadioSelect)
    ended_on = forms.DateField(label=_("Einddatum"), widget=DATE_WIDGET)
    evaluation = forms.CharField(
        label=_("Evaluatie"), widget=TEXT_AREA, required=False, help_text=_("Verplicht bij een negatieve beëindiging.")
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") in (EndKind.EVICTED, EndKind.LEFT) and not cleaned.get("evaluation", "").strip():
            self.add_error("evaluation", _("Bij een negatieve beëindiging is een evaluatie altijd verplicht."))
        return cleaned


class HandoverForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Naar regio"), queryset=Region.objects.all())


class EvaluationForm(forms.Form):
    held_on = forms.DateField(label=_("Gehouden op"), widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Verslag"), widget=TEXT_AREA)


class SignalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort signaal"), choices=SignalKind.choices)
    text = forms.CharField(label=_("Toelichting"), widget=TEXT_AREA)


class CaseMeetingPlanForm(forms.Form):
    planned_on = forms.DateField(label=_("Datum casusoverleg"), widget=DATE_WIDGET)
    casusregisseur = forms.ModelChoiceField(
        label=_("Casusregisseur"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("Leeg laten als je het overleg zelf voert."),
    )

    def __init__(self, *args, profile, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the people who may run it: the region's regisseurs and the case's own consultants.
        from .services.trajectory import casusregisseur_candidates

        self.fields["casusregisseur"].queryset = casusregisseur_candidates(profile)


class CaseMeetingOutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Uitkomst"), widget=TEXT_AREA)
    report_back = forms.CharField(label=_("Terugkoppeling aan de melder"), widget=TEXT_AREA, required=False)


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Datum"), widget=DATE_WIDGET)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("Een overleg kan niet in het verleden worden gepland."))
        return value


# The attendance picker groups the region's parties by kind (SOK art. 1j: who sits at the table).
PARTY_GROUPS = (
    (OrganisationKind.MUNICIPALITY, _("Gemeenten")),
    (OrganisationKind.CORPORATION, _("Corporaties")),
    (OrganisationKind.CARE_PROVIDER, _("Zorgaanbieders")),
    (OrganisationKind.CHAIN_DIRECTION, _("Regisseurs")),
)


class AttendanceForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Aanwezige organisaties"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisations"]
        field.queryset = parties
        by_kind = {}
        for organisation in parties.order_by("name"):
            by_kind.setdefault(organisation.kind, []).append((organisation.pk, organisation.name))
        field.choices = [(label, by_kind[kind]) for kind, label in PARTY_GROUPS if kind in by_kind]

    def groups(self):
        """[(kind label, [(id, name, checked)])]: the template renders one fieldset per kind."""
        chosen = {str(value) for value in (self["organisations"].value() or [])}
        return [
            (label, [(pk, name, str(pk) in chosen) for pk, name in choices])
            for label, choices in self.fields["organisations"].choices
        ]


class AgendaItemForm(forms.Form):
    """One picker, grouped by kind: each kind lists only its own subjects (an offer item open offers...)."""

    subject = forms.ChoiceField(label=_("Onderwerp"), error_messages={"required": _("Kies een onderwerp.")})

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", _("Kies een onderwerp"))] + [
            (AgendaItemKind(kind).label, choices) for kind, choices in candidates if choices
        ]


class VoteForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisatie"), queryset=Organisation.objects.none())
    choice = forms.ChoiceField(label=_("Stem"), choices=VoteChoice.choices, widget=forms.RadioSelect)

    def __init__(self, *args, present, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = present


class OwnVoteForm(forms.Form):
    """A corporation or provider at the table votes for its own organisation."""

    choice = forms.ChoiceField(label=_("Onze stem"), choices=VoteChoice.choices, widget=forms.RadioSelect)


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label=_("Motivering van het besluit"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Geef de motivering van het besluit.")},
        help_text=_("Bij een stemming berekent het portaal de uitkomst; de tekst motiveert die. Noem alleen codes."),
    )
    confirm = forms.BooleanField(
        label=_("Vastleggen: een besluit kan daarna alleen met een correctie worden aangepast"),
        error_messages={"required": _("Bevestig dat je het besluit wilt vastleggen.")},
    )


class CorrectionForm(forms.Form):
    decision = forms.CharField(
        label=_("Gecorrigeerde motivering"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Geef de gecorrigeerde motivering.")},
    )
    reason = forms.CharField(
        label=_("Reden van de correctie"),
        max_length=500,
        error_messages={"required": _("Geef de reden van de correctie.")},
    )
    confirm = forms.BooleanField(
        label=_("Correctie vastleggen: het oorspronkelijke besluit blijft in het verslag staan"),
        error_messages={"required": _("Bevestig dat je de correctie wilt vastleggen.")},
    )


class DiscussionForm(forms.Form):
    discussion = forms.CharField(
        label=_("Bespreking"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Beschrijf wat het overleg heeft besproken.")},
    )


class HeldForm(forms.Form):
    notes = forms.CharField(label=_("Verslag"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    confirm = forms.BooleanField(
        label=_("Het overleg afronden: daarna kunnen geen stemmen of besluiten meer worden toegevoegd"),
        error_messages={"required": _("Bevestig dat je het overleg wilt afronden.")},
    )
