"""The printable brief, ``/brief/`` (issue 10, items 5 and 6).

Render-level: the page exists and the overview links to it; its one reference
list is numbered 1, 2, … in order of first citation, every number cited has an
entry and every entry is cited; it shows the bottom line, the key figures, the
overview's map and the latest developments, at most :data:`BRIEF_MOST` however
long the briefing. Print (slow): the example site is built, served on
127.0.0.1 and printed to an A4 PDF by headless Chromium; poppler's ``pdfinfo``
and ``pdftotext`` read back one to four pages with the brief's text and none of
the site's navigation, search or table of contents.
"""

from __future__ import annotations

import html
import importlib.util
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from publish_helpers import playwright_chromium, serve
from site_helpers import EXAMPLE, PROJECT, TEMPLATES, build, copy_project, front_matter

from generator import Briefing, Report, load
from generator.brief import BRIEF_MOST
from generator.markup import plain, prose_html
from generator.render import render_site

BRIEF = "brief/index.md"
_CITED = re.compile(r'href="#ref-(\d+)"')
_ENTRY = re.compile(r'(?m)^(\d+)\. <span id="ref-(\d+)"></span>')
_DEV = re.compile(r"(?m)^### \[(.*)\]\(\.\./situation/([^)]+)\.md\)$")


def render(root: Path, site_url: str = "") -> tuple[Briefing, dict[str, str]]:
    report = Report()
    briefing = load(root, report, base=root)
    assert briefing is not None and not report.errors, [str(d) for d in report.sorted()]
    pages = render_site(briefing, TEMPLATES, report, site_url=site_url, base=root)
    assert not report.errors, [str(d) for d in report.sorted()]
    return briefing, pages


@pytest.fixture(scope="module")
def example() -> tuple[Briefing, dict[str, str]]:
    return render(EXAMPLE)


def section(page: str, heading: str) -> str:
    """The text of ``## heading`` up to the next second-level heading."""
    start = page.index(f"\n## {heading}\n")
    end = page.find("\n## ", start + 1)
    return page[start : end if end != -1 else len(page)]


def latest_ids(page: str) -> list[str]:
    return [ident for _, ident in _DEV.findall(page)]


def check_numbering(page: str) -> list[int]:
    """Assert the reference list's promises; return the numbers in order of first citation."""
    entries = _ENTRY.findall(section(page, "References"))
    assert entries, "no reference list"
    assert all(shown == anchor for shown, anchor in entries), entries
    numbers = [int(n) for n, _ in entries]
    assert numbers == list(range(1, len(numbers) + 1))  # from 1, contiguous
    body = page[: page.index("\n## References\n")]
    first_cited = list(dict.fromkeys(int(n) for n in _CITED.findall(body)))
    assert sorted(first_cited) == numbers  # every number cited has an entry, every entry is cited
    return first_cited


# --- the example ------------------------------------------------------------------------------


def test_the_brief_is_a_page_without_navigation_or_table_of_contents(
    example: tuple[Briefing, dict[str, str]],
) -> None:
    briefing, pages = example
    meta, body = front_matter(pages[BRIEF])
    assert meta["hide"] == ["navigation", "toc"]
    assert html.unescape(meta["title"]) == f"Brief — {briefing.meta.title}"
    assert body.startswith(f"# {plain(briefing.meta.title)}\n")
    assert "Brief as of " in body


def test_the_overview_links_to_the_brief(example: tuple[Briefing, dict[str, str]]) -> None:
    _, pages = example
    assert "- [Printable brief](brief/index.md): " in section(pages["index.md"], "In this briefing")


def test_the_references_are_numbered_in_order_of_first_citation(
    example: tuple[Briefing, dict[str, str]],
) -> None:
    _, pages = example
    first_cited = check_numbering(pages[BRIEF])
    assert first_cited == list(range(1, len(first_cited) + 1))


def test_the_brief_shows_the_bottom_line_key_figures_and_latest_developments(
    example: tuple[Briefing, dict[str, str]],
) -> None:
    briefing, pages = example
    page = pages[BRIEF]
    assert prose_html(briefing.meta.summary) in section(page, "Bottom line")
    figures = section(page, "Key figures")
    for figure in briefing.meta.key_figures:
        assert f"| {plain(figure.label)} | {plain(figure.value)} |" in figures
    shown = latest_ids(page)
    assert shown == [i for i, _ in briefing.developments_newest_first()][: len(shown)]
    # The example's newest day, 6 December 2024, has five developments: all are shown.
    assert {i for i in briefing.developments if i.startswith("2024-12-06")} <= set(shown)
    assert len(shown) <= BRIEF_MOST
    latest = section(page, "Latest developments")
    for ident in shown:
        assert f"### [{plain(briefing.developments[ident].title)}](" in latest


def test_each_development_cites_its_sources_and_key_points(
    example: tuple[Briefing, dict[str, str]],
) -> None:
    briefing, pages = example
    blocks = section(pages[BRIEF], "Latest developments").split("### ")[1:]
    for block, ident in zip(blocks, latest_ids(pages[BRIEF]), strict=True):
        dev = briefing.developments[ident]
        sources_line = next(line for line in block.splitlines() if "bf-brief-sources" in line)
        assert _CITED.findall(sources_line), ident
        points = [line for line in block.splitlines() if line.startswith("<li>")]
        assert len(points) == len(dev.key_points), ident
        assert all(_CITED.findall(point) for point in points), ident


