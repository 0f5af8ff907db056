"""Search (issue 14): the header's box asks Pagefind on the published site, and the
offline copy keeps Material's search from ``file://``.

The example is built as ``mkdocs build`` builds it (the plugin runs Pagefind over the
built site, ``generator/sitesearch.py``) and served on 127.0.0.1 by the handler of
``benchmarks/search.py``, which gzips text as GitHub Pages does. Headless Chromium
(Debian's, driven by Playwright) opens the overview and types into the search box
in the header, as a reader does. This is the small version of ``benchmarks/search.py``:
the bytes fetched from opening the page to the first result stay under a bound, and
Material's whole-site index is never fetched. The offline copy (``OFFLINE=true``, as
``make offline``) is opened from disk and searched in the same box.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from mkdocs.config import load_config
from publish_helpers import copy_project, mkdocs_build, playwright_chromium, read_briefing

from generator.sitesearch import Shelves, more_page, quiet_material_search, uses_pagefind

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parent.parent
RESULT_LINKS = ".md-search-result__item a.md-search-result__link"
RESULTS_SHOWN = ".md-search-result__item:not(.bf-search-more) a"  # without "Show more"
RASTAN = "situation/2024-12-06-rastan-and-talbisseh-taken-on-m5/"
# Both indexes have answered, and every result is shown or a "Show more" link is there.
SETTLED = f"""() => {{
  const meta = document.querySelector('.md-search-result__meta').textContent.trim();
  const total = /^(\\d+) matching/.exec(meta);
  if (!total || meta.includes('so far')) return false;
  const shown = document.querySelectorAll('{RESULTS_SHOWN}').length;
  return shown === +total[1] || !!document.querySelector('.bf-search-more a');
}}"""
# Opening the example's overview and searching fetched 0.20–0.22 MB: the page and its
# assets about 0.1 MB; Pagefind's script, WebAssembly, the word's index chunk and ten
# excerpts about 0.1 MB, the same at 10,000 developments (benchmarks/NOTES.md).
BYTES_BOUND = 300_000


def bench_module() -> ModuleType:
    """benchmarks/search.py, whose gzip server and reader this test shares."""
    spec = importlib.util.spec_from_file_location("search_bench", PROJECT / "benchmarks/search.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


BENCH = bench_module()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("search"))


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    return mkdocs_build(project)


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    with BENCH.serve_gzip(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_chromium() as launched:
        yield launched


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.set_default_timeout(20_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def type_in_header(page: Any, url: str, word: str) -> list[str]:
    """Open ``url``, type ``word`` in the header's search box; the results' links (absolute)."""
    page.goto(url, wait_until="load")
    box = page.locator("input.md-search__input")
    box.click()
    page.keyboard.type(word)
    # Playwright types a letter no US keyboard has (Arabic) as text input alone, without
    # the keyup a real keyboard sends, which is what Material's own search listens to.
    box.dispatch_event("keyup")
    page.locator(RESULT_LINKS).first.wait_for(state="visible")
    hrefs: list[str] = page.locator(RESULTS_SHOWN).evaluate_all("links => links.map(a => a.href)")
    return hrefs


# ------------------------------------------------------------------------ what the build writes


def test_the_build_writes_pagefind_and_not_materials_index(site: Path) -> None:
    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = [p for p in site.rglob("index.html") if "pagefind" not in p.parts]
    assert entry["languages"]["en"]["page_count"] == len(pages)  # every page, not the 404
    assert not (site / "search" / "search_index.json").exists()  # Material's is not built
    assert not list(bundle.glob("pagefind-*ui*")), "Pagefind's unused interfaces are left out"


def test_no_page_makes_materials_script_fetch_an_index(site: Path) -> None:
    """Material's script fetches search/search_index.json on every page that has a form
    named "search"; the Pagefind box has none, and names Pagefind's script instead."""
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if 'class="md-search"' not in text:
            continue
        name = page.relative_to(site).as_posix()
        assert not re.search(r"<form[^>]*\bname=\"search\"", text), name
        assert 'data-md-component="search"' not in text, name
        found = re.search(r'data-bf-pagefind="([^"]+)"', text)
        assert found, name
        if name == "404.html":  # MkDocs writes it with root-absolute URLs, for servers
            continue
        assert (page.parent / found.group(1)).resolve() == (site / "pagefind/pagefind.js"), name


# ------------------------------------------------------------------------ a reader searching


