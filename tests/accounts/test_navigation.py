"""The primary navigation and the breadcrumbs: derived from the homes' links and one table of pages."""

import re

import pytest
from django.urls import reverse

from woonkans.accounts import navigation, workbench
from woonkans.accounts.models import User
from woonkans.accounts.roles import Role

from ..referrals.conftest import make_submitted

# URL names that answer with a file, a redirect or a POST result rather than a page of their own.
NOT_PAGES = {
    "healthz", "home", "logout", "session_keepalive", "accept_logging",
    "oidc_start", "oidc_callback", "oidc_token", "password_set", "password_set_done",
    "two_factor:login", "two_factor:qr", "two_factor:setup", "two_factor:setup_complete",
    "access_review_close", "access_review_decide", "credential_request_decide", "role_request_decide",
    "referrals:autosave", "referrals:document", "referrals:document_remove", "referrals:research_start",
    "referrals:start",
    "matching:corporation_profile_pdf", "matching:finding_override", "matching:meeting_pdf", "matching:message",
    "matching:profile_end", "matching:profile_housed", "matching:profile_pdf",
    "guarantee_fund:claim_document", "guarantee_fund:claim_pdf", "guarantee_fund:contribution_received",
    "guarantee_fund:payment_request", "guarantee_fund:regional_payment_request", "guarantee_fund:regional_received",
    "monitoring:report_file", "monitoring:report_produce", "monitoring:werkgroep_member_end",
    "subject_rights:export",
}  # fmt: skip


def nav_items(html):
    block = re.search(r'<nav[^>]*aria-label="Hoofdmenu".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a class="utrecht-nav-list__link[^"]*" href="([^"]+)"([^>]*)>([^<]+)</a>', block)


def crumbs(html):
    block = re.search(r'<nav[^>]*aria-label="Kruimelpad".*?</nav>', html, re.S)
    if block is None:
        return []
    return [text for _href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', block.group(0))]


def test_every_page_of_the_portal_has_a_title_and_its_parents_exist():
    names = set(navigation._arguments())
    missing = {name for name in names if not name.startswith("admin:")} - set(navigation.PAGES) - NOT_PAGES
    assert not missing, f"pages without a breadcrumb title in navigation.PAGES: {sorted(missing)}"
    for name, (_title, parents) in navigation.PAGES.items():
        assert name in names, name
        assert set(parents) <= set(navigation.PAGES), name


@pytest.mark.django_db
def test_the_menu_is_the_roles_home_links_and_marks_the_page(make_user, signed_in):
    consultant = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")
    client = signed_in(consultant)
    items = nav_items(client.get(reverse("home")).content.decode())
    expected = [("Mijn werkvoorraad", reverse("home"))] + [
        (str(label), url) for label, url in workbench.ROLE_LINKS[Role.WMO_CONSULTANT]()
    ]
    assert [(text, href) for href, _attrs, text in items] == expected
    assert 'aria-current="page"' in items[0][1]

    listing = nav_items(client.get(reverse("referrals:list")).content.decode())
    current = [text for _href, attrs, text in listing if 'aria-current="page"' in attrs]
    assert current == ["Aanmeldingen van je gemeente"]


@pytest.mark.django_db
def test_a_second_role_adds_its_links_once(make_user, signed_in):
    regisseur = make_user(Role.KETENREGISSEUR, "Ketenregie Noord-Limburg")
    regisseur.role_assignments.create(role=Role.PROCESREGISSEUR)
    links = navigation.nav_links(User.objects.get(pk=regisseur.pk))
    urls = [url for _label, url in links]
    assert len(urls) == len(set(urls))
    assert urls == list(
        dict.fromkeys(
            url for role in (Role.KETENREGISSEUR, Role.PROCESREGISSEUR) for _label, url in workbench.ROLE_LINKS[role]()
        )
    )


@pytest.mark.django_db
def test_a_case_hangs_under_the_list_of_whoever_opens_it(make_user, signed_in, client):
    consultant = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")
    regisseur = make_user(Role.KETENREGISSEUR, "Ketenregie Noord-Limburg")
    referral = make_submitted(consultant)
    detail = reverse("referrals:detail", args=[referral.pk])

    page = signed_in(consultant).get(detail).content.decode()
    assert crumbs(page) == ["Mijn werkvoorraad", "Aanmeldingen van je gemeente", "Aanmelding"]
    assert re.search(r'href="/aanmeldingen/"[^>]*aria-current="true"', page)  # its menu item is marked

    client.logout()
    page = signed_in(regisseur).get(detail).content.decode()
    assert crumbs(page) == ["Mijn werkvoorraad", "Nieuwe aanmeldingen", "Aanmelding"]
    assert 'aria-current="page">Aanmelding<' in page


@pytest.mark.django_db
def test_home_has_no_breadcrumbs_and_a_wordmark_with_a_name(make_user, signed_in):
    consultant = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")
    page = signed_in(consultant).get(reverse("home")).content.decode()
    assert crumbs(page) == []
    assert re.search(r'<svg class="wk-wordmark__svg" role="img" aria-labelledby="wk-wordmark-name"', page)
    assert '<title id="wk-wordmark-name">Woonkans-portaal, naar Mijn werkvoorraad</title>' in page


def test_a_page_outside_the_table_hangs_under_the_page_its_url_lies_below():
    from django.urls import resolve

    case, document = "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"
    path = f"/aanmeldingen/{case}/documenten/{document}/verwijderen/"
    trail = navigation.breadcrumbs(resolve(path), [("Aanmeldingen", "/aanmeldingen/")], path)
    assert [title for title, _url in trail] == ["Mijn werkvoorraad", "Aanmeldingen", "Aanmelding"]
    assert trail[-1][1] == f"/aanmeldingen/{case}/"
