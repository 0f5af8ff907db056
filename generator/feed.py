"""The Atom feed: one entry per development, newest first, then one per change
that is not a new development (an update, a change of status, a revised key
figure: :mod:`.changes`), newest first.

Feed readers know an entry by its id, so ids must outlive a renamed briefing
or a moved site. The feed's id is the ``feed_id`` setting when given, else a
``tag:`` URI made from ``site_url`` (RFC 4151: ``tag:example.org,2000:/briefing/``);
without either, an URN made from the title, which a rename changes (the plugin
says so). Every entry's id is the feed's id plus the development's id; a
change's id adds its subject, moment and kind (:func:`change_entries`).
All dates come from the briefing, never from the clock.

The entry of a development with a claim resting on a discredited source or a
retracted report (:mod:`.integrity`) says so: its summary starts with a
sentence naming each such source and the date, and it carries the category
``discredited-source`` or ``retracted-report`` (or both).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from .changes import Change, changes
from .exports import development_flags
from .ids import slugify
from .integrity import Flag
from .markup import prose_html
from .model import Briefing, day_of, last_updated, moment_key
from .urls import permalink

__all__ = [
    "ATOM", "FEED_ID_PATTERN", "WITHDRAWN_CATEGORY", "atom_feed", "change_entries", "feed_id",
]  # fmt: skip

ATOM = "http://www.w3.org/2005/Atom"
# Any absolute URI: tag:, urn:, http(s):…
FEED_ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"]+$")
# The date part of a tag: URI made from site_url: fixed, so the id never changes.
TAG_DATE = "2000"
# The category of an entry resting on a withdrawn source: {how: (term, label)}.
WITHDRAWN_CATEGORY = {
    "discredited": ("discredited-source", "Rests on a discredited source"),
    "retracted": ("retracted-report", "Rests on a retracted report"),
}


def feed_id(site_url: str, configured: str, title: str) -> str:
    """The feed's id: ``configured``, else one made from ``site_url``, else from ``title``."""
    if configured:
        return configured
    parts = urlsplit(site_url) if site_url else None
    if parts is not None and parts.hostname:
        return f"tag:{parts.hostname},{TAG_DATE}:{parts.path or '/'}"
    return f"urn:briefing:{slugify(title) or 'briefing'}"


def _rfc3339(moment: date | datetime) -> str:
    """Atom wants a full timestamp; a bare date is its start, in UTC."""
    return moment_key(moment).isoformat().replace("+00:00", "Z")


def atom_feed(
    briefing: Briefing,
    site_url: str = "",
    memo: dict[str, tuple[Any, ET.Element]] | None = None,
    configured_id: str = "",
) -> str:
    """An Atom 1.0 feed. ``memo`` (kept by a long-lived caller) reuses the entry of
    every development that did not change."""
    ET.register_namespace("", ATOM)
    meta = briefing.meta
    newest = briefing.developments_newest_first()
    root = ET.Element(f"{{{ATOM}}}feed")
    base = feed_id(site_url, configured_id, meta.title)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    sub(root, "id", base)
    sub(root, "title", meta.title)
    if meta.subtitle:
        sub(root, "subtitle", meta.subtitle)
    found = changes(briefing)
    stamps = [meta.as_of, *(last_updated(dev) for _, dev in newest), *(c.moment for c in found)]
    sub(root, "updated", _rfc3339(max(stamps, key=moment_key)))
    home = permalink(site_url, "home") or "./"
    sub(root, "link", href=home, rel="alternate", type="text/html")
    sub(root, "link", href=permalink(site_url, "feed"), rel="self")
    author = sub(root, "author")
    sub(author, "name", meta.title)
    def fresh_entry(ident: str, inputs: Any) -> ET.Element | None:
        """A new entry for ``ident``; None when ``memo`` held one from the same inputs
        (it is reused)."""
        known = memo.get(ident) if memo is not None else None
        if known is not None and known[0] == inputs:
            root.append(known[1])
            return None
        entry = sub(root, "entry")
        if memo is not None:
            memo[ident] = (inputs, entry)
        return entry

    integrity = briefing.integrity
    for ident, dev in newest:
        flags = development_flags(integrity, ident)
        entry = fresh_entry(ident, (dev, site_url, base, flags))
        if entry is None:
            continue
        sub(entry, "id", f"{base}:situation:{ident}")
        sub(entry, "title", dev.title)
        sub(entry, "link", href=permalink(site_url, "development", ident), rel="alternate",
            type="text/html")  # fmt: skip
        sub(entry, "published", _rfc3339(dev.date))
        sub(entry, "updated", _rfc3339(last_updated(dev)))
        sub(entry, "summary", _withdrawn_notice(flags) + prose_html(dev.summary), type="html")
        sub(entry, "category", term=dev.status)
        for how in dict.fromkeys(flag.how for flag in flags):
            term, label = WITHDRAWN_CATEGORY[how]
            sub(entry, "category", term=term, label=label)
        for tag in dev.tags:
            sub(entry, "category", term=tag)
    for ident, change in change_entries(found, base):
        entry = fresh_entry(ident, (change, site_url, base))
        if entry is None:
            continue
        title, summary = _change_text(change)
        sub(entry, "id", ident)
        sub(entry, "title", title)
        target = (permalink(site_url, "changes") + f"#{change.anchor}" if change.kind == "figure"
                  else permalink(site_url, "development", change.subject))  # fmt: skip
        sub(entry, "link", href=target, rel="alternate", type="text/html")
        sub(entry, "updated", _rfc3339(change.moment))
        sub(entry, "summary", summary)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def change_entries(found: list[Change], base: str) -> list[tuple[str, Change]]:
    """Every change but a new development (its own entry says that), with its entry id:
    ``{base}:change:<development or figure id>:<UTC timestamp>:<kind>``, plus ``:2``, ``:3``…
    for a second change of the same subject, moment and kind."""
    out, seen = [], Counter[str]()
    for change in found:
        if change.kind == "new":
            continue
        ident = f"{base}:change:{change.subject}:{_rfc3339(change.moment)}:{change.kind}"
        seen[ident] += 1
        out.append((ident if seen[ident] == 1 else f"{ident}:{seen[ident]}", change))
    return out


def _change_text(change: Change) -> tuple[str, str]:
    """An entry's title and summary (plain text)."""
    if change.kind == "figure":
        move = f"{change.before} → {change.after}"
        return f"Key figure revised: {change.title}: {move}", change.note or move
    if change.kind == "status":
        move = f"{change.before} → {change.after}" if change.before else f"set to {change.after}"
        return f"Status of {change.title}: {move}", f"Status {move}."
    return f"Update: {change.title}", change.note or ""


def _withdrawn_notice(flags: tuple[Flag, ...]) -> str:
    """HTML: which withdrawn sources the development's claims rest on, and since when
    ("" when none)."""
    if not flags:
        return ""
    named = []
    for flag in flags:
        name = html.escape(flag.source.name)
        day = day_of(flag.at).isoformat()
        if flag.how == "discredited":
            named.append(f"{name} (discredited on {day})")
        else:
            report = f", &#8220;{html.escape(flag.report)}&#8221;" if flag.report else ""
            named.append(f"{name}{report} (report retracted on {day})")
    return (
        "<p><strong>Withdrawn sources:</strong> claims in this development rest on "
        + "; ".join(named) + ".</p>\n"
    )  # fmt: skip
