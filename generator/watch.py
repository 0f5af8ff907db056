"""The watch list (indicators.yaml): signs grouped by status, the most pressing first.

``/indicators/`` shows the signs observed first, then emerging, not observed
and ruled out, each group in file order, and under each sign the developments
bearing on it, newest first. The overview counts them; a development's page
names the signs that cite it (:func:`bearing`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .model import Briefing
from .schema import Development, Indicator
from .views import Index

__all__ = ["ORDER", "Sign", "WatchList", "bearing"]

# The groups of /indicators/ in order: what has been seen first, what no longer matters last
# (every value of vocabulary.indicator_status; tests/test_indicators.py checks it).
ORDER = ("observed", "emerging", "not-observed", "ruled-out")


@dataclass(frozen=True)
class Sign:
    """One indicator as /indicators/ shows it."""

    id: str
    indicator: Indicator
    developments: tuple[tuple[str, Development], ...]  # the evidence so far, newest first


@dataclass(frozen=True)
class WatchList:
    groups: tuple[tuple[str, tuple[Sign, ...]], ...]  # (status, signs) in ORDER; no empty group
    counts: tuple[tuple[str, int], ...]  # (status, how many) for every status in ORDER, zeros too
    total: int

    @classmethod
    def build(cls, briefing: Briefing, index: Index) -> WatchList | None:
        """The watch list, or None when the briefing has no indicators."""
        if not briefing.indicators:
            return None
        signs = []
        for ident, entry in briefing.indicators.items():
            named = set(entry.developments)
            evidence = tuple((dev, d) for dev, d in index.newest if dev in named)
            signs.append(Sign(ident, entry, evidence))
        grouped = {
            status: tuple(s for s in signs if s.indicator.status == status) for status in ORDER
        }
        return cls(
            groups=tuple((status, group) for status, group in grouped.items() if group),
            counts=tuple((status, len(group)) for status, group in grouped.items()),
            total=len(signs),
        )

    def count(self, status: str) -> int:
        return dict(self.counts)[status]


def bearing(briefing: Briefing) -> dict[str, tuple[tuple[str, Indicator], ...]]:
    """Development id → the indicators naming it among their evidence, in file order."""
    found: dict[str, list[tuple[str, Indicator]]] = defaultdict(list)
    for ident, entry in briefing.indicators.items():
        for dev in dict.fromkeys(entry.developments):
            found[dev].append((ident, entry))
    return {dev: tuple(entries) for dev, entries in found.items()}
