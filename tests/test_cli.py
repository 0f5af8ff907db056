"""generator.cli: exit codes, output format, `new` and `schema`, and every command
following mkdocs.yml's briefings_dir (issue 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINIMAL, PROJECT, Run, write_briefing
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
        "briefings: ok (1 development, 1 topic, 2 sources, 2 actors, 2 places)\n",
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
        "nowhere:1:1: error: no such briefing folder\n1 error(s), 0 warning(s)\n"
        "to start a briefing there: `briefing init nowhere`\n",
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
    write_briefing(tmp_path / "other")
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
    assert done.stdout.startswith("briefings: ok (1 development, ")


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


# ---------------------------------------------------------------- the folder mkdocs.yml names

SUDAN_CONFIG = f"""\
site_name: Sudan
site_url: https://example.org/sudan/
plugins:
  - search
  - briefings:
      briefings_dir: sudan
      templates_dir: {(PROJECT / "templates").as_posix()}
      feed_id: tag:example.org,2025:sudan
"""
USING = "using sudan (briefings_dir in mkdocs.yml)\n"
OK = "ok (1 development, 1 topic, 2 sources, 2 actors, 2 places)\n"


@pytest.fixture
def sudan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose mkdocs.yml says `briefings_dir: sudan` (the minimal briefing),
    with a broken briefings/ beside it that no command may read; the working directory."""
    write_briefing(tmp_path / "sudan")
    (tmp_path / "briefings").mkdir()
    (tmp_path / "briefings" / "briefing.yaml").write_text("title: [broken\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(SUDAN_CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_validate_checks_the_folder_mkdocs_yml_names(run: Run, sudan: Path) -> None:
    assert run("validate", "--strict") == (0, f"sudan: {OK}", USING)
    (sudan / "sudan" / DEV).write_text(MINIMAL[DEV].replace("[hts]", "[htz]"), encoding="utf-8")
    assert run("validate") == (
        1,
        "",
        USING + f"sudan/{DEV}:4:10: error: unknown actor 'htz' (did you mean 'hts'?)\n"
        "1 error(s), 0 warning(s)\n",
    )


def test_a_folder_given_on_the_command_line_wins(run: Run, sudan: Path) -> None:
    code, out, err = run("validate", "briefings")
    assert (code, out) == (1, "")
    assert err.startswith("briefings/briefing.yaml:2:1: error: YAML syntax")
    assert "using" not in err
    (sudan / "mkdocs.yml").write_text("plugins: [\n", encoding="utf-8")
    assert run("validate", "sudan") == (0, f"sudan: {OK}", "")  # mkdocs.yml not even read


def test_config_file_option_before_or_after_the_command(run: Run, sudan: Path) -> None:
    write_briefing(sudan / "elsewhere" / "brief")
    (sudan / "elsewhere" / "site.yml").write_text(
        "plugins:\n  - briefings:\n      briefings_dir: brief\n", encoding="utf-8"
    )
    using = "using elsewhere/brief (briefings_dir in elsewhere/site.yml)\n"
    expected = (0, f"elsewhere/brief: {OK}", using)
    assert run("validate", "-f", "elsewhere/site.yml") == expected
    assert run("--config-file", "elsewhere/site.yml", "validate") == expected
    assert run("-f", "nowhere.yml", "validate") == (
        2, "", "nowhere.yml:1:1: error: cannot read it: no such file\n",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "site_name: Sudan\nplugins:\n  - briefings:\n    briefings_dir: [sudan\n",
            "mkdocs.yml:5:1: error: YAML syntax: did not find expected ',' or ']' (while "
            "parsing a flow sequence that starts at line 4, column 20)",
        ),
        (
            "plugins:\n  - briefings:\n      briefings_dir: 2024\n",
            "mkdocs.yml:3:22: error: briefings_dir: expected text (a folder or an address), "
            "not 2024",
        ),
    ],
)
def test_a_bad_mkdocs_yml_is_one_line_and_exit_2(
    run: Run, sudan: Path, text: str, error: str
) -> None:
    (sudan / "mkdocs.yml").write_text(text, encoding="utf-8")
    for argv in (["validate"], ["audit"], ["new", "topic", "T"], ["init"], ["diff"]):
        assert run(*argv) == (2, "", error + "\n"), argv


