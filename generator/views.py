"""Validated briefing → what each page shows (logic stays here, presentation in templates).

Ordering, grouping by day, reverse indexes (which developments name an actor,
a place, a source), numbered citations and page links are computed here once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import TypeVar

from markupsafe import Markup

from .clocks import StatusStep, date_label, stale_days, status_history
from .model import Briefing, day_of, last_updated
from .schema import Actor, Development, Place, Source, SourceRef
from .urls import Urls, page_path

__all__ = [
    "DevView", "Index", "Pager", "Reference", "paginate",
]  # fmt: skip

T = TypeVar("T")


@dataclass(frozen=True)
class Pager:
    """Where one page of a long list stands among the others."""

    number: int
    count: int
    total: int  # items in the whole list
    first: int  # 1-based position of this page's first item
    last: int
    newer: Markup | None  # link to the previous page (lists run newest first)
    older: Markup | None


def paginate(
    items: list[T], size: int, kind: str, ident: str = ""
) -> list[tuple[str, list[T], Pager]]:
    """Split a list into pages of ``size``: (tree path, items, pager) for each page."""
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
    paths = [page_path(kind, ident, n) for n in range(1, len(chunks) + 1)]
    pages = []
    for n, (chunk, path) in enumerate(zip(chunks, paths, strict=True), start=1):
        urls = Urls(path)
        start = (n - 1) * size
        pager = Pager(
            n, len(chunks), len(items), start + 1, start + len(chunk),
            urls.path(paths[n - 2]) if n > 1 else None,
            urls.path(paths[n]) if n < len(chunks) else None,
        )  # fmt: skip
        pages.append((path, chunk, pager))
    return pages


@dataclass(frozen=True)
class Reference:
    """One numbered entry of a development's source list."""

    number: int
    source_id: str
    source: Source
    ref: SourceRef


@dataclass(frozen=True)
class DevView:
    id: str
    dev: Development
    places: list[tuple[str, Place]]
    actors: list[tuple[str, Actor]]
    references: list[Reference]
    citations: list[list[Reference]]  # per key point
    related: list[tuple[str, Development]]
    updated: date | datetime
    when: str  # its date as exactly as it is known: "week of 25 November 2024"
    stale: int | None  # days since last updated, when too many (see .clocks.stale_days)
    history: tuple[StatusStep, ...]  # how its status moved, oldest first

    @classmethod
    def build(cls, ident: str, dev: Development, briefing: Briefing) -> DevView:
        references: list[Reference] = []
        first: dict[str, Reference] = {}
        extra = [SourceRef(source=s) for point in dev.key_points for s in point.sources]
        for entry in [*dev.sources, *extra]:
            if entry.source in first and not any(entry is ref for ref in dev.sources):
                continue  # a key point citing a source the list already has
            number = len(references) + 1
            reference = Reference(number, entry.source, briefing.sources[entry.source], entry)
            references.append(reference)
            first.setdefault(entry.source, reference)
        citations = [[first[s] for s in dict.fromkeys(p.sources)] for p in dev.key_points]
        return cls(
            id=ident,
            dev=dev,
            places=[(p, briefing.places[p]) for p in dev.places],
            actors=[(a, briefing.actors[a]) for a in dev.actors],
            references=references,
            citations=citations,
            related=[(r, briefing.developments[r]) for r in dict.fromkeys(dev.related)],
            updated=last_updated(dev),
            when=date_label(dev.date, dev.date_precision),
            stale=stale_days(dev, briefing.meta),
            history=status_history(dev),
        )


@dataclass
class Index:
    """Reverse indexes over the briefing, newest development first."""

    briefing: Briefing
    newest: list[tuple[str, Development]] = field(default_factory=list)
    by_actor: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_place: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_source: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    topics_by_actor: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    topics_by_place: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    inside: dict[str, list[tuple[str, Place]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, briefing: Briefing) -> Index:
        index = cls(briefing, briefing.developments_newest_first())
        for ident, dev in index.newest:
            for actor in dict.fromkeys(dev.actors):
                index.by_actor[actor].append(ident)
            for place in dict.fromkeys(dev.places):
                index.by_place[place].append(ident)
            cited = [s.source for s in dev.sources]
            cited += [s for point in dev.key_points for s in point.sources]
            for source in dict.fromkeys(cited):
                index.by_source[source].append(ident)
        for pid, entry in briefing.places.items():
            if entry.within is not None:
                index.inside[entry.within].append((pid, entry))
        for ident, topic in briefing.topics_in_order():
            for actor in dict.fromkeys(topic.actors):
                index.topics_by_actor[actor].append(ident)
            for place in dict.fromkeys(topic.places):
                index.topics_by_place[place].append(ident)
        return index

    def developments(self, ids: list[str]) -> list[tuple[str, Development]]:
        return [(i, self.briefing.developments[i]) for i in ids]

    def by_day(
        self, items: list[tuple[str, Development]]
    ) -> list[tuple[date, list[tuple[str, Development]]]]:
        return [
            (day, list(group))
            for day, group in groupby(items, key=lambda item: day_of(item[1].date))
        ]
