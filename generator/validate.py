"""Documents → validated entities, each with where it was written.

Every file is checked against its model, every registry for duplicate ids and
every file name for a valid id. Cross-file checks follow in :mod:`.references`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .diagnostics import Mark, Report
from .loader import Document, RawBriefing
from .messages import report_validation_error
from .schema import Actor, BriefingMeta, Development, Place, Source, Topic, id_problem

__all__ = ["RESERVED_IDS", "Located", "Origin", "Registry", "validate"]

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]

# Ids whose page would land on a generated one (e.g. /situation/index.md).
RESERVED_IDS = frozenset({"index", "feed", "data", "assets", "search", "tags"})


@dataclass(frozen=True)
class Origin:
    """Where an entity was written: its document and its path inside it."""

    doc: Document
    loc: Loc = ()

    def mark(self, *rest: str | int, key: bool = False) -> Mark:
        return self.doc.mark((*self.loc, *rest), key=key)

    def raw(self) -> Any:
        """The entity as written (plain data), whether it is valid or not."""
        data = self.doc.data
        for part in self.loc:
            data = data[part]
        return data


@dataclass
class Registry(Generic[M]):
    """Valid entries by id, and where every entry with an id was written (valid or not,
    so that references to a broken entry do not cascade into more errors)."""

    items: dict[str, M] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)


@dataclass
class Located:
    """The validated entities with their origins, for cross-file checks."""

    meta: BriefingMeta | None
    meta_origin: Origin | None
    sources: Registry[Source]
    actors: Registry[Actor]
    places: Registry[Place]
    developments: Registry[Development]
    topics: Registry[Topic]


def _validate(model: type[M], doc: Document, data: Any, loc: Loc, report: Report) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        report_validation_error(exc, doc, model, report, loc)
        return None


def _registry(doc: Document | None, model: type[M], what: str, report: Report) -> Registry[M]:
    registry: Registry[M] = Registry()
    if doc is None:
        return registry
    for index, entry in enumerate(doc.data):
        origin = Origin(doc, (index,))
        raw_id = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(raw_id, str):
            if raw_id in registry.origins:
                first = registry.origins[raw_id].mark("id")
                report.error(
                    doc.path,
                    origin.mark("id"),
                    f"duplicate {what} id '{raw_id}' (first used at {doc.path}:{first.line})",
                )
                continue
            registry.origins[raw_id] = origin
        item = _validate(model, doc, entry, (index,), report)
        if item is not None:
            registry.items[str(getattr(item, "id"))] = item  # noqa: B009
    return registry


def _collection(docs: list[Document], model: type[M], folder: str, report: Report) -> Registry[M]:
    registry: Registry[M] = Registry()
    for doc in docs:
        registry.origins[doc.stem] = Origin(doc)
        problem = id_problem(doc.stem)
        if problem:
            report.error(doc.path, Mark(), f"file name: {problem}")
            continue
        if doc.stem in RESERVED_IDS:
            report.error(
                doc.path,
                Mark(),
                f"'{doc.stem}' is reserved: /{folder}/{doc.stem}/ would replace a "
                "generated page; rename the file",
            )
            continue
        if "id" in doc.data and doc.data["id"] != doc.stem:
            report.error(
                doc.path,
                doc.mark(("id",)),
                f"id '{doc.data['id']}' differs from the file name '{doc.stem}'; the file "
                "name is the id, remove this field",
            )
            continue
        data = {k: v for k, v in doc.data.items() if k != "id"}
        item = _validate(model, doc, data, (), report)
        if item is not None:
            registry.items[doc.stem] = item
    return registry


def validate(raw: RawBriefing, report: Report) -> Located:
    """Check every document against its model; cross-file checks come after."""
    meta = None
    meta_origin = None
    if raw.briefing is not None:
        meta_origin = Origin(raw.briefing)
        meta = _validate(BriefingMeta, raw.briefing, raw.briefing.data, (), report)
    return Located(
        meta=meta,
        meta_origin=meta_origin,
        sources=_registry(raw.registries.get("sources"), Source, "source", report),
        actors=_registry(raw.registries.get("actors"), Actor, "actor", report),
        places=_registry(raw.registries.get("places"), Place, "place", report),
        developments=_collection(
            raw.collections.get("developments", []), Development, "situation", report
        ),
        topics=_collection(raw.collections.get("background", []), Topic, "background", report),
    )
