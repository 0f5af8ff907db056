"""The three clocks of a development, and when it has gone stale.

A development page shows three moments: when it **happened** (its ``date``, as
exactly as ``date_precision`` says it is known: :func:`date_label`), when the
briefing **last updated** it (its newest update: :func:`.model.last_updated`),
and the briefing's **as of**. It also shows how its status **moved**
(:func:`status_history`) and whether it is **stale** (:func:`stale_days`).

A week or a month is that of the calendar day as written (a datetime keeps its
own offset's day, like the timeline's day groups: :func:`.model.day_of`).
Staleness counts whole days between **calendar days in UTC**: both moments go
through :func:`.model.moment_key` (a bare date is the start of its day in UTC)
and their UTC dates are subtracted, whatever the hour. So an update at
2024-12-02T01:00+03:00 (1 December, 22:00 UTC) is one day before a briefing as
of 2024-12-02T09:00+00:00, and a development dated 2024-12-01 is seven days
before a briefing as of 2024-12-08T23:59+00:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from markupsafe import Markup

from .markup import plain
from .model import day_of, last_updated, moment_key
from .schema import BriefingMeta, Development
from .vocabulary import VOCABULARY

__all__ = [
    "STALE_STATUSES", "StatusStep", "date_label", "human_date", "stale_days",
    "status_history", "time_tag",
]  # fmt: skip

# The statuses that still wait for confirmation; only these go stale.
STALE_STATUSES = ("reported", "claimed")

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def human_date(moment: date | datetime) -> str:
    """6 December 2024, or 6 December 2024, 11:06 (UTC+02:00)."""
    day = f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
    if not isinstance(moment, datetime):
        return day
    offset = moment.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{day}, {moment:%H:%M} ({zone})"


def _check(precision: str) -> None:
    if precision not in VOCABULARY.date_precision.values:
        known = ", ".join(VOCABULARY.date_precision.values)
        raise ValueError(f"unknown date precision {precision!r} (one of {known})")


def date_label(moment: date | datetime, precision: str = "day") -> str:
    """When something happened, no more exactly than it is known.

    day: "6 December 2024" (with the time when ``moment`` has one, as :func:`human_date`);
    week: "week of 25 November 2024" (the Monday of the ISO week of the day as written);
    month: "November 2024".
    """
    _check(precision)
    if precision == "day":
        return human_date(moment)
    day = day_of(moment)
    if precision == "week":
        return f"week of {human_date(day - timedelta(days=day.weekday()))}"
    return f"{_MONTHS[day.month - 1]} {day.year}"


def _machine(moment: date | datetime, precision: str) -> str:
    """The HTML ``<time datetime>`` value: the moment, an ISO week or a month."""
    if precision == "day":
        return moment.isoformat()
    day = day_of(moment)
    if precision == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def time_tag(moment: date | datetime, precision: str = "day") -> Markup:
    """``<time>`` around :func:`date_label`: the template filter ``time``."""
    label = date_label(moment, precision)
    return Markup(f'<time datetime="{_machine(moment, precision)}">{plain(label)}</time>')


def stale_days(dev: Development, meta: BriefingMeta) -> int | None:
    """Days since the briefing last touched ``dev``, when that is too long ago.

    Only a development still ``reported`` or ``claimed`` goes stale, when its newest
    update (its date, when it has none) is more than ``meta.stale_after_days``
    calendar days (in UTC, see the module docstring) before ``meta.as_of``.
    """
    if dev.status not in STALE_STATUSES:
        return None
    days = (moment_key(meta.as_of).date() - moment_key(last_updated(dev)).date()).days
    return days if days > meta.stale_after_days else None


@dataclass(frozen=True)
class StatusStep:
    """One update that set a status: from ``before`` (None for the first known) to ``after``."""

    at: date | datetime
    before: str | None
    after: str
    note: str


def status_history(dev: Development) -> tuple[StatusStep, ...]:
    """How ``dev``'s status moved, oldest first: one step per update that carries a status.

    The first step's status is the first known one (``before`` is None); updates
    without a status are left out (the update history lists them). Empty when no
    update carries a status.
    """
    oldest_first = sorted(reversed(dev.updates), key=lambda u: moment_key(u.at))
    steps: list[StatusStep] = []
    for update in oldest_first:
        if update.status is not None:
            before = steps[-1].after if steps else None
            steps.append(StatusStep(update.at, before, update.status, update.note))
    return tuple(steps)
