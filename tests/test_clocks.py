"""Issue 11 (items 2, 4, 5): the three clocks of a development, its status history,
and the marks of a development nobody has updated for too long (generator/clocks.py)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from site_helpers import EXAMPLE, PROJECT, SECOND, TEMPLATES, markdown_to_html, scan_html

from conftest import write_briefing
from generator import Report, load
from generator.clocks import date_label, stale_days, status_history, time_tag
from generator.render import PageCache, render_site
from generator.schema import BriefingMeta, Development

Pages = dict[str, str]


def _tz(hours: int) -> timezone:
    return timezone(timedelta(hours=hours))


# --- date labels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "precision", "label"),
    [
        (date(2024, 12, 6), "day", "6 December 2024"),
        (datetime(2024, 12, 6, 11, 6, tzinfo=_tz(2)), "day", "6 December 2024, 11:06 (UTC+02:00)"),
        (datetime(2024, 12, 6, 23, 0, tzinfo=UTC), "day", "6 December 2024, 23:00 (UTC)"),
        (date(2024, 11, 27), "week", "week of 25 November 2024"),  # a Wednesday
        (date(2024, 12, 2), "week", "week of 2 December 2024"),  # a Monday is its own week
        (date(2024, 12, 1), "week", "week of 25 November 2024"),  # Sunday: the month before
        (date(2025, 1, 2), "week", "week of 30 December 2024"),  # Thursday: the year before
        (date(2026, 1, 4), "week", "week of 29 December 2025"),  # Sunday: the year before
        (date(2024, 11, 1), "month", "November 2024"),
        (date(2024, 11, 30), "month", "November 2024"),
        # A datetime's week and month are those of its day as written, in its own offset:
        # 2 December 01:00 (UTC+03:00) is Sunday 1 December in UTC, but Monday where it happened.
        (datetime(2024, 12, 2, 1, 0, tzinfo=_tz(3)), "week", "week of 2 December 2024"),
        (datetime(2024, 12, 1, 0, 30, tzinfo=_tz(2)), "month", "December 2024"),
        (datetime(2024, 11, 30, 23, 0, tzinfo=_tz(-5)), "month", "November 2024"),
    ],
)
def test_date_label(moment: date | datetime, precision: str, label: str) -> None:
    assert date_label(moment, precision) == label


def test_date_label_refuses_an_unknown_precision() -> None:
    with pytest.raises(ValueError, match="unknown date precision 'year'"):
        date_label(date(2024, 12, 6), "year")


@pytest.mark.parametrize(
    ("moment", "precision", "element"),
    [
        (date(2024, 12, 6), "day", '<time datetime="2024-12-06">6 December 2024</time>'),
        # the ISO week of 30 December 2024 is the first of 2025
        (date(2024, 12, 30), "week", '<time datetime="2025-W01">week of 30 December 2024</time>'),
        (date(2024, 11, 27), "month", '<time datetime="2024-11">November 2024</time>'),
    ],
)
def test_time_element_says_no_more_than_is_known(
    moment: date, precision: str, element: str
) -> None:
    assert str(time_tag(moment, precision)) == element


# --- staleness -------------------------------------------------------------------------------


def _meta(as_of: str, **extra: Any) -> BriefingMeta:
    return BriefingMeta.model_validate({"title": "T", "as_of": as_of, "summary": "s", **extra})


def _dev(
    when: str, status: str = "reported", updates: list[dict[str, Any]] | None = None
) -> Development:
    data = {"title": "D", "date": when, "status": status, "summary": "s", "sources": ["a"]}
    return Development.model_validate({**data, "updates": updates or []})


@pytest.mark.parametrize(
    ("dev", "meta", "days"),
    [
        (_dev("2024-12-06"), _meta("2024-12-13"), None),  # exactly 7 days: not yet
        (_dev("2024-12-05"), _meta("2024-12-13"), 8),  # one day more
        (_dev("2024-12-05", "claimed"), _meta("2024-12-13"), 8),
        (_dev("2024-11-01", "confirmed"), _meta("2024-12-13"), None),  # never stale
        (_dev("2024-11-01", "disputed"), _meta("2024-12-13"), None),
        (_dev("2024-11-01", "denied"), _meta("2024-12-13"), None),
        (_dev("2024-12-10"), _meta("2024-12-13", stale_after_days=3), None),
        (_dev("2024-12-09"), _meta("2024-12-13", stale_after_days=3), 4),
        (_dev("2024-11-01"), _meta("2024-12-13", stale_after_days=60), None),
        # the newest update counts, not the date, and not the order the updates are listed in
        (
            _dev("2024-11-01", updates=[{"at": "2024-12-10", "note": "n"}]),
            _meta("2024-12-13"),
            None,
        ),
        (
            _dev(
                "2024-11-01",
                updates=[{"at": "2024-11-02", "note": "a"}, {"at": "2024-12-01", "note": "b"}],
            ),
            _meta("2024-12-13"),
            12,
        ),
        (_dev("2024-12-20"), _meta("2024-12-13"), None),  # dated after as_of
    ],
)
def test_stale_days(dev: Development, meta: BriefingMeta, days: int | None) -> None:
    assert stale_days(dev, meta) == days


def test_stale_days_count_calendar_days_in_utc() -> None:
    # 13 December 00:30 at UTC+02:00 is 12 December in UTC: 7 days after 5 December.
    assert stale_days(_dev("2024-12-05"), _meta("2024-12-13T00:30:00+02:00")) is None
    assert stale_days(_dev("2024-12-05"), _meta("2024-12-13T02:30:00+02:00")) == 8
    # An update at 01:00 (UTC+03:00) on 6 December was on 5 December in UTC; the hour
    # of either moment does not matter, only their days.
    late = _dev("2024-11-01", updates=[{"at": "2024-12-06T01:00:00+03:00", "note": "n"}])
    assert stale_days(late, _meta("2024-12-13T00:00:00+00:00")) == 8
    assert stale_days(late, _meta("2024-12-12T23:59:00+00:00")) is None


# --- status history --------------------------------------------------------------------------


def test_status_history_runs_oldest_first_from_the_first_known_status() -> None:
    dev = _dev("2024-12-01", "confirmed", updates=[  # listed newest first
        {"at": "2024-12-09", "note": "Two agencies confirm.", "status": "confirmed"},
        {"at": "2024-12-05", "note": "A typo fixed."},  # no status: not a step
        {"at": "2024-12-04", "note": "A second report.", "status": "reported"},
        {"at": "2024-12-02", "note": "Claimed on Telegram.", "status": "claimed"},
        {"at": "2024-12-03", "note": "Still only the claim.", "status": "claimed"},
    ])  # fmt: skip
    steps = [(str(s.at), s.before, s.after, s.note) for s in status_history(dev)]
    assert steps == [
        ("2024-12-02", None, "claimed", "Claimed on Telegram."),
        ("2024-12-03", "claimed", "claimed", "Still only the claim."),
        ("2024-12-04", "claimed", "reported", "A second report."),
        ("2024-12-09", "reported", "confirmed", "Two agencies confirm."),
    ]
    assert status_history(_dev("2024-12-01", updates=[{"at": "2024-12-02", "note": "n"}])) == ()


# --- the pages -------------------------------------------------------------------------------

STALE = "2024-12-06-rebels-near-homs"  # reported, last updated 8 December: 12 days
WEEK = "2024-12-04-claimed-in-the-week"  # claimed, known to the week, never updated: 16 days
OLD = "2024-11-20-confirmed-long-ago"  # confirmed: never stale
FRESH = "2024-12-19-fresh-report"  # reported the day before as_of

OVERRIDES = {
    "briefing.yaml": """\
