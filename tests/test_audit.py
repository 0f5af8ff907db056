"""generator.audit and `briefing audit`; `briefing validate`'s warning on claims whose
sources are all withdrawn (generator.references.check_withdrawn).

Every folder under tests/audit_cases/ is one golden case (see its README):
the minimal briefing of ``conftest.py`` with the case's files applied, audited
from the folder holding ``briefings/``. Regenerate with
``UPDATE_CASES=1 pytest tests/test_audit.py``, then read every changed line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLE, MINIMAL, Run, apply_case, load_dir, render
from generator.audit import KINDS

AUDIT_CASES = Path(__file__).resolve().parent / "audit_cases"
CASE_NAMES = sorted(p.name for p in AUDIT_CASES.iterdir() if p.is_dir())
DEV = "developments/2024-12-06-rebels-near-homs.yaml"


def build_case(name: str, root: Path) -> Path:
    """The minimal briefing with audit case ``name`` applied, in ``root``."""
    return apply_case(AUDIT_CASES / name, root)


@pytest.fixture
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory, holding the case's ``briefings/``."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case(name: str, run: Run, in_project: Path) -> None:
    build_case(name, in_project / "briefings")
    code, out, err = run("audit")
    actual = out + err
    expected_file = AUDIT_CASES / name / "expected.txt"
    if os.environ.get("UPDATE_CASES"):
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")
    # Errors: printed as validate prints them, no audit, exit 1; else exit 0.
    assert code == (1 if err else 0)
    assert (out == "") == bool(err)


def test_every_kind_has_a_case() -> None:
    shown = "".join((AUDIT_CASES / name / "expected.txt").read_text() for name in CASE_NAMES)
    for kind, _, _ in KINDS:
        assert f"[{kind}]\n" in shown
    assert "\nno findings\n" in "\n" + shown


def test_fail_on_findings(run: Run, in_project: Path) -> None:
    build_case("clean", in_project / "briefings")
    assert run("audit", "--fail-on-findings") == (0, "no findings\n", "")
    (in_project / "briefings" / "briefing.yaml").write_text(
        MINIMAL["briefing.yaml"], encoding="utf-8"
    )  # its key figure has no as_of: one finding
    code, out, err = run("audit", "--fail-on-findings")
    assert (code, err) == (1, "")
    assert out.endswith("\n1 finding: 1 key figure without as_of\n")
    assert run("audit")[0] == 0  # without the flag, findings do not fail


def test_errors_exit_1_even_without_findings_flag(run: Run, in_project: Path) -> None:
    build_case("invalid", in_project / "briefings")
    for argv in (("audit",), ("audit", "--json"), ("audit", "--fail-on-findings")):
        code, out, err = run(*argv)
        assert (code, out) == (1, "")
        assert err.endswith("1 error(s), 0 warning(s)\n")


def test_json(run: Run, in_project: Path) -> None:
    build_case("weak-sources-f-graded", in_project / "briefings")
    code, out, err = run("audit", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert sorted(data) == ["counts", "findings", "folder", "total"]
    assert data["folder"] == "briefings"
    assert list(data["counts"]) == [kind for kind, _, _ in KINDS]  # zeros included
    assert data["counts"] == {
        "single-source": 1, "weak-sources": 4, "stale": 0, "undated-figure": 0,
        "unsourced-assessment": 0,
        "collective-credit": 0,
    }  # fmt: skip
    assert data["total"] == len(data["findings"]) == 5
    assert data["findings"][0] == {
        "path": "briefings/briefing.yaml",
        "line": 5,
        "column": 5,
        "kind": "weak-sources",
        "message": "key figure rests only on F-graded or withdrawn sources: 'dw' (graded F)",
    }
    # The same findings, in the same order, as the text output.
    text = run("audit")[1].splitlines()[:-1]
    assert [f"{f['path']}:{f['line']}:{f['column']}: finding: " for f in data["findings"]] == [
        line[: line.index("finding: ") + 9] for line in text
    ]


def test_json_when_clean(run: Run, in_project: Path) -> None:
    build_case("clean", in_project / "briefings")
    data = json.loads(run("audit", "--json")[1])
    assert (data["findings"], data["total"], set(data["counts"].values())) == ([], 0, {0})


def test_folder_argument_like_validate(run: Run, in_project: Path) -> None:
    build_case("clean", in_project / "elsewhere")
    assert run("audit", "elsewhere") == (0, "no findings\n", "")
    code, out, err = run("audit")  # default: briefings, which is not there
    assert (code, out) == (1, "")
    assert err == "briefings:1:1: error: no such briefing folder\n1 error(s), 0 warning(s)\n"


def test_example_briefing_audits(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLE.parent)
    code, out, err = run("audit")
    assert (code, err) == (0, "using briefings (briefings_dir in mkdocs.yml)\n")
    *findings, summary = out.splitlines()
    kinds = "|".join(kind for kind, _, _ in KINDS)
    line = re.compile(rf"briefings/[a-z0-9/.-]+\.yaml:[0-9]+:[0-9]+: finding: .+ \[({kinds})\]")
    assert all(line.fullmatch(finding) for finding in findings)
    assert (
        summary == "no findings"
        if not findings
        else summary.startswith(f"{len(findings)} finding{'s' if len(findings) > 1 else ''}: ")
    )


# ------------------------------------------- validate: claims with no standing source


WITHDRAWN_SOURCES = (
    MINIMAL["sources.yaml"]
    + """\
