"""``make deploy REMOTE=<name>`` (issue 13): gh-deploy to the remote the user names,
never to a default one, tried from a fresh clone as the README's steps say.

A project repository is pushed to a local bare repository (the "GitHub" remote);
a fresh clone of it runs the README's publishing commands exactly as written.
The clone's ``.venv/bin`` is a link to this interpreter's, with a fresh
``.venv/.installed`` stamp, so ``make`` installs nothing (no network). Git reads
no global or system configuration.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from publish_helpers import PROJECT, build_env, copy_project

pytestmark = pytest.mark.slow

FILES = ("Makefile", "pyproject.toml", "constraints.txt", "README.md", "scripts/deploy.sh")


def git_env(home: Path) -> dict[str, str]:
    return build_env(
        GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", HOME=str(home),
        GIT_TERMINAL_PROMPT="0", GIT_AUTHOR_NAME="Test Publisher",
        GIT_AUTHOR_EMAIL="publisher@example.org", GIT_COMMITTER_NAME="Test Publisher",
        GIT_COMMITTER_EMAIL="publisher@example.org", MAKEFLAGS=None, MFLAGS=None,
        SITE_URL=None,
    )  # fmt: skip


def sh(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", "-c", command], cwd=cwd, env=git_env(cwd.parent), capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip


def ok(command: str, cwd: Path) -> str:
    result = sh(command, cwd)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def readme_steps() -> list[str]:
    """The commands of the README's "From your machine" publishing block, as written."""
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("**From your machine instead:**") :]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)
    assert block, "the README has no command block for publishing from your machine"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def fresh_clone(remote: Path, dst: Path) -> Path:
    """A clone of ``remote`` whose ``make`` uses this interpreter's tools as they are."""
    ok(f"git clone --quiet '{remote}' '{dst}'", dst.parent)
    venv = dst / ".venv"
    venv.mkdir()
    (venv / "bin").symlink_to(Path(sys.executable).parent, target_is_directory=True)
    stamp = venv / ".installed"
    stamp.touch()
    older = stamp.stat().st_mtime - 60
    for name in ("pyproject.toml", "constraints.txt"):  # make sees the stamp up to date:
        os.utime(dst / name, (older, older))  # it installs nothing
    return dst


def branches(bare: Path) -> list[str]:
    return ok("git for-each-ref --format='%(refname:short)' refs/heads", bare).split()


@pytest.fixture(scope="module")
def github(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bare repository holding the project on main, as GitHub would."""
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("git and make are needed (.ci/run installs them)")
    root = tmp_path_factory.mktemp("deploy")
    work = copy_project(root / "work")
    for name in FILES:
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, work / name)
    (work / ".gitignore").write_text("site/\n.venv/\n.cache/\n", encoding="utf-8")
    bare = root / "github.git"
    ok(f"git init --quiet --bare --initial-branch=main '{bare}'", root)
    ok("git init --quiet --initial-branch=main && git add --all && git commit --quiet -m briefing",
       work)  # fmt: skip
    ok(f"git push --quiet '{bare}' main", work)
    return bare


def test_deploy_refuses_without_a_remote_named(github: Path) -> None:
    clone = fresh_clone(github, github.parent / "refusing")
    result = sh("make deploy", clone)
    assert result.returncode != 0
    assert "name the git remote to publish to, e.g. make deploy REMOTE=origin" in result.stderr
    assert "the remotes of this repository: origin" in result.stderr
    result = sh("make deploy REMOTE=upstream", clone)
    assert result.returncode != 0
    assert "'upstream' is not a remote of this repository" in result.stderr
    assert branches(github) == ["main"]  # nothing was pushed
    assert not (clone / "site").exists()  # nor built


def test_the_readmes_steps_publish_the_site_from_a_fresh_clone(github: Path) -> None:
    steps = readme_steps()
    assert any(step.startswith("make deploy REMOTE=origin") for step in steps), steps
    clone = fresh_clone(github, github.parent / "first")
    for step in steps:
        ok(step, clone)
    assert branches(github) == ["gh-pages", "main"]
    files = set(ok("git ls-tree -r --name-only gh-pages", github).split())
    assert {"index.html", ".nojekyll", "feed.xml", "tags/index.html"} <= files
    source = ok("git rev-parse --short HEAD", clone).strip()
    assert source in ok("git log -1 --format=%B gh-pages", github)


def test_a_second_deploy_from_another_clone_continues_the_history(github: Path) -> None:
    if "gh-pages" not in branches(github):
        test_the_readmes_steps_publish_the_site_from_a_fresh_clone(github)
    before = ok("git rev-parse gh-pages", github).strip()
    clone = fresh_clone(github, github.parent / "second")
    ok("git commit --quiet --allow-empty -m 'a later change'", clone)
    result = sh("make deploy REMOTE=origin", clone)
    assert result.returncode == 0, result.stdout + result.stderr
    parents = ok("git log -1 --format=%P gh-pages", github).split()
    assert parents == [before]  # a fast-forward on top of the first deployment, no force