def test_the_brief_shows_the_overviews_map(example: tuple[Briefing, dict[str, str]]) -> None:
    _, pages = example
    figure = re.compile(r'<figure class="bf-map".*?</figure>', re.S)
    on_brief = figure.findall(pages[BRIEF])
    on_home = figure.findall(pages["index.md"])
    assert len(on_brief) == 1 and len(on_home) == 1
    assert on_brief[0].replace("../", "") == on_home[0]  # the same map, links from one level down


# --- small briefings --------------------------------------------------------------------------

REPORT = """\
  - source: sohr
    title: First report
    url: https://sohr.example/one
    published: 2024-12-06
"""
TWO_REPORTS = f"""\
title: A titled SOHR report and DW
date: 2024-12-05
places: [homs]
summary: Two reports.
key_points:
  - text: DW says so.
    sources: [dw]
  - text: SOHR says so.
    sources: [sohr]
sources:
{REPORT}  - dw
"""
SAME_REPORT = f"""\
title: The same SOHR report again
date: 2024-12-04
summary: One report.
sources:
{REPORT}"""


def test_a_report_cited_twice_is_one_entry_with_its_title_date_and_link(
    make_briefing: Callable[..., Path],
) -> None:
    root = make_briefing({
        "developments/2024-12-05-two-reports.yaml": TWO_REPORTS,
        "developments/2024-12-04-same-report.yaml": SAME_REPORT,
    })  # fmt: skip
    _, pages = render(root, site_url="https://example.org/briefing/")
    page = pages[BRIEF]
    assert check_numbering(page) == [1, 2, 3]
    # 1: SOHR cited bare (6 December); 2: the titled SOHR report, 3: DW (5 December).
    cites = {
        ident: [_CITED.findall(line) for line in block.splitlines() if "#ref-" in line]
        for block, ident in zip(
            section(page, "Latest developments").split("### ")[1:], latest_ids(page), strict=True
        )
    }
    assert cites == {
        "2024-12-06-rebels-near-homs": [["1"]],
        "2024-12-05-two-reports": [["2", "3"], ["3"], ["2"]],  # sources line, then key points
        "2024-12-04-same-report": [["2"]],
    }
    entries = [line for line in section(page, "References").splitlines() if _ENTRY.match(line)]
    assert "First" not in entries[0] and "link" not in entries[0]
    assert " · First report · " in entries[1] and "6 December 2024" in entries[1]
    assert '<a href="https://sohr.example/one" rel="noopener">link</a>' in entries[1]
    assert "[Deutsche Welle]" in entries[2]
    footer = page.split("## References")[1]
    assert '<a href="https://example.org/briefing/" rel="noopener">' in footer  # where it lives


def test_without_developments_the_brief_still_renders(make_briefing: Callable[..., Path]) -> None:
    root = make_briefing({"developments/2024-12-06-rebels-near-homs.yaml": None})
    _, pages = render(root)
    assert "*No developments yet.*" in pages[BRIEF]
    assert "*Nothing cited.*" in pages[BRIEF]


def _synth() -> Any:
    spec = importlib.util.spec_from_file_location("synth", PROJECT / "benchmarks" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_long_briefing_gives_a_short_brief(tmp_path: Path) -> None:
    root = _synth().write_briefing(tmp_path / "briefings", 1000)
    briefing, pages = render(root)
    page = pages[BRIEF]
    shown = latest_ids(page)
    assert 1 <= len(shown) <= BRIEF_MOST
    newest = [i for i, _ in briefing.developments_newest_first()]
    assert shown == newest[: len(shown)]
    check_numbering(page)


# --- printed by Chromium ----------------------------------------------------------------------

NAV_TABS = ("Overview", "Situation", "Background", "Actors", "Places", "Sources", "How to read")


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} not found: install poppler-utils (apt-get install poppler-utils)")
    return found


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    """The example's /brief/ printed to A4 by headless Chromium: (pages, text)."""
    pdfinfo, pdftotext = poppler("pdfinfo"), poppler("pdftotext")
    tmp = tmp_path_factory.mktemp("brief")
    project = copy_project(tmp / "project")
    result = build(project, tmp / "site")
    assert result.returncode == 0, result.stdout
    pdf = tmp / "brief.pdf"
    with serve(tmp / "site") as (base, _requested), playwright_chromium() as browser:
        page = browser.new_page()
        page.goto(base + "brief/", wait_until="load")
        page.pdf(path=str(pdf), format="A4")
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True)
    pages = re.search(r"(?m)^Pages:\s+(\d+)$", info.stdout)
    assert pages is not None, info.stdout
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    yield int(pages.group(1)), text


@pytest.mark.slow
def test_the_brief_prints_on_one_to_four_pages(printed: tuple[int, str]) -> None:
    count, _ = printed
    assert 1 <= count <= 4


@pytest.mark.slow
def test_the_printed_brief_has_its_text(
    printed: tuple[int, str], example: tuple[Briefing, dict[str, str]]
) -> None:
    _, text = printed
    flat = " ".join(text.split())
    briefing, pages = example
    assert briefing.meta.title in flat
    for heading in ("Bottom line", "Key figures", "Latest developments", "References"):
        assert heading in flat
    for ident in latest_ids(pages[BRIEF]):
        assert briefing.developments[ident].title in flat, ident


@pytest.mark.slow
def test_the_printed_brief_has_no_navigation_or_search(printed: tuple[int, str]) -> None:
    _, text = printed
    for chrome in ("Search", "Table of contents", "Skip to content", "Made with"):
        assert chrome not in text
    lines = {line.strip() for line in text.splitlines()}
    assert lines.isdisjoint(NAV_TABS)
