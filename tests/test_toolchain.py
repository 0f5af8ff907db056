"""The toolchain: the pinned versions are the ones installed, the fast paths that reach
into libraries' internals are really taken, and a skip under CI=true fails the run.

* constraints.txt pins every package of the build and test toolchain (``make lock``
  writes it); the Makefile, and through it .ci/run, install with it, and so does
  the Pages workflow (tests/test_publish.py).
* generator/markup.py subclasses markdown-it-py's ``RendererHTML`` and
  generator/serving.py sets MkDocs' ``LiveReloadServer._want_rebuild``. Both would
  fall back silently (markdown-it-py's own rules; MkDocs' 0.5 s polling) if a
  release renamed what they use, so pyproject.toml bounds both libraries and the
  tests below fail where the fast path is not taken.
* tests/conftest.py turns a skip under CI=true into a failure.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from generator import markup
from generator.serving import wake_on_change

PROJECT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
CONSTRAINTS = PROJECT / "constraints.txt"
PYPROJECT = PROJECT / "pyproject.toml"
MAKEFILE = PROJECT / "Makefile"


# ---------------------------------------------------------------- the lock


def pins() -> dict[str, str]:
    """constraints.txt as {canonical name: version}; every line must be `name==version`."""
    found: dict[str, str] = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        assert match, f"constraints.txt: {line!r} is not an exact pin (name==version)"
        found[canonicalize_name(match[1])] = match[2]
    return found


def project_requirements() -> list[Requirement]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    texts = list(project["dependencies"])
    for extra in ("test", "zensical"):
        texts += project["optional-dependencies"][extra]
    return [Requirement(text) for text in texts]


def test_constraints_say_how_to_regenerate_them() -> None:
    header = CONSTRAINTS.read_text(encoding="utf-8").split("\n\n")[0]
    assert header.startswith("#")
    assert "make lock" in header


def test_constraints_pin_every_requirement_within_its_range() -> None:
    pinned = pins()
    for requirement in project_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {requirement.name}=={pinned[name]}, "
            f"outside pyproject.toml's {requirement}"
        )
    assert canonicalize_name("briefing-generator") not in pinned


def test_installed_toolchain_is_the_pinned_one() -> None:
    """`make` installs with constraints.txt: the tests run on exactly those versions."""
    wrong = []
    for name, version in sorted(pins().items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != version:
            wrong.append(f"{name}: pinned {version}, installed {installed}")
    assert not wrong, "run `make` to install constraints.txt:\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", ["markdown-it-py", "mkdocs"])
def test_libraries_whose_internals_are_used_have_an_upper_bound(name: str) -> None:
    (requirement,) = (r for r in project_requirements() if canonicalize_name(r.name) == name)
    assert any(spec.operator == "<" for spec in requirement.specifier), requirement


def test_the_makefile_installs_every_extra_with_the_constraints() -> None:
    text = MAKEFILE.read_text(encoding="utf-8")
    stamp = re.search(r"^\$\(STAMP\):(.*)\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert stamp, "the Makefile has no $(STAMP) rule"
    assert "pyproject.toml" in stamp[1] and "$(CONSTRAINTS)" in stamp[1]
    assert "$(PIP_INSTALL) -e '.[test,zensical]'" in stamp[2]
    assert re.search(r"^PIP_INSTALL = .*pip install .*--constraint \$\(CONSTRAINTS\)", text, re.M)
    assert re.search(r"^CONSTRAINTS := constraints\.txt$", text, re.M)
    # Outside `make lock` (which resolves afresh), no pip install bypasses them.
    recipes = re.split(r"^(?=\S)", text, flags=re.M)
    for recipe in recipes:
        if recipe.startswith("lock:"):
            continue
        for line in recipe.splitlines():
            if line.startswith("\t") and "pip install" in line:
                pytest.fail(f"the Makefile installs without the constraints: {line.strip()}")


# ---------------------------------------------------------------- markdown-it-py


@pytest.mark.parametrize(
    "rule", ["text", "code_inline", "code_block", "fence", "heading_open", "heading_close"]
)
def test_markdown_it_calls_the_inert_renderers_rules(rule: str) -> None:
    bound = markup._renderer().renderer.rules[rule]
    assert getattr(bound, "__func__", None) is getattr(markup._InertRenderer, rule), (
        f"markdown-it-py no longer renders {rule!r} tokens with _InertRenderer.{rule}"
    )


def test_prose_text_is_written_as_character_references() -> None:
    html = markup.prose_html("a \\* b | c, `x*y|z`\n\n# Title\n\n```\n*fenced*\n```")
    assert "a &#42; b &#124; c" in html
    assert "<code>x&#42;y&#124;z</code>" in html
    assert "<h3>Title</h3>" in html
    assert "<pre><code>&#42;fenced&#42;&#10;</code></pre>" in html
    assert "*" not in html and "|" not in html


# ---------------------------------------------------------------- MkDocs' live reload


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_an_edit_wakes_mkdocs_rebuild_loop_at_once(tmp_path: Path) -> None:
    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(
        builder=lambda: None, host="127.0.0.1", port=free_port(), root=str(tmp_path)
    )
    try:
        observer = wake_on_change(server, [tmp_path])
        assert observer is not None, (
            "wake_on_change fell back to MkDocs' polling: LiveReloadServer has no "
            "_rebuild_cond/_want_rebuild (or inotify is unavailable)"
        )
        try:
            assert server._want_rebuild is False
            (tmp_path / "briefing.yaml").write_text("title: edited\n", encoding="utf-8")
            deadline = time.monotonic() + 3
            with server._rebuild_cond:
                while not server._want_rebuild and time.monotonic() < deadline:
                    server._rebuild_cond.wait(deadline - time.monotonic())
            assert server._want_rebuild is True, "an edit did not wake MkDocs' rebuild loop"
        finally:
            observer.stop()
            observer.join(5)
    finally:
        server.server_close()


# ---------------------------------------------------------------- skips under CI=true

SAMPLE = """\
import pytest


