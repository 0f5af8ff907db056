"""Accessibility of the built site (issue 13, item 7): axe-core on every kind of page.

The example is built once and served on 127.0.0.1; one headless Chromium (Debian's,
driven by Playwright) opens one page of every kind in the reader's light and dark
colour scheme, at 1280 and 390 px wide, and runs axe-core on it: any violation of
impact serious or critical fails, with its rule, target and summary. axe-core comes
from the npm registry, pinned in package-lock.json and installed by ``npm ci`` (``make
test`` and ``.ci/run`` run it) into node_modules/, and is injected from there: never
from a CDN. The search dialog is checked open, with results, and by keyboard.

Also here: the palette follows ``prefers-color-scheme``; names in another script are
isolated (``<bdi>``) and keep their order; tables wider than a phone say that they
scroll and can be scrolled by keyboard; a printed page never ends with a heading.

Screenshots of the pages this issue changed, at 390 and 1280 px, light and dark, are
written to build/screenshots/accessibility/ (or $SCREENSHOTS_DIR) for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from publish_helpers import playwright_chromium, serve
from site_helpers import PROJECT, build, copy_project

pytestmark = pytest.mark.slow

AXE = Path(os.environ.get("AXE_CORE", PROJECT / "node_modules" / "axe-core" / "axe.min.js"))
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", PROJECT / "build" / "screenshots")) / "accessibility"
THEME = PROJECT / "templates" / "theme"

# One page of every kind (the example's ids); optional kinds are added when the site has them.
KINDS = {
    "overview": "",
    "timeline": "situation/",
    "development": "situation/2024-12-06-rebels-within-5km-of-homs/",
    "background": "background/",
    "topic": "background/hts-and-its-origins/",
    "actors": "actors/",
    "actor": "actors/hts/",
    "places": "places/",
    "place": "places/syria/",
    "sources": "sources/",
    "source": "sources/sohr/",
    "about": "about/",
    "changes": "changes/",
    "brief": "brief/",
    "indicators": "indicators/",
}
# At phone width the page's frame changes (drawer, header), not what a kind of page shows:
# these kinds are checked there too.
PHONE_KINDS = ("overview", "development", "place", "sources", "brief")
# The pages whose look this issue changed most (links, tables, names): screenshots of these.
SHOT_KINDS = ("overview", "development", "place", "sources")
SCHEMES = ("light", "dark")
WIDTHS = (1280, 390)

# Transitions are let finish first (Material fades the header's tabs in): colours are
# measured as the reader ends up seeing them.
AXE_RUN = """async () => {
  await Promise.race([new Promise(done => setTimeout(done, 3000)),
    Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))]);
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({
                  target: n.target.join(' '),
                  summary: (n.failureSummary || '').replace(/\\s+/g, ' ')}))}));
}"""


# ------------------------------------------------------------------------------- fixtures


@dataclass
class Site:
    base: str  # the URL it is served at
    kinds: dict[str, str]  # {kind of page: path}, every kind the site has
    root: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The example, built and served on 127.0.0.1."""
    project = copy_project(tmp_path_factory.mktemp("a11y") / "project")
    result = build(project)
    assert result.returncode == 0, result.stdout
    root = project / "site"
    kinds = dict(KINDS)
    for kind, path in kinds.items():
        assert (root / path / "index.html").is_file(), f"no {kind} page at /{path}"
    if (root / "situation" / "page" / "2" / "index.html").is_file():
        kinds["timeline, page 2"] = "situation/page/2/"
    if (root / "tags" / "index.html").is_file():
        kinds["tags"] = "tags/"
        tags = sorted(p.parent.name for p in (root / "tags").glob("*/index.html"))
        if tags:
            kinds["tag"] = f"tags/{tags[0]}/"
    with serve(root) as (url, _requested):
        yield Site(url, kinds, root)


@pytest.fixture(scope="module")
def axe(site: Site) -> str:
    """The URL of axe-core, copied from node_modules/ next to the served site (the same
    origin: the browser compiles it once, not on every page)."""
    if not AXE.is_file():
        pytest.skip(
            f"axe-core is missing ({AXE}): run `npm ci` in {PROJECT} "
            "(make test and .ci/run do; it needs Node.js and npm)"
        )
    shutil.copy2(AXE, site.root / "__axe__.min.js")
    return site.base + "__axe__.min.js"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_chromium() as launched:
        yield launched


