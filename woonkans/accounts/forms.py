from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _


class LoggingAcceptanceForm(forms.Form):
    accept = forms.BooleanField(
        label=_("Ik heb gelezen dat al mijn handelingen in het portaal worden vastgelegd, en ik ga daarmee akkoord."),
        error_messages={
            "required": _("Vink aan dat je akkoord gaat; zonder akkoord kun je het portaal niet gebruiken.")
        },
    )


class CredentialChangeForm(forms.Form):
    """What an administrator asks to change about how a user signs in; never a password itself."""

    reset_login = forms.BooleanField(
        label=_("Wachtwoord en tweede factor herstellen"),
        help_text=_(
            "Het wachtwoord vervalt, de authenticator-app en reservecodes worden verwijderd en de gebruiker "
            "wordt uitgelogd. De gebruiker krijgt een e-mail met een link om zelf een nieuw wachtwoord in te stellen."
        ),
        required=False,
    )
    new_email = forms.EmailField(label=_("Nieuw e-mailadres"), required=False)
    new_username = forms.CharField(
        label=_("Nieuwe gebruikersnaam"), required=False, max_length=150, validators=[UnicodeUsernameValidator()]
    )