- id: sana
  name: Syrian Arab News Agency
  kind: news-agency
  discredited:
    at: 2024-12-05
    note: Published casualty figures later shown to be invented.
"""
)

WITHDRAWN_FIGURES = (
    MINIMAL["briefing.yaml"]
    + """\
  - label: Army casualties
    value: about 300
    sources: [sana]
  - label: Towns taken
    value: about 12
    sources: [sana, dw]
"""
)

WITHDRAWN_DEV = """\
title: Rebels near Homs
date: 2024-12-06
summary: Rebels are about 5 km from Homs.
key_points:
  - text: Rebels are about 5 km from Homs.
    sources: [sohr, sana]
  - text: One standing source is enough.
    sources: [sana, dw]
competing_claims:
  - claim: The army holds the northern approaches.
    by: [sana]
  - claim: Rebels hold Rastan.
    by: [sana, sohr, dw]
sources:
  - source: sohr
    title: Rebels 5 km from Homs
    retracted:
      at: 2024-12-06
      note: Withdrawn the same morning.
  - sana
  - dw
"""


def test_validate_warns_at_each_claim_without_a_standing_source(
    make_briefing: Callable[..., Path],
) -> None:
    root = make_briefing(
        {"sources.yaml": WITHDRAWN_SOURCES, "briefing.yaml": WITHDRAWN_FIGURES, DEV: WITHDRAWN_DEV}
    )
    briefing, report = load_dir(root)
    assert briefing is not None  # warnings only: the build goes on
    assert render(report) == (
        "briefing.yaml:8:5: warning: this key figure rests only on withdrawn sources: "
        "'sana' (discredited 2024-12-05); add a standing source or remove it\n"
        f"{DEV}:5:5: warning: this key point rests only on withdrawn sources: "
        "'sohr' (report retracted 2024-12-06), 'sana' (discredited 2024-12-05); "
        "add a standing source or remove it\n"
        f"{DEV}:10:5: warning: this competing claim rests only on withdrawn sources: "
        "'sana' (discredited 2024-12-05); add a standing source or remove it\n"
    )


def test_validate_strict_fails_on_it(run: Run, make_briefing: Callable[..., Path]) -> None:
    root = make_briefing({"sources.yaml": WITHDRAWN_SOURCES, DEV: WITHDRAWN_DEV})
    code, out, err = run("validate", str(root), "--strict")
    assert (code, out) == (1, "")
    assert err.endswith("0 error(s), 2 warning(s)\n")
    assert run("validate", str(root))[0] == 0


def test_no_warning_while_one_standing_source_remains(
    make_briefing: Callable[..., Path],
) -> None:
    # The same claims, each citing one more source that nothing withdraws.
    dev = WITHDRAWN_DEV.replace("[sohr, sana]", "[sohr, sana, dw]").replace(
        "by: [sana]\n", "by: [sana, dw]\n"
    )
    figures = WITHDRAWN_FIGURES.replace("sources: [sana]\n", "sources: [sana, sohr]\n")
    root = make_briefing({"sources.yaml": WITHDRAWN_SOURCES, "briefing.yaml": figures, DEV: dev})
    briefing, report = load_dir(root)
    assert briefing is not None
    assert render(report) == ""


def test_the_example_is_told_it_credits_its_sources_collectively(run: Run) -> None:
    # Its report lists X, Telegram, SOHR, Anadolu and DW as a group; the audit says so.
    code, out, _ = run("audit", str(EXAMPLE))
    assert code == 0
    collective = [line for line in out.splitlines() if line.endswith("[collective-credit]")]
    assert len(collective) >= 3
    assert "developments crediting their sources collectively" in out.splitlines()[-1]
