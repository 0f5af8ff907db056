"""The validated briefing: what the renderer and the exports read.

Plain, immutable data. Ordering helpers live here so that every page and
export sorts developments the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from .schema import Actor, BriefingMeta, Development, Indicator, Place, Source, Topic

if TYPE_CHECKING:
    from .integrity import Integrity

__all__ = ["Briefing", "day_of", "last_updated", "moment_key"]


def moment_key(moment: date | datetime) -> datetime:
    """A sortable UTC datetime; a bare date counts as the start of its day in UTC."""
    if isinstance(moment, datetime):
        return moment.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def day_of(moment: date | datetime) -> date:
    """The calendar day as written (a datetime keeps its own offset's day)."""
    return moment.date() if isinstance(moment, datetime) else moment


def last_updated(dev: Development) -> date | datetime:
    """When the briefing last touched a development: its newest update, else its date."""
    return max([dev.date, *(u.at for u in dev.updates)], key=moment_key)


@dataclass(frozen=True)
class Briefing:
    meta: BriefingMeta
    sources: dict[str, Source] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    developments: dict[str, Development] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)  # the watch list, in file order

    @cached_property
    def integrity(self) -> Integrity:
        """Which claims rest on withdrawn sources (:mod:`.integrity`), worked out once
        for the pages, the exports, the feed and the checks alike."""
        from .integrity import Integrity  # it reads the Briefing defined here

        return Integrity.of(self)

    def developments_newest_first(self) -> list[tuple[str, Development]]:
        # By the calendar day as written first, so that the timeline's day groups
        # stay in order when offsets differ; then by the moment, then by id.
        return sorted(
            self.developments.items(),
            key=lambda item: (day_of(item[1].date), moment_key(item[1].date), item[0]),
            reverse=True,
        )

    def topics_in_order(self) -> list[tuple[str, Topic]]:
        return sorted(
            self.topics.items(),
            key=lambda item: (item[1].order if item[1].order is not None else 10**9, item[0]),
        )
