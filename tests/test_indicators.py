"""The watch list, ``/indicators/`` (issue 12, item 3), from the optional indicators.yaml.

Render-level: the page (golden ``tests/test_indicators/indicators.md``: every status,
a sign never reviewed, one naming two developments), its groups and counts, each
sign's anchor, the overview's count line, the development page's line and the
about page's scale; no page and no link without indicators.yaml or with ``[]``;
hostile text stays text; a misspelt development id and a repeated indicator id
are reported at their line. One MkDocs build checks that the anchors survive the
table of contents and every link resolves.

Golden review: ``pytest tests/test_indicators.py --force-regen``, then read the diff.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from site_helpers import (
    PAYLOADS,
    TEMPLATES,
    broken_links,
    build,
    copy_project,
    hostile_prose,
    markdown_to_html,
    scan_html,
)

from conftest import Content, load_dir, render, write_briefing
from generator.render import render_site
from generator.urls import page_path
from generator.vocabulary import VOCABULARY
from generator.watch import ORDER

PAGE = page_path("indicators")
HAMA = "2024-12-05-rebels-take-hama"
HOMS = "2024-12-06-rebels-near-homs"  # conftest.MINIMAL's development

# File order is not status order; the sign with two developments lists the older first.
INDICATORS = f"""\
- id: army-leaves-homs
  text: Government forces **withdraw** from Homs
  status: not-observed
  updated: 2024-12-06
- id: rebels-reach-homs
  text: Opposition fighters reach the outskirts of Homs
  status: observed
  developments: [{HAMA}, {HOMS}]
  note: Seen by two sources on two days.
  updated: 2024-12-06T10:00:00+00:00
- id: russian-air-support-ends
  text: Russian aircraft stop flying in support of government forces
  status: emerging
  developments: [{HAMA}]
- id: talks-in-doha
  text: Government and opposition agree to talks
  status: ruled-out
  note: |
    The government refused talks on 4 December.

    Revisit if Russia changes its position.
  updated: 2024-12-04
- id: iran-pulls-out
  text: Iran withdraws its advisers
  status: emerging
  updated: 2024-12-05
