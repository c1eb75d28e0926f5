"""The portal's one way to make PDFs: a Django template under templates/pdf/, rendered by WeasyPrint.

WeasyPrint (and the Pango it loads) is imported inside render_pdf, so the portal starts and
serves pages on a machine without it; only the PDF views then fail.

Rendering never touches the network: the URL fetcher allows data: URLs and files under the
project's static folder, nothing else. A remote <img> or stylesheet is left out with a warning.

What a process pays once (importing WeasyPrint and parsing its user-agent stylesheet, cffi parsing
the C types of Pango and Fontconfig on their first use, loading the fonts) is paid by warm_up() when
the web process starts (woonkans/wsgi.py), not by the first PDF a user asks for; the process keeps
one font configuration for all its PDFs (the same bytes, without reloading the fonts each time).
"""

import importlib
import logging
import threading
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename

logger = logging.getLogger(__name__)

PDF_LANG = "nl"
# PDF/UA-1: tagged, with title and language, so screen readers can read the document.
PDF_VARIANT = "pdf/ua-1"


def _static_root() -> Path:
    """The source static folder; relative URLs in templates/pdf resolve against it."""
    return Path(settings.STATICFILES_DIRS[0]).resolve()


def _check_url(url: str) -> None:
    """Raise ValueError unless the URL is data: or a file inside the static folder."""
    scheme = url.split(":", 1)[0].lower()
    if scheme == "data":
        return
    if scheme == "file":
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if path.is_relative_to(_static_root()):
            return
    raise ValueError(f"PDF rendering fetches no external resources: {url[:100]}")


def _url_fetcher(weasyprint):
    urls = weasyprint.urls
    if hasattr(urls, "URLFetcher"):  # WeasyPrint 66+: a fetcher is a URLFetcher instance.

        class LocalOnlyFetcher(urls.URLFetcher):
            def fetch(self, url, headers=None):
                _check_url(url)
                return super().fetch(url, headers)

        return LocalOnlyFetcher(allowed_protocols=("file", "data"), allow_redirects=False)

    def fetch(url, *args, **kwargs):  # older WeasyPrint: a plain function
        _check_url(url)
        return weasyprint.default_url_fetcher(url, *args, **kwargs)

    return fetch


def _pdf_options() -> dict:
    try:
        variants = importlib.import_module("weasyprint.pdf").VARIANTS
    except (ImportError, AttributeError):
        variants = {}
    if PDF_VARIANT in variants:
        return {"pdf_variant": PDF_VARIANT}
    logger.warning("This WeasyPrint has no %s; writing a plain PDF", PDF_VARIANT)
    return {}


_local = threading.local()


def _font_config(weasyprint):
    """One Fontconfig configuration per thread (Pango's font map is not shared between threads).

    WeasyPrint makes a new one per document unless given one; ours declare no @font-face, so a kept
    configuration only saves loading the system fonts again (the PDF bytes are the same).
    """
    font_config = getattr(_local, "font_config", None)
    if font_config is None:
        font_config = _local.font_config = weasyprint.text.fonts.FontConfiguration()
    return font_config


def warm_up() -> bool:
    """Render a small PDF once, so the process's first real PDF does not pay the start-up costs.

    Called when the web process starts; False (and a log line) where WeasyPrint cannot render.
    """
    try:
        render_pdf("pdf/warm_up.html", {}, title="Woonkans")
    except (ImportError, OSError) as error:  # no WeasyPrint or Pango here: only the PDF views fail
        logger.warning("PDF rendering not warmed up: %s", error)
        return False
    return True


def render_pdf(template_name: str, context: dict, *, request=None, title: str = "") -> bytes:
    """Render a template under templates/pdf/ to PDF bytes (PDF/UA-1 where supported)."""
    import weasyprint  # lazy: see the module docstring
    import weasyprint.text.fonts

    context = {**context, "pdf_title": title or context.get("pdf_title", "")}
    html = render_to_string(template_name, context, request=request)
    document = weasyprint.HTML(
        string=html,
        base_url=_static_root().as_uri() + "/",
        url_fetcher=_url_fetcher(weasyprint),
    )
    options = _pdf_options()
    rendered = document.render(font_config=_font_config(weasyprint), **options)
    if title:
        rendered.metadata.title = title
    rendered.metadata.lang = PDF_LANG
    return rendered.write_pdf(**options)


def pdf_response(pdf_bytes: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    """An HttpResponse for PDF bytes: a safe .pdf filename, never cached, never sniffed."""
    # Only the last path part ("../x.pdf" -> "x.pdf"); "", "." and ".." become "document".
    name = Path(filename.replace("\\", "/")).name.strip(". ") or "document"
    name = get_valid_filename(name)
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, name)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
