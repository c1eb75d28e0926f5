"""The Django admin under /beheer/: what axe found there (unnamed list fields, breadcrumb links)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_every_field_in_an_editable_list_has_a_name(client, signed_in, administrator):
    signed_in(administrator)
    page = client.get("/beheer/leadtimes/leadtimetarget/").content.decode()
    fields = re.findall(r'<(?:input|select)[^>]*name="form-\d+-(?:amount|unit)"[^>]*>', page)
    assert fields, "the lead-time targets are listed for editing"
    for field in fields:
        assert re.search(r'aria-label="[^"]*\w – \w[^"]*"', field), field


def test_the_admin_loads_its_fixes(client, signed_in, administrator):
    signed_in(administrator)
    assert "css/admin-fixes.css" in client.get("/beheer/").content.decode()
