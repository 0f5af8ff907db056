"""The timeline's filters in a real browser (assets/filters.js, headless Chromium).

Two sites: the example briefing built with MkDocs (each filter, the counts, the URL,
no JavaScript, file://, keyboard, phone width, dark palette), and a copy of it whose
filter index is replaced by a synthetic one of 10,000 developments (the script at
scale, and titles that are markup). The synthetic index is written directly: the
script sees only the index, so no 10,000-page site is built here.

Every expectation comes from :func:`reference`, the filters' rules in Python: a
development matches when it has one of the chosen statuses (any, if none is chosen),
the chosen actor, place (or a place within it: the index lists them) and tag, and a
day in the range; an option's count is how many would match with it chosen instead.
"""

from __future__ import annotations

import random
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from publish_helpers import playwright_chromium, serve
from site_helpers import build, copy_project
from test_filters import HOSTILE, decode

from generator.filterindex import index_script
from generator.vocabulary import VOCABULARY

pytestmark = pytest.mark.slow

EPOCH = date(1970, 1, 1)
FACETS = ("actor", "place", "tag")
INDEX = "assets/briefing/filter-index.js"

# What the page shows, read in one go.
SHOWN = """() => {
  const form = document.querySelector('form.bf-filters');
  const results = document.getElementById('bf-filter-results');
  const after = [];
  for (let n = results.nextElementSibling; n; n = n.nextElementSibling) after.push(n);
  return {
    count: form.querySelector('.bf-filters__count').textContent,
    results: !results.hidden,
    hrefs: [...results.querySelectorAll('li')].map(li => {
      const a = li.querySelector('a'); return a ? a.getAttribute('href') : null; }),
    titles: [...results.querySelectorAll('li strong')].map(s => s.textContent),
    days: [...results.querySelectorAll('h2')].map(h => h.textContent),
    statuses: Object.fromEntries([...form.querySelectorAll('input[name=status]')].map(
      b => [b.value, b.parentNode.querySelector('.bf-filters__n').textContent])),
    options: Object.fromEntries(['actor', 'place', 'tag'].map(f => [f,
      [...form.elements[f].options].slice(1).map(o => [o.value, o.textContent, o.disabled])])),
    values: Object.fromEntries(['actor', 'place', 'tag', 'from', 'to'].map(
      f => [f, form.elements[f].value])),
    checked: [...form.querySelectorAll('input[name=status]:checked')].map(b => b.value),
    staticShown: after.filter(n => getComputedStyle(n).display !== 'none').length,
    staticAll: after.length,
    toc: getComputedStyle(document.querySelector('.md-sidebar--secondary')).visibility,
  };
}"""
SETTLED = """() => {
  const form = document.querySelector('form.bf-filters');
  return form && !form.hidden && !form.hasAttribute('aria-busy')
    && / developments?/.test(form.querySelector('.bf-filters__count').textContent);
}"""


# --- the rules, in Python ----------------------------------------------------------------------


def reference(
    data: dict[str, Any], status: tuple[str, ...] = (), actor: str = "", place: str = "",
    tag: str = "", start: str = "", end: str = "",
) -> tuple[list[str], dict[str, Counter[str]]]:  # fmt: skip
    """The ids matching, newest first, and for every facet its options' counts."""
    wanted = {data["statuses"].index(s) for s in status}
    chosen = {
        facet: next((n for n, (i, _) in enumerate(data[facet + "s"]) if i == value), -1)
        for facet, value in (("actor", actor), ("place", place), ("tag", tag))
    }
    low = (date.fromisoformat(start) - EPOCH).days if start else -(10**9)
    high = (date.fromisoformat(end) - EPOCH).days if end else 10**9
    counts: dict[str, Counter[str]] = {f: Counter() for f in ("status", *FACETS)}
    matches = []
    for n, ident in enumerate(data["id"]):
        ok = {"status": not wanted or data["status"][n] in wanted}
        for facet in FACETS:
            ok[facet] = chosen[facet] < 0 or chosen[facet] in data[facet][n]
        ok["day"] = low <= data["day"][n] <= high
        others = {key: all(v for k, v in ok.items() if k != key) for key in ok}
        if others["status"]:
            counts["status"][data["statuses"][data["status"][n]]] += 1
        for facet in FACETS:
            if others[facet]:
                for code in data[facet][n]:
                    counts[facet][data[facet + "s"][code][0]] += 1
        if all(ok.values()):
            matches.append(ident)
    return matches, counts


