"""The Atom feed and the files under /data/ of a built site.

The site is built (``mkdocs build --strict``) from a copy of the example
briefing with two extra developments that exercise the date rules: one dated
with a time in another UTC offset and no updates, one whose newest update is a
time that is already the next day in UTC. Every expectation is computed from
the YAML files, never from the clock.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from publish_helpers import (
    ATOM,
    YamlBriefing,
    copy_project,
    mkdocs_build,
    moment_key,
    page_url,
    parse_html,
    parse_rfc3339,
    read_briefing,
    served_file,
    set_site_url,
)

pytestmark = pytest.mark.slow

BASE = "http://site.test/"
SITE_URL = "https://example.org/briefing/"
TIMED = "2024-12-06-test-timed-report"
LATE = "2024-11-29-test-late-update"
EXTRA = {
    f"briefings/developments/{TIMED}.yaml": """\
title: Test report with a time of day
date: 2024-12-06T05:00:00+03:00
status: claimed
places: [homs, aleppo-countryside]
actors: [hts]
summary: A development dated with a time in UTC+03:00 and no updates.
sources: [sohr]
""",
    f"briefings/developments/{LATE}.yaml": """\
title: Test report updated late
date: 2024-11-29
places: [hama]
summary: A development whose newest update is already 8 December in UTC.
sources:
  - source: dw
    title: A report
    url: https://example.org/report
updates:
  - at: 2024-12-07T23:00:00-05:00
    note: Newest, written in UTC-05:00 (04:00 on 8 December in UTC).
  - at: 2024-12-06
    note: Older, a bare date.
""",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("exports"), EXTRA)


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    return mkdocs_build(project)


@pytest.fixture(scope="module")
def briefing(project: Path) -> YamlBriefing:
    return read_briefing(project / "briefings")


@pytest.fixture(scope="module")
def absolute_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("exports-site-url"), EXTRA)
    set_site_url(project, SITE_URL)
    return mkdocs_build(project)


def feed(site: Path) -> ET.Element:
    root = ET.parse(site / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    return root


def text(element: ET.Element, tag: str) -> str:
    found = element.find(f"{ATOM}{tag}")
    assert found is not None and found.text, f"<{tag}> missing or empty"
    return found.text


def entries(root: ET.Element) -> list[ET.Element]:
    """The feed's development entries, without the change entries (updates, statuses)."""
    return [e for e in root.findall(f"{ATOM}entry") if ":situation:" in text(e, "id")]


def alternate(element: ET.Element) -> str:
    links = [
        link
        for link in element.findall(f"{ATOM}link")
        if link.get("rel", "alternate") == "alternate"
    ]
    assert len(links) == 1, "exactly one alternate link"
    href = links[0].get("href")
    assert href
    return href