"""
HAMA_YAML = """\
title: Rebels take Hama
date: 2024-12-05
status: confirmed
places: [homs]
summary: Rebels took Hama.
sources: [dw]
"""


def _pages(root: Path) -> dict[str, str]:
    briefing, report = load_dir(root)
    assert briefing is not None and not report.errors, render(report)
    pages = render_site(briefing, TEMPLATES, report, base=root)
    assert not report.errors, render(report)
    return pages


def _watch_briefing(root: Path, indicators: Content = INDICATORS) -> Path:
    return write_briefing(
        root, {"indicators.yaml": indicators, f"developments/{HAMA}.yaml": HAMA_YAML}
    )


@pytest.fixture(scope="module")
def watch_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _watch_briefing(tmp_path_factory.mktemp("watch") / "briefings")


@pytest.fixture(scope="module")
def pages(watch_root: Path) -> dict[str, str]:
    return _pages(watch_root)


def _sign(page: str, ident: str) -> str:
    """The block of one sign on /indicators/."""
    start = page.index(f'id="{ident}" markdown>')
    return page[start : page.index("\n</div>\n", start)]


# --- the page ---------------------------------------------------------------------------------


def test_golden_indicators_page(pages: dict[str, str], file_regression: Any) -> None:
    file_regression.check(
        pages[PAGE], extension=".md", basename="indicators", encoding="utf-8", newline="\n"
    )


def test_the_groups_go_from_seen_to_ruled_out_and_keep_file_order_within(
    pages: dict[str, str],
) -> None:
    page = pages[PAGE]
    headings = re.findall(r"(?m)^## (.*) \{ #status_([a-z-]+) \}$", page)
    assert headings == [
        ("Observed (1)", "observed"), ("Emerging (2)", "emerging"),
        ("Not observed (1)", "not-observed"), ("Ruled out (1)", "ruled-out"),
    ]  # fmt: skip
    signs = re.findall(r'<div class="bf-sign bf-sign-[a-z-]+" id="([a-z-]+)" markdown>', page)
    assert signs == [
        "rebels-reach-homs", "russian-air-support-ends", "iran-pulls-out", "army-leaves-homs",
        "talks-in-doha",
    ]  # fmt: skip


def test_every_status_of_the_vocabulary_has_a_place_in_the_order() -> None:
    assert sorted(ORDER) == sorted(VOCABULARY.indicator_status)
    assert len(ORDER) == len(set(ORDER))


def test_a_count_per_status_at_the_top_with_its_meaning(pages: dict[str, str]) -> None:
    page = pages[PAGE]
    top = page[: page.index("\n## ")]
    rows = re.findall(
        r'(?m)^\| <span class="bf-badge bf-watch-[a-z-]+"[^>]*>(.*?)</span> \| (.*) \| (.*) \|$',
        top,
    )
    assert rows == [
        ("observed", "seen", "[1](#status_observed)"),
        ("emerging", "early or partial signs", "[2](#status_emerging)"),
        ("not&#45;observed", "not seen so far", "[1](#status_not-observed)"),
        ("ruled&#45;out", "can no longer happen, or no longer matters", "[1](#status_ruled-out)"),
    ]
    assert "5 signs that would mark the next turn of events" in top


def test_a_status_without_signs_counts_zero_and_has_no_group(tmp_path: Path) -> None:
    one = "- id: only\n  text: One sign\n  status: emerging\n"
    page = _pages(_watch_briefing(tmp_path / "b", one))[PAGE]
    assert "| 0 |" in page and "[1](#status_emerging)" in page
    assert re.findall(r"(?m)^## .*$", page) == ["## Emerging (1) { #status_emerging }"]
    assert "1 sign that would mark" in page


def test_each_sign_shows_its_status_as_text_with_its_meaning(pages: dict[str, str]) -> None:
    page = pages[PAGE]
    for ident, status in [
        ("rebels-reach-homs", "observed"), ("russian-air-support-ends", "emerging"),
        ("army-leaves-homs", "not&#45;observed"), ("talks-in-doha", "ruled&#45;out"),
    ]:  # fmt: skip
        block = _sign(page, ident)
        meaning = VOCABULARY.indicator_status[status.replace("&#45;", "-")]
        assert f'title="watch-list status">{status}</span> ({meaning})' in block


def test_when_it_was_last_reviewed_or_not_reviewed(pages: dict[str, str]) -> None:
    page = pages[PAGE]
    assert (
        'last reviewed <time datetime="2024-12-06T10:00:00+00:00">6 December 2024, 10&#58;00 '
        "&#40;UTC&#41;</time>" in _sign(page, "rebels-reach-homs")
    )
    assert 'last reviewed <time datetime="2024-12-04">4 December 2024</time>' in _sign(
        page, "talks-in-doha"
    )
    assert "· not reviewed ·" in _sign(page, "russian-air-support-ends")
    assert "not reviewed" not in _sign(page, "iran-pulls-out")


def test_the_developments_bearing_on_a_sign_newest_first(pages: dict[str, str]) -> None:
    block = _sign(pages[PAGE], "rebels-reach-homs")
    lines = re.findall(
        r"(?m)^- <time datetime=\"([0-9-]+)\">.*\*\*\[(.*)\]\((.*)\)\*\* <span.*>(.*)</span>$",
        block,
    )
    assert lines == [
        ("2024-12-06", "Rebels near Homs", f"../situation/{HOMS}.md", "reported"),
        ("2024-12-05", "Rebels take Hama", f"../situation/{HAMA}.md", "confirmed"),
    ]
    assert "No development bears on it yet." in _sign(pages[PAGE], "iran-pulls-out")


def test_text_and_note_are_markdown(pages: dict[str, str]) -> None:
    page = pages[PAGE]
    assert "<p>Government forces <strong>withdraw</strong> from Homs</p>" in page
    note = _sign(page, "talks-in-doha")
    assert "<p>The government refused talks on 4 December.</p>\n<p>Revisit" in note


def test_anchors_are_unique_even_when_an_id_is_a_headings_name(tmp_path: Path) -> None:
    clashing = "".join(
        f"- id: {ident}\n  text: Sign {ident}\n  status: {status}\n"
        for ident, status in [
            ("watch-list", "observed"), ("observed", "observed"), ("emerging", "emerging"),
            ("status-observed", "not-observed"), ("observed-1", "ruled-out"),
        ]
    )  # fmt: skip
    page = _pages(_watch_briefing(tmp_path / "b", clashing))[PAGE]
    html = markdown_to_html(page)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), ids
    for ident in ("watch-list", "observed", "emerging", "status-observed", "observed-1"):
        assert re.search(rf'<div class="bf-sign[^"]*" id="{ident}">', html), ident
    for status in ("observed", "emerging", "not-observed", "ruled-out"):
        assert f'id="status_{status}"' in html


# --- the other pages --------------------------------------------------------------------------


def test_the_overview_counts_observed_and_emerging_with_a_link(pages: dict[str, str]) -> None:
    overview = pages[page_path("home")]
    assert (
        "**Watch list:** [1 observed, 2 emerging of 5 signs](indicators/index.md)\n"
        "{: .bf-watch-count }\n" in overview
    )
    assert "- [Watch list](indicators/index.md): " in overview


def test_the_overview_counts_zero_and_one_sign(tmp_path: Path) -> None:
    one = "- id: only\n  text: One sign\n  status: ruled-out\n"
    overview = _pages(_watch_briefing(tmp_path / "b", one))[page_path("home")]
    assert "**Watch list:** [0 observed, 0 emerging of 1 sign](indicators/index.md)" in overview


def test_a_development_page_names_the_signs_it_bears_on(pages: dict[str, str]) -> None:
    hama = pages[page_path("development", HAMA)]
    assert (
        "**Bears on the watch list:** [Opposition fighters reach the outskirts of Homs]"
        "(../indicators/index.md#rebels-reach-homs) (observed); [Russian aircraft stop flying "
        "in support of government forces](../indicators/index.md#russian-air-support-ends) "
        "(emerging)\n" in hama
    )
    homs = pages[page_path("development", HOMS)]
    assert homs.count("../indicators/index.md#") == 1


def test_the_about_page_explains_the_statuses(pages: dict[str, str]) -> None:
    about = pages[page_path("about")]
    section = about[about.index("## The watch list") :]
    assert "[watch list](indicators/index.md)" in section
    for value, meaning in VOCABULARY.indicator_status.items():
        assert f"| {value.replace('-', '&#45;')} | {meaning} |" in section


@pytest.mark.parametrize("indicators", [None, "[]\n"], ids=["no indicators.yaml", "an empty list"])
def test_no_watch_list_no_page_and_no_link(tmp_path: Path, indicators: Content) -> None:
    pages = _pages(_watch_briefing(tmp_path / "b", indicators))
    assert PAGE not in pages
    for path, text in pages.items():
        if not path.endswith(".md"):
            continue
        assert "indicators/index.md" not in text, path
        assert "watch list" not in text.lower(), path


def test_an_empty_indicators_file_is_an_error_not_an_empty_list(tmp_path: Path) -> None:
    briefing, report = load_dir(_watch_briefing(tmp_path / "b", ""))
    assert briefing is None
    assert render(report) == "indicators.yaml:1:1: error: the file is empty\n"


# --- hostile text -----------------------------------------------------------------------------


def test_text_and_note_stay_text(tmp_path: Path) -> None:
    import yaml

    entry = {
        "id": "hostile", "text": hostile_prose("hostiletext"), "status": "observed",
        "note": hostile_prose("hostilenote"), "developments": [HOMS],
    }  # fmt: skip
    pages = _pages(_watch_briefing(tmp_path / "b", yaml.safe_dump([entry])))
    html = markdown_to_html(pages[PAGE])
    scan = scan_html(html)
    tags = [tag for tag, _ in scan.tags]
    assert not {"script", "img", "iframe"} & set(tags), tags
    assert tags.count("h1") == 1 and tags.count("h2") == 1  # "# heading" heads no section
    for label in ("hostiletext", "hostilenote"):
        assert label in scan.plain
    for payload in PAYLOADS[:5] + ("</div>",):  # markup, template syntax, a table row
        assert scan.plain.count(payload) == 2, payload  # once in the text, once in the note
    assert "49" not in scan.plain
    dev = markdown_to_html(pages[page_path("development", HOMS)])
    assert "<script>window.PWNED=1</script>" in scan_html(dev).plain
    assert "<script" not in dev


# --- errors -----------------------------------------------------------------------------------


def _errors(tmp_path: Path, indicators: str) -> str:
    briefing, report = load_dir(_watch_briefing(tmp_path / "b", indicators))
    assert briefing is None
    return render(report)


def test_a_misspelt_development_is_reported_at_its_line_with_a_hint(tmp_path: Path) -> None:
    text = f"""\
