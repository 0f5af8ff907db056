"""generator.schema, .messages and .validate: documents → typed entities, in plain words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from conftest import load_dir, render
from generator.diagnostics import Report
from generator.loader import load_briefing_dir
from generator.schema import (
    Development,
    Place,
    Source,
    SourceRef,
    Topic,
    Update,
    check_id,
    id_problem,
)
from generator.urls import ROUTES, page_path, reserved_ids
from generator.validate import validate

DEV = "developments/2024-12-06-rebels-near-homs.yaml"
HINT = "use lowercase letters, digits and single hyphens"
PLUS_2 = timedelta(hours=2)
MINUS_5_30 = -timedelta(hours=5, minutes=30)


@pytest.mark.parametrize("ident", ["hts", "m5-highway", "2024-12-06-rebels", "a", "a" * 80, "x1"])
def test_valid_ids(ident: str) -> None:
    assert id_problem(ident) is None
    assert check_id(ident) == ident


@pytest.mark.parametrize(
    ("ident", "problem"),
    [
        ("HTS", f"'HTS' is not a valid id: {HINT} (e.g. 'hts')"),
        ("al_nusra", f"'al_nusra' is not a valid id: {HINT} (e.g. 'al-nusra')"),
        ("m5 highway", f"'m5 highway' is not a valid id: {HINT} (e.g. 'm5-highway')"),
        ("bbc.co.uk", f"'bbc.co.uk' is not a valid id: {HINT} (e.g. 'bbc-co-uk')"),
        ("a--b", f"'a--b' is not a valid id: {HINT} (e.g. 'a-b')"),
        ("-a", f"'-a' is not a valid id: {HINT} (e.g. 'a')"),
        ("a-", f"'a-' is not a valid id: {HINT} (e.g. 'a')"),
        ("", f"'' is not a valid id: {HINT}"),
        ("حلب", f"'حلب' is not a valid id: {HINT}"),
        ("hts\n", f"'hts\n' is not a valid id: {HINT} (e.g. 'hts')"),
        ("ｈｔｓ", f"'ｈｔｓ' is not a valid id: {HINT} (e.g. 'hts')"),
        ("١٢٣", f"'١٢٣' is not a valid id: {HINT}"),
        ("a" * 81, f"'{'a' * 40}…' is 81 characters long; an id has at most 80"),
    ],
)
def test_invalid_ids(ident: str, problem: str) -> None:
    assert id_problem(ident) == problem


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-12-06", date(2024, 12, 6)),
        ("2024-02-29", date(2024, 2, 29)),
        ("2024-12-06T10:30:00+02:00", datetime(2024, 12, 6, 10, 30, tzinfo=timezone(PLUS_2))),
        ("2024-12-06T10:30Z", datetime(2024, 12, 6, 10, 30, tzinfo=UTC)),
        ("2024-12-06 10:30:00-05:30", datetime(2024, 12, 6, 10, 30, tzinfo=timezone(MINUS_5_30))),
        (" 2024-12-06 ", date(2024, 12, 6)),
    ],
)
def test_moments_accepted(written: str, expected: date) -> None:
    at = Update.model_validate({"at": written, "note": "n"}).at
    assert at == expected
    assert type(at) is type(expected)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2023-02-29", "'2023-02-29' is not a real date: day is out of range for month"),
        ("2024-00-10", "'2024-00-10' is not a real date: month must be in 1..12"),
        (
            "2024-12-06T10:30",
            "datetime '2024-12-06T10:30' has no UTC offset; add one, e.g. "
            "'2024-12-06T10:30+00:00' or '2024-12-06T10:30Z'",
        ),
        *[
            (
                text,
                f"'{text}' is not a date (YYYY-MM-DD) or a datetime with UTC offset "
                "(YYYY-MM-DDTHH:MM:SS+00:00)",
            )
            for text in [
                "20241206",
                "2024-W49-5",
                "20241206T103000Z",
                "2024-12-6",
                "06/12/2024",
                "2024-12-06T25:00Z",
                "yesterday",
                "٢٠٢٤-١٢-٠٦",
            ]
        ],
        *[
            (text, f"'{text}' is out of range: in UTC it is before year 1 or after 9999")
            for text in ["9999-12-31T23:00:00-02:00", "0001-01-01T00:30:00+01:00"]
        ],
    ],
)
def test_moments_refused(written: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Update.model_validate({"at": written, "note": "n"})
    [error] = caught.value.errors()
    assert error["msg"] == message


def test_defaults() -> None:
    source = Source.model_validate({"id": "sohr", "name": "SOHR", "kind": "monitor"})
    assert source.reliability == "F"
    dev = Development.model_validate(
        {"title": "t", "date": "2024-12-06", "summary": "s", "sources": ["sohr"]}
    )
    assert dev.status == "reported"
    assert dev.sources == [SourceRef(source="sohr")]


def test_source_entries_are_ids_or_mappings() -> None:
    dev = Development.model_validate(
        {
            "title": "t",
            "date": "2024-12-06",
            "summary": "s",
            "sources": [
                "sohr",
                {
                    "source": "dw",
                    "title": "DW",
                    "url": "https://dw.com/x",
                    "published": "2024-12-05",
                },
            ],
        }
    )
    assert [ref.source for ref in dev.sources] == ["sohr", "dw"]
    assert dev.sources[1].published == date(2024, 12, 5)
    assert dev.sources[1].url == "https://dw.com/x"


def test_models_are_frozen() -> None:
    topic = Topic.model_validate({"title": "t", "summary": "s"})
    with pytest.raises(ValidationError):
        topic.title = "changed"  # type: ignore[misc]


def test_place_coordinates_both_or_neither() -> None:
    assert Place.model_validate({"id": "a", "name": "A", "kind": "city"}).lat is None
    place = Place.model_validate(
        {"id": "a", "name": "A", "kind": "city", "lat": "-90", "lon": "180"}
    )
    assert (place.lat, place.lon) == (-90.0, 180.0)


def test_yaml_11_lookalikes_load_as_text(make_briefing: Callable[..., Path]) -> None:
    root = make_briefing(
        {
            DEV: (
                "title: no\ndate: 2024-12-06\nsummary: off\nsources: [sohr]\n"
                "tags: [yes, 1:30, 0755, 1.10, 0x1F, .nan, 2024-12-06, ~x]\n"
            ),
            "background/hts.yaml": (
                "title: 2024-12-06\norder: 017\nsummary: 1e3\nactors: [hts]\nsources: [dw]\n"
            ),
        }
    )
    briefing, report = load_dir(root)
    assert render(report) == ""
    assert briefing is not None
    dev = briefing.developments["2024-12-06-rebels-near-homs"]
    assert (dev.title, dev.summary) == ("no", "off")
    assert dev.tags == ["yes", "1:30", "0755", "1.10", "0x1F", ".nan", "2024-12-06", "~x"]
    topic = briefing.topics["hts"]
    assert (topic.title, topic.order, topic.summary) == ("2024-12-06", 17, "1e3")


@pytest.mark.parametrize("kind", ["development", "topic", "actor", "place", "source"])
def test_reserved_ids_are_exactly_those_whose_page_is_another_page(kind: str) -> None:
    fixed = {r.path for r in ROUTES.values() if "{" not in r.path}
    reserved = reserved_ids(kind)
    assert "index" in reserved
    assert {page_path(kind, ident) for ident in reserved} <= fixed
    assert page_path(kind, "feed") not in fixed  # an id is free unless its page clashes


@pytest.mark.parametrize(
    ("folder", "page"), [("developments", "situation"), ("background", "background")]
)
def test_reserved_id_is_refused_at_its_file(
    make_briefing: Callable[..., Path], folder: str, page: str
) -> None:
    root = make_briefing({f"{folder}/index.yaml": "title: T\nsummary: S\n"})
    briefing, report = load_dir(root)
    assert briefing is None
    assert render(report) == (
        f"{folder}/index.yaml:1:1: error: 'index' is reserved: /{page}/ would "
        "replace a generated page; rename the file\n"
    )  # fmt: skip


@pytest.mark.parametrize("ident", ["feed", "data", "assets", "search", "page"])
def test_ids_named_like_top_level_files_are_free(
    make_briefing: Callable[..., Path], ident: str
) -> None:
    """Their pages live under /situation/, where nothing else is called so."""
    root = make_briefing(
        {f"developments/{ident}.yaml": "title: T\ndate: 2024-12-06\nsummary: S\nsources: [sohr]\n"}
    )
    briefing, report = load_dir(root)
    assert briefing is not None, render(report)


def test_registry_keeps_origins_of_invalid_entries(make_briefing: Callable[..., Path]) -> None:
    root = make_briefing(
        {"actors.yaml": "- id: hts\n  kind: armed-group\n- id: saa\n  name: SAA\n  kind: army\n"}
    )
    report = Report()
    located = validate(load_briefing_dir(root, report, base=root), report)
    assert sorted(located.actors.origins) == ["hts", "saa"]
    assert located.actors.items == {}
    assert located.actors.origins["saa"].mark("kind").line == 5
    assert located.complete
    assert len(report.errors) == 2


def test_messages_name_the_nested_model_fields(make_briefing: Callable[..., Path]) -> None:
    root = make_briefing(
        {
            DEV: (
                "title: t\ndate: 2024-12-06\nsummary: s\nsources: [sohr]\n"
                "updates:\n  - at: 2024-12-06\n    notes: typo\n"
            )
        }
    )
    _, report = load_dir(root)
    assert render(report) == (
        f"{DEV}:6:5: error: missing required field 'note'\n"
        f"{DEV}:7:5: error: unknown field 'notes' (did you mean 'note'?)\n"
    )


def test_every_error_is_reported_once_in_one_run(make_briefing: Callable[..., Path]) -> None:
    root = make_briefing(
        {
            DEV: "title: [t]\ndate: x\nstatus: Rumoured\nsummary: ''\nsources: []\nextra: 1\n",
            "background/hts.yaml": "title: ''\norder: x\nsummary: [s]\n",
        }
    )
    _, report = load_dir(root)
    lines = [str(error) for error in report.errors]
    assert len(lines) == len(set(lines)) == 9
    assert [line.split(":")[0] for line in lines] == ["background/hts.yaml"] * 3 + [DEV] * 6
    # dw was cited only by the topic, which no longer cites it.
    assert [str(w) for w in report.warnings] == [
        "sources.yaml:5:7: warning: source 'dw' is never cited"
    ]
