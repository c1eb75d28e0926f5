"""Who received a resident's data, and what (art. 15(1)(c) and art. 19): computed from the case itself."""

from django.urls import reverse
from django.utils.translation import gettext as _

from matching.models import Match, ProfileShare
from referrals import permissions as referral_permissions
from woonkans.accounts.roles import Role
from woonkans.notifications import notify
from woonkans.parties.models import Organisation, OrganisationKind

ROLES_BY_KIND = {
    OrganisationKind.MUNICIPALITY: (Role.WMO_CONSULTANT, Role.PRIVACY_OFFICER),
    OrganisationKind.CHAIN_DIRECTION: (Role.KETENREGISSEUR, Role.PROCESREGISSEUR),
    OrganisationKind.CORPORATION: (Role.CORPORATION,),
    OrganisationKind.CARE_PROVIDER: (Role.CARE_PROVIDER,),
    OrganisationKind.MGR: (Role.TREASURER,),
}


def case_recipients(referral):
    """[{organisation, received}] in route order; one entry per organisation, what it got joined."""
    entries = {}

    def add(organisation, received):
        entry = entries.setdefault(organisation.pk, {"organisation": organisation, "received": []})
        if received not in entry["received"]:
            entry["received"].append(received)

    add(referral.municipality, _("het volledige dossier (verwerkingsverantwoordelijke)"))
    if referral.reported_by_id:
        add(referral.reported_by, _("de melding en de globale status ervan"))
    if referral.submitted_at is not None:
        for organisation in referral_permissions.region_directors(referral.region):
            add(organisation, _("de aanmelding: identiteit, onderzoek en documenten"))
    shares = ProfileShare.objects.filter(profile__referral=referral).select_related("corporation")
    for share in shares:
        add(share.corporation, _("het geanonimiseerde bemiddelingsprofiel"))
    match = Match.objects.filter(profile__referral=referral).select_related("corporation", "care_provider").first()
    if match is not None:
        add(match.corporation, _("na de match: naam, identiteit en huurdocumenten"))
        add(match.care_provider, _("na de match: naam en contactgegevens"))
        if match.profile.claims.exists():
            for mgr in Organisation.objects.filter(kind=OrganisationKind.MGR):
                add(mgr, _("een claim op het garantiefonds onder de code van het profiel"))
    return list(entries.values())


def notify_recipients(referral, *, subject, intro, recipients=None):
    """Tell every organisation that received the case's data, by e-mail with a link, never the data itself."""
    recipients = case_recipients(referral) if recipients is None else recipients
    by_kind = {}
    for entry in recipients:
        organisation = entry["organisation"]
        by_kind.setdefault(organisation.kind, []).append(organisation)
    for kind, organisations in by_kind.items():
        notify(
            organisations=organisations,
            roles=ROLES_BY_KIND.get(kind, ()),
            subject=subject,
            intro=intro,
            path=reverse("home"),
        )