@pytest.fixture
def tab(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a fresh context; ``tab(scheme, width)`` by indirect parametrisation."""
    scheme, width = getattr(request, "param", ("light", 1280))
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, service_workers="block"
    )
    context.set_default_timeout(20_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def axe_violations(page: Any, axe: str) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    if page.evaluate("typeof window.axe") == "undefined":
        page.add_script_tag(url=axe)
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return violations


def describe(where: str, violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for v in violations:
        for node in v["nodes"]:
            lines.append(
                f"{where}: {v['id']} ({v['impact']}) at {node['target']}: {node['summary']}"
            )
    return lines


def scheme_of(page: Any) -> str:
    """The colour scheme the page's reader prefers (the context emulates it)."""
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    return "dark" if dark else "light"


@pytest.fixture(scope="module", autouse=True)
def fresh_screenshots() -> None:
    """Screenshots of this run only."""
    if SHOTS.is_dir():
        for old in SHOTS.glob("*.png"):
            old.unlink()


def screenshot(page: Any, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def open_search(page: Any, query: str) -> None:
    """Open the search dialog as a reader does (the header's search button), type, wait."""
    button = page.locator("label.md-header__button[for='__search']")
    if button.is_visible():  # on a phone the box hides behind the header's search icon
        button.click()
    else:
        page.locator(".md-search__input").click()
    page.keyboard.type(query)
    page.locator(".md-search-result__item a").first.wait_for(state="visible")


# ------------------------------------------------------------------------------- axe-core


@pytest.mark.parametrize(
    "tab", [(s, w) for w in WIDTHS for s in SCHEMES], indirect=True, ids=lambda p: f"{p[0]}-{p[1]}"
)
def test_no_page_has_a_serious_axe_violation(tab: Any, site: Site, axe: str) -> None:
    base, kinds = site.base, site.kinds
    scheme = scheme_of(tab)
    width = tab.viewport_size["width"]
    found: list[str] = []
    for kind, path in kinds.items():
        if width < 1000 and kind not in PHONE_KINDS:
            continue
        tab.goto(base + path, wait_until="load")
        tab.evaluate("() => new Promise(requestAnimationFrame)")  # a11y.js marks the tables
        found += describe(f"/{path} ({kind}, {scheme}, {width} px)", axe_violations(tab, axe))
        if kind in SHOT_KINDS:
            screenshot(tab, f"{kind}-{width}-{scheme}")
    print(f"screenshots: {SHOTS}")
    assert not found, "axe-core, serious or critical:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "tab",
    [(s, 1280) for s in SCHEMES] + [("light", 390)],
    indirect=True,
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def test_the_open_search_dialog_has_no_serious_axe_violation(
    tab: Any, site: Site, axe: str
) -> None:
    base = site.base
    tab.goto(base, wait_until="load")
    open_search(tab, "Homs")
    dialog = tab.locator(".md-search[role=dialog]")
    assert dialog.get_attribute("aria-label") == "Search"
    violations = axe_violations(tab, axe)
    scheme = scheme_of(tab)
    width = tab.viewport_size["width"]
    screenshot(tab, f"search-{width}-{scheme}", full_page=False)
    found = describe(f"search dialog ({scheme}, {width} px)", violations)
    assert not found, "axe-core, serious or critical:\n" + "\n".join(found)


def test_axe_core_is_pinned_and_installed_before_the_tests_run() -> None:
    """package-lock.json pins the exact axe-core package.json names, with its hash; .ci/run
    and `make test` run `npm ci` (which installs exactly that) before pytest."""
    wanted = json.loads((PROJECT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((PROJECT / "package-lock.json").read_text(encoding="utf-8"))
    version = wanted["devDependencies"]["axe-core"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "an exact version, not a range"
    pinned = lock["packages"]["node_modules/axe-core"]
    assert pinned["version"] == version
    assert pinned["integrity"].startswith("sha512-")
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert "npm ci" in ci and ci.index("npm ci") < ci.index("make test")
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"(?m)^test:.*\$\(AXE\)", makefile)
    assert re.search(r"(?m)^\$\(AXE\):.*package-lock\.json\n\t.*npm ci", makefile)
    assert AXE.is_relative_to(PROJECT / "node_modules") or "AXE_CORE" in os.environ


def test_the_search_dialog_override_is_materials_partial_with_a_name() -> None:
    """templates/theme/partials/search-material.html (Material's search box: the offline
    copy and `mkdocs serve`) is Material's own partial plus the dialog's aria-label: after
    a Material upgrade this fails until the copy is refreshed."""
    material = pytest.importorskip("material")
    theirs = (Path(material.__file__).parent / "templates" / "partials" / "search.html").read_text(
        encoding="utf-8"
    )
    ours = (THEME / "partials" / "search-material.html").read_text(encoding="utf-8")
    strip = re.compile(r"\A\{#-.*?-#\}\n", re.S)  # each file's leading comment
    named = strip.sub("", ours)
    assert 'role="dialog" aria-label="{{ lang.t(\'search\') }}"' in named
    assert named.replace(" aria-label=\"{{ lang.t('search') }}\"", "", 1) == strip.sub("", theirs)


# ------------------------------------------------------------------------------- colour scheme


def test_the_palette_follows_the_readers_colour_scheme_and_the_toggle_still_works(
    browser: Any, site: Site
) -> None:
    base = site.base
    for preference, scheme in (("light", "default"), ("dark", "slate")):
        context = browser.new_context(color_scheme=preference, service_workers="block")
        try:
            page = context.new_page()
            page.goto(base, wait_until="load")
            assert page.evaluate("document.body.dataset.mdColorScheme") == scheme, preference
            page.locator("form[data-md-component=palette] label:visible").click()
            toggled = "slate" if scheme == "default" else "default"
            page.wait_for_function(f"document.body.dataset.mdColorScheme === '{toggled}'")
            page.reload(wait_until="load")  # the reader's choice is kept
            assert page.evaluate("document.body.dataset.mdColorScheme") == toggled, preference
        finally:
            context.close()


# ------------------------------------------------------------------------------- keyboard


# Where the focus is in the search dialog: 0 the search box, then 1, 2, … the results
# in the order Material's arrow keys visit them (links, and "N more on this page").
SEARCH_FOCUS = """() => {
  const list = document.querySelector('[data-md-component=search-result]');
  const stops = [document.querySelector('.md-search__input'),
    ...list.querySelectorAll(':not(details) > [href], summary, details[open] [href]')];
  return stops.indexOf(document.activeElement);
}"""
SEARCH_OPEN = "document.getElementById('__search').checked"


def test_tab_moves_through_the_search_results_and_keeps_the_dialog_open(
    tab: Any, site: Site
) -> None:
    tab.goto(site.base, wait_until="load")
    open_search(tab, "Homs")
    assert tab.evaluate(SEARCH_FOCUS) == 0
    for key, expected in (("Tab", 1), ("Tab", 2), ("Shift+Tab", 1), ("Shift+Tab", 0)):
        tab.keyboard.press(key)
        assert tab.evaluate(SEARCH_OPEN), f"{key} closed the search"
        assert tab.evaluate(SEARCH_FOCUS) == expected, key
    # Material's own keys still work: the arrows move too, Enter opens the result.
    tab.keyboard.press("ArrowDown")
    assert tab.evaluate(SEARCH_FOCUS) == 1
    first = tab.evaluate("document.activeElement.href")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.url == first
    # Escape still closes it.
    open_search(tab, "Aleppo")
    tab.keyboard.press("Escape")
    assert not tab.evaluate(SEARCH_OPEN)


# ------------------------------------------------------------------------------- other scripts

# Every text in a right-to-left script in the page's content, and whether it sits in an
# element that isolates its direction (<bdi>, or any element with a dir attribute).
RTL_TEXT = r"""() => {
  const rtl = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  const walker = document.createTreeWalker(document.querySelector('.md-content'),
                                           NodeFilter.SHOW_TEXT);
  const out = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!rtl.test(node.data) || node.parentElement.closest('svg')) continue;
    out.push([node.data.trim(), !!node.parentElement.closest('bdi, [dir]')]);
  }
  return out;
}"""
# Each list of names: the boxes of its <bdi>s on one line run left to right in the
# order written (a run of Arabic names never swaps them, nor the punctuation).
BDI_ORDER = """() => [...document.querySelectorAll('.md-content :has(> bdi)')].flatMap(list => {
  const boxes = [...list.querySelectorAll(':scope > bdi')].map(b => {
    const r = b.getClientRects(); return [b.textContent, r[0], r[r.length - 1]]; });
  const wrong = [];
  for (let i = 1; i < boxes.length; i++) {
    const [name, first] = boxes[i], [before, , last] = boxes[i - 1];
    if (Math.abs(first.top - last.top) < 2 && first.left < last.right - 1)
      wrong.push(`${before} | ${name}`);
  }
  return wrong;
})"""


@pytest.mark.parametrize("kind", ["development", "actor", "place"])
def test_names_in_another_script_are_isolated_and_keep_their_order(
    tab: Any, site: Site, kind: str
) -> None:
    base, kinds = site.base, site.kinds
    tab.goto(base + kinds[kind], wait_until="load")
    texts = tab.evaluate(RTL_TEXT)
    assert texts, "the example names something in Arabic on this page"
    assert [text for text, isolated in texts if not isolated] == []
    assert tab.evaluate(BDI_ORDER) == []


# ------------------------------------------------------------------------------- phones

TABLES = """() => [...document.querySelectorAll('.md-content table')].map(table => {
  const wrap = table.closest('.md-typeset__scrollwrap');
  const before = wrap ? getComputedStyle(wrap, '::before').content : 'none';
  return {
    heading: wrap ? wrap.getAttribute('aria-label') : null,
    fits: table.getBoundingClientRect().right <= (wrap || table).getBoundingClientRect().right + 1
          && table.getBoundingClientRect().right <= innerWidth + 1,
    scrolls: !!wrap && wrap.scrollWidth > wrap.clientWidth,
    region: !!wrap && wrap.getAttribute('role') === 'region' && wrap.tabIndex === 0,
    hint: before,
  };
})"""


@pytest.mark.parametrize("tab", [("light", 390)], indirect=True, ids=["390px"])
def test_wide_tables_on_a_phone_show_that_they_scroll(tab: Any, site: Site) -> None:
    base, kinds = site.base, site.kinds
    scrolled = 0
    for kind in ("overview", "brief", "sources", "changes", "about", "tags"):
        if kind not in kinds:
            continue
        tab.goto(base + kinds[kind], wait_until="load")
        tab.evaluate("() => new Promise(requestAnimationFrame)")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390, kind  # no page scroll
        for table in tab.evaluate(TABLES):
            if table["fits"]:
                continue
            assert table["scrolls"], f"{kind}: a table is cut off and does not scroll: {table}"
            assert table["region"], f"{kind}: a scrolling table a keyboard cannot reach: {table}"
            assert table["heading"] and "scrolls sideways" in table["heading"], table
            assert "scroll sideways" in table["hint"], f"{kind}: no visible hint: {table}"
            scrolled += 1
        wraps = tab.locator(".md-typeset__scrollwrap.bf-scrolls")
        if wraps.count():  # the keyboard scrolls it
            wraps.first.focus()
            tab.keyboard.press("ArrowRight")
            tab.wait_for_function(
                "document.querySelector('.md-typeset__scrollwrap.bf-scrolls').scrollLeft > 0"
            )
    # The overview's key figures (five columns) are wider than a phone: the case above ran.
    assert scrolled >= 1


# ------------------------------------------------------------------------------- print


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} not found: install poppler-utils (apt-get install poppler-utils)")
    return found


HEADINGS = """() => [...document.querySelectorAll(
  '.md-content h1, .md-content h2, .md-content h3, .md-content h4')]
  .map(h => h.innerText.replace(/\\s*¶\\s*$/, '').replace(/\\s+/g, ' ').trim())"""


def test_no_printed_page_ends_with_a_heading(tab: Any, site: Site, tmp_path: Path) -> None:
    """Long pages printed on two paper sizes (more page breaks, more chances): the last
    line of every page but the last is never a heading (pdftotext reads them back)."""
    pdftotext = poppler("pdftotext")
    base, kinds = site.base, site.kinds
    tab.emulate_media(media="print")
    alone: list[str] = []
    printed = 0
    for kind in ("overview", "development", "brief", "about", "changes"):
        tab.goto(base + kinds[kind], wait_until="load")
        headings = set(tab.evaluate(HEADINGS))
        for paper in ("A4", "A5"):
            pdf = tmp_path / f"{kind}-{paper}.pdf"
            tab.pdf(path=str(pdf), format=paper)
            text = subprocess.run(
                [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
            pages = text.split("\f")[:-1]
            printed += len(pages)
            for number, page in enumerate(pages[:-1], 1):
                lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
                last = lines[-1] if lines else ""
                if any(last == h or (len(last) > 3 and h.endswith(last)) for h in headings):
                    alone.append(f"/{kinds[kind]} on {paper}, page {number}: ends with {last!r}")
    assert printed > 20  # enough page breaks to tell
    assert not alone, "\n".join(alone)
