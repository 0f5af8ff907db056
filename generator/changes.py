"""What changed in the briefing, newest first, computed from the data itself.

Four kinds of change (:class:`Change`):

``new``
    A development entered the briefing. When it has updates, that is its
    *oldest* update (the moment it was written down, usually "Entry
    created…"), whose note and status it carries; without updates it is the
    development's own date. The oldest update is therefore not listed again
    as an ``update``, and its status is the starting status, not a change.
``update``
    Every later update's note.
``status``
    A later update whose ``status`` differs from the status set before it
    ("reported → confirmed"). When no earlier update set a status, the status
    before is not known and ``before`` is None ("set to confirmed").
``figure``
    A key figure's revision: each ``history`` entry → the next newer value,
    at the moment of that newer value (the figure's ``as_of`` for the current
    value, else the briefing's). A history entry whose value equals the next
    one is a confirmation, not a change, and is left out.

Changes are grouped by the calendar day as written (a datetime keeps its own
offset's day), like the timeline. :class:`FigureView` is what the overview
shows of a key figure: its value, its own as-of date, its previous value and
the direction of change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby, takewhile

from .integrity import Claim
from .model import Briefing, day_of, moment_key
from .schema import Development, FigureValue, KeyFigure

__all__ = [
    "KINDS", "Change", "FigureView", "LatestDay", "by_day", "changes", "figure_anchor",
    "figure_views", "latest_day", "leading_number",
]  # fmt: skip

KINDS = ("new", "update", "status", "figure")
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}  # ties at one moment: new first


@dataclass(frozen=True)
class Change:
    day: date  # the calendar day as written
    moment: date | datetime
    kind: str  # one of KINDS
    subject: str  # the development's id; for a figure its id, else its anchor
    title: str  # the development's title or the figure's label
    anchor: str = ""  # a figure's anchor on the changes page ("figure-<id>")
    note: str | None = None  # the update's note (or the history entry's note)
    before: str | None = None  # the status or value before (None: not known)
    after: str | None = None  # the status or value after


def figure_anchor(figure: KeyFigure, position: int) -> str:
    """``figure-<id>``; a figure without an id gets its 1-based position (``figure-2``).

    Ids may be numbers too, so a positional anchor could equal an id's anchor
    only when a figure is given the id of another figure's position.
    """
    return f"figure-{figure.id or position}"


def _sort_key(change: Change) -> tuple[date, datetime, int, str]:
    return (change.day, moment_key(change.moment), -_RANK[change.kind], change.subject)


def _development_changes(ident: str, dev: Development) -> list[Change]:
    updates = sorted(dev.updates, key=lambda u: moment_key(u.at))  # oldest first, stable
    if not updates:
        return [Change(day_of(dev.date), dev.date, "new", ident, dev.title, after=dev.status)]
    first = updates[0]
    status = first.status
    out = [Change(day_of(first.at), first.at, "new", ident, dev.title, note=first.note,
                  after=first.status or (dev.status if len(updates) == 1 else None))]  # fmt: skip
    for update in updates[1:]:
        out.append(Change(day_of(update.at), update.at, "update", ident, dev.title,
                          note=update.note))  # fmt: skip
        if update.status is not None and update.status != status:
            out.append(Change(day_of(update.at), update.at, "status", ident, dev.title,
                              before=status, after=update.status))  # fmt: skip
        status = update.status or status
    return out


def _history(figure: KeyFigure) -> list[FigureValue]:
    """The figure's earlier values, newest first (sorted, whatever order they were written in)."""
    return sorted(figure.history, key=lambda h: moment_key(h.at), reverse=True)


def _figure_changes(figure: KeyFigure, position: int, as_of: date | datetime) -> list[Change]:
    anchor = figure_anchor(figure, position)
    newer: tuple[date | datetime, str, str | None] = (
        figure.as_of or as_of, figure.value, figure.note,
    )  # fmt: skip
    out = []
    for earlier in _history(figure):
        at, value, note = newer
        if earlier.value != value:
            subject = figure.id or anchor
            out.append(Change(day_of(at), at, "figure", subject, figure.label, anchor=anchor,
                              note=note, before=earlier.value, after=value))  # fmt: skip
        newer = (earlier.at, earlier.value, earlier.note)
    return out


