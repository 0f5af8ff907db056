"""Withdrawn sources and competing claims on the site (issue 12, items 1 and 2).

A small briefing written here: SOHR is discredited, one Reuters report is
retracted. Goldens (``tests/test_integrity_pages/``) hold the development page
(a notice, flagged key points, competing claims: one refuted, one resting on the
discredited source), SOHR's and Reuters' own pages and the overview's key
figures; after ``--force-regen`` read the diff. The other tests check what a
reader relies on: every listed claim links to where it is marked, the marks
survive the page cache, pagination and hostile text, and a briefing without
withdrawn sources or competing claims shows none of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from site_helpers import EXAMPLE, PAYLOADS, TEMPLATES, markdown_to_html, scan_html

from conftest import write_briefing
from generator import Report, load
from generator.render import PageCache, render_site

Pages = dict[str, str]
DEV = "2024-12-06-rebels-near-homs"
OTHER = "2024-12-05-army-regroups"
DEV_PAGE = f"situation/{DEV}.md"

FILES: dict[str, str] = {
    "briefing.yaml": """\
title: Test briefing
as_of: 2024-12-08T12:00:00+00:00
summary: Rebels are about 5 km from **Homs**.
key_figures:
  - label: Distance to Homs
    value: about 5 km
    sources: [sohr]
  - id: displaced
    label: Displaced
    value: 300,000
    sources: [sohr, reuters]
  - label: Fighters
    value: about 10,000
    sources: [reuters]
""",
    "sources.yaml": """\
- id: sohr
  name: Syrian Observatory for Human Rights
  kind: monitor
  reliability: C
  discredited:
    at: 2024-12-07
    note: Its casualty counts for Homs were found to be **invented**.
- id: dw
  name: Deutsche Welle
  kind: broadcaster
- id: reuters
  name: Reuters
  kind: news-agency
  reliability: B
""",
    f"developments/{DEV}.yaml": """\
title: Rebels near Homs
date: 2024-12-06
actors: [hts]
summary: Rebels are about 5 km from Homs.
key_points:
  - text: Rebels are **5 km** from Homs.
    sources: [sohr]
  - text: The army withdrew from Rastan.
    sources: [reuters, dw]
    credibility: 3
  - text: Residents are leaving the northern districts.
    sources: [dw]
competing_claims:
  - claim: The army withdrew from Rastan in good order.
    by: [dw]
    verdict: refuted
    note: Video from the town shows abandoned vehicles.
  - claim: Rebels took Rastan without a fight.
    by: [sohr]
  - claim: Rastan fell after a day of fighting.
    by: [reuters, dw]
    verdict: corroborated
sources:
  - sohr
  - source: reuters
    title: Rebels reach Rastan
    url: https://example.org/rastan
    published: 2024-12-06
    retracted:
      at: 2024-12-07
      note: Reuters withdrew the report; its source was not in Rastan.
  - dw
""",
    f"developments/{OTHER}.yaml": """\
title: Army regroups north of Homs
date: 2024-12-05
summary: The army is regrouping.
key_points:
  - text: New units arrived.
    sources: [reuters]
  - text: SOHR counted the units.
    sources: [sohr, dw]
sources: [reuters, dw]
""",
}


def _render(root: Path, cache: PageCache | None = None) -> Pages:
    report = Report()
    briefing = load(root, report, base=root)
    assert briefing is not None, [str(d) for d in report.sorted()]
    pages = render_site(briefing, TEMPLATES, report, cache=cache)
    assert not report.errors, [str(d) for d in report.sorted()]
    return pages


@pytest.fixture
def make(tmp_path: Path) -> Callable[..., Path]:
    def write(**changes: str | None) -> Path:
        return write_briefing(tmp_path / "briefings", {**FILES, **changes})

    return write


@pytest.fixture
def pages(make: Callable[..., Path]) -> Pages:
    return _render(make())


def section(page: str, heading: str) -> str:
    """``## heading`` up to the next second-level heading."""
    start = page.index(f"\n## {heading}\n")
    end = page.find("\n## ", start + 1)
    return page[start : end if end != -1 else len(page)]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("development", DEV_PAGE),
        ("source_discredited", "sources/sohr.md"),
        ("source_retracted", "sources/reuters.md"),
    ],
)
def test_golden(name: str, path: str, pages: Pages, file_regression: Any) -> None:
    file_regression.check(pages[path], extension=".md", basename=name, encoding="utf-8",
                          newline="\n")  # fmt: skip


def test_golden_overview_key_figures(pages: Pages, file_regression: Any) -> None:
    file_regression.check(
        section(pages["index.md"], "Key figures"),
        extension=".md",
        basename="overview_key_figures",
        encoding="utf-8",
        newline="\n",
    )


def _marks(text: str) -> list[str]:
    return re.findall(r'class="bf-badge bf-withdrawn[^"]*"[^>]*>([^<]*)', text)