title: Test briefing
as_of: 2024-12-20T12:00:00+00:00
summary: Rebels are about 5 km from **Homs**.
""",
    f"developments/{STALE}.yaml": """\
title: Rebels near Homs
date: 2024-12-06
status: reported
places: [homs]
summary: Rebels are about 5 km from Homs.
sources: [sohr]
updates:
  - at: 2024-12-08
    note: SOHR repeats the report <b>now</b>.
    status: reported
  - at: 2024-12-06T09:00:00+00:00
    note: Entered from a post on Telegram.
    status: claimed
""",
    f"developments/{WEEK}.yaml": """\
title: Something in the first week of December
date: 2024-12-04
date_precision: week
status: claimed
summary: Claimed, some day that week.
sources: [sohr]
""",
    f"developments/{OLD}.yaml": """\
title: Confirmed long ago
date: 2024-11-20
date_precision: month
status: confirmed
summary: Old news.
sources: [sohr]
""",
    f"developments/{FRESH}.yaml": """\
title: A fresh report
date: 2024-12-19
summary: New.
sources: [sohr]
""",
}


def _render(root: Path, cache: PageCache | None = None) -> Pages:
    report = Report()
    briefing = load(root, report, base=root)
    assert briefing is not None and not report.errors, [str(d) for d in report.sorted()]
    assert not report.warnings, [str(d) for d in report.sorted()]
    pages = render_site(briefing, TEMPLATES, report, cache=cache)
    assert not report.errors, [str(d) for d in report.sorted()]
    return pages


def _text(page: str) -> str:
    """A generated page's text as a reader sees it (no space added between elements)."""
    return " ".join("".join(scan_html(markdown_to_html(page)).text).split())


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Pages:
    return _render(write_briefing(tmp_path_factory.mktemp("clocks") / "b", OVERRIDES))


