"""generator.jsonschema: JSON Schemas for editors, checked for shape and against the example.

``jsonschema`` is not a dependency; a small checker for the keywords these
schemas use stands in, and the real library is used too when it is installed.
"""

from __future__ import annotations

import json
import re
import typing
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLE
from generator.jsonschema import SCHEMAS, schema_documents, write_schemas
from generator.schema import ID_PATTERN, Development, Source
from generator.vocabulary import VOCABULARY

TYPES = {"object", "array", "string", "integer", "number", "boolean", "null"}
KEYWORDS = {
    "$schema", "$defs", "$ref", "title", "description", "default", "type", "properties",
    "required", "additionalProperties", "items", "anyOf", "enum", "pattern", "format",
    "minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum",
}  # fmt: skip


def _walk(node: Any) -> typing.Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for sub in value.values():
                    yield from _walk(sub)
            elif key not in ("default", "enum"):
                yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_is_json_schema_shaped(name: str) -> None:
    schema = schema_documents()[name]
    model, is_list, title = SCHEMAS[name]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == title
    assert schema["type"] == ("array" if is_list else "object")
    defs = schema.get("$defs", {})
    for node in _walk(schema):
        assert set(node) <= KEYWORDS, set(node) - KEYWORDS
        if "$ref" in node:
            assert node["$ref"].startswith("#/$defs/")
            assert node["$ref"].removeprefix("#/$defs/") in defs
        if "type" in node:
            assert node["type"] in TYPES
        if "required" in node:
            assert set(node["required"]) <= set(node["properties"])
        if node.get("type") == "object":
            assert node["additionalProperties"] is False  # unknown fields are errors
        if "pattern" in node:
            re.compile(node["pattern"])
    top = schema["items"]["$ref"].removeprefix("#/$defs/") if is_list else None
    entry = defs[top] if top else schema
    assert set(entry["properties"]) == set(model.model_fields)
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    assert set(entry.get("required", [])) == required


def test_enums_and_ids_match_the_models() -> None:
    documents = schema_documents()
    source = documents["sources.schema.json"]["$defs"]["Source"]["properties"]
    assert source["kind"]["enum"] == list(typing.get_args(Source.model_fields["kind"].annotation))
    assert source["id"]["pattern"] == ID_PATTERN
    dev = documents["development.schema.json"]["properties"]
    assert dev["status"]["enum"] == list(
        typing.get_args(Development.model_fields["status"].annotation)
    )
    assert dev["sources"]["minItems"] == 1
    assert dev["sources"]["items"]["anyOf"][0]["pattern"] == ID_PATTERN
    assert dev["sources"]["items"]["anyOf"][1] == {"$ref": "#/$defs/SourceRef"}


def test_new_fields_of_format_v2() -> None:
    """discredited, retracted, competing_claims and indicators.yaml reach the editor."""
    documents = schema_documents()
    withdrawal = {"anyOf": [{"$ref": "#/$defs/Withdrawal"}, {"type": "null"}], "default": None}
    sources = documents["sources.schema.json"]["$defs"]
    assert sources["Source"]["properties"]["discredited"] == withdrawal
    assert sources["Withdrawal"]["required"] == ["at", "note"]
    dev = documents["development.schema.json"]
    assert dev["$defs"]["SourceRef"]["properties"]["retracted"] == withdrawal
    claims = dev["properties"]["competing_claims"]
    assert claims["items"] == {"$ref": "#/$defs/CompetingClaim"}
    claim = dev["$defs"]["CompetingClaim"]["properties"]
    assert claim["verdict"]["enum"] == list(VOCABULARY.verdict)
    assert claim["verdict"]["default"] == "unverified"
    assert claim["by"]["minItems"] == 1
    indicators = documents["indicators.schema.json"]
    assert indicators["title"] == "indicators.yaml"
    assert indicators["items"] == {"$ref": "#/$defs/Indicator"}
    indicator = indicators["$defs"]["Indicator"]
    assert indicator["properties"]["status"]["enum"] == list(VOCABULARY.indicator_status)
    assert indicator["properties"]["developments"]["items"]["pattern"] == ID_PATTERN


def test_write_schemas(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "out")
    assert [p.name for p in written] == list(SCHEMAS)
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert text.endswith("}\n")
        assert json.loads(text) == schema_documents()[path.name]


