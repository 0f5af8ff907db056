"""``make zensical``: the generated Markdown tree built with Zensical (optional extra).

Replicates the Makefile's target in a temporary copy: ``briefing render --out
build/zensical/docs``, then build/zensical/mkdocs.yml written with the
Makefile's own ``printf`` text (INHERIT of the project's mkdocs.yml, theme
custom_dir), then ``zensical build -f mkdocs.yml`` in build/zensical. The same
copy is built with MkDocs, and the two sites are compared. ``make`` installs the
``zensical`` extra at the version constraints.txt pins (0.1 and newer need
zensical-ui, which is not installable here); elsewhere these tests skip without
it, and under CI=true that skip fails the run (tests/conftest.py).

Differences observed between the two outputs (zensical 0.0.73, mkdocs 1.6.1 +
mkdocs-material 9.8.2), when this was written:

* Search index: Zensical writes ``/search.json`` (``{"config", "items"}``, each
  item with ``level`` and ``path``); MkDocs writes ``/search/search_index.json``
  (``{"config", "docs"}``).
* Search language: Zensical's index says ``"lang": ["en"]`` and it copies no
  lunr language files; it ignores the search plugin's ``lang: [en, ar]``
  (Arabic aliases are still in the index as text). MkDocs ships
  ``assets/javascripts/lunr/`` and uses ``["en", "ar"]``.
* Assets: Zensical writes ``assets/stylesheets/{classic,modern}/*.css`` (pages
  use ``modern``) and ``assets/javascripts/LICENSE``, and no source maps
  (``*.map``); its links are written ``./x/`` rather than ``x/``.
* No ``sitemap.xml.gz`` (``sitemap.xml`` is written).
* ``site_url`` reaches the feed and the exports because ``briefing render``
  reads it from mkdocs.yml (test below).
* ``validation:``: Zensical 0.0.73 reports broken links and
  anchors itself and honours ``validation: {not_found: ignore}`` and
  ``{anchors: ignore}`` (checked for not_found below). Its warnings do
  not fail the build without ``--strict``, which the Makefile does not pass.
* Only the rendered tree is built: files in the project's ``docs/`` (which
  MkDocs merges with the generated pages) are not part of the Zensical site.
* Same pages, same page titles and headings, byte-identical feed.xml and
  data/*, the feed autodiscovery link in every page (custom_dir is honoured),
  no third-party URL in the HTML.
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
from publish_helpers import (
    ATOM,
    build_env,
    copy_project,
    mkdocs_build,
    parse_html,
    read_briefing,
    run,
    set_site_url,
)

pytest.importorskip("zensical")

pytestmark = pytest.mark.slow

MAKEFILE = Path(__file__).resolve().parent.parent / "Makefile"
SITE_URL = "https://example.org/briefing/"


def zensical_executable() -> str:
    beside = Path(sys.executable).with_name("zensical")
    found = str(beside) if beside.exists() else shutil.which("zensical")
    if not found:
        pytest.skip("the zensical executable is not installed (make installs it)")
    return found


def makefile_config() -> str:
    """The build/zensical/mkdocs.yml text the Makefile's zensical target writes."""
    match = re.search(r"printf '([^']*)' > build/zensical/mkdocs\.yml", MAKEFILE.read_text("utf-8"))
    assert match, "the Makefile's zensical target no longer writes build/zensical/mkdocs.yml"
    return match.group(1).replace("\\n", "\n")


def zensical_build(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The Makefile's zensical target, run in ``project``; the site is build/zensical/site."""
    exe = zensical_executable()
    shutil.rmtree(project / "build" / "zensical", ignore_errors=True)
    (project / "build" / "zensical").mkdir(parents=True)
    run([sys.executable, "-m", "generator", "render", "--out", "build/zensical/docs"], cwd=project)
    config = project / "build" / "zensical" / "mkdocs.yml"
    config.write_text(makefile_config(), encoding="utf-8")
    return run([exe, "build", "-f", "mkdocs.yml", *extra], cwd=config.parent, env=build_env())


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("zensical"))


@pytest.fixture(scope="module")
def sites(project: Path) -> tuple[Path, Path]:
    """(MkDocs site, Zensical site) of the same copy."""
    mkdocs_site = mkdocs_build(project)
    zensical_build(project)
    return mkdocs_site, project / "build" / "zensical" / "site"


