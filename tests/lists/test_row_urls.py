"""``lists.row_urls``: a page's row URLs, reversed once a page, always equal to reversing each row."""

from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.urls import path, reverse

from woonkans.lists import row_urls, urls_like


def _view(request, pk):
    return HttpResponse()


urlpatterns = [
    path("zaken/<int:pk>/", _view, name="case"),
    path("zaken/<int:pk>/corrigeren/", _view, name="case_correct"),
    # A key that also stands elsewhere in the path: splitting at it would build a wrong URL.
    path("jaar/2026/<int:pk>/", _view, name="in_year"),
]


def rows(*keys):
    return [SimpleNamespace(pk=key) for key in keys]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("name", ["case", "case_correct", "in_year"])
@pytest.mark.parametrize("keys", [(7, 12, 7000), (2026, 5, 20260), (1, 11, 111)])
def test_each_row_gets_the_url_reverse_gives_it(name, keys):
    url = row_urls(name, rows(*keys))
    assert [url(key) for key in keys] == [reverse(name, args=[key]) for key in keys]


@pytest.mark.urls(__name__)
def test_an_empty_page_still_answers():
    assert row_urls("case", [])(3) == "/zaken/3/"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("name", ["case", "in_year"])
def test_a_url_like_another_is_the_url_reverse_gives(name):
    url = urls_like(name, 2026)
    assert [url(key) for key in (1, 2026, 20262)] == [reverse(name, args=[key]) for key in (1, 2026, 20262)]