def test_a_word_typed_in_the_header_finds_its_development(tab: Any, base: str) -> None:
    hrefs = type_in_header(tab, base, "Talbisseh")
    assert base + RASTAN in hrefs, hrefs
    title = tab.locator(f"{RESULT_LINKS}[href$='{RASTAN}'] h1").inner_text()
    developments = read_briefing(PROJECT / "briefings").developments
    assert title.strip() == developments[RASTAN.split("/")[1]]["title"]  # no ¶ after it
    assert tab.locator(".md-search-result__item mark").count() > 0  # the word, marked
    meta = tab.locator(".md-search-result__meta").inner_text()
    assert re.fullmatch(r"\d+ matching documents?", meta.strip()), meta


def test_an_arabic_alias_finds_the_place(tab: Any, base: str, project: Path) -> None:
    places = read_briefing(project / "briefings").places
    assert "حمص" in places["homs"]["aliases"]
    hrefs = type_in_header(tab, base, "حمص")
    assert base + "places/homs/" in hrefs, hrefs
    marked = tab.locator(".md-search-result__item mark").all_inner_texts()
    assert "حمص" in marked


def test_the_first_result_costs_little(browser: Any, base: str) -> None:
    """benchmarks/search.py's measurement, small: opening the overview and typing a word
    fetches the page, Pagefind's script, one index chunk and a few excerpts."""
    measured = BENCH.search_once(browser, base, "Homs", timeout=30)
    assert measured.first, "no result"
    assert measured.bytes_gzip < BYTES_BOUND, measured
    assert measured.seconds < 15, measured  # a hang, not a benchmark: the machine is shared


def test_nothing_is_fetched_for_search_before_the_reader_asks(tab: Any, base: str) -> None:
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    tab.goto(base, wait_until="load")
    tab.wait_for_timeout(300)
    assert not [url for url in requested if "pagefind" in url or "search_index" in url]
    tab.locator("input.md-search__input").click()
    tab.keyboard.type("Homs")
    tab.locator(RESULT_LINKS).first.wait_for(state="visible")
    assert not [url for url in requested if "search_index" in url]
    assert [url for url in requested if url.endswith("pagefind/pagefind.js")]


def test_keyboard_moves_through_results_opens_and_closes(tab: Any, base: str) -> None:
    tab.goto(base, wait_until="load")
    tab.keyboard.press("/")  # as Material's: f, s or / open the search
    assert tab.evaluate("document.activeElement.classList.contains('md-search__input')")
    assert tab.evaluate("document.getElementById('__search').checked")
    tab.keyboard.type("Rastan")
    tab.locator(RESULT_LINKS).first.wait_for(state="visible")
    tab.keyboard.press("ArrowDown")
    first = tab.evaluate("document.activeElement.href")
    assert first and first == tab.locator(RESULT_LINKS).first.evaluate("a => a.href")
    tab.keyboard.press("ArrowDown")
    assert tab.evaluate("document.activeElement.href") != first
    tab.keyboard.press("ArrowUp")
    assert tab.evaluate("document.activeElement.href") == first
    tab.keyboard.press("Escape")
    assert not tab.evaluate("document.getElementById('__search').checked")
    tab.locator("input.md-search__input").click()
    with tab.expect_navigation():
        tab.keyboard.press("Enter")  # Enter in the box opens the first result
    assert tab.url == first


def test_a_link_with_q_opens_the_search(tab: Any, base: str) -> None:
    tab.goto(base + "?q=Rastan", wait_until="load")
    tab.locator(RESULT_LINKS).first.wait_for(state="visible")
    assert tab.evaluate("document.getElementById('__search').checked")
    assert tab.locator("input.md-search__input").input_value() == "Rastan"


def test_served_from_a_sub_path_the_results_keep_it(
    tab: Any, site: Path, tmp_path: Path
) -> None:
    """On GitHub Pages a project's site lives at /repo/: results must link under it."""
    root = tmp_path / "host"
    shutil.copytree(site, root / "repo")
    with BENCH.serve_gzip(root) as host:
        hrefs = type_in_header(tab, host + "repo/", "Talbisseh")
    assert hrefs and all(h.startswith(host + "repo/") for h in hrefs), hrefs
    assert host + "repo/" + RASTAN in hrefs


