"""Validated briefing → what each page shows (logic stays here, presentation in templates).

Ordering, grouping by day, reverse indexes (which developments name an actor,
a place, a source), numbered citations and page links are computed here once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import TypeVar

from markupsafe import Markup

from .changes import figure_anchor
from .clocks import StatusStep, date_label, stale_days, status_history
from .integrity import Claim, Flag, Integrity
from .model import Briefing, day_of, last_updated
from .schema import Actor, CompetingClaim, Development, Place, Source, SourceRef
from .urls import Urls, page_path

__all__ = [
    "Affected", "AffectedClaim", "ClaimView", "DevView", "Index", "Pager", "Reference",
    "SourceStanding", "Withdrawn", "paginate",
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
class Affected:
    """The claims resting on a withdrawn source (:mod:`.integrity`), grouped once per plan."""

    by_development: dict[str, list[Claim]]  # development id → its affected claims
    figures: list[Claim]  # the affected key figures
    by_source: dict[str, list[Claim]]  # source id → the affected claims citing it withdrawn

    @classmethod
    def of(cls, integrity: Integrity) -> Affected:
        found = cls(defaultdict(list), [], defaultdict(list))
        for claim in integrity.affected:
            if claim.development is None:
                found.figures.append(claim)
            else:
                found.by_development[claim.development].append(claim)
            for source_id in dict.fromkeys(flag.source_id for flag in claim.flags):
                found.by_source[source_id].append(claim)
        return cls(dict(found.by_development), found.figures, dict(found.by_source))


@dataclass(frozen=True)
class ClaimView:
    """One of a development's competing claims, as its page shows it."""

    number: int  # 1-based; its anchor on the page is "claim-<number>"
    claim: CompetingClaim
    sources: list[tuple[str, Source]]  # who says it, each once
    flagged: Claim | None  # how it rests on a withdrawn source; None when it does not


@dataclass(frozen=True)
class Withdrawn:
    """The notice on a development that cites a discredited source or a retracted report."""

    flags: tuple[Flag, ...]  # each withdrawn source or retracted report once, claims' first
    claims: int  # its key points and competing claims
    affected: int  # those citing a withdrawn source
    unsupported: int  # those with no standing source left

    @classmethod
    def of(
        cls, dev: Development, briefing: Briefing, affected: Sequence[Claim]
    ) -> Withdrawn | None:
        flags = [flag for claim in affected for flag in claim.flags]
        for ref in dev.sources:  # its own source list: the summary rests on it too
            source = briefing.sources[ref.source]
            if (d := source.discredited) is not None:
                flags.append(Flag(ref.source, source, "discredited", d.at, d.note))
            if (r := ref.retracted) is not None:
                flags.append(Flag(ref.source, source, "retracted", r.at, r.note, ref.title))
        if not flags:
            return None
        claims = len(dev.key_points) + len(dev.competing_claims)
        unsupported = sum(claim.unsupported for claim in affected)
        return cls(tuple(dict.fromkeys(flags)), claims, len(affected), unsupported)


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
    points: tuple[Claim | None, ...] = ()  # per key point: how it rests on a withdrawn source
    claims: tuple[ClaimView, ...] = ()  # its competing claims
    withdrawn: Withdrawn | None = None  # the notice, when it cites a withdrawn source

    @classmethod
    def build(
        cls, ident: str, dev: Development, briefing: Briefing, affected: Sequence[Claim] = ()
    ) -> DevView:
        """``affected``: its claims resting on a withdrawn source (:class:`Affected`)."""
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
        flagged = {claim.loc: claim for claim in affected}
        claims = [
            (n, claim, [(s, briefing.sources[s]) for s in dict.fromkeys(claim.by)])
            for n, claim in enumerate(dev.competing_claims, start=1)
        ]
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
            points=tuple(flagged.get(("key_points", i)) for i in range(len(dev.key_points))),
            claims=tuple(
                ClaimView(n, claim, by, flagged.get(("competing_claims", n - 1)))
                for n, claim, by in claims
            ),
            withdrawn=Withdrawn.of(dev, briefing, affected),
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
            cited += [s for claim in dev.competing_claims for s in claim.by]
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


@dataclass(frozen=True)
class AffectedClaim:
    """A claim resting on a withdrawn source, as the source's own page lists it."""

    claim: Claim
    label: str  # "key point 2", "competing claim 1" or "key figure"
    anchor: str  # where the page showing it marks it: "point-2", "claim-1", "figure-3"

    @classmethod
    def of(cls, claim: Claim, briefing: Briefing) -> AffectedClaim:
        field_name, index = claim.loc[0], int(claim.loc[1])
        if claim.development is None:
            figure = briefing.meta.key_figures[index]
            return cls(claim, "key figure", figure_anchor(figure, index + 1))
        if field_name == "key_points":
            return cls(claim, f"key point {index + 1}", f"point-{index + 1}")
        return cls(claim, f"competing claim {index + 1}", f"claim-{index + 1}")


@dataclass(frozen=True)
class SourceStanding:
    """What a source's page says of the claims resting on it once withdrawn.

    The counts cover the whole briefing; ``by_development`` and ``retracted`` only
    the developments of one page of its list, ``figures`` only its first page.
    """

    claims: int  # claims resting on it (withdrawn), in all
    key_figures: int  # of those, key figures
    developments: int  # developments with such a claim
    unsupported: int  # of those claims, the ones with no standing source left
    reports: int  # its reports cited in the briefing and retracted
    figures: list[AffectedClaim]  # key figures resting on it
    by_development: dict[str, list[AffectedClaim]]  # development id → its affected claims
    retracted: dict[str, list[SourceRef]]  # development id → its retracted reports it cites

    @classmethod
    def build(
        cls, ident: str, devs: list[tuple[str, Development]], claims: Sequence[Claim],
        briefing: Briefing,
    ) -> SourceStanding:  # fmt: skip
        """``devs``: the developments citing it; ``claims``: those resting on it withdrawn."""
        figures: list[AffectedClaim] = []
        by_development: dict[str, list[AffectedClaim]] = defaultdict(list)
        for claim in claims:
            shown = AffectedClaim.of(claim, briefing)
            if claim.development is None:
                figures.append(shown)
            else:
                by_development[claim.development].append(shown)
        retracted: dict[str, list[SourceRef]] = {}
        for dev_id, dev in devs:
            refs = [r for r in dev.sources if r.source == ident and r.retracted is not None]
            if refs:
                retracted[dev_id] = refs
        return cls(
            claims=len(claims), key_figures=len(figures), developments=len(by_development),
            unsupported=sum(claim.unsupported for claim in claims),
            reports=sum(len(refs) for refs in retracted.values()),
            figures=figures, by_development=dict(by_development), retracted=retracted,
        )  # fmt: skip

    def page(self, devs: list[tuple[str, Development]], first: bool) -> SourceStanding:
        """The same, for one page of its list of developments."""
        return SourceStanding(
            self.claims, self.key_figures, self.developments, self.unsupported, self.reports,
            self.figures if first else [],
            {i: self.by_development[i] for i, _ in devs if i in self.by_development},
            {i: self.retracted[i] for i, _ in devs if i in self.retracted},
        )  # fmt: skip
