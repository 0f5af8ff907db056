"""The generated Markdown (issue 3): goldens of the example, page paths, links,
citations, ordering, and the escaping promise on a hostile briefing.

Goldens live in ``tests/test_render/<name>.md``; after ``--force-regen`` read the diff.
"""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.utils.meta import get_data
from site_helpers import (
    BASEMAP,
    EXAMPLE,
    PAYLOADS,
    PLAIN_FIELDS,
    PROJECT,
    PROSE_FIELDS,
    TEMPLATE_TITLE,
    TEMPLATES,
    Scan,
    decoded,
    example_ids,
    expected_tree,
    front_matter,
    hostile_text,
    is_basemap_image,
    is_external,
    markdown_to_html,
    scan_html,
    write_hostile_briefing,
    write_yaml_tree,
)

from generator import Report, load
from generator.feed import ATOM
from generator.render import render_site

Pages = dict[str, str]

DEVELOPMENT = "2024-12-06-rebels-within-5km-of-homs"
GOLDENS = {
    "overview": "index.md",
    "development": f"situation/{DEVELOPMENT}.md",
    "actor_hts": "actors/hts.md",
    "place_homs": "places/homs.md",
    "timeline": "situation/index.md",
    "sources": "sources/index.md",
}


def render_folder(root: Path, site_url: str = "") -> Pages:
    report = Report()
    briefing = load(root, report, base=root)
    assert briefing is not None, [str(d) for d in report.sorted()]
    pages = render_site(briefing, TEMPLATES, report, site_url=site_url)
    assert not report.errors, [str(d) for d in report.sorted()]
    return pages


def render_or_refuse(root: Path) -> Pages | None:
    """The rendered tree, or None when validation refuses the input with an error."""
    report = Report()
    briefing = load(root, report, base=root)
    if briefing is None:
        assert report.errors
        return None
    pages = render_site(briefing, TEMPLATES, report)
    assert not report.errors, [str(d) for d in report.sorted()]
    return pages


@pytest.fixture(scope="module")
def example_pages() -> Pages:
    report = Report()
    briefing = load(EXAMPLE, report, base=PROJECT)
    assert briefing is not None and not report.errors, [str(d) for d in report.sorted()]
    pages = render_site(briefing, TEMPLATES, report)
    assert not report.errors, [str(d) for d in report.sorted()]
    return pages


@pytest.fixture(scope="module")
def example_yaml() -> dict[str, dict[str, Any]]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((EXAMPLE / "developments").glob("*.yaml"))
    }


def markdown_pages(pages: Pages) -> dict[str, str]:
    return {path: text for path, text in pages.items() if path.endswith(".md")}


# --- goldens ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(GOLDENS))
def test_golden(name: str, example_pages: Pages, file_regression: Any) -> None:
    file_regression.check(
        example_pages[GOLDENS[name]],
        extension=".md",
        basename=name,
        encoding="utf-8",
        newline="\n",
    )


# --- paths and links -------------------------------------------------------------------------


def test_page_paths_are_exactly_the_contract_urls(example_pages: Pages) -> None:
    basemaps = {path for path in example_pages if BASEMAP.match(path)}
    assert len(basemaps) == 2  # the overview's map, and every other page's small map
    assert set(example_pages) - basemaps == expected_tree(example_ids())


_MD_LINK = re.compile(r"\]\(([^)\s]*)\)")
_HREF = re.compile(r"""\bhref="([^"]*)\"""")
_SOURCE_ANCHOR = re.compile(r"\{ #(source-[a-z0-9-]+) \}")
_SIGN_ANCHOR = re.compile(r'<div class="bf-sign[^"]*" id="([a-z0-9-]+)" markdown>')


def test_markdown_links_are_relative_and_point_at_generated_pages(example_pages: Pages) -> None:
    signs = example_pages.get("indicators/index.md", "")  # only with an indicators.yaml
    anchors = {
        "sources/index.md": set(_SOURCE_ANCHOR.findall(example_pages["sources/index.md"])),
        "indicators/index.md": set(_SIGN_ANCHOR.findall(signs)),
    }
    problems = []
    links = 0
    for path, text in markdown_pages(example_pages).items():
        for target in _MD_LINK.findall(text):
            links += 1
            if is_external(target):
                continue
            if target.startswith("#"):  # a same-page anchor the page sets itself
                if f"{{ {target} }}" not in text and f'id="{target[1:]}"' not in text:
                    problems.append(f"{path}: {target!r} → no anchor on this page")
                continue
            file, _, anchor = target.partition("#")
            if file.startswith("/") or not file.endswith(
                (".md", ".xml", ".json", ".geojson", ".csv", ".svg")
            ):
                problems.append(f"{path}: {target!r} is not a relative link to a generated file")
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), file))
            if resolved not in example_pages:
                problems.append(f"{path}: {target!r} → {resolved} is not generated")
            elif anchor and resolved in anchors and anchor not in anchors[resolved]:
                problems.append(f"{path}: {target!r} → no anchor {anchor!r}")
            elif anchor and resolved not in anchors:
                problems.append(f"{path}: {target!r} has an unexpected anchor")
    assert links > 300  # the example is richly linked; a broken regex would find nothing
    assert problems == []


