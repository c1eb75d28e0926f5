"""Crawl the portal as every demo user: every same-origin GET link from home, breadth-first.

Used by the raw-code test and the HTML validation (tests/crawl). The crawl is
bounded: at most PER_VIEW addresses per URL pattern (a list of fifty cases needs one or two of its
detail pages, not fifty) and MAX_PAGES per user. Links that end the session or change state are
not followed.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

from .conftest import sign_in
from .pdftext import pdf_text

PER_VIEW = 2
MAX_PAGES = 160
# Views a GET must not reach in a crawl: they end the session (and the crawl with it).
SKIPPED_VIEWS = {"logout", "admin:logout"}
SKIPPED_PREFIXES = ("/static/", "/media/")


@dataclass
class Page:
    user: str
    url: str
    content_type: str
    body: bytes
    text: str = ""  # what a reader sees: visible HTML text, PDF text, CSV text


@dataclass
class Crawl:
    pages: list[Page] = field(default_factory=list)

    def html_pages(self):
        return [page for page in self.pages if page.content_type.startswith("text/html")]


class _Reader(HTMLParser):
    """Links, and the text a person reads or hears (text nodes, alt/title/aria-label/placeholder)."""

    SPOKEN_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
    HIDDEN_CONTENT = ("script", "style", "template")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.chunks = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.HIDDEN_CONTENT:
            self._hidden += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name in self.SPOKEN_ATTRIBUTES:
            if attributes.get(name):
                self.chunks.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.chunks.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN_CONTENT and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.chunks.append(data.strip())


def _view_name(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl_as(client, user, *, start="/"):
    """The pages one signed-in user reaches from home."""
    from woonkans.accounts.services import accept_logging_notice

    accept_logging_notice(user=user)
    sign_in(client, user)
    seen_urls = set()
    per_view = {}
    queue = deque([start])
    pages = []
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        if url in seen_urls:
            continue
        seen_urls.add(url)
        path = urlsplit(url).path
        view = _view_name(path)
        if view is None or view in SKIPPED_VIEWS:
            continue
        if per_view.get(view, 0) >= PER_VIEW:
            continue
        per_view[view] = per_view.get(view, 0) + 1
        response = client.get(url)
        if response.status_code != 200:
            continue
        content_type = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        page = Page(user=user.username, url=url, content_type=content_type, body=body)
        if content_type.startswith("text/html"):
            reader = _Reader()
            reader.feed(body.decode())
            page.text = "\n".join(reader.chunks)
            for href in reader.links:
                absolute = urljoin(url, href)
                parts = urlsplit(absolute)
                if parts.scheme or parts.netloc:
                    if parts.netloc not in ("testserver", ""):
                        continue
                if parts.path.startswith(SKIPPED_PREFIXES):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target not in seen_urls:
                    queue.append(target)
        elif content_type.startswith("application/pdf"):
            page.text = pdf_text(body)
        elif content_type.startswith("text/csv"):
            page.text = body.decode("utf-8-sig")
        else:
            continue
        pages.append(page)
    return pages


def crawl_demo(client_factory):
    """Seed the demo and crawl it as each demo user (a fresh client per user)."""
    from woonkans import demo
    from woonkans.accounts.models import User

    demo.seed()
    crawl = Crawl()
    for username, *_ in demo.DEMO_USERS:
        user = User.objects.get(username=username)
        crawl.pages.extend(crawl_as(client_factory(), user))
    return crawl


# What a user must never read: codes meant for the machine.
SNAKE_CASE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
MIME_TYPE = re.compile(r"\b(?:application|text|image|audio|video|multipart)/[a-z0-9.+-]+\b")
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
ENGLISH_DEFAULTS = (
    "Access attempts",
    "Access failures",
    "Access logs",
    "This field is required",
    "This password is too",
    "Select a valid choice",
    "Enter a valid",
    "Save and add another",
    "Save and continue editing",
    "Recent actions",
    "View site",
    "Log out",
    "Change password",
    "Select all",
    "Show all",
    "Filter by",
    "Are you sure?",
    "Yes, I’m sure",
    "No, take me back",
    "Delete selected",
    "Go to top",
    "Page not found",
    "Django administration",
)


def model_labels():
    from django.apps import apps

    return {model._meta.label_lower for model in apps.get_models()}


def raw_codes(text, *, labels):
    """The machine codes in a text a person reads, each once."""
    found = set(SNAKE_CASE.findall(text)) | set(MIME_TYPE.findall(text)) | set(UUID.findall(text))
    lowered = text.lower()
    found |= {label for label in labels if re.search(rf"(?<![\w.]){re.escape(label)}(?![\w])", lowered)}
    found |= {phrase for phrase in ENGLISH_DEFAULTS if phrase in text}
    return sorted(found)
