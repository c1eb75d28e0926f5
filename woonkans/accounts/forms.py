from django import forms
from django.utils.translation import gettext_lazy as _


class LoggingAcceptanceForm(forms.Form):
    accept = forms.BooleanField(
        label=_("Ik heb gelezen dat al mijn handelingen in het portaal worden vastgelegd, en ik ga daarmee akkoord."),
        error_messages={
            "required": _("Vink aan dat je akkoord gaat; zonder akkoord kun je het portaal niet gebruiken.")
        },
    )
