"""Real `mkdocs build --strict` runs (issue 3): the example, a second briefing,
a hostile briefing, and builds that must fail without touching site/.

Each build runs in a temporary copy of the project (mkdocs.yml, templates/,
docs/, briefings/), through ``python -m mkdocs`` of this interpreter.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from site_helpers import (
    DIAGNOSTIC,
    EXPORTS,
    PROJECT,
    SECOND,
    TEMPLATE_TITLE,
    Scan,
    briefing_ids,
    broken_links,
    build,
    copy_project,
    example_ids,
    expected_urls,
    html_pages,
    is_basemap_image,
    is_external,
    mkdocs,
    pagefind_pages,
    resolve,
    scan_html,
    snapshot,
    warning_lines,
    write_hostile_briefing,
)

from generator.feed import ATOM

DEVELOPMENT = "2024-12-06-rebels-within-5km-of-homs"
BROKEN_DEV = f"briefings/developments/{DEVELOPMENT}.yaml"


def page_file(site: Path, url: str) -> Path:
    return site / url / "index.html"


def scans(site: Path) -> dict[str, Scan]:
    return {rel: scan_html(path.read_text(encoding="utf-8")) for rel, path in html_pages(site)}


def assert_built(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout
    assert warning_lines(result.stdout) == [], result.stdout
    assert "Traceback" not in result.stdout


# --- the example -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    project = copy_project(tmp_path_factory.mktemp("example") / "project")
    site = project.parent / "site"
    result = build(project, site)
    assert_built(result)
    return result.stdout, site


@pytest.fixture(scope="module")
def example_scans(example_site: tuple[str, Path]) -> dict[str, Scan]:
    return scans(example_site[1])


def test_example_builds_strict_without_warnings(example_site: tuple[str, Path]) -> None:
    output, _ = example_site
    assert "Documentation built" in output


def test_every_promised_page_exists(example_site: tuple[str, Path]) -> None:
    _, site = example_site
    ids = example_ids()
    assert all(ids[kind] for kind in ("developments", "topics", "actors", "places"))
    urls = expected_urls(ids)
    missing = [url or "/" for url in sorted(urls) if not page_file(site, url).is_file()]
    assert missing == []
    assert [name for name in EXPORTS if not (site / name).is_file()] == []


def test_every_internal_link_resolves(
    example_site: tuple[str, Path], example_scans: dict[str, Scan]
) -> None:
    _, site = example_site
    assert sum(len(scan.hrefs()) for scan in example_scans.values()) > 1000
    assert broken_links(site) == []


def test_citation_and_source_anchors_exist(
    example_site: tuple[str, Path], example_scans: dict[str, Scan]
) -> None:
    """The anchors the briefing itself makes: #ref-N on a development, #source-x."""
    page = example_scans[f"situation/{DEVELOPMENT}/index.html"]
    cites = [h for h in page.hrefs() if h.startswith("#ref-")]
    assert cites and all(h[1:] in page.ids for h in cites)
    sources = [h for h in page.hrefs() if "#source-" in h]
    assert len(sources) == 5
    target = example_scans["sources/index.html"]
    assert {h.split("#")[1] for h in sources} <= target.ids


def resources(scan: Scan) -> list[tuple[str, str]]:
    """(tag, url) of everything a page makes the browser load or announce."""
    found = []
    for tag, attrs in scan.tags:
        url = attrs.get("href") if tag == "link" else attrs.get("src")
        if tag in ("script", "img", "link", "iframe", "source") and url:
            found.append((tag, url))
    return found


def test_no_third_party_hosts(example_scans: dict[str, Scan]) -> None:
    """No page makes the reader's browser contact a third party (fonts, CDNs)."""
    problems = [
        f"{rel}: <{tag}> {url}"
        for rel, scan in example_scans.items()
        for tag, url in resources(scan)
        if is_external(url)
    ]
    assert problems == []


def test_linked_local_resources_exist(
    example_site: tuple[str, Path], example_scans: dict[str, Scan]
) -> None:
    _, site = example_site
    problems = []
    for rel, scan in example_scans.items():
        for tag, url in resources(scan):
            target, _ = resolve(rel, url)
            if not target or not (site / target).is_file():
                problems.append(f"{rel}: <{tag}> {url} → missing {target}")
    assert any(url.endswith("briefing.css") for _, url in resources(example_scans["index.html"]))
    assert problems == []


def test_no_third_party_fonts_anywhere(example_site: tuple[str, Path]) -> None:
    _, site = example_site
    for rel, path in html_pages(site):
        text = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, rel


