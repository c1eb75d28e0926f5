"""The pages `make bench` measures, found the way a person finds them: no hand-kept list.

Per role, one demo user (logged in through the real login) opens the home page; every same-origin
link on it is a page, and so is every detail page one click further (a link from those pages whose
path carries an id: a profile, a referral, an overleg, a claim, a trajectory...). A page is known by
its path with the ids replaced (`/profielen/<uuid>/`), so one object stands for each kind of page,
and the same kind is compared across sizes. Links that sign out, keep the session alive or download
a file are not followed; neither is an answer that is not a 200 HTML page. GET never changes state
in the portal (every action is a POST), so following links is safe.
"""

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

HREF = re.compile(r"""<a\b[^>]*\bhref=["']([^"'#]+)""", re.IGNORECASE)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NUMBER = re.compile(r"/\d+(?=/|$)")
# Sign-out, session keep-alive, sign-in steps, and downloads (files, exports, PDFs, CSVs).
SKIP = re.compile(
    r"/uitloggen/|/logout/|/sessie/|/inloggen/|/wachtwoord-instellen/|/logging-akkoord/"
    r"|/documenten/|/rapportages/\d+/|/overzicht\.|\.(pdf|csv|json|zip|xlsx)$|/static/|/media/"
)


def page_key(path):
    """The kind of page: the path with its ids replaced (one object stands for each kind)."""
    return NUMBER.sub("/<id>", UUID.sub("<uuid>", path))


def links(html, base, current):
    """Same-origin paths linked from a page, without query string duplicates of a plain path."""
    origin = urlsplit(base).netloc
    found = []
    for raw in HREF.findall(html):
        url = urlsplit(urljoin(f"{base}{current}", unescape(raw)))
        if url.netloc != origin or url.scheme not in ("http", "https") or SKIP.search(url.path):
            continue
        path = url.path + (f"?{url.query}" if url.query else "")
        if path not in found:
            found.append(path)
    return found


def is_detail(key):
    return "<uuid>" in key or "<id>" in key


def discover(base, session, fetch_html):
    """[(key, path)] for one role: its home, the pages linked from it, detail pages one click further.

    fetch_html(path) -> HTML text, or None when the answer is not a 200 HTML page.
    """
    home = fetch_html("/")
    if home is None:
        return []
    pages = {"/": "/"}
    level_one = []
    for path in links(home, base, "/"):
        key = page_key(path.split("?")[0])
        if key in pages or (urlsplit(path).query and path.split("?")[0] in pages.values()):
            continue
        html = fetch_html(path)
        if html is not None:
            pages[key] = path
            level_one.append((path, html))
    for parent, html in level_one:
        for path in links(html, base, parent):
            if urlsplit(path).query:
                continue  # filters and page numbers of a list already measured
            key = page_key(path)
            if key in pages or not is_detail(key):
                continue
            if fetch_html(path) is not None:
                pages[key] = path
    return sorted(pages.items())
