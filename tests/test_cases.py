"""Golden diagnostics: every folder under tests/cases/ is one case.

A case folder mirrors a briefing folder: its files replace or add to the
minimal valid briefing of ``conftest.py``; a ``_delete`` file lists paths to
remove. ``expected.txt`` holds the exact output, paths relative to the
briefing folder (empty for a case that must load cleanly). Inputs that cannot
live in git (symlinks, megabyte files) are made by :data:`GENERATED`.

Regenerate with ``UPDATE_CASES=1 pytest tests/test_cases.py``, then read every
changed line: a golden is only as good as the review it got.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CASES, apply_case, load_dir, render
from generator import Report, load
from generator.cli import main
from generator.loader import MAX_BYTES
from generator.yamlread import MAX_VALUES


def _symlink_outside(root: Path) -> None:
    outside = root.parent / "outside.yaml"
    outside.write_text("- id: secret\n  name: Secret\n  kind: other\n", encoding="utf-8")
    (root / "actors.yaml").unlink()
    (root / "actors.yaml").symlink_to(outside)
    topic = root / "background" / "leak.yaml"
    topic.symlink_to(outside)


def _symlink_inside(root: Path) -> None:
    (root / "developments" / "2024-12-06-rebels-near-homs.yaml").rename(root / "kept.yaml")
    link = root / "developments" / "2024-12-06-rebels-near-homs.yaml"
    link.symlink_to(Path("..") / "kept.yaml")


def _symlink_loop(root: Path) -> None:
    (root / "places.yaml").unlink()
    (root / "places.yaml").symlink_to("places.yaml")


def _file_over_limit(root: Path) -> None:
    filler = "# " + "x" * 97 + "\n"
    text = (root / "sources.yaml").read_text(encoding="utf-8")
    (root / "sources.yaml").write_text(
        text + filler * (MAX_BYTES // len(filler) + 1), encoding="utf-8"
    )


def _file_at_limit(root: Path) -> None:
    path = root / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "#" * (MAX_BYTES - len(text) - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size == MAX_BYTES


def _deep_nesting(root: Path) -> None:
    (root / "developments" / "2024-12-07-deep.yaml").write_text(
        "title: " + "[" * 100_000 + "\n", encoding="utf-8"
    )
    (root / "background" / "deep-mapping.yaml").write_text(
        "".join("  " * level + f"k{level}:\n" for level in range(200)), encoding="utf-8"
    )


def _many_values(root: Path) -> None:
    path = root / "developments" / "2024-12-06-rebels-near-homs.yaml"
    tags = "tags: [" + "t," * MAX_VALUES + "t]\n"  # 400 kB: under the size limit
    path.write_text(path.read_text(encoding="utf-8") + tags, encoding="utf-8")


GENERATED: dict[str, Callable[[Path], None]] = {
    "symlink-outside": _symlink_outside,
    "symlink-inside": _symlink_inside,
    "symlink-loop": _symlink_loop,
    "file-over-1mb": _file_over_limit,
    "file-at-1mb": _file_at_limit,
    "deep-nesting": _deep_nesting,
    "too-many-values": _many_values,
}

CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def build_case(name: str, root: Path) -> Path:
    """The minimal briefing with case ``name`` applied, in ``root``."""
    apply_case(CASES / name, root)
    if name in GENERATED:
        GENERATED[name](root)
    return root


def test_every_generated_case_has_a_folder() -> None:
    assert sorted(set(GENERATED) - set(CASE_NAMES)) == []


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case(name: str, tmp_path: Path) -> None:
    root = build_case(name, tmp_path / "briefings")
    briefing, report = load_dir(root)
    actual = render(report)
    expected_file = CASES / name / "expected.txt"
    if os.environ.get("UPDATE_CASES"):
        expected_file.write_text(actual, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8")
    assert actual == expected
    # A briefing comes back exactly when there is no error.
    assert (briefing is None) == bool(report.errors)


def test_a_dozen_mistakes_give_a_dozen_errors_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_case("dozen-mistakes", tmp_path / "briefings")
    briefing, report = load_dir(root)
    assert briefing is None
    errors = report.errors
    assert len(errors) == 12
    assert report.warnings == []
    # Sorted by file, then line and column, numerically.
    keys = [(e.path, e.mark.line, e.mark.column) for e in errors]
    assert keys == sorted(keys)
    assert len({e.path for e in errors}) == 6
    # The CLI prints the same twelve, in the same order, then a count.
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    as_run_here = Report()
    load(root, as_run_here, base=tmp_path)
    assert err.splitlines() == [str(e) for e in as_run_here.sorted()] + [
        "12 error(s), 0 warning(s)"
    ]
    assert err.splitlines()[0].startswith("briefings/background/hts.yaml:3:1: error: ")
