"""What changed in a briefing between two versions, in the briefing's own terms.

Pure: two loaded :class:`~generator.model.Briefing` (the older may be None when
the folder did not exist) → a :class:`BriefingDiff`, shown as text for people or
as JSON for scripts (its shape is documented in FORMAT.md, "Commands").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .diagnostics import _one_line
from .model import Briefing, moment_key
from .schema import BriefingMeta, Development, KeyFigure

__all__ = ["KINDS", "BriefingDiff", "EntryChange", "FigureChange", "compare"]

# The groups of entries, in the order they are shown: (key, heading, file).
KINDS: tuple[tuple[str, str, str], ...] = (
    ("developments", "Developments", "developments/{id}.yaml"),
    ("topics", "Background topics", "background/{id}.yaml"),
    ("sources", "Sources", "sources.yaml"),
    ("actors", "Actors", "actors.yaml"),
    ("places", "Places", "places.yaml"),
)
# Fields of a development whose change readers need not be told of in an update.
NOT_CONTENT = frozenset({"tags", "related"})


@dataclass(frozen=True)
class EntryChange:
    """A development, topic, source, actor or place that was added, changed or removed."""

    change: str  # "added", "changed" or "removed"
    id: str
    path: str  # its file; at the old revision (REF:path) when removed
    title: str  # its title or name (as it was, when removed)
    fields: tuple[str, ...] = ()  # changed: which fields, in the format's order
    silent: bool = False  # a development's content changed without a new `updates` entry


@dataclass(frozen=True)
class FigureChange:
    """A key figure added, revised or removed (matched by id, else by label)."""

    change: str  # "added", "revised" or "removed"
    id: str | None
    label: str
    fields: tuple[str, ...]
    old_value: str | None
    new_value: str | None
    silent: bool = False  # the value changed and ``history`` does not keep the old one


@dataclass(frozen=True)
class BriefingDiff:
    ref: str
    commit: str
    folder: str  # the briefing folder as shown (e.g. 'briefings')
    existed: bool  # whether the folder existed at ``ref``
    briefing: tuple[str, ...]  # briefing.yaml's own fields that changed (not key_figures)
    key_figures: tuple[FigureChange, ...]
    entries: Mapping[str, tuple[EntryChange, ...]]  # by KINDS key

    @property
    def empty(self) -> bool:
        return not (self.briefing or self.key_figures or any(self.entries.values()))

    def as_json(self) -> str:
        data: dict[str, Any] = {
            "ref": self.ref,
            "commit": self.commit,
            "folder": self.folder,
            "existed": self.existed,
            "briefing": {"path": f"{self.folder}/briefing.yaml", "changed": list(self.briefing)},
            "key_figures": [_figure_json(f) for f in self.key_figures],
        }
        for key, _, _ in KINDS:
            data[key] = [_entry_json(e, key) for e in self.entries[key]]
        return json.dumps(data, indent=2, ensure_ascii=False)

    def as_text(self) -> str:
        since = _one_line(self.ref)
        if not self.commit.startswith(self.ref):
            since += f" ({self.commit[:7]})"
        if not self.existed:
            lines = [f"{self.folder} did not exist at {since}: everything is new."]
        elif self.empty:
            return f"No changes to {self.folder} since {since}."
        else:
            lines = [f"Changes to {self.folder} since {since}:"]
        if self.briefing:
            lines += ["", f"Briefing: {', '.join(self.briefing)} ({self.folder}/briefing.yaml)"]
        if self.key_figures:
            silent = sum(f.silent for f in self.key_figures)
            counts = _counts(
                self.key_figures, "revised", silent, "without the old value in history"
            )
            lines += ["", f"Key figures: {counts} ({self.folder}/briefing.yaml)"]
            lines += [_figure_line(f) for f in self.key_figures]
        for key, heading, _ in KINDS:
            entries = self.entries[key]
            if entries:
                silent = sum(e.silent for e in entries)
                counts = _counts(entries, "changed", silent, "without a new update")
                lines += ["", f"{heading}: {counts}", *(_entry_line(e, key) for e in entries)]
        return "\n".join(lines)


def _counts(
    changes: tuple[EntryChange, ...] | tuple[FigureChange, ...], verb: str, silent: int, why: str
) -> str:
    number = {c: sum(1 for x in changes if x.change == c) for c in ("added", verb, "removed")}
    middle = f"{number[verb]} {verb}"
    if silent:
        middle += f" ({silent} {why})"
    return f"{number['added']} added, {middle}, {number['removed']} removed"


def _figure_line(figure: FigureChange) -> str:
    label = _one_line(figure.label)
    if figure.change == "added":
        return f"  added    {label}: {_one_line(figure.new_value or '')}"
    if figure.change == "removed":
        return f"  removed  {label} (was {_one_line(figure.old_value or '')})"
    value = _one_line(figure.new_value or "")
    if figure.old_value != figure.new_value:
        value = f"{_one_line(figure.old_value or '')} → {value}"
    unkept = "; the old value is not in history" if figure.silent else ""
    return f"  revised  {label}: {value} ({', '.join(figure.fields)}{unkept})"


def _entry_line(entry: EntryChange, kind: str) -> str:
    where = _one_line(entry.path)
    if kind not in ("developments", "topics"):
        where = f"{entry.id} in {where}"
    if entry.change != "changed":
        return f"  {entry.change:<8} {where} ({_one_line(entry.title)})"
    line = f"  changed  {where}: {', '.join(entry.fields)}"
    if entry.silent:
        line += " (silent edit: no new entry in updates)"
    return line


def _figure_json(figure: FigureChange) -> dict[str, Any]:
    return {
        "change": figure.change,
        "id": figure.id,
        "label": figure.label,
        "fields": list(figure.fields),
        "old_value": figure.old_value,
        "new_value": figure.new_value,
        "silent": figure.silent,
    }


def _entry_json(entry: EntryChange, kind: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "change": entry.change,
        "id": entry.id,
        "path": entry.path,
        "title": entry.title,
        "fields": list(entry.fields),
    }
    if kind == "developments":
        data["silent"] = entry.silent
    return data


# ---------------------------------------------------------------- comparing


def _changed_fields(
    old: BaseModel, new: BaseModel, skip: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    before, after = old.model_dump(mode="json"), new.model_dump(mode="json")
    return tuple(
        name for name in type(new).model_fields if name not in skip and before[name] != after[name]
    )


def _title(item: BaseModel) -> str:
    return str(getattr(item, "title", None) or getattr(item, "name", ""))


def _silent(old: Development, new: Development, fields: tuple[str, ...]) -> bool:
    """Content changed, and ``updates`` gained no entry newer than the newest it had."""
    if not set(fields) - NOT_CONTENT:
        return False
    added = [u for u in new.updates if u not in old.updates]
    if not old.updates:
        return not added
    newest = max(moment_key(u.at) for u in old.updates)
    return not any(moment_key(u.at) > newest for u in added)


def _join(folder: str, pattern: str, id_: str) -> str:
    """``folder/file``; ``REF:`` (the repository top at a revision) takes no slash."""
    name = pattern.format(id=id_)
    return f"{folder}{name}" if folder.endswith(":") else f"{folder}/{name}"


def _entries(
    kind: str,
    old: Mapping[str, BaseModel],
    new: Mapping[str, BaseModel],
    folder: str,
    old_folder: str,
) -> tuple[EntryChange, ...]:
    pattern = dict((k, p) for k, _, p in KINDS)[kind]
    changes: list[EntryChange] = []
    for id_ in sorted(new.keys() - old.keys()):
        changes.append(EntryChange("added", id_, _join(folder, pattern, id_), _title(new[id_])))
    for id_ in sorted(new.keys() & old.keys()):
        fields = _changed_fields(old[id_], new[id_])
        if fields:
            silent = False
            before, after = old[id_], new[id_]
            if isinstance(before, Development) and isinstance(after, Development):
                silent = _silent(before, after, fields)
            path = _join(folder, pattern, id_)
            changes.append(EntryChange("changed", id_, path, _title(after), fields, silent))
    for id_ in sorted(old.keys() - new.keys()):
        where = old_folder if kind in ("developments", "topics") else folder
        changes.append(EntryChange("removed", id_, _join(where, pattern, id_), _title(old[id_])))
    return tuple(changes)


def _pair_figures(
    old: list[KeyFigure], new: list[KeyFigure]
) -> tuple[list[tuple[KeyFigure, KeyFigure]], list[KeyFigure], list[KeyFigure]]:
    """Pairs by id where both have one, then by label; the rest added and removed."""
    pairs: list[tuple[KeyFigure, KeyFigure]] = []
    left, right = list(old), list(new)
    for by_id in (True, False):
        for figure in list(right):
            key = figure.id if by_id else figure.label
            partner = next(
                (o for o in left if key is not None and (o.id if by_id else o.label) == key), None
            )
            if partner is not None:
                pairs.append((partner, figure))
                left.remove(partner)
                right.remove(figure)
    return pairs, right, left


def _figures(old: BriefingMeta | None, new: BriefingMeta) -> tuple[FigureChange, ...]:
    pairs, added, removed = _pair_figures(old.key_figures if old else [], new.key_figures)
    changes = [FigureChange("added", f.id, f.label, (), None, f.value) for f in added]
    for before, after in pairs:
        fields = _changed_fields(before, after)
        if fields:
            kept = any(h.value == before.value for h in after.history)
            silent = "value" in fields and not kept
            changes.append(
                FigureChange(
                    "revised", after.id, after.label, fields, before.value, after.value, silent
                )
            )
    changes += [FigureChange("removed", f.id, f.label, (), f.value, None) for f in removed]
    return tuple(changes)


def compare(
    old: Briefing | None, new: Briefing, *, ref: str, commit: str, folder: str, old_folder: str
) -> BriefingDiff:
    """What changed from ``old`` (None: the folder did not exist) to ``new``.

    ``folder`` is how the working tree's folder is shown, ``old_folder`` the same at
    the revision (e.g. ``HEAD:briefings``), used for files that are gone.
    """
    meta: tuple[str, ...] = ()
    if old is not None:
        meta = _changed_fields(old.meta, new.meta, frozenset({"key_figures"}))
    entries = {
        key: _entries(
            key,
            getattr(old, key) if old is not None else {},
            getattr(new, key),
            folder,
            old_folder,
        )
        for key, _, _ in KINDS
    }
    return BriefingDiff(
        ref=ref,
        commit=commit,
        folder=folder,
        existed=old is not None,
        briefing=meta,
        key_figures=_figures(old.meta if old else None, new.meta),
        entries=entries,
    )
