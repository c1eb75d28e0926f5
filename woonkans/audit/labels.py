"""The log keeps codes (a role "corporation", an object "referrals.referral"); people read Dutch.

One place turns the codes into words, for the log search, the resident's art. 15 overview and
anything else that shows a log entry.
"""

from django.apps import apps
from django.utils.translation import gettext as _

from woonkans.accounts.roles import Role


def role_labels(codes):
    """ "wmo_consultant,werkgroep" -> "Wmo-consulent, Werkgroep"; an unknown code stays as it is."""
    return ", ".join(str(Role(code).label) if code in Role.values else code for code in codes.split(",") if code)


def model_label(object_type, *, plural=False):
    """ "referrals.referral" -> the model's Dutch verbose name ("aanmelding").

    Every model of the portal names itself in Dutch in its Meta (one source for the admin, the log
    search and the art. 15 overview); an unknown label reads as "gegevens".
    """
    if not object_type:
        return ""
    try:
        meta = apps.get_model(object_type)._meta
    except (LookupError, ValueError):
        return _("gegevens")
    return str(meta.verbose_name_plural if plural else meta.verbose_name)