def test_raw_html_links_are_anchors_permalinks_or_external(example_pages: Pages) -> None:
    """MkDocs neither checks nor rewrites hrefs in raw HTML, so those may only be
    same-page anchors that exist, the page's own permalink, or http(s) links."""
    problems = []
    for path, text in markdown_pages(example_pages).items():
        for href in map(decoded, _HREF.findall(text)):
            if href.startswith("#"):
                if f'id="{href[1:]}"' not in text:
                    problems.append(f"{path}: {href!r} has no target")
            elif href != "./" and not href.startswith(("https://", "http://")):
                problems.append(f"{path}: raw HTML link {href!r}")
    assert problems == []


def test_permalink_uses_site_url() -> None:
    pages = render_folder(EXAMPLE, site_url="https://example.org/briefing/")
    html = markdown_to_html(pages[f"situation/{DEVELOPMENT}.md"])
    expected = f"https://example.org/briefing/situation/{DEVELOPMENT}/"
    assert expected in scan_html(html).hrefs()
    assert expected in scan_html(html).plain


# --- citations and ordering ------------------------------------------------------------------

_CITE = re.compile(r'<a class="bf-cite" href="#ref-(\d+)" title="([^"]*)">\[(\d+)\]</a>')
_REF = re.compile(
    r'^(\d+)\. <span id="ref-(\d+)"></span>\[([^\]]*)\]'
    r"\(\.\./sources/index\.md#source-([a-z0-9-]+)\)",
    re.MULTILINE,
)


def _references(page: str) -> dict[int, tuple[str, str]]:
    """Sources list of a development page: number → (shown name, source id)."""
    refs = {}
    for number, anchor, name, source in _REF.findall(page):
        assert number == anchor
        refs[int(number)] = (name, source)
    return refs


def test_citations_are_numbered_consistently_with_the_sources_list(
    example_pages: Pages, example_yaml: dict[str, dict[str, Any]]
) -> None:
    for ident, data in example_yaml.items():
        page = example_pages[f"situation/{ident}.md"]
        refs = _references(page)
        assert sorted(refs) == list(range(1, len(refs) + 1)), ident
        listed = [s if isinstance(s, str) else s["source"] for s in data["sources"]]
        # the development's own sources come first, in their order
        assert [refs[n][1] for n in range(1, len(listed) + 1)] == listed, ident
        points = re.findall(r"^<li>.*</li>$", page, re.MULTILINE)
        assert len(points) == len(data.get("key_points", [])), ident
        for point, line in zip(data.get("key_points", []), points, strict=True):
            cites = _CITE.findall(line)
            assert all(a == b for a, _, b in cites), line
            # each key point cites exactly its sources, by the number of their entry
            assert [refs[int(n)][1] for n, _, _ in cites] == point["sources"], (ident, line)
            assert [t for _, t, _ in cites] == [refs[int(n)][0] for n, _, _ in cites]
        cited = {s for p in data.get("key_points", []) for s in p["sources"]}
        assert {source for _, source in refs.values()} == set(listed) | cited, ident


def test_sources_page_lists_what_cites_each_source(
    example_pages: Pages, example_yaml: dict[str, dict[str, Any]]
) -> None:
    expected: dict[str, set[str]] = {source: set() for source in example_ids()["sources"]}
    for ident, data in example_yaml.items():
        cited = [s if isinstance(s, str) else s["source"] for s in data["sources"]]
        cited += [s for p in data.get("key_points", []) for s in p["sources"]]
        for source in cited:
            expected[source].add(ident)
    page = example_pages["sources/index.md"]
    sections = re.split(r"^## ", page, flags=re.MULTILINE)[1:]
    listed = set()
    for section in sections:
        anchor = _SOURCE_ANCHOR.search(section)
        assert anchor, section[:80]
        source = anchor.group(1).removeprefix("source-")
        listed.add(source)
        count = len(expected[source])
        noun = "development" if count == 1 else "developments"
        assert f"**Cited in [{count} {noun}]({source}.md)**" in section, section
    # The source list gives the count; each source's own page lists them all.
    assert listed == set(expected)
    for source, devs in expected.items():
        own = example_pages[f"sources/{source}.md"].split("\n## Developments citing", 1)[1]
        assert set(re.findall(r"\(\.\./situation/([a-z0-9-]+)\.md\)", own)) == devs


