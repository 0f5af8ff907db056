"""generator.references: ids resolve across files, `within` has no cycles, warnings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINIMAL, load_dir, render

DEV = "developments/2024-12-06-rebels-near-homs.yaml"

PLACES_HEAD = "- id: syria\n  name: Syria\n  kind: country\n"


def places(*entries: tuple[str, str | None]) -> str:
    """places.yaml with Syria plus (id, within) entries, one field per line."""
    text = PLACES_HEAD
    for ident, within in entries:
        text += f"- id: {ident}\n  name: {ident.title()}\n  kind: region\n"
        if within is not None:
            text += f"  within: {within}\n"
    return text


def test_minimal_briefing_is_clean(make_briefing: Callable[..., Path]) -> None:
    briefing, report = load_dir(make_briefing())
    assert render(report) == ""
    assert briefing is not None
    assert sorted(briefing.sources) == ["dw", "sohr"]
    assert list(briefing.developments) == ["2024-12-06-rebels-near-homs"]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([("a", "a")], "places.yaml:7:11: error: a place cannot be within itself\n"),
        (
            [("a", "b"), ("b", "a")],
            "places.yaml:7:11: error: 'within' goes round in a circle: a → b → a\n",
        ),
        (
            [("c", "a"), ("a", "b"), ("b", "c")],
            "places.yaml:11:11: error: 'within' goes round in a circle: a → b → c → a\n",
        ),
        (
            # Two separate circles, each reported once; e hangs off one.
            [("a", "b"), ("b", "a"), ("c", "d"), ("d", "c"), ("e", "a")],
            "places.yaml:7:11: error: 'within' goes round in a circle: a → b → a\n"
            "places.yaml:15:11: error: 'within' goes round in a circle: c → d → c\n",
        ),
        ([("a", "syria"), ("b", "a"), ("c", "b")], ""),
        ([("a", "nowhere")], "places.yaml:7:11: error: unknown place 'nowhere'\n"),
        (
            [("a", "syra")],
            "places.yaml:7:11: error: unknown place 'syra' (did you mean 'syria'?)\n",
        ),
    ],
)
def test_within(
    make_briefing: Callable[..., Path], entries: list[tuple[str, str | None]], expected: str
) -> None:
    _, report = load_dir(
        make_briefing({"places.yaml": places(*entries), DEV: _dev_without_places()})
    )
    assert render(report) == expected


def _dev_without_places() -> str:
    return MINIMAL[DEV].replace("places: [homs]\n", "")


def test_citations_anywhere_count(make_briefing: Callable[..., Path]) -> None:
    # sohr only in a key figure, dw only in a topic's mapping entry, reuters in a key point.
    sources = MINIMAL["sources.yaml"] + "- id: reuters\n  name: Reuters\n  kind: news-agency\n"
    dev = MINIMAL[DEV].replace("sources: [sohr]", "sources: [{source: reuters}]")
    topic = "title: T\nsummary: S\nsources:\n  - source: dw\n    title: A report\n"
    _, report = load_dir(
        make_briefing({"sources.yaml": sources, DEV: dev, "background/hts.yaml": topic})
    )
    assert render(report) == ""


def test_uncited_sources_are_warned_in_order(make_briefing: Callable[..., Path]) -> None:
    sources = (
        "- id: zeta\n  name: Z\n  kind: other\n"
        + MINIMAL["sources.yaml"]
        + "- id: alpha\n  name: A\n  kind: other\n"
    )
    briefing, report = load_dir(make_briefing({"sources.yaml": sources}))
    assert briefing is not None  # warnings alone do not stop the build
    assert render(report) == (
        "sources.yaml:1:7: warning: source 'zeta' is never cited\n"
        "sources.yaml:11:7: warning: source 'alpha' is never cited\n"
    )


@pytest.mark.parametrize(
    ("as_of", "date", "warned"),
    [
        ("2024-12-06", "2024-12-06", False),
        ("2024-12-06", "2024-12-06T23:59:00+00:00", False),  # a bare date is the whole day
        ("2024-12-06", "2024-12-07", True),
        ("2024-12-06T12:00:00+00:00", "2024-12-06", False),
        ("2024-12-06T12:00:00+00:00", "2024-12-06T12:00:00+00:00", False),
        ("2024-12-06T12:00:00+00:00", "2024-12-06T12:00:01+00:00", True),
        ("2024-12-06T12:00:00+00:00", "2024-12-06T13:30:00+02:00", False),  # 11:30 UTC
        ("2024-12-06T12:00:00+00:00", "2024-12-06T09:00:00-05:00", True),  # 14:00 UTC
    ],
)
def test_dated_after_as_of(
    make_briefing: Callable[..., Path], as_of: str, date: str, warned: bool
) -> None:
    briefing_yaml = MINIMAL["briefing.yaml"].replace("2024-12-06T12:00:00+00:00", as_of)
    dev = MINIMAL[DEV].replace("date: 2024-12-06", f"date: {date}")
    _, report = load_dir(make_briefing({"briefing.yaml": briefing_yaml, DEV: dev}))
    expected = ""
    if warned:
        expected += f"{DEV}:2:7: warning: dated {date}, after the briefing's as_of ({as_of})\n"
    if date[:10] != "2024-12-06":  # the file name is 2024-12-06-…
        expected += (
            f"{DEV}:2:7: warning: development ids should start with their date: "
            f"rename the file to '{date[:10]}-…'\n"
        )
    assert render(report) == expected


def test_id_should_start_with_the_date_as_written(make_briefing: Callable[..., Path]) -> None:
    # 23:30 at UTC-05:00 is already the 7th in UTC, but the day written is the 6th.
    dev = MINIMAL[DEV].replace("date: 2024-12-06", "date: 2024-12-05T23:30:00-05:00")
    briefing_yaml = MINIMAL["briefing.yaml"].replace("T12:00:00", "T23:59:00")
    _, report = load_dir(make_briefing({DEV: dev, "briefing.yaml": briefing_yaml}))
    assert render(report) == (
        f"{DEV}:2:7: warning: development ids should start with their date: "
        "rename the file to '2024-12-05-…'\n"
    )


@pytest.mark.parametrize(
    ("stamps", "line"),
    [
        (["2024-12-06T10:00:00+00:00", "2024-12-06T09:00:00+00:00", "2024-12-05"], None),
        (["2024-12-06", "2024-12-06T00:00:00+00:00"], None),  # equal moments
        (["2024-12-05", "2024-12-06"], 10),
        (["2024-12-06", "2024-12-05", "2024-12-06T01:00:00+00:00"], 12),
    ],
)
def test_updates_newest_first(
    make_briefing: Callable[..., Path], stamps: list[str], line: int | None
) -> None:
    updates = "updates:\n" + "".join(f"  - at: {at}\n    note: n\n" for at in stamps)
    _, report = load_dir(make_briefing({DEV: MINIMAL[DEV] + updates}))
    expected = ""
    if line is not None:
        expected = (
            f"{DEV}:{line}:9: warning: updates should be listed newest first: this one is "
            "newer than the one before it\n"
        )
    assert render(report) == expected


def test_broken_entry_still_has_its_references_checked(make_briefing: Callable[..., Path]) -> None:
    dev = MINIMAL[DEV].replace("date: 2024-12-06", "date: 2024-12-66").replace("[hts]", "[htz]")
    _, report = load_dir(make_briefing({DEV: dev}))
    assert render(report) == (
        f"{DEV}:2:7: error: date: '2024-12-66' is not a real date: day is out of range for month\n"
        f"{DEV}:4:10: error: unknown actor 'htz' (did you mean 'hts'?)\n"
    )


def test_references_to_a_broken_entry_do_not_cascade(make_briefing: Callable[..., Path]) -> None:
    actors = MINIMAL["actors.yaml"].replace("kind: armed-group", "kind: militia")
    _, report = load_dir(make_briefing({"actors.yaml": actors}))
    assert [d.path for d in report.items] == ["actors.yaml"]


def test_related_developments(make_briefing: Callable[..., Path]) -> None:
    other = "title: Hama\ndate: 2024-12-05\nsummary: S\nsources: [sohr]\n"
    dev = MINIMAL[DEV] + "related: [2024-12-05-hama, 2024-12-06-rebels-near-homs, 2024-12-04]\n"
    _, report = load_dir(make_briefing({DEV: dev, "developments/2024-12-05-hama.yaml": other}))
    assert render(report) == (
        f"{DEV}:7:28: error: a development cannot be related to itself\n"
        f"{DEV}:7:57: error: unknown development '2024-12-04' (did you mean '2024-12-05-hama'?)\n"
    )
