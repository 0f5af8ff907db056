"""The hostile briefing in a real browser (issue 5): nothing in it runs.

The site built from ``tests/hostile/briefings/`` is served on 127.0.0.1 and every
page is opened in headless Chromium (Debian's, driven by Playwright; no browser
is downloaded). On each: ``window.__pwned`` (what every payload would set) is
undefined, no dialog opened, no link is a ``javascript:`` link, and no request
left 127.0.0.1. Search is exercised too: an Arabic alias finds the development,
and results built from hostile titles run nothing. Every ``title`` (badges and
citations holding source names and withdrawal notes) is pointed at, and the
notes, competing claims and watch-list signs read as typed.

Needs ``apt-get install chromium`` and ``pip install playwright``; skipped otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from publish_helpers import playwright_chromium, serve
from test_hostile_render import HOSTILE, PWN, build_site

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    site = build_site(tmp_path_factory.mktemp("browser") / "project", HOSTILE)
    with serve(site) as (url, _requested):
        yield url, site


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_chromium() as launched:
        yield launched


class Watched:
    """A page whose dialogs and requests are recorded."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(
            service_workers="block", viewport={"width": 1280, "height": 800}
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def foreign_requests(self) -> list[str]:
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob"):  # the theme's inline icons and worker
                if "__pwned" in url:
                    foreign.append(url)
                continue
            if parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname != "127.0.0.1":
                foreign.append(url)
        return foreign

    def pwned(self) -> Any:
        return self.page.evaluate("typeof window.__pwned === 'undefined' ? null : window.__pwned")

    def javascript_links(self) -> list[str]:
        return list(
            self.page.evaluate(
                """() => Array.from(document.querySelectorAll('[href], [src], [action]'))
                    .flatMap(e => [e.href, e.src, e.action, e.getAttribute('href') || ''])
                    .filter(v => typeof v === 'string')
                    .filter(v => /^\\s*(javascript|vbscript|data):/i.test(v))"""
            )
        )

    def close(self) -> None:
        self.context.close()


HOSTILE_TITLES = {
    "",
    "situation/2024-12-06-hostile/",
    "situation/2024-12-05-second/",
    "background/hostile-topic/",
    "actors/evil-actor/",
    "places/evil-place/",
    "places/evil-country/",
    "sources/evil-source/",
    "sources/wire-source/",
}
# Pages of the issue 12 fields: withdrawal notes, competing claims, the watch list.
INTEGRITY_PAGES = (
    "situation/2024-12-06-hostile/",  # the notice, flagged key point, competing claims
    "sources/evil-source/",  # discredited: its note in full, the claims resting on it
    "sources/wire-source/",  # its retracted report and the note
    "indicators/",
    "",  # a key figure flagged, its badge's title holding the note
    "brief/",
)


def test_the_checks_would_see_a_payload_that_ran(browser: Any, tmp_path: Path) -> None:
    """A canary page where every payload is real markup: each check must fire."""
    (tmp_path / "index.html").write_text(
        "<!doctype html><title>canary</title>"
        '<img src="http://example.invalid/pixel.png" onerror="window.__pwned=1">'
        '<a href="javascript:alert(1)">x</a><script>alert("dialog")</script>',
        encoding="utf-8",
    )
    watched = Watched(browser)
    try:
        watched.page.goto((tmp_path / "index.html").as_uri(), wait_until="load")
        watched.page.wait_for_function("window.__pwned === 1")
        assert watched.pwned() == 1
        assert watched.javascript_links() != []
        assert watched.dialogs == ["alert: dialog"]
        assert "http://example.invalid/pixel.png" in watched.foreign_requests()
    finally:
        watched.close()


def test_no_page_runs_anything_from_the_data(browser: Any, site_url: tuple[str, Path]) -> None:
    base, site = site_url
    urls = sorted(
        base + path.relative_to(site).as_posix().removesuffix("index.html")
        for path in site.rglob("*.html")
    )
    assert len(urls) >= 14  # 13 pages of the contract and 404.html
    assert {base + path for path in (*HOSTILE_TITLES, *INTEGRITY_PAGES)} <= set(urls)
    watched = Watched(browser)
    try:
        for url in urls:
            response = watched.page.goto(url, wait_until="load")
            assert response is not None and response.status in (200, 404), url
            # Payloads in markup would have run while the page was parsed; give the
            # theme's own scripts a moment to render what they render (tooltips, tabs).
            watched.page.wait_for_timeout(50)
            assert watched.pwned() is None, url
            assert watched.javascript_links() == [], url
            if url.removeprefix(base) in HOSTILE_TITLES:  # the title reads as typed
                assert watched.page.title().startswith("# heading "), url
                assert PWN in watched.page.title(), url
        assert watched.dialogs == []
        assert watched.foreign_requests() == []
        assert len(watched.requests) > len(urls)  # the check saw the page's assets too
    finally:
        watched.close()


