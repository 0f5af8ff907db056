"""``mkdocs gh-deploy`` publishes the whole site to the ``gh-pages`` branch.

A copy of the project becomes a git repository whose remote ``origin`` is a
bare repository in the same temporary folder, so nothing leaves the machine.
Git reads no global or system configuration (``GIT_CONFIG_GLOBAL=/dev/null``,
``GIT_CONFIG_NOSYSTEM``): no signing, hooks or credential helpers of the host.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from publish_helpers import build_env, copy_project, read_briefing, run

pytestmark = pytest.mark.slow

EXTRA_ID = "2024-12-06-test-short-lived-entry"
EXTRA = {
    f"briefings/developments/{EXTRA_ID}.yaml": """\
title: A short-lived test entry
date: 2024-12-06
summary: Published once, then withdrawn.
sources: [sohr]
""",
}


def git_env(home: Path) -> dict[str, str]:
    return build_env(
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_CONFIG_NOSYSTEM="1",
        HOME=str(home),
        GIT_TERMINAL_PROMPT="0",
    )


def git(repo: Path, *args: str) -> str:
    return run(["git", *args], cwd=repo, env=git_env(repo.parent)).stdout


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(working copy, bare origin) after one ``gh-deploy`` of the project with EXTRA."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path_factory.mktemp("publish")
    origin = root / "origin.git"
    run(["git", "init", "--quiet", "--bare", str(origin)], cwd=root, env=git_env(root))
    work = copy_project(root / "work", EXTRA)
    (work / ".gitignore").write_text("site/\n", encoding="utf-8")
    git(work, "init", "--quiet")
    configure(work)
    git(work, "add", "--all")
    git(work, "commit", "--quiet", "--message", "briefing")
    git(work, "remote", "add", "origin", str(origin))
    gh_deploy(work)
    return work, origin


def configure(repo: Path) -> None:
    git(repo, "config", "user.name", "Test Publisher")
    git(repo, "config", "user.email", "publisher@example.org")
    git(repo, "config", "commit.gpgsign", "false")


def gh_deploy(work: Path) -> subprocess.CompletedProcess[str]:
    return run(
        [sys.executable, "-m", "mkdocs", "gh-deploy", "--force", "--remote-name", "origin"],
        cwd=work,
        env=git_env(work.parent),
    )


def published(origin: Path) -> set[str]:
    return set(git(origin, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())


def test_gh_pages_has_the_site(deployed: tuple[Path, Path]) -> None:
    work, origin = deployed
    files = published(origin)
    for name in (
        "index.html",
        ".nojekyll",
        "feed.xml",
        "situation/index.html",
        "data/developments.json",
        "data/events.geojson",
        "sources/index.html",
        "pagefind/pagefind.js",  # the search (generator/sitesearch.py)
    ):
        assert name in files, f"gh-pages lacks {name}"
    developments = read_briefing(work / "briefings").developments
    assert EXTRA_ID in developments
    for ident in developments:
        assert f"situation/{ident}/index.html" in files, ident


def test_gh_pages_is_exactly_the_built_site(deployed: tuple[Path, Path]) -> None:
    work, origin = deployed
    built = {p.relative_to(work / "site").as_posix() for p in (work / "site").rglob("*")}
    built = {name for name in built if (work / "site" / name).is_file()}
    assert published(origin) == built | {".nojekyll"}
    feed = git(origin, "show", "gh-pages:feed.xml")
    assert feed == (work / "site" / "feed.xml").read_text(encoding="utf-8")


def test_gh_pages_commit_names_the_source_commit(deployed: tuple[Path, Path]) -> None:
    work, origin = deployed
    source = git(work, "rev-parse", "--short", "HEAD").strip()
    message = git(origin, "log", "-1", "--format=%B", "gh-pages")
    assert source in message
    # Only gh-pages was pushed: the source branch stays on the machine.
    assert git(origin, "for-each-ref", "--format=%(refname)").split() == ["refs/heads/gh-pages"]


def test_redeploy_replaces_the_published_site(deployed: tuple[Path, Path], tmp_path: Path) -> None:
    """A withdrawn development disappears from gh-pages, its feed entry too.

    Works on clones of both repositories, so the other tests see the first deployment.
    """
    first_work, first_origin = deployed
    origin = tmp_path / "origin.git"
    work = tmp_path / "work"
    git(tmp_path, "clone", "--quiet", "--bare", str(first_origin), str(origin))
    git(tmp_path, "clone", "--quiet", str(first_work), str(work))
    configure(work)
    git(work, "remote", "set-url", "origin", str(origin))
    git(work, "fetch", "--quiet", "origin", "gh-pages:refs/remotes/origin/gh-pages")
    (work / "briefings" / "developments" / f"{EXTRA_ID}.yaml").unlink()
    git(work, "commit", "--quiet", "--all", "--message", "withdraw the test entry")
    gh_deploy(work)
    files = published(origin)
    assert f"situation/{EXTRA_ID}/index.html" not in files
    assert "situation/index.html" in files
    assert EXTRA_ID not in git(origin, "show", "gh-pages:feed.xml")
    assert EXTRA_ID not in git(origin, "show", "gh-pages:data/developments.json")
    assert len(git(origin, "rev-list", "gh-pages").split()) == 2
    assert f"situation/{EXTRA_ID}/index.html" in published(first_origin)


def test_pages_workflow_validates_builds_strictly_and_deploys_on_push_to_main() -> None:
    workflow = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "pages.yml"
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    triggers = data[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["branches"] == ["main"]
    build = [step.get("run", "") for step in data["jobs"]["build"]["steps"]]
    # Installed with the versions the tests passed with (tests/test_toolchain.py).
    install = "python -m pip install --constraint constraints.txt ."
    order = [
        build.index(install),
        build.index("briefing validate --strict"),
        build.index("mkdocs build --strict"),
    ]
    assert order == sorted(order)
    uses = [step.get("uses", "") for step in data["jobs"]["deploy"]["steps"]]
    assert any(use.startswith("actions/deploy-pages@") for use in uses)
    assert data["permissions"]["pages"] == "write"
