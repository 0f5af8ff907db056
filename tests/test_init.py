"""`briefing init [DIR]` (issue 13): a small briefing to start from, valid without a
warning, that teaches the format in its comments and never overwrites anything."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from site_helpers import build, copy_project, run_module, scan_html, snapshot

from conftest import Run, load_dir, render
from generator.scaffold import ScaffoldError, init_briefing
from generator.vocabulary import VOCABULARY

DAY = date(2025, 3, 14)
FILES = [
    "briefing.yaml",
    "sources.yaml",
    "actors.yaml",
    "places.yaml",
    "indicators.yaml",
    "developments/2025-03-14-example-development.yaml",
    "background/example-topic.yaml",
]


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_writes_every_file_of_a_briefing(tmp_path: Path) -> None:
    written = init_briefing(tmp_path / "sudan", DAY)
    assert [p.relative_to(tmp_path / "sudan").as_posix() for p in written] == FILES
    assert sorted(p for p in (tmp_path / "sudan").rglob("*") if p.is_file()) == sorted(written)


def test_the_briefing_validates_without_a_warning(tmp_path: Path) -> None:
    init_briefing(tmp_path / "sudan", DAY)
    briefing, report = load_dir(tmp_path / "sudan")
    assert render(report) == ""
    assert briefing is not None
    assert list(briefing.developments) == ["2025-03-14-example-development"]
    assert list(briefing.topics) == ["example-topic"]
    assert str(briefing.meta.as_of).startswith("2025-03-14")


def test_every_value_is_a_placeholder_that_says_so(tmp_path: Path) -> None:
    init_briefing(tmp_path / "b", DAY)
    data = {name: yaml.safe_load((tmp_path / "b" / name).read_text("utf-8")) for name in FILES}
    assert "replace" in data["briefing.yaml"]["title"].lower()
    for name in ("sources.yaml", "actors.yaml", "places.yaml"):
        for entry in data[name]:
            assert entry["id"].startswith("example-"), entry
            assert "replace" in entry["name"].lower() or entry["name"].startswith("Example")
    for name in FILES[5:]:
        assert "replace" in data[name]["title"].lower()
    assert data["indicators.yaml"] == []  # the example there is commented out


def test_the_comments_give_every_value_of_the_scales(tmp_path: Path) -> None:
    init_briefing(tmp_path / "b", DAY)

    def comments(name: str) -> str:
        text = (tmp_path / "b" / name).read_text(encoding="utf-8")
        return "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))

    development = comments(FILES[5])
    for scale in (VOCABULARY.status, VOCABULARY.credibility, VOCABULARY.confidence,
                  VOCABULARY.likelihood):  # fmt: skip
        for value, meaning in scale.items():
            assert re.search(rf"#\s+{re.escape(str(value))}\s+{re.escape(meaning)}$",
                             development, re.MULTILINE), (value, meaning)  # fmt: skip
    assert all(p in development for p in VOCABULARY.date_precision)
    sources = comments("sources.yaml")
    grades = VOCABULARY.reliability.items()
    assert all(f"#   {grade}  {meaning}" in sources for grade, meaning in grades)
    assert all(kind in sources for kind in VOCABULARY.source_kind)
    assert all(kind in comments("actors.yaml") for kind in VOCABULARY.actor_kind)
    assert all(kind in comments("places.yaml") for kind in VOCABULARY.place_kind)
    assert all(s in comments("indicators.yaml") for s in VOCABULARY.indicator_status)


def test_the_commented_out_examples_are_valid_once_switched_on(tmp_path: Path) -> None:
    root = tmp_path / "b"
    init_briefing(root, DAY)
    indicators = root / "indicators.yaml"
    text = indicators.read_text(encoding="utf-8").replace("\n[]\n", "\n")
    indicators.write_text(re.sub(r"(?m)^# (?=-|  )", "", text), encoding="utf-8")
    places = root / "places.yaml"
    places.write_text(places.read_text("utf-8").replace("  # lat:", "  lat:").replace(
        "  # lon:", "  lon:"), encoding="utf-8")  # fmt: skip
    main = root / "briefing.yaml"
    text = main.read_text(encoding="utf-8")
    for field in ("subtitle", "region", "stale_after_days", "map", "  bounds"):
        text = text.replace(f"\n# {field}:", f"\n{field}:")
    main.write_text(text, encoding="utf-8")
    briefing, report = load_dir(root)
    assert render(report) == ""
    assert briefing is not None
    assert list(briefing.indicators) == ["example-sign"]
    assert briefing.places["example-city"].lat == 15.5
    assert briefing.meta.map is not None and briefing.meta.stale_after_days == 7


@pytest.mark.parametrize("existing", ["file", "hidden", "folder"])
def test_never_writes_into_a_folder_that_holds_anything(tmp_path: Path, existing: str) -> None:
    root = tmp_path / "b"
    root.mkdir()
    {
        "file": lambda: (root / "notes.txt").write_text("mine\n", encoding="utf-8"),
        "hidden": lambda: (root / ".git").mkdir(),
        "folder": lambda: (root / "developments").mkdir(),
    }[existing]()
    before = snapshot(tmp_path)
    with pytest.raises(ScaffoldError) as caught:
        init_briefing(Path("b"), DAY)
    assert str(caught.value).startswith("b already holds files; ")
    assert snapshot(tmp_path) == before


def test_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "b").write_text("mine\n", encoding="utf-8")
    with pytest.raises(ScaffoldError) as caught:
        init_briefing(tmp_path / "b", DAY)
    assert str(caught.value) == f"{(tmp_path / 'b').as_posix()} is a file; nothing was written"
    assert (tmp_path / "b").read_text(encoding="utf-8") == "mine\n"


# ---------------------------------------------------------------- the command


def test_init_then_validate(run: Run, tmp_path: Path) -> None:
    code, out, err = run("init", "sudan")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[: len(FILES)] == [
        f"wrote sudan/{name}".replace("2025-03-14", date.today().isoformat()) for name in FILES
    ]
    assert "there is no mkdocs.yml here" in out  # nothing to build the site with yet
    assert "`make serve`" in out
    code, out, err = run("validate", "--strict", "sudan")
    assert (code, err) == (0, "")
    assert out.startswith("sudan: ok (1 development, 1 topic, 2 sources, 2 actors, 2 places)")


def test_init_into_an_empty_folder(run: Run, tmp_path: Path) -> None:
    (tmp_path / "sudan").mkdir()
    assert run("init", "sudan")[0] == 0
    assert (tmp_path / "sudan" / "briefing.yaml").is_file()


def test_init_refuses_a_folder_that_holds_anything(run: Run, tmp_path: Path) -> None:
    (tmp_path / "sudan").mkdir()
    (tmp_path / "sudan" / "briefing.yaml").write_text("title: Mine\n", encoding="utf-8")
    before = snapshot(tmp_path)
    assert run("init", "sudan") == (
        1,
        "",
        "error: sudan already holds files; `briefing init` writes only into a new or empty "
        "folder (give one, e.g. `briefing init my-briefing`); nothing was written\n",
    )
    assert snapshot(tmp_path) == before


def test_init_defaults_to_briefings_dir_of_mkdocs_yml(run: Run, tmp_path: Path) -> None:
    config = "site_name: S\nplugins:\n  - briefings:\n      briefings_dir: data/sudan\n"
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    code, out, err = run("init")
    assert (code, err) == (0, "using data/sudan (briefings_dir in mkdocs.yml)\n")
    assert out.startswith("wrote data/sudan/briefing.yaml\n")
    assert "briefings_dir:" not in out  # mkdocs.yml already points there


def test_init_elsewhere_says_to_set_briefings_dir(run: Run, tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "mkdocs.yml").write_text("site_name: S\n", encoding="utf-8")
    code, out, _ = run("init", "mine", "-f", "site/mkdocs.yml")
    assert code == 0
    assert (
        "  - in site/mkdocs.yml, set `briefings_dir: ../mine` under plugins → briefings\n" in out
    )


def test_new_after_init(run: Run, tmp_path: Path) -> None:
    assert run("init", "b")[0] == 0
    assert run("new", "development", "Second", "--date", "2025-03-15", "--dir", "b")[0] == 0
    code, _, err = run("validate", "b")
    # The skeleton's TODO reminders and missing sources; the rest of the briefing is clean.
    assert code == 1
    assert all("2025-03-15-second.yaml" in line for line in err.splitlines()[:-1])


@pytest.mark.slow
def test_a_project_pointed_at_init_builds_strictly(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "briefings_dir: briefings\n" in text
    config.write_text(text.replace("briefings_dir: briefings\n", "briefings_dir: sudan\n"), "utf-8")
    done = run_module(project, "generator", "init")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "using sudan (briefings_dir in mkdocs.yml)\n"
    result = build(project)
    assert result.returncode == 0, result.stdout
    assert "WARNING" not in result.stdout
    page = scan_html((project / "site" / "index.html").read_text(encoding="utf-8")).plain
    assert "Example briefing: replace with your briefing's name" in page
    assert "opposition offensive" not in page  # not the example in briefings/
    development = f"situation/{date.today().isoformat()}-example-development/index.html"
    assert (project / "site" / development).is_file()
