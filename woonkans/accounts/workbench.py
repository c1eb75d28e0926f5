"""What each role finds on 'Mijn werkvoorraad': per role what waits (counts registered by each app in
woonkans.worklist), the cases past their lead time (leadtimes.waiting) and the role's destinations
(ROLE_LINKS, from which the primary navigation is derived too)."""

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans import worklist

from .roles import Role


def _admin_links():
    return [
        (_("Organisaties, gebruikers en rollen beheren"), reverse("admin:index")),
        (_("Toegangs- en inloglog doorzoeken"), reverse("audit:log_search")),
        (_("Toegangscontrole"), reverse("access_reviews")),
        (_("Rolaanvragen goedkeuren (vier ogen)"), reverse("role_requests")),
        (_("Monitoring (alleen cijfers)"), reverse("monitoring:monitoring")),
    ]


ROLE_PANELS = {
    Role.WMO_CONSULTANT: (_("Aanmeldingen van je gemeente"), _("Meldingen, onderzoeken en aanmeldingen bij Woonkans.")),
    Role.KETENREGISSEUR: (
        _("Woonkans-overleg en bemiddeling"),
        _("Nieuwe aanmeldingen, bemiddelingsprofielen en het overleg."),
    ),
    Role.PROCESREGISSEUR: (_("Bemiddeling"), _("Bemiddelingsprofielen en de koppeling met corporaties.")),
    Role.CORPORATION: (_("Matchingstabel"), _("Profielen die met je corporatie zijn gedeeld.")),
    Role.CARE_PROVIDER: (_("Cliënten en meldingen"), _("Je meldingen bij het Wmo-loket en lopende trajecten.")),
    Role.TREASURER: (_("Garantiefonds"), _("Goedgekeurde claims, het grootboek en bijdragerondes.")),
    Role.WERKGROEP: (_("Monitoring"), _("De halfjaarlijkse cijfers van Woonkans.")),
    Role.ADMINISTRATOR: (_("Beheer"), _("Organisaties, gebruikers, rollen en de logboeken.")),
    Role.PRIVACY_OFFICER: (
        _("Rechten van betrokkenen"),
        _("Verzoeken om inzage, correctie, beperking, wissen en bezwaar, met hun termijnen."),
    ),
}


def _links(*items):
    return lambda: [(label, reverse(name)) for label, name in items]


ROLE_LINKS = {
    Role.WERKGROEP: _links((_("Monitoring"), "monitoring:monitoring")),
    Role.ADMINISTRATOR: _admin_links,
    Role.WMO_CONSULTANT: _links(
        (_("Aanmeldingen van je gemeente"), "referrals:list"),
        (_("Trajecten"), "matching:trajectories"),
        (_("Casusoverleggen die je voert"), "matching:my_case_meetings"),
    ),
    Role.KETENREGISSEUR: _links(
        (_("Nieuwe aanmeldingen"), "referrals:inbox"),
        (_("Bemiddelingsprofielen"), "matching:profiles"),
        (_("Woonkans-overleg"), "matching:meetings"),
        (_("Nazorg en overdracht"), "matching:aftercare"),
        (_("Claims garantiefonds"), "guarantee_fund:claims"),
        (_("Verantwoording garantiefonds"), "guarantee_fund:accountability"),
        (_("Monitoring"), "monitoring:monitoring"),
    ),
    Role.PROCESREGISSEUR: _links(
        (_("Nieuwe aanmeldingen"), "referrals:inbox"),
        (_("Bemiddelingsprofielen"), "matching:profiles"),
        (_("Woonkans-overleg"), "matching:meetings"),
        (_("Monitoring"), "monitoring:monitoring"),
    ),
    Role.CORPORATION: _links(
        (_("Matchingstabel"), "matching:table"),
        (_("Trajecten"), "matching:trajectories"),
        (_("Woonkans-overleg"), "matching:meetings"),
        (_("Claims garantiefonds"), "guarantee_fund:claims"),
    ),
    Role.TREASURER: _links(
        (_("Claims ter betaling"), "guarantee_fund:claims"),
        (_("Grootboek"), "guarantee_fund:ledger"),
        (_("Bijdragerondes"), "guarantee_fund:rounds"),
        (_("Deelnemers en opheffing"), "guarantee_fund:parties"),
        (_("Verantwoording"), "guarantee_fund:accountability"),
    ),
    Role.PRIVACY_OFFICER: _links(
        (_("Verzoeken van inwoners"), "subject_rights:list"),
        (_("Nieuw verzoek registreren"), "subject_rights:find_case"),
    ),
    Role.CARE_PROVIDER: _links(
        (_("Meldingen van je organisatie"), "referrals:reports"),
        (_("Inwoner melden"), "referrals:report_new"),
        (_("Trajecten"), "matching:trajectories"),
        (_("Woonkans-overleg"), "matching:meetings"),
    ),
}


def panels_for(user, *, today=None):
    """One panel per role: what waits for the user in that role (woonkans.worklist), then its destinations."""
    from .worklist_view import present

    rows = present(worklist.counts_for(user), today=today or timezone.localdate())
    panels = []
    for code in user.role_codes:
        role = Role(code)
        title, description = ROLE_PANELS[role]
        links = ROLE_LINKS[role]() if role in ROLE_LINKS else []
        work = [row for row in rows if row.role == role]
        panels.append({"role": role, "title": title, "description": description, "links": links, "work": work})
    return panels


# ---- the administrator's own lists (accounts registers them like any app: woonkans.worklist) ----


def worklist_counts(user):
    from .credential_services import credential_requests_visible_to
    from .models import RoleRequestStatus
    from .reviews import reviews_visible_to
    from .user_services import role_requests_visible_to

    if not user.has_role(Role.ADMINISTRATOR):
        return []
    today = timezone.localdate()
    rows = []
    for key, label, visible, anchor, order in (
        (
            "accounts.role_requests",
            _("Rolaanvragen om te beoordelen (vier ogen)"),
            role_requests_visible_to,
            "#h-role-pending",
            10,
        ),
        (
            "accounts.credential_requests",
            _("Verzoeken om nieuwe inloggegevens (vier ogen)"),
            credential_requests_visible_to,
            "#h-credential-pending",
            20,
        ),
    ):
        pending = visible(user).filter(status=RoleRequestStatus.PENDING)
        url = reverse("role_requests") + anchor
        rows.append(
            worklist.row(Role.ADMINISTRATOR, key, label, pending, "requested_at", url, age_unit="days", order=order)
        )
    reviews = (
        reviews_visible_to(user)
        .filter(closed_at__isnull=True)
        .order_by()
        .aggregate(n=Count("pk"), due=Min("due_on"), late=Count("pk", filter=Q(due_on__lt=today)))
    )
    rows.append(
        worklist.WorkCount(
            role=Role.ADMINISTRATOR,
            key="accounts.access_reviews",
            label=str(_("Toegangscontroles af te ronden")),
            count=reviews["n"],
            url=reverse("access_reviews") + "?closed_at__isnull=true",
            due=reviews["due"],
            overdue=reviews["late"],
            order=30,
        )
    )
    return rows


# The home page shows per step the cases waiting longest; the rest are named, not listed.
WORKLIST_PER_STEP = 50


def worklist_for(user):
    """Cases of the user's own party past their step's target lead time (leadtimes.waiting)."""
    from leadtimes.waiting import worklist_for as waiting_for

    return waiting_for(user, per_step=WORKLIST_PER_STEP)
