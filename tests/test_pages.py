"""The page table: a page kind is one route and one template.

Every template has the same globals (``meta``, ``urls``, ``vocab``); a name a
template does not have is an error naming the template, the line and the names
it does have.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from site_helpers import EXAMPLE, PROJECT, TEMPLATES

from generator import Briefing, Report, load
from generator import pages as pages_module
from generator import urls as urls_module
from generator.markup import plain
from generator.render import render_site
from generator.urls import ROUTES, Route, Urls


@pytest.fixture(scope="module")
def example() -> Briefing:
    briefing = load(EXAMPLE, Report(), base=PROJECT)
    assert briefing is not None
    return briefing


def copy_templates(tmp_path: Path) -> Path:
    return Path(shutil.copytree(TEMPLATES, tmp_path / "templates"))


def render(briefing: Briefing, templates: Path, base: Path) -> tuple[dict[str, str], list[str]]:
    report = Report()
    out = render_site(briefing, templates, report, base=base)
    return out, [str(d) for d in report.sorted()]


def test_a_new_page_kind_is_one_route_and_one_template(
    example: Briefing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = copy_templates(tmp_path)
    (templates / "brief.md.j2").write_text(
        "# {{ meta.title }}: the brief\n\n"
        "{{ briefing.developments|length }} developments; [overview]({{ urls.to('home') }})\n",
        encoding="utf-8",
    )
    (templates / "about.md.j2").write_text(
        "# About\n\nSee [the brief]({{ urls.to('brief') }}).\n", encoding="utf-8"
    )
    routes = {**ROUTES, "brief": Route("brief/index.md", "brief.md.j2")}
    monkeypatch.setattr(urls_module, "ROUTES", routes)
    monkeypatch.setattr(pages_module, "ROUTES", routes)
    out, problems = render(example, templates, tmp_path)
    assert problems == []
    count = len(example.developments)
    assert out["brief/index.md"] == (
        f"# {plain(example.meta.title)}: the brief\n\n"
        f"{count} developments; [overview](../index.md)\n"
    )
    assert "[the brief](brief/index.md)" in out["about.md"]


@pytest.mark.parametrize("kind", [k for k, r in ROUTES.items() if r.template])
def test_every_template_has_meta_urls_and_vocab(
    kind: str, example: Briefing, tmp_path: Path
) -> None:
    templates = copy_templates(tmp_path)
    template = ROUTES[kind].template
    assert template is not None
    (templates / template).write_text(
        "MARK {{ meta.title }} | {{ urls.to('about') }} | {{ vocab.status|length }}\n",
        encoding="utf-8",
    )
    out, problems = render(example, templates, tmp_path)
    assert problems == []
    made = {path: text for path, text in out.items() if text.startswith("MARK ")}
    assert made, f"no page rendered with {template}"
    title = plain(example.meta.title)
    for path, text in made.items():
        assert text == f"MARK {title} | {Urls(path).to('about')} | 5\n", path


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "{{ nosuch }}",
            "'nosuch' is undefined (this page's template has: briefing, index, meta, urls, vocab)",
        ),
        (
            "{{ meta.titel }}",
            "BriefingMeta has no 'titel' (it has: title, subtitle, region, as_of, summary, "
            "key_figures, stale_after_days, map)",
        ),
    ],
)
def test_an_undefined_name_names_the_template_the_line_and_the_names_there_are(
    example: Briefing, tmp_path: Path, line: str, message: str
) -> None:
    templates = copy_templates(tmp_path)
    (templates / "about.md.j2").write_text(f"# About\n\n{line}\n", encoding="utf-8")
    _, problems = render(example, templates, tmp_path)
    assert problems == [
        f"templates/about.md.j2:3:1: error: template: {message} (first while rendering about.md)"
    ]


def test_a_template_error_on_many_pages_is_reported_once(example: Briefing, tmp_path: Path) -> None:
    templates = copy_templates(tmp_path)
    (templates / "development.md.j2").write_text("# X\n\n{{ view.nosuch }}\n", encoding="utf-8")
    _, problems = render(example, templates, tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith("templates/development.md.j2:3:1: error: template: DevView")
