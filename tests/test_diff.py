"""`briefing diff [REF]`: what changed in the briefing since a git revision.

Every test works in its own temporary git repository; the project's checkout is
never touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL, PROJECT, Run, write_briefing
from generator.diagnostics import Report
from generator.diff import compare
from generator.model import Briefing
from generator.pipeline import load

DEV = "developments/2024-12-06-rebels-near-homs.yaml"
OLDER = "developments/2024-12-05-talbisseh-shelled.yaml"
NEW = "developments/2024-12-06-rebels-enter-rastan.yaml"

OLDER_TEXT = """\
title: Talbisseh shelled
date: 2024-12-05
places: [homs]
summary: Shelling of Talbisseh was reported.
sources: [sohr]
"""


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)},
    )
    return done.stdout.strip()


def commit_all(repo: Path, message: str = "edit") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose first commit holds briefings/ (the minimal briefing plus
    an older development), as the working directory."""
    root = tmp_path / "project"
    write_briefing(root / "briefings", {OLDER: OLDER_TEXT})
    git(root.parent, "init", "-q", str(root))
    commit_all(root, "first")
    monkeypatch.chdir(root)
    return root


def edit(repo: Path) -> None:
    """Add a development, update one, edit another silently, revise a key figure, add a
    source, and remove the background topic."""
    folder = repo / "briefings"
    write_briefing(
        folder,
        {
            OLDER: OLDER_TEXT.replace("was reported", "was reported by residents"),
            DEV: MINIMAL[DEV].replace("about 5 km", "about 3 km")
            + "updates:\n  - at: 2024-12-06T11:00:00+00:00\n    note: Now about 3 km.\n",
            NEW: "title: Rebels enter Rastan\ndate: 2024-12-06\nplaces: [homs]\n"
            "summary: Rebels entered Rastan.\nsources: [afp, sohr]\n",
            "briefing.yaml": MINIMAL["briefing.yaml"].replace("about 5 km", "about 3 km"),
            "sources.yaml": MINIMAL["sources.yaml"]
            + "- id: afp\n  name: Agence France-Presse\n  kind: news-agency\n",
            "background/hts.yaml": None,
        },
    )
    (folder / "background").rmdir()


GOLDEN = Path(__file__).with_suffix("") / "edited.txt"  # <commit>: the short commit id


def test_text(run: Run, repo: Path) -> None:
    edit(repo)
    before = git(repo, "status", "--porcelain")
    code, out, err = run("diff")
    assert (code, err) == (0, "")
    short = git(repo, "rev-parse", "--short=7", "HEAD")
    expected = GOLDEN.read_text(encoding="utf-8").replace("<commit>", short)
    assert out.splitlines() == expected.splitlines()
    assert git(repo, "status", "--porcelain") == before  # nothing written


def test_json(run: Run, repo: Path) -> None:
    edit(repo)
    code, out, err = run("diff", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data) == [
        "ref", "commit", "folder", "existed", "briefing", "key_figures",
        "developments", "topics", "sources", "actors", "places",
    ]  # fmt: skip
    assert data["ref"] == "HEAD"
    assert data["commit"] == git(repo, "rev-parse", "HEAD")
    assert (data["folder"], data["existed"]) == ("briefings", True)
    assert data["briefing"] == {"path": "briefings/briefing.yaml", "changed": ["summary"]}
    assert data["key_figures"] == [
        {
            "change": "revised",
            "id": None,
            "label": "Distance to Homs",
            "fields": ["value"],
            "old_value": "about 5 km",
            "new_value": "about 3 km",
            "silent": True,
        }
    ]
    developments = {d["id"]: d for d in data["developments"]}
    assert developments["2024-12-05-talbisseh-shelled"] == {
        "change": "changed",
        "id": "2024-12-05-talbisseh-shelled",
        "path": f"briefings/{OLDER}",
        "title": "Talbisseh shelled",
        "fields": ["summary"],
        "silent": True,
    }
    assert developments["2024-12-06-rebels-near-homs"]["silent"] is False
    assert developments["2024-12-06-rebels-enter-rastan"]["change"] == "added"
    assert data["topics"] == [
        {
            "change": "removed",
            "id": "hts",
            "path": "HEAD:briefings/background/hts.yaml",
            "title": "Hayat Tahrir al-Sham",
            "fields": [],
        }
    ]
    assert [(s["change"], s["id"]) for s in data["sources"]] == [("added", "afp")]
    assert data["actors"] == data["places"] == []


