from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from referrals.forms import active_municipalities
from woonkans.accounts.models import User
from woonkans.forms import DATE_WIDGET, TEXT_AREA, FutureDateField, MoneyField, PastDateField
from woonkans.parties.models import Organisation, OrganisationKind, Region

from .models import AgendaItemKind, EndKind, Profile, SignalKind, VoteChoice
from .models.profile import RENT, SECTIONS, CareFunding

NEEDED_TO_SHARE = _("nodig om te delen")
NEEDED_WITH_SAFETY_PLAN = _("nodig vóór de match als er een veiligheidsplan nodig is")
YES_NO = [(True, _("Ja")), (False, _("Nee"))]


def care_providers():
    return Organisation.objects.active().filter(kind=OrganisationKind.CARE_PROVIDER).order_by("name")


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("Deze datum ligt in de toekomst."))
    return value


class ProfileForm(forms.ModelForm):
    """The profile text and the facts of steps 4–5 (see services/facts.py for when each is needed).

    A draft may be saved half-way; a field the next step needs says so instead of "niet verplicht".
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    search_area = forms.ModelMultipleChoiceField(
        label=_("Zoekgebied"),
        queryset=active_municipalities(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies ten minste één gemeente als zoekgebied.")},
    )
    safety_plan_needed = forms.NullBooleanField(
        label=_("Is er een veiligheidsplan nodig?"),
        required=False,
        widget=forms.RadioSelect(choices=YES_NO),
        help_text=_("Besproken door de Wmo-consulent en de zorgaanbieder met de inwoner (Bijlage 2, stap 4)."),
    )

    class Meta:
        model = Profile
        fields = [field for field, _label in SECTIONS] + [
            "search_area",
            "contract_form",
            "negative_rental_history",
            "care_provider",
            "care_provider_other",
            "care_funding",
            "safety_plan_needed",
            "safety_plan_provider",
            "safety_plan_agreed_on",
            "registered_on",
            "registered_by",
        ]
        widgets = {
            **{field: TEXT_AREA for field, _label in SECTIONS},
            "care_funding": forms.RadioSelect,
            "safety_plan_agreed_on": DATE_WIDGET,
            "registered_on": DATE_WIDGET,
        }
        field_classes = {"safety_plan_agreed_on": PastDateField, "registered_on": PastDateField}
        labels = {
            **dict(SECTIONS),
            "care_provider": _("Zorgaanbieder (partij van de samenwerkingsovereenkomst)"),
            "care_provider_other": _("Of: zorgaanbieder die geen partij is"),
            "care_funding": _("Hoe wordt de zorg betaald?"),
            "safety_plan_provider": _("Veiligheidsplan afgesproken met"),
            "safety_plan_agreed_on": _("Veiligheidsplan afgesproken op"),
            "registered_on": _("Ingeschreven als woningzoekende op"),
            "registered_by": _("Inschrijving geregeld door"),
        }
        help_texts = {
            "care_provider_other": _(
                "Alleen met een pgb, en alleen als de voorzitter van het Woonkans-overleg daarvoor een uitzondering "
                "maakt (SOK art. 9.2b)."
            ),
            "registered_by": _("Meestal de zorgaanbieder: die zorgt voor de inschrijving (SOK art. 5.3a)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["search_area"].queryset = active_municipalities()
        for name in ("care_provider", "safety_plan_provider"):
            self.fields[name].queryset = care_providers()
        self.fields["registered_by"].queryset = (
            Organisation.objects.active()
            .filter(kind__in=[OrganisationKind.CARE_PROVIDER, OrganisationKind.MUNICIPALITY])
            .order_by("kind", "name")
        )
        self.fields["registered_by"].label_from_instance = lambda org: f"{org.name} ({org.get_kind_display()})"
        self.fields["care_funding"].choices = self.fields["care_funding"].choices[1:]  # no "---------" radio
        for name in ("care_provider", "care_funding", "safety_plan_needed", "registered_on", "registered_by"):
            self.fields[name].needed_note = NEEDED_TO_SHARE
        self.fields["failure_agreements"].needed_note = NEEDED_TO_SHARE
        for name in ("safety_plan_provider", "safety_plan_agreed_on"):
            self.fields[name].needed_note = NEEDED_WITH_SAFETY_PLAN
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version
            needed = self.instance.safety_plan_needed
            if needed and self.instance.safety_plan_provider_id is None and self.instance.care_provider_id:
                self.initial["safety_plan_provider"] = self.instance.care_provider_id

    def clean_safety_plan_agreed_on(self):
        return _not_in_future(self.cleaned_data.get("safety_plan_agreed_on"))

    def clean_registered_on(self):
        return _not_in_future(self.cleaned_data.get("registered_on"))

    def clean(self):
        cleaned = super().clean()
        other = cleaned.get("care_provider_other", "").strip()
        if other and cleaned.get("care_provider"):
            self.add_error("care_provider_other", _("Kies een partij of vul een andere aanbieder in, niet allebei."))
        elif other and cleaned.get("care_funding") == CareFunding.ZIN:
            self.add_error(
                "care_funding",
                _(
                    "Zorg in natura komt van een gecontracteerde partij; een aanbieder die geen partij is, "
                    "alleen via een pgb."
                ),
            )
        needed = cleaned.get("safety_plan_needed")
        provider, agreed_on = cleaned.get("safety_plan_provider"), cleaned.get("safety_plan_agreed_on")
        if needed is False:
            # No plan, no agreement about one: a provider left selected from before is not kept.
            cleaned["safety_plan_provider"], cleaned["safety_plan_agreed_on"] = None, None
        elif provider and not agreed_on and "safety_plan_agreed_on" not in self.errors:
            self.add_error("safety_plan_agreed_on", _("Vul ook de datum van de afspraak in."))
        elif agreed_on and not provider:
            self.add_error("safety_plan_provider", _("Kies de zorgaanbieder waarmee het is afgesproken."))
        registered_on, registered_by = cleaned.get("registered_on"), cleaned.get("registered_by")
        if registered_by and not registered_on and "registered_on" not in self.errors:
            self.add_error("registered_on", _("Vul ook de datum van de inschrijving in."))
        elif registered_on and not registered_by:
            self.add_error("registered_by", _("Kies wie de inschrijving heeft geregeld."))
        return cleaned


class PgbExceptionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van de uitzondering"),
        widget=TEXT_AREA,
        max_length=2000,
        help_text=_("Waarom kan deze aanbieder de begeleiding het beste bieden (SOK art. 9.2b)?"),
    )


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


NEEDED_FOR_OFFER = _("verplicht bij een aanbod")


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
    available_from = FutureDateField(label=_("Beschikbaar vanaf"), required=False)

    # Required for an offer only (the other answers have no dwelling): the label says so rather than
    # "niet verplicht", and clean() asks for each when the answer is an offer.
    OFFER_FIELDS = ("dwelling_address", "dwelling_type", "rent", "available_from")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.OFFER_FIELDS:
            self.fields[name].needed_note = NEEDED_FOR_OFFER

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("response") == "offer":
            for field in self.OFFER_FIELDS:
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


class MatchForm(forms.Form):
    """Step 6 for one corporation and one provider, chosen first: each contact lists only that party's staff.

    The corporation and the provider travel as hidden fields; a crafted POST naming someone of
    another organisation fails on that field (the querysets), and the service checks again.
    """

    corporation = forms.ModelChoiceField(queryset=Organisation.objects.none(), widget=forms.HiddenInput)
    care_provider = forms.ModelChoiceField(queryset=Organisation.objects.none(), widget=forms.HiddenInput)
    dwelling_address = forms.CharField(label=_("Adres van de woning"), max_length=200)
    intended_date = FutureDateField(label=_("Beoogde ingangsdatum"))
    corporation_contact = forms.ModelChoiceField(label=_("Vast aanspreekpunt corporatie"), queryset=User.objects.none())
    corporation_substitute = forms.ModelChoiceField(
        label=_("Vervanger corporatie"), queryset=User.objects.none(), required=False
    )
    provider_contact = forms.ModelChoiceField(label=_("Vast aanspreekpunt zorgaanbieder"), queryset=User.objects.none())
    provider_substitute = forms.ModelChoiceField(
        label=_("Vervanger zorgaanbieder"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, corporation, care_provider, offer=None, **kwargs):
        from .services.trajectory import CORPORATION_STAFF, PROVIDER_STAFF, party_staff

        super().__init__(*args, **kwargs)
        self.offer = offer
        self.fields["corporation"].queryset = Organisation.objects.filter(pk=corporation.pk)
        self.fields["care_provider"].queryset = Organisation.objects.filter(pk=care_provider.pk)
        self.initial.setdefault("corporation", corporation.pk)
        self.initial.setdefault("care_provider", care_provider.pk)
        for name, party, role, message in (
            ("corporation_contact", corporation, "corporation", CORPORATION_STAFF),
            ("corporation_substitute", corporation, "corporation", CORPORATION_STAFF),
            ("provider_contact", care_provider, "care_provider", PROVIDER_STAFF),
            ("provider_substitute", care_provider, "care_provider", PROVIDER_STAFF),
        ):
            field = self.fields[name]
            field.queryset = party_staff(party, role)
            field.label = f"{field.label} ({party.name})"
            field.label_from_instance = lambda user: user.get_full_name() or user.username
            field.error_messages["invalid_choice"] = message % {"name": party.name}
            field.error_messages["required"] = message % {"name": party.name}

    def clean_intended_date(self):
        # Also checked by record_match; here so it shows in the same round as the other errors.
        value = self.cleaned_data["intended_date"]
        if self.offer is not None and value < self.offer.available_from:
            raise forms.ValidationError(
                _("De woning is pas beschikbaar vanaf %(date)s.")
                % {"date": date_format(self.offer.available_from, "j F Y")}
            )
        return value


class PartiesForm(forms.Form):
    """The first step of the match (a GET form): with which corporation and which provider."""

    corporation = forms.ModelChoiceField(label=_("Corporatie"), queryset=Organisation.objects.none())
    care_provider = forms.ModelChoiceField(label=_("Zorgaanbieder"), queryset=Organisation.objects.none())

    def __init__(self, *args, corporations, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corporation"].queryset = corporations
        self.fields["care_provider"].queryset = providers


class DateForm(forms.Form):
    date = PastDateField(label=_("Datum"))


class EndForm(forms.Form):
    kind = forms.ChoiceField(label=_("Afloop"), choices=EndKind.choices, widget=forms.RadioSelect)
    ended_on = PastDateField(label=_("Einddatum"))
    evaluation = forms.CharField(
        label=_("Evaluatie"), widget=TEXT_AREA, required=False, help_text=_("Verplicht bij een negatieve beëindiging.")
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") in (EndKind.EVICTED, EndKind.LEFT) and not cleaned.get("evaluation", "").strip():
            self.add_error("evaluation", _("Bij een negatieve beëindiging is een evaluatie altijd verplicht."))
        return cleaned


class HandoverForm(forms.Form):
    """The sending chair's proposal (SOK art. 6.1): the other region and a note for its chair."""

    region = forms.ModelChoiceField(label=_("Naar regio"), queryset=Region.objects.all())
    note = forms.CharField(
        label=_("Overdrachtsnotitie"),
        widget=TEXT_AREA,
        help_text=_("Wat de ontvangende voorzitter moet weten. Geen naam, adres of BSN: die ziet zij na acceptatie."),
    )

    def __init__(self, *args, from_region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if from_region is not None:
            self.fields["region"].queryset = Region.objects.exclude(pk=from_region.pk)


class EvaluationForm(forms.Form):
    held_on = PastDateField(
        label=_("Gehouden op"),
        error_messages={"future": _("Een evaluatie kan niet in de toekomst zijn gehouden.")},
    )
    notes = forms.CharField(label=_("Verslag"), widget=TEXT_AREA)


class SignalForm(forms.Form):
    """A party of the case signals about another party (SOK art. 8.3)."""

    about = forms.ModelChoiceField(label=_("Over"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("Soort signaal"), choices=SignalKind.choices)
    text = forms.CharField(label=_("Toelichting"), widget=TEXT_AREA)

    def __init__(self, *args, parties, own, **kwargs):
        super().__init__(*args, **kwargs)
        # Every party validates (so choosing one's own organisation gets its own message); only the
        # others are offered.
        self.own = own
        self.fields["about"].queryset = parties
        self.fields["about"].choices = [("", "---------")] + [(p.pk, p.name) for p in parties if p.pk != own.pk]

    def clean_about(self):
        from .services.trajectory import SIGNAL_ABOUT_SELF

        about = self.cleaned_data["about"]
        if about.pk == self.own.pk:
            raise forms.ValidationError(SIGNAL_ABOUT_SELF)
        return about


class CaseMeetingPlanForm(forms.Form):
    planned_on = FutureDateField(label=_("Datum casusoverleg"))
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
    held_on = PastDateField(
        label=_("Gehouden op"),
        error_messages={"future": _("Een casusoverleg kan niet in de toekomst zijn gehouden.")},
    )
    participants = forms.CharField(
        label=_("Deelnemers"), widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Organisaties en functies.")
    )
    outcome = forms.CharField(label=_("Uitkomst"), widget=TEXT_AREA)


class NoCaseMeetingForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), widget=forms.Textarea(attrs={"rows": 3}))