def test_a_bad_mkdocs_yml_without_traceback(sudan: Path) -> None:
    (sudan / "mkdocs.yml").write_text("site_name: [\n", encoding="utf-8")
    done = _subprocess([sys.executable, "-m", "generator", "validate"], sudan)
    assert done.returncode == 2
    assert done.stderr.startswith("mkdocs.yml:2:1: error: YAML syntax: ")
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_audit_reads_the_folder_mkdocs_yml_names(run: Run, sudan: Path) -> None:
    code, out, err = run("audit")
    assert (code, err) == (0, USING)
    assert out.startswith("sudan/briefing.yaml:")
    code, out, err = run("audit", "--json")  # JSON names the folder; stderr stays quiet
    assert (code, err) == (0, "")
    assert json.loads(out)["folder"] == "sudan"


def test_new_writes_into_the_folder_mkdocs_yml_names(run: Run, sudan: Path) -> None:
    code, out, err = run("new", "development", "Title", "--date", "2024-12-07")
    assert (code, err) == (0, USING)
    assert out.startswith("wrote sudan/developments/2024-12-07-title.yaml\n")
    assert (sudan / "sudan/developments/2024-12-07-title.yaml").is_file()
    assert not (sudan / "briefings/developments").exists()


def test_new_outside_a_briefing_points_to_init(run: Run, sudan: Path) -> None:
    (sudan / "mkdocs.yml").write_text(SUDAN_CONFIG.replace("sudan\n", "chad\n", 1), "utf-8")
    assert run("new", "topic", "Title") == (
        1,
        "",
        "using chad (briefings_dir in mkdocs.yml)\n"
        "error: chad does not exist: start a briefing there with `briefing init chad`, "
        "then add developments and topics\n",
    )
    (sudan / "chad").mkdir()
    assert run("new", "topic", "Title")[2].endswith(
        "error: chad has no briefing.yaml: start a briefing there with `briefing init chad`, "
        "then add developments and topics\n"
    )
    assert not any((sudan / "chad").iterdir())


@pytest.mark.slow
def test_render_reads_folders_site_url_and_feed_id_from_mkdocs_yml(
    run: Run, sudan: Path
) -> None:
    code, out, err = run("render", "--out", "out")
    assert code == 0, err
    assert err == USING + (
        f"using {(PROJECT / 'templates').as_posix()} (templates_dir in mkdocs.yml)\n"
    )
    assert out.startswith("wrote ") and out.endswith(" pages to out\n")
    feed = (sudan / "out" / "feed.xml").read_text(encoding="utf-8")
    assert "<id>tag:example.org,2025:sudan" in feed
    assert "https://example.org/sudan/situation/2024-12-06-rebels-near-homs/" in feed
    assert "Test briefing" in (sudan / "out" / "index.md").read_text(encoding="utf-8")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=cwd, capture_output=True, check=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)},
    )  # fmt: skip


def test_diff_reads_the_folder_mkdocs_yml_names(run: Run, sudan: Path) -> None:
    _git(sudan, "init", "-q")
    _git(sudan, "add", "-A")
    _git(sudan, "commit", "-q", "-m", "first")
    path = sudan / "sudan" / DEV
    path.write_text(path.read_text(encoding="utf-8").replace("5 km", "3 km"), encoding="utf-8")
    code, out, err = run("diff")
    assert (code, err) == (0, USING)
    assert out.startswith("Changes to sudan since HEAD")
    assert f"sudan/{DEV}" in out or "2024-12-06-rebels-near-homs" in out
