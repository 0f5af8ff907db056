"""Nothing lost (issue 5): no command changes a file it was not asked to write.

Each test runs the real commands (``python -m generator``, ``python -m mkdocs``)
in a temporary copy of the project and compares snapshots (path → bytes and
mtime) of the whole copy before and after: ``briefing validate``, ``briefing
render --out`` (into a new folder, into an unrelated one, a second time over
its own output), ``mkdocs build`` (good and failed) and ``briefing new``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from site_helpers import run_module

from conftest import PROJECT

MANIFEST = ".briefing-render.json"
DEV = "briefings/developments"
STRIKE = "2024-12-06-russian-strike-on-rastan-bridge"

Snapshot = dict[str, tuple[bytes, int] | None]


def snapshot(folder: Path) -> Snapshot:
    """Every file (bytes, mtime in ns) and folder (None) under ``folder``."""
    shot: Snapshot = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink() or path.is_file():
            shot[key] = (path.read_bytes(), path.stat().st_mtime_ns)
        else:
            shot[key] = None
    return shot


def changes(before: Snapshot, after: Snapshot) -> dict[str, list[str]]:
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(k for k in set(before) & set(after) if before[k] != after[k]),
    }


def under(prefix: str, paths: list[str]) -> bool:
    return all(p == prefix or p.startswith(prefix + "/") for p in paths)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy2(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT / "templates", root / "templates")
    shutil.copytree(PROJECT / "briefings", root / "briefings")
    (root / "docs").mkdir()
    return root


def briefing(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_module(project, "generator", *args)


def mkdocs_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_module(project, "mkdocs", "build", *args)


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


# --- validate ------------------------------------------------------------------------------


def test_validate_changes_nothing(project: Path) -> None:
    before = snapshot(project)
    result = briefing(project, "validate", "--strict")
    assert result.returncode == 0, result.stderr
    assert snapshot(project) == before


def test_validate_of_a_broken_briefing_changes_nothing(project: Path) -> None:
    path = project / DEV / f"{STRIKE}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "date: again\n", encoding="utf-8")
    before = snapshot(project)
    result = briefing(project, "validate")
    assert result.returncode == 1
    assert f"{DEV}/{STRIKE}.yaml:" in result.stderr and "duplicate key 'date'" in result.stderr
    no_traceback(result)
    assert snapshot(project) == before


# --- render --------------------------------------------------------------------------------


def test_render_writes_only_into_its_out_folder(project: Path) -> None:
    before = snapshot(project)
    result = briefing(project, "render", "--out", "build/md")
    assert result.returncode == 0, result.stderr
    diff = changes(before, snapshot(project))
    assert diff["removed"] == [] and diff["changed"] == []
    assert under("build", diff["added"])
    written = json.loads((project / "build/md" / MANIFEST).read_text(encoding="utf-8"))
    files = {p.removeprefix("build/md/") for p in diff["added"] if (project / p).is_file()}
    assert files == {*written, MANIFEST}


@pytest.mark.parametrize("target", ["other", "briefings", "templates", ".", "other/notes.txt"])
def test_render_refuses_a_folder_it_did_not_write(project: Path, target: str) -> None:
    other = project / "other"
    (other / "situation").mkdir(parents=True)
    (other / "notes.txt").write_text("mine\n", encoding="utf-8")
    (other / "index.md").write_text("# My own index\n", encoding="utf-8")
    (other / "situation" / f"{STRIKE}.md").write_text("my draft\n", encoding="utf-8")
    before = snapshot(project)
    result = briefing(project, "render", "--out", target)
    assert result.returncode == 1
    assert "nor one `briefing render` wrote; choose another --out" in result.stderr
    no_traceback(result)
    assert snapshot(project) == before


def test_a_second_render_deletes_only_its_own_files(project: Path) -> None:
    out = project / "out"
    assert briefing(project, "render", "--out", "out").returncode == 0
    planted = {
        "notes.txt": b"my notes\n",
        "situation/my-draft.md": b"# a draft of mine\n",
        "deep/folder/keep.bin": bytes(range(256)),
        f"situation/{STRIKE}.md.orig": b"a backup of mine\n",
    }
    for name, content in planted.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(content)
    planted_before = {name: snapshot(out)[name] for name in planted}
    # A development goes away: its page is stale and must go; nothing else may.
    for path in (project / DEV).glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"  - {STRIKE}\n", ""), encoding="utf-8")
    (project / DEV / f"{STRIKE}.yaml").unlink()
    inputs = {k: v for k, v in snapshot(project).items() if not k.startswith("out")}
    before = snapshot(out)
    result = briefing(project, "render", "--out", "out")
    assert result.returncode == 0, result.stderr
    after = snapshot(out)
    diff = changes(before, after)
    # With it go the pages of the tags only it carried (tags/<id>.md).
    only_its = {f"tags/{t}.md" for t in ("airstrike", "infrastructure", "russia")}
    assert diff["removed"] == sorted({f"situation/{STRIKE}.md"} | only_its)
    assert diff["added"] == []
    for name, state in planted_before.items():
        assert after[name] == state, name
    assert {k: v for k, v in snapshot(project).items() if not k.startswith("out")} == inputs
    written = set(json.loads((out / MANIFEST).read_text(encoding="utf-8")))
    assert f"situation/{STRIKE}.md" not in written
    assert not written & set(planted)


def test_a_second_render_never_overwrites_a_file_it_did_not_write(project: Path) -> None:
    out = project / "out"
    assert briefing(project, "render", "--out", "out").returncode == 0
    new_id = "2024-12-06-late-report"
    mine = out / "situation" / f"{new_id}.md"
    mine.write_text("my own notes, not generated\n", encoding="utf-8")
    state = snapshot(out)[f"situation/{new_id}.md"]
    source = project / DEV / "2024-12-06-rebels-within-5km-of-homs.yaml"
    shutil.copyfile(source, project / DEV / f"{new_id}.yaml")
    result = briefing(project, "render", "--out", "out")
    no_traceback(result)
    assert snapshot(out)[f"situation/{new_id}.md"] == state


def test_manifest_entries_outside_out_are_never_deleted(project: Path) -> None:
    out = project / "out"
    assert briefing(project, "render", "--out", "out").returncode == 0
    victim = project / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest += ["../briefings/briefing.yaml", str(victim)]
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    before = {k: v for k, v in snapshot(project).items() if not k.startswith("out")}
    result = briefing(project, "render", "--out", "out")
    no_traceback(result)
    after = {k: v for k, v in snapshot(project).items() if not k.startswith("out")}
    assert changes(before, after) == {"added": [], "removed": [], "changed": []}


def test_a_corrupt_manifest_is_a_diagnostic_not_a_traceback(project: Path) -> None:
    out = project / "out"
    assert briefing(project, "render", "--out", "out").returncode == 0
    (out / MANIFEST).write_text('["index.md", "situation/', encoding="utf-8")
    before = snapshot(project)
    result = briefing(project, "render", "--out", "out")
    no_traceback(result)
    assert result.returncode == 1
    assert f"out/{MANIFEST}:" in result.stderr
    assert snapshot(project) == before


# --- mkdocs build --------------------------------------------------------------------------


@pytest.mark.slow
def test_build_changes_no_input_and_a_failed_build_leaves_site_as_it_was(project: Path) -> None:
    inputs = ("briefings", "templates", "docs", "mkdocs.yml")

    def input_state() -> Snapshot:
        return {k: v for k, v in snapshot(project).items() if k.split("/")[0] in inputs}

    before = input_state()
    result = mkdocs_build(project, "--strict")
    assert result.returncode == 0, result.stderr
    assert input_state() == before
    site = snapshot(project / "site")
    assert "index.html" in site and f"situation/{STRIKE}/index.html" in site

    # A briefing error: refused before MkDocs cleans site/.
    path = project / DEV / f"{STRIKE}.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("status: reported", "status: rumoured"), encoding="utf-8")
    before = input_state()
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert f"{DEV}/{STRIKE}.yaml:3:9: error: status: 'rumoured'" in result.stderr
    no_traceback(result)
    assert snapshot(project / "site") == site
    assert input_state() == before
    path.write_text(good, encoding="utf-8")

    # A template error: the same.
    template = project / "templates" / "development.md.j2"
    template.write_text("{% if %}\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "templates/development.md.j2:1:" in result.stderr
    no_traceback(result)
    assert snapshot(project / "site") == site


# --- briefing new --------------------------------------------------------------------------


def test_new_creates_exactly_one_file_and_never_overwrites(project: Path) -> None:
    before = snapshot(project)
    result = briefing(project, "new", "development", "Talbisseh falls", "--date", "2024-12-06")
    assert result.returncode == 0, result.stderr
    created = f"{DEV}/2024-12-06-talbisseh-falls.yaml"
    assert changes(before, snapshot(project)) == {"added": [created], "removed": [], "changed": []}

    # Filled in by hand, then the same command again: refused, the file untouched.
    path = project / created
    path.write_text("title: my careful work\n", encoding="utf-8")
    before = snapshot(project)
    again = briefing(project, "new", "development", "Talbisseh falls", "--date", "2024-12-06")
    assert again.returncode == 1
    assert "already exists; nothing was written" in again.stderr
    no_traceback(again)
    assert snapshot(project) == before

    # An existing development, named through --id: refused too.
    same = briefing(project, "new", "development", "Anything", "--id", STRIKE)
    assert same.returncode == 1 and "already exists" in same.stderr
    assert snapshot(project) == before


@pytest.mark.parametrize("ident", ["../escape", "../../outside", "a/b", "/tmp/x", "Caps", "."])
def test_new_refuses_ids_that_are_paths(project: Path, ident: str) -> None:
    before = snapshot(project)
    result = briefing(project, "new", "development", "Escape", "--id", ident)
    assert result.returncode == 1
    assert "is not a valid id" in result.stderr
    no_traceback(result)
    assert snapshot(project) == before
    assert sorted(p.name for p in project.parent.iterdir()) == ["project"]


def test_new_topic_creates_exactly_one_file(project: Path) -> None:
    before = snapshot(project)
    result = briefing(project, "new", "topic", "The M5 highway, explained")
    assert result.returncode == 0, result.stderr
    diff = changes(before, snapshot(project))
    assert diff == {
        "added": ["briefings/background/the-m5-highway-explained.yaml"],
        "removed": [],
        "changed": [],
    }
