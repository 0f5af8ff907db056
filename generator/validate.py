"""Documents → validated entities, each with where it was written.

Every file is checked against its model, every registry for duplicate ids and
every file name for a valid id. Cross-file checks follow in :mod:`.references`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .diagnostics import Mark, Report
from .ids import id_problem
from .loader import Document, RawBriefing
from .messages import report_validation_error
from .schema import Actor, BriefingMeta, Development, Indicator, Place, Source, Topic
from .urls import page_url, reserved_ids

__all__ = ["Located", "Origin", "Registry", "validate"]

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]

_SHAPES: dict[type, str] = {list: "(a list)", dict: "(a mapping)", type(None): "(empty)"}


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
    # Entries that exist but could not be read are not "unknown" when referred to
    # (the file's own error says enough); ``missing_file`` names an absent registry.
    unread: set[str] = field(default_factory=set)
    unread_all: bool = False
    missing_file: str | None = None

    def knows(self, ident: str) -> bool:
        """True if ``ident`` names an entry, or might name one that could not be read."""
        return self.unread_all or ident in self.origins or ident in self.unread


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
    indicators: Registry[Indicator] = field(default_factory=Registry)
    complete: bool = True  # False if some file could not be read at all


def _validate(model: type[M], doc: Document, data: Any, loc: Loc, report: Report) -> M | None:
    done = doc.validated.get((model, loc))
    if done is not None:
        return done  # type: ignore[no-any-return]
    try:
        item = model.model_validate(data)
    except ValidationError as exc:
        report_validation_error(exc, doc, model, report, loc)
        return None
    doc.validated[(model, loc)] = item
    return item


def _registry(
    raw: RawBriefing, name: str, model: type[M], kind: str, report: Report
) -> Registry[M]:
    """The entries of one registry file (``name``.yaml); ``kind`` is their page kind."""
    reserved = reserved_ids(kind)
    registry: Registry[M] = Registry(unread_all=name in raw.unreadable)
    doc = raw.registries.get(name)
    if doc is None:
        if not registry.unread_all:
            registry.missing_file = f"{name}.yaml"
        return registry
    for index, entry in enumerate(doc.data):
        origin = Origin(doc, (index,))
        raw_id = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(entry, str):  # "- sohr": an id without its fields; no cascade
            registry.unread.add(entry)
        if isinstance(raw_id, str):
            if raw_id in registry.origins:
                first = registry.origins[raw_id].mark("id")
                report.error(
                    doc.path,
                    origin.mark("id"),
                    f"duplicate {kind} id '{raw_id}' (first used at {doc.path}:{first.line})",
                )
                continue
            registry.origins[raw_id] = origin
            if raw_id in reserved:
                report.error(
                    doc.path,
                    origin.mark("id"),
                    f"'{raw_id}' is reserved: /{page_url(kind, raw_id)} would replace a "
                    "generated page; choose another id",
                )
                continue
        item = _validate(model, doc, entry, (index,), report)
        if item is not None:
            registry.items[str(getattr(item, "id"))] = item  # noqa: B009
    return registry


def _collection(
    raw: RawBriefing, name: str, model: type[M], kind: str, report: Report
) -> Registry[M]:
    """One entry per file of the folder ``name``; ``kind`` is their page kind."""
    reserved = reserved_ids(kind)
    registry: Registry[M] = Registry(unread_all=name in raw.unreadable)
    registry.unread = {e.split("/", 1)[1] for e in raw.unreadable if e.startswith(f"{name}/")}
    for doc in raw.collections.get(name, []):
        registry.origins[doc.stem] = Origin(doc)
        problem = id_problem(doc.stem)
        if problem:
            report.error(doc.path, Mark(), f"file name: {problem}")
            continue
        if doc.stem in reserved:
            report.error(
                doc.path,
                Mark(),
                f"'{doc.stem}' is reserved: /{page_url(kind, doc.stem)} would replace a "
                "generated page; rename the file",
            )
            continue
        if "id" in doc.data and doc.data["id"] != doc.stem:
            written = doc.data["id"]
            shown = f"'{written}'" if isinstance(written, str) else _SHAPES.get(type(written))
            report.error(
                doc.path,
                doc.mark(("id",)),
                f"id {shown} differs from the file name '{doc.stem}'; the file "
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
        sources=_registry(raw, "sources", Source, "source", report),
        actors=_registry(raw, "actors", Actor, "actor", report),
        places=_registry(raw, "places", Place, "place", report),
        developments=_collection(raw, "developments", Development, "development", report),
        topics=_collection(raw, "background", Topic, "topic", report),
        indicators=_registry(raw, "indicators", Indicator, "indicators", report),
        complete=not raw.unreadable,
    )
