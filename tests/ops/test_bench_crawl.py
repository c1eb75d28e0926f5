"""`make bench` finds its pages by following links (benchmarks/crawl.py): what it follows and what not."""

from benchmarks import crawl

BASE = "http://127.0.0.1:8103"
PROFILE = "/profielen/0b9a2a47-3f0e-4d55-9a4f-5f1c7c2b8e11/"

SITE = {
    "/": """<a href="/profielen/">Profielen</a> <a href="/overleg/">Overleg</a>
        <a href="/uitloggen/">Uitloggen</a> <a href="https://example.org/elders">Elders</a>
        <a href="/monitoring/rapportages/3/csv/">CSV</a> <a href="/profielen/?status=housed&amp;page=2">Gehuisvest</a>
        <a href="/kapot/">Kapot</a>""",
    "/profielen/": f"""<a href="{PROFILE}">WK-N-AAAAAA</a>
        <a href="/profielen/11111111-2222-4333-8444-555555555555/">WK-N-BBBBBB</a>
        <a href="{PROFILE}profiel.pdf">PDF</a> <a href="/profielen/?page=3">3</a> <a href="/hulp/">Hulp</a>""",
    "/overleg/": '<a href="/overleg/17/">17</a> <a href="/overleg/18/">18</a> <a href="#agenda">agenda</a>',
    PROFILE: "<p>profiel</p>",
    "/overleg/17/": "<p>overleg</p>",
}


def test_the_crawl_follows_home_links_and_one_detail_page_per_kind():
    asked = []

    def fetch(path):
        asked.append(path)
        return SITE.get(path)  # None: not a 200 HTML page

    pages = dict(crawl.discover(BASE, None, fetch))
    assert pages == {
        "/": "/",
        "/profielen/": "/profielen/",
        "/overleg/": "/overleg/",
        "/profielen/<uuid>/": PROFILE,
        "/overleg/<id>/": "/overleg/17/",
    }
    # Never followed: sign-out, downloads, other sites, a second object of a kind, non-detail pages two clicks away.
    never = ("/uitloggen/", "/monitoring/rapportages/3/csv/", f"{PROFILE}profiel.pdf", "/overleg/18/", "/hulp/")
    assert not set(never) & set(asked)
    assert "/kapot/" in asked and "/kapot/" not in pages.values()  # asked, but not a 200 HTML page


def test_a_page_is_known_by_its_path_without_ids():
    assert crawl.page_key(PROFILE + "delen/") == "/profielen/<uuid>/delen/"
    assert crawl.page_key("/overleg/17/") == "/overleg/<id>/"
    assert crawl.page_key("/garantiefonds/rondes/2/bijdragen/5/") == "/garantiefonds/rondes/<id>/bijdragen/<id>/"
