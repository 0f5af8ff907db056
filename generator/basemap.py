"""The basemap under a regional map: land, coastline and country borders.

The data is Natural Earth's 1:50m admin-0 countries (public domain), packaged as
TopoJSON by world-atlas and kept in ``generator/data/`` (see NATURAL-EARTH.md
there and ``scripts/update-basemap.sh``); nothing is downloaded at build time.
The file is decoded once per process; each :class:`~generator.geo.Projection`
is clipped once (with a few units of bleed), projected with
:meth:`Projection.xy`, simplified with shapely and rounded to 0.1 SVG unit.

Land is drawn as one filled path whose outline is the coastline: the clip
rectangle's edges fall in the bleed, outside the ``viewBox``. Borders are the
TopoJSON arcs shared by two countries. The data is cut at the antimeridian
(Russia, Fiji, Antarctica) but there is no wrap-around: an extent is a plain
longitude box within -180..180, and one reaching 180 shows the cut as a coast.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import numpy as np
import shapely  # type: ignore[import-untyped]  # types-shapely is not in the toolchain
from numpy.typing import NDArray
from shapely import LineString, MultiLineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry  # type: ignore[import-untyped]

from .geo import Projection

__all__ = [
    "ATTRIBUTION", "DATA_FILE", "WORLD_ATLAS_VERSION",
    "CountryLabel", "basemap_key", "basemap_svg", "country_labels", "land_at",
]  # fmt: skip

DATA_FILE = "countries-50m.json"
WORLD_ATLAS_VERSION = "2.0.2"
ATTRIBUTION = "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com"
_STYLE_VERSION = "1"  # bump when the drawing changes, so basemap_key() names a new file
_BLEED = 4.0  # SVG units drawn beyond the frame on each side
_TOLERANCE = 0.5  # SVG units, for simplifying after projecting
_MIN_LABEL_SHARE = 0.03  # of the frame's area
# Neutral greys with transparency read on a white page and on a dark one alike
# (the file is shown as <img>, which page CSS cannot reach).
_LAND_STYLE = (
    'fill="#8a8a8a" fill-opacity="0.22" fill-rule="evenodd" stroke="#8a8a8a" '
    'stroke-opacity="0.9" stroke-width="1" stroke-linejoin="round" '
    'vector-effect="non-scaling-stroke"'
)
_BORDER_STYLE = (
    'fill="none" stroke="#8a8a8a" stroke-opacity="0.9" stroke-width="0.8" '
    'stroke-dasharray="3 2" stroke-linejoin="round" vector-effect="non-scaling-stroke"'
)

Coords = NDArray[np.float64]


@dataclass(frozen=True)
class CountryLabel:
    """A country's name at a point inside it, with its share of the frame's area."""

    name: str
    x: float
    y: float
    area: float


@dataclass(frozen=True)
class _World:
    land: NDArray[np.object_]  # valid polygons
    names: tuple[str, ...]
    countries: NDArray[np.object_]  # valid (multi)polygons, one per name
    borders: BaseGeometry  # lines between two countries


@dataclass(frozen=True)
class _Frame:
    land: BaseGeometry  # projected and simplified: what is drawn (before rounding)
    borders: BaseGeometry
    labels: tuple[CountryLabel, ...]


@lru_cache(maxsize=1)
def _data() -> bytes:
    return files("generator").joinpath("data", DATA_FILE).read_bytes()


@lru_cache(maxsize=1)
def _data_sha256() -> str:
    return hashlib.sha256(_data()).hexdigest()


def _decode_arcs(topology: dict[str, Any]) -> list[Coords]:
    """Each arc in longitude and latitude: quantized positions, delta-encoded
    (each arc's first position is absolute)."""
    arcs = topology["arcs"]
    lengths = np.array([len(arc) for arc in arcs])
    deltas = np.array([p for arc in arcs for p in arc], dtype=np.int64).reshape(-1, 2)
    totals = np.cumsum(deltas, axis=0)
    starts = np.cumsum(lengths) - lengths
    before = np.vstack([[0, 0], totals[starts[1:] - 1]])  # the sum up to each arc
    positions = totals - np.repeat(before, lengths, axis=0)
    scale = np.array(topology["transform"]["scale"], dtype=np.float64)
    translate = np.array(topology["transform"]["translate"], dtype=np.float64)
    return np.split(positions * scale + translate, starts[1:])


def _ring(indices: list[int], arcs: list[Coords]) -> Coords:
    """Arcs joined end to start; ``~i`` is arc ``i`` reversed."""
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
    return np.concatenate([parts[0], *(part[1:] for part in parts[1:])])


def _unwrapped(ring: Coords) -> tuple[Coords, int]:
    """The ring with longitudes made continuous across the antimeridian (edges
    are the short way round, as on the sphere), and its net turns round the pole."""
    turns = np.concatenate([[0.0], np.cumsum(np.round(np.diff(ring[:, 0]) / 360))])
    return np.column_stack([ring[:, 0] - 360 * turns, ring[:, 1]]), int(turns[-1])


def _planar(rings: list[Coords]) -> BaseGeometry:
    """A polygon whose edges cross the antimeridian (Russia, Fiji, Antarctica) cut
    there into pieces within -180..180. A ring round a pole is closed through it."""
    shells: list[Polygon] = []
    holes: list[Polygon] = []
    for n, ring in enumerate(rings):
        coords, turns = _unwrapped(ring)
        if turns:  # round a pole: the land lies between the ring and the pole
            pole = float(np.copysign(90.0, coords[:, 1].mean()))
            coords = np.vstack([coords, [[coords[-1, 0], pole], [coords[0, 0], pole]]])
        piece = Polygon(coords)
        if piece.area > 1e-9:
            (shells if n == 0 or turns else holes).append(piece)
    if not shells:
        return Polygon()
    whole = shapely.make_valid(shapely.union_all(shells), method="structure", keep_collapsed=False)
    centre = whole.centroid.x
    for hole in holes:  # in the same 360° as the shell
        shift = 360 * round((centre - hole.centroid.x) / 360)
        whole = whole.difference(_shifted(hole, shift))
    windows = [
        _shifted(shapely.clip_by_rect(whole, k - 180, -90, k + 180, 90), -k) for k in (-360, 0, 360)
    ]
    return shapely.union_all(windows)


def _shifted(geom: BaseGeometry, east: float) -> BaseGeometry:
    return shapely.transform(geom, lambda coords: coords + (east, 0.0))


def _polygons(
    obj: dict[str, Any], arcs: list[Coords], keep: Callable[[set[int]], bool] = lambda _: True
) -> list[Polygon]:
    """A (multi)polygon's parts whose arcs ``keep`` accepts, each valid (repaired on
    its own: that is fast, unlike repairing the whole of a country or of the land)."""
    if obj["type"] not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"{DATA_FILE}: unexpected geometry type {obj['type']!r}")
    out: list[Polygon] = []
    for indices in [obj["arcs"]] if obj["type"] == "Polygon" else obj["arcs"]:
        if not keep({i if i >= 0 else ~i for ring in indices for i in ring}):
            continue
        rings = [_ring(r, arcs) for r in indices]
        if any((np.abs(np.diff(r[:, 0])) > 180).any() for r in rings):
            polygon = _planar(rings)
        else:
            polygon = Polygon(rings[0], rings[1:])
        if isinstance(polygon, Polygon) and polygon.is_valid:
            out.append(polygon)
            continue
        polygon = shapely.make_valid(polygon, method="structure", keep_collapsed=False)
        out.extend(p for p in shapely.get_parts(polygon) if isinstance(p, Polygon))
    return out


