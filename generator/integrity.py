"""Which claims rest on a discredited source or a retracted report.

A key point, a key figure or a competing claim *rests on* a source when it
cites it. A source with ``discredited`` is withdrawn everywhere; a report with
``retracted`` withdraws its source for the development that cites it (a key
point names sources, not reports, so any retracted report of a source flags
the claims of that development citing the source). The pages, the feed, the
exports, ``briefing validate`` and ``briefing audit`` all read this one
answer, computed once from the validated model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Literal

from .model import Briefing
from .schema import Development, Source

__all__ = ["Claim", "Flag", "Integrity"]

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Flag:
    """One withdrawn source behind a claim: who, how, since when, and why."""

    source_id: str
    source: Source
    how: Literal["discredited", "retracted"]
    at: date | datetime
    note: str
    report: str | None = None  # the retracted report's title, when it has one


@dataclass(frozen=True)
class Claim:
    """A claim the briefing makes, with the sources it cites."""

    kind: Literal["key point", "key figure", "competing claim"]
    development: str | None  # None for a key figure (briefing.yaml)
    loc: Loc  # where it is written inside its YAML document, e.g. ("key_points", 2)
    text: str
    sources: tuple[str, ...]
    flags: tuple[Flag, ...] = ()

    @property
    def standing(self) -> tuple[str, ...]:
        """The cited sources that are not withdrawn."""
        withdrawn = {flag.source_id for flag in self.flags}
        return tuple(s for s in dict.fromkeys(self.sources) if s not in withdrawn)

    @property
    def unsupported(self) -> bool:
        """Every source it cites is withdrawn: it has no standing source left."""
        return bool(self.flags) and not self.standing


@dataclass
class Integrity:
    """Every claim of a briefing, and those resting on withdrawn sources (indexed once)."""

    claims: list[Claim] = field(default_factory=list)

    @classmethod
    def of(cls, briefing: Briefing) -> Integrity:
        found = cls()
        sources = briefing.sources
        for index, figure in enumerate(briefing.meta.key_figures):
            flags = _flags(sources, None, figure.sources)
            text = f"{figure.label}: {figure.value}"
            loc: Loc = ("key_figures", index)
            found.claims.append(Claim("key figure", None, loc, text, tuple(figure.sources), flags))
        for ident, dev in sorted(briefing.developments.items()):
            for index, point in enumerate(dev.key_points):
                flags = _flags(sources, dev, point.sources)
                found.claims.append(Claim(
                    "key point", ident, ("key_points", index), point.text,
                    tuple(point.sources), flags,
                ))  # fmt: skip
            for index, claim in enumerate(dev.competing_claims):
                flags = _flags(sources, dev, claim.by)
                found.claims.append(Claim(
                    "competing claim", ident, ("competing_claims", index), claim.claim,
                    tuple(claim.by), flags,
                ))  # fmt: skip
        return found

    @cached_property
    def affected(self) -> list[Claim]:
        """Claims citing at least one withdrawn source."""
        return [claim for claim in self.claims if claim.flags]

    @cached_property
    def _by_development(self) -> dict[str | None, list[Claim]]:
        found: dict[str | None, list[Claim]] = {}
        for claim in self.affected:
            found.setdefault(claim.development, []).append(claim)
        return found

    @cached_property
    def _by_source(self) -> dict[str, list[Claim]]:
        found: dict[str, list[Claim]] = {}
        for claim in self.affected:
            for ident in dict.fromkeys(flag.source_id for flag in claim.flags):
                found.setdefault(ident, []).append(claim)
        return found

    def of_development(self, ident: str) -> list[Claim]:
        """The affected claims of one development, in the order they are written."""
        return self._by_development.get(ident, [])

    def by_source(self, source_id: str) -> list[Claim]:
        """The affected claims that cite ``source_id`` as withdrawn."""
        return self._by_source.get(source_id, [])

    def flags(self, development: str | None, loc: Loc) -> tuple[Flag, ...]:
        """The flags of the claim written at ``loc`` (e.g. ("key_points", 0)), if any."""
        for claim in self._by_development.get(development, []):
            if claim.loc == loc:
                return claim.flags
        return ()


def _flags(
    sources: dict[str, Source], dev: Development | None, cited: Iterable[str]
) -> tuple[Flag, ...]:
    out: list[Flag] = []
    for ident in dict.fromkeys(cited):
        source = sources.get(ident)
        if source is None:
            continue
        if source.discredited is not None:
            d = source.discredited
            out.append(Flag(ident, source, "discredited", d.at, d.note))
            continue
        for ref in dev.sources if dev is not None else ():
            if ref.source == ident and ref.retracted is not None:
                r = ref.retracted
                out.append(Flag(ident, source, "retracted", r.at, r.note, ref.title))
                break
    return tuple(out)
