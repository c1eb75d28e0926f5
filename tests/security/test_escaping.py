"""Every free-text field users type into is shown escaped, never as markup (stored XSS).

The world (conftest) carries an XSS payload in every such field (payloads.py). Every page a role
opens with 200 in the authorisation matrix, plus the pages of the extra objects, is read as that
role: no page may contain the raw payload, and each field's escaped payload must be on some page
(so the test cannot pass by showing nothing).
"""

import pytest
from django.urls import reverse

from woonkans.accounts.roles import Role

from ..pdftext import pdf_text
from .matrix_support import CASE_KWARGS, client_for, path_for
from .payloads import NOT_TYPED, RAW_MARKERS, shown, text_fields, typed_values
from .test_authorisation_matrix import MATRIX, POST_ONLY, URL_PARAMETERS, expected

pytestmark = pytest.mark.django_db

LOG_SEARCHES = ({"log": "login"}, {"log": "access"})


def pages(world):
    """{role: [paths]}: what each role may open, for the own organisation's objects."""
    result = {role: [] for role in Role}
    for name in sorted(URL_PARAMETERS):
        if name in POST_ONLY or name not in MATRIX or name == "healthz":
            continue
        for role in Role:
            if expected(name, role)[0] == 200:
                result[role].append(path_for(name, world, "own"))
    for role, name, kwargs in world.extra_pages:
        result[role].append(reverse(name, kwargs=kwargs))
    search = reverse("audit:log_search")
    for query in LOG_SEARCHES:
        result[Role.ADMINISTRATOR].append(f"{search}?{'&'.join(f'{k}={v}' for k, v in query.items())}")
    return result


def test_every_free_text_field_carries_a_payload_or_a_reason(world):
    labels = set(text_fields())
    typed = typed_values()
    missing = sorted(label for label in labels - set(NOT_TYPED) if label not in typed)
    assert not missing, f"free-text fields without a payload (type one in payloads.decorate, or say why not): {missing}"
    stale = sorted(set(NOT_TYPED) - labels)
    assert not stale, f"NOT_TYPED names fields that no longer exist: {stale}"


def test_uploaded_file_names_lose_their_markup(world):
    from guarantee_fund.models import ClaimDocument
    from referrals.models import Document

    names = list(Document.objects.values_list("file_name", flat=True))
    names += ClaimDocument.objects.values_list("file_name", flat=True)
    hostile = [name for name in names if "onerror" in name]
    assert hostile, "the world uploads a file whose name carries the payload"
    assert all(not set(name) & set("<>\"'/") for name in hostile), hostile


def test_every_page_shows_the_payloads_escaped_and_never_raw(world):
    typed = typed_values()
    seen_tags = set()
    raw = []
    for role, paths in pages(world).items():
        client = client_for(world.users[role])
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, f"{role.value} {path}: {response.status_code}"
            content_type = response.get("Content-Type", "")
            if content_type.startswith("application/pdf"):
                # A PDF is made from HTML too: escaped, the payload is printed as text; as markup it
                # would be drawn (and fetched) instead, leaving the tag without the "<img" after it.
                text = pdf_text(b"".join(response.streaming_content) if response.streaming else response.content)
                for tag in {tag for tags in typed.values() for tag in tags}:
                    if f"[{tag}]" in text:
                        if f"[{tag}]\"'><img" in text:
                            seen_tags.add(tag)
                        else:
                            raw.append(f"{role.value} {path}: {tag} drawn as markup in the PDF")
                continue
            if not content_type.startswith("text/html"):
                continue
            page = response.content.decode()
            raw += [f"{role.value} {path}: {marker}" for marker in RAW_MARKERS if marker in page]
            seen_tags |= {tag for tags in typed.values() for tag in tags if shown(tag) in page}
    assert not raw, "unescaped payload on a page:\n" + "\n".join(raw)
    never_shown = sorted(label for label, tags in typed.items() if not tags & seen_tags)
    assert not never_shown, f"typed with a payload but never shown on a visited page (add the page): {never_shown}"


def test_the_walk_covers_the_object_pages(world):
    # Guard against a silently shrinking walk: every object page of the matrix that someone may open is read.
    visited = {path for paths in pages(world).values() for path in paths}
    for name in CASE_KWARGS:
        if name in POST_ONLY or not any(expected(name, role)[0] == 200 for role in Role):
            continue
        assert path_for(name, world, "own") in visited, name
