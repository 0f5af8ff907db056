"""The example briefing in briefings/: loads cleanly, and its model is pinned.

The golden (tests/test_example_briefing/test_example_model.yml) is the whole
validated model as plain data. After a deliberate change to the briefing or
the schema, run ``pytest --force-regen`` and read the diff before committing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from conftest import EXAMPLE, PROJECT, render
from generator import Briefing, Report, load
from generator.cli import main

# Dumping the model must not even warn (pydantic serializer warnings were a bug).
pytestmark = pytest.mark.filterwarnings("error")


def test_example_loads_without_errors_or_warnings() -> None:
    report = Report()
    briefing = load(EXAMPLE, report, base=PROJECT)
    assert render(report) == ""
    assert briefing is not None


def model_data(briefing: Briefing) -> dict[str, Any]:
    """The model as plain data, as written (defaults left out), sorted by id."""

    def dump(items: Mapping[str, BaseModel]) -> dict[str, Any]:
        return {
            key: value.model_dump(mode="json", exclude_defaults=True)
            for key, value in sorted(items.items())
        }

    return {
        "briefing": briefing.meta.model_dump(mode="json", exclude_defaults=True),
        "sources": dump(briefing.sources),
        "actors": dump(briefing.actors),
        "places": dump(briefing.places),
        "developments": dump(briefing.developments),
        "topics": dump(briefing.topics),
        "indicators": dump(briefing.indicators),
    }


def test_example_model(data_regression: Any) -> None:
    briefing = load(EXAMPLE, Report(), base=PROJECT)
    assert briefing is not None
    data_regression.check(model_data(briefing))


def test_validate_strict_on_the_example(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(PROJECT)
    assert main(["validate", "--strict", "briefings"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("briefings: ok (")


def test_every_development_is_dated_by_its_file_name() -> None:
    briefing = load(EXAMPLE, Report(), base=PROJECT)
    assert briefing is not None
    for ident, development in briefing.developments.items():
        assert ident.startswith(development.date.isoformat()[:10]), ident


def test_example_files_are_the_ones_loaded() -> None:
    briefing = load(EXAMPLE, Report(), base=PROJECT)
    assert briefing is not None
    stems = lambda folder: sorted(p.stem for p in (EXAMPLE / folder).glob("*.yaml"))  # noqa: E731
    assert sorted(briefing.developments) == stems("developments")
    assert sorted(briefing.topics) == stems("background")
    assert Path(EXAMPLE / "briefing.yaml").is_file()


def test_watch_list_is_reviewed_as_of_the_briefing() -> None:
    """Each sign was last reviewed at the briefing's as_of and rests on some development."""
    briefing = load(EXAMPLE, Report(), base=PROJECT)
    assert briefing is not None
    assert list(briefing.indicators) == [
        "rebels-enter-homs", "coast-road-cut", "reinforcements-reach-homs",
    ]  # fmt: skip
    for ident, sign in briefing.indicators.items():
        assert sign.updated == briefing.meta.as_of, ident
        assert sign.developments, ident
