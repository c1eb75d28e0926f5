from django import forms
from django.utils.translation import gettext_lazy as _


class LogSearchForm(forms.Form):
    LOGS = [("access", _("Toegangslog (wie zag wat)")), ("login", _("Inloglog"))]

    log = forms.ChoiceField(label=_("Logboek"), choices=LOGS, initial="access")
    username = forms.CharField(label=_("Gebruikersnaam"), required=False, max_length=150)
    subject = forms.CharField(
        label=_("Betrokkene (pseudoniem of id)"),
        required=False,
        max_length=64,
        help_text=_("Alleen voor de toegangslog."),
    )
    date_from = forms.DateField(label=_("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("De einddatum ligt vóór de begindatum."))
        return cleaned