def _lines(arc: Coords) -> list[LineString]:
    """An arc as lines, cut where it crosses the antimeridian."""
    cuts = np.flatnonzero(np.abs(np.diff(arc[:, 0])) > 180) + 1
    return [LineString(part) for part in np.split(arc, cuts) if len(part) > 1]


def _arc_indices(obj: dict[str, Any]) -> set[int]:
    polygons = [obj["arcs"]] if obj["type"] == "Polygon" else obj["arcs"]
    return {i if i >= 0 else ~i for rings in polygons for ring in rings for i in ring}


@lru_cache(maxsize=1)
def _topology() -> tuple[dict[str, Any], list[Coords], Any]:
    """The parsed file, its arcs, and each arc's box (west, south, east, north)."""
    topology = json.loads(_data())
    arcs = _decode_arcs(topology)
    lows, highs = [a.min(axis=0) for a in arcs], [a.max(axis=0) for a in arcs]
    boxes = [
        (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))
        for lo, hi in zip(lows, highs, strict=True)
    ]
    return topology, arcs, boxes


def _touches(indices: set[int], boxes: Any, box: tuple[float, float, float, float]) -> bool:
    """Whether arcs ``indices`` may reach into ``box``: their joint box meets it, or
    one of them crosses the antimeridian (its box then spans the world)."""
    own = [boxes[i] for i in indices]
    if any(e - w > 180 for w, _, e, _ in own):
        return True
    west, south = min(b[0] for b in own), min(b[1] for b in own)
    east, north = max(b[2] for b in own), max(b[3] for b in own)
    return bool(west <= box[2] and box[0] <= east and south <= box[3] and box[1] <= north)