def pages(site: Path) -> set[str]:
    names = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    return {
        n
        for n in names
        if n.endswith("index.html") or n in {"404.html", "feed.xml"} or n.startswith("data/")
    }


def test_config_inherits_the_project_config() -> None:
    config = makefile_config()
    assert "INHERIT: ../../mkdocs.yml" in config
    assert "custom_dir: ../../templates/theme" in config


def test_same_pages_as_mkdocs(sites: tuple[Path, Path], project: Path) -> None:
    mkdocs_site, zensical_site = sites
    assert pages(zensical_site) == pages(mkdocs_site)
    for ident in read_briefing(project / "briefings").developments:
        assert (zensical_site / "situation" / ident / "index.html").is_file()


def test_same_feed_and_data(sites: tuple[Path, Path]) -> None:
    mkdocs_site, zensical_site = sites
    for name in ("feed.xml", "data/developments.json", "data/events.geojson"):
        assert (zensical_site / name).read_bytes() == (mkdocs_site / name).read_bytes(), name


def title_and_heading(page: Path) -> tuple[str, str]:
    text = page.read_text(encoding="utf-8")
    title = re.search(r"<title>([^<]*)</title>", text)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", text, flags=re.S)
    assert title and heading, page
    words = html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).replace("¶", "").strip()
    return html.unescape(title.group(1)), words


def test_development_pages_have_the_same_titles(sites: tuple[Path, Path], project: Path) -> None:
    mkdocs_site, zensical_site = sites
    developments = read_briefing(project / "briefings").developments
    for ident, dev in developments.items():
        path = Path("situation") / ident / "index.html"
        title, heading = title_and_heading(zensical_site / path)
        assert (title, heading) == title_and_heading(mkdocs_site / path), ident
        assert title.startswith(dev["title"]) and heading == dev["title"], ident


def test_pages_announce_the_feed(sites: tuple[Path, Path]) -> None:
    _, zensical_site = sites
    for page in zensical_site.rglob("*.html"):
        links = [
            attrs
            for tag, attrs, in_head in parse_html(page.read_text(encoding="utf-8")).tags
            if tag == "link" and in_head and attrs.get("type") == "application/atom+xml"
        ]
        assert len(links) == 1, page.relative_to(zensical_site)


def test_search_index_differs_in_name_and_shape(sites: tuple[Path, Path], project: Path) -> None:
    mkdocs_site, zensical_site = sites
    assert (mkdocs_site / "pagefind" / "pagefind.js").is_file()  # Pagefind: the plugin's
    assert not (zensical_site / "search").exists() and not (zensical_site / "pagefind").exists()
    # Zensical's own search box (templates/theme/partials/search.html picks it), which its
    # script builds the dialog from; Material's markup would leave it "Initializing".
    page = (zensical_site / "index.html").read_text(encoding="utf-8")
    assert 'class="md-search__button"' in page and "data-bf-pagefind" not in page
    index = json.loads((zensical_site / "search.json").read_text(encoding="utf-8"))
    titles = {item["title"] for item in index["items"]}
    for dev in read_briefing(project / "briefings").developments.values():
        assert dev["title"] in titles


def test_zensical_reports_broken_links_and_honours_validation(tmp_path: Path) -> None:
    """What Zensical does with a broken link, and with ``validation: not_found: ignore``."""
    project = copy_project(tmp_path / "project")
    zensical_build(project)
    folder = project / "build" / "zensical"
    (folder / "docs" / "zensical-probe.md").write_text(
        "See [nowhere](no-such-page.md).\n", encoding="utf-8"
    )
    exe = zensical_executable()
    default = run([exe, "build", "-f", "mkdocs.yml"], cwd=folder, env=build_env())
    assert "page does not exist" in default.stdout + default.stderr  # reported, exit 0
    config = folder / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8") + "validation:\n  not_found: ignore\n", encoding="utf-8"
    )
    ignored = run([exe, "build", "-f", "mkdocs.yml"], cwd=folder, env=build_env())
    assert "page does not exist" not in ignored.stdout + ignored.stderr


def test_site_url_reaches_the_feed(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    set_site_url(project, SITE_URL)
    zensical_build(project)
    feed = ET.parse(project / "build" / "zensical" / "site" / "feed.xml").getroot()
    hrefs = [link.get("href", "") for link in feed.iter(f"{ATOM}link")]
    assert hrefs and all(href.startswith(SITE_URL) for href in hrefs), hrefs