@pytest.mark.parametrize("kind", ["actors", "places"])
def test_profiles_list_every_development_that_names_them(
    example_pages: Pages, example_yaml: dict[str, dict[str, Any]], kind: str
) -> None:
    for ident in example_ids()[kind]:
        page = example_pages[f"{kind}/{ident}.md"]
        section = page.split("\n## Develop", 1)[1]  # "Developments naming …" / "… in …"
        expected = {dev for dev, data in example_yaml.items() if ident in data.get(kind, [])}
        assert set(_dev_links(section)) == expected, (kind, ident)


_DAY_HEADING = re.compile(r"^## (\d{1,2} [A-Z][a-z]+ \d{4})$", re.MULTILINE)


def _day_headings(page: str) -> list[datetime]:
    return [datetime.strptime(day, "%d %B %Y") for day in _DAY_HEADING.findall(page)]


def _dev_links(page: str) -> list[str]:
    return re.findall(
        r"\]\((?:\.\./situation/|situation/)?(\d{4}-\d\d-\d\d-[a-z0-9-]+)\.md\)", page
    )


def test_timeline_is_newest_first_and_grouped_by_day(example_pages: Pages) -> None:
    page = example_pages["situation/index.md"]
    days = _day_headings(page)
    assert days == sorted(set(days), reverse=True)  # unique, newest first
    links = _dev_links(page)
    assert sorted(links) == example_ids()["developments"]
    # every development sits under the heading of its own day
    for section in re.split(r"^## ", page, flags=re.MULTILINE)[1:]:
        day = datetime.strptime(section.splitlines()[0], "%d %B %Y").date().isoformat()
        assert all(link.startswith(day) for link in _dev_links(section)), section[:60]