def test_search_index(example_site: tuple[str, Path]) -> None:
    """The search index (Pagefind's, generator/sitesearch.py): every page's content."""
    _, site = example_site
    pages = {page["url"]: page for page in pagefind_pages(site)}
    dev = pages[f"/situation/{DEVELOPMENT}/"]
    assert dev["meta"]["title"] == "HTS-led rebels within 5 km of Homs"
    assert "Syrian Observatory for Human Rights" in dev["content"]
    assert "حمص" in pages["/places/homs/"]["content"]
    assert "هيئة تحرير الشام" in pages["/actors/hts/"]["content"]


def test_feed_is_well_formed(example_site: tuple[str, Path]) -> None:
    _, site = example_site
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall(f"{{{ATOM}}}entry")
    assert len(entries) == len(example_ids()["developments"])
    json.loads((site / "data" / "developments.json").read_text(encoding="utf-8"))
    json.loads((site / "data" / "events.geojson").read_text(encoding="utf-8"))


def test_overview_has_a_map(example_scans: dict[str, Scan]) -> None:
    overview = example_scans["index.html"]
    assert any(
        "map" in attrs.get("id", "").split("-")
        or "map" in re.split(r"[\s_-]", attrs.get("class", ""))
        for _, attrs in overview.tags
    )


# --- a hostile briefing, built ---------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    briefings = write_hostile_briefing(root / "hostile-briefings")
    project = copy_project(root / "project", briefings)
    result = build(project, root / "site")
    assert_built(result)
    return root / "site"


def test_hostile_site_has_no_markup_from_the_data(hostile_site: Path) -> None:
    for rel, scan in scans(hostile_site).items():
        for tag, attrs in scan.tags:
            if not is_basemap_image(tag, attrs):
                assert tag not in {"img", "iframe", "object", "embed"}, (rel, tag, attrs)
            assert not [name for name in attrs if name.startswith("on")], (rel, tag, attrs)
            href = attrs.get("href", "")
            assert not re.match(r"\s*(javascript|data|vbscript):", href, re.I), (rel, href)
            if tag == "script":  # only the theme's own scripts
                assert "src" not in attrs or not is_external(attrs["src"]), (rel, attrs)
        assert not [body for body in scan.scripts if "PWNED" in body], rel
        assert "<script>window.PWNED=1</script>" in scan.plain or rel in {
            "404.html",
            "about/index.html",
        }, rel


def test_hostile_site_shows_a_template_title_as_typed(hostile_site: Path) -> None:
    for rel in ("index.html", "situation/2031-01-02-second/index.html"):
        text = (hostile_site / rel).read_text(encoding="utf-8")
        scan = scan_html(text)
        title = re.search(r"<title>(.*?)</title>", text, re.S)
        h1 = re.search(r"<h1[^>]*>(.*?)<a class=\"headerlink\"", text, re.S)
        assert title and h1, rel
        # the <title> and the heading hold the text as typed, never its value
        assert html.unescape(title.group(1)).startswith(f"{TEMPLATE_TITLE} - "), rel
        assert html.unescape(h1.group(1)) == TEMPLATE_TITLE, rel
        assert "49" not in scan.plain, rel


def test_hostile_search_index_holds_markup_only_as_text(hostile_site: Path) -> None:
    """Pagefind indexes what a page shows. Markup from the data is shown as text, so it is
    in the index as text (a real <script> element's code never is), and the search box
    (assets/search.js) builds its results from it with textContent."""
    pages = pagefind_pages(hostile_site)
    assert any("PWNED" in page["content"] for page in pages)
    titles = [page["meta"]["title"] for page in pages]
    assert any("<script>window.PWNED=1</script>" in title for title in titles), titles


