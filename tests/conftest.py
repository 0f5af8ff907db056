"""Helpers shared by the tests: a minimal valid briefing to build cases on.

``write_briefing(root, overrides)`` writes :data:`MINIMAL` into ``root`` and then
applies ``overrides`` (relative path → text, bytes, or None to delete). Every
case starts from this folder, so a case only holds the files it changes.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Generator, Mapping
from pathlib import Path

import pluggy
import pytest

from generator import Briefing, Report, load

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE = PROJECT / "briefings"
CASES = Path(__file__).resolve().parent / "cases"

# A small briefing that loads without errors or warnings: every source is
# cited, the development's id starts with its date, nothing is after as_of.
MINIMAL: dict[str, str] = {
    "briefing.yaml": """\
title: Test briefing
as_of: 2024-12-06T12:00:00+00:00
summary: Rebels are about 5 km from **Homs**.
key_figures:
  - label: Distance to Homs
    value: about 5 km
    sources: [sohr]
""",
    "sources.yaml": """\
- id: sohr
  name: Syrian Observatory for Human Rights
  kind: monitor
  reliability: C
- id: dw
  name: Deutsche Welle
  kind: broadcaster
""",
    "actors.yaml": """\
- id: hts
  name: Hayat Tahrir al-Sham
  kind: armed-group
- id: syrian-arab-army
  name: Syrian Arab Army
  kind: armed-forces
""",
    "places.yaml": """\
- id: syria
  name: Syria
  kind: country
- id: homs
  name: Homs
  kind: city
  within: syria
  lat: 34.73
  lon: 36.71
""",
    "developments/2024-12-06-rebels-near-homs.yaml": """\
title: Rebels near Homs
date: 2024-12-06
places: [homs]
actors: [hts]
summary: Rebels are about 5 km from Homs.
sources: [sohr]
""",
    "background/hts.yaml": """\
title: Hayat Tahrir al-Sham
summary: The Islamist group leading the offensive.
actors: [hts]
sources: [dw]
""",
}

Content = str | bytes | None


def write_briefing(root: Path, overrides: Mapping[str, Content] | None = None) -> Path:
    """Write the minimal valid briefing into ``root``, then apply ``overrides``."""
    files: dict[str, Content] = {**MINIMAL, **(overrides or {})}
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        if content is None:
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            elif path.exists() or path.is_symlink():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


def load_dir(root: Path) -> tuple[Briefing | None, Report]:
    """Load ``root`` with paths shown relative to it."""
    report = Report()
    return load(root, report, base=root), report


def render(report: Report) -> str:
    """The diagnostics exactly as the CLI prints them, one per line."""
    return "".join(f"{item}\n" for item in report.sorted())


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the `briefing` command in-process: (exit code, stdout, stderr); usage errors
    exit 2."""
    from generator.cli import main

    def invoke(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.fixture
def make_briefing(tmp_path: Path) -> Callable[..., Path]:
    """``make_briefing({"path": text, ...})`` → a briefing folder with those changes."""

    def make(overrides: Mapping[str, Content] | None = None, name: str = "briefings") -> Path:
        return write_briefing(tmp_path / name, overrides)

    return make


# ---------------------------------------------------------------- skips under CI=true

# A test that skips in CI proves nothing: CI installs chromium, poppler-utils and
# every extra, so a skip there means a missing install step, and it fails the run.
# A test whose skip really depends on the machine says so with
# @pytest.mark.ci_may_skip. A module that skips while it is imported (a
# module-level importorskip) cannot carry the mark: skip in a fixture instead.


def _skip_in_ci(reason: str) -> str:
    return (
        f"skipped under CI=true ({reason}); a test that skips in CI proves nothing: "
        "install what it needs in .ci/run, or mark it @pytest.mark.ci_may_skip"
    )


def _skip_reason(report: pytest.CollectReport | pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pluggy.Result[pytest.TestReport], None]:
    """Under CI=true, a skipped test (not an xfail) is a failure naming the skip's reason."""
    outcome = yield
    report = outcome.get_result()
    if (
        os.environ.get("CI") == "true"
        and report.skipped
        and not hasattr(report, "wasxfail")
        and item.get_closest_marker("ci_may_skip") is None
    ):
        report.outcome = "failed"
        report.longrepr = _skip_in_ci(_skip_reason(report))


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pluggy.Result[pytest.CollectReport], None]:
    """Under CI=true, a module that skips while it is collected is an error."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped:
        report.outcome = "failed"
        report.longrepr = _skip_in_ci(_skip_reason(report))


CASE_FILES = {"expected.txt", "_delete"}  # a case folder's own files, not the briefing's


def apply_case(case: Path, root: Path) -> Path:
    """The minimal briefing in ``root`` with the case folder ``case`` applied: the paths
    listed in its ``_delete`` removed, then every other file of it copied over."""
    write_briefing(root)
    deletions = case / "_delete"
    for line in deletions.read_text(encoding="utf-8").splitlines() if deletions.exists() else []:
        target = root / line.strip()
        if target.is_dir():
            shutil.rmtree(target)
        elif line.strip():
            target.unlink()
    for source in sorted(case.rglob("*")):
        relative = source.relative_to(case)
        if source.is_dir() or relative.as_posix() in CASE_FILES:
            continue
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            shutil.rmtree(target)
        shutil.copyfile(source, target)
    return root
