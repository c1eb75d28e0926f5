import pytest
from django.urls import reverse

from woonkans.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_the_statement_is_readable_before_signing_in(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    text = response.content.decode()
    for promised in ("WCAG 2.1", "axe-core", "Nu Html Checker", "toetsenbord", "Wat nog niet goed is", "Meld het"):
        assert promised in text, promised


def test_every_page_links_to_it_from_the_footer(client, signed_in, make_user):
    signed_in(make_user(Role.WMO_CONSULTANT, "Gemeente Venlo"))
    footer = client.get(reverse("home")).content.decode().split("<footer", 1)[1]
    assert f'href="{reverse("accessibility")}"' in footer
    login_page = client.get(reverse("two_factor:login"))
    assert reverse("accessibility") in login_page.content.decode() or login_page.status_code == 302
