"""Every free-text field users type into is shown escaped, never as markup (stored XSS).

The world (conftest) carries an XSS payload in every such field (payloads.py). Every page a role
opens with 200 in the authorisation matrix, plus the pages of the extra objects, is read as that
role: no page may contain the raw payload, and each field's escaped payload must be on some page
(so the test cannot pass by showing nothing). PDFs are made from HTML too and are read as text.
"""

import pytest

from woonkans.accounts.roles import Role

from ..pdftext import pdf_text
from .matrix_support import CASE_KWARGS, path_for
from .pages import visitable_pages
from .payloads import NOT_TYPED, RAW_MARKERS, shown, text_fields, typed_values
from .test_authorisation_matrix import POST_ONLY, expected

pytestmark = pytest.mark.django_db


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
    assert len(hostile) >= 2, "the world uploads a case document and a claim document with the payload as name"
    assert all(not set(name) & set("<>\"'/") for name in hostile), hostile


def test_every_page_shows_the_payloads_escaped_and_never_raw(world, visits):
    typed = typed_values()
    all_tags = {tag for tags in typed.values() for tag in tags}
    seen_tags = set()
    raw = []
    for visit in visits:
        where = f"{visit.role.value} {visit.path}"
        assert visit.status == 200, f"{where}: {visit.status}"
        content_type = visit.headers.get("Content-Type", "")
        if content_type.startswith("application/pdf"):
            # Escaped, the payload is printed as text; as markup it would be drawn (and fetched)
            # instead, leaving the tag without the "<img" after it.
            text = pdf_text(visit.content)
            for tag in all_tags:
                if f"[{tag}]" in text:
                    if f"[{tag}]\"'><img" in text:
                        seen_tags.add(tag)
                    else:
                        raw.append(f"{where}: {tag} drawn as markup in the PDF")
        elif content_type.startswith("text/html"):
            page = visit.content.decode()
            raw += [f"{where}: {marker}" for marker in RAW_MARKERS if marker in page]
            seen_tags |= {tag for tag in all_tags if shown(tag) in page}
    assert not raw, "unescaped payload on a page:\n" + "\n".join(raw)
    never_shown = sorted(label for label, tags in typed.items() if not tags & seen_tags)
    assert not never_shown, f"typed with a payload but never shown on a visited page (add the page): {never_shown}"


def test_the_walk_covers_every_object_page_someone_may_open(world):
    # Guard against a silently shrinking walk: every object page of the matrix that someone may open is read.
    visited = {path for paths in visitable_pages(world).values() for path in paths}
    for name in CASE_KWARGS:
        if name in POST_ONLY or not any(expected(name, role)[0] == 200 for role in Role):
            continue
        assert path_for(name, world, "own") in visited, name
