"""No page, PDF, CSV or e-mail of the demo shows a machine code to a person."""

import pytest

from ..demo_crawl import model_labels, raw_codes

# The package's crawl fixture needs the test database set up (pytest-django does so only for marked tests).
pytestmark = pytest.mark.django_db

# Names an administrator must read as they are, because they type or match them elsewhere.
TECHNICAL_TERMS = {
    "email_verified",  # the OpenID Connect claim named in the sign-in service's settings (/beheer/)
}


def test_every_demo_user_sees_dutch_not_codes(demo_crawl):
    labels = model_labels()
    findings = []
    for page in demo_crawl.pages:
        codes = [code for code in raw_codes(page.text, labels=labels) if code not in TECHNICAL_TERMS]
        if codes:
            at = page.text.find(codes[0])
            context = page.text[max(at - 60, 0) : at + 60].replace("\n", " ")
            kind = page.content_type.split(";")[0]
            findings.append(f"{page.user} {page.url} ({kind}): {', '.join(codes)} [{context}]")
    assert not findings, "raw codes shown:\n" + "\n".join(findings)


def test_the_crawl_reaches_every_role_and_its_downloads(demo_crawl):
    users = {page.user for page in demo_crawl.pages}
    assert len(users) == 15
    kinds = {page.content_type.split(";")[0] for page in demo_crawl.pages}
    assert {"text/html", "application/pdf", "text/csv"} <= kinds
    assert len(demo_crawl.pages) > 150


def test_no_email_shows_codes(demo_crawl):
    labels = model_labels()
    assert demo_crawl.emails, "the demo sends e-mails"
    # Subject and sentence; the link's path carries ids on purpose (no personal data in e-mails).
    readable = ["\n".join(text.split("\n")[:-1]) for text in demo_crawl.emails]
    findings = [f"{text!r}: {raw_codes(text, labels=labels)}" for text in readable if raw_codes(text, labels=labels)]
    assert not findings, "\n".join(findings)


def test_the_detector_finds_codes():
    labels = model_labels()
    assert raw_codes("Reden: not_labour_migrant", labels=labels) == ["not_labour_migrant"]
    assert raw_codes("Rol wmo_consultant", labels=labels) == ["wmo_consultant"]
    assert raw_codes("Bekeken: referrals.referral 3f2c1a5e-1b2c-4d3e-8f90-123456789abc", labels=labels) == [
        "3f2c1a5e-1b2c-4d3e-8f90-123456789abc",
        "referrals.referral",
    ]
    assert raw_codes("Bestand (application/pdf)", labels=labels) == ["application/pdf"]
    assert raw_codes("Access attempts", labels=labels) == ["Access attempts"]
    assert raw_codes("consulent.venlo@demo.woonkans.example, Wmo-consulent, 12-03-2026", labels=labels) == []