def test_stale_development_page_warns_at_the_top(pages: Pages) -> None:
    page = pages[f"situation/{STALE}.md"]
    html = markdown_to_html(page)
    notice = re.search(r'<div class="admonition warning bf-stale-notice">(.*?)</div>', html, re.S)
    assert notice is not None, page
    assert html.index("bf-stale-notice") < html.index('id="summary"')  # before the content
    text = scan_html(notice.group(1)).plain
    assert text.startswith("Not updated for 12 days This development is still reported")
    assert "its last update was on 8 December 2024" in text


def test_stale_development_page_shows_its_three_clocks_and_status_history(pages: Pages) -> None:
    text = _text(pages[f"situation/{STALE}.md"])
    assert (
        "6 December 2024 · reported · updated 8 December 2024"
        " · briefing as of 20 December 2024, 12:00 (UTC)"
    ) in text
    history = text.split("Status history", 1)[1].split("Update history", 1)[0]
    assert history.strip() == (
        "How its status moved, oldest first: "
        "6 December 2024, 09:00 (UTC): claimed — Entered from a post on Telegram. "
        "8 December 2024: claimed → reported — SOHR repeats the report <b>now</b>."
    )


def test_week_precision_and_no_update(pages: Pages) -> None:
    page = pages[f"situation/{WEEK}.md"]
    text = _text(page)
    assert (
        "week of 2 December 2024 · claimed · not updated since it was entered"
        " · briefing as of 20 December 2024, 12:00 (UTC)"
    ) in text
    assert "Not updated for 16 days" in text
    assert "not been updated since it was entered (its date: week of 2 December 2024)" in text
    assert '<time datetime="2024-W49">week of 2 December 2024</time>' in page
    assert "Status history" not in text  # no update carries a status


@pytest.mark.parametrize("ident", [OLD, FRESH])
def test_confirmed_or_recent_developments_carry_no_notice(pages: Pages, ident: str) -> None:
    page = pages[f"situation/{ident}.md"]
    assert "bf-stale" not in page and "Not updated for" not in _text(page)
    assert "not updated since it was entered" in _text(page)


def _timeline_entries(page: str) -> dict[str, str]:
    """Each development's line on the timeline, as text, by id."""
    entries = {}
    for line in page.splitlines():
        found = re.search(r"\]\(([a-z0-9-]+)\.md\)", line)
        if line.startswith("- **") and found:
            entries[found.group(1)] = _text(line)
    return entries


def test_timeline_marks_stale_developments_after_their_status(pages: Pages) -> None:
    entries = _timeline_entries(pages["situation/index.md"])
    assert set(entries) == {STALE, WEEK, OLD, FRESH}
    assert entries[STALE] == "Rebels near Homs reported not updated for 12 days · Homs"
    assert entries[WEEK] == (
        "Something in the first week of December claimed not updated for 16 days"
        " · week of 2 December 2024"
    )
    assert entries[OLD] == "Confirmed long ago confirmed · November 2024"
    assert entries[FRESH] == "A fresh report reported"


