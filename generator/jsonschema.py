"""`briefing schema`: JSON Schema of every file kind, for editors' YAML language servers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from .schema import Actor, BriefingMeta, Development, Indicator, Place, Source, Topic

__all__ = ["SCHEMAS", "schema_documents", "write_schemas"]

# file name → (model, is it a list of entries?, title)
SCHEMAS: dict[str, tuple[type[BaseModel], bool, str]] = {
    "briefing.schema.json": (BriefingMeta, False, "briefing.yaml"),
    "sources.schema.json": (Source, True, "sources.yaml"),
    "actors.schema.json": (Actor, True, "actors.yaml"),
    "places.schema.json": (Place, True, "places.yaml"),
    "indicators.schema.json": (Indicator, True, "indicators.yaml"),
    "development.schema.json": (Development, False, "developments/<id>.yaml"),
    "topic.schema.json": (Topic, False, "background/<id>.yaml"),
}


def schema_documents() -> dict[str, dict[str, Any]]:
    documents: dict[str, dict[str, Any]] = {}
    for name, (model, is_list, title) in SCHEMAS.items():
        adapter: TypeAdapter[Any] = TypeAdapter(list[model] if is_list else model)  # type: ignore[valid-type]
        schema = adapter.json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = title
        documents[name] = schema
    return documents


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schema_documents().items():
        path = out / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
