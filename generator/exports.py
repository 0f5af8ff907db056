"""Machine-readable outputs: the data exports (the Atom feed is in :mod:`.feed`, the CSV
and TimelineJS files in :mod:`.interchange`).

All dates come from the briefing (``as_of``, development dates, update stamps),
never from the clock, so two builds of one input give the same bytes.

``/data/developments.json`` shape, version 1::

    {"version": 1, "briefing": {title, subtitle, region, as_of, summary},
     "vocabulary": {status: {value: meaning}, reliability, credibility, confidence,
        likelihood, date_precision},
     "developments": [{id, url, title, date, date_precision (day, week or month),
        updated, status, summary, tags,
        places: [{id, name, aliases, kind, lat, lon}], actors: [{id, name, short, kind, side}],
        sources: [{id, name, kind, reliability, title, url, published,
                   discredited: {at, note} | null, retracted: {at, note} | null}],
        key_points: [{text, sources: [ids], credibility, withdrawn, unsupported}],
        competing_claims: [{claim, by: [ids], verdict, note, withdrawn, unsupported}],
        assessment: {text, confidence, likelihood} | null,
        related: [ids], updates: [{at, note}],
        withdrawn}]}   # newest first

``withdrawn`` lists the discredited sources and retracted reports a claim rests
on (:mod:`.integrity`), each ``{source: id, name, how: "discredited" or
"retracted", at, note, report: the retracted report's title or null}``; on a
development, every one its key points and competing claims rest on, once each.
``unsupported`` is true when every source a claim cites is withdrawn.

The version changes only when a field is removed or changes its meaning; new
fields are added within a version, so a reader should ignore keys it does not know.

``/data/events.geojson``: an RFC 7946 FeatureCollection with one Point for every
development and each of its places that has coordinates (longitude first).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from .integrity import Claim, Flag, Integrity
from .model import Briefing, last_updated
from .schema import Development, Withdrawal
from .urls import permalink
from .vocabulary import VOCABULARY

__all__ = [
    "EXPORT_VERSION", "compact_json", "developments_json", "development_flags", "events_geojson",
]  # fmt: skip

EXPORT_VERSION = 1


def _iso(moment: date | datetime) -> str:
    return moment.isoformat()


def compact_json(data: Any) -> str:
    """JSON as the exports write it: UTF-8 text kept as is, no spaces."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def development_flags(integrity: Integrity, ident: str) -> tuple[Flag, ...]:
    """Every discredited source and retracted report that a claim of development ``ident``
    rests on, once each, in the order its claims cite them."""
    found: dict[tuple[str, str], Flag] = {}
    for claim in integrity.of_development(ident):
        for flag in claim.flags:
            found.setdefault((flag.source_id, flag.how), flag)
    return tuple(found.values())


def _withdrawn(flags: tuple[Flag, ...]) -> list[dict[str, Any]]:
    return [
        {"source": f.source_id, "name": f.source.name, "how": f.how, "at": _iso(f.at),
         "note": f.note, "report": f.report}
        for f in flags
    ]  # fmt: skip


def _withdrawal(withdrawal: Withdrawal | None) -> dict[str, str] | None:
    return {"at": _iso(withdrawal.at), "note": withdrawal.note} if withdrawal else None


def _standing(claim: Claim | None) -> dict[str, Any]:
    """What a claim's record says about its withdrawn sources."""
    flags = claim.flags if claim else ()
    return {"withdrawn": _withdrawn(flags), "unsupported": bool(claim and claim.unsupported)}


def _development(
    ident: str, dev: Development, briefing: Briefing, site_url: str, integrity: Integrity
) -> dict[str, Any]:
    claims = {claim.loc: claim for claim in integrity.of_development(ident)}
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
                "discredited": _withdrawal(source.discredited),
                "retracted": _withdrawal(ref.retracted),
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
        "url": permalink(site_url, "development", ident),
        "title": dev.title,
        "date": _iso(dev.date),
        "date_precision": dev.date_precision,
        "updated": _iso(last_updated(dev)),
        "status": dev.status,
        "summary": dev.summary,
        "tags": list(dev.tags),
        "places": places,
        "actors": actors,
        "sources": sources,
        "key_points": [
            {"text": p.text, "sources": list(p.sources), "credibility": p.credibility,
             **_standing(claims.get(("key_points", i)))}
            for i, p in enumerate(dev.key_points)
        ],
        "competing_claims": [
            {"claim": c.claim, "by": list(c.by), "verdict": c.verdict, "note": c.note,
             **_standing(claims.get(("competing_claims", i)))}
            for i, c in enumerate(dev.competing_claims)
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
        "withdrawn": _withdrawn(development_flags(integrity, ident)),
    }


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
        "vocabulary": VOCABULARY.as_data(),
    }
    records = []
    integrity = briefing.integrity
    for ident, dev in briefing.developments_newest_first():
        key = (
            dev, site_url,
            [briefing.places[p] for p in dev.places],
            [briefing.actors[a] for a in dev.actors],
            [briefing.sources[ref.source] for ref in dev.sources],
            [(claim.loc, claim.flags) for claim in integrity.of_development(ident)],
        )  # fmt: skip
        known = memo.get(ident) if memo is not None else None
        if known is not None and known[0] == key:
            records.append(known[1])
            continue
        record = compact_json(_development(ident, dev, briefing, site_url, integrity))
        if memo is not None:
            memo[ident] = (key, record)
        records.append(record)
    # The same bytes as encoding {"version", "briefing", "vocabulary", "developments"} at once.
    return compact_json(head)[:-1] + ',"developments":[' + ",".join(records) + "]}\n"


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
                        "url": permalink(site_url, "development", ident),
                    },
                }
            )
    collection = {"type": "FeatureCollection", "features": features}
    return compact_json(collection) + "\n"