@lru_cache(maxsize=16)
def _world(box: tuple[float, float, float, float]) -> _World:
    """The land, countries and borders that may reach into ``box`` (only those are
    built: building the whole world's polygons costs half a second)."""
    topology, arcs, boxes = _topology()
    objects = topology["objects"]

    def near(indices: set[int]) -> bool:
        return _touches(indices, boxes, box)

    land = [p for g in objects["land"]["geometries"] for p in _polygons(g, arcs, near)]
    countries = [
        c for c in objects["countries"]["geometries"] if _touches(_arc_indices(c), boxes, box)
    ]
    users: dict[int, int] = {}
    for country in objects["countries"]["geometries"]:
        for i in _arc_indices(country):
            users[i] = users.get(i, 0) + 1
    shared = [
        line for i in sorted(users)
        if users[i] > 1 and _touches({i}, boxes, box) for line in _lines(arcs[i])
    ]  # fmt: skip
    return _World(
        land=np.array(land, dtype=object),
        names=tuple(str(c["properties"]["name"]) for c in countries),
        countries=np.array(
            [MultiPolygon(_polygons(c, arcs, near)) for c in countries], dtype=object
        ),
        borders=shapely.line_merge(MultiLineString(shared)) if shared else MultiLineString(),
    )


def _project(geom: BaseGeometry, projection: Projection) -> BaseGeometry:
    def xy(coords: Coords) -> Coords:
        return np.array([projection.xy(lon, lat) for lon, lat in coords], dtype=np.float64)

    return shapely.transform(geom, xy) if not geom.is_empty else geom


def _drawn(geom: BaseGeometry, projection: Projection) -> BaseGeometry:
    """Projected and simplified, without specks (rounding is left to the path data)."""
    simple = shapely.simplify(_project(geom, projection), _TOLERANCE, preserve_topology=True)
    if isinstance(simple, MultiPolygon | Polygon):
        parts = shapely.get_parts(simple)
        return MultiPolygon(list(parts[shapely.area(parts) >= _TOLERANCE]))
    return simple


