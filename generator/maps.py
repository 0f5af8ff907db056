"""What a map shows: places as markers over a shared basemap, labelled where they fit.

The overview map shows every place with coordinates, the places of the latest
developments emphasised; a development's map shows its places, a place's map
the place and its neighbours. All of them use the briefing's one extent
(``map.bounds`` in briefing.yaml, else the places with a margin), so the whole
site shares one basemap file and each page carries only its markers.

Labels never overlap: they are placed greedily, most important first, beside
their marker (right, left, above, below) where they touch no other label or
marker and stay inside the frame; a place whose label does not fit keeps its
marker and a tooltip. Sizes here are SVG units of a 640-unit-wide map.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .basemap import basemap_key, country_labels
from .geo import Extent, Projection
from .model import Briefing
from .schema import Place

__all__ = [
    "Label", "MapView", "Marker", "Points", "ScaleBar", "build_map", "extent_of", "place_labels",
]  # fmt: skip

FONT = 15  # label size
CHAR = 0.56 * FONT  # average advance of a character (a little generous for sans-serif)
PAD = 3
AREA_KINDS = frozenset({"country", "governorate", "region"})
RADIUS = {"focus": 6.5, "latest": 6.0, "place": 4.0, "area": 3.5, "near": 4.0}
MAX_LABELS = 60
NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000)


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float  # baseline
    anchor: str  # SVG text-anchor: start, end or middle


@dataclass(frozen=True)
class Marker:
    id: str
    name: str
    x: float
    y: float
    role: str  # focus, latest, place, near or area
    label: Label | None

    @property
    def radius(self) -> float:
        return RADIUS[self.role]


@dataclass(frozen=True)
class ScaleBar:
    x: float
    y: float
    length: float  # SVG units
    text: str  # e.g. "50 km"


@dataclass(frozen=True)
class MapView:
    width: int
    height: int
    basemap: str  # key of the shared basemap file (see urls: "basemap")
    markers: tuple[Marker, ...]
    countries: tuple[Label, ...]  # reference labels for bearings
    scale: ScaleBar
    title: str
    description: str
    legend: tuple[str, ...]  # marker roles shown, in order
    small: bool = False  # a page's own map (development, place), drawn smaller

    @property
    def max_width_rem(self) -> float:
        """How wide to show it so that it is at most 32rem tall (20rem for a small map)."""
        tallest = 18 if self.small else 32
        return round(min(40.0, tallest * self.width / self.height), 1)

    @property
    def unlabelled(self) -> int:
        return sum(1 for m in self.markers if m.label is None)


def extent_of(briefing: Briefing) -> Extent | None:
    """The briefing's map extent: ``map.bounds``, else its located places with a margin."""
    if briefing.meta.map is not None:
        return Extent(*briefing.meta.map.bounds)
    return Extent.around(
        (p.lon, p.lat) for p in briefing.places.values() if p.lon is not None and p.lat is not None
    )


def _located(place: Place) -> bool:
    return place.lat is not None and place.lon is not None


def _box(label: Label) -> tuple[float, float, float, float]:
    width = len(label.text) * CHAR
    left = {"start": label.x, "end": label.x - width, "middle": label.x - width / 2}[label.anchor]
    return (left - 1, label.y - FONT * 0.8, left + width + 1, label.y + FONT * 0.25)


def _inside(box: tuple[float, float, float, float], projection: Projection) -> bool:
    return (
        box[0] >= 2
        and box[1] >= 2
        and box[2] <= projection.width - 2
        and (box[3] <= projection.height - 2)
    )


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _candidates(text: str, x: float, y: float, r: float) -> list[Label]:
    return [
        Label(text, x + r + PAD, y + FONT * 0.3, "start"),
        Label(text, x - r - PAD, y + FONT * 0.3, "end"),
        Label(text, x, y - r - PAD, "middle"),
        Label(text, x, y + r + PAD + FONT * 0.75, "middle"),
    ]


def place_labels(
    wanted: Sequence[tuple[str, str, float, float, float]], width: float, height: float,
    taken: Iterable[tuple[float, float, float, float]] = (),
) -> dict[str, Label]:  # fmt: skip
    """Labels for (id, text, x, y, radius) in order of importance, where they fit
    (only the first :data:`MAX_LABELS` are tried: a map with more is unreadable)."""
    boxes = [*taken, *((x - r, y - r, x + r, y + r) for _, _, x, y, r in wanted)]
    placed: dict[str, Label] = {}
    for ident, text, x, y, r in wanted[:MAX_LABELS]:
        own = (x - r, y - r, x + r, y + r)
        for label in _candidates(text, x, y, r):
            box = _box(label)
            inside = box[0] >= 2 and box[1] >= 2 and box[2] <= width - 2 and box[3] <= height - 2
            if inside and not any(_overlap(box, b) for b in boxes if b != own):
                placed[ident] = label
                boxes.append(box)
                break
    return placed


def _scale(projection: Projection) -> ScaleBar:
    km_per_unit = projection.km_per_unit()
    target = projection.width * 0.2 * km_per_unit
    km = min(NICE_KM, key=lambda k: abs(math.log(k / target)))
    return ScaleBar(12.0, projection.height - 14.0, round(km / km_per_unit, 1), f"{km:,} km")


