"""What changed (issue 11): the change list, /changes/ and its pages, the overview's
latest day and key figures over time, and the feed's change entries.

The golden ``tests/test_changes/changes.md`` is the /changes/ page of a briefing
written in two git commits; after ``--force-regen`` read the diff.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from site_helpers import EXAMPLE, PROJECT, TEMPLATES

from conftest import write_briefing
from generator import Briefing, Report, load
from generator.changes import (
    Change,
    FigureView,
    by_day,
    changes,
    figure_views,
    latest_day,
    leading_number,
)
from generator.feed import ATOM, atom_feed, feed_id
from generator.pages import LATEST_CHANGES
from generator.render import render_site
from generator.schema import BriefingMeta, Development, KeyFigure


def write_synthetic(out: Path, n: int) -> Path:
    """benchmarks/synth.py's briefing of ``n`` developments, each with an update."""
    spec = importlib.util.spec_from_file_location("synth", PROJECT / "benchmarks" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root: Path = module.write_briefing(out, n)
    return root


SITE_URL = "https://example.org/briefing/"
DEV = "2024-12-05-rebels-take-rastan"


def _meta(**fields: Any) -> BriefingMeta:
    return BriefingMeta.model_validate(
        {"title": "T", "as_of": "2024-12-08T12:00:00Z", "summary": "s", **fields}
    )


def _dev(**fields: Any) -> Development:
    required = {"title": "A development", "date": "2024-12-01", "summary": "s", "sources": ["x"]}
    return Development.model_validate({**required, **fields})


def _briefing(developments: dict[str, Development], **meta: Any) -> Briefing:
    return Briefing(_meta(**meta), developments=developments)


def _render(root: Path, site_url: str = "") -> tuple[Briefing, dict[str, str]]:
    report = Report()
    briefing = load(root, report, base=root)
    assert briefing is not None, [str(d) for d in report.sorted()]
    pages = render_site(briefing, TEMPLATES, report, site_url=site_url)
    assert not report.errors, [str(d) for d in report.sorted()]
    return briefing, pages


# --- the change list -------------------------------------------------------------------------

MIXED = {
    "a": _dev(title="Without updates", date="2024-12-06"),
    "b": _dev(
        title="With updates",
        date="2024-12-04",
        status="confirmed",
        updates=[
            {"at": "2024-12-07T09:00:00+02:00", "note": "Confirmed by a second source.",
             "status": "confirmed"},
            # 04:30 on 7 December in UTC, but written on 6 December: it belongs to the 6th.
            {"at": "2024-12-06T23:30:00-05:00", "note": "Casualty figures added."},
            {"at": "2024-12-05T10:00:00Z", "note": "Entry created.", "status": "reported"},
        ],
    ),
}  # fmt: skip
FIGURE = {
    "id": "distance", "label": "Distance to Homs", "value": "about 5 km", "sources": ["x"],
    "as_of": "2024-12-07",
    "history": [
        {"at": "2024-12-06", "value": "about 10 km", "note": "After Rastan."},
        {"at": "2024-12-05", "value": "about 20 km"},
    ],
}  # fmt: skip


def _summary(found: list[Change]) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(c.day.isoformat(), c.kind, c.subject, c.before, c.after) for c in found]


def test_kinds_order_and_days_with_mixed_offsets() -> None:
    found = changes(_briefing(MIXED, key_figures=[FIGURE]))
    assert _summary(found) == [
        ("2024-12-07", "update", "b", None, None),
        ("2024-12-07", "status", "b", "reported", "confirmed"),
        ("2024-12-07", "figure", "distance", "about 10 km", "about 5 km"),
        ("2024-12-06", "update", "b", None, None),  # later in UTC than the figure above
        ("2024-12-06", "new", "a", None, "reported"),
        ("2024-12-06", "figure", "distance", "about 20 km", "about 10 km"),
        ("2024-12-05", "new", "b", None, "reported"),
    ]
    days = by_day(found)
    assert [day.isoformat() for day, _ in days] == ["2024-12-07", "2024-12-06", "2024-12-05"]
    assert sum(len(items) for _, items in days) == len(found)


def test_a_new_development_is_its_oldest_update_or_its_date() -> None:
    found = {(c.subject, c.kind): c for c in changes(_briefing(MIXED))}
    created = found[("b", "new")]
    assert created.moment.isoformat() == "2024-12-05T10:00:00+00:00"
    assert created.note == "Entry created."  # not listed again as an update
    assert [c.kind for c in changes(_briefing(MIXED)) if c.subject == "b"].count("update") == 2
    assert found[("a", "new")].moment == date(2024, 12, 6)


