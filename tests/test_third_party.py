"""The published site makes the reader's browser contact no other host.

Two checks, on a normal ``mkdocs build --strict`` of the example:

* Static: every built .html and .css file is scanned for references a browser
  fetches by itself: ``src``/``href`` of <script>, <img>, <iframe>, <source>,
  <video>, <audio>, <embed>, <object data>, and of <link> with a fetching rel
  (stylesheet, preload, icon, manifest…), CSS ``url(…)`` and ``@import`` (in
  files, <style> blocks and style attributes). None may point at http(s):// or
  protocol-relative //host URLs. <a href> links to other sites (the sources'
  home pages) are for the reader to follow and are allowed.

* Material's JavaScript holds a few absolute URLs as string literals. Each is
  listed in ``JS_FETCHES`` with the condition under which Material fetches it,
  and the test checks that the condition does not hold on this site (no Mermaid
  diagram, no ``repo_url``); ResizeObserver exists in every current browser.
  A new literal fails the test, to be examined.

* Dynamic, the authority: the site is served from 127.0.0.1 by a server in the
  test process and opened in headless Chromium, where every other host is
  unresolvable (``--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"``,
  so nothing can leave the machine however the page behaves). Chromium writes a
  NetLog (``--log-net-log``) of every URL request, successful or not, made by
  pages, their workers and iframes; requests Chromium makes for itself carry
  the initiator "not an origin" and are ignored. The browser is driven over the
  DevTools pipe so the test can wait until a search has returned results: by
  then Pagefind's script, its WebAssembly and index chunks have all been
  fetched, rather than racing ``--dump-dom``. The test asserts that every
  request went to 127.0.0.1, and that requests were seen at all (the server
  saw Pagefind's script and an index chunk).

Findings when this was written (mkdocs-material 9.8.2): the normal site
fetches nothing from other hosts. The offline copy (``make offline``) does:
Material's offline plugin adds ``https://unpkg.com/iframe-worker/shim`` to every
page (see the xfail test below and tests/test_offline.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from publish_helpers import (
    SEARCH_RESULTS,
    browser,
    copy_project,
    mkdocs_build,
    network_requests,
    parse_html,
    read_briefing,
    serve,
)

pytestmark = pytest.mark.slow

FETCHING_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "prefetch",
    "prerender",
    "preconnect",
    "dns-prefetch",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "apple-touch-icon-precomposed",
    "mask-icon",
    "manifest",
}
FETCHING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+(?:url\()?\s*['"]?([^'");\s]+)""")
JS_LITERAL = re.compile(r"""["'`]((?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^"'`\s]*)""")
# Absolute URLs in Material's bundle, and when Material fetches each.
JS_FETCHES = {
    "https://unpkg.com/resize-observer-polyfill": "only if the browser lacks ResizeObserver",
    "https://unpkg.com/mermaid@": "only for a page with a Mermaid diagram",
    "https://api.github.com/": "only with repo_url (repository facts in the header)",
    # Pagefind's pagefind.js: a base for parsing result URLs (new URL), never fetched.
    "https://example.com${": "never: Pagefind parses URLs against it",
}


def external(url: str) -> bool:
    url = url.strip()
    return url.startswith("//") or urlsplit(url).scheme in {"http", "https", "ftp", "ws", "wss"}


def css_references(css: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(css)]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("third-party"))


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    return mkdocs_build(project)


def fetched_references(page: Path) -> list[str]:
    """What a browser would fetch from ``page`` without a click: (tag attr=value) strings."""
    found = []
    parsed = parse_html(page.read_text(encoding="utf-8"))
    for tag, attrs, _ in parsed.tags:
        names: tuple[str, ...] = FETCHING_ATTRS.get(tag, ())
        rels = set(attrs.get("rel", "").lower().split())
        if tag == "link" and rels & FETCHING_RELS:
            names = ("href", "imagesrcset")
        for name in names:
            for value in attrs.get(name, "").split(","):
                candidate = value.strip().split(" ")[0]
                if candidate and external(candidate):
                    found.append(f"<{tag} {name}={candidate}>")
        for url in css_references(attrs.get("style", "")):
            if external(url):
                found.append(f"<{tag} style=url({url})>")
    for block in parsed.styles:
        found.extend(f"<style> {url}" for url in css_references(block) if external(url))
    return found


