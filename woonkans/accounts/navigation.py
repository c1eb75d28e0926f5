"""The primary navigation and the breadcrumbs, both derived.

- The navigation is the user's roles' links on 'Mijn werkvoorraad' (`workbench.ROLE_LINKS`), in
  role order, each URL once: a role's menu and its home never differ.
- The breadcrumbs walk up PAGES: one title per URL name and the pages it hangs under. A parent
  without URL arguments counts only when it is in the user's own navigation (a case detail hangs
  under 'Aanmeldingen' for the consultant and under 'Nieuwe aanmeldingen' for the regisseur); a
  parent with arguments takes them from the current URL (the profile a profile's sub-page belongs to).
"""

from functools import cache

from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.translation import gettext_lazy as _

from . import workbench
from .roles import Role

HOME = "home"

# URL name -> (title of the page, URL names it hangs under, first that fits wins). A page without
# an entry (or with no fitting parent) hangs directly under home.
PAGES = {
    # accounts and audit
    "access_reviews": (_("Toegangscontrole"), ()),
    "accessibility": (_("Toegankelijkheidsverklaring"), ()),
    "access_review": (_("Toegangscontrole van een organisatie"), ("access_reviews",)),
    "role_requests": (_("Rolaanvragen"), ()),
    "credential_change": (_("Inloggegevens beheren"), ("access_reviews",)),
    "two_factor:backup_tokens": (_("Reservecodes"), ()),
    "audit:log_search": (_("Logboeken doorzoeken"), ()),
    # referrals
    "referrals:list": (_("Aanmeldingen"), ()),
    "referrals:inbox": (_("Nieuwe aanmeldingen"), ()),
    "referrals:reports": (_("Meldingen"), ()),
    "referrals:report_new": (_("Inwoner melden"), ("referrals:reports",)),
    "referrals:detail": (_("Aanmelding"), ("referrals:list", "referrals:inbox", "referrals:reports")),
    "referrals:step": (_("Onderzoek"), ("referrals:detail",)),
    "referrals:submit": (_("Indienen"), ("referrals:detail",)),
    "referrals:exception": (_("Uitzondering aanvragen"), ("referrals:detail",)),
    "referrals:withdraw": (_("Intrekken"), ("referrals:detail",)),
    "referrals:consent_withdraw": (_("Toestemming intrekken"), ("referrals:detail",)),
    "referrals:feedback": (_("Terugkoppeling geven"), ("referrals:detail",)),
    # matching
    "matching:profiles": (_("Bemiddelingsprofielen"), ()),
    "matching:profile_create": (_("Profiel maken"), ("referrals:detail",)),
    "matching:profile": (_("Bemiddelingsprofiel"), ("matching:profiles",)),
    "matching:profile_edit": (_("Profiel bewerken"), ("matching:profile",)),
    "matching:profile_share": (_("Profiel delen"), ("matching:profile",)),
    "matching:profile_match": (_("Match vastleggen"), ("matching:profile",)),
    "matching:profile_versions": (_("Versies"), ("matching:profile",)),
    "matching:profile_handover": (_("Warme overdracht"), ("matching:profile",)),
    "matching:case_meeting": (_("Casusoverleg"), ("matching:profile",)),
    "matching:provider_change": (_("Zorgaanbieder vervangen"), ("matching:profile",)),
    "matching:table": (_("Matchingstabel"), ()),
    "matching:corporation_profile": (_("Profiel"), ("matching:table",)),
    "matching:tenant": (_("Huurder"), ("matching:trajectories", "matching:table")),
    "matching:trajectories": (_("Trajecten"), ()),
    "matching:trajectory": (_("Traject"), ("matching:trajectories",)),
    "matching:trajectory_contacts": (_("Vaste aanspreekpunten"), ("matching:trajectory",)),
    "matching:signal_report_back": (_("Terugkoppeling op een signaal"), ("matching:trajectory",)),
    "matching:provider_change_answer": (_("Traject overnemen"), ("matching:trajectories",)),
    "matching:my_case_meetings": (_("Casusoverleggen die je voert"), ()),
    "matching:my_case_meeting": (_("Casusoverleg"), ("matching:my_case_meetings",)),
    "matching:aftercare": (_("Nazorg en overdracht"), ()),
    "matching:handover": (_("Warme overdracht"), ("matching:aftercare",)),
    "matching:meetings": (_("Woonkans-overleg"), ()),
    "matching:meeting": (_("Overleg"), ("matching:meetings",)),
    "matching:meeting_action": (_("Overleg"), ("matching:meeting",)),
    # guarantee fund
    "guarantee_fund:claims": (_("Claims garantiefonds"), ()),
    "guarantee_fund:claim_new": (_("Claim indienen"), ("guarantee_fund:claims",)),
    "guarantee_fund:claim": (_("Claim"), ("guarantee_fund:claims",)),
    "guarantee_fund:claim_action": (_("Claim"), ("guarantee_fund:claim",)),
    "guarantee_fund:ledger": (_("Grootboek"), ()),
    "guarantee_fund:entry_correct": (_("Tegenboeking"), ("guarantee_fund:ledger",)),
    "guarantee_fund:rounds": (_("Bijdragerondes"), ()),
    "guarantee_fund:round": (_("Bijdrageronde"), ("guarantee_fund:rounds",)),
    "guarantee_fund:accountability": (_("Verantwoording garantiefonds"), ()),
    "guarantee_fund:parties": (_("Deelnemers garantiefonds"), ()),
    "guarantee_fund:party_iban": (_("IBAN van een deelnemer"), ("guarantee_fund:parties",)),
    # monitoring
    "monitoring:monitoring": (_("Monitoring"), ()),
    "monitoring:reports": (_("Halfjaarrapportages"), ("monitoring:monitoring",)),
    "monitoring:definitions": (_("Toelichting op de cijfers"), ("monitoring:monitoring",)),
    "monitoring:werkgroep": (_("Werkgroep"), ("monitoring:monitoring",)),
    "monitoring:werkgroep_meeting": (_("Vergadering werkgroep"), ("monitoring:werkgroep",)),
    # subject rights
    "subject_rights:list": (_("Verzoeken van inwoners"), ()),
    "subject_rights:find_case": (_("Zaak zoeken voor een verzoek"), ("subject_rights:list",)),
    "subject_rights:register": (_("Verzoek registreren"), ("subject_rights:find_case",)),
    "subject_rights:detail": (_("Verzoek"), ("subject_rights:list",)),
    "subject_rights:rectify": (_("Gegevens corrigeren"), ("subject_rights:detail",)),
    "subject_rights:access_history": (_("Wie de gegevens heeft ingezien"), ("subject_rights:detail",)),
    "subject_rights:act": (_("Verzoek"), ("subject_rights:detail",)),
}


