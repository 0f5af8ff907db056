"""Property tests: whatever is in the files, only the project's own diagnostics come out.

Each example writes one file of a minimal valid briefing, loads the folder and
checks that ``load`` returned (None or a Briefing) with well-formed
diagnostics, quickly. No exception of any kind may escape.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, write_briefing
from generator import Briefing, Report, load
from generator.diagnostics import Severity
from generator.yamlread import YamlProblem, parse_yaml

DEV = "developments/2024-12-06-rebels-near-homs.yaml"
TARGETS = ["briefing.yaml", "sources.yaml", "places.yaml", DEV, "background/hts.yaml"]

FAST = settings(
    max_examples=120,
    deadline=500,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield write_briefing(tmp_path_factory.mktemp("props") / "briefings")


def load_with(root: Path, name: str, content: str | bytes) -> tuple[Briefing | None, Report]:
    """Load ``root`` with file ``name`` replaced by ``content``; the file is restored after."""
    path = root / name
    try:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        report = Report()
        briefing = load(root, report, base=root)
    finally:
        path.write_text(MINIMAL[name], encoding="utf-8")
    check_outcome(briefing, report)
    return briefing, report


def check_outcome(briefing: Briefing | None, report: Report) -> None:
    assert briefing is None or isinstance(briefing, Briefing)
    assert (briefing is None) == bool(report.errors)
    for item in report.items:
        assert isinstance(item.severity, Severity)
        assert item.mark.line >= 1 and item.mark.column >= 1
        assert item.message and isinstance(item.message, str)
        assert not item.path.startswith("/")
        line = str(item)
        assert "\n" not in line and "\r" not in line
        assert f":{item.mark.line}:{item.mark.column}: {item.severity.value}: " in line


# -- strategies ------------------------------------------------------------------

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
structures = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)

ids = st.sampled_from(["sohr", "dw", "hts", "homs", "syria", "Bad_Id", "", "2024-12-06"])
offsets = st.timedeltas(
    min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)
)
dates = (
    st.sampled_from(["2024-12-06", "2024-02-30", "2024-12-06T10:00", "x", "20241206"])
    | st.sampled_from(["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
    | st.dates().map(date.isoformat)
    | st.datetimes(timezones=st.builds(timezone, offsets)).map(datetime.isoformat)
    | st.datetimes().map(datetime.isoformat)
)
maybe_wrong = structures | ids | dates
id_lists = st.lists(ids | structures, max_size=3) | structures


def optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


key_points = st.lists(
    optional(text=st.text(max_size=20) | structures, sources=id_lists, credibility=maybe_wrong),
    max_size=3,
)
developments = optional(
    title=st.text(max_size=20) | structures,
    date=dates | structures,
    status=st.sampled_from(["reported", "Confirmed", "rumoured"]) | structures,
    places=id_lists,
    actors=id_lists,
    summary=st.sampled_from(["S", "[x](javascript:alert(1))", "<b>", ""]) | structures,
    key_points=key_points | structures,
    assessment=optional(text=maybe_wrong, confidence=maybe_wrong, likelihood=maybe_wrong)
    | structures,
    sources=st.lists(ids | optional(source=ids, url=maybe_wrong, published=dates), max_size=3)
    | structures,
    related=id_lists,
    updates=st.lists(optional(at=dates | structures, note=maybe_wrong), max_size=3) | structures,
    id=ids | structures,
    extra=structures,
)
registry_entries = st.lists(
    optional(
        id=ids | structures,
        name=maybe_wrong,
        kind=st.sampled_from(["monitor", "city", "state", "other", "Monitor"]) | structures,
        lat=st.floats() | structures,
        lon=st.floats() | structures,
        within=ids | structures,
        reliability=st.sampled_from(["A", "c", "G"]) | structures,
        aliases=id_lists,
    )
    | structures,
    max_size=5,
)
briefing_meta = optional(
    title=maybe_wrong,
    as_of=dates | structures,
    summary=maybe_wrong,
    key_figures=st.lists(
        optional(label=maybe_wrong, value=maybe_wrong, sources=id_lists), max_size=3
    )
    | structures,
)


moments = (
    st.dates().map(date.isoformat)
    | st.datetimes(timezones=st.builds(timezone, offsets)).map(datetime.isoformat)
    | st.sampled_from(["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
)


@st.composite
def nearly_valid_developments(draw: st.DrawFn) -> dict[str, Any]:
    """A valid development (so the cross-file checks run on it) with up to two fields spoilt."""
    data: dict[str, Any] = {
        "title": draw(st.text(min_size=1, max_size=20).filter(str.strip)),
        "date": draw(moments),
        "status": draw(st.sampled_from(["confirmed", "reported", "claimed"])),
        "places": draw(st.lists(st.sampled_from(["homs", "syria"]), max_size=2)),
        "summary": draw(st.sampled_from(["S", "[a](https://x.org)", "<script>", "# H\n\n|a|"])),
        "sources": draw(st.lists(st.sampled_from(["sohr", "dw"]), min_size=1, max_size=2)),
        "related": draw(st.lists(st.sampled_from(["2024-12-06-rebels-near-homs"]), max_size=1)),
        "updates": draw(st.lists(st.fixed_dictionaries({"at": moments, "note": ids}), max_size=3)),
    }
    for name in draw(st.lists(st.sampled_from(sorted(data)), max_size=2)):
        data[name] = draw(maybe_wrong)
    return data


def dump(data: Any, flow: bool) -> str:
    return yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False)


# -- properties ------------------------------------------------------------------


@FAST
@given(name=st.sampled_from(TARGETS), text=st.text(max_size=300))
def test_any_text(root: Path, name: str, text: str) -> None:
    load_with(root, name, text)


@FAST
@given(
    name=st.sampled_from(TARGETS),
    text=st.text(alphabet=string.printable + ":-[]{}#&*!|>'\"%@`,?é\t\ufeff", max_size=300),
)
def test_yaml_like_text(root: Path, name: str, text: str) -> None:
    load_with(root, name, text)


@FAST
@given(name=st.sampled_from(TARGETS), data=st.binary(max_size=200))
def test_any_bytes(root: Path, name: str, data: bytes) -> None:
    load_with(root, name, data)


@FAST
@given(name=st.sampled_from(TARGETS), data=structures, flow=st.booleans())
def test_any_yaml_structure(root: Path, name: str, data: Any, flow: bool) -> None:
    load_with(root, name, dump(data, flow))


@FAST
@given(data=developments, flow=st.booleans())
def test_contract_shaped_development(root: Path, data: dict[str, Any], flow: bool) -> None:
    load_with(root, DEV, dump(data, flow))


@FAST
@given(data=nearly_valid_developments(), as_of=moments)
def test_nearly_valid_development(root: Path, data: dict[str, Any], as_of: str) -> None:
    path = root / "briefing.yaml"
    try:
        path.write_text(
            MINIMAL["briefing.yaml"].replace("2024-12-06T12:00:00+00:00", as_of), encoding="utf-8"
        )
        load_with(root, DEV, dump(data, False))
    finally:
        path.write_text(MINIMAL["briefing.yaml"], encoding="utf-8")


@FAST
@given(name=st.sampled_from(["sources.yaml", "places.yaml", "actors.yaml"]), data=registry_entries)
def test_contract_shaped_registry(root: Path, name: str, data: Any) -> None:
    load_with(root, name, dump(data, False))


@FAST
@given(data=briefing_meta, flow=st.booleans())
def test_contract_shaped_briefing(root: Path, data: dict[str, Any], flow: bool) -> None:
    load_with(root, "briefing.yaml", dump(data, flow))


def as_text(data: Any) -> Any:
    """What the reader should make of ``data`` dumped by PyYAML: every scalar as text."""
    if isinstance(data, dict):
        return {key: as_text(value) for key, value in data.items()}
    if isinstance(data, list):
        return [as_text(value) for value in data]
    return None if data is None else str(data)


text_structures = st.recursive(
    st.none() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=500)
@given(data=text_structures, flow=st.booleans())
def test_reader_reads_what_pyyaml_writes(data: Any, flow: bool) -> None:
    text = dump(data, flow)
    parsed = parse_yaml(text)
    assert parsed.problems == []
    # PyYAML's own reading, scalars as text (not `data`: PyYAML writes some characters,
    # such as U+0085, raw inside quotes, where YAML reads them as line breaks).
    assert parsed.data == as_text(yaml.load(text, Loader=yaml.CSafeLoader))


@settings(max_examples=300, deadline=500)
@given(text=st.text(max_size=200))
def test_reader_raises_only_its_own_problem(text: str) -> None:
    try:
        parse_yaml(text)
    except YamlProblem as problem:
        assert problem.mark.line >= 1 and problem.mark.column >= 1
        assert "\n" not in problem.message
