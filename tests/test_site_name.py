"""The briefing names the site (issue 13): the header and every page's <title> carry
briefing.yaml's title, escaped, unless ``use_briefing_title: false``; a build
without ``site_url`` says once what that means; the Pages workflow fills it in.

The theme prints ``config.site_name`` without escaping (MkDocs' theme environment
has no autoescape), so the plugin hands it the title already escaped, as Markup.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from site_helpers import MKDOCS_ENV, PROJECT, copy_project, scan_html

from conftest import MINIMAL, write_briefing

PWN = "<script>window.__pwned=1</script>"
TITLE = f'Sudan: "El Fasher" & {PWN} <b>bold</b>'
SITE_URL = "https://example-org.github.io/briefing/"
WORKFLOW = PROJECT / ".github" / "workflows" / "pages.yml"
NOTICE = "briefings: site_url is not set"


def mkdocs_build(project: Path, site: Path, site_url: str | None) -> str:
    """``mkdocs build --strict``, with SITE_URL in the environment or not; its log."""
    env = {k: v for k, v in MKDOCS_ENV.items() if k != "SITE_URL"}
    if site_url is not None:
        env["SITE_URL"] = site_url
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def header_name(page: str) -> str:
    topic = r'<div class="md-header__topic">\s*<span class="md-ellipsis">(.*?)</span>'
    found = re.search(topic, page, flags=re.S)
    assert found, "no site name in the header"
    return html.unescape(found.group(1)).strip()


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """(build log, site) of a briefing with a hostile title, without site_url."""
    root = tmp_path_factory.mktemp("named")
    main = MINIMAL["briefing.yaml"]
    assert "title: Test briefing\n" in main
    titled = main.replace("title: Test briefing\n", f"title: {json.dumps(TITLE)}\n")
    briefing = write_briefing(root / "briefing", {"briefing.yaml": titled})
    project = copy_project(root / "project", briefing)
    return mkdocs_build(project, root / "site", None), root / "site"


def test_header_and_titles_carry_the_briefings_title(named: tuple[str, Path]) -> None:
    _, site = named
    for page in (site / "index.html", site / "about" / "index.html"):
        text = page.read_text(encoding="utf-8")
        assert header_name(text) == TITLE, page
        title = re.search(r"<title>(.*?)</title>", text, re.S)
        assert title and html.unescape(title.group(1)).endswith(f" - {TITLE}"), page


def test_the_title_is_escaped_wherever_the_theme_prints_the_site_name(
    named: tuple[str, Path],
) -> None:
    _, site = named
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert PWN not in text and "<b>bold</b>" not in text, page
        scan = scan_html(text)
        assert not any("__pwned" in script for script in scan.scripts), page
    about = scan_html((site / "about" / "index.html").read_text(encoding="utf-8"))
    # Attributes keep the whole title, escaped once (not "&amp;quot;" shown to the reader).
    logos = [a for tag, a in about.tags if tag == "a" and "md-logo" in a.get("class", "")]
    assert logos and all(a["title"] == TITLE and a["aria-label"] == TITLE for a in logos)
    feeds = [a for tag, a in about.tags if tag == "link" and a.get("rel") == "alternate"]
    assert [a["title"] for a in feeds] == [f"{TITLE} (Atom)"]


def test_use_briefing_title_false_keeps_site_name(
    tmp_path: Path, make_briefing: Callable[..., Path]
) -> None:
    project = copy_project(tmp_path / "project", make_briefing())
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^site_name: .*$", "site_name: Our own name", text, count=1)
    text = text.replace("# use_briefing_title: false", "use_briefing_title: false")
    config.write_text(text, encoding="utf-8")
    log = mkdocs_build(project, tmp_path / "site", SITE_URL)
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert header_name(page) == "Our own name"
    assert "Test briefing" not in header_name(page)
    # With SITE_URL (what the Pages workflow sets) the links are absolute, and nothing is said.
    assert NOTICE not in log
    feed = (tmp_path / "site" / "feed.xml").read_text(encoding="utf-8")
    assert f'href="{SITE_URL}situation/2024-12-06-rebels-near-homs/"' in feed


def test_a_build_without_site_url_says_so_once_and_how_to_set_it(named: tuple[str, Path]) -> None:
    log, site = named
    lines = [line for line in log.splitlines() if NOTICE in line]
    assert len(lines) == 1 and lines[0].startswith("INFO"), log
    for words in ("feed", "permalinks", "relative", "Set site_url in mkdocs.yml"):
        assert words in lines[0]
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "https://" not in re.sub(r'<link[^>]*rel="license"[^>]*>', "", feed).split("<entry>")[1]


# --- the Pages workflow --------------------------------------------------------------------------


def test_the_pages_workflow_builds_with_the_repositorys_pages_address() -> None:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = data["jobs"]["build"]["steps"]
    configure = next(i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith(
        "actions/configure-pages@"))  # fmt: skip
    build = next(i for i, s in enumerate(steps) if s.get("run") == "mkdocs build --strict")
    assert configure < build
    step_id = steps[configure]["id"]
    assert steps[build]["env"]["SITE_URL"] == f"${{{{ steps.{step_id}.outputs.base_url }}}}"


def test_mkdocs_yml_reads_site_url_from_the_environment() -> None:
    class Loader(yaml.SafeLoader):
        pass

    def env(loader: yaml.SafeLoader, node: yaml.Node) -> tuple[str, object]:
        if isinstance(node, yaml.ScalarNode):
            return "!ENV", loader.construct_scalar(node)
        assert isinstance(node, yaml.SequenceNode)
        return "!ENV", loader.construct_sequence(node)

    Loader.add_constructor("!ENV", env)
    text = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.load(text, Loader=Loader)  # noqa: S506
    assert config["site_url"] == ("!ENV", "SITE_URL")