def _walk(patterns, namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            )
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


@cache
def _arguments():
    """URL name -> the names of its URL arguments (first pattern of that name)."""
    found = {}
    for name, entry in _walk(get_resolver().url_patterns):
        found.setdefault(name, tuple(entry.pattern.regex.groupindex))
    return found


def nav_links(user):
    """[(label, url name, url)] of the user's roles' home links, each URL once, in role order."""
    links, seen = [], set()
    for code in getattr(user, "role_codes", ()):
        make = workbench.ROLE_LINKS.get(Role(code))
        for item in make() if make else ():
            label, url = item[0], item[1]  # (label, url, ...): the home may carry more per link
            if url not in seen:
                seen.add(url)
                links.append((label, url))
    return links


def _url_for(name, kwargs):
    wanted = _arguments().get(name)
    if wanted is None or any(key not in kwargs for key in wanted):
        return None
    try:
        return reverse(name, kwargs={key: kwargs[key] for key in wanted})
    except NoReverseMatch:
        return None


def breadcrumbs(match, nav_urls, path=""):
    """[(title, url)] from home down to the current page (last, url None); [] on home.

    A page not in PAGES (a confirmation step, say) hangs under the nearest page its URL path lies
    below; its own crumb is then left out, as the table has no title for it."""
    if match is None or match.view_name == HOME:
        return []
    nav_titles = dict((url, label) for label, url in nav_urls)
    trail, name, kwargs, current = [], match.view_name, match.kwargs, True
    if name not in PAGES:
        name, kwargs = _enclosing_page(path)
        current = False
    for _depth in range(8):  # the table is shallow; a loop in it must not hang a request
        if name is None:
            break
        title, parents = PAGES[name]
        url = None if current else _url_for(name, kwargs)
        if current or url:
            trail.append((nav_titles.get(url, title) if url else title, url))
        name = _parent(parents, kwargs, nav_titles)
        current = False
    trail.append((_("Mijn werkvoorraad"), reverse(HOME)))
    return list(reversed(trail))


def _enclosing_page(path):
    """(URL name, kwargs) of the nearest page in PAGES whose URL the path lies below, else (None, {})."""
    parts = [part for part in path.split("/") if part]
    while parts:
        parts.pop()
        try:
            match = resolve("/" + "/".join(parts) + "/" if parts else "/")
        except Resolver404:
            continue
        if match.view_name in PAGES:
            return match.view_name, match.kwargs
        if match.view_name == HOME:
            break
    return None, {}


def _parent(candidates, kwargs, nav_titles):
    for candidate in candidates:
        if candidate not in PAGES:
            continue
        url = _url_for(candidate, kwargs)
        if url is None:
            continue
        # A page without arguments is a list: only the lists of the user's own menu lead anywhere.
        if _arguments().get(candidate) or url in nav_titles:
            return candidate
    return None
