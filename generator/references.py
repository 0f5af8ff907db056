"""Cross-file checks: every id resolves, `within` has no cycles, plus warnings.

References are read from the data as written, so that an entry which failed
its own schema (say, a misspelt date) still has its references checked in the
same run. Ids of broken entries count as known: no cascades.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from .diagnostics import Report, did_you_mean
from .integrity import Flag
from .model import Briefing, day_of, moment_key
from .schema import Development, id_problem
from .validate import Located, Origin, Registry

__all__ = ["check_references", "check_withdrawn", "describe_flag"]

Loc = tuple[str | int, ...]


def _ids(data: Any, field: str) -> Iterator[tuple[str, Loc]]:
    """(id, path) for each text item of the list ``data[field]``; source entries too."""
    values = data.get(field) if isinstance(data, dict) else None
    if not isinstance(values, list):
        return
    for index, value in enumerate(values):
        if isinstance(value, str):
            yield value, (field, index)
        elif isinstance(value, dict) and isinstance(value.get("source"), str):
            yield value["source"], (field, index, "source")


def _strings(data: Any, path: Loc = ()) -> Iterator[tuple[str, Loc]]:
    """Every text value in ``data`` with its path (data is at most 40 levels deep)."""
    if isinstance(data, str):
        yield data, path
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))


def _after(moment: date | datetime, as_of: date | datetime) -> bool:
    if isinstance(moment, datetime) and isinstance(as_of, datetime):
        return moment > as_of
    return day_of(moment) > day_of(as_of)


class _Checker:
    def __init__(self, located: Located, report: Report) -> None:
        self.located = located
        self.report = report
        self.cited: set[str] = set()

    def refs(self, what: str, registry: Registry[Any], origin: Origin, field: str) -> None:
        """Check every id listed in ``field`` of the entity at ``origin``."""
        for ident, loc in _ids(origin.raw(), field):
            if what == "source":
                self.cited.add(ident)
            if registry.knows(ident) or id_problem(ident):  # not an id: the schema says so
                continue
            hint = did_you_mean(ident, sorted(registry.origins))
            if not hint and registry.missing_file:
                hint = f" (there is no {registry.missing_file})"
            self.report.error(origin.doc.path, origin.mark(*loc), f"unknown {what} '{ident}'{hint}")

    def meta(self) -> None:
        origin = self.located.meta_origin
        if origin is None:
            return
        figures = origin.raw().get("key_figures")
        seen: dict[str, int] = {}
        for index in range(len(figures) if isinstance(figures, list) else 0):
            figure = Origin(origin.doc, ("key_figures", index))
            self.refs("source", self.located.sources, figure, "sources")
            history = figure.raw().get("history") if isinstance(figure.raw(), dict) else None
            for step in range(len(history) if isinstance(history, list) else 0):
                earlier = Origin(origin.doc, ("key_figures", index, "history", step))
                self.refs("source", self.located.sources, earlier, "sources")
            ident = figure.raw().get("id") if isinstance(figure.raw(), dict) else None
            if isinstance(ident, str) and ident in seen:
                first = origin.mark("key_figures", seen[ident], "id")
                self.report.error(
                    origin.doc.path, figure.mark("id"),
                    f"duplicate key figure id '{ident}' (first used at {origin.doc.path}:"
                    f"{first.line})",
                )  # fmt: skip
            elif isinstance(ident, str):
                seen[ident] = index

    def developments(self) -> None:
        loc = self.located
        for ident, origin in loc.developments.origins.items():
            self.refs("source", loc.sources, origin, "sources")
            self.refs("place", loc.places, origin, "places")
            self.refs("actor", loc.actors, origin, "actors")
            points = origin.raw().get("key_points")
            for index in range(len(points) if isinstance(points, list) else 0):
                point = Origin(origin.doc, ("key_points", index))
                self.refs("source", loc.sources, point, "sources")
            claims = origin.raw().get("competing_claims")
            for index in range(len(claims) if isinstance(claims, list) else 0):
                claim = Origin(origin.doc, ("competing_claims", index))
                if isinstance(claim.raw(), dict):
                    self.refs("source", loc.sources, claim, "by")
            for other, where in _ids(origin.raw(), "related"):
                if other == ident:
                    self.report.error(
                        origin.doc.path, origin.mark(*where),
                        "a development cannot be related to itself",
                    )  # fmt: skip
            self.refs("development", loc.developments, origin, "related")
            if ident in loc.developments.items:
                self.dev_warnings(ident, loc.developments.items[ident], origin)

    def dev_warnings(self, ident: str, dev: Development, origin: Origin) -> None:
        day = day_of(dev.date).isoformat()
        if not ident.startswith(day):
            self.report.warning(
                origin.doc.path, origin.mark("date"),
                f"development ids should start with their date: rename the file to '{day}-…'",
            )  # fmt: skip
        meta = self.located.meta
        if meta is not None and _after(dev.date, meta.as_of):
            self.report.warning(
                origin.doc.path, origin.mark("date"),
                f"dated {dev.date.isoformat()}, after the briefing's as_of "
                f"({meta.as_of.isoformat()})",
            )  # fmt: skip
        statuses = [(i, u.status) for i, u in enumerate(dev.updates) if u.status is not None]
        if statuses and statuses[0][1] != dev.status:
            self.report.warning(
                origin.doc.path, origin.mark("updates", statuses[0][0], "status"),
                f"the newest update sets the status to '{statuses[0][1]}', but the development "
                f"says '{dev.status}'",
            )  # fmt: skip
        stamps = [moment_key(update.at) for update in dev.updates]
        for index in range(1, len(stamps)):
            if stamps[index] > stamps[index - 1]:
                self.report.warning(
                    origin.doc.path, origin.mark("updates", index, "at"),
                    "updates should be listed newest first: this one is newer than the one "
                    "before it",
                )  # fmt: skip
                break

    def topics(self) -> None:
        loc = self.located
        for origin in loc.topics.origins.values():
            self.refs("source", loc.sources, origin, "sources")
            self.refs("place", loc.places, origin, "places")
            self.refs("actor", loc.actors, origin, "actors")

    def indicators(self) -> None:
        loc = self.located
        for origin in loc.indicators.origins.values():
            if isinstance(origin.raw(), dict):
                self.refs("development", loc.developments, origin, "developments")

    def places(self) -> None:
        places = self.located.places
        parent: dict[str, str] = {}
        for ident, origin in places.origins.items():
            within = origin.raw().get("within")
            if not isinstance(within, str):
                continue
            if within == ident:
                self.report.error(
                    origin.doc.path, origin.mark("within"), "a place cannot be within itself"
                )
            elif not places.knows(within) and not id_problem(within):
                hint = did_you_mean(within, sorted(places.origins))
                self.report.error(
                    origin.doc.path, origin.mark("within"), f"unknown place '{within}'{hint}"
                )
            elif within in places.origins:
                parent[ident] = within
        self.within_cycles(parent)

    def within_cycles(self, parent: dict[str, str]) -> None:
        reported: set[str] = set()
        for start in sorted(parent):
            chain = [start]
            current = parent.get(start)
            while current is not None and current not in chain:
                chain.append(current)
                current = parent.get(current)
            if current != start or start in reported:
                continue
            reported.update(chain)
            origin = self.located.places.origins[start]
            self.report.error(
                origin.doc.path, origin.mark("within"),
                f"'within' goes round in a circle: {' → '.join([*chain, start])}",
            )  # fmt: skip

    def todos(self) -> None:
        """Skeletons from `briefing new` say TODO where the writer must fill in."""
        for registry in (self.located.developments, self.located.topics):
            for origin in registry.origins.values():
                for text, path in _strings(origin.raw()):
                    if text.lstrip().startswith("TODO"):
                        self.report.warning(
                            origin.doc.path, origin.mark(*path),
                            "still says TODO (from `briefing new`); fill it in",
                        )  # fmt: skip

    def uncited(self) -> None:
        if not self.located.complete:  # an unreadable file may cite them
            return
        for ident in self.located.sources.items:
            origin = self.located.sources.origins[ident]
            if ident not in self.cited:
                self.report.warning(
                    origin.doc.path, origin.mark("id"), f"source '{ident}' is never cited"
                )


def check_references(located: Located, report: Report) -> None:
    checker = _Checker(located, report)
    checker.meta()
    checker.developments()
    checker.topics()
    checker.indicators()
    checker.places()
    checker.uncited()
    checker.todos()


def describe_flag(flag: Flag) -> str:
    """'x' (discredited 2024-12-07), or 'y' (report retracted 2024-12-08)."""
    how = "discredited" if flag.how == "discredited" else "report retracted"
    return f"'{flag.source_id}' ({how} {flag.at.isoformat()})"


def check_withdrawn(located: Located, briefing: Briefing, report: Report) -> None:
    """Warn at every claim whose cited sources are all discredited or retracted."""
    for claim in briefing.integrity.affected:
        if not claim.unsupported:
            continue
        origin = (
            located.meta_origin
            if claim.development is None
            else located.developments.origins.get(claim.development)
        )
        if origin is None:
            continue
        withdrawn = ", ".join(describe_flag(flag) for flag in claim.flags)
        report.warning(
            origin.doc.path, origin.mark(*claim.loc),
            f"this {claim.kind} rests only on withdrawn sources: {withdrawn}; "
            "add a standing source or remove it",
        )  # fmt: skip