def _latest_section(overview: str) -> str:
    """The overview's "Latest developments" (its "What changed" section links to some too)."""
    return overview.split("\n## Latest developments\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("path", ["index.md", "actors/hts.md", "places/homs.md"])
def test_development_lists_are_newest_first(example_pages: Pages, path: str) -> None:
    page = example_pages[path]
    links = _dev_links(_latest_section(page) if path == "index.md" else page)
    assert links, path
    dates = [link[:10] for link in links]
    assert dates == sorted(dates, reverse=True)


def test_overview_shows_the_six_latest(example_pages: Pages) -> None:
    latest = _dev_links(_latest_section(example_pages["index.md"]))
    newest = sorted(example_ids()["developments"], key=lambda i: i[:10], reverse=True)
    assert len(latest) == 6
    assert {i[:10] for i in latest} <= {i[:10] for i in newest[:6]}
    assert len(set(latest)) == 6


_MIXED_OFFSETS = {
    "developments/2031-03-06-east.yaml": {
        "title": "Late in the east",
        "date": "2031-03-06T01:00:00+05:00",  # 5 March, 20:00 UTC
        "summary": "a",
        "sources": ["src-a"],
    },
    "developments/2031-03-05-evening.yaml": {
        "title": "Evening in the west",
        "date": "2031-03-05T21:00:00+00:00",
        "summary": "b",
        "sources": ["src-a"],
    },
    "developments/2031-03-05-daytime.yaml": {
        "title": "Daytime",
        "date": "2031-03-05",
        "summary": "c",
        "sources": ["src-a"],
    },
}


def small_briefing(root: Path, extra: Mapping[str, Any] | None = None) -> Path:
    files: dict[str, Any] = {
        "briefing.yaml": {
            "title": "Small",
            "as_of": "2031-03-07T00:00:00+00:00",
            "summary": "s",
        },
        "sources.yaml": [{"id": "src-a", "name": "Source A", "kind": "other"}],
        "actors.yaml": [],
        "places.yaml": [],
        "developments/2031-03-01-first.yaml": {
            "title": "First",
            "date": "2031-03-01",
            "summary": "f",
            "sources": ["src-a"],
        },
        **(extra or {}),
    }
    return write_yaml_tree(root, files)


def test_timeline_days_unique_and_newest_first_with_mixed_offsets(tmp_path: Path) -> None:
    pages = render_folder(small_briefing(tmp_path / "b", _MIXED_OFFSETS))
    page = pages["situation/index.md"]
    assert sorted(_dev_links(page)) == sorted(
        ["2031-03-01-first", *(Path(name).stem for name in _MIXED_OFFSETS)]
    )
    days = _day_headings(page)
    assert days == sorted(set(days), reverse=True), page


# --- escaping: a hostile briefing ------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_tree(tmp_path_factory: pytest.TempPathFactory) -> Pages:
    root = write_hostile_briefing(tmp_path_factory.mktemp("hostile") / "briefings")
    report = Report()
    briefing = load(root, report, base=root)
    assert briefing is not None, [str(d) for d in report.sorted()]
    assert not report.errors and not report.warnings, [str(d) for d in report.sorted()]
    pages = render_site(briefing, TEMPLATES, report)
    assert not report.errors, [str(d) for d in report.sorted()]
    return pages


@pytest.fixture(scope="module")
def hostile_pages(hostile_tree: Pages) -> Pages:
    return markdown_pages(hostile_tree)


@pytest.fixture(scope="module")
def hostile_html(hostile_pages: Pages) -> dict[str, Scan]:
    return {path: scan_html(markdown_to_html(text)) for path, text in hostile_pages.items()}


def test_hostile_briefing_renders_every_page(hostile_pages: Pages) -> None:
    assert {"index.md", "situation/2031-01-01-first.md", "background/topic-a.md"} <= set(
        hostile_pages
    )


def test_no_raw_html_from_the_data_in_the_markdown(hostile_pages: Pages) -> None:
    for path, text in hostile_pages.items():
        meta, body = front_matter(text)
        lowered = body.lower()
        for raw in ("<script", "<img", "onerror=", "window.pwned=1"):
            assert raw not in lowered, (path, raw)
        # the data's </div> must not close a template's <div>
        assert lowered.count("<div") == lowered.count("</div>"), path
        # a page title is handed to the theme as HTML: it must be HTML-escaped
        assert not set("<>") & set(str(meta.get("title", ""))), path


def test_no_raw_html_from_the_data_in_the_html(hostile_html: dict[str, Scan]) -> None:
    """What MkDocs' Python-Markdown makes of the pages holds no element or
    attribute from the data, and every link is http(s), relative or an anchor."""
    for path, scan in hostile_html.items():
        for tag, attrs in scan.tags:
            if not is_basemap_image(tag, attrs):
                assert tag not in {"script", "img", "iframe", "object", "embed", "style"}, path
            assert not [name for name in attrs if name.startswith("on")], (path, tag, attrs)
            href = attrs.get("href", "")
            assert not re.match(r"\s*(javascript|data|vbscript):", href, re.I), (path, href)
        assert scan.scripts == [], path


def test_template_syntax_in_data_is_not_evaluated(
    hostile_pages: Pages, hostile_html: dict[str, Scan]
) -> None:
    for path, text in hostile_pages.items():
        assert "49" not in decoded(text), path
        assert "49" not in hostile_html[path].plain, path
    shown = " ".join(scan.plain for scan in hostile_html.values())
    assert "{{ 7*7 }}" in shown and "{% if %}" in shown


@pytest.mark.parametrize("path", ["index.md", "situation/2031-01-02-second.md"])
def test_template_title_is_shown_as_typed(
    hostile_pages: Pages, hostile_html: dict[str, Scan], path: str
) -> None:
    meta, body = front_matter(hostile_pages[path])
    assert decoded(meta["title"]) == TEMPLATE_TITLE
    heading = next(line for line in body.splitlines() if line.startswith("# "))
    assert decoded(heading) == f"# {TEMPLATE_TITLE}"
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", markdown_to_html(hostile_pages[path]))
    assert h1 and decoded(h1.group(1)) == TEMPLATE_TITLE


def test_second_development_title_is_shown_as_typed_in_the_timeline(
    hostile_html: dict[str, Scan],
) -> None:
    scan = hostile_html["situation/index.md"]
    assert TEMPLATE_TITLE in scan.plain


@pytest.mark.parametrize("field", list(PLAIN_FIELDS))
def test_plain_text_fields_are_shown_exactly_as_typed(
    hostile_html: dict[str, Scan], field: str
) -> None:
    expected = hostile_text(PLAIN_FIELDS[field])
    found = [path for path, scan in hostile_html.items() if expected in scan.plain]
    assert found, f"{field} is not shown verbatim on any page"


@pytest.mark.parametrize("field", list(PROSE_FIELDS))
def test_prose_fields_show_raw_html_as_text(hostile_html: dict[str, Scan], field: str) -> None:
    label = PROSE_FIELDS[field]
    found = [scan for scan in hostile_html.values() if label in scan.plain]
    assert found, f"{field} is not shown on any page"
    for scan in found:  # the page itself, and excerpts on overview and index pages
        for payload in PAYLOADS[:4]:  # raw HTML and template syntax: shown as typed
            assert payload in scan.plain, (field, payload)
    # and it is Markdown where shown in full: emphasis and an http(s) link work
    assert any(
        ("a", {"href": "https://ok.example"}) in scan.tags and ("em", {}) in scan.tags
        for scan in found
    ), field


def test_front_matter_titles_decode_to_the_typed_title(hostile_pages: Pages) -> None:
    meta, _ = front_matter(hostile_pages["situation/2031-01-01-first.md"])
    assert decoded(meta["title"]) == hostile_text(PLAIN_FIELDS["development.title"])
    meta, _ = front_matter(hostile_pages["background/topic-a.md"])
    assert decoded(meta["title"]) == hostile_text(PLAIN_FIELDS["topic.title"])


@pytest.mark.parametrize("char", ["\x7f", "\x80", "\ufffe"])
def test_title_with_a_character_yaml_refuses_keeps_front_matter_valid(
    tmp_path: Path, char: str
) -> None:
    title = f"Click [me](javascript:alert(1)) {char} now"
    dev = {
        "developments/2031-03-02-odd.yaml": {
            "title": title,
            "date": "2031-03-02",
            "summary": "x",
            "sources": ["src-a"],
        }
    }
    pages = render_or_refuse(small_briefing(tmp_path / "b", dev))
    if pages is None:
        return  # refusing the character with a diagnostic is a fix too
    page = pages["situation/2031-03-02-odd.md"]
    _, meta = get_data(page)  # what MkDocs does with the page
    shown = decoded(str(meta.get("title", "")))
    # the title survives (the odd character may be dropped or replaced)
    assert shown.startswith("Click [me](javascript:alert(1)) ") and shown.endswith(" now")
    assert not [href for href in scan_html(markdown_to_html(page)).hrefs() if ":" in href]


def test_feed_of_hostile_data_is_well_formed_and_inert(hostile_tree: Pages) -> None:
    feed = ET.fromstring(hostile_tree["feed.xml"].encode("utf-8"))
    titles = [e.text for e in feed.iter(f"{{{ATOM}}}title")]
    assert TEMPLATE_TITLE in titles  # the feed's own title and the second development
    assert hostile_text(PLAIN_FIELDS["development.title"]) in titles
    shown = []
    for summary in feed.iter(f"{{{ATOM}}}summary"):
        assert summary.get("type") == "html"
        scan = scan_html(summary.text or "")  # what a feed reader renders
        assert not [t for t, _ in scan.tags if t in {"script", "img"}]
        assert not [a for _, attrs in scan.tags for a in attrs if a.startswith("on")]
        shown.append(scan.plain)
    assert any("<script>window.PWNED=1</script>" in text for text in shown)


def test_data_exports_keep_the_typed_text(hostile_tree: Pages) -> None:
    data = json.loads(hostile_tree["data/developments.json"])
    by_id = {d["id"]: d for d in data["developments"]}
    assert data["briefing"]["title"] == TEMPLATE_TITLE
    assert by_id["2031-01-02-second"]["title"] == TEMPLATE_TITLE
    first = by_id["2031-01-01-first"]
    assert first["title"] == hostile_text(PLAIN_FIELDS["development.title"])
    assert first["tags"] == [hostile_text(PLAIN_FIELDS["development.tags[0]"])]
    events = json.loads(hostile_tree["data/events.geojson"])
    assert {f["properties"]["development"] for f in events["features"]} == {"2031-01-01-first"}


def test_feed_stays_well_formed_with_a_control_character(tmp_path: Path) -> None:
    dev = {
        "developments/2031-03-02-odd.yaml": {
            "title": "Bell \x07 and escape \x1b",
            "date": "2031-03-02",
            "summary": "x",
            "sources": ["src-a"],
        }
    }
    pages = render_or_refuse(small_briefing(tmp_path / "b", dev))
    if pages is not None:  # refusing the character with a diagnostic is a fix too
        ET.fromstring(pages["feed.xml"].encode("utf-8"))