def test_status_changes_come_from_the_sequence_of_statuses() -> None:
    dev = _dev(status="denied", updates=[
        {"at": "2024-12-05", "note": "Denied by the ministry.", "status": "denied"},
        {"at": "2024-12-04", "note": "Still claimed.", "status": "claimed"},
        {"at": "2024-12-03", "note": "Claimed again.", "status": "claimed"},
        {"at": "2024-12-02", "note": "Claimed by the group.", "status": "claimed"},
        {"at": "2024-12-01", "note": "Entry created."},
    ])  # fmt: skip
    statuses = [c for c in changes(_briefing({"d": dev})) if c.kind == "status"]
    # The status before the first one set is not known; repeating a status is no change.
    assert [(c.before, c.after, c.day.day) for c in statuses] == [
        ("claimed", "denied", 5), (None, "claimed", 2),
    ]  # fmt: skip


def test_figure_revisions_use_the_figure_or_the_briefing_as_of() -> None:
    undated = {**FIGURE, "id": None, "as_of": None}
    same = {**FIGURE, "id": "same", "history": [{"at": "2024-12-06", "value": "about 5 km"}]}
    found = changes(_briefing({}, key_figures=[FIGURE, undated, same]))
    figures = [(c.subject, c.anchor, str(c.moment), c.before, c.after) for c in found]
    assert figures == [
        ("figure-2", "figure-2", "2024-12-08 12:00:00+00:00", "about 10 km", "about 5 km"),
        ("distance", "figure-distance", "2024-12-07", "about 10 km", "about 5 km"),
        ("figure-2", "figure-2", "2024-12-06", "about 20 km", "about 10 km"),
        ("distance", "figure-distance", "2024-12-06", "about 20 km", "about 10 km"),
    ]  # a history value equal to the next ("same") is a confirmation, not a change


def test_latest_day_is_the_newest_day_capped() -> None:
    found = changes(_briefing(MIXED, key_figures=[FIGURE]))
    latest = latest_day(found, 2)
    assert latest is not None
    assert (latest.day, [c.kind for c in latest.changes], latest.more) == (
        date(2024, 12, 7), ["update", "status"], 1,
    )  # fmt: skip
    assert latest_day([], 5) is None


# --- key figures over time -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [("about 5 km", 5), ("1,200 people", 1200), ("2.5 million", 2_500_000), ("2011", 2011),
     ("Aleppo, Hama", None), ("-3 °C", -3), ("week 49: 7 dead", 49)],
)  # fmt: skip
def test_leading_number(text: str, number: float | None) -> None:
    assert leading_number(text) == number


@pytest.mark.parametrize(
    ("now", "then", "direction"),
    [("about 5 km", "about 20 km", "down"), ("1,200", "900", "up"), ("5 km", "5 km", "same"),
     ("Aleppo, Hama", "Aleppo", "changed"), ("Aleppo", "Aleppo", "same")],
)  # fmt: skip
def test_figure_direction(now: str, then: str, direction: str) -> None:
    figure = KeyFigure.model_validate(
        {"label": "F", "value": now, "sources": ["x"],
         "history": [{"at": "2024-12-01", "value": "0"}, {"at": "2024-12-05", "value": then}]}
    )  # fmt: skip
    view = FigureView.build(figure, 1, date(2024, 12, 6))
    assert view.direction == direction
    assert view.previous is not None and view.previous.value == then  # the newest earlier value
    assert (view.as_of, view.assumed, view.anchor) == (date(2024, 12, 6), True, "figure-1")


def test_a_figure_without_history_has_no_direction() -> None:
    (view,) = figure_views(_briefing({}, key_figures=[{**FIGURE, "history": []}]))
    assert (view.previous, view.direction, view.assumed) == (None, None, False)
    assert view.as_of == date(2024, 12, 7)


# --- a briefing with two commits of history --------------------------------------------------