def data(site: Path, name: str) -> Any:
    return json.loads((site / "data" / name).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- Atom feed


def test_the_test_briefing_has_the_extra_developments(briefing: YamlBriefing) -> None:
    assert {TIMED, LATE} <= set(briefing.developments)
    assert len(briefing.developments) >= 3


def test_feed_has_one_entry_per_development(site: Path, briefing: YamlBriefing) -> None:
    found = entries(feed(site))
    assert len(found) == len(briefing.developments)
    linked = {alternate(e).rstrip("/").rsplit("/", 1)[-1] for e in found}
    assert linked == set(briefing.developments)


def test_feed_entries_are_newest_first(site: Path, briefing: YamlBriefing) -> None:
    found = entries(feed(site))
    published = [parse_rfc3339(text(e, "published")) for e in found]
    assert published == sorted(published, reverse=True)
    # The time-of-day development (02:00 UTC on 6 December) is newer than every bare 6 December.
    assert alternate(found[0]).rstrip("/").endswith(TIMED)
    for entry in found:
        ident = alternate(entry).rstrip("/").rsplit("/", 1)[-1]
        assert parse_rfc3339(text(entry, "published")) == moment_key(
            briefing.developments[ident]["date"]
        )


def test_feed_entry_links_resolve_to_built_pages(site: Path) -> None:
    feed_url = BASE + "feed.xml"
    for entry in feed(site).findall(f"{ATOM}entry"):
        href = alternate(entry)
        target = served_file(site, urljoin(feed_url, href), BASE)
        assert target is not None, f"{href} (relative to /feed.xml) is not a built page"
        if ":situation:" in text(entry, "id"):  # a change's title says what changed
            assert text(entry, "title") in target.read_text(encoding="utf-8")


def test_feed_has_an_entry_for_the_later_update(site: Path) -> None:
    """LATE's older update is its creation (its own entry); the newer one is a change."""
    root = feed(site)
    changed = [e for e in root.findall(f"{ATOM}entry") if e not in entries(root)]
    assert [alternate(e).rstrip("/").rsplit("/", 1)[-1] for e in changed] == [LATE]
    assert text(changed[0], "id").endswith(f":change:{LATE}:2024-12-08T04:00:00Z:update")
    assert parse_rfc3339(text(changed[0], "updated")).isoformat() == "2024-12-08T04:00:00+00:00"


def test_feed_entry_updated_is_newest_update_or_date(site: Path, briefing: YamlBriefing) -> None:
    for entry in entries(feed(site)):
        ident = alternate(entry).rstrip("/").rsplit("/", 1)[-1]
        assert parse_rfc3339(text(entry, "updated")) == briefing.updated(ident), ident


def test_feed_updated_handles_offsets_and_bare_dates(site: Path) -> None:
    by_id = {
        alternate(e).rstrip("/").rsplit("/", 1)[-1]: e for e in entries(feed(site))
    }
    # 2024-12-07T23:00:00-05:00 is 04:00 on the 8th in UTC, newer than the bare 2024-12-06.
    assert parse_rfc3339(text(by_id[LATE], "updated")).isoformat() == "2024-12-08T04:00:00+00:00"
    # No updates: the development's own time, 05:00 in UTC+03:00.
    assert parse_rfc3339(text(by_id[TIMED], "updated")).isoformat() == "2024-12-06T02:00:00+00:00"


def test_feed_titles_and_ids_present_and_unique(site: Path, briefing: YamlBriefing) -> None:
    root = feed(site)
    titles = [text(e, "title") for e in entries(root)]
    ids = [text(e, "id") for e in root.findall(f"{ATOM}entry")]  # the changes' too
    assert len(set(titles)) == len(titles)
    assert len(set(ids)) == len(ids)
    assert set(titles) == {d["title"] for d in briefing.developments.values()}
    assert text(root, "id") not in ids
    assert text(root, "title") == briefing.meta["title"]


def test_feed_level_updated_is_the_newest_stamp(site: Path, briefing: YamlBriefing) -> None:
    root = feed(site)
    newest = max(
        [moment_key(briefing.meta["as_of"]), *map(briefing.updated, briefing.developments)]
    )
    assert parse_rfc3339(text(root, "updated")) == newest


def test_every_page_announces_the_feed(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        tags = parse_html(page.read_text(encoding="utf-8")).tags
        feeds = [
            attrs
            for tag, attrs, in_head in tags
            if tag == "link"
            and in_head
            and attrs.get("rel") == "alternate"
            and attrs.get("type") == "application/atom+xml"
        ]
        assert len(feeds) == 1, f"{page.relative_to(site)}: {feeds}"
        resolved = urljoin(page_url(site, page, BASE), feeds[0]["href"])
        assert resolved == BASE + "feed.xml", f"{page.relative_to(site)}: {feeds[0]['href']}"


# ---------------------------------------------------------------- developments.json


def test_developments_json_version_and_order(site: Path, briefing: YamlBriefing) -> None:
    exported = data(site, "developments.json")
    assert exported["version"] == 1
    records = exported["developments"]
    assert [r["id"] for r in records].count(TIMED) == 1
    assert sorted(r["id"] for r in records) == sorted(briefing.developments)
    keys = [moment_key(briefing.developments[r["id"]]["date"]) for r in records]
    assert keys == sorted(keys, reverse=True)
    feed_order = [
        alternate(e).rstrip("/").rsplit("/", 1)[-1] for e in entries(feed(site))
    ]
    assert [r["id"] for r in records] == feed_order


def test_developments_json_resolves_references(site: Path, briefing: YamlBriefing) -> None:
    for record in data(site, "developments.json")["developments"]:
        dev = briefing.developments[record["id"]]
        assert record["title"] == dev["title"]
        assert [p["id"] for p in record["places"]] == list(dev.get("places") or [])
        assert [a["id"] for a in record["actors"]] == list(dev.get("actors") or [])
        assert [s["id"] for s in record["sources"]] == briefing.source_ids(record["id"])
        for place in record["places"]:
            assert place["name"] == briefing.places[place["id"]]["name"]
        for actor in record["actors"]:
            assert actor["name"] == briefing.actors[actor["id"]]["name"]
        for source in record["sources"]:
            assert source["name"] == briefing.sources[source["id"]]["name"]
        stamp = record["updated"]
        updated = parse_rfc3339(stamp) if "T" in stamp else moment_key(date.fromisoformat(stamp))
        assert updated == briefing.updated(record["id"]), record["id"]


def test_developments_json_urls_resolve(site: Path) -> None:
    for record in data(site, "developments.json")["developments"]:
        assert served_file(site, urljoin(BASE, record["url"]), BASE) is not None, record["url"]


# ---------------------------------------------------------------- events.geojson


def test_geojson_is_a_feature_collection_of_points(site: Path, briefing: YamlBriefing) -> None:
    collection = data(site, "events.geojson")
    assert collection["type"] == "FeatureCollection"
    assert collection["features"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = feature["properties"]
        assert props["development"] in briefing.developments
        place = briefing.places[props["place"]]
        assert props["place"] in briefing.developments[props["development"]]["places"]
        assert (lon, lat) == (place["lon"], place["lat"]), "coordinates are [lon, lat]"


def test_geojson_has_longitude_first(site: Path) -> None:
    homs = [
        f["geometry"]["coordinates"]
        for f in data(site, "events.geojson")["features"]
        if f["properties"]["place"] == "homs"
    ]
    assert homs
    for lon, lat in homs:
        assert math.isclose(lon, 36.7, abs_tol=0.05) and math.isclose(lat, 34.7, abs_tol=0.05)


def test_geojson_has_a_point_per_development_and_located_place(
    site: Path, briefing: YamlBriefing
) -> None:
    expected = {
        (ident, pid)
        for ident, dev in briefing.developments.items()
        for pid in dev.get("places") or []
        if "lat" in briefing.places[pid]
    }
    features = data(site, "events.geojson")["features"]
    found = [(f["properties"]["development"], f["properties"]["place"]) for f in features]
    assert sorted(found) == sorted(expected)
    assert (TIMED, "aleppo-countryside") not in found  # no coordinates, no point


# ---------------------------------------------------------------- events.csv, timeline.json


def test_csv_has_the_geojson_points_and_every_development(
    site: Path, briefing: YamlBriefing
) -> None:
    raw = (site / "data" / "events.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark survives the build
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    ids = [row["event_id_cnty"] for row in rows]
    assert len(ids) == len(set(ids))
    points = {f["id"] for f in data(site, "events.geojson")["features"]}
    assert {i for i in ids if "/" in i} == points  # one row per development and located place
    assert {row["development"] for row in rows} == set(briefing.developments)
    unlocated = [row for row in rows if "/" not in row["event_id_cnty"]]
    assert all(row["latitude"] == row["location"] == "" for row in unlocated)


def test_timeline_json_has_a_slide_per_development(site: Path, briefing: YamlBriefing) -> None:
    timeline = data(site, "timeline.json")
    assert html.unescape(timeline["title"]["text"]["headline"]) == briefing.meta["title"]
    assert sorted(e["unique_id"] for e in timeline["events"]) == sorted(briefing.developments)


# ---------------------------------------------------------------- links from the overview


def test_overview_links_to_feed_and_data(site: Path) -> None:
    index = site / "index.html"
    hrefs = {
        urljoin(BASE, attrs["href"])
        for tag, attrs, _ in parse_html(index.read_text(encoding="utf-8")).tags
        if tag == "a" and "href" in attrs
    }
    for target in (
        "feed.xml", "data/developments.json", "data/events.geojson", "data/events.csv",
        "data/timeline.json",
    ):  # fmt: skip
        assert BASE + target in hrefs, f"the overview does not link to {target}"
        assert (site / target).is_file()


# ---------------------------------------------------------------- with site_url


def test_site_url_makes_feed_links_absolute(absolute_site: Path, briefing: YamlBriefing) -> None:
    root = feed(absolute_site)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == SITE_URL + "feed.xml"
    assert links["alternate"] == SITE_URL
    hrefs = [alternate(e) for e in entries(root)]
    assert sorted(hrefs) == sorted(f"{SITE_URL}situation/{i}/" for i in briefing.developments)
    for href in hrefs:
        assert served_file(absolute_site, href, SITE_URL) is not None, href


def test_site_url_makes_data_urls_absolute(absolute_site: Path) -> None:
    for record in data(absolute_site, "developments.json")["developments"]:
        assert record["url"] == f"{SITE_URL}situation/{record['id']}/"
    for feature in data(absolute_site, "events.geojson")["features"]:
        url = feature["properties"]["url"]
        assert url == f"{SITE_URL}situation/{feature['properties']['development']}/"
