"""CSRF on every POST, and the security headers on every page with personal data.

CSRF: every URL pattern is posted to without a token by a user who may use it (the matrix says
who), and must answer with the CSRF refusal; the same POST with the session's token must not (so
the refusal is the token check, not something else). Nothing posted is kept (rolled back).
Headers: every page each role may open (pages.py), downloads included.
"""

import copy
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from woonkans.accounts.middleware import PUBLIC_URL_NAMES
from woonkans.accounts.roles import Role

from ..conftest import sign_in
from .matrix_support import path_for
from .test_authorisation_matrix import MATRIX, URL_PARAMETERS, expected

pytestmark = pytest.mark.django_db

CSRF_REFUSAL = "Het formulier is verlopen"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def user_for(name, world):
    """A user the matrix lets through (the view itself runs), else the administrator."""
    for role in Role:
        if str(expected(name, role)[0]).split(" ")[0] in ("200", "204", "302"):
            return world.users[role]
    return world.users[Role.ADMINISTRATOR]


def post_rolled_back(client, path, data):
    jar = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.post(path, data)
        transaction.set_rollback(True)
    client.cookies = jar
    return response


def is_csrf_refusal(response):
    return response.status_code == 403 and CSRF_REFUSAL in response.content.decode(errors="replace")


def test_every_post_needs_the_csrf_token(world):
    clients = {}
    unprotected, refused_anyway = [], []
    for name in sorted(URL_PARAMETERS):
        path = path_for(name, world, "own")
        if name in PUBLIC_URL_NAMES:
            client = Client(enforce_csrf_checks=True)
            token_page = reverse("two_factor:login")
        else:
            user = user_for(name, world)
            if user.pk not in clients:
                clients[user.pk] = sign_in(Client(enforce_csrf_checks=True), user)
            client = clients[user.pk]
            token_page = reverse("home")
        if not is_csrf_refusal(post_rolled_back(client, path, {})):
            unprotected.append(f"{name} {path}")
        token = TOKEN.search(client.get(token_page).content.decode()).group(1)
        with_token = post_rolled_back(client, path, {"csrfmiddlewaretoken": token})
        if is_csrf_refusal(with_token):
            refused_anyway.append(f"{name} {path}")
    assert not unprotected, "POST without a CSRF token was not refused:\n" + "\n".join(unprotected)
    assert not refused_anyway, "refused even with the token (so the check above proves nothing):\n" + "\n".join(
        refused_anyway
    )


def test_the_token_of_another_session_does_not_count(world):
    consultant = world.users[Role.WMO_CONSULTANT]
    mine = sign_in(Client(enforce_csrf_checks=True), consultant)
    theirs = sign_in(Client(enforce_csrf_checks=True), world.users[Role.KETENREGISSEUR])
    their_token = TOKEN.search(theirs.get(reverse("home")).content.decode()).group(1)
    mine.get(reverse("home"))  # my own CSRF cookie is set
    response = post_rolled_back(mine, reverse("referrals:start"), {"csrfmiddlewaretoken": their_token})
    assert is_csrf_refusal(response)


def test_every_page_with_personal_data_has_no_store_and_the_security_headers(visits):
    problems = []
    for visit in visits:
        headers = {key.lower(): value for key, value in visit.headers.items()}
        csp = headers.get("content-security-policy", "")
        wanted = {
            "no-store": "no-store" in headers.get("cache-control", ""),
            "X-Frame-Options DENY": headers.get("x-frame-options") == "DENY",
            "X-Content-Type-Options nosniff": headers.get("x-content-type-options") == "nosniff",
            "Referrer-Policy same-origin": headers.get("referrer-policy") == "same-origin",
        }
        if "attachment" in headers.get("content-disposition", "") and "default-src 'none'" in csp:
            # A stored upload is served with its own, stricter policy: nothing loads or runs, sandboxed.
            wanted["CSP sandbox"] = "sandbox" in csp
        else:
            wanted["CSP frame-ancestors 'none'"] = "frame-ancestors 'none'" in csp
            wanted["CSP script-src 'self' without unsafe-inline"] = (
                "script-src 'self'" in csp and "unsafe-inline" not in csp
            )
        missing = [header for header, present in wanted.items() if not present]
        if missing:
            problems.append(f"{visit.role.value} {visit.path} ({headers.get('content-type')}): {missing}")
    assert len(visits) > 100
    assert not problems, "\n".join(problems)


def test_the_matrix_has_a_row_for_every_public_page():
    # The CSRF walk signs in for everything but these; a new public page must be thought about here.
    assert PUBLIC_URL_NAMES <= set(MATRIX)