def check_against_reference(shown: dict[str, Any], data: dict[str, Any], **chosen: Any) -> None:
    matches, counts = reference(data, **chosen)
    total = len(data["id"])
    assert shown["count"] == f"{len(matches):,} of {total:,} developments"
    assert shown["results"] and shown["staticShown"] == 0  # the static timeline is hidden
    assert shown["toc"] == "hidden"  # and its days in the table of contents
    assert [h.removesuffix("/") if h else h for h in shown["hrefs"]] == matches[:100]
    assert shown["statuses"] == {s: f"({counts['status'][s]:,})" for s in data["statuses"]}
    for facet in FACETS:
        expected = [
            [ident, f"{name} ({counts[facet][ident]:,})", counts[facet][ident] == 0
             and ident != chosen.get(facet, "")]
            for ident, name in data[facet + "s"]
        ]  # fmt: skip
        assert shown["options"][facet] == expected, facet


# --- sites and the browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("filters") / "project")
    result = build(project)
    assert result.returncode == 0, result.stdout
    return project / "site"


@pytest.fixture(scope="module")
def example(site: Path) -> dict[str, Any]:
    return decode((site / INDEX).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[tuple[str, list[str]]]:
    with serve(site) as (url, requested):
        yield url, requested


WORDS = ("forces", "advance", "city", "road", "bridge", "convoy", "talks", "aid", "front")


def synthetic_index(n: int = 10_000, seed: int = 7) -> dict[str, Any]:
    """An index of ``n`` developments, four a day, with 300 actors and places and 30 tags;
    the newest three carry markup in their title or an id that is no slug."""
    rng = random.Random(seed)
    statuses = list(VOCABULARY.status.values)
    data: dict[str, Any] = {
        "version": 1, "statuses": statuses,
        "actors": [[f"actor-{i}", f"Actor {i}"] for i in range(300)],
        "places": [[f"place-{i}", f"Place {i}"] for i in range(300)],
        "tags": [[f"tag-{i}", f"tag {i}"] for i in range(30)],
    }  # fmt: skip
    columns: dict[str, list[Any]] = {
        key: [] for key in ("id", "title", "status", "day", "precision", "actor", "place", "tag")
    }
    newest = (date(2027, 1, 1) - EPOCH).days
    for i in range(n):
        day = newest - i // 4
        columns["id"].append(f"{EPOCH + timedelta(days=day)}-event-{i}")
        columns["title"].append(f"Event {i}: " + " ".join(rng.choices(WORDS, k=7)))
        columns["status"].append(rng.randrange(len(statuses)))
        columns["day"].append(day)
        columns["precision"].append(rng.choice((0, 0, 0, 0, 1, 2)))
        columns["actor"].append(sorted(rng.sample(range(300), rng.randint(1, 3))))
        columns["place"].append(sorted(rng.sample(range(300), rng.randint(1, 3))))
        columns["tag"].append(sorted(rng.sample(range(30), rng.randint(0, 2))))
    columns["status"][:3] = [0, 0, 0]
    columns["title"][0] = HOSTILE
    columns["title"][1] = "<img src=x onerror=window.PWNED=1>"
    columns["id"][2] = "javascript:window.PWNED=2"  # never a slug in a briefing; still no link
    data["actors"][0][1] = "<b onmouseover=window.PWNED=3>Actor</b>"
    return {**data, **columns}


@pytest.fixture(scope="module")
def big(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    """The example site with a synthetic index of 10,000 developments."""
    copy = tmp_path_factory.mktemp("filters-10k") / "site"
    shutil.copytree(site, copy)
    data = synthetic_index()
    (copy / INDEX).write_text(index_script(data), encoding="utf-8")
    with serve(copy) as (url, _requested):
        yield url, data


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_chromium() as launched:
        yield launched


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []  # thrown by the filters (the theme's own are not ours to judge)
    page.on("pageerror", lambda e: errors.append(str(e)) if "filters.js" in (e.stack or "") else 0)
    yield page
    context.close()
    assert errors == []


def settle(tab: Any) -> dict[str, Any]:
    tab.wait_for_function(SETTLED)
    shown: dict[str, Any] = tab.evaluate(SHOWN)
    return shown


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# --- without JavaScript, and before the reader reaches for a filter ------------------------------


def test_without_javascript_the_timeline_lists_everything(
    browser: Any, served: tuple[str, list[str]], example: dict[str, Any]
) -> None:
    base, requested = served
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        requested.clear()
        page.goto(base + "situation/?status=confirmed", wait_until="load")
        assert not page.locator("form.bf-filters").is_visible()
        links = page.locator("article a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        for ident, title in zip(example["id"], example["title"], strict=True):
            assert f"{ident}/" in links
            assert page.get_by_role("link", name=title, exact=True).first.is_visible()
        assert not any(INDEX in path for path in requested)
    finally:
        context.close()


def test_the_index_is_fetched_only_when_the_reader_reaches_for_a_filter(
    tab: Any, served: tuple[str, list[str]], example: dict[str, Any]
) -> None:
    base, requested = served
    requested.clear()
    tab.goto(base + "situation/", wait_until="load")
    tab.wait_for_timeout(300)
    assert tab.locator("form.bf-filters").is_visible()
    assert not any(INDEX in path for path in requested)  # the page weight stays flat
    assert tab.locator("form.bf-filters select[name=actor] option").count() == 1
    tab.focus("select[name=actor]")
    tab.wait_for_function("document.querySelector('select[name=actor]').options.length > 1")
    assert any(INDEX in path for path in requested)
    shown = settle(tab)  # touched, not yet narrowed: the counts of everything
    assert shown["results"] is False and shown["staticShown"] == shown["staticAll"]
    assert shown["count"] == "All 9 developments are listed below."
    reported = example["status"].count(example["statuses"].index("reported"))
    assert shown["statuses"]["reported"] == f"({reported})"


# --- each filter -------------------------------------------------------------------------------

CASES = {
    "one status": {"status": ("reported",)},
    "two statuses": {"status": ("reported", "confirmed")},
    "actor": {"actor": "hts"},
    "place and the places within it": {"place": "homs-governorate"},
    "tag": {"tag": "homs"},
    "date range": {"start": "2024-11-30", "end": "2024-12-05"},
    "all at once": {"status": ("reported",), "actor": "hts", "start": "2024-12-06"},
}


def choose(tab: Any, chosen: dict[str, Any]) -> None:
    for value in chosen.get("status", ()):
        tab.check(f"input[name=status][value={value}]")
    for facet in FACETS:
        if facet in chosen:
            tab.focus(f"select[name={facet}]")  # as a reader would, which loads the index
            tab.wait_for_function(
                f"document.querySelector('select[name={facet}]').options.length > 1"
            )
            tab.select_option(f"select[name={facet}]", chosen[facet])
    for field, name in (("start", "from"), ("end", "to")):
        if field in chosen:
            tab.fill(f"input[name={name}]", chosen[field])


def expected_query(chosen: dict[str, Any]) -> dict[str, list[str]]:
    query: dict[str, list[str]] = {}
    if chosen.get("status"):
        order = list(VOCABULARY.status.values)
        query["status"] = sorted(chosen["status"], key=order.index)
    for facet in FACETS:
        if chosen.get(facet):
            query[facet] = [chosen[facet]]
    for field, name in (("start", "from"), ("end", "to")):
        if chosen.get(field):
            query[name] = [chosen[field]]
    return query


def test_each_filter_narrows_the_list_and_counts_the_options(
    tab: Any, served: tuple[str, list[str]], example: dict[str, Any]
) -> None:
    """One case after another on one page, cleared in between, as a reader would."""
    base, _ = served
    tab.goto(base + "situation/", wait_until="load")
    for case, chosen in CASES.items():
        assert reference(example, **chosen)[0], f"{case}: a case matching nothing proves little"
        tab.get_by_role("button", name="Clear filters").click()
        choose(tab, chosen)
        shown = settle(tab)
        try:
            check_against_reference(shown, example, **chosen)
        except AssertionError as exc:
            raise AssertionError(f"{case}: {exc}") from exc
        assert query_of(tab.url) == expected_query(chosen), case  # shareable as it stands


def test_the_counts_of_a_known_case(tab: Any, served: tuple[str, list[str]]) -> None:
    """One case by hand, so that the reference is not the only judge."""
    base, _ = served
    tab.goto(base + "situation/?status=reported&actor=hts", wait_until="load")
    shown = settle(tab)
    assert shown["count"] == "3 of 9 developments"
    assert shown["days"] == ["6 December 2024"]
    assert shown["hrefs"] == [
        "2024-12-06-russian-strike-on-rastan-bridge/", "2024-12-06-rebels-within-5km-of-homs/",
        "2024-12-06-rastan-and-talbisseh-taken-on-m5/",
    ]  # fmt: skip
    tab.click(".bf-filter-results a >> nth=1")
    tab.wait_for_load_state()
    assert tab.url.endswith("/situation/2024-12-06-rebels-within-5km-of-homs/")


def test_a_link_with_filters_applies_them(
    tab: Any, served: tuple[str, list[str]], example: dict[str, Any]
) -> None:
    base, _ = served
    url = base + "situation/?status=reported&status=claimed&place=homs&from=2024-12-01#top"
    tab.goto(url, wait_until="commit")
    shown = settle(tab)
    assert shown["checked"] == ["reported", "claimed"]
    assert shown["values"] == {"actor": "", "place": "homs", "tag": "", "from": "2024-12-01",
                               "to": ""}  # fmt: skip
    check_against_reference(
        shown, example, status=("reported", "claimed"), place="homs", start="2024-12-01"
    )
    assert tab.url == url  # opening the link does not rewrite it


def test_unknown_values_in_a_link_are_ignored(tab: Any, served: tuple[str, list[str]]) -> None:
    base, _ = served
    tab.goto(base + "situation/?actor=nobody&status=bogus&from=yesterday", wait_until="load")
    shown = settle(tab)
    assert shown["results"] is False and shown["staticShown"] == shown["staticAll"]
    assert shown["count"] == "All 9 developments are listed below."


def test_clearing_the_filters_brings_back_the_timeline(
    tab: Any, served: tuple[str, list[str]]
) -> None:
    base, _ = served
    tab.goto(base + "situation/?status=confirmed&h=homs", wait_until="load")
    assert settle(tab)["results"] is True
    tab.get_by_role("button", name="Clear filters").click()
    shown = settle(tab)
    assert shown["results"] is False and shown["staticShown"] == shown["staticAll"] > 0
    assert shown["toc"] == "visible"
    assert shown["checked"] == []
    assert query_of(tab.url) == {"h": ["homs"]}  # another's parameter is kept


def test_an_index_that_does_not_load_leaves_the_whole_timeline(
    tab: Any, served: tuple[str, list[str]]
) -> None:
    base, _ = served
    tab.route("**/" + INDEX, lambda route: route.abort())
    tab.goto(base + "situation/?status=confirmed", wait_until="load")
    count = tab.locator(".bf-filters__count")
    count.filter(has_text="could not load").wait_for()
    shown = tab.evaluate(SHOWN)
    assert shown["results"] is False and shown["staticShown"] == shown["staticAll"] > 0
    assert tab.locator("form.bf-filters").get_attribute("aria-busy") is None


def test_usable_by_keyboard_with_labels_and_announced(
    tab: Any, served: tuple[str, list[str]], example: dict[str, Any]
) -> None:
    base, _ = served
    tab.goto(base + "situation/", wait_until="load")
    for label in ("Actor", "Place, or places within it", "Tag", "From", "To"):
        assert tab.get_by_label(label, exact=True).count() == 1, label
    assert tab.get_by_role("checkbox", name="reported").count() == 1
    assert tab.locator(".bf-filters__count").get_attribute("aria-live") == "polite"
    tab.get_by_role("checkbox", name="reported").focus()
    tab.keyboard.press("Space")
    check_against_reference(settle(tab), example, status=("reported",))
    tab.get_by_label("Actor", exact=True).focus()
    tab.keyboard.press("ArrowDown")  # the first actor on the list that has any
    first = settle(tab)["values"]["actor"]
    counts = reference(example, status=("reported",))[1]["actor"]
    assert first == next(ident for ident, _ in example["actors"] if counts[ident])
    check_against_reference(settle(tab), example, status=("reported",), actor=first)


def test_works_from_a_file_url(tab: Any, site: Path, example: dict[str, Any]) -> None:
    """The offline copy is opened from disk: the index comes by a <script>, not fetch()."""
    page = (site / "situation" / "index.html").as_uri()
    tab.goto(page + "?status=reported", wait_until="load")
    check_against_reference(settle(tab), example, status=("reported",))
    tab.check("input[name=status][value=confirmed]")
    settle(tab)
    assert query_of(tab.url) == {"status": ["confirmed", "reported"]}


# --- at 10,000 developments ------------------------------------------------------------------


def test_ten_thousand_developments(tab: Any, big: tuple[str, dict[str, Any]]) -> None:
    base, data = big
    started = time.perf_counter()
    tab.goto(base + "situation/?status=confirmed&to=2026-06-30", wait_until="commit")
    tab.locator(".bf-filter-results li").first.wait_for()
    seconds = time.perf_counter() - started
    shown = settle(tab)
    check_against_reference(shown, data, status=("confirmed",), end="2026-06-30")
    matches, _ = reference(data, status=("confirmed",), end="2026-06-30")
    assert len(matches) > 100 and len(shown["hrefs"]) == 100  # the first hundred only
    day = {ident: d for ident, d in zip(data["id"], data["day"], strict=True)}
    assert shown["days"] == list(dict.fromkeys(
        f"{(EPOCH + timedelta(days=day[i])).day} {(EPOCH + timedelta(days=day[i])):%B %Y}"
        for i in matches[:100]
    ))  # fmt: skip
    more = tab.locator(".bf-filters__more")
    assert more.inner_text() == f"Show 100 more ({len(matches) - 100:,} not shown yet)"
    more.click()
    assert tab.locator(".bf-filter-results li").count() == 200
    assert seconds < 15, f"{seconds:.1f} s from opening the link to the first results"


def test_ten_thousand_developments_each_filter(tab: Any, big: tuple[str, dict[str, Any]]) -> None:
    base, data = big
    tab.goto(base + "situation/", wait_until="load")
    low = (date(2022, 1, 1) - EPOCH).days
    columns = zip(data["status"], data["day"], data["tag"], strict=True)
    n = next(
        n
        for n, (s, d, t) in enumerate(columns)
        if data["statuses"][s] == "claimed" and d < low and t
    )  # a development the filters below find, among others
    actor, tag = data["actors"][data["actor"][n][0]][0], data["tags"][data["tag"][n][0]][0]
    chosen = {"status": ("claimed",), "actor": actor, "tag": tag, "end": "2022-01-01"}
    choose(tab, chosen)
    check_against_reference(settle(tab), data, **chosen)
    assert query_of(tab.url) == expected_query(chosen)


def test_titles_and_names_that_are_markup_show_as_text(
    tab: Any, big: tuple[str, dict[str, Any]]
) -> None:
    base, data = big
    tab.goto(base + "situation/?status=confirmed", wait_until="load")
    shown = settle(tab)
    assert shown["titles"][:3] == data["title"][:3]
    assert shown["hrefs"][2] is None  # not a slug: no link
    assert tab.locator(".bf-filters img, .bf-filter-results img, .bf-filters b").count() == 0
    first = tab.locator("select[name=actor] option").nth(1).text_content() or ""
    assert first.startswith("<b onmouseover=window.PWNED=3>Actor</b> (")
    tab.locator(".bf-filter-results li").first.hover()
    assert tab.evaluate("typeof window.PWNED") == "undefined"


# --- on a phone, and in the dark ---------------------------------------------------------------


MEASURE = """() => {
  const form = document.querySelector('form.bf-filters');
  const select = form.querySelector('select');
  const box = (e) => e.getBoundingClientRect();
  return {
    page: document.documentElement.scrollWidth, view: window.innerWidth,
    form: box(form).right, controls: Math.max(...[...form.querySelectorAll(
      'select, input, button')].map(e => box(e).right)),
    scheme: getComputedStyle(form).colorScheme,
    fg: getComputedStyle(select).color, bg: getComputedStyle(select).backgroundColor,
    page_bg: getComputedStyle(document.body).backgroundColor,
  };
}"""


def test_fits_the_screen_in_both_palettes(tab: Any, served: tuple[str, list[str]]) -> None:
    base, _ = served
    tab.goto(base + "situation/?status=reported", wait_until="load")
    settle(tab)
    for width in (390, 1280):
        tab.set_viewport_size({"width": width, "height": 900})
        tab.wait_for_timeout(400)  # the theme's layout transitions (its drawer) after a resize
        for scheme in ("default", "slate"):
            tab.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
            measured = tab.evaluate(MEASURE)
            where = f"{width} px, {scheme}"
            assert measured["page"] <= measured["view"], where  # nothing scrolls sideways
            assert measured["controls"] <= measured["form"] + 0.5, where
            assert measured["scheme"] == ("dark" if scheme == "slate" else "light"), where
            assert measured["bg"] == measured["page_bg"] != measured["fg"], where
