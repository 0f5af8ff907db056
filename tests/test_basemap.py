"""The Natural Earth basemap (generator/basemap.py), on the real data file.

Places are checked against what is drawn: a city is on the land, a point at
sea is not, the neighbours are named, and the SVG is small, self-contained and
the same bytes every time.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from importlib.resources import files

import pytest

from generator import basemap
from generator.basemap import basemap_key, basemap_svg, country_labels, land_at
from generator.geo import Extent, Projection

SVG_NS = "{http://www.w3.org/2000/svg}"
SYRIA = Projection.fit(Extent(35.0, 32.0, 42.5, 37.5))
SPAIN = Projection.fit(Extent(-10.0, 35.5, 4.5, 44.0))
OCEAN = Projection.fit(Extent(-40.0, 25.0, -30.0, 33.0))  # the North Atlantic, west of the Canaries
EUROPE = Projection.fit(Extent(-12.0, 34.0, 42.0, 71.0))
CHUKOTKA = Projection.fit(Extent(160.0, 60.0, 180.0, 72.0))

HOMS, HAMA, ALEPPO, LATAKIA = (36.71, 34.73), (36.75, 35.13), (37.16, 36.20), (35.78, 35.52)


def _paths(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {p.attrib["id"]: p for p in root.iter(f"{SVG_NS}path")}


@pytest.mark.parametrize(
    ("projection", "lon", "lat", "land"),
    [
        (SYRIA, *HOMS, True),
        (SYRIA, *ALEPPO, True),
        (SYRIA, *HAMA, True),
        (SYRIA, 35.2, 34.5, False),  # the Mediterranean off Lebanon
        (SYRIA, 35.5, 35.0, False),  # off Tartus
        (SPAIN, -3.70, 40.42, True),  # Madrid
        (SPAIN, -8.0, 42.0, True),  # Galicia
        (SPAIN, -4.0, 43.8, False),  # the Bay of Biscay
        (SPAIN, 0.5, 39.5, False),  # the Mediterranean off Valencia
        (SPAIN, -9.8, 37.5, False),  # the Atlantic off the Algarve
        (SPAIN, 2.9, 39.6, True),  # Mallorca
        (EUROPE, 0.0, 67.0, False),  # the Norwegian Sea, once a band of land from the antimeridian
        (EUROPE, 40.0, 67.5, True),  # the Kola peninsula
        (CHUKOTKA, 175.0, 67.0, True),  # Russia east of 170°E: cut at 180°, not lost
    ],
)
def test_land_and_sea(projection: Projection, lon: float, lat: float, land: bool) -> None:
    assert projection.extent.contains(lon, lat)
    assert land_at(projection, lon, lat) is land


def test_places_keep_their_bearings() -> None:
    (_, homs_y), (hama_x, hama_y) = SYRIA.xy(*HOMS), SYRIA.xy(*HAMA)
    latakia_x, _ = SYRIA.xy(*LATAKIA)
    assert homs_y > hama_y  # south is down
    assert latakia_x < hama_x  # west is left


@pytest.mark.parametrize(
    ("projection", "expected"),
    [
        (SYRIA, ["Syria", "Iraq", "Turkey", "Jordan"]),
        (SPAIN, ["Spain", "Portugal", "France"]),
    ],
)
def test_country_labels(projection: Projection, expected: list[str]) -> None:
    labels = country_labels(projection)
    names = [label.name for label in labels]
    assert names[: len(expected)] == expected  # biggest first
    areas = [label.area for label in labels]
    assert areas == sorted(areas, reverse=True)
    assert "Lebanon" not in {label.name for label in labels}  # under 3% of either frame
    e = projection.extent
    for label in labels:
        assert label.area >= 0.03
        assert 0 <= label.x <= projection.width and 0 <= label.y <= projection.height
        lon = e.west + label.x / projection.width * (e.east - e.west)
        lat = e.north - label.y / projection.height * (e.north - e.south)
        assert land_at(projection, lon, lat), label


@pytest.mark.parametrize("projection", [SYRIA, SPAIN], ids=["syria", "spain"])
def test_svg_is_small_self_contained_xml(projection: Projection) -> None:
    svg = basemap_svg(projection)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    assert root.attrib["viewBox"] == f"0 0 {projection.width} {projection.height}"
    assert (root.attrib["width"], root.attrib["height"]) == (
        str(projection.width), str(projection.height),
    )  # fmt: skip
    assert "Natural Earth" in (root.findtext(f"{SVG_NS}desc") or "")
    rest = svg.replace('xmlns="http://www.w3.org/2000/svg"', "", 1).lower()
    for banned in ("http", "href", "url(", "<script", "<style", "@import", "<image"):
        assert banned not in rest
    assert len(svg.encode()) <= 80_000

    paths = _paths(svg)
    coast = paths["land"]  # the land's outline is the coastline
    assert coast.attrib["fill-opacity"] == "0.22"
    assert coast.attrib["stroke"] == "#8a8a8a"
    assert coast.attrib["vector-effect"] == "non-scaling-stroke"
    assert coast.attrib["d"].count("M") >= 1
    borders = paths["borders"]
    assert borders.attrib["fill"] == "none" and borders.attrib["stroke-dasharray"]
    # Coordinates are rounded to a tenth of a unit.
    assert not re.search(r"\d\.\d\d", coast.attrib["d"] + borders.attrib["d"])


def test_spain_has_its_coast_and_borders() -> None:
    paths = _paths(basemap_svg(SPAIN))
    # The Balearics are islands of their own: several closed rings.
    assert paths["land"].attrib["d"].count("z") >= 4
    assert len(paths["borders"].attrib["d"]) > 200  # Portugal and France


def test_same_input_same_bytes() -> None:
    first = {p: basemap_svg(p) for p in (SYRIA, SPAIN)}
    keys = {p: basemap_key(p) for p in (SYRIA, SPAIN)}
    for cached in (basemap_svg, basemap._frame, basemap._world, basemap._data):
        cached.cache_clear()
    again = Projection.fit(Extent(-10.0, 35.5, 4.5, 44.0))
    assert again is not SPAIN
    assert basemap_svg(again) == first[SPAIN]
    assert basemap_svg(SYRIA) == first[SYRIA]
    assert basemap_key(again) == keys[SPAIN]
    assert re.fullmatch(r"[0-9a-f]{12}", keys[SPAIN])
    assert keys[SPAIN] != keys[SYRIA]
    wider = Projection.fit(SPAIN.extent, width=800)
    assert basemap_key(wider) != keys[SPAIN]


def test_open_ocean_is_an_empty_map() -> None:
    svg = basemap_svg(OCEAN)
    root = ET.fromstring(svg)
    assert root.attrib["viewBox"] == f"0 0 {OCEAN.width} {OCEAN.height}"
    assert _paths(svg) == {}
    assert country_labels(OCEAN) == []
    assert not land_at(OCEAN, -35.0, 29.0)


def test_data_file_is_the_documented_one() -> None:
    data = files("generator").joinpath("data")
    digest = hashlib.sha256(data.joinpath(basemap.DATA_FILE).read_bytes()).hexdigest()
    notes = data.joinpath("NATURAL-EARTH.md").read_text(encoding="utf-8")
    assert digest in notes
    assert f"version {basemap.WORLD_ATLAS_VERSION}" in notes
    assert basemap.ATTRIBUTION in notes


def test_topojson_decoding() -> None:
    """Quantized, delta-encoded arcs; ``~i`` reverses an arc; holes; MultiPolygon."""
    topology = {
        "transform": {"scale": [0.5, 0.25], "translate": [10.0, 20.0]},
        "arcs": [
            [[0, 0], [8, 0], [0, 8]],  # (10,20) (14,20) (14,22)
            [[8, 8], [-8, 0], [0, -8]],  # (14,22) (10,22) (10,20)
            [[2, 2], [0, 2], [2, 0], [0, -2], [-2, 0]],  # a hole, (11,20.5)..(12,21)
            [[20, 0], [2, 0], [0, 4], [-2, -4]],  # a second island, (20,20)..
        ],
    }
    arcs = basemap._decode_arcs(topology)
    assert arcs[0].tolist() == [[10.0, 20.0], [14.0, 20.0], [14.0, 22.0]]
    assert arcs[1].tolist() == [[14.0, 22.0], [10.0, 22.0], [10.0, 20.0]]
    polygon = {"type": "Polygon", "arcs": [[0, 1], [2]]}
    (square,) = basemap._polygons(polygon, arcs)
    assert square.area == pytest.approx(8.0 - 0.5)
    assert len(square.interiors) == 1
    # The same square walked the other way round, by reversed arcs.
    (reverse,) = basemap._polygons({"type": "Polygon", "arcs": [[~1, ~0]]}, arcs)
    assert reverse.area == pytest.approx(8.0)
    islands = basemap._polygons({"type": "MultiPolygon", "arcs": [[[0, 1]], [[3]]]}, arcs)
    assert [round(p.area, 2) for p in islands] == [8.0, 0.5]
    assert basemap._arc_indices({"type": "Polygon", "arcs": [[~1, ~0]]}) == {0, 1}
