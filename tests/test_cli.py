"""generator.cli: exit codes, output format, `new` and `schema`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINIMAL, PROJECT, Run
from generator.jsonschema import SCHEMAS

DEV = "developments/2024-12-06-rebels-near-homs.yaml"


@pytest.fixture
def project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_briefing: Callable[..., Path]
) -> Path:
    """A project folder holding briefings/ (the minimal briefing), as the working directory."""
    make_briefing()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_validate_clean(run: Run, project: Path) -> None:
    assert run("validate") == (
        0,
        "briefings: ok (1 developments, 1 topics, 2 sources, 2 actors, 2 places)\n",
        "",
    )


def test_validate_errors_exit_1_with_every_error(run: Run, project: Path) -> None:
    (project / "briefings" / DEV).write_text(
        MINIMAL[DEV].replace("[hts]", "[htz]").replace("2024-12-06", "2024-12-32"),
        encoding="utf-8",
    )
    code, out, err = run("validate", "briefings")
    assert (code, out) == (1, "")
    assert err == (
        f"briefings/{DEV}:2:7: error: date: '2024-12-32' is not a real date: "
        "day is out of range for month\n"
        f"briefings/{DEV}:4:10: error: unknown actor 'htz' (did you mean 'hts'?)\n"
        "2 error(s), 0 warning(s)\n"
    )


def test_warnings_pass_unless_strict(run: Run, project: Path) -> None:
    sources = project / "briefings" / "sources.yaml"
    sources.write_text(
        MINIMAL["sources.yaml"] + "- id: afp\n  name: AFP\n  kind: news-agency\n", encoding="utf-8"
    )
    warning = "briefings/sources.yaml:8:7: warning: source 'afp' is never cited\n"
    code, out, err = run("validate")
    assert code == 0
    assert out.startswith("briefings: ok")
    assert err == warning + "0 error(s), 1 warning(s)\n"
    assert run("validate", "--strict") == (1, "", warning + "0 error(s), 1 warning(s)\n")


def test_paths_are_relative_to_the_working_directory(run: Run, project: Path) -> None:
    (project / "briefings" / "briefing.yaml").unlink()
    code, _, err = run("validate", "briefings")
    assert code == 1
    assert err.splitlines()[0] == (
        "briefings/briefing.yaml:1:1: error: missing: every briefing has one briefing.yaml"
    )


def test_validate_missing_folder(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("validate", "nowhere") == (
        1,
        "",
        "nowhere:1:1: error: no such briefing folder\n1 error(s), 0 warning(s)\n",
    )


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["bogus"],
        ["validate", "--bogus"],
        ["validate", "a", "b"],
        ["new", "article", "Title"],
        ["new", "development"],
        ["new", "development", "Title", "--date", "2024-13-01"],
        ["new", "development", "Title", "--date", "6 Dec"],
    ],
)
def test_usage_errors_exit_2(run: Run, project: Path, argv: list[str]) -> None:
    code, out, err = run(*argv)
    assert code == 2
    assert out == ""
    assert err.startswith("usage: briefing")
    assert "Traceback" not in err


def test_bad_date_message(run: Run, project: Path) -> None:
    _, _, err = run("new", "development", "Title", "--date", "2024-02-30")
    assert err.endswith("error: argument --date: '2024-02-30' is not a date (YYYY-MM-DD)\n")


def test_new_development(run: Run, project: Path) -> None:
    code, out, err = run("new", "development", "Title", "--date", "2024-12-07")
    path = project / "briefings" / "developments" / "2024-12-07-title.yaml"
    assert (code, err) == (0, "")
    assert out == (
        "wrote briefings/developments/2024-12-07-title.yaml\n"
        "fill in: summary, key_points (text and sources), sources, places, actors; "
        "then run `briefing validate`\n"
    )
    assert path.read_text(encoding="utf-8").startswith(
        "# New development. Fill in every TODO, then run `briefing validate`.\n"
        'title: "Title"\ndate: 2024-12-07\n'
    )


def test_new_refuses_to_overwrite(run: Run, project: Path) -> None:
    assert run("new", "development", "Title", "--date", "2024-12-07")[0] == 0
    path = project / "briefings" / "developments" / "2024-12-07-title.yaml"
    path.write_text("edited\n", encoding="utf-8")
    assert run("new", "development", "Title", "--date", "2024-12-07") == (
        1,
        "",
        "error: briefings/developments/2024-12-07-title.yaml already exists; nothing was written\n",
    )
    assert path.read_text(encoding="utf-8") == "edited\n"


def test_new_topic_with_id_and_dir(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("new", "topic", "حلب", "--id", "aleppo", "--dir", "other")
    assert code == 0
    assert out.startswith("wrote other/background/aleppo.yaml\n")
    assert (tmp_path / "other" / "background" / "aleppo.yaml").read_text(
        encoding="utf-8"
    ).splitlines()[1] == 'title: "حلب"'


def test_new_topic_without_latin_title(run: Run, project: Path) -> None:
    assert run("new", "topic", "حلب") == (
        1,
        "",
        "error: cannot make an id from this title (no Latin letters or digits); give --id\n",
    )


def test_schema_writes_json_schemas(run: Run, tmp_path: Path) -> None:
    out_dir = tmp_path / "schema"
    code, out, err = run("schema", "--out", str(out_dir))
    assert (code, err) == (0, "")
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(SCHEMAS)
    assert out == "".join(f"wrote {(out_dir / name).as_posix()}\n" for name in SCHEMAS)
    for name in SCHEMAS:
        schema = json.loads((out_dir / name).read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def _subprocess(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_python_m_generator_validate(project: Path) -> None:
    done = _subprocess([sys.executable, "-m", "generator", "validate", "--strict"], project)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("briefings: ok (1 developments")


def test_python_m_generator_errors_without_traceback(project: Path) -> None:
    (project / "briefings" / DEV).write_bytes(b"title: \xff\n")
    done = _subprocess([sys.executable, "-m", "generator", "validate"], project)
    assert done.returncode == 1
    assert done.stderr == (
        f"briefings/{DEV}:1:8: error: byte 0xFF is not valid UTF-8; save the file as UTF-8\n"
        "1 error(s), 0 warning(s)\n"
    )


def test_console_script(project: Path) -> None:
    script = Path(sys.executable).with_name("briefing")
    if not script.exists():
        pytest.skip("the briefing console script is not installed in this environment")
    done = _subprocess([str(script), "validate"], project)
    assert done.returncode == 0, done.stderr
