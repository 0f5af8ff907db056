"""Edit links (issue 13): with ``repo_url`` and ``edit_uri`` set, Material's edit
button on every generated page opens the file the page is made from (generator/edits.py).

The example is built from a folder named ``sudan`` (``briefings_dir``), with
MkDocs' usual ``edit_uri: edit/main/docs/``, so the paths must start at the folder
of mkdocs.yml and name the briefing folder. Without ``repo_url``: no button.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from site_helpers import EXAMPLE, build, copy_project

from generator.edits import EditLinks, root_edit_uri, route_of

REPO = "https://github.com/example-org/briefing"
EDIT = f"{REPO}/edit/main/"
DEV = "2024-12-06-rebels-within-5km-of-homs"


def edit_link(site: Path, url: str) -> str | None:
    """The edit button's address on the page at ``url`` (relative to the site), or None."""
    text = (site / url / "index.html").read_text(encoding="utf-8")
    button = r'<a href="([^"]*)"[^>]*class="md-content__button md-icon"[^>]*rel="edit"'
    found = re.findall(button, text)
    assert len(found) <= 1, url
    return html.unescape(found[0]) if found else None


def line_of(registry: Path, ident: str) -> int:
    lines = registry.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line == f"- id: {ident}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("edit-links")
    project = copy_project(root / "project")
    shutil.move(project / "briefings", project / "sudan")
    (project / "docs" / "notes.md").write_text("# Team notes\n\nWritten by hand.\n")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "# repo_url: " in text and "# edit_uri: " in text  # the commented-out example
    text = re.sub(r"(?m)^# repo_url: .*$", f"repo_url: {REPO}", text)
    text = re.sub(r"(?m)^# edit_uri: .*$", "edit_uri: edit/main/docs/", text)
    text = text.replace("briefings_dir: briefings\n", "briefings_dir: sudan\n")
    config.write_text(text, encoding="utf-8")
    result = build(project, root / "site")
    assert result.returncode == 0, result.stdout
    return root / "site"


@pytest.mark.parametrize(
    ("url", "opens"),
    [
        (f"situation/{DEV}/", f"sudan/developments/{DEV}.yaml"),
        ("background/hts-and-its-origins/", "sudan/background/hts-and-its-origins.yaml"),
        ("", "sudan/briefing.yaml"),
        ("changes/", "sudan/briefing.yaml"),
        ("brief/", "sudan/briefing.yaml"),
        ("indicators/", "sudan/indicators.yaml"),
        ("actors/", "sudan/actors.yaml"),
        ("places/", "sudan/places.yaml"),
        ("sources/", "sudan/sources.yaml"),
        ("about/", "templates/about.md.j2"),
        ("notes/", "docs/notes.md"),
    ],
)
def test_the_edit_button_opens_the_file_the_page_is_made_from(
    site: Path, url: str, opens: str
) -> None:
    assert edit_link(site, url) == EDIT + opens


@pytest.mark.parametrize(
    ("kind", "ident"), [("actors", "hts"), ("places", "homs"), ("sources", "sohr")]
)
def test_registry_entries_open_their_file_at_their_line(site: Path, kind: str, ident: str) -> None:
    line = line_of(EXAMPLE / f"{kind}.yaml", ident)
    assert edit_link(site, f"{kind}/{ident}/") == f"{EDIT}sudan/{kind}.yaml#L{line}"


def test_pages_made_from_many_files_have_no_edit_button(site: Path) -> None:
    for url in ("situation/", "background/", "tags/", "tags/homs/"):
        assert edit_link(site, url) is None, url


def test_without_repo_url_no_page_has_an_edit_button(
    tmp_path: Path, make_briefing: Callable[[], Path]
) -> None:
    project = copy_project(tmp_path / "project", make_briefing())
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"(?m)^repo_url:", config) is None
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stdout
    pages = list((tmp_path / "site").rglob("index.html"))
    assert len(pages) > 10
    assert not [p for p in pages if 'rel="edit"' in p.read_text(encoding="utf-8")]


# --- the rule, without a build -------------------------------------------------------------------


def test_edit_uri_pointing_at_docs_means_the_folder_above(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    assert root_edit_uri("edit/main/docs/", docs, tmp_path) == "edit/main/"
    assert root_edit_uri("edit/main/", docs, tmp_path) == "edit/main/"
    assert root_edit_uri("blob/main/site/docs/", docs, tmp_path) == "blob/main/site/"
    assert root_edit_uri("edit/main/docs/", tmp_path / "pages", tmp_path) == "edit/main/docs/"


def test_every_page_kind_is_known_and_later_pages_open_the_same_file(tmp_path: Path) -> None:
    links = EditLinks(tmp_path, tmp_path / "b", tmp_path / "t", tmp_path / "docs")
    assert route_of("actors/hts/page/2.md") == ("actor", "hts")
    assert links.generated("actors/hts/page/2.md") == links.generated("actors/hts.md")
    assert links.generated("changes/page/3.md") == "b/briefing.yaml"
    assert links.generated("situation/page/2.md") is None
    assert links.generated("feed.xml") is None
    outside = EditLinks(tmp_path, tmp_path.parent / "elsewhere", tmp_path / "t", tmp_path)
    assert outside.generated("index.md") is None  # no path from the repository's root


def test_the_repository_link_asks_github_for_nothing(site: Path) -> None:
    """Material's header fetches the repository's stars from api.github.com for a link
    marked data-md-component="source"; templates/theme/partials/source.html drops it."""
    text = (site / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{REPO}" title="Go to repository" class="md-source">' in text
    assert 'data-md-component="source"' not in text