def test_html_fetches_nothing_from_other_hosts(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    problems = [
        f"{page.relative_to(site)}: {ref}" for page in pages for ref in fetched_references(page)
    ]
    assert problems == []


def test_scanner_sees_what_it_looks_for(tmp_path: Path) -> None:
    """The scanner itself: every kind of third-party fetch is found, reader links are not."""
    page = tmp_path / "page.html"
    page.write_text(
        """<html><head>
<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">
<link rel="preconnect" href="https://fonts.gstatic.com">
<link rel="icon" href="//cdn.example/icon.png">
<link rel="alternate" type="application/atom+xml" href="https://example.org/feed.xml">
<script src="https://cdn.jsdelivr.net/npm/x.js"></script>
<style>@import url("https://unpkg.com/a.css"); .x { background: url(//cdn.example/b.png) }</style>
</head><body>
<img src="https://example.org/a.png" srcset="local.png 1x, https://example.org/b.png 2x">
<iframe src="https://www.youtube.com/embed/x"></iframe>
<div style="background-image: url('https://example.org/c.png')"></div>
<a href="https://www.syriahr.com/en/">SOHR</a>
<img src="assets/local.png">
</body></html>""",
        encoding="utf-8",
    )
    found = fetched_references(page)
    for host in (
        "fonts.googleapis.com",
        "fonts.gstatic.com",
        "//cdn.example/icon.png",
        "cdn.jsdelivr.net",
        "unpkg.com/a.css",
        "//cdn.example/b.png",
        "example.org/a.png",
        "example.org/b.png",
        "youtube.com",
        "example.org/c.png",
    ):
        assert any(host in ref for ref in found), host
    assert not any("syriahr" in ref or "feed.xml" in ref or "local.png" in ref for ref in found)


def test_css_fetches_nothing_from_other_hosts(site: Path) -> None:
    sheets = sorted(site.rglob("*.css"))
    assert sheets
    problems = [
        f"{sheet.relative_to(site)}: {url}"
        for sheet in sheets
        for url in css_references(sheet.read_text(encoding="utf-8"))
        if external(url)
    ]
    assert problems == []


def test_no_web_fonts(site: Path) -> None:
    for path in [*site.rglob("*.html"), *site.rglob("*.css")]:
        text = path.read_text(encoding="utf-8")
        for host in ("fonts.googleapis.com", "fonts.gstatic.com", "use.typekit.net"):
            assert host not in text, f"{path.relative_to(site)} names {host}"


def test_javascript_urls_are_known_and_not_triggered(site: Path) -> None:
    """Absolute URLs in the JS are Material's optional fetches, none of which this site triggers."""
    unknown = []
    for script in sorted(site.rglob("*.js")):
        for url in JS_LITERAL.findall(script.read_text(encoding="utf-8", errors="replace")):
            if url.startswith("http://www.w3.org/"):  # XML namespace names, never fetched
                continue
            if not any(url.startswith(known) for known in JS_FETCHES):
                unknown.append(f"{script.relative_to(site)}: {url}")
    assert unknown == [], "new absolute URLs in the JavaScript: examine whether they are fetched"
    pages = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert 'class="mermaid"' not in pages  # no diagram: Mermaid is not loaded
    assert 'data-md-component="source"' not in pages  # no repo_url: GitHub's API is not called


def test_browser_contacts_only_the_site(site: Path, project: Path, tmp_path: Path) -> None:
    """Load pages and run a search in Chromium; every request goes to the site's own host."""
    netlog = tmp_path / "netlog.json"
    ident = sorted(read_briefing(project / "briefings").developments)[-1]
    with serve(site) as (base, requested):
        with browser(tmp_path / "profile", f"--log-net-log={netlog}") as chrome:
            for path in ("", "situation/", f"situation/{ident}/", "sources/", "places/homs/"):
                chrome.goto(base + path)
                title = chrome.evaluate("document.title")
                assert title and "404" not in title, path
            chrome.goto(base + "?q=Homs")
            results = chrome.wait_for(SEARCH_RESULTS, timeout=20)
            assert results, "the search returned nothing: the check would be incomplete"
        host = urlsplit(base).netloc
        requests = network_requests(netlog)
    # The search ran through Pagefind (generator/sitesearch.py): its script and an index chunk.
    assert any(path.endswith("pagefind/pagefind.js") for path in requested)
    assert any(path.endswith(".pf_index") for path in requested)
    assert any(urlsplit(url).netloc == host for _, url in requests), "NetLog saw no requests"
    elsewhere = sorted({url for _, url in requests if urlsplit(url).netloc != host})
    assert elsewhere == []


def test_offline_copy_fetches_nothing_from_other_hosts(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    project = copy_project(tmp_path_factory.mktemp("third-party-offline"))
    offline = mkdocs_build(project, project / "build" / "offline" / "briefing", OFFLINE="true")
    problems = [
        f"{page.relative_to(offline)}: {ref}"
        for page in sorted(offline.rglob("*.html"))
        for ref in fetched_references(page)
    ]
    assert problems == []
