"""Machine-readable outputs: the Atom feed and the data exports.

All dates come from the briefing (``as_of``, development dates, update stamps),
never from the clock, so two builds of one input give the same bytes.

``/data/developments.json`` shape, version 1::

    {"version": 1, "briefing": {title, subtitle, region, as_of, summary},
     "developments": [{id, url, title, date, updated, status, summary, tags,
        places: [{id, name, aliases, kind, lat, lon}], actors: [{id, name, short, kind, side}],
        sources: [{id, name, kind, reliability, title, url, published}],
        key_points: [{text, sources: [ids], credibility}],
        assessment: {text, confidence, likelihood} | null,
        related: [ids], updates: [{at, note}]}]}   # newest first

``/data/events.geojson``: an RFC 7946 FeatureCollection with one Point for every
development and each of its places that has coordinates (longitude first).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from typing import Any

from .markup import prose_html
from .model import Briefing, moment_key
from .schema import Development

__all__ = ["EXPORT_VERSION", "atom_feed", "developments_json", "events_geojson"]

EXPORT_VERSION = 1
ATOM = "http://www.w3.org/2005/Atom"


def _iso(moment: date | datetime) -> str:
    return moment.isoformat()


def _rfc3339(moment: date | datetime) -> str:
    """Atom wants a full timestamp; a bare date is its start, in UTC."""
    return moment_key(moment).isoformat().replace("+00:00", "Z")


def _updated(dev: Development) -> date | datetime:
    return max([dev.date, *(u.at for u in dev.updates)], key=moment_key)


def _url(site_url: str, ident: str) -> str:
    path = f"situation/{ident}/"
    return f"{site_url.rstrip('/')}/{path}" if site_url else path


def _development(ident: str, dev: Development, briefing: Briefing, site_url: str) -> dict[str, Any]:
    sources = []
    for ref in dev.sources:
        source = briefing.sources[ref.source]
        sources.append(
            {
                "id": ref.source,
                "name": source.name,
                "kind": source.kind,
                "reliability": source.reliability,
                "title": ref.title,
                "url": ref.url,
                "published": _iso(ref.published) if ref.published else None,
            }
        )
    places = []
    for pid in dev.places:
        place = briefing.places[pid]
        places.append(
            {
                "id": pid,
                "name": place.name,
                "aliases": list(place.aliases),
                "kind": place.kind,
                "lat": place.lat,
                "lon": place.lon,
            }
        )
    actors = [
        {"id": aid, "name": a.name, "short": a.short, "kind": a.kind, "side": a.side}
        for aid, a in ((aid, briefing.actors[aid]) for aid in dev.actors)
    ]
    return {
        "id": ident,
        "url": _url(site_url, ident),
        "title": dev.title,
        "date": _iso(dev.date),
        "updated": _iso(_updated(dev)),
        "status": dev.status,
        "summary": dev.summary,
        "tags": list(dev.tags),
        "places": places,
        "actors": actors,
        "sources": sources,
        "key_points": [
            {"text": p.text, "sources": list(p.sources), "credibility": p.credibility}
            for p in dev.key_points
        ],
        "assessment": (
            {
                "text": dev.assessment.text,
                "confidence": dev.assessment.confidence,
                "likelihood": dev.assessment.likelihood,
            }
            if dev.assessment
            else None
        ),
        "related": list(dev.related),
        "updates": [{"at": _iso(u.at), "note": u.note} for u in dev.updates],
    }


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def developments_json(
    briefing: Briefing, site_url: str = "", memo: dict[str, tuple[Any, str]] | None = None
) -> str:
    """The JSON export. ``memo`` (kept by a long-lived caller) reuses the encoded record
    of every development whose inputs compare equal to last time."""
    meta = briefing.meta
    head = {
        "version": EXPORT_VERSION,
        "briefing": {
            "title": meta.title,
            "subtitle": meta.subtitle,
            "region": meta.region,
            "as_of": _iso(meta.as_of),
            "summary": meta.summary,
        },
    }
    records = []
    for ident, dev in briefing.developments_newest_first():
        key = (
            dev, site_url,
            [briefing.places[p] for p in dev.places],
            [briefing.actors[a] for a in dev.actors],
            [briefing.sources[ref.source] for ref in dev.sources],
        )  # fmt: skip
        known = memo.get(ident) if memo is not None else None
        if known is not None and known[0] == key:
            records.append(known[1])
            continue
        record = _dumps(_development(ident, dev, briefing, site_url))
        if memo is not None:
            memo[ident] = (key, record)
        records.append(record)
    # The same bytes as encoding {"version", "briefing", "developments"} in one go.
    return _dumps(head)[:-1] + ',"developments":[' + ",".join(records) + "]}\n"


def events_geojson(briefing: Briefing, site_url: str = "") -> str:
    features = []
    for ident, dev in briefing.developments_newest_first():
        for pid in dict.fromkeys(dev.places):
            place = briefing.places[pid]
            if place.lat is None or place.lon is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "id": f"{ident}/{pid}",
                    "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                    "properties": {
                        "development": ident,
                        "title": dev.title,
                        "date": _iso(dev.date),
                        "status": dev.status,
                        "place": pid,
                        "place_name": place.name,
                        "url": _url(site_url, ident),
                    },
                }
            )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "briefing"


def atom_feed(
    briefing: Briefing, site_url: str = "", memo: dict[str, tuple[Any, ET.Element]] | None = None
) -> str:
    """An Atom 1.0 feed, one entry per development, newest first. ``memo`` (kept by a
    long-lived caller) reuses the entry of every development that did not change."""
    ET.register_namespace("", ATOM)
    meta = briefing.meta
    newest = briefing.developments_newest_first()
    root = ET.Element(f"{{{ATOM}}}feed")
    base = f"urn:briefing:{_slug(meta.title)}"

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    sub(root, "id", base)
    sub(root, "title", meta.title)
    if meta.subtitle:
        sub(root, "subtitle", meta.subtitle)
    stamps = [meta.as_of, *(_updated(dev) for _, dev in newest)]
    sub(root, "updated", _rfc3339(max(stamps, key=moment_key)))
    home = f"{site_url.rstrip('/')}/" if site_url else "./"
    sub(root, "link", href=home, rel="alternate", type="text/html")
    sub(root, "link", href=f"{home}feed.xml" if site_url else "feed.xml", rel="self")
    author = sub(root, "author")
    sub(author, "name", meta.title)
    for ident, dev in newest:
        known = memo.get(ident) if memo is not None else None
        if known is not None and known[0] == (dev, site_url, base):
            root.append(known[1])
            continue
        entry = sub(root, "entry")
        if memo is not None:
            memo[ident] = ((dev, site_url, base), entry)
        sub(entry, "id", f"{base}:situation:{ident}")
        sub(entry, "title", dev.title)
        sub(entry, "link", href=_url(site_url, ident), rel="alternate", type="text/html")
        sub(entry, "published", _rfc3339(dev.date))
        sub(entry, "updated", _rfc3339(_updated(dev)))
        sub(entry, "summary", prose_html(dev.summary), type="html")
        sub(entry, "category", term=dev.status)
        for tag in dev.tags:
            sub(entry, "category", term=tag)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
