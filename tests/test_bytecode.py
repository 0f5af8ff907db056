"""Compiled templates kept on disk: reused while nothing they depend on changed."""

from __future__ import annotations

from pathlib import Path

from site_helpers import build, copy_project, snapshot

from generator.bytecode import disk_bytecode_cache
from generator.diagnostics import Report
from generator.pipeline import load
from generator.render import render_site
from generator.templating import make_environment

ROOT = Path(__file__).resolve().parent.parent


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.cache"))


def test_a_second_run_loads_what_the_first_compiled(tmp_path: Path) -> None:
    briefing = load(ROOT / "briefings", Report())
    assert briefing is not None
    first = disk_bytecode_cache(tmp_path, "v1")
    plain = render_site(briefing, ROOT / "templates", Report(), bytecode=None)
    cached = render_site(briefing, ROOT / "templates", Report(), bytecode=first)
    assert cached == plain
    entries = _entries(tmp_path)
    assert len(entries) >= 10  # one per page template and macro file
    stamps = {path: path.stat().st_mtime_ns for path in entries}
    reopened = disk_bytecode_cache(tmp_path, "v1")
    again = render_site(briefing, ROOT / "templates", Report(), bytecode=reopened)
    assert again == plain
    assert {path: path.stat().st_mtime_ns for path in _entries(tmp_path)} == stamps  # only read


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    page = templates / "page.md.j2"
    page.write_text("one {{ 1 + 1 }}")
    cache = disk_bytecode_cache(tmp_path / "cache", "v1")
    assert make_environment(templates, cache).get_template("page.md.j2").render() == "one 2"
    page.write_text("two {{ 2 + 2 }}")
    env = make_environment(templates, disk_bytecode_cache(tmp_path / "cache", "v1"))
    assert env.get_template("page.md.j2").render() == "two 4"


def test_a_new_version_starts_a_new_folder(tmp_path: Path) -> None:
    one = disk_bytecode_cache(tmp_path, "jinja 3.1.6", "options a")
    two = disk_bytecode_cache(tmp_path, "jinja 3.1.6", "options b")
    assert one is not None and two is not None
    assert one.directory != two.directory
    same = disk_bytecode_cache(tmp_path, "jinja 3.1.6", "options a")
    assert same is not None and same.directory == one.directory


def test_an_unusable_folder_means_no_cache_not_a_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    assert disk_bytecode_cache(blocker / "inner", "v1") is None


def test_a_cache_whose_files_cannot_be_written_still_renders(tmp_path: Path) -> None:
    cache = disk_bytecode_cache(tmp_path / "cache", "v1")
    assert cache is not None
    folder = Path(cache.directory)
    folder.rmdir()
    folder.write_text("the folder became a file: every write fails")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.md.j2").write_text("ok {{ 3 }}")
    env = make_environment(templates, cache)
    assert env.get_template("page.md.j2").render() == "ok 3"


def test_a_corrupt_entry_is_compiled_again(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.md.j2").write_text("fine {{ 5 }}")
    cache = disk_bytecode_cache(tmp_path / "cache", "v1")
    make_environment(templates, cache).get_template("page.md.j2")
    for entry in _entries(tmp_path / "cache"):
        entry.write_bytes(b"j2 not really bytecode")
    env = make_environment(templates, disk_bytecode_cache(tmp_path / "cache", "v1"))
    assert env.get_template("page.md.j2").render() == "fine 5"


def test_builds_keep_compiled_templates_in_the_project_cache(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    first = build(project, tmp_path / "one")
    assert first.returncode == 0, first.stdout
    cache = project / ".cache" / "briefings"
    pages, theme = _entries(cache / "templates"), _entries(cache / "theme")
    assert pages and theme  # our page templates and Material's
    second = build(project, tmp_path / "two")
    assert second.returncode == 0, second.stdout
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert {k: v[0] for k, v in one.items()} == {k: v[0] for k, v in two.items()}  # same site
    assert _entries(cache / "templates") == pages  # reused, nothing new compiled


def test_cache_dir_empty_keeps_nothing(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - briefings:\n", '  - briefings:\n      cache_dir: ""\n', 1))
    assert "cache_dir" in config.read_text(encoding="utf-8")
    done = build(project, tmp_path / "site")
    assert done.returncode == 0, done.stdout
    assert not (project / ".cache").exists()
