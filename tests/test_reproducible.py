"""Reproducible builds: one input and one SOURCE_DATE_EPOCH give the same bytes.

Two project copies in different folders are built into different site folders
with ``site_url`` set (so the sitemap lists every page with a date) and the
same SOURCE_DATE_EPOCH; every file must be byte-identical, the sitemap and its
gzip, the feed, the exports and the search index included. The feed and the
exports must take no date from the clock: a build at SOURCE_DATE_EPOCH=0 and
one without SOURCE_DATE_EPOCH (so MkDocs uses the current time) must give the
same feed and exports, with only dates that are written in the briefing.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from publish_helpers import (
    EPOCH,
    copy_project,
    mkdocs_build,
    moment_key,
    read_briefing,
    set_site_url,
    tree,
)

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/briefing/"
EXPORTS = (
    "feed.xml", "data/developments.json", "data/events.geojson", "data/events.csv",
    "data/timeline.json",
)  # fmt: skip


def build(root: Path, name: str, **env: str | None) -> Path:
    """Copy the project to root/name and build it into root/name/public."""
    project = copy_project(root / name)
    set_site_url(project, SITE_URL)
    return mkdocs_build(project, project / "public", **env)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("reproducible")
    return {
        "a": build(root, "a"),
        "b": build(root, "b"),
        "epoch0": build(root, "epoch0", SOURCE_DATE_EPOCH="0"),
        "clock": build(root, "clock", SOURCE_DATE_EPOCH=None),
    }


def test_same_input_same_bytes(builds: dict[str, Path]) -> None:
    first, second = tree(builds["a"]), tree(builds["b"])
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
    for name in ("sitemap.xml", "sitemap.xml.gz", "pagefind/pagefind-entry.json", *EXPORTS):
        assert name in first


def test_sitemap_dates_come_from_source_date_epoch(builds: dict[str, Path]) -> None:
    sitemap = (builds["a"] / "sitemap.xml").read_text(encoding="utf-8")
    day = datetime.fromtimestamp(int(EPOCH), UTC).date().isoformat()
    stamps = set(re.findall(r"<lastmod>([^<]*)</lastmod>", sitemap))
    assert stamps == {day}
    compressed = (builds["a"] / "sitemap.xml.gz").read_bytes()
    assert gzip.decompress(compressed).decode("utf-8") == sitemap
    mtime = int.from_bytes(compressed[4:8], "little")  # the gzip header's time stamp
    assert datetime.fromtimestamp(mtime, UTC).date().isoformat() == day


def test_exports_take_no_date_from_the_clock(builds: dict[str, Path]) -> None:
    for name in EXPORTS:
        epoch0 = (builds["epoch0"] / name).read_bytes()
        assert epoch0 == (builds["a"] / name).read_bytes(), name
        assert epoch0 == (builds["clock"] / name).read_bytes(), name


def written_dates(project: Path) -> tuple[set[datetime], set[date]]:
    """Every moment written in the briefing (as UTC instants) and every bare date."""
    briefing = read_briefing(project / "briefings")
    values: list[date | datetime] = [briefing.meta["as_of"]]
    for dev in briefing.developments.values():
        values.append(dev["date"])
        values.extend(u["at"] for u in dev.get("updates") or [])
        values.extend(
            ref["published"]
            for ref in dev["sources"]
            if isinstance(ref, dict) and ref.get("published")
        )
        values.extend(  # the exports say since when a report is retracted…
            ref["retracted"]["at"]
            for ref in dev["sources"]
            if isinstance(ref, dict) and ref.get("retracted")
        )
    # … and since when a source is discredited.
    values.extend(s["discredited"]["at"] for s in briefing.sources.values() if s.get("discredited"))
    moments = {moment_key(v) for v in values}
    days = {v for v in values if not isinstance(v, datetime)}
    return moments, days


def test_feed_dates_all_come_from_the_briefing(builds: dict[str, Path]) -> None:
    feed = (builds["epoch0"] / "feed.xml").read_text(encoding="utf-8")
    stamps = re.findall(r"<(?:updated|published)>([^<]*)</", feed)
    assert len(stamps) > 2
    moments, _ = written_dates(builds["epoch0"].parent)
    for stamp in stamps:
        assert datetime.fromisoformat(stamp.replace("Z", "+00:00")) in moments, stamp
    assert "1970" not in feed


def test_exports_dates_all_come_from_the_briefing(builds: dict[str, Path]) -> None:
    moments, days = written_dates(builds["epoch0"].parent)
    for name in ("data/developments.json", "data/events.geojson"):
        text = (builds["epoch0"] / name).read_text(encoding="utf-8")
        json.loads(text)
        assert "1970-01-01" not in text
        values = re.findall(r'"(\d{4}-\d\d-\d\d(?:T[^"]*)?)"', text)
        assert values, name
        for value in values:
            if "T" in value:
                assert moment_key(datetime.fromisoformat(value)) in moments, (name, value)
            else:
                assert date.fromisoformat(value) in days, (name, value)