FIRST = {
    "briefing.yaml": """\
title: Test briefing
as_of: 2024-12-06T12:00:00+00:00
summary: Rebels are about 10 km from **Homs**.
key_figures:
  - id: distance
    label: Distance to Homs
    value: about 10 km
    as_of: 2024-12-06
    sources: [sohr]
    history:
      - at: 2024-12-04
        value: about 20 km
        sources: [sohr]
  - label: Towns taken
    value: Rastan
    sources: [dw]
""",
    f"developments/{DEV}.yaml": """\
title: Rebels take Rastan
date: 2024-12-05
status: reported
places: [homs]
summary: Rebels are reported to have taken Rastan.
sources: [sohr]
updates:
  - at: 2024-12-05T18:00:00+02:00
    note: Entry created from a <b>report</b> | with a pipe.
    status: reported
""",
}
SECOND = {
    "briefing.yaml": """\
title: Test briefing
as_of: 2024-12-07T12:00:00+00:00
summary: Rebels are about 5 km from **Homs**.
key_figures:
  - id: distance
    label: Distance to Homs
    value: about 5 km
    as_of: 2024-12-07T09:00:00+02:00
    note: According to SOHR.
    sources: [sohr]
    history:
      - at: 2024-12-06
        value: about 10 km
        sources: [sohr]
      - at: 2024-12-04
        value: about 20 km
        sources: [sohr]
  - label: Towns taken
    value: Rastan, Talbisseh
    sources: [dw]
    history:
      - at: 2024-12-05
        value: Rastan
""",
    f"developments/{DEV}.yaml": """\
title: Rebels take Rastan
date: 2024-12-05
status: confirmed
places: [homs]
summary: Rebels have taken Rastan.
sources: [sohr, dw]
updates:
  - at: 2024-12-07T10:00:00+02:00
    note: Confirmed by Deutsche Welle.
    status: confirmed
  - at: 2024-12-05T18:00:00+02:00
    note: Entry created from a <b>report</b> | with a pipe.
    status: reported
""",
}


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=root, env=env, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Briefing, dict[str, str]]:
    """The working tree of a briefing after two commits: created, then revised."""
    root = tmp_path_factory.mktemp("history")
    _git(root, "init", "-q")
    write_briefing(root / "briefings", FIRST)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "First version")
    write_briefing(root / "briefings", SECOND)
    _git(root, "commit", "-q", "-a", "-m", "Confirmed; the distance revised")
    return _render(root / "briefings", SITE_URL)


def test_golden_changes_page(
    history: tuple[Briefing, dict[str, str]], file_regression: Any
) -> None:
    file_regression.check(
        history[1]["changes/index.md"], extension=".md", basename="changes", encoding="utf-8",
        newline="\n",
    )  # fmt: skip


def test_the_overview_shows_the_latest_day_and_figures_over_time(
    history: tuple[Briefing, dict[str, str]],
) -> None:
    pages = history[1]
    page = pages["index.md"]
    section = page.split("## What changed on 7 December 2024\n", 1)[1].split("\n## ", 1)[0]
    assert f"](situation/{DEV}.md)**: Confirmed by Deutsche Welle&#46;" in section
    assert 'bf-status-reported" title="status">reported</span> → <span' in section
    assert "Key figure **[Distance to Homs](changes/index.md#figure-distance)** revised" in section
    assert "Rastan" in section and "[All changes](changes/index.md)" in section
    assert "What changed on 5 December" not in page  # only the latest day
    # Key figures: the own as-of date, the previous value and the direction.
    row = next(line for line in page.splitlines() if line.startswith("| Distance to Homs |"))
    assert 'as of <time datetime="2024-12-07T09:00:00+02:00">' in row
    assert "the briefing's date" not in row
    assert "↓ down from about 10 km (6 December 2024)" in row
    assert "[history](changes/index.md#figure-distance)" in row
    towns = next(line for line in page.splitlines() if line.startswith("| Towns taken |"))
    assert "changed from Rastan (5 December 2024)" in towns and "(the briefing's date)" in towns
    assert "[history](changes/index.md#figure-2)" in towns
    anchors = re.findall(r"\{ #(figure-[a-z0-9-]+) \}", pages["changes/index.md"])
    assert anchors == ["figure-distance", "figure-2"]


def _entries(feed: str) -> list[ET.Element]:
    return ET.fromstring(feed).findall(f"{{{ATOM}}}entry")


def _field(entry: ET.Element, tag: str) -> str:
    return entry.findtext(f"{{{ATOM}}}{tag}", "")