@pytest.fixture
def tool():
    pytest.skip("no tool for the fixture")


def test_passes():
    pass


def test_skips():
    pytest.skip("no widget here")


def test_skips_in_a_fixture(tool):
    pass


@pytest.mark.skipif(True, reason="skipif says so")
def test_skipif():
    pass


@pytest.mark.xfail(strict=True, reason="a known bug")
def test_xfail():
    assert False


@pytest.mark.ci_may_skip
def test_may_skip():
    pytest.skip("depends on the machine")
"""


def run_pytest(folder: Path, target: str, *, ci: bool) -> tuple[int, str, dict[str, int]]:
    """pytest on ``folder/target`` with tests/conftest.py as a plugin; (code, output, counts)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), env.get("PYTHONPATH")]))
    if ci:
        env["CI"] = "true"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "conftest", "-rA"]
        + [target],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    summary = output.strip().splitlines()[-1]
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", summary)}
    counts = {("errors" if word == "error" else word): n for word, n in counts.items()}
    return done.returncode, output, counts


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nmarkers =\n    ci_may_skip: may skip under CI=true\n", encoding="utf-8"
    )
    (tmp_path / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "test_module_skip.py").write_text(
        'import pytest\n\npytest.importorskip("no_such_module_anywhere")\n\n\n'
        "def test_never_runs():\n    pass\n",
        encoding="utf-8",
    )
    return tmp_path


def test_skips_pass_outside_ci(sample: Path) -> None:
    code, output, counts = run_pytest(sample, ".", ci=False)
    assert code == 0, output
    assert counts == {"passed": 1, "skipped": 5, "xfailed": 1}, output


def test_a_skip_under_ci_is_a_failure_naming_its_reason(sample: Path) -> None:
    code, output, counts = run_pytest(sample, "test_sample.py", ci=True)
    assert code == 1, output
    # The skip in the test fails it; those in setup (fixture, skipif) are errors.
    assert counts == {"failed": 1, "passed": 1, "skipped": 1, "xfailed": 1, "errors": 2}, output
    for reason in ("no widget here", "no tool for the fixture", "skipif says so"):
        assert f"skipped under CI=true ({reason})" in output, output
    assert re.search(r"SKIPPED .*depends on the machine", output), output


def test_a_module_that_skips_under_ci_is_a_collection_error(sample: Path) -> None:
    code, output, counts = run_pytest(sample, "test_module_skip.py", ci=True)
    assert code != 0, output
    assert counts.get("errors") == 1, output
    assert "skipped under CI=true (could not import 'no_such_module_anywhere'" in output, output
