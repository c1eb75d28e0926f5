"""The log keeps codes (a role "corporation", an object "referrals.referral"); people read Dutch.

One place turns the codes into words, for the log search, the resident's art. 15 overview and
anything else that shows a log entry.
"""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from woonkans.accounts.roles import Role


def role_labels(codes):
    """ "wmo_consultant,werkgroep" -> "Wmo-consulent, Werkgroep"; an unknown code stays as it is."""
    return ", ".join(str(Role(code).label) if code in Role.values else code for code in codes.split(",") if code)


# Models that have no Dutch verbose_name of their own (yet): what the log calls them.
# TODO(lead): move these into the models' Meta (one migration per app) and drop this table.
NAMES = {
    "referrals.document": (gettext_lazy("document"), gettext_lazy("documenten")),
    "referrals.referralevent": (gettext_lazy("stap in de zaak"), gettext_lazy("stappen in de zaak")),
    "matching.profileversion": (gettext_lazy("versie van het profiel"), gettext_lazy("versies van het profiel")),
    "matching.profileshare": (gettext_lazy("gedeeld profiel"), gettext_lazy("gedeelde profielen")),
    "matching.offer": (gettext_lazy("woningaanbod"), gettext_lazy("woningaanbiedingen")),
    "matching.profilemessage": (gettext_lazy("vraag over het profiel"), gettext_lazy("vragen over profielen")),
    "matching.agendaitem": (gettext_lazy("agendapunt"), gettext_lazy("agendapunten")),
    "matching.decision": (gettext_lazy("besluit van het overleg"), gettext_lazy("besluiten van het overleg")),
    "matching.meeting": (gettext_lazy("Woonkans-overleg"), gettext_lazy("Woonkans-overleggen")),
    "matching.match": (gettext_lazy("match"), gettext_lazy("matches")),
    "matching.evaluation": (gettext_lazy("evaluatie"), gettext_lazy("evaluaties")),
    "matching.signal": (gettext_lazy("signaal"), gettext_lazy("signalen")),
    "matching.casemeeting": (gettext_lazy("casusoverleg"), gettext_lazy("casusoverleggen")),
    "guarantee_fund.claim": (gettext_lazy("claim op het garantiefonds"), gettext_lazy("claims op het garantiefonds")),
    "guarantee_fund.claimline": (gettext_lazy("kostenpost van een claim"), gettext_lazy("kostenposten van claims")),
    "guarantee_fund.claimdocument": (gettext_lazy("document bij een claim"), gettext_lazy("documenten bij claims")),
    "guarantee_fund.claimconsultation": (gettext_lazy("raadpleging over een claim"), gettext_lazy("raadplegingen")),
    "guarantee_fund.claimdeviation": (gettext_lazy("maatwerk bij een claim"), gettext_lazy("maatwerk bij claims")),
    "guarantee_fund.ledgerentry": (gettext_lazy("boeking"), gettext_lazy("grootboek")),
    "guarantee_fund.contribution": (gettext_lazy("bijdrage"), gettext_lazy("bijdragen")),
    "guarantee_fund.contributionround": (gettext_lazy("bijdrageronde"), gettext_lazy("bijdragerondes")),
    "monitoring.casefact": (gettext_lazy("anoniem zaakfeit"), gettext_lazy("anonieme cijfers")),
    "monitoring.halfyearreport": (gettext_lazy("halfjaarrapportage"), gettext_lazy("halfjaarrapportages")),
}


def model_label(object_type, *, plural=False):
    """ "referrals.referral" -> the model's Dutch verbose name ("aanmelding")."""
    if not object_type:
        return ""
    if object_type in NAMES:
        return str(NAMES[object_type][1 if plural else 0])
    try:
        meta = apps.get_model(object_type)._meta
    except (LookupError, ValueError):
        return _("gegevens")
    return str(meta.verbose_name_plural if plural else meta.verbose_name)
