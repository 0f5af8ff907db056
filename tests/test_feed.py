"""The feed's ids: readers know every entry by its id, so a renamed briefing or
a re-deployed site must not make them show everything again."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from site_helpers import build, copy_project, run_module

from generator import Briefing, Report, load
from generator.feed import ATOM, atom_feed, feed_id

SITE_URL = "https://example.org/briefing/"


def entry_ids(feed: str) -> list[str]:
    root = ET.fromstring(feed)
    return [e.findtext(f"{{{ATOM}}}id", "") for e in root.findall(f"{{{ATOM}}}entry")]


def renamed(briefing: Briefing, title: str) -> Briefing:
    meta = briefing.meta.model_copy(update={"title": title})
    return Briefing(meta, briefing.sources, briefing.actors, briefing.places,
                    briefing.developments, briefing.topics)  # fmt: skip


@pytest.fixture(scope="module")
def example() -> Briefing:
    from site_helpers import EXAMPLE, PROJECT

    briefing = load(EXAMPLE, Report(), base=PROJECT)
    assert briefing is not None
    return briefing


def test_site_url_gives_a_tag_uri() -> None:
    assert feed_id(SITE_URL, "", "Any title") == "tag:example.org,2000:/briefing/"
    assert feed_id("https://example.org", "", "Any title") == "tag:example.org,2000:/"


def test_the_setting_wins() -> None:
    assert feed_id(SITE_URL, "tag:ngo.example,2024:sudan", "T") == "tag:ngo.example,2024:sudan"


@pytest.mark.parametrize(("site_url", "configured"), [(SITE_URL, ""), ("", "urn:x:sudan")])
def test_entry_ids_survive_a_renamed_briefing(
    example: Briefing, site_url: str, configured: str
) -> None:
    before = entry_ids(atom_feed(example, site_url, configured_id=configured))
    after = entry_ids(atom_feed(renamed(example, "Syria: a new name"), site_url,
                                configured_id=configured))  # fmt: skip
    assert before == after
    assert len(set(before)) == len(example.developments)
    base = feed_id(site_url, configured, "")
    assert all(i.startswith(base + ":situation:") for i in before)


def test_without_either_ids_follow_the_title(example: Briefing) -> None:
    before = entry_ids(atom_feed(example))
    after = entry_ids(atom_feed(renamed(example, "Another title")))
    assert before != after  # what the plugin's message warns of
    assert before[0].startswith("urn:briefing:syria-")


def _set_feed_id(project: Path, value: str) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(
        r"^(  - briefings:\n)", rf"\1      feed_id: {value}\n", text, flags=re.MULTILINE
    )
    assert count == 1
    config.write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_mkdocs_and_briefing_render_both_use_the_feed_id_setting(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    _set_feed_id(project, "tag:ngo.example,2024:syria")
    result = build(project)
    assert result.returncode == 0, result.stdout
    built = entry_ids((project / "site" / "feed.xml").read_text(encoding="utf-8"))
    rendered = run_module(project, "generator", "render", "--out", "out")
    assert rendered.returncode == 0, rendered.stderr
    assert entry_ids((project / "out" / "feed.xml").read_text(encoding="utf-8")) == built
    assert built[0].startswith("tag:ngo.example,2024:syria:situation:")


@pytest.mark.slow
def test_a_feed_id_that_is_not_a_uri_stops_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    _set_feed_id(project, "my feed")
    result = build(project)
    assert result.returncode != 0
    assert "feed_id 'my feed' is not a URI" in result.stdout
    assert not (project / "site").exists()
