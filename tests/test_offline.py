"""``make offline``: a copy that works opened straight from disk, search included.

The build is the Makefile's: ``OFFLINE=true mkdocs build --strict --site-dir
build/offline/briefing``, then ``python -m zipfile -c`` from build/offline. Pages
are then checked as a reader gets them: opened through ``file://`` in headless
Chromium, with every host but 127.0.0.1 unresolvable, so nothing can come from
the network. Material's offline plugin turns off directory URLs (pages are
``x.html``) and writes the search index a second time as ``search/search_index.js``
(``var __index = {...}``), which the theme loads with a <script> tag when the
page's protocol is ``file:``; the search itself runs in a Web Worker.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from publish_helpers import (
    SEARCH_RESULTS,
    browser,
    build_env,
    copy_project,
    dump_dom,
    mkdocs_build,
    parse_html,
    read_briefing,
    run,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("offline"))


@pytest.fixture(scope="module")
def offline(project: Path) -> Path:
    site = project / "build" / "offline" / "briefing"
    return mkdocs_build(project, site, OFFLINE="true")


def test_pages_are_html_files(offline: Path, project: Path) -> None:
    developments = read_briefing(project / "briefings").developments
    for ident in developments:
        assert (offline / "situation" / f"{ident}.html").is_file(), ident
        assert not (offline / "situation" / ident).exists()
    assert (offline / "about.html").is_file()
    assert (offline / "index.html").is_file()
    assert (offline / "situation" / "index.html").is_file()


def broken_local_links(page: Path) -> list[str]:
    """Local href/src values of ``page`` that do not name an existing file."""
    broken = []
    for tag, attrs, _ in parse_html(page.read_text(encoding="utf-8")).tags:
        for key in ("href", "src"):
            value = attrs.get(key)
            if not value or value.startswith("#") or urlsplit(value).scheme or value[:2] == "//":
                continue
            path = unquote(urlsplit(value).path)
            if path.endswith("/") or not (page.parent / path).resolve().is_file():
                broken.append(f"<{tag} {key}={value}>")
    return broken


def test_static_links_are_files(offline: Path) -> None:
    """Every local href/src of every page names a file that exists (no folder URLs).

    The development pages' permalink is left out here: see the next test.
    """
    problems = []
    for page in sorted(offline.rglob("*.html")):
        if page.name == "404.html":  # MkDocs writes it with root-absolute URLs, for servers
            continue
        name = page.relative_to(offline).as_posix()
        for link in broken_local_links(page):
            if not (name.startswith("situation/") and link == "<a href=./>"):
                problems.append(f"{name}: {link}")
    assert problems == []


def test_permalink_works_offline(offline: Path, project: Path) -> None:
    for ident in read_briefing(project / "briefings").developments:
        page = offline / "situation" / f"{ident}.html"
        assert broken_local_links(page) == [], ident


def test_page_opened_from_disk(offline: Path, project: Path, tmp_path: Path) -> None:
    """The DOM of index.html opened via file://: the briefing, and links to .html files."""
    title = read_briefing(project / "briefings").meta["title"]
    dom = dump_dom((offline / "index.html").as_uri(), tmp_path / "profile")
    assert title in dom.replace("&amp;", "&")
    assert 'data-md-component="search"' in dom
    base = (offline / "index.html").as_uri()
    pages = 0
    for tag, attrs, _ in parse_html(dom).tags:
        if tag != "a" or "href" not in attrs or attrs["href"].startswith("#"):
            continue
        url = urljoin(base, attrs["href"])
        if not url.startswith("file:"):
            continue  # links to other sites are for the reader to follow
        path = Path(unquote(urlsplit(url).path))
        assert path.is_file(), f"{attrs['href']} names no file"
        if path.suffix not in {".xml", ".json", ".geojson", ".csv"}:
            assert path.suffix == ".html", attrs["href"]
            pages += 1
    assert pages > 10


def test_search_index_is_embedded_as_a_script(offline: Path, project: Path) -> None:
    script = (offline / "search" / "search_index.js").read_text(encoding="utf-8")
    prefix = "var __index = "
    assert script.startswith(prefix)
    index = json.loads(script[len(prefix) :])
    assert index == json.loads((offline / "search" / "search_index.json").read_text("utf-8"))
    titles = {doc["title"] for doc in index["docs"]}
    for dev in read_briefing(project / "briefings").developments.values():
        assert dev["title"] in titles
    located = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert all(not loc or loc.endswith(".html") for loc in located)


def test_search_works_from_disk_without_network(offline: Path, tmp_path: Path) -> None:
    """Open index.html?q=Rastan via file:// with no network: search results must appear.

    Material opens the search and runs the query given as ``?q=`` once its
    worker is ready; the result count is read from the DOM over the DevTools pipe.
    """
    url = (offline / "index.html").as_uri() + "?q=Rastan"
    with browser(tmp_path / "profile") as chrome:
        chrome.goto(url)
        found = chrome.wait_for(SEARCH_RESULTS, timeout=8)
        meta = chrome.evaluate("document.querySelector('.md-search-result__meta').textContent")
    assert found, f"no search results from disk; the search box says {meta.strip()!r}"


def test_zip_as_the_makefile_packs_it(offline: Path, project: Path) -> None:
    """The Makefile's step: ``cd build/offline && python -m zipfile -c ../briefing-offline.zip
    briefing``; unpacked, ``briefing/index.html`` is there with the search index beside it."""
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"-m zipfile -c \.\./briefing-offline\.zip briefing", makefile)
    workdir = offline.parent
    run(
        [sys.executable, "-m", "zipfile", "-c", "../briefing-offline.zip", "briefing"],
        cwd=workdir,
        env=build_env(),
    )
    archive = workdir.parent / "briefing-offline.zip"
    with zipfile.ZipFile(archive) as packed:
        names = set(packed.namelist())
        assert "briefing/index.html" in names
        assert "briefing/search/search_index.js" in names
        assert packed.read("briefing/index.html") == (offline / "index.html").read_bytes()
        files = {
            p.relative_to(offline.parent).as_posix() for p in offline.rglob("*") if p.is_file()
        }
        assert files <= names
