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
    held_on = forms.DateField(label=_("Gehouden op"), widget=DATE_WIDGET)
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
    held_on = forms.DateField(label=_("Gehouden op"), widget=DATE_WIDGET)
    participants = forms.CharField(
        label=_("Deelnemers"), widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Organisaties en functies.")
    )
    outcome = forms.CharField(label=_("Uitkomst"), widget=TEXT_AREA)

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Een casusoverleg kan niet in de toekomst zijn gehouden."))
        return value


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
    date = forms.DateField(label=_("Datum"), widget=DATE_WIDGET)


class AttendanceForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Aanwezige organisaties"),
        queryset=Organisation.objects.active().order_by("kind", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort punt"),
        choices=[
            (AgendaItemKind.PROFILE, _("Profiel")),
            (AgendaItemKind.OFFER, _("Aanbod")),
            (AgendaItemKind.EXCEPTION, _("Uitzonderingsverzoek")),
            (AgendaItemKind.CASE_MEETING, _("Casusoverleg")),
        ],
    )
    subject = forms.ChoiceField(label=_("Onderwerp"))

    def __init__(self, *args, profiles, exception_requests, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f"profile:{p.pk}", p.code) for p in profiles]
        choices += [
            (
                f"exception:{r.pk}",
                _("Uitzonderingsverzoek %(ref)s (%(municipality)s)")
                % {"ref": str(r.pk)[:8].upper(), "municipality": r.referral.municipality.name},
            )
            for r in exception_requests
        ]
        self.fields["subject"].choices = choices


class VoteForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisatie"), queryset=Organisation.objects.none())
    choice = forms.ChoiceField(label=_("Stem"), choices=VoteChoice.choices)

    def __init__(self, *args, present, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = present


class DecisionForm(forms.Form):
    decision = forms.CharField(label=_("Besluit"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
