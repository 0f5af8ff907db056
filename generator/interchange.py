"""Exports in formats other tools load: ``/data/events.csv`` and ``/data/timeline.json``.

``/data/events.csv``: one row per development and place with coordinates, and
one row with empty location fields for a development without such a place, so
every development is present. Newest first, in the order of the timeline and
of the other exports; a development's places in the order it names them.
The first columns carry ACLED's names and meanings (``ACLED_COLUMNS``), ours
follow (``OWN_COLUMNS``). RFC 4180: a header row, CRLF line ends, fields quoted
where needed; UTF-8 with a byte-order mark, so that Excel opened by a double
click reads Arabic names right (pandas, R and LibreOffice skip the mark; with
Python's csv module open it with ``encoding="utf-8-sig"``).

Every text cell whose first character (or first after leading spaces) is
``=``, ``+``, ``-`` or ``@``, or which starts with a tab or a carriage return,
gets a leading ``'`` so that no spreadsheet runs it as a formula (OWASP, "CSV
Injection"). Numbers the generator formats itself (year, time_precision,
latitude, longitude, timestamp) are written as they are, so ``-3.5`` stays a
number.

``/data/timeline.json``: TimelineJS's JSON format: a ``title`` slide from
briefing.yaml and one ``events`` slide per development, with its date as
written (no day for a month-precise date), its title (HTML-escaped), its
summary as safe HTML (:func:`.markup.prose_html`: raw HTML shown as text, no
``javascript:`` links) and a link to its page, ``group`` its status and
``unique_id`` its id.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from .exports import compact_json, development_flags
from .integrity import Flag
from .links import commonmark
from .markup import prose_html
from .model import Briefing, day_of, last_updated, moment_key
from .schema import Development, Place
from .urls import permalink

__all__ = [
    "ACLED_COLUMNS", "OWN_COLUMNS", "TIME_PRECISION", "events_csv", "neutralise",
    "plain_text", "timeline_json",
]  # fmt: skip

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "actor1", "actor2", "country",
    "admin1", "location", "latitude", "longitude", "source", "notes", "tags", "timestamp",
)  # fmt: skip
OWN_COLUMNS = (
    "development", "place", "title", "status", "url", "actors", "discredited_or_retracted",
)  # fmt: skip
# ACLED's time_precision: 1 the day is known, 2 the week, 3 only the month.
TIME_PRECISION = {"day": 1, "week": 2, "month": 3}
_FORMULA = ("=", "+", "-", "@")
_ADMIN1 = frozenset({"governorate", "region"})


def neutralise(text: str) -> str:
    """A text cell no spreadsheet takes for a formula."""
    if text.startswith(("\t", "\r")) or text.lstrip().startswith(_FORMULA):
        return "'" + text
    return text


@lru_cache(maxsize=65536)  # a summary is parsed again only when it changed (make serve)
def plain_text(markdown: str) -> str:
    """The words of a Markdown field on one line, without markup."""
    words: list[str] = []
    for token in commonmark().parse(markdown):
        if token.type in ("fence", "code_block"):
            words.append(token.content)
        for child in token.children or ():
            if child.type in ("text", "code_inline", "image"):  # an image: its alt text
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        if token.nesting != 1:  # a block ended: never glue two blocks' words together
            words.append(" ")
    return " ".join("".join(words).split())


def _up(place_id: str, briefing: Briefing) -> Iterator[Place]:
    """The place and every place it lies within, innermost first."""
    seen: set[str] = set()
    current: str | None = place_id
    while current is not None and current not in seen and current in briefing.places:
        seen.add(current)
        place = briefing.places[current]
        yield place
        current = place.within


def _country_admin1(place_id: str, briefing: Briefing) -> tuple[str, str]:
    """ACLED's country and admin1: the first country up the ``within`` chain, and the
    first governorate or region below it."""
    admin1 = ""
    for place in _up(place_id, briefing):
        if place.kind == "country":
            return place.name, admin1
        if place.kind in _ADMIN1 and not admin1:
            admin1 = place.name
    return "", admin1


def _withdrawn_text(flags: tuple[Flag, ...]) -> str:
    return "; ".join(f"{f.source.name} ({f.how} {day_of(f.at).isoformat()})" for f in flags)


def _rows(briefing: Briefing, site_url: str) -> Iterator[list[str | int | float]]:
    integrity = briefing.integrity
    for ident, dev in briefing.developments_newest_first():
        actors = [briefing.actors[a].name for a in dict.fromkeys(dev.actors)]
        sources = [briefing.sources[r.source].name for r in dev.sources]
        day = day_of(dev.date)
        common: dict[str, str | int] = {
            "event_date": day.isoformat(),
            "year": day.year,
            "time_precision": TIME_PRECISION[dev.date_precision],
            "actor1": actors[0] if actors else "",
            "actor2": actors[1] if len(actors) > 1 else "",
            "source": "; ".join(dict.fromkeys(sources)),
            "notes": plain_text(dev.summary),
            "tags": "; ".join(dev.tags),
            "timestamp": int(moment_key(last_updated(dev)).timestamp()),
            "development": ident,
            "title": dev.title,
            "status": dev.status,
            "url": permalink(site_url, "development", ident),
            "actors": "; ".join(actors),
            "discredited_or_retracted": _withdrawn_text(development_flags(integrity, ident)),
        }
        located = _located(dev, briefing)
        for pid, place in located or [("", None)]:
            row: dict[str, str | int | float] = {**common, "event_id_cnty": ident, "place": pid}
            if place is not None and place.lat is not None and place.lon is not None:
                country, admin1 = _country_admin1(pid, briefing)
                row |= {
                    "event_id_cnty": f"{ident}/{pid}", "country": country, "admin1": admin1,
                    "location": place.name, "latitude": place.lat, "longitude": place.lon,
                }  # fmt: skip
            yield [_cell(row.get(column, "")) for column in (*ACLED_COLUMNS, *OWN_COLUMNS)]


def _located(dev: Development, briefing: Briefing) -> list[tuple[str, Place | None]]:
    out: list[tuple[str, Place | None]] = []
    for pid in dict.fromkeys(dev.places):
        place = briefing.places[pid]
        if place.lat is not None and place.lon is not None:
            out.append((pid, place))
    return out


def _cell(value: str | int | float) -> str | int | float:
    """Text is neutralised; numbers (formatted here, never typed by a user) are kept."""
    return neutralise(value) if isinstance(value, str) else value


def events_csv(briefing: Briefing, site_url: str = "") -> str:
    """The CSV export, byte-order mark included."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*ACLED_COLUMNS, *OWN_COLUMNS])
    writer.writerows(_rows(briefing, site_url))
    return "\ufeff" + buffer.getvalue()


def _date(dev: Development) -> dict[str, Any]:
    day = day_of(dev.date)
    start: dict[str, Any] = {"year": day.year, "month": day.month}
    if dev.date_precision != "month":
        start["day"] = day.day
    if dev.date_precision == "week":
        start["display_date"] = f"Week of {day.isoformat()}"
    return start


def _event(ident: str, dev: Development, site_url: str) -> dict[str, Any]:
    href = html.escape(permalink(site_url, "development", ident))
    link = f'<p><a href="{href}">The full entry: sources, key points, assessment</a></p>'
    return {
        "start_date": _date(dev),
        "text": {"headline": html.escape(dev.title), "text": prose_html(dev.summary) + link},
        "group": dev.status,
        "unique_id": ident,
        "autolink": False,
    }


def timeline_json(briefing: Briefing, site_url: str = "") -> str:
    """The TimelineJS export: developments newest first (TimelineJS sorts by date)."""
    meta = briefing.meta
    data = {
        "title": {
            "text": {"headline": html.escape(meta.title), "text": prose_html(meta.summary)},
            "autolink": False,
        },
        "events": [
            _event(ident, dev, site_url) for ident, dev in briefing.developments_newest_first()
        ],
        "scale": "human",
    }
    return compact_json(data) + "\n"
