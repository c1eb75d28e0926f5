import copy
import logging
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from woonkans.pdf import _check_url, pdf_response, render_pdf

from .pdftext import inflate, pdf_text

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def pdf_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = templates


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach the network fails the test."""

    def refuse(*args, **kwargs):
        pytest.fail(f"PDF rendering tried the network: {args[:2]!r}")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_renders_a_tagged_pdf_with_title_and_language(pdf_templates, no_network):
    pdf = render_pdf("pdf_test_sample.html", {"naam": "J. de Vries"}, title="Testrapport 42")

    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Bewoner: J. de Vries" in text
    assert "Woonkans-portaal – vertrouwelijk" in text
    assert "Pagina 1 van 1" in text
    objects = b"".join(inflate(pdf))
    assert b"/Title (Testrapport 42)" in objects
    assert b"/Lang (nl)" in objects
    assert b"/StructTreeRoot" in objects  # tagged
    assert b'pdfuaid:part="1"' in objects  # PDF/UA-1
    assert b"DejaVu" in objects  # the font is embedded


def test_remote_and_outside_files_are_refused_without_network(pdf_templates, no_network, caplog):
    context = {"naam": "J. de Vries", "met_extern_beeld": True, "met_lokaal_bestand": True}
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_pdf("pdf_test_sample.html", context, title="Extern")

    assert pdf.startswith(b"%PDF-")
    refused = [r.getMessage() for r in caplog.records if "fetches no external resources" in r.getMessage()]
    assert any("http://example.com/x.png" in message for message in refused)
    assert any("file:///etc/hostname" in message for message in refused)


@pytest.mark.parametrize(
    "url", ["http://example.com/x.png", "https://example.com/x.css", "ftp://example.com/x", "file:///etc/passwd"]
)
def test_fetcher_refuses_anything_but_static_files_and_data(settings, url):
    with pytest.raises(ValueError, match="no external resources"):
        _check_url(url)


def test_fetcher_allows_static_files_and_data_urls(settings):
    static = Path(settings.STATICFILES_DIRS[0]).resolve()
    _check_url((static / "css" / "x.css").as_uri())
    _check_url("data:image/png;base64,iVBORw0KGgo=")
    with pytest.raises(ValueError):
        _check_url((static / ".." / "woonkans" / "settings.py").as_uri())


def test_pdf_response_headers_and_safe_filename():
    response = pdf_response(b"%PDF-1.7 test", filename="../x.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="x.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b"%PDF-1.7 test"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [("rapport", 'inline; filename="rapport.pdf"'), ("..", 'inline; filename="document.pdf"'), ("a b;.pdf", None)],
)
def test_pdf_response_inline_and_odd_names(filename, expected):
    disposition = pdf_response(b"", filename=filename, inline=True)["Content-Disposition"]
    if expected:
        assert disposition == expected
    assert disposition.startswith("inline; ") and disposition.endswith('.pdf"')
    assert ";" not in disposition.removeprefix("inline; ") and "/" not in disposition


def test_weasyprint_is_imported_only_when_rendering():
    code = "import sys, woonkans.pdf; sys.exit('weasyprint' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent.parent).returncode == 0


def test_the_web_process_pays_weasyprints_start_up_before_its_first_request():
    # woonkans.wsgi (gunicorn's entry point) renders a small PDF when it is imported, so no user's
    # first PDF of a worker pays the import, the C type parsing and the font loading (0.3-0.7 s).
    code = (
        "import sys, woonkans.wsgi, woonkans.pdf; "
        "sys.exit(0 if 'weasyprint' in sys.modules and woonkans.pdf._local.font_config else 1)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent.parent).returncode == 0


def test_one_font_configuration_per_process_gives_the_same_pdf(pdf_templates, monkeypatch):
    import weasyprint.text.fonts

    from woonkans import pdf as module

    made = []
    original = weasyprint.text.fonts.FontConfiguration

    class Counted(original):
        def __init__(self):
            made.append(self)
            super().__init__()

    monkeypatch.setattr(weasyprint.text.fonts, "FontConfiguration", Counted)
    monkeypatch.setattr(module._local, "font_config", None, raising=False)

    assert module.warm_up()
    kept = [render_pdf("pdf_test_sample.html", {"naam": "J. de Vries"}, title="Rapport") for _ in range(2)]
    assert len(made) == 1  # the warm-up's, kept for every PDF after it

    # WeasyPrint's default, a new configuration per document, writes the same bytes.
    monkeypatch.setattr(module, "_font_config", lambda weasyprint: None)
    fresh = render_pdf("pdf_test_sample.html", {"naam": "J. de Vries"}, title="Rapport")
    assert kept == [fresh, fresh]


def test_without_weasyprint_the_warm_up_logs_and_the_portal_still_starts(monkeypatch, caplog):
    from woonkans import pdf as module

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    with caplog.at_level(logging.WARNING, logger="woonkans.pdf"):
        assert module.warm_up() is False
    assert "not warmed up" in caplog.text