def build_map(
    briefing: Briefing,
    projection: Projection,
    places: Sequence[tuple[str, str]],  # (place id, role) in order of importance
    title: str,
    small: bool = False,
) -> MapView:
    """A map of ``places`` (those with coordinates inside the extent) over the basemap."""
    wanted: list[tuple[str, str, float, float, float]] = []
    roles: dict[str, str] = {}
    for ident, role in places:
        place = briefing.places[ident]
        if not _located(place) or ident in roles:
            continue
        assert place.lon is not None and place.lat is not None
        if not projection.extent.contains(place.lon, place.lat):
            continue
        x, y = projection.xy(place.lon, place.lat)
        roles[ident] = role
        wanted.append((ident, place.name, round(x, 1), round(y, 1), RADIUS[role]))
    return _compose(projection, tuple(wanted), tuple(roles.items()), title, small)


# Pages share maps (a place's neighbours, developments naming the same places), and
# `make serve` plans every page again on each save: the same inputs, the same map.
@lru_cache(maxsize=8192)
def _compose(
    projection: Projection,
    wanted: tuple[tuple[str, str, float, float, float], ...],  # (id, name, x, y, radius)
    role_items: tuple[tuple[str, str], ...],
    title: str,
    small: bool,
) -> MapView:
    roles = dict(role_items)
    scale = _scale(projection)
    scale_box = (0.0, scale.y - FONT, scale.x + scale.length + 60, float(projection.height))
    areas = [(x - r, y - r, x + r, y + r) for i, _, x, y, r in wanted if roles[i] == "area"]
    labels = place_labels(
        [w for w in wanted if roles[w[0]] != "area"], projection.width, projection.height,
        [scale_box, *areas],
    )  # fmt: skip
    markers = tuple(
        Marker(ident, name, x, y, roles[ident], labels.get(ident))
        for ident, name, x, y, _ in wanted
    )
    taken = [scale_box, *(_box(m.label) for m in markers if m.label)]
    taken += [(m.x - m.radius, m.y - m.radius, m.x + m.radius, m.y + m.radius) for m in markers]
    countries = []
    for country in country_labels(projection):
        label = Label(country.name.upper(), round(country.x, 1), round(country.y, 1), "middle")
        if _inside(_box(label), projection) and not any(_overlap(_box(label), b) for b in taken):
            countries.append(label)
            taken.append(_box(label))
    legend = tuple(r for r in ("focus", "latest", "near", "place", "area") if r in roles.values())
    return MapView(
        projection.width, projection.height, basemap_key(projection), markers,
        tuple(countries), scale, title, _describe(markers), legend, small,
    )  # fmt: skip


_ROLE_NAMES = {
    "focus": "Shown", "latest": "Places of the latest developments", "near": "Nearby",
    "place": "Other places", "area": "Regions and governorates",
}  # fmt: skip


def _describe(markers: Sequence[Marker]) -> str:
    """The map in words, for those who cannot see it: its places by role."""
    groups = [
        f"{label}: {', '.join(m.name for m in markers if m.role == role)}"
        for role, label in _ROLE_NAMES.items()
        if any(m.role == role for m in markers)
    ]
    count = f"{len(markers)} place{'' if len(markers) == 1 else 's'} on the map"
    return ". ".join([count, *groups]) + "."


def overview_places(
    briefing: Briefing, latest: Sequence[str], mentions: dict[str, list[str]]
) -> list[tuple[str, str]]:
    """Every located place: the latest developments' first, then by how often named."""
    first = [p for d in latest for p in briefing.developments[d].places]
    ranked = sorted(briefing.places, key=lambda i: (-len(mentions.get(i, ())), i))
    out = [(i, "latest") for i in dict.fromkeys(first) if briefing.places[i].kind not in AREA_KINDS]
    out += [(i, "area" if briefing.places[i].kind in AREA_KINDS else "place") for i in ranked]
    return out


@dataclass(frozen=True, eq=False)
class Points:
    """The located point places (not areas), for finding a place's neighbours."""

    ids: tuple[str, ...]
    lons: Any  # numpy arrays
    lats: Any

    @classmethod
    def of(cls, briefing: Briefing) -> Points:
        pts = [
            (i, p.lon, p.lat) for i, p in briefing.places.items()
            if p.lon is not None and p.lat is not None and p.kind not in AREA_KINDS
        ]  # fmt: skip
        return cls(
            tuple(i for i, _, _ in pts),
            np.array([x for _, x, _ in pts], dtype=float),
            np.array([y for _, _, y in pts], dtype=float),
        )

    def nearest(self, lon: float, lat: float, count: int, leave_out: str) -> list[str]:
        """The ``count`` places nearest to (lon, lat), nearest first, ties by id."""
        east = (self.lons - lon) * math.cos(math.radians(lat))
        far = np.hypot(east, self.lats - lat)
        order = np.lexsort((np.array(self.ids), far))
        return [self.ids[i] for i in order if self.ids[i] != leave_out][:count]