def test_overview_counts_the_stale_developments(pages: Pages) -> None:
    page = pages["index.md"]
    line = (
        "[2 reported or claimed developments not updated for more than 7 days](situation/index.md)"
    )
    assert f"\n{line}\n{{: .bf-stale-count }}\n" in page
    asof = page.index('<p class="bf-asof">')
    assert asof < page.index(line) < page.index("## Bottom line")
    cards = _text(page.split("## Latest developments", 1)[1])
    assert "6 December 2024 reported not updated for 12 days" in cards
    assert "week of 2 December 2024 claimed not updated for 16 days" in cards
    assert "November 2024 confirmed" in cards


def test_overview_count_follows_stale_after_days(tmp_path: Path) -> None:
    lenient = OVERRIDES["briefing.yaml"] + "stale_after_days: 14\n"
    one = _render(write_briefing(tmp_path / "one", {**OVERRIDES, "briefing.yaml": lenient}))
    assert (
        "[1 reported or claimed development not updated for more than 14 days]" in one["index.md"]
    )
    assert "bf-stale" not in one[f"situation/{STALE}.md"]  # 12 days: no longer too many
    patient = OVERRIDES["briefing.yaml"] + "stale_after_days: 30\n"
    none = _render(write_briefing(tmp_path / "none", {**OVERRIDES, "briefing.yaml": patient}))
    assert "not updated for" not in none["index.md"] + none["situation/index.md"]


def test_a_cached_page_goes_stale_when_as_of_moves(tmp_path: Path) -> None:
    """Development pages are cached by their context: the mark must be part of it."""
    cache = PageCache()
    early = OVERRIDES["briefing.yaml"].replace("2024-12-20", "2024-12-10")
    earlier = {**OVERRIDES, "briefing.yaml": early, f"developments/{FRESH}.yaml": None}
    root = write_briefing(tmp_path / "b", earlier)
    before = _render(root, cache)
    assert "Not updated for" not in before[f"situation/{STALE}.md"]
    write_briefing(root, OVERRIDES)
    after = _render(root, cache)
    assert "Not updated for 12 days" in after[f"situation/{STALE}.md"]
    assert "not updated for 12 days" in after["situation/index.md"]


def test_developments_json_says_how_exactly_each_date_is_known(pages: Pages) -> None:
    records = {r["id"]: r for r in json.loads(pages["data/developments.json"])["developments"]}
    assert {i: r["date_precision"] for i, r in records.items()} == {
        STALE: "day", WEEK: "week", OLD: "month", FRESH: "day",
    }  # fmt: skip
    assert records[WEEK]["date"] == "2024-12-04"  # the date itself stays as written


# --- the example briefing (contract v1) ------------------------------------------------------


@pytest.fixture(scope="module")
def example_pages() -> Pages:
    report = Report()
    briefing = load(EXAMPLE, report, base=PROJECT)
    assert briefing is not None and not report.errors
    return render_site(briefing, TEMPLATES, report)


def test_example_shows_its_clocks(example_pages: Pages) -> None:
    """Every development carries the three clocks; nothing is stale at the example's
    as-of; its "late November" start is shown to the week."""
    devs = {p: t for p, t in example_pages.items() if re.fullmatch(r"situation/\d{4}-.*\.md", p)}
    assert len(devs) == 9
    for path, page in devs.items():
        text = _text(page)
        assert text.count("briefing as of 6 December 2024, 11:06 (UTC+02:00)") == 1, path
        assert "bf-stale" not in page, path
    aleppo = _text(devs["situation/2024-11-27-fighting-breaks-out-in-aleppo.md"])
    assert "week of 25 November 2024" in aleppo
    assert "week of 25 November 2024" in _text(example_pages["situation/index.md"])
    assert "not updated for" not in example_pages["index.md"]


def test_a_v1_briefing_gains_only_the_clocks(tmp_path: Path) -> None:
    """v1 data (every date to the day, no status on an update): no status history, no
    precision, nothing stale; only the as-of clock is new."""
    report = Report()
    briefing = load(SECOND, report, base=SECOND)
    assert briefing is not None and not report.errors
    pages = render_site(briefing, TEMPLATES, report)
    devs = [t for p, t in pages.items() if re.fullmatch(r"situation/\d{4}-.*\.md", p)]
    assert devs
    for page in devs:
        assert "Status history" not in _text(page) and "bf-stale" not in page
        assert "briefing as of" in _text(page)
    listing = pages["index.md"] + pages["situation/index.md"]
    assert "week of" not in listing
