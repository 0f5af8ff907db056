"""One vocabulary: the schema accepts exactly its values, and the pages and the
exports show each value with its meaning."""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest
from pydantic import BaseModel
from site_helpers import EXAMPLE, PROJECT, TEMPLATES, decoded

from generator import Report, load
from generator import schema as schema_module
from generator.render import render_site
from generator.vocabulary import VOCABULARY, Scale

SCALES: list[Scale[Any]] = [getattr(VOCABULARY, name) for name in VOCABULARY.__dataclass_fields__]


def literal_fields() -> list[tuple[str, tuple[Any, ...]]]:
    """(Model.field, its allowed values) for every closed list in the schema."""
    found = []

    def walk(annotation: Any) -> list[tuple[Any, ...]]:
        if typing.get_origin(annotation) is typing.Literal:
            return [typing.get_args(annotation)]
        return [v for arg in typing.get_args(annotation) for v in walk(arg)]

    for name in schema_module.__all__:
        model = getattr(schema_module, name)
        if isinstance(model, type) and issubclass(model, BaseModel):
            for field_name, field in model.model_fields.items():
                for values in walk(field.annotation):
                    found.append((f"{name}.{field_name}", values))
    return found


@pytest.mark.parametrize(("field", "values"), literal_fields())
def test_every_closed_list_of_the_schema_is_a_scale(field: str, values: tuple[Any, ...]) -> None:
    assert values in [scale.values for scale in SCALES], f"{field}: {values} is no scale"


def test_credibility_accepts_exactly_the_scale() -> None:
    def valid(score: int) -> bool:
        try:
            schema_module.KeyPoint.model_validate(
                {"text": "x", "sources": ["a"], "credibility": str(score)}
            )
        except ValueError:
            return False
        return True

    assert [s for s in range(-1, 10) if valid(s)] == list(VOCABULARY.credibility)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    report = Report()
    briefing = load(EXAMPLE, report, base=PROJECT)
    assert briefing is not None
    return render_site(briefing, TEMPLATES, report)


@pytest.mark.parametrize(
    "scale", ["status", "reliability", "credibility", "confidence", "likelihood"]
)
def test_how_to_read_shows_every_value_with_its_meaning(pages: dict[str, str], scale: str) -> None:
    about = decoded(pages["about.md"])
    for value, meaning in getattr(VOCABULARY, scale).items():
        assert f"| {value} | {meaning} |" in about


def test_the_source_list_gives_each_grade_its_meaning(pages: dict[str, str]) -> None:
    sources = decoded(pages["sources/index.md"])
    for letter, meaning in VOCABULARY.reliability.items():
        if f">{letter}</span>" in sources:
            assert f">{letter}</span> {meaning}" in sources


def test_the_json_export_carries_the_vocabulary(pages: dict[str, str]) -> None:
    data = json.loads(pages["data/developments.json"])
    assert data["vocabulary"] == VOCABULARY.as_data()
    assert data["vocabulary"]["reliability"]["F"] == "reliability cannot be judged"