def test_the_feed_has_the_changes(history: tuple[Briefing, dict[str, str]]) -> None:
    briefing, pages = history
    feed = pages["feed.xml"]
    base = feed_id(SITE_URL, "", briefing.meta.title)
    ids = [_field(e, "id") for e in _entries(feed)]
    assert len(set(ids)) == len(ids)
    # The developments' entries, as before, then the changes.
    assert ids[:2] == [f"{base}:situation:2024-12-06-rebels-near-homs", f"{base}:situation:{DEV}"]
    changed = {_field(e, "id"): e for e in _entries(feed)[2:]}
    assert list(changed) == [
        f"{base}:change:figure-2:2024-12-07T12:00:00Z:figure",
        f"{base}:change:{DEV}:2024-12-07T08:00:00Z:update",
        f"{base}:change:{DEV}:2024-12-07T08:00:00Z:status",
        f"{base}:change:distance:2024-12-07T07:00:00Z:figure",
        f"{base}:change:distance:2024-12-06T00:00:00Z:figure",
    ]
    status = changed[f"{base}:change:{DEV}:2024-12-07T08:00:00Z:status"]
    assert _field(status, "title") == "Status of Rebels take Rastan: reported → confirmed"
    assert _field(status, "updated") == "2024-12-07T08:00:00Z"
    link = status.find(f"{{{ATOM}}}link")
    assert link is not None and link.get("href") == f"{SITE_URL}situation/{DEV}/"
    figure = changed[f"{base}:change:distance:2024-12-07T07:00:00Z:figure"]
    link = figure.find(f"{{{ATOM}}}link")
    assert link is not None and link.get("href") == f"{SITE_URL}changes/#figure-distance"
    title = "Key figure revised: Distance to Homs: about 10 km → about 5 km"
    assert _field(figure, "title") == title


def test_the_feed_ids_do_not_depend_on_the_title(history: tuple[Briefing, dict[str, str]]) -> None:
    briefing = history[0]
    meta = briefing.meta.model_copy(update={"title": "Another title"})
    renamed = Briefing(meta, briefing.sources, briefing.actors, briefing.places,
                       briefing.developments, briefing.topics)  # fmt: skip
    before = [_field(e, "id") for e in _entries(atom_feed(briefing, SITE_URL))]
    assert before == [_field(e, "id") for e in _entries(atom_feed(renamed, SITE_URL))]


def test_same_moment_changes_get_distinct_ids() -> None:
    dev = _dev(updates=[
        {"at": "2024-12-02", "note": "Second note."}, {"at": "2024-12-02", "note": "First note."},
        {"at": "2024-12-01", "note": "Entry created."},
    ])  # fmt: skip
    ids = [_field(e, "id") for e in _entries(atom_feed(_briefing({"d": dev}), SITE_URL))]
    assert ids[1:] == [f"{ids[1]}", f"{ids[1]}:2"] and len(set(ids)) == 3


# --- the example (v1) and a large briefing ---------------------------------------------------


def test_a_v1_briefing_renders_changes_and_keeps_its_feed() -> None:
    report = Report()
    briefing = load(EXAMPLE, report, base=PROJECT)
    assert briefing is not None
    pages = render_site(briefing, TEMPLATES, report)
    assert not report.errors, [str(d) for d in report.sorted()]
    page = pages["changes/index.md"]
    assert page.count(" · New: **[") == len(briefing.developments)
    assert "## 6 December 2024" in page and "Status of" not in page
    # Every update of the example is a creation: the feed has only its development entries.
    ids = [_field(e, "id") for e in _entries(pages["feed.xml"])]
    assert len(ids) == len(briefing.developments) and all(":situation:" in i for i in ids)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = write_synthetic(tmp_path_factory.mktemp("synth") / "briefings", 1000)
    return _render(root)[1]


def test_changes_are_paginated_with_flat_page_weight(synthetic: dict[str, str]) -> None:
    pages = sorted(p for p in synthetic if p.startswith("changes/"))
    assert pages[:3] == ["changes/index.md", "changes/page/10.md", "changes/page/2.md"]
    assert len(pages) == 10  # 1,000 new developments, 100 a page
    first, second = len(synthetic["changes/index.md"]), len(synthetic["changes/page/2.md"])
    assert first <= 1.5 * second
    assert "](../changes/page/2.md)" in synthetic["changes/index.md"]
    assert "Key figures over time" not in synthetic["changes/page/2.md"]
    latest = synthetic["index.md"].split("\n## What changed on ", 1)[1].split("\n## ", 1)[0]
    assert 1 <= latest.count("\n- ") <= LATEST_CHANGES