@lru_cache(maxsize=64)
def _frame(projection: Projection) -> _Frame:
    e = projection.extent
    bleed_x = _BLEED * (e.east - e.west) / projection.width
    bleed_y = _BLEED * (e.north - e.south) / projection.height
    box = (e.west - bleed_x, e.south - bleed_y, e.east + bleed_x, e.north + bleed_y)
    # What reaches into the extent and a tenth around it: the same for every size
    # of map of one extent (the bleed is a few units, far less than a tenth).
    span_x, span_y = (e.east - e.west) / 10, (e.north - e.south) / 10
    world = _world((e.west - span_x, e.south - span_y, e.east + span_x, e.north + span_y))
    # The land's polygons are disjoint, and so are their clipped parts.
    pieces = shapely.get_parts(shapely.clip_by_rect(world.land, *box))
    land = MultiPolygon([p for p in pieces if isinstance(p, Polygon) and not p.is_empty])
    borders = shapely.clip_by_rect(world.borders, *box)
    clipped = shapely.clip_by_rect(world.countries, e.west, e.south, e.east, e.north)
    frame_area = (e.east - e.west) * (e.north - e.south)
    labels = []
    for name, geom in zip(world.names, clipped, strict=True):
        share = float(shapely.area(geom)) / frame_area
        if share >= _MIN_LABEL_SHARE:
            point = _project(geom, projection).representative_point()
            labels.append(CountryLabel(name, round(point.x, 1), round(point.y, 1), round(share, 4)))
    labels.sort(key=lambda label: (-label.area, label.name))
    return _Frame(_drawn(land, projection), _drawn(borders, projection), tuple(labels))


def _num(tenths: int) -> str:
    sign, (units, rest) = "-" if tenths < 0 else "", divmod(abs(tenths), 10)
    return f"{sign}{units}" if not rest else f"{sign}{units or ''}.{rest}"


def _subpath(coords: Coords, closed: bool) -> str:
    """``M`` then relative ``l`` steps between points on the 0.1-unit grid."""
    grid = np.rint(np.asarray(coords) * 10).astype(np.int64)
    if closed:
        grid = grid[:-1]
    steps = np.diff(grid, axis=0)
    steps = steps[(steps != 0).any(axis=1)]
    head = f"M{_num(int(grid[0, 0]))} {_num(int(grid[0, 1]))}"
    body = " ".join(f"{_num(int(dx))} {_num(int(dy))}" for dx, dy in steps)
    return head + (f"l{body}" if body else "") + ("z" if closed else "")


def _path_data(geom: BaseGeometry) -> str:
    out: list[str] = []
    for part in shapely.get_parts(geom):
        if isinstance(part, Polygon):
            for ring in (part.exterior, *part.interiors):
                out.append(_subpath(np.asarray(ring.coords), closed=True))
        elif isinstance(part, LineString) and len(part.coords) > 1:
            out.append(_subpath(np.asarray(part.coords), closed=False))
    return "".join(out)


@lru_cache(maxsize=64)
def basemap_svg(projection: Projection) -> str:
    """A standalone SVG of land, coastline and borders in the projection's frame."""
    frame = _frame(projection)
    w, h = projection.width, projection.height
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}">',
        f"<desc>Land, coastline and country borders. {ATTRIBUTION} "
        f"(public domain), via world-atlas {WORLD_ATLAS_VERSION}.</desc>",
    ]
    for name, geom, style in (
        ("land", frame.land, _LAND_STYLE),
        ("borders", frame.borders, _BORDER_STYLE),
    ):
        d = _path_data(geom)
        if d:
            lines.append(f'<path id="{name}" {style} d="{d}"/>')
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def country_labels(projection: Projection) -> list[CountryLabel]:
    """Countries covering at least 3% of the frame, biggest first, each at a
    point inside its part of the frame (SVG units)."""
    return list(_frame(projection).labels)


def land_at(projection: Projection, lon: float, lat: float) -> bool:
    """Whether the drawn land covers this place."""
    return bool(_frame(projection).land.intersects(Point(projection.xy(lon, lat))))


def basemap_key(projection: Projection) -> str:
    """12 hex characters naming ``basemap-<key>.svg``: extent, size, data and style."""
    e = projection.extent
    text = (
        f"{e.west!r} {e.south!r} {e.east!r} {e.north!r} {projection.width} "
        f"{projection.height} {_data_sha256()} {_STYLE_VERSION}"
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]