class ReportBackForm(forms.Form):
    report_back = forms.CharField(label=_("Terugkoppeling aan de melder"), widget=forms.Textarea(attrs={"rows": 3}))


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class ContactsForm(forms.Form):
    """A party names its own fixed contact and substitute (art. 8.1): only its own staff is listed."""

    contact = StaffChoiceField(label=_("Vast aanspreekpunt"), queryset=User.objects.none())
    substitute = StaffChoiceField(label=_("Vervanger"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = staff
        self.fields["substitute"].queryset = staff


class ProviderChangeForm(forms.Form):
    to_provider = forms.ModelChoiceField(label=_("Nieuwe zorgaanbieder"), queryset=Organisation.objects.none())
    reason = forms.CharField(label=_("Reden"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_provider"].queryset = providers


class RefusalForm(forms.Form):
    reason = forms.CharField(label=_("Reden van weigering"), widget=forms.Textarea(attrs={"rows": 3}))


class MeetingForm(forms.Form):
    date = FutureDateField(
        label=_("Datum"), error_messages={"past": _("Een overleg kan niet in het verleden worden gepland.")}
    )


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


# The kinds the chair names by a code read aloud at the table; the claims awaiting the overleg stay a list.
CODED_KINDS = (AgendaItemKind.PROFILE, AgendaItemKind.OFFER, AgendaItemKind.SIGNAL, AgendaItemKind.EXCEPTION)


class AgendaItemForm(forms.Form):
    """A profile, an offer or a signal by the profile's code, an exception request by its number, or a claim
    from the short list of those awaiting the overleg. The region's open profiles, offers, signals and
    requests are typed, not listed: they grow with the cases."""

    kind = forms.ChoiceField(
        label=_("Soort agendapunt"),
        initial=AgendaItemKind.PROFILE,
        choices=[(kind.value, kind.label) for kind in CODED_KINDS],
    )
    profile_code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=16,
        help_text=_(
            "Profielcode bij een profiel, aanbod of signaal (bijvoorbeeld WK-N-7K3QX2); het nummer bij een "
            "uitzonderingsverzoek (bijvoorbeeld UV-2026-0042)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    corporation = forms.ChoiceField(
        label=_("Corporatie (bij aanbod)"),
        required=False,
        help_text=_("Alleen nodig als meer corporaties op dit profiel een woning aanbieden."),
    )
    subject = forms.ChoiceField(
        label=_("Of een claim"), required=False, help_text=_("Claims van het garantiefonds die op het overleg wachten.")
    )

    def __init__(self, *args, candidates, corporations, **kwargs):
        """``candidates`` as overleg_selectors.agenda_candidates; ``corporations`` [(id, name)] of the region."""
        super().__init__(*args, **kwargs)
        self.fields["corporation"].choices = [("", _("Kies een corporatie")), *corporations]
        self.fields["subject"].choices = [("", _("Kies een claim"))] + [
            (AgendaItemKind(kind).label, choices) for kind, choices in candidates if choices
        ]

    def clean(self):
        data = super().clean()
        code, subject = data.get("profile_code", ""), data.get("subject", "")
        if code and subject:
            raise forms.ValidationError(_("Typ een code of kies een claim, niet allebei."))
        if not code and not subject and not self.errors:
            self.add_error("profile_code", _("Typ een code of kies een claim."))
        return data


class VoteForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisatie"), queryset=Organisation.objects.none())
    choice = forms.ChoiceField(label=_("Stem"), choices=VoteChoice.choices, widget=forms.RadioSelect)

    def __init__(self, *args, present, shown=None, **kwargs):
        """``present`` validates the choice; ``shown`` (the same organisations, already loaded by the page,
        in the model's order) renders the options without a query per form."""
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = present
        if shown is not None:
            field.widget.choices = [
                ("", field.empty_label),
                *((org.pk, field.label_from_instance(org)) for org in shown),
            ]


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


class DiscussionForm(forms.Form):
    discussion = forms.CharField(
        label=_("Bespreking"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Beschrijf wat het overleg heeft besproken.")},
    )


class HeldForm(forms.Form):
    # Confirmed on the page woonkans/confirm.py renders, like every irreversible action.
    notes = forms.CharField(label=_("Verslag"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
