"""Where on the page a longitude and latitude fall: the extent of a map and its projection.

Regional maps (a country, a front line) use an equirectangular projection
whose longitudes are scaled by the cosine of the middle latitude, so that
distances read the same across and up the map near its centre. North is up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["KM_PER_DEGREE", "Extent", "Projection"]

KM_PER_DEGREE = 111.32  # of latitude, and of longitude at the equator


@dataclass(frozen=True)
class Extent:
    """A box of longitudes and latitudes, west to east and south to north."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def around(
        cls, points: Iterable[tuple[float, float]], margin: float = 0.15, min_span: float = 1.0
    ) -> Extent | None:
        """The (lon, lat) points with a margin (a share of the span, at least
        ``min_span`` degrees across); None without points."""
        pts = list(points)
        if not pts:
            return None
        lons = [p[0] for p in pts]
        lats = [p[1] for p in pts]
        half_x = min(max(max(lons) - min(lons), min_span) * (0.5 + margin), 180.0)
        half_y = min(max(max(lats) - min(lats), min_span) * (0.5 + margin), 85.0)
        # The centre moves in from the edge of the world (the poles, the antimeridian)
        # rather than the box being cut there: it always keeps its size.
        cx = min(max((min(lons) + max(lons)) / 2, half_x - 180.0), 180.0 - half_x)
        cy = min(max((min(lats) + max(lats)) / 2, half_y - 85.0), 85.0 - half_y)
        return cls(cx - half_x, cy - half_y, cx + half_x, cy + half_y)

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


@dataclass(frozen=True)
class Projection:
    """An extent drawn into a box of ``width`` × ``height`` SVG units."""

    extent: Extent
    width: int
    height: int

    @property
    def _scale_x(self) -> float:
        return math.cos(math.radians((self.extent.north + self.extent.south) / 2))

    @classmethod
    def fit(cls, extent: Extent, width: int = 640, max_height: int = 640) -> Projection:
        """The extent at ``width`` units across (narrower if it is tall)."""
        scale_x = math.cos(math.radians((extent.north + extent.south) / 2))
        span_x = (extent.east - extent.west) * scale_x
        span_y = extent.north - extent.south
        height = round(width * span_y / span_x)
        if height > max_height:
            width, height = round(max_height * span_x / span_y), max_height
        return cls(extent, width, height)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        e = self.extent
        x = (lon - e.west) / (e.east - e.west) * self.width
        y = (e.north - lat) / (e.north - e.south) * self.height
        return x, y

    def km_per_unit(self) -> float:
        """Kilometres per SVG unit, up and down the map (and across, near its centre)."""
        return (self.extent.north - self.extent.south) * KM_PER_DEGREE / self.height