def changes(briefing: Briefing) -> list[Change]:
    """Every change, newest first (by day as written, then moment, then kind and subject)."""
    found: list[Change] = []
    for ident, dev in briefing.developments.items():
        found += _development_changes(ident, dev)
    for position, figure in enumerate(briefing.meta.key_figures, start=1):
        found += _figure_changes(figure, position, briefing.meta.as_of)
    return sorted(found, key=_sort_key, reverse=True)


def by_day(items: list[Change]) -> list[tuple[date, list[Change]]]:
    """Changes (newest first) grouped by their day, newest day first."""
    return [(day, list(group)) for day, group in groupby(items, key=lambda c: c.day)]


# A first number: "about 5 km" → 5, "1,200 people" → 1200, "2.5 million" → 2,500,000.
_NUMBER = re.compile(
    r"(?<![\w.])([-+]?\d{1,3}(?:,\d{3})+|[-+]?\d+(?:\.\d+)?)(?:\s*(thousand|million|billion)\b)?",
    re.IGNORECASE,
)
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def leading_number(value: str) -> float | None:
    """The first number in a figure's text, or None when it has none.

    Two values are compared as numbers on the assumption that they are in the
    same unit ("about 5 km" and "20 km"); the unit itself is not read, so
    "5 km" against "5,000 m" would compare wrongly. The words thousand,
    million and billion right after the number are applied.
    """
    found = _NUMBER.search(value)
    if found is None:
        return None
    number = float(found.group(1).replace(",", ""))
    return number * _SCALE[found.group(2).lower()] if found.group(2) else number


@dataclass(frozen=True)
class FigureView:
    """A key figure as the overview shows it."""

    anchor: str  # its section on the changes page
    figure: KeyFigure
    as_of: date | datetime  # when its value was true
    assumed: bool  # as_of is the briefing's: the figure gives none
    previous: FigureValue | None  # the newest earlier value
    direction: str | None  # "up", "down", "same" or "changed" (not numbers); None: no history
    history: tuple[FigureValue, ...]  # newest first
    flagged: Claim | None = None  # how it rests on a discredited source (.integrity); None: not

    @classmethod
    def build(
        cls, figure: KeyFigure, position: int, as_of: date | datetime,
        flagged: Claim | None = None,
    ) -> FigureView:  # fmt: skip
        history = tuple(_history(figure))
        previous = history[0] if history else None
        direction = None
        if previous is not None:
            now, then = leading_number(figure.value), leading_number(previous.value)
            if now is not None and then is not None:
                direction = "up" if now > then else "down" if now < then else "same"
            else:
                direction = "same" if figure.value == previous.value else "changed"
        return cls(figure_anchor(figure, position), figure, figure.as_of or as_of,
                   figure.as_of is None, previous, direction, history, flagged)  # fmt: skip


def figure_views(briefing: Briefing, affected: Sequence[Claim] = ()) -> list[FigureView]:
    """Every key figure's view; ``affected``: the key figures' claims resting on a
    discredited source (:attr:`.integrity.Integrity.affected`)."""
    meta, flagged = briefing.meta, {claim.loc: claim for claim in affected}
    return [
        FigureView.build(f, n, meta.as_of, flagged.get(("key_figures", n - 1)))
        for n, f in enumerate(meta.key_figures, start=1)
    ]


@dataclass(frozen=True)
class LatestDay:
    """The newest day's changes, as the overview shows them."""

    day: date
    changes: list[Change]  # the newest ``most`` of that day
    more: int  # how many more that day has


def latest_day(items: list[Change], most: int) -> LatestDay | None:
    """The first day of ``items`` (newest first), at most ``most`` of its changes."""
    if not items:
        return None
    day = items[0].day
    same = list(takewhile(lambda c: c.day == day, items))
    return LatestDay(day, same[:most], max(len(same) - most, 0))
