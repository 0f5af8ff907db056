"""Maps: places fall where they should, labels never overlap, pages stay light."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from site_helpers import EXAMPLE, TEMPLATES

from generator import Briefing, Report, load
from generator.geo import Extent, Projection
from generator.maps import MapView, _box, extent_of, place_labels
from generator.pages import plan
from generator.render import render_site

# Spanish cities, for a briefing in another region (lon, lat).
SPAIN = {
    "madrid": ("Madrid", -3.7038, 40.4168), "barcelona": ("Barcelona", 2.1734, 41.3851),
    "valencia": ("Valencia", -0.3763, 39.4699), "seville": ("Seville", -5.9845, 37.3891),
    "zaragoza": ("Zaragoza", -0.8891, 41.6488), "malaga": ("Málaga", -4.4214, 36.7213),
    "bilbao": ("Bilbao", -2.9350, 43.2630), "valladolid": ("Valladolid", -4.7245, 41.6523),
    "vigo": ("Vigo", -8.7207, 42.2406), "gijon": ("Gijón", -5.6615, 43.5322),
    "granada": ("Granada", -3.5986, 37.1773), "alicante": ("Alicante", -0.4810, 38.3452),
    "cordoba": ("Córdoba", -4.7794, 37.8882), "murcia": ("Murcia", -1.1307, 37.9922),
    "toledo": ("Toledo", -4.0273, 39.8628), "salamanca": ("Salamanca", -5.6635, 40.9701),
    "pamplona": ("Pamplona", -1.6432, 42.8125), "santander": ("Santander", -3.8044, 43.4623),
    "burgos": ("Burgos", -3.6969, 42.3439), "leon": ("León", -5.5671, 42.5987),
    "getafe": ("Getafe", -3.7326, 40.3083), "alcala": ("Alcalá de Henares", -3.3641, 40.4818),
    "tarragona": ("Tarragona", 1.2445, 41.1189), "lleida": ("Lleida", 0.6200, 41.6176),
}  # fmt: skip


def write_spain(root: Path) -> Path:
    places = [
        {"id": i, "name": n, "kind": "city", "lat": lat, "lon": lon}
        for i, (n, lon, lat) in SPAIN.items()
    ]
    files = {
        "briefing.yaml": {
            "title": "Spain test", "as_of": "2025-01-10", "summary": "Test.",
        },
        "sources.yaml": [{"id": "efe", "name": "EFE", "kind": "news-agency"}],
        "actors.yaml": [],
        "places.yaml": places,
    }  # fmt: skip
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (root / "developments").mkdir()
    for n, ident in enumerate(SPAIN):
        (root / "developments" / f"2025-01-{n % 9 + 1:02d}-event-in-{ident}.yaml").write_text(
            yaml.safe_dump({
                "title": f"Event in {SPAIN[ident][0]}", "date": f"2025-01-{n % 9 + 1:02d}",
                "summary": "Something.", "places": [ident], "sources": ["efe"],
            }, allow_unicode=True), encoding="utf-8")  # fmt: skip
    return root


def loaded(root: Path) -> Briefing:
    report = Report()
    briefing = load(root, report, base=root)
    assert briefing is not None, [str(d) for d in report.sorted()]
    return briefing


@pytest.fixture(scope="module")
def example() -> Briefing:
    return loaded(EXAMPLE)


@pytest.fixture(scope="module")
def spain(tmp_path_factory: pytest.TempPathFactory) -> Briefing:
    return loaded(write_spain(tmp_path_factory.mktemp("spain") / "briefings"))


def overview(briefing: Briefing) -> MapView:
    home = next(j for j in plan(briefing).jobs if j.path == "index.md")
    themap = home.context["map"]
    assert isinstance(themap, MapView)
    return themap


def assert_labels_apart(themap: MapView) -> None:
    boxes = [(m.name, _box(m.label)) for m in themap.markers if m.label]
    boxes += [(c.text, _box(c)) for c in themap.countries]
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        apart = (
            box_a[2] <= box_b[0]
            or box_b[2] <= box_a[0]
            or box_a[3] <= box_b[1]
            or box_b[3] <= box_a[1]
        )
        assert apart, f"labels {a!r} and {b!r} overlap"
    for name, box in boxes:
        assert box[0] >= 0 and box[2] <= themap.width and box[1] >= 0 and box[3] <= themap.height, (
            name
        )


def test_places_fall_where_they_should(example: Briefing) -> None:
    at = {m.id: (m.x, m.y) for m in overview(example).markers}
    assert at["homs"][1] > at["hama"][1] > at["aleppo"][1]  # south is down
    assert at["damascus"][1] > at["homs"][1]
    assert at["syrian-coast"][0] < at["hama"][0]  # the coast is west
    assert at["homs-governorate"][0] > at["homs"][0]


def test_projection_keeps_distances_in_proportion() -> None:
    projection = Projection.fit(Extent(35.0, 33.0, 39.0, 37.0))
    x1, y1 = projection.xy(36.0, 35.0)
    x2, y2 = projection.xy(37.0, 35.0)  # one degree east
    x3, y3 = projection.xy(36.0, 36.0)  # one degree north
    ratio = (x2 - x1) / (y1 - y3)
    assert ratio == pytest.approx(0.819, abs=0.01)  # cos(35°)
    assert projection.km_per_unit() * (y1 - y3) == pytest.approx(111.32, rel=0.01)


def test_extent_comes_from_map_bounds_when_given(example: Briefing) -> None:
    from generator.schema import MapSettings

    meta = example.meta.model_copy(update={"map": MapSettings(bounds=[34.0, 32.0, 43.0, 38.0])})
    briefing = Briefing(meta, example.sources, example.actors, example.places,
                        example.developments, example.topics)  # fmt: skip
    assert extent_of(briefing) == Extent(34.0, 32.0, 43.0, 38.0)
    derived = extent_of(example)
    assert derived is not None and derived.west < 35.95 < 38.5 < derived.east


@pytest.mark.parametrize("which", ["example", "spain"])
def test_no_two_labels_overlap(which: str, example: Briefing, spain: Briefing) -> None:
    themap = overview(example if which == "example" else spain)
    assert_labels_apart(themap)
    labelled = [m for m in themap.markers if m.label]
    assert len(labelled) >= (6 if which == "example" else 12)


def test_a_label_that_does_not_fit_is_left_out() -> None:
    crowd = [(f"p{i}", f"Place number {i}", 100.0, 100.0 + i, 4.0) for i in range(10)]
    labels = place_labels(crowd, 640, 400)
    assert 0 < len(labels) < 10
    assert "p0" in labels  # the most important first


def test_spain_gets_spanish_places_and_neighbours(spain: Briefing) -> None:
    themap = overview(spain)
    names = {c.text for c in themap.countries}
    assert "SPAIN" in names or "PORTUGAL" in names or "FRANCE" in names
    at = {m.id: (m.x, m.y) for m in themap.markers}
    assert at["barcelona"][0] > at["madrid"][0] > at["vigo"][0]
    assert at["seville"][1] > at["madrid"][1] > at["bilbao"][1]


def test_basemap_files_are_shared_one_per_size(example: Briefing) -> None:
    pages = render_site(example, TEMPLATES, Report())
    basemaps = sorted(p.rsplit("/", 1)[1] for p in pages if p.startswith("assets/briefing/maps/"))
    assert len(basemaps) == 2  # the overview's, and the small maps' of every other page
    users = {name: {p for p, text in pages.items() if name in text} for name in basemaps}
    big, small = sorted(users, key=lambda name: "index.md" not in users[name])
    assert users[big] == {"index.md", "brief/index.md"}  # the overview and the brief
    developments = {p for p in pages if p.startswith("situation/2024-")}
    assert developments <= users[small]
    assert "places/homs.md" in users[small]


def test_a_development_page_grows_by_at_most_10_kb(example: Briefing, tmp_path: Path) -> None:
    pages = render_site(example, TEMPLATES, Report())
    page = pages["situation/2024-12-06-rebels-within-5km-of-homs.md"]
    start, end = page.index('<figure class="bf-map'), page.index("</figure>") + len("</figure>")
    assert end - start <= 10_000
    assert "bf-map-focus" in page[start:end]


def test_example_overview_map_overlay_golden(example: Briefing, file_regression: object) -> None:
    pages = render_site(example, TEMPLATES, Report())
    page = pages["index.md"]
    start = page.index('<figure class="bf-map')
    end = page.index("</figure>") + len("</figure>")
    figure = page[start:end].replace("><", ">\n<")
    file_regression.check(figure, basename="overview_map", extension=".html")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "points",
    [
        [(10.0, 89.9)],  # next to the North Pole
        [(-30.0, -89.0), (40.0, -88.0)],  # the South Pole
        [(180.0, 0.0)],  # on the antimeridian
        [(-179.9, 60.0), (179.9, 61.0)],  # both sides of it
        [(0.0, 0.0)],
    ],
)
def test_an_extent_keeps_its_size_at_the_edges_of_the_world(
    points: list[tuple[float, float]],
) -> None:
    extent = Extent.around(points)
    assert extent is not None
    assert -180 <= extent.west < extent.east <= 180
    assert -85 <= extent.south < extent.north <= 85
    projection = Projection.fit(extent)
    assert projection.width > 0 and projection.height > 0
