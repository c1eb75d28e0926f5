"""The portal's one way to make PDFs: a Django template under templates/pdf/, rendered by WeasyPrint.

WeasyPrint (and the Pango it loads) is imported inside render_pdf, so the portal starts and
serves pages on a machine without it; only the PDF views then fail.

Rendering never touches the network: the URL fetcher allows data: URLs and files under the
project's static folder, nothing else. A remote <img> or stylesheet is left out with a warning.
"""

import importlib
import logging
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


def render_pdf(template_name: str, context: dict, *, request=None, title: str = "") -> bytes:
    """Render a template under templates/pdf/ to PDF bytes (PDF/UA-1 where supported)."""
    import weasyprint  # lazy: see the module docstring

    context = {**context, "pdf_title": title or context.get("pdf_title", "")}
    html = render_to_string(template_name, context, request=request)
    document = weasyprint.HTML(
        string=html,
        base_url=_static_root().as_uri() + "/",
        url_fetcher=_url_fetcher(weasyprint),
    )
    options = _pdf_options()
    rendered = document.render(**options)
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
