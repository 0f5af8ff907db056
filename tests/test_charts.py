"""The activity chart on /situation/ (issue 10, item 4): periods, stacking, axis,
labels, the example's SVG as a golden, its size at 10,000 developments, and its
place in the rendered timeline.

The golden is ``tests/test_charts/example_chart.svg``; after ``--force-regen``
read it line by line against ``briefings/developments/*.yaml``.
"""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
import yaml
from site_helpers import EXAMPLE, PROJECT, TEMPLATES, markdown_to_html

import generator.pages
from generator import Report, load
from generator.charts import CHAR, WIDTH, ActivityChart, choose_unit, nice_axis
from generator.model import Briefing
from generator.render import render_site
from generator.templating import make_environment
from generator.vocabulary import VOCABULARY

SVG = "{http://www.w3.org/2000/svg}"
FIGURE = re.compile(r'<figure class="bf-chart">.*?</figure>', re.S)
STATUSES = VOCABULARY.status.values
BUDGET = 64 * 1024  # the whole figure (SVG, legend, table), bytes


@pytest.fixture(scope="module")
def example() -> Briefing:
    report = Report()
    briefing = load(EXAMPLE, report, base=PROJECT)
    assert briefing is not None and not report.errors
    return briefing


def figure(chart: ActivityChart) -> str:
    module = make_environment(TEMPLATES).get_template("_chart.j2").module
    macro = getattr(module, "chart_figure")  # noqa: B009 (a macro: mypy cannot see it)
    return str(macro(chart))


def svg_of(chart: ActivityChart) -> str:
    html = figure(chart)
    return html[html.index("<svg") : html.index("</svg>") + len("</svg>")] + "\n"


def chart_of(entries: list[tuple[date, str]], unit: Any = None) -> ActivityChart:
    chart = ActivityChart.of(entries, unit)
    assert chart is not None
    return chart


def synthetic(n: int, first: date, days: int, seed: int = 10) -> list[tuple[date, str]]:
    rng = random.Random(seed)
    weights = [30, 45, 12, 8, 5]  # every status, most of them reported or confirmed
    return [
        (first + timedelta(days=rng.randrange(days)), rng.choices(STATUSES, weights)[0])
        for _ in range(n)
    ]


# --- the example -----------------------------------------------------------------------------


def test_example_chart_golden(example: Briefing, file_regression: Any) -> None:
    chart = ActivityChart.build(example)
    assert chart is not None
    file_regression.check(
        svg_of(chart), extension=".svg", basename="example_chart", encoding="utf-8", newline="\n"
    )


def test_example_chart_counts_what_the_yaml_says(example: Briefing) -> None:
    written = [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((EXAMPLE / "developments").glob("*.yaml"))
    ]
    expected = Counter((d["date"], d.get("status", "reported")) for d in written)
    chart = ActivityChart.build(example)
    assert chart is not None and chart.unit == "day"
    counted = {
        (bar.start, status): n
        for bar in chart.bars
        for status, n in zip(chart.statuses, bar.counts, strict=True)
        if n
    }
    assert counted == dict(expected)
    assert chart.total == len(written)
    svg = ET.fromstring(svg_of(chart))
    titles = sorted(t.text or "" for t in svg.iter(f"{SVG}title"))
    assert "6 December 2024: 5 reported" in titles
    assert len(list(svg.iter(f"{SVG}rect"))) == len(expected)
    assert svg.find(f"{SVG}desc") is not None
    assert chart.description == (
        "9 developments from 27 November to 6 December 2024, most on 6 December 2024 (5); "
        "3 confirmed, 6 reported"
    )


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "unit"),
    [(0, "day"), (60, "day"), (61, "week"), (731, "week"), (732, "month"), (3650, "month")],
)
def test_unit_follows_the_span(days: int, unit: str) -> None:
    first = date(2024, 1, 1)
    assert choose_unit(first, first + timedelta(days=days)) == unit
    assert chart_of([(first, "reported"), (first + timedelta(days=days), "confirmed")]).unit == unit


def test_empty_days_have_bars() -> None:
    chart = chart_of([(date(2024, 11, 27), "confirmed"), (date(2024, 12, 6), "reported")])
    assert [b.start for b in chart.bars] == [
        date(2024, 11, 27) + timedelta(days=i) for i in range(10)
    ]
    assert [b.total for b in chart.bars] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert all(not b.segments for b in chart.bars[1:-1])


def test_weeks_start_on_monday_and_empty_weeks_have_bars() -> None:
    # Wednesday 27 November 2024 to Friday 14 February 2025
    chart = chart_of([(date(2024, 11, 27), "claimed"), (date(2025, 2, 14), "denied")])
    assert chart.unit == "week"
    assert chart.bars[0].start == date(2024, 11, 25)
    assert chart.bars[-1].start == date(2025, 2, 10)
    assert all(b.start.weekday() == 0 for b in chart.bars)
    assert len(chart.bars) == 12
    assert chart.bars[0].name == "week of 25 November 2024"
    assert chart.bars[0].segments[0].title == "Week of 25 November 2024: 1 claimed"


def test_months_cover_the_span() -> None:
    chart = chart_of([(date(2022, 1, 31), "reported"), (date(2024, 12, 1), "reported")])
    assert chart.unit == "month"
    assert [b.start for b in chart.bars][:3] == [
        date(2022, 1, 1),
        date(2022, 2, 1),
        date(2022, 3, 1),
    ]
    assert len(chart.bars) == 36
    assert chart.bars[-1].name == "December 2024"


# --- stacking and axis -----------------------------------------------------------------------