# -- a checker for the keywords above, enough to run the example through ---------


def _errors(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> list[str]:
    if "$ref" in schema:
        return _errors(value, root["$defs"][schema["$ref"].split("/")[-1]], root, where)
    if "anyOf" in schema:
        options = [_errors(value, option, root, where) for option in schema["anyOf"]]
        return [] if any(not found for found in options) else [f"{where}: no anyOf branch fits"]
    kind = schema.get("type")
    checks = {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "null": value is None,
    }
    if kind is not None and not checks[kind]:
        return [f"{where}: not {kind}"]
    found: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in enum")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 1e9):
            found.append(f"{where}: length")
    if isinstance(value, int | float) and not (
        schema.get("minimum", -1e99) <= value <= schema.get("maximum", 1e99)
    ):
        found.append(f"{where}: out of range")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{where}: too few items")
        for index, item in enumerate(value):
            found += _errors(item, schema.get("items", {}), root, f"{where}[{index}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        found += [f"{where}: missing {k}" for k in schema.get("required", []) if k not in value]
        for key, item in value.items():
            if key in properties:
                found += _errors(item, properties[key], root, f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}: unknown {key}")
    return found


def _as_json(path: Path) -> Any:
    """What an editor's YAML language server sees: dates as text, numbers as numbers."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(yaml.safe_load(path.read_text(encoding="utf-8")))


def _example_files() -> list[tuple[str, Path]]:
    pairs = [
        ("briefing.schema.json", EXAMPLE / "briefing.yaml"),
        ("sources.schema.json", EXAMPLE / "sources.yaml"),
        ("actors.schema.json", EXAMPLE / "actors.yaml"),
        ("places.schema.json", EXAMPLE / "places.yaml"),
        ("indicators.schema.json", EXAMPLE / "indicators.yaml"),
    ]
    pairs += [("development.schema.json", p) for p in sorted(EXAMPLE.glob("developments/*.yaml"))]
    pairs += [("topic.schema.json", p) for p in sorted(EXAMPLE.glob("background/*.yaml"))]
    return pairs


@pytest.mark.parametrize(
    ("name", "path"), _example_files(), ids=lambda v: v.name if isinstance(v, Path) else v
)
def test_example_files_validate_against_their_schema(name: str, path: Path) -> None:
    schema = schema_documents()[name]
    assert _errors(_as_json(path), schema, schema, path.name) == []


def test_checker_rejects_what_the_schema_forbids() -> None:
    schema = schema_documents()["development.schema.json"]
    good = {"title": "t", "date": "2024-12-06", "summary": "s", "sources": ["sohr"]}
    assert _errors(good, schema, schema, "dev") == []
    bad = {**good, "sumary": "s", "status": "rumoured", "sources": [], "related": ["Bad_Id"]}
    assert sorted(_errors(bad, schema, schema, "dev")) == [
        "dev.related[0]: 'Bad_Id' does not match ^[a-z0-9]+(?:-[a-z0-9]+)*$",
        "dev.sources: too few items",
        "dev.status: 'rumoured' not in enum",
        "dev: unknown sumary",
    ]
    claim: dict[str, Any] = {"claim": "c", "by": [], "verdict": "likely", "source": "sohr"}
    report: dict[str, Any] = {"source": "sohr", "retracted": {}}
    v2 = {**good, "competing_claims": [claim], "sources": [report]}
    assert sorted(_errors(v2, schema, schema, "dev")) == [
        "dev.competing_claims[0].by: too few items",
        "dev.competing_claims[0].verdict: 'likely' not in enum",
        "dev.competing_claims[0]: unknown source",
        "dev.sources[0]: no anyOf branch fits",
    ]
    schema = schema_documents()["indicators.schema.json"]
    sign = {"id": "homs-falls", "text": "Homs falls", "status": "seen", "updated": "2024-12-06"}
    assert _errors([sign], schema, schema, "indicators") == [
        "indicators[0].status: 'seen' not in enum"
    ]
    assert _errors([{**sign, "status": "observed"}], schema, schema, "indicators") == []


def test_with_the_jsonschema_library() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    documents = schema_documents()
    for schema in documents.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    for name, path in _example_files():
        jsonschema.Draft202012Validator(documents[name]).validate(_as_json(path))
