"""The URL table (generator/urls.py) is the one place the site's layout is written.

The contract's URLs all come from it; every page and file the generator writes
is one of its routes; the feed, the exports, the permalinks and the theme agree
with it; no other module or template writes a path of its own.
"""

from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from site_helpers import EXAMPLE, PROJECT, TEMPLATES

from generator import Briefing, Report, load
from generator.feed import ATOM
from generator.pages import plan
from generator.render import ASSETS, render_site
from generator.tags import tags_of
from generator.urls import ROUTES, Urls, page_path, page_url, permalink, reserved_ids

SITE_URL = "https://example.org/briefing/"
# The site table of the format contract, as the contract writes it.
CONTRACT = {
    "/": ("home", ""),
    "/situation/": ("situation", ""),
    "/situation/<id>/": ("development", "<id>"),
    "/background/": ("background", ""),
    "/background/<id>/": ("topic", "<id>"),
    "/actors/<id>/": ("actor", "<id>"),
    "/places/<id>/": ("place", "<id>"),
    "/sources/": ("sources", ""),
    "/feed.xml": ("feed", ""),
    "/data/developments.json": ("developments_json", ""),
    "/data/events.geojson": ("events_geojson", ""),
    "/data/events.csv": ("events_csv", ""),
    "/data/timeline.json": ("timeline_json", ""),
    "/brief/": ("brief", ""),
    "/indicators/": ("indicators", ""),
    "/tags/": ("tags", ""),
    "/tags/<id>/": ("tag", "<id>"),
}


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    report = Report()
    briefing = load(EXAMPLE, report, base=PROJECT)
    assert briefing is not None
    out = render_site(briefing, TEMPLATES, report, SITE_URL)
    assert not report.errors
    return out


@pytest.mark.parametrize(("url", "route"), CONTRACT.items())
def test_every_url_of_the_contract_comes_from_the_table(url: str, route: tuple[str, str]) -> None:
    kind, ident = route
    assert "/" + page_url(kind, ident) == url


# Routes written only when the briefing has what they show: kind → whether it does.
OPTIONAL: dict[str, Callable[[Briefing], bool]] = {
    "indicators": lambda briefing: bool(briefing.indicators),  # indicators.yaml, not empty
}


def test_every_file_written_is_a_route_of_the_table(pages: dict[str, str]) -> None:
    made: set[str] = set(ASSETS)
    briefing = load(EXAMPLE, Report(), base=PROJECT)
    assert briefing is not None
    entries = {
        "development": briefing.developments, "topic": briefing.topics,
        "actor": briefing.actors, "place": briefing.places, "source": briefing.sources,
        "basemap": plan(briefing).basemaps,
        "tag": tags_of(briefing.developments_newest_first()),
    }  # fmt: skip
    for kind, route in ROUTES.items():
        if kind in OPTIONAL and not OPTIONAL[kind](briefing):
            assert page_path(kind) not in pages, f"{kind} written for a briefing without it"
            continue
        idents = list(entries[kind]) if "{id}" in route.path else [""]
        for ident in idents:
            made.add(page_path(kind, ident))
            n = 2
            while route.more and page_path(kind, ident, n) in pages:
                made.add(page_path(kind, ident, n))
                n += 1
    assert set(pages) == made


def test_links_in_the_feed_and_the_data_are_the_permalinks(pages: dict[str, str]) -> None:
    data = json.loads(pages[page_path("developments_json")])
    for record in data["developments"]:
        assert record["url"] == permalink(SITE_URL, "development", record["id"])
    geo = json.loads(pages[page_path("events_geojson")])
    for feature in geo["features"]:
        ident = feature["properties"]["development"]
        assert feature["properties"]["url"] == permalink(SITE_URL, "development", ident)
    feed = ET.fromstring(pages[page_path("feed")])
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{{{ATOM}}}link")}
    assert links == {"alternate": SITE_URL, "self": SITE_URL + "feed.xml"}
    for entry in feed.findall(f"{{{ATOM}}}entry"):
        ident = entry.findtext(f"{{{ATOM}}}id", "").rsplit(":", 1)[1]
        link = entry.find(f"{{{ATOM}}}link")
        assert link is not None and link.get("href") == permalink(SITE_URL, "development", ident)


def test_the_development_page_shows_its_permalink(pages: dict[str, str]) -> None:
    ident = next(p for p in pages if re.fullmatch(r"situation/[^/]+\.md", p) and "index" not in p)
    ident = ident.split("/")[1][:-3]
    expected = permalink(SITE_URL, "development", ident)
    assert expected == f"{SITE_URL}situation/{ident}/"
    assert f'href="{expected}"' in pages[page_path("development", ident)]


def test_permalinks_without_site_url_are_relative_to_the_site_root() -> None:
    assert permalink("", "development", "x") == "situation/x/"
    assert permalink("", "home") == ""
    assert permalink("https://example.org", "feed") == "https://example.org/feed.xml"


def test_relative_links_between_pages() -> None:
    urls = Urls(page_path("development", "a"))
    assert urls.development("b") == "b.md"
    assert urls.actor("hts") == "../actors/hts.md"
    assert urls.to("home") == "../index.md"
    assert urls.to("feed") == "../feed.xml"
    assert urls.source("sohr") == "../sources/index.md#source-sohr"
    assert Urls(page_path("home")).to("situation", n=2) == "situation/page/2.md"
    assert Urls(page_path("actor", "hts", 2)).to("actor", "hts") == "../../../actors/hts.md"


def test_reserved_ids_follow_from_the_table() -> None:
    assert reserved_ids("development") == {"index"}
    assert reserved_ids("home") == frozenset()


def test_the_theme_announces_the_feed_at_the_tables_path() -> None:
    theme = (TEMPLATES / "theme" / "main.html").read_text(encoding="utf-8")
    assert re.findall(r"\{\{ '([^']+)' \| url \}\}", theme) == [page_path("feed")]


# Literal paths of the table: no other module or template may write one.
_PATHS = re.compile(
    r"""(^|["'/(])(situation|background|actors|places|sources|data|tags)/|feed\.xml|about\.md|index\.md"""
)


def _code_strings(path: Path) -> list[str]:
    """The string literals of a module, less its docstrings and input file names (.yaml)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and not node.value.endswith(".yaml")
    ]


@pytest.mark.parametrize(
    "path",
    [p for p in sorted((PROJECT / "generator").glob("*.py")) if p.name != "urls.py"],
    ids=lambda p: p.name,
)
def test_no_module_writes_a_path_of_its_own(path: Path) -> None:
    found = [s for s in _code_strings(path) if _PATHS.search(s)]
    assert not found, f"{path.name} writes paths of the URL table itself: {found}"


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.j2")), ids=lambda p: p.name)
def test_no_template_writes_a_path_of_its_own(path: Path) -> None:
    found = [m.group() for m in _PATHS.finditer(path.read_text(encoding="utf-8"))]
    assert not found, f"{path.name} writes paths of the URL table itself: {found}"
