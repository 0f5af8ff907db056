"""The timeline's filter index: every development in a few compact columns, for the
filters on ``/situation/`` (``templates/assets/filters.js``).

Written as a script, ``assets/briefing/filter-index.js``, that sets one global:
a ``<script>`` element loads it from ``file://`` too (the offline copy), where
``fetch()`` of a JSON file fails. The page loads it only when the reader first
touches a filter or opens a link carrying filters, so the timeline's own weight
does not grow with the briefing. Shape, version 1::

    window.bfFilterIndex = {"version": 1,
      "statuses": [value, ...],              # the status vocabulary, in its order
      "actors": [[id, name], ...],           # by name; a development names them by position
      "places": [[id, name], ...],           # by name
      "tags": [[id, name], ...],             # by name; ids as the tag pages' (generator/tags.py)
      "id": [...], "title": [...],           # one entry per development, newest first
      "status": [code, ...],                 # position in "statuses"
      "day": [n, ...],                       # its calendar day as written: days since 1970-01-01
      "precision": [0 day | 1 week | 2 month, ...],
      "actor": [[code, ...], ...], "place": [[code, ...], ...], "tag": [[code, ...], ...]}

A development's ``place`` codes include every place its places lie within (a
development in Homs city is found under the Homs governorate and Syria). Text
from the briefing is JSON string data, never markup: the script builds the page
with ``textContent``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from .model import Briefing, day_of
from .schema import Development
from .tags import dev_tags, tags_of
from .vocabulary import VOCABULARY

__all__ = [
    "FILTER_INDEX_GLOBAL", "FILTER_INDEX_VERSION", "filter_index", "filter_index_data",
    "index_script",
]  # fmt: skip

FILTER_INDEX_VERSION = 1
FILTER_INDEX_GLOBAL = "bfFilterIndex"
_EPOCH = date(1970, 1, 1).toordinal()
_PRECISION = {"day": 0, "week": 1, "month": 2}


def _by_name(entries: dict[str, Any]) -> list[str]:
    return sorted(entries, key=lambda ident: (str(entries[ident].name).casefold(), ident))


def _within(briefing: Briefing, place: str) -> list[str]:
    """The place and every place it lies within, innermost first (a cycle stops the walk)."""
    chain: list[str] = []
    current: str | None = place
    while current is not None and current not in chain and current in briefing.places:
        chain.append(current)
        current = briefing.places[current].within
    return chain


def filter_index_data(
    briefing: Briefing, newest: list[tuple[str, Development]] | None = None
) -> dict[str, Any]:
    """The index as plain data (see the module docstring); ``newest``: the developments
    newest first, when the caller has them already."""
    if newest is None:
        newest = briefing.developments_newest_first()
    statuses = list(VOCABULARY.status.values)
    actors, places = _by_name(briefing.actors), _by_name(briefing.places)
    tags = tags_of(newest)
    status_code = {value: n for n, value in enumerate(statuses)}
    actor_code = {ident: n for n, ident in enumerate(actors)}
    place_code = {ident: n for n, ident in enumerate(places)}
    tag_code = {ident: n for n, ident in enumerate(tags)}
    chains = {ident: [place_code[p] for p in _within(briefing, ident)] for ident in places}
    columns: dict[str, list[Any]] = {
        key: [] for key in ("id", "title", "status", "day", "precision", "actor", "place", "tag")
    }
    for ident, dev in newest:
        columns["id"].append(ident)
        columns["title"].append(dev.title)
        columns["status"].append(status_code[dev.status])
        columns["day"].append(day_of(dev.date).toordinal() - _EPOCH)
        columns["precision"].append(_PRECISION[dev.date_precision])
        columns["actor"].append(list(dict.fromkeys(actor_code[a] for a in dev.actors)))
        named = dict.fromkeys(code for p in dev.places for code in chains[p])
        columns["place"].append(sorted(named))
        columns["tag"].append([tag_code[t] for t, _ in dev_tags(dev)])
    return {
        "version": FILTER_INDEX_VERSION,
        "statuses": statuses,
        "actors": [[a, briefing.actors[a].name] for a in actors],
        "places": [[p, briefing.places[p].name] for p in places],
        "tags": [[t, tag.name] for t, tag in tags.items()],
        **columns,
    }


def filter_index(briefing: Briefing, newest: list[tuple[str, Development]] | None = None) -> str:
    """The index file's text (see the module docstring)."""
    return index_script(filter_index_data(briefing, newest))


def index_script(data: dict[str, Any]) -> str:
    """Index data as the file's text: one assignment of a JSON literal to a global."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # JSON is JavaScript since ES2019; older engines end a string at these two characters.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{FILTER_INDEX_GLOBAL}={text};\n"
