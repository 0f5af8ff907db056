"""Tags lead somewhere (issue 13): each tag on a development page links to a page of
its developments, newest first, 50 a page, and /tags/ lists every tag with its count.

Tag ids (generator/tags.py): the slugified text, so spellings differing in case,
accents or punctuation share a page; a tag with no Latin letter, or whose slug is
reserved (``index``), gets a hashed id. Tag text is untrusted and shown as typed.
One MkDocs build of a made-up briefing (module-scoped) covers the HTML; the
example's pages are checked against its YAML at the Markdown level.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from site_helpers import (
    EXAMPLE,
    PROJECT,
    TEMPLATES,
    broken_links,
    build,
    copy_project,
    resolve,
    scan_html,
    write_yaml_tree,
)

from generator import Report, load
from generator.ids import id_problem
from generator.render import render_site
from generator.tags import tag_id

PWN = "<script>window.__pwned=1</script>"
HOSTILE_TAG = f"evil {PWN} | *x* [y](javascript:alert(1)) {{{{ 7*7 }}}}"
ARABIC = "حمص"
BULK = 120  # developments tagged "bulk": three pages of 50, 50 and 20
START = date(2024, 8, 1)


def bulk_id(i: int) -> str:
    return f"{START + timedelta(days=i)}-event-{i:03d}"


def tagged_briefing(root: Path) -> Path:
    """A briefing whose developments carry every awkward kind of tag."""
    files: dict[str, Any] = {
        "briefing.yaml": {
            "title": "Tag test briefing",
            "as_of": "2024-12-06T12:00:00+00:00",
            "summary": "Tags.",
        },
        "sources.yaml": [{"id": "sohr", "name": "SOHR", "kind": "monitor"}],
        "actors.yaml": [{"id": "hts", "name": "HTS", "kind": "armed-group"}],
        "places.yaml": [{"id": "homs", "name": "Homs", "kind": "city"}],
    }
    for i in range(BULK):
        tags = ["bulk"]
        if i < 3:  # three spellings of one tag: "homs" is the one most used
            tags.append(["Homs", "homs", "homs"][i])
        if i == 3:
            tags += ["Ḥoms", ARABIC, "index", HOSTILE_TAG, "homs"]
        files[f"developments/{bulk_id(i)}.yaml"] = {
            "title": f"Event {i:03d}",
            "date": str(START + timedelta(days=i)),
            "summary": "Something happened.",
            "sources": ["sohr"],
            "tags": tags,
        }
    return write_yaml_tree(root, files)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tags")
    project = copy_project(root / "project")
    tagged_briefing(project / "briefings_tagged")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("briefings_dir: briefings\n", "briefings_dir: briefings_tagged\n")
    config.write_text(text, encoding="utf-8")
    result = build(project, root / "site")
    assert result.returncode == 0, result.stdout
    return root / "site"


def page(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def h1(text: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", text, flags=re.S)
    assert found, text[:200]
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).replace("¶", "").strip()


def tag_links(text: str) -> list[tuple[str, str]]:
    """(href, text) of the tag links at the foot of a development page."""
    return [
        (html.unescape(href), html.unescape(label))
        for href, label in re.findall(r'<a class="bf-tag" href="([^"]*)">(.*?)</a>', text)
    ]


def listed(text: str) -> list[str]:
    """The development ids a list page links to, in order."""
    return re.findall(r'href="(?:\.\./)+situation/([^/"]+)/"', text)


# --- ids ---------------------------------------------------------------------------------------


def test_spellings_that_differ_in_case_accents_or_punctuation_share_an_id() -> None:
    assert {tag_id(t) for t in ("Homs", "homs", "Ḥoms", "homs!", " HOMS ")} == {"homs"}
    assert tag_id("Territorial control") == "territorial-control"


def test_tags_without_latin_letters_or_with_a_reserved_slug_get_a_hashed_id() -> None:
    arabic = tag_id(ARABIC)
    assert re.fullmatch(r"tag-[0-9a-f]{8}", arabic) and id_problem(arabic) is None
    assert tag_id(ARABIC) == arabic != tag_id("دمشق")
    assert tag_id("index") != "index"  # its page would replace the tags index
    assert re.fullmatch(r"tag-[0-9a-f]{8}", tag_id("index"))


# --- the built site ------------------------------------------------------------------------------


def test_each_tag_on_a_development_page_leads_to_its_page(site: Path) -> None:
    rel = f"situation/{bulk_id(3)}/index.html"
    links = tag_links(page(site, rel))
    texts = [label for _, label in links]
    # Each page once, in the development's order, spelled as the development spells it.
    assert texts == ["bulk", "Ḥoms", ARABIC, "index", HOSTILE_TAG]
    for href, label in links:
        target, _ = resolve(rel, href)
        assert target == f"tags/{tag_id(label)}/index.html"
        assert (site / target).is_file(), href


def test_a_tag_page_lists_its_developments_newest_first_fifty_a_page(site: Path) -> None:
    pages = ["tags/bulk/index.html", "tags/bulk/page/2/index.html", "tags/bulk/page/3/index.html"]
    shown = [listed(page(site, rel)) for rel in pages]
    assert [len(ids) for ids in shown] == [50, 50, 20]
    assert [i for ids in shown for i in ids] == [bulk_id(i) for i in reversed(range(BULK))]
    assert not (site / "tags/bulk/page/4").exists()
    first = page(site, pages[0])
    assert "Page 1 of 3 (1–50 of 120)" in html.unescape(re.sub(r"<[^>]+>", "", first))
    assert 'href="page/2/"' in first
    assert h1(page(site, pages[1])) == "Tag: bulk, page 2"


def test_spellings_of_one_tag_share_a_page_named_by_the_most_used(site: Path) -> None:
    text = page(site, "tags/homs/index.html")
    assert h1(text) == "Tag: homs"
    words = html.unescape(re.sub(r"<[^>]+>", "", text))
    assert "4 developments, newest first · also written “Homs”, “Ḥoms”" in words
    assert listed(text) == [bulk_id(3), bulk_id(2), bulk_id(1), bulk_id(0)]


def test_the_tags_index_lists_every_tag_with_its_count(site: Path) -> None:
    text = page(site, "tags/index.html")
    row = r'<tr>\s*<td><a href="([^"]+)">(.*?)</a>.*?</td>\s*<td[^>]*>(\d+)</td>'
    rows = re.findall(row, text, flags=re.S)
    found = {html.unescape(name): (href, int(n)) for href, name, n in rows}
    assert found == {
        ARABIC: (f"{tag_id(ARABIC)}/", 1),
        "bulk": ("bulk/", BULK),
        HOSTILE_TAG: (f"{tag_id(HOSTILE_TAG)}/", 1),
        "homs": ("homs/", 4),
        "index": (f"{tag_id('index')}/", 1),
    }
    assert "(also written “Homs”, “Ḥoms”)" in html.unescape(text)


def test_tag_text_is_shown_as_typed_never_run(site: Path) -> None:
    rel = f"tags/{tag_id(HOSTILE_TAG)}/index.html"
    text = page(site, rel)
    assert h1(text) == f"Tag: {HOSTILE_TAG}"
    for where in (rel, "tags/index.html", f"situation/{bulk_id(3)}/index.html"):
        scan = scan_html(page(site, where))
        assert not any("__pwned" in script for script in scan.scripts), where
        assert "javascript:" not in " ".join(scan.hrefs()), where
        assert HOSTILE_TAG in scan.plain, where


def test_every_link_of_the_site_resolves(site: Path) -> None:
    assert broken_links(site) == []


def test_the_tags_index_is_reachable_from_the_overview_about_and_development_pages(
    site: Path,
) -> None:
    for rel in ("index.html", "about/index.html", f"situation/{bulk_id(0)}/index.html"):
        hrefs = scan_html(page(site, rel)).hrefs()
        assert any(resolve(rel, href)[0] == "tags/index.html" for href in hrefs), rel


# --- the example, from its YAML ------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_pages() -> dict[str, str]:
    report = Report()
    briefing = load(EXAMPLE, report, base=PROJECT)
    assert briefing is not None
    return render_site(briefing, TEMPLATES, report)


def test_the_examples_tags_lead_to_pages_listing_exactly_their_developments(
    example_pages: dict[str, str],
) -> None:
    tagged: dict[str, set[str]] = {}
    for path in (EXAMPLE / "developments").glob("*.yaml"):
        for tag in yaml.safe_load(path.read_text(encoding="utf-8")).get("tags") or []:
            tagged.setdefault(tag_id(tag), set()).add(path.stem)
            shown = html.unescape(example_pages[f"situation/{path.stem}.md"])
            assert f"[{tag}](../tags/{tag_id(tag)}.md){{: .bf-tag }}" in shown, path.stem
    assert len(tagged) > 10
    pages = {p for p in example_pages if p.startswith("tags/")}
    assert pages == {"tags/index.md"} | {f"tags/{t}.md" for t in tagged}
    for tid, devs in tagged.items():
        text = example_pages[f"tags/{tid}.md"]
        assert set(re.findall(r"\(\.\./situation/([^)]+)\.md\)", text)) == devs, tid
        assert f"]({tid}.md) | {len(devs)} |" in example_pages["tags/index.md"]


def test_a_briefing_without_tags_has_an_index_saying_so(make_briefing: Any) -> None:
    root = make_briefing()
    report = Report()
    briefing = load(root, report, base=root)
    assert briefing is not None
    pages = render_site(briefing, TEMPLATES, report)
    assert [p for p in pages if p.startswith("tags/")] == ["tags/index.md"]
    assert "No development has tags yet" in pages["tags/index.md"]
    assert "Tags:" not in pages["situation/2024-12-06-rebels-near-homs.md"]
