"""The timeline's filter index (generator/filterindex.py) and the filter form's place.

The index is what the filters in the reader's browser know: every development once,
newest first as the timeline, with small codes for its status, actors, places and
tags and a day number for its date. These tests decode it and compare it with the
briefing; tests/test_filters_browser.py runs the script on it.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLE, PROJECT
from generator import Briefing, Report, load
from generator import pages as pages_module
from generator.filterindex import FILTER_INDEX_GLOBAL, filter_index, filter_index_data
from generator.model import day_of
from generator.render import SCRIPTS, render_site
from generator.tags import dev_tags, tags_of
from generator.urls import page_path
from generator.vocabulary import VOCABULARY

TEMPLATES = PROJECT / "templates"
EPOCH = date(1970, 1, 1)


def decode(text: str) -> dict[str, Any]:
    """The data of an index file: ``window.<global>=<JSON>;``."""
    prefix = f"window.{FILTER_INDEX_GLOBAL}="
    assert text.startswith(prefix) and text.endswith(";\n")
    data: dict[str, Any] = json.loads(text[len(prefix) : -2])
    return data


def loaded(root: Path) -> Briefing:
    report = Report()
    briefing = load(root, report, base=root)
    assert briefing is not None, [str(item) for item in report.sorted()]
    return briefing


@pytest.fixture(scope="module")
def example() -> Briefing:
    return loaded(EXAMPLE)


@pytest.fixture(scope="module")
def index(example: Briefing) -> dict[str, Any]:
    return decode(filter_index(example))


def ids_of(entries: list[list[str]], codes: list[int]) -> list[str]:
    return [entries[code][0] for code in codes]


def within_chain(briefing: Briefing, place: str) -> set[str]:
    found = set()
    current: str | None = place
    while current is not None and current not in found:
        found.add(current)
        current = briefing.places[current].within
    return found


# --- what it holds ---------------------------------------------------------------------------


def test_every_development_once_newest_first_as_on_the_timeline(
    example: Briefing, index: dict[str, Any]
) -> None:
    assert index["version"] == 1
    assert index["id"] == [ident for ident, _ in example.developments_newest_first()]
    columns = ("id", "title", "status", "day", "precision", "actor", "place", "tag")
    assert {len(index[column]) for column in columns} == {len(example.developments)}
    days = index["day"]
    assert days == sorted(days, reverse=True)


def test_codes_round_trip_to_the_briefing(example: Briefing, index: dict[str, Any]) -> None:
    assert index["statuses"] == list(VOCABULARY.status.values)
    for n, ident in enumerate(index["id"]):
        dev = example.developments[ident]
        assert index["title"][n] == dev.title
        assert index["statuses"][index["status"][n]] == dev.status
        assert EPOCH + timedelta(days=index["day"][n]) == day_of(dev.date)
        assert ["day", "week", "month"][index["precision"][n]] == dev.date_precision
        assert ids_of(index["actors"], index["actor"][n]) == list(dict.fromkeys(dev.actors))
        tags = ids_of(index["tags"], index["tag"][n])
        assert tags == [tid for tid, _ in dev_tags(dev)]
        places = set(ids_of(index["places"], index["place"][n]))
        assert places == set().union(*(within_chain(example, p) for p in dev.places))


def test_registries_by_name_with_the_names_shown(example: Briefing, index: dict[str, Any]) -> None:
    for key, registry in (("actors", example.actors), ("places", example.places)):
        entries = index[key]
        assert {ident for ident, _ in entries} == set(registry)
        assert [name for _, name in entries] == [registry[ident].name for ident, _ in entries]
        assert [n.casefold() for _, n in entries] == sorted(n.casefold() for _, n in entries)
    tags = tags_of(example.developments_newest_first())
    assert index["tags"] == [[tid, tag.name] for tid, tag in tags.items()]  # as the tag pages


def test_counts_from_the_index_are_the_briefings(example: Briefing, index: dict[str, Any]) -> None:
    """What the filters count: developments per status, actor, place and tag."""
    statuses = Counter(index["statuses"][code] for code in index["status"])
    assert statuses == Counter(dev.status for dev in example.developments.values())
    actors = Counter(index["actors"][c][0] for codes in index["actor"] for c in codes)
    expected = Counter(a for dev in example.developments.values() for a in set(dev.actors))
    assert actors == expected
    tags = Counter(index["tags"][c][0] for codes in index["tag"] for c in codes)
    pages = tags_of(example.developments_newest_first())
    assert tags == {tid: tag.count for tid, tag in pages.items()}  # the tag pages' counts


def test_a_place_finds_the_developments_in_the_places_within_it(
    example: Briefing, index: dict[str, Any]
) -> None:
    code = {ident: n for n, (ident, _) in enumerate(index["places"])}
    homs = [index["id"][n] for n, codes in enumerate(index["place"]) if code["homs"] in codes]
    inside = code["homs-governorate"]
    governorate = [index["id"][n] for n, codes in enumerate(index["place"]) if inside in codes]
    assert homs and set(homs) < set(governorate)  # Rastan and Talbisseh lie in the governorate
    syria = [index["id"][n] for n, codes in enumerate(index["place"]) if code["syria"] in codes]
    named = [ident for ident, dev in example.developments.items() if dev.places]
    assert sorted(syria) == sorted(named)  # every place of the example lies in Syria


def test_a_day_is_the_calendar_day_as_written_and_precision_is_kept(
    make_briefing: Callable[..., Path],
) -> None:
    root = make_briefing({
        "developments/2024-12-05-late.yaml": (
            "title: Late\ndate: 2024-12-05T23:30:00-05:00\nsummary: x\nsources: [sohr]\n"
        ),
        "developments/2024-11-25-week.yaml": (
            "title: Week\ndate: 2024-11-27\ndate_precision: week\nsummary: x\nsources: [dw]\n"
        ),
        "developments/2024-11-01-month.yaml": (
            "title: Month\ndate: 2024-11-01\ndate_precision: month\nsummary: x\nsources: [dw]\n"
        ),
    })  # fmt: skip
    data = filter_index_data(loaded(root))
    days = {i: EPOCH + timedelta(days=d) for i, d in zip(data["id"], data["day"], strict=True)}
    assert days["2024-12-05-late"] == date(2024, 12, 5)  # not 6 December in UTC
    precision = dict(zip(data["id"], data["precision"], strict=True))
    assert precision == {
        "2024-12-06-rebels-near-homs": 0, "2024-12-05-late": 0, "2024-11-25-week": 1,
        "2024-11-01-month": 2,
    }  # fmt: skip


# --- untrusted text --------------------------------------------------------------------------

HOSTILE = (
    "</script><script>window.PWNED=1</script> <img src=x onerror=alert(1)> "
    '"quoted" \\ back\\slash {{ 7*7 }} \u2028line\u2029para ‮reversed حمص'
)


def test_hostile_titles_are_plain_data(make_briefing: Callable[..., Path]) -> None:
    title = json.dumps(HOSTILE)  # a YAML double-quoted scalar
    root = make_briefing({
        "developments/2024-12-06-rebels-near-homs.yaml": (
            f"title: {title}\ndate: 2024-12-06\nsummary: x\nsources: [sohr]\n"
            f"tags: [{title}]\nactors: [hts]\n"
        ),
        "actors.yaml": f"- id: hts\n  name: {title}\n  kind: armed-group\n",
    })  # fmt: skip
    text = filter_index(loaded(root))
    assert "\u2028" not in text and "\u2029" not in text  # line breaks to pre-2019 JavaScript
    data = decode(text)
    assert data["title"] == [HOSTILE]
    assert data["actors"] == [["hts", HOSTILE]]
    assert [name for _, name in data["tags"]] == [HOSTILE]
    assert text.count("\n") == 1  # one statement; no text from the briefing ends it


# --- size ------------------------------------------------------------------------------------


def _synth() -> Any:
    spec = importlib.util.spec_from_file_location("synth", PROJECT / "benchmarks" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_index_stays_compact(tmp_path: Path) -> None:
    """At 10,000 developments the reader fetches it whole before the first result: ids
    and titles once, codes for the rest (measured: about 22 bytes a development, gzip)."""
    n = 300
    briefing = loaded(_synth().write_briefing(tmp_path / "briefings", n))
    raw = filter_index(briefing).encode("utf-8")
    zipped = len(gzip.compress(raw, 6))
    # With its 300-entry registries, extrapolated to 10,000 developments: under 0.5 MB.
    assert zipped / n * 10_000 < 500_000, zipped
    assert len(raw) / n < 250, len(raw)


# --- the page --------------------------------------------------------------------------------


def test_the_form_is_hidden_and_only_on_the_first_page(
    example: Briefing, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages_module, "TIMELINE_PAGE", 4)
    report = Report()
    site = render_site(example, TEMPLATES, report, base=PROJECT)
    assert not report.errors, [str(item) for item in report.sorted()]
    first, second = site[page_path("situation")], site[page_path("situation", n=2)]
    assert '<form class="bf-filters" hidden' in first
    assert 'data-index="../assets/briefing/filter-index.js"' in first
    assert "bf-filters" not in second
    assert page_path("filter_index") in site
    assert all(script in site for script in SCRIPTS)
    # The static list is as it was: every development of the page, linked.
    for ident in [i for i, _ in example.developments_newest_first()][:4]:
        assert f"]({ident}.md)" in first