def test_stacks_add_up() -> None:
    chart = chart_of(synthetic(2000, date(2023, 3, 1), 300))
    assert chart.statuses == STATUSES
    f = chart.frame
    for bar in chart.bars:
        assert sum(bar.counts) == bar.total == sum(s.count for s in bar.segments)
        assert [s.status for s in bar.segments] == [
            st for st, n in zip(chart.statuses, bar.counts, strict=True) if n
        ]
        below = f.bottom
        for segment in bar.segments:  # bottom up, touching, none overlapping
            assert segment.y + segment.height == below
            below = segment.y
        expected_top = round(f.bottom - bar.total * (f.bottom - f.top) / chart.top)
        assert below == expected_top >= f.top
    assert chart.totals == tuple(sum(b.counts[i] for b in chart.bars) for i in range(5))
    assert sum(chart.totals) == chart.total == 2000


@pytest.mark.parametrize(
    ("most", "top", "step"),
    [(1, 2, 1), (2, 2, 1), (3, 3, 1), (4, 4, 1), (5, 6, 2), (7, 8, 2), (9, 10, 5),
     (11, 15, 5), (24, 30, 10), (100, 100, 25), (101, 150, 50), (4321, 5000, 2500)],
)  # fmt: skip
def test_nice_axis(most: int, top: int, step: int) -> None:
    assert nice_axis(most) == (top, step)


def test_nice_axis_always_has_three_to_five_ticks() -> None:
    for most in range(1, 20001):
        top, step = nice_axis(most)
        assert most <= top <= 2 * most
        assert top % step == 0 and 3 <= top // step + 1 <= 5


def test_labels_never_collide() -> None:
    first = date(2023, 5, 17)
    for days in (0, 3, 20, 45, 60, 61, 120, 400, 731, 732, 1100, 3000, 9000):
        chart = chart_of([(first, "reported"), (first + timedelta(days=days), "reported")])
        labelled = [b for b in chart.bars if b.label]
        assert labelled, days
        widest = max(len(t) for b in labelled for t in (b.label, b.year)) * CHAR
        gaps = [b.centre - a.centre for a, b in zip(labelled, labelled[1:], strict=False)]
        assert all(gap >= widest + CHAR - 1 for gap in gaps), (days, gaps)  # -1: rounding
        assert labelled[0].centre - widest / 2 >= 0
        assert labelled[-1].centre + widest / 2 <= WIDTH
        assert labelled[0].year, days  # the first label says which year


def test_one_development() -> None:
    chart = chart_of([(date(2024, 12, 6), "confirmed")])
    assert chart.unit == "day" and len(chart.bars) == 1
    assert chart.description == "1 development on 6 December 2024; 1 confirmed"
    assert [t.value for t in chart.ticks] == [0, 1, 2]
    (bar,) = chart.bars
    assert bar.label == "6 Dec" and bar.year == "2024"
    assert bar.segments[0].width <= 48  # a single bar stays a bar
    ET.fromstring(svg_of(chart))


def test_no_developments_no_chart() -> None:
    assert ActivityChart.of([]) is None


def test_chart_compares_by_value(example: Briefing) -> None:
    """It is part of a cached page's context: the cache compares contexts with ==."""
    one, two = ActivityChart.build(example), ActivityChart.build(example)
    assert one == two and one is not two and hash(one) == hash(two)


# --- size ------------------------------------------------------------------------------------


def test_ten_thousand_over_three_years_stay_small() -> None:
    chart = chart_of(synthetic(10_000, date(2022, 1, 1), 3 * 365))
    assert chart.unit == "month" and chart.total == 10_000
    html = figure(chart)
    assert len(html.encode()) < BUDGET
    ET.fromstring(svg_of(chart))


def test_the_longest_weekly_chart_stays_under_budget() -> None:
    """Just under two years: 105 weekly bars with every status in every week."""
    chart = chart_of(synthetic(10_000, date(2022, 1, 1), 731))
    assert chart.unit == "week" and len(chart.bars) >= 104
    assert sum(len(b.segments) == 5 for b in chart.bars) > 0.9 * len(chart.bars)
    assert len(svg_of(chart).encode()) < BUDGET
    assert len(figure(chart).encode()) < BUDGET + 16 * 1024


# --- on the site -----------------------------------------------------------------------------


def test_chart_on_the_first_timeline_page_only(
    example: Briefing, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.pages, "TIMELINE_PAGE", 4)
    report = Report()
    pages = render_site(example, TEMPLATES, report)
    assert not report.errors
    first, more = "situation/index.md", ["situation/page/2.md", "situation/page/3.md"]
    assert len(FIGURE.findall(pages[first])) == 1
    assert all(page in pages for page in more)
    others = [text for path, text in pages.items() if path.endswith(".md") and path != first]
    assert not any("bf-chart" in text for text in others)


def test_chart_survives_markdown_as_one_raw_block(example: Briefing) -> None:
    report = Report()
    page = render_site(example, TEMPLATES, report)["situation/index.md"]
    (block,) = FIGURE.findall(page)
    assert "\n\n" not in block and not re.search(r"\n[ \t]*\n", block)
    assert f"\n\n{block}\n\n" in page  # a block of its own
    html = markdown_to_html(page)
    assert block in html  # Python-Markdown left it exactly as it was
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert {"bf-chart-title", "bf-chart-desc"} <= set(ids)
    svg = ET.fromstring(block[block.index("<svg") : block.index("</svg>") + 6])
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "bf-chart-title"
    assert svg.get("aria-describedby") == "bf-chart-desc"
    assert "<summary>The numbers</summary>" in block and "<script" not in block
    assert not re.search(r"""(?:href|src)=["']?(?:https?:)?//""", block)