def test_title_with_a_control_character_cannot_inject_a_link(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    path = project / BROKEN_DEV
    text = path.read_text(encoding="utf-8")
    evil = 'title: "[click me](javascript:alert(document.domain)) \\x7f"'
    path.write_text(re.sub(r"(?m)^title: .*$", lambda _: evil, text, count=1), encoding="utf-8")
    result = build(project, tmp_path / "site")
    if result.returncode != 0:  # refusing the character with a diagnostic is a fix too
        assert DIAGNOSTIC.search(result.stdout) and "Traceback" not in result.stdout
        return
    assert_built(result)
    page = scan_html(page_file(tmp_path / "site", f"situation/{DEVELOPMENT}").read_text("utf-8"))
    assert not [h for h in page.hrefs() if h.lower().startswith("javascript:")]


# --- a second briefing -----------------------------------------------------------------------


def test_second_briefing_is_valid_under_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--strict", str(SECOND)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.fixture(scope="module")
def second_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("second")
    project = copy_project(root / "project")  # the Syria briefing stays, unused
    shutil.copytree(SECOND, project / "flood")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "briefings_dir: briefings\n" in text and text.startswith("site_name: ")
    text = text.replace("briefings_dir: briefings\n", "briefings_dir: flood\n")
    text = re.sub(r"^site_name: .*$", "site_name: Vessa floods", text, count=1, flags=re.M)
    config.write_text(text, encoding="utf-8")
    result = build(project, root / "site")
    assert_built(result)
    return root / "site"


def test_second_briefing_pages_exist(second_site: Path) -> None:
    urls = expected_urls(briefing_ids(SECOND))
    assert "situation/2031-04-12-evacuation-centres-full/" in urls
    assert [url or "/" for url in sorted(urls) if not page_file(second_site, url).is_file()] == []
    overview = scan_html((second_site / "index.html").read_text(encoding="utf-8"))
    assert "Floods on the Lower Vessa: the relief response" in overview.plain


def test_second_briefing_has_none_of_the_example_pages(second_site: Path) -> None:
    ours = expected_urls(briefing_ids(SECOND))
    syria = expected_urls(example_ids()) - ours
    assert len(syria) > 30
    assert [url for url in sorted(syria) if page_file(second_site, url).exists()] == []
    for rel, scan in scans(second_site).items():
        assert "Homs" not in scan.plain, rel


def test_second_briefing_links_resolve(second_site: Path) -> None:
    assert broken_links(second_site) == []


# --- failed builds ---------------------------------------------------------------------------


def _replace_line(path: Path, pattern: str, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, lambda _: line, text, count=1, flags=re.MULTILINE)
    assert count == 1, pattern
    path.write_text(new, encoding="utf-8")


def test_failed_build_leaves_site_untouched(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    assert_built(build(project, site))
    before = snapshot(site)
    assert len(before) > 50
    # two broken files: a YAML syntax error and an unknown reference
    _replace_line(project / BROKEN_DEV, r"^title: .*$", 'title: "HTS-led rebels')
    other = "briefings/developments/2024-12-06-army-reinforces-homs-defences.yaml"
    _replace_line(project / other, r"^places: .*$", "places: [homz]")

    result = build(project, site)

    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stdout
    shown = {m.group("path") for m in DIAGNOSTIC.finditer(result.stdout)}
    assert shown == {BROKEN_DEV, other}, result.stdout
    assert "homs" in result.stdout  # the closest id is suggested
    assert snapshot(site) == before


@pytest.mark.parametrize(
    ("line", "kind"),
    [("{% for x in %}", "syntax error"), ("{{ no_such_variable }}", "undefined variable")],
)
def test_template_error_names_the_template_line(tmp_path: Path, line: str, kind: str) -> None:
    project = copy_project(tmp_path / "project")
    template = project / "templates" / "timeline.md.j2"
    lines = template.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(5, line + "\n")  # becomes line 6
    template.write_text("".join(lines), encoding="utf-8")

    result = build(project, tmp_path / "site")

    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stdout
    assert re.search(r"(?m)^ERROR\s+-\s+templates/timeline\.md\.j2:6:\d+: error: ", result.stdout)
    assert not (tmp_path / "site").exists()


def test_template_error_path_is_relative_to_the_project(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "proj")
    template = project / "templates" / "timeline.md.j2"
    template.write_text("{% for x in %}\n", encoding="utf-8")
    result = mkdocs(tmp_path, "build", "--strict", "-f", "proj/mkdocs.yml", "-d", "out")
    assert result.returncode == 1, result.stdout
    assert re.search(r"(?m)^ERROR\s+-\s+templates/timeline\.md\.j2:1:\d+: error: ", result.stdout)


def test_clash_with_docs_fails_without_touching_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    assert_built(build(project, site))
    before = snapshot(site)
    (project / "docs" / "about.md").write_text("# Mine\n", encoding="utf-8")
    result = build(project, site)
    assert result.returncode == 1 and "about.md" in result.stdout, result.stdout
    assert snapshot(site) == before


def test_strict_warning_fails_without_touching_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    assert_built(build(project, site))
    before = snapshot(site)
    with (project / "briefings" / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write("\n- id: never-cited\n  name: Never cited\n  kind: other\n")
    result = build(project, site)
    assert result.returncode == 1, result.stdout
    assert "never-cited" in result.stdout
    assert snapshot(site) == before