def test_no_changes(run: Run, repo: Path) -> None:
    short = git(repo, "rev-parse", "--short=7", "HEAD")
    assert run("diff") == (0, f"No changes to briefings since HEAD ({short}).\n", "")


def test_an_older_revision_and_changed_fields(run: Run, repo: Path) -> None:
    places = repo / "briefings" / "places.yaml"
    places.write_text(MINIMAL["places.yaml"].replace("lat: 34.73", "lat: 34.74"), "utf-8")
    commit_all(repo)
    code, out, _ = run("diff", "HEAD~1")
    assert code == 0
    assert out.splitlines()[2:] == [
        "Places: 0 added, 1 changed, 0 removed",
        "  changed  homs in briefings/places.yaml: lat",
    ]
    assert run("diff")[1].startswith("No changes")


def test_not_a_git_repository(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_briefing(tmp_path / "briefings")
    monkeypatch.chdir(tmp_path)
    assert run("diff") == (
        2,
        "",
        "error: briefings is not in a git repository (git init, or run from your project)\n",
    )


def test_unknown_revision(run: Run, repo: Path) -> None:
    assert run("diff", "xyz") == (2, "", "error: unknown revision 'xyz'\n")
    assert run("diff", "--", "--output=x") == (2, "", "error: unknown revision '--output=x'\n")
    assert not (repo / "x").exists()


def test_no_commits_yet(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_briefing(tmp_path / "briefings")
    git(tmp_path, "init", "-q")
    monkeypatch.chdir(tmp_path)
    assert run("diff") == (
        2,
        "",
        "error: unknown revision 'HEAD' (the repository has no commits yet)\n",
    )


def test_git_missing(run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-bin"))
    code, out, err = run("diff")
    assert (code, out) == (2, "")
    assert err == (
        "error: the git command was not found; `briefing diff` needs git installed and on PATH\n"
    )


def test_old_version_does_not_load(run: Run, repo: Path) -> None:
    dev = repo / "briefings" / DEV
    dev.write_text(MINIMAL[DEV].replace("[hts]", "[htz]"), encoding="utf-8")
    commit_all(repo, "broken")
    dev.write_text(MINIMAL[DEV], encoding="utf-8")
    assert run("diff") == (
        2,
        "",
        "error: the briefing at HEAD does not load:\n"
        f"HEAD:briefings/{DEV}:4:10: error: unknown actor 'htz' (did you mean 'hts'?)\n",
    )


def test_working_tree_does_not_load(run: Run, repo: Path) -> None:
    (repo / "briefings" / DEV).write_text(MINIMAL[DEV].replace("[hts]", "[htz]"), "utf-8")
    assert run("diff") == (
        1,
        "",
        f"briefings/{DEV}:4:10: error: unknown actor 'htz' (did you mean 'hts'?)\n"
        "1 error(s), 0 warning(s)\n",
    )


def test_folder_new_since_the_revision(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "README").write_text("project\n", encoding="utf-8")
    commit_all(tmp_path)
    write_briefing(tmp_path / "briefings")
    monkeypatch.chdir(tmp_path)
    code, out, err = run("diff")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("briefings did not exist at HEAD (")
    assert lines[0].endswith("): everything is new.")
    assert "Developments: 1 added, 0 changed, 0 removed" in lines
    assert "Sources: 2 added, 0 changed, 0 removed" in lines
    assert "  added    Distance to Homs: about 5 km" in lines
    data = json.loads(run("diff", "--json")[1])
    assert data["existed"] is False
    assert {d["change"] for kind in ("developments", "sources") for d in data[kind]} == {"added"}


def test_briefing_at_the_repository_top_and_dir(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    top = write_briefing(tmp_path / "top")
    git(top, "init", "-q")
    commit_all(top)
    (top / DEV).unlink()
    (top / "sources.yaml").write_text(
        MINIMAL["sources.yaml"].replace("kind: broadcaster", "kind: broadcaster\n  reliability: B"),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run("diff", "--dir", "top")
    assert code == 0, err
    assert f"  removed  HEAD:{DEV} (Rebels near Homs)" in out.splitlines()
    assert "  changed  dw in top/sources.yaml: reliability" in out.splitlines()


def test_usage_error(run: Run, repo: Path) -> None:
    code, out, err = run("diff", "HEAD", "HEAD~1")
    assert (code, out) == (2, "")
    assert err.startswith("usage: briefing")


def test_python_m_generator_diff(repo: Path) -> None:
    edit(repo)
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    done = subprocess.run(
        [sys.executable, "-m", "generator", "diff", "--json"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert len(json.loads(done.stdout)["developments"]) == 3


# ---------------------------------------------------------------- compare() alone


def _loaded(tmp_path: Path, name: str, overrides: dict[str, str | None]) -> Briefing:
    report = Report()
    briefing = load(write_briefing(tmp_path / name, overrides), report, base=tmp_path)
    assert briefing is not None, report.sorted()
    return briefing


def _diff(old: Briefing, new: Briefing) -> str:
    return compare(old, new, ref="REF", commit="0" * 40, folder="b", old_folder="REF:b").as_text()


def test_silent_edit_rules(tmp_path: Path) -> None:
    updated = MINIMAL[DEV] + "updates:\n  - at: 2024-12-06T10:00:00+00:00\n    note: First.\n"
    old = _loaded(tmp_path, "old", {DEV: updated})
    tags_only = _loaded(tmp_path, "tags", {DEV: updated + "tags: [offensive]\n"})
    assert _diff(old, tags_only).splitlines()[-1] == f"  changed  b/{DEV}: tags"
    backdated = updated.replace("First.", "Later text.") + (
        "  - at: 2024-12-06T09:00:00+00:00\n    note: Backdated.\n"
    )
    assert _diff(old, _loaded(tmp_path, "back", {DEV: backdated})).splitlines()[-1] == (
        f"  changed  b/{DEV}: updates (silent edit: no new entry in updates)"
    )
    newer = updated.replace("5 km from Homs.", "3 km from Homs.") + (
        "  - at: 2024-12-06T11:00:00+00:00\n    note: Closer.\n"
    )
    assert _diff(old, _loaded(tmp_path, "new", {DEV: newer})).splitlines()[-1] == (
        f"  changed  b/{DEV}: summary, updates"
    )


def test_key_figures_by_id_then_label(tmp_path: Path) -> None:
    figures = (
        "  - id: distance\n    label: {label}\n    value: {value}\n    sources: [sohr]\n"
        "  - label: Displaced\n    value: {displaced}\n    sources: [sohr]\n"
    )
    head = MINIMAL["briefing.yaml"].split("key_figures:\n")[0] + "key_figures:\n"
    old = _loaded(
        tmp_path,
        "old",
        {"briefing.yaml": head + figures.format(label="Distance", value="5 km", displaced="1")},
    )
    new = _loaded(
        tmp_path,
        "new",
        {
            "briefing.yaml": head
            + figures.format(label="Distance to Homs", value="5 km", displaced="2")
            + "    history: [{at: 2024-12-05, value: '1'}]\n"
            + "  - label: Dead\n    value: '10'\n    sources: [sohr]\n"
        },
    )
    assert _diff(old, new).splitlines()[2:] == [
        "Key figures: 1 added, 2 revised, 0 removed (b/briefing.yaml)",
        "  added    Dead: 10",
        "  revised  Distance to Homs: 5 km (label)",
        "  revised  Displaced: 1 → 2 (value, history)",
    ]
    assert _diff(new, old).splitlines()[2:4] == [
        "Key figures: 0 added, 2 revised (1 without the old value in history), 1 removed "
        "(b/briefing.yaml)",
        "  revised  Distance: 5 km (label)",
    ]