def search(watched: Watched, base: str, query: str) -> list[str]:
    """Type ``query`` into Material's search; the hrefs of the results."""
    page = watched.page
    page.goto(base, wait_until="load")
    box = page.locator("input.md-search__input")  # visible in the header at 1280 px
    box.fill(query)
    box.dispatch_event("keyup")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(state="attached", timeout=15_000)
    return [results.nth(i).get_attribute("href") or "" for i in range(results.count())]


def test_search_finds_a_development_by_its_arabic_alias(
    browser: Any, site_url: tuple[str, Path]
) -> None:
    base, _ = site_url
    watched = Watched(browser)
    try:
        hrefs = search(watched, base, "حمص")
        assert any("situation/2024-12-06-hostile/" in href for href in hrefs), hrefs
        assert watched.pwned() is None
    finally:
        watched.close()


def test_search_results_built_from_hostile_titles_run_nothing(
    browser: Any, site_url: tuple[str, Path]
) -> None:
    base, _ = site_url
    watched = Watched(browser)
    try:
        for query in ("heading", "comment", "D-TITLE"):
            hrefs = search(watched, base, query)
            assert hrefs, query
            watched.page.wait_for_timeout(100)
            assert watched.pwned() is None, query
            assert watched.javascript_links() == [], query
            # The result titles read as typed, tags and all.
            shown = watched.page.locator(".md-search-result").inner_text()
            assert "<script>" in shown, query
        assert watched.dialogs == []
        assert watched.foreign_requests() == []
    finally:
        watched.close()


def test_tooltips_from_hostile_titles_run_nothing(browser: Any, site_url: tuple[str, Path]) -> None:
    """Badges and citations carry source names and withdrawal notes in ``title``.
    Pointing at each one runs nothing: no theme script turns a title into markup
    (Material's ``content.tooltips`` would, with innerHTML: it is off in mkdocs.yml)."""
    base, _ = site_url
    watched = Watched(browser)
    try:
        titled = 0
        for path in INTEGRITY_PAGES:
            watched.page.goto(base + path, wait_until="load")
            elements = watched.page.locator("[title]")
            for index in range(elements.count()):
                element = elements.nth(index)
                if not element.is_visible():
                    continue
                element.hover(force=True)  # even where the sticky header covers it
                watched.page.wait_for_timeout(20)
                titled += 1
            watched.page.wait_for_timeout(300)  # a tooltip shows after a delay
            assert watched.pwned() is None, path
            markup = "document.querySelectorAll('.md-tooltip img, .md-tooltip2 img').length"
            assert watched.page.evaluate(markup) == 0, path
        assert titled > 50  # the check pointed at the badges, not at nothing
        # The titles still hold the data, as text: the browser's own tooltip shows it.
        watched.page.goto(base + "situation/2024-12-06-hostile/", wait_until="load")
        badges = watched.page.locator(".bf-withdrawn[title]")
        assert badges.count() >= 4
        notes = [badges.nth(i).get_attribute("title") or "" for i in range(badges.count())]
        assert any(f"DISC-NOTE {PWN}" in note for note in notes), notes
        assert any(f"RET-NOTE {PWN}" in note for note in notes), notes
        assert watched.dialogs == []
        assert watched.foreign_requests() == []
    finally:
        watched.close()


def test_notes_and_claims_show_their_markup_as_text(
    browser: Any, site_url: tuple[str, Path]
) -> None:
    base, _ = site_url
    watched = Watched(browser)
    try:
        shown = {
            "situation/2024-12-06-hostile/": (
                (".bf-withdrawn-notice", "DISC-NOTE"), (".bf-withdrawn-notice", "RET-NOTE"),
                ("#claim-1", "CC-CLAIM"), ("#claim-1 .bf-claim-note", "CC-NOTE"),
                ("#claim-2", "CC2-CLAIM"),
            ),
            "sources/evil-source/": ((".bf-withdrawn-notice", "DISC-NOTE"),),
            "sources/wire-source/": (("article", "RET-NOTE"),),
            "indicators/": ((".bf-sign-text", "IND-TEXT"), (".bf-sign-note", "IND-NOTE")),
        }  # fmt: skip
        for path, spots in shown.items():
            watched.page.goto(base + path, wait_until="load")
            for selector, marker in spots:
                text = watched.page.locator(selector).first.inner_text()
                assert f"{marker} {PWN}" in text, (path, selector)
                assert '<img src=x onerror="window.__pwned=1">' in text, (path, selector)
            assert watched.pwned() is None, path
    finally:
        watched.close()