- id: rebels-reach-homs
  text: Opposition fighters reach Homs
  status: observed
  developments: [{HAMA}, 2024-12-06-rebels-near-hom]
"""
    assert _errors(tmp_path, text) == (
        "indicators.yaml:4:47: error: unknown development '2024-12-06-rebels-near-hom' "
        f"(did you mean '{HOMS}'?)\n"
    )


def test_a_repeated_indicator_id_names_both_places(tmp_path: Path) -> None:
    text = """\
- id: rebels-reach-homs
  text: Opposition fighters reach Homs
  status: observed
- id: rebels-reach-homs
  text: The same id again
  status: emerging
"""
    assert _errors(tmp_path, text) == (
        "indicators.yaml:4:7: error: duplicate indicators id 'rebels-reach-homs' "
        "(first used at indicators.yaml:1)\n"
    )


# --- the built site ---------------------------------------------------------------------------


def test_the_built_site_keeps_every_anchor_and_link(watch_root: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", watch_root)
    result = build(project)
    assert result.returncode == 0, result.stdout
    site = project / "site"
    assert broken_links(site) == []
    page = scan_html((site / "indicators" / "index.html").read_text(encoding="utf-8"))
    for ident in ("rebels-reach-homs", "russian-air-support-ends", "iran-pulls-out",
                  "army-leaves-homs", "talks-in-doha"):  # fmt: skip
        assert ident in page.ids
    home = scan_html((site / "index.html").read_text(encoding="utf-8"))
    assert "indicators/" in home.hrefs()
    assert "Watch list: 1 observed, 2 emerging of 5 signs" in home.plain