def test_results_are_built_as_text() -> None:
    """Pagefind's excerpts carry <mark>: assets/search.js splits on the marks and builds the
    results with textContent (tests/test_browser.py searches a hostile briefing)."""
    script = (PROJECT / "templates" / "assets" / "search.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.S)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in code, sink
    assert "textContent" in code and "split(/<\\/?mark>/)" in code


def test_a_large_briefing_searches_its_earlier_developments_second(
    tab: Any, tmp_path: Path
) -> None:
    """Past ``search_first`` developments (1,000; 3 here) the older ones are in a second
    index, searched after the first has answered: a word found on every page costs
    Pagefind time per page found, and the first answer no longer grows with the briefing."""
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    first = "templates_dir: templates\n      search_first: 3\n"
    config.write_text(text.replace("templates_dir: templates\n", first), encoding="utf-8")
    site = mkdocs_build(project)
    developments = read_briefing(project / "briefings").developments
    entry = json.loads((site / "pagefind-earlier" / "pagefind-entry.json").read_text("utf-8"))
    assert entry["languages"]["en"]["page_count"] == len(developments) - 3
    with BENCH.serve_gzip(site) as base:
        hrefs = type_in_header(tab, base, "Freedom")
        # The place and the actor come from the first index, the development from the second.
        while True:  # "Show 9 more of 9", until every result is shown
            tab.wait_for_function(SETTLED)
            more = tab.locator(".bf-search-more a")
            if not more.count():
                break
            shown = tab.locator(RESULTS_SHOWN).count()
            more.click()
            tab.wait_for_function(f"document.querySelectorAll('{RESULTS_SHOWN}').length > {shown}")
        hrefs = tab.locator(RESULTS_SHOWN).evaluate_all("links => links.map(a => a.href)")
    older = base + "situation/2024-12-01-sna-launches-operation-dawn-of-freedom/"
    assert older in hrefs, hrefs
    assert any("/places/" in h or "/actors/" in h for h in hrefs[: hrefs.index(older)]), hrefs
    meta = tab.locator(".md-search-result__meta").inner_text().strip()
    assert meta == f"{len(hrefs)} matching documents", meta
    assert len(set(hrefs)) == len(hrefs), hrefs  # each page once


# ------------------------------------------------------------------------ the offline copy


def test_the_offline_copy_searches_in_the_header_from_disk(
    project: Path, tab: Any, tmp_path: Path
) -> None:
    offline = mkdocs_build(project, tmp_path / "offline", OFFLINE="true")
    assert not (offline / "pagefind").exists()
    assert (offline / "search" / "search_index.js").is_file()
    index = (offline / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="search"' in index and "data-bf-pagefind" not in index
    hrefs = type_in_header(tab, (offline / "index.html").as_uri(), "حمص")
    assert any(h.split("?")[0].endswith("places/homs.html") for h in hrefs), hrefs


# ------------------------------------------------------------------------ which search runs


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    text = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    theme = PROJECT / "templates" / "theme"
    text = text.replace("custom_dir: templates/theme", f"custom_dir: {theme}")
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    return tmp_path / "mkdocs.yml"


@pytest.mark.parametrize(
    ("command", "offline", "engine", "expected"),
    [
        ("build", None, "pagefind", True),
        ("gh-deploy", None, "pagefind", True),
        ("serve", None, "pagefind", False),  # the preview rebuilds a page at a time
        ("build", "true", "pagefind", False),  # file:// cannot fetch Pagefind's index
        ("build", None, "material", False),
    ],
)
def test_which_search_a_run_gets(
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    offline: str | None,
    engine: str,
    expected: bool,
) -> None:
    if offline is None:
        monkeypatch.delenv("OFFLINE", raising=False)
    else:
        monkeypatch.setenv("OFFLINE", offline)
    config = load_config(config_file=str(config_file))
    assert uses_pagefind(engine, command, config) is expected


def test_materials_indexing_is_taken_off_a_pagefind_build(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OFFLINE", raising=False)
    config = load_config(config_file=str(config_file))
    search = config.plugins["material/search"]
    assert search.on_post_build in config.plugins.events["post_build"]
    quiet_material_search(config)
    assert search.on_page_context not in config.plugins.events["page_context"]
    assert search.on_post_build not in config.plugins.events["post_build"]
    assert search.config.enabled  # so the theme still shows the search box


@pytest.mark.parametrize(
    ("tree_path", "left_out"),
    [
        ("situation/page/2.md", True),  # the timeline's page 2: a list of developments
        ("actors/hts/page/3.md", True),
        ("tags/homs/page/2.md", True),
        ("changes/page/12.md", True),
        ("situation/index.md", False),
        ("situation/2024-12-06-x.md", False),
        ("actors/hts.md", False),
        ("actors/page.md", False),  # an actor whose id is "page"
        ("index.md", False),
    ],
)
def test_pages_two_and_on_of_lists_are_not_searched(tree_path: str, left_out: bool) -> None:
    assert more_page(tree_path) is left_out


def test_the_newest_developments_are_searched_first() -> None:
    newest_first = [f"situation/2024-12-{31 - n:02d}-x.md" for n in range(5)]
    assert Shelves.of(newest_first, 2).earlier == frozenset(newest_first[2:])
    assert Shelves.of(newest_first, 5).earlier == frozenset()  # one index
    assert Shelves.of(newest_first, 0).earlier == frozenset(newest_first)
