"""The activity chart of the timeline: developments per day, week or month, by status.

Everything the SVG draws is computed here, in whole user units (a 640-unit-wide
box): the period unit, one bar per period over the whole span (empty periods
too), each bar stacked by status in vocabulary order, a y axis rounded up to a
nice number, x labels spaced so that they never overlap, a text description and
the rows of the table beside the chart. The chart is plain frozen data (tuples,
not lists), so a page context holding it compares by value (the page cache key).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .model import Briefing, day_of
from .templating import human_date
from .vocabulary import VOCABULARY

__all__ = ["ActivityChart", "Bar", "Frame", "Segment", "Tick", "choose_unit", "nice_axis"]

Unit = Literal["day", "week", "month"]

DAYS_MAX = 60  # a span (last day minus first) up to this many days: a bar per day
WEEKS_MAX = 731  # up to about two years: a bar per ISO week (from Monday); else per month
WIDTH = 640
HEIGHT = 216
FONT = 18  # the largest text the stylesheet draws (phones; 13 elsewhere), in user units
CHAR = 0.62 * FONT  # a generous average character width: labels never overlap at FONT
BAR_MAX = 48  # the widest a bar gets, however few periods there are
_LABEL_STEPS: dict[Unit, tuple[int, ...]] = {
    "day": (1, 2, 3, 7, 14, 28),
    "week": (1, 2, 4, 8, 13, 26, 52),
    "month": (1, 2, 3, 6, 12, 24, 60, 120),
}
_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip


@dataclass(frozen=True)
class Segment:
    status: str
    count: int
    x: int
    y: int
    width: int
    height: int
    title: str  # "6 December 2024: 5 reported"


@dataclass(frozen=True)
class Bar:
    start: date  # the period's first day
    name: str  # "6 December 2024", "week of 2 December 2024", "December 2024"
    period: str  # the table's first cell: "6 December 2024", "2 December 2024", "December 2024"
    counts: tuple[int, ...]  # per status of the chart, in its order
    total: int
    segments: tuple[Segment, ...]  # bottom up, statuses with developments only
    centre: int  # x of the bar's middle
    label: str  # the axis label ("6 Dec", "Dec"), or "" when this period has none
    year: str  # the year under the label, where it starts or changes, else ""


@dataclass(frozen=True)
class Tick:
    value: int
    y: int


@dataclass(frozen=True)
class Frame:
    """The plot area and where the axis texts sit."""

    left: int
    right: int
    top: int
    bottom: int
    heading_y: int  # baseline of the y axis title, above the plot
    label_y: int  # baseline of the x tick labels
    year_y: int  # baseline of the years under them
    title_y: int  # baseline of the x axis title
    title_x: int  # middle of the plot


@dataclass(frozen=True)
class ActivityChart:
    unit: Unit
    width: int
    height: int
    frame: Frame
    statuses: tuple[str, ...]  # those with developments, in vocabulary order
    totals: tuple[int, ...]  # developments per status
    total: int
    top: int  # the y axis maximum
    ticks: tuple[Tick, ...]
    bars: tuple[Bar, ...]
    y_title: str  # "Developments per day"
    x_title: str  # "Day", "Week (from Monday)", "Month"
    period_heading: str  # the table's first column
    description: str

    @property
    def layers(self) -> tuple[tuple[str, tuple[Segment, ...]], ...]:
        """Each status with its segments across the bars (drawn as one group per status)."""
        return tuple(
            (status, tuple(s for bar in self.bars for s in bar.segments if s.status == status))
            for status in self.statuses
        )

    @classmethod
    def build(cls, briefing: Briefing) -> ActivityChart | None:
        """The briefing's chart, or None when it has no developments."""
        return cls.of((day_of(d.date), d.status) for d in briefing.developments.values())

    @classmethod
    def of(
        cls, entries: Iterable[tuple[date, str]], unit: Unit | None = None
    ) -> ActivityChart | None:
        """The chart of (day, status) pairs; ``unit`` overrides the one the span implies."""
        days = Counter(entries)
        if not days:
            return None
        first, last = min(d for d, _ in days), max(d for d, _ in days)
        unit = unit or choose_unit(first, last)
        starts = _periods(first, last, unit)
        per: Counter[tuple[date, str]] = Counter()
        for (day, status), n in days.items():
            per[_period_of(day, unit), status] += n
        statuses = tuple(s for s in VOCABULARY.status if any(k[1] == s for k in per))
        counts = [tuple(per[start, s] for s in statuses) for start in starts]
        top, step = nice_axis(max(sum(c) for c in counts))
        labels = [_label(start, unit) for start in starts]
        label_width = max(len(t) for t in [*labels, "0000"]) * CHAR
        left = 12 + math.ceil(len(str(top)) * CHAR)
        right = WIDTH - max(12, math.ceil(label_width / 2) + 2)
        frame = Frame(left, right, 30, 150, 16, 169, 187, 210, (left + right) // 2)
        ticks = tuple(Tick(v, _y(frame, top, v)) for v in range(0, top + 1, step))
        every = _label_every(unit, (frame.right - frame.left) / len(starts), label_width)
        bars = _bars(frame, top, unit, starts, counts, statuses, labels, every, label_width)
        totals = tuple(sum(c[i] for c in counts) for i in range(len(statuses)))
        return cls(
            unit=unit, width=WIDTH, height=HEIGHT, frame=frame, statuses=statuses,
            totals=totals, total=sum(totals), top=top, ticks=ticks, bars=bars,
            y_title=f"Developments per {unit}",
            x_title={"day": "Day", "week": "Week (from Monday)", "month": "Month"}[unit],
            period_heading={"day": "Day", "week": "Week from", "month": "Month"}[unit],
            description=_describe(first, last, unit, bars, statuses, totals),
        )  # fmt: skip


def choose_unit(first: date, last: date) -> Unit:
    """Day for a span of up to 60 days, week up to about two years, else month."""
    span = (last - first).days
    return "day" if span <= DAYS_MAX else "week" if span <= WEEKS_MAX else "month"


def nice_axis(most: int) -> tuple[int, int]:
    """The lowest y axis maximum (at least ``most``) with 3 to 5 ticks from 0 at a nice step
    (1, 2, 2.5 or 5 times a power of ten; 2.5 only from 25), and that step."""
    best: tuple[int, int] | None = None
    magnitude = 1
    while best is None or magnitude <= most:
        quarter = (5 * magnitude // 2,) if magnitude >= 10 else ()  # counts are whole
        for step in (magnitude, 2 * magnitude, *quarter, 5 * magnitude):
            intervals = max(2, math.ceil(most / step))
            if intervals <= 4 and (best is None or intervals * step < best[0]):
                best = (intervals * step, step)
        magnitude *= 10
    return best


def _period_of(day: date, unit: Unit) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _periods(first: date, last: date, unit: Unit) -> list[date]:
    start, end = _period_of(first, unit), _period_of(last, unit)
    out = []
    while start <= end:
        out.append(start)
        if unit == "month":
            start = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        else:
            start += timedelta(days=1 if unit == "day" else 7)
    return out


def _label(start: date, unit: Unit) -> str:
    month = _SHORT_MONTHS[start.month - 1]
    return month if unit == "month" else f"{start.day} {month}"


def _label_every(unit: Unit, step: float, label_width: float) -> int:
    """The smallest k such that labels on every k-th period leave a gap between them."""
    candidates = list(_LABEL_STEPS[unit])
    while candidates[-1] * step < label_width + CHAR:
        candidates.append(candidates[-1] * 2)
    return next(k for k in candidates if k * step >= label_width + CHAR)


def _labelled(before_last: int, start: date, unit: Unit, every: int) -> bool:
    if unit == "month":  # on calendar quarters, halves, years
        return (start.year * 12 + start.month - 1) % every == 0
    return before_last % every == 0  # counted back from the newest period, which has one


def _y(frame: Frame, top: int, value: int) -> int:
    return round(frame.bottom - value * (frame.bottom - frame.top) / top)


def _name(start: date, unit: Unit) -> str:
    if unit == "month":
        return human_date(start).split(" ", 1)[1]
    return human_date(start) if unit == "day" else f"week of {human_date(start)}"


def _bars(
    frame: Frame, top: int, unit: Unit, starts: list[date], counts: list[tuple[int, ...]],
    statuses: tuple[str, ...], labels: list[str], every: int, label_width: float,
) -> tuple[Bar, ...]:  # fmt: skip
    step = (frame.right - frame.left) / len(starts)
    width = max(1, min(BAR_MAX, round(step * 0.75)))
    bars, year = [], ""
    for i, (start, row) in enumerate(zip(starts, counts, strict=True)):
        x = round(frame.left + i * step + (step - width) / 2)
        name = _name(start, unit)
        title = name[0].upper() + name[1:]
        segments, below = [], 0
        for status, n in zip(statuses, row, strict=True):
            if n:
                y = _y(frame, top, below + n)
                height = _y(frame, top, below) - y
                segments.append(Segment(status, n, x, y, width, height, f"{title}: {n} {status}"))
                below += n
        centre = round(frame.left + (i + 0.5) * step)
        shown = _labelled(len(starts) - 1 - i, start, unit, every) and centre >= label_width / 2
        new_year = shown and str(start.year) != year
        year = str(start.year) if shown else year
        bars.append(Bar(
            start, name, name.removeprefix("week of "), row, sum(row), tuple(segments),
            centre, labels[i] if shown else "", year if new_year else "",
        ))  # fmt: skip
    return tuple(bars)


def _span(first: date, last: date) -> str:
    if first == last:
        return f"on {human_date(first)}"
    head = f"{first.day}" if (first.year, first.month) == (last.year, last.month) else (
        human_date(first) if first.year != last.year else human_date(first).rsplit(" ", 1)[0]
    )  # fmt: skip
    return f"from {head} to {human_date(last)}"


def _describe(
    first: date, last: date, unit: Unit, bars: tuple[Bar, ...], statuses: tuple[str, ...],
    totals: tuple[int, ...],
) -> str:  # fmt: skip
    """E.g. "9 developments from 27 November to 6 December 2024, most on 6 December 2024 (5);
    3 confirmed, 6 reported"."""
    total = sum(totals)
    text = f"{total} development{'' if total == 1 else 's'} {_span(first, last)}"
    if len(bars) > 1:
        busiest = max(bars, key=lambda b: b.total)  # the earliest of equals
        where = {"day": "on", "week": "in the", "month": "in"}[unit]
        text += f", most {where} {busiest.name} ({busiest.total})"
    return text + "; " + ", ".join(f"{n} {s}" for s, n in zip(statuses, totals, strict=True))