def test_each_claim_is_marked_where_it_is_shown(pages: Pages) -> None:
    dev = pages[DEV_PAGE]
    notice = dev[: dev.index("## Key points")]
    assert "Cites a discredited source and a retracted report" in notice
    assert "4 of its 6 key points and competing claims rest on them" in notice
    assert "2 have no standing source left" in notice
    assert "“Rebels reach Rastan” was **retracted**" in notice

    points = section(dev, "Key points").split("<li")[1:]
    assert [_marks(p) for p in points] == [
        ["rests on a discredited source: Syrian Observatory for Human Rights, ",
         "no standing source left"],
        ["rests on a retracted report: Reuters, "],
        [],
    ]  # fmt: skip
    claims = section(dev, "Competing claims").split('<div class="bf-claim ')[1:]
    verdicts = [re.findall(r">(\w+)</span> according to", c) for c in claims]
    assert verdicts == [["refuted"], ["unverified"], ["corroborated"]]
    assert [len(_marks(c)) for c in claims] == [0, 2, 1]
    refs = section(dev, "Sources")
    assert "discredited since" in refs.split("\n\n")[1]  # 1. SOHR
    assert "retracted on" in refs.split("\n\n")[2]  # 2. the Reuters report

    other = pages[f"situation/{OTHER}.md"]  # Reuters' report here stands
    assert _marks(section(other, "Key points")) == [
        "rests on a discredited source: Syrian Observatory for Human Rights, "
    ]

    brief = pages["brief/index.md"]
    assert len(_marks(section(brief, "Key figures"))) == 3  # two figures, one unsupported
    assert "rests on a retracted report: Reuters" in section(brief, "Latest developments")
    assert "retracted on" in section(brief, "References")
    sources = section(
        pages["sources/index.md"], "Syrian Observatory for Human Rights { #source-sohr }"
    )
    assert 'fairly reliable · <span class="bf-badge bf-withdrawn"' in sources


def test_every_claim_a_source_page_lists_links_to_where_it_is_marked(pages: Pages) -> None:
    page = pages["sources/sohr.md"]
    links = re.findall(r"\]\(\.\./([^)#]+)#([^)]+)\)", page)
    assert set(links) == {
        ("index.md", "figure-1"), ("index.md", "figure-displaced"),
        (DEV_PAGE, "point-1"), (DEV_PAGE, "claim-2"), (f"situation/{OTHER}.md", "point-2"),
    }  # fmt: skip
    for target, anchor in links:
        assert f'id="{anchor}"' in pages[target], (target, anchor)
    assert "5 claims in this briefing rest on it (3 with no standing source left)" in page


def test_a_long_source_page_lists_each_claim_under_its_development(
    make: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("generator.pages.PROFILE_PAGE", 1)
    pages = _render(make())
    first, second = pages["sources/sohr.md"], pages["sources/sohr/page/2.md"]
    for page in (first, second):  # the notice counts the whole briefing on every page
        assert "5 claims in this briefing rest on it" in page
    assert "## Key figures resting on it" in first
    assert "## Key figures resting on it" not in second
    assert "#point-1" in first and "#claim-2" in first and OTHER not in first
    assert f"situation/{OTHER}.md#point-2" in second and DEV not in second


def test_the_marks_are_never_served_stale_from_the_page_cache(make: Callable[..., Path]) -> None:
    clean = (
        FILES["sources.yaml"]
        .replace("  discredited:\n    at: 2024-12-07\n", "")
        .replace("    note: Its casualty counts for Homs were found to be **invented**.\n", "")
    )
    root, cache = make(**{"sources.yaml": clean}), PageCache()
    before = _render(root, cache)
    assert "discredited" not in before[DEV_PAGE] + before["sources/sohr.md"]
    (root / "sources.yaml").write_text(FILES["sources.yaml"], encoding="utf-8")
    after = _render(root, cache)
    assert after == _render(root)
    assert "rests on a discredited source" in after[DEV_PAGE]
    assert "Discredited since" in after["sources/sohr.md"]


def test_hostile_text_in_notes_and_claims_stays_text(make: Callable[..., Path]) -> None:
    hostile = " ".join(PAYLOADS)
    sources = FILES["sources.yaml"].replace(
        "Its casualty counts for Homs were found to be **invented**.", f"'{hostile}'"
    )
    dev = (
        FILES[f"developments/{DEV}.yaml"]
        .replace("Rebels took Rastan without a fight.", f"'{hostile}'")
        .replace("title: Rebels reach Rastan", f"title: '{hostile}'")
    )
    pages = _render(make(**{"sources.yaml": sources, f"developments/{DEV}.yaml": dev}))
    for path in (DEV_PAGE, "sources/sohr.md", "index.md"):
        html = markdown_to_html(pages[path])
        scan = scan_html(html)
        assert not scan.scripts and "window.PWNED" not in " ".join(scan.scripts), path
        assert not any(a.get("src") == "x" or "onerror" in a for _, a in scan.tags), path
        if path != "index.md":  # the overview shows the note in the badge's title only
            assert "{{ 7*7 }}" in scan.plain, path
        titles = [a["title"] for _, a in scan.tags if "bf-badge bf-withdrawn" in a.get("class", "")]
        assert any("<script>window.PWNED=1</script>" in t for t in titles), path


def test_a_briefing_without_them_shows_none_of_it() -> None:
    pages = _render(EXAMPLE)
    for path, text in pages.items():
        if path.endswith(".md"):
            assert "bf-withdrawn" not in text and "Competing claims" not in text, path
