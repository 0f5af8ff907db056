"""The printable brief (``/brief/``): which developments it shows and its one reference list.

The brief must print on one to four pages however long the briefing is, so it
shows only the developments of the latest few days, and at most a handful
(:func:`latest`). Their sources become one numbered list for the whole brief
(:func:`number_references`): each distinct report once, numbered in the order
the brief first cites it, so a reader of the paper copy finds [3] at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .model import day_of
from .views import DevView, Reference

__all__ = ["BRIEF_DAYS", "BRIEF_LEAST", "BRIEF_MOST", "BriefReferences", "Cites", "latest",
           "number_references"]  # fmt: skip

BRIEF_DAYS = 3  # the newest development's day and the two before it
# Never more developments than this: with benchmarks/synth.py's (realistic) sizes, five
# print on four A4 or Letter pages with room to spare; six can spill onto a fifth.
BRIEF_MOST = 5
BRIEF_LEAST = 3  # a quiet spell still shows the three newest


def latest(
    views: Sequence[DevView], days: int = BRIEF_DAYS, most: int = BRIEF_MOST,
    least: int = BRIEF_LEAST,
) -> list[DevView]:  # fmt: skip
    """The developments of the ``days`` days up to the newest one (at least ``least``,
    at most ``most``); ``views`` run newest first."""
    if not views:
        return []
    since = day_of(views[0].dev.date) - timedelta(days=days - 1)
    recent = [v for v in views[:most] if day_of(v.dev.date) >= since]
    return recent if len(recent) >= least else list(views[: min(least, most)])


@dataclass(frozen=True)
class Cites:
    """The brief-wide reference numbers one development cites."""

    sources: list[int]  # every report it cites, ascending
    points: list[list[int]]  # for each key point, the reports it cites, ascending


@dataclass(frozen=True)
class BriefReferences:
    """One numbered list of every report the brief cites, and who cites which."""

    entries: list[Reference]  # numbered 1, 2, … in the order of first citation
    cites: dict[str, Cites]  # development id → its numbers


_Key = tuple[str, str | None, str | None, date | datetime | None]


def _key(ref: Reference) -> _Key:
    """A report is the same report wherever it is cited: same source, title, URL, date."""
    return (ref.source_id, ref.ref.title, ref.ref.url, ref.ref.published)


def number_references(views: Sequence[DevView]) -> BriefReferences:
    """Number the reports ``views`` cite in reading order: development by development,
    each one's own source list (shown under its title, so before its key points).

    A development's new reports get the next numbers in the order of its source
    list, so its numbers shown ascending still read in order of first citation."""
    numbers: dict[_Key, int] = {}
    entries: list[Reference] = []
    cites: dict[str, Cites] = {}
    for view in views:
        for ref in view.references:
            if _key(ref) not in numbers:
                numbers[_key(ref)] = len(entries) + 1
                entries.append(Reference(len(entries) + 1, ref.source_id, ref.source, ref.ref))
        cites[view.id] = Cites(
            sources=sorted({numbers[_key(r)] for r in view.references}),
            points=[sorted({numbers[_key(r)] for r in point}) for point in view.citations],
        )
    return BriefReferences(entries, cites)
