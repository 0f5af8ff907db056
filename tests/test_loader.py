"""generator.loader: a briefing folder → documents, safely."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINIMAL, load_dir, render, write_briefing
from generator.diagnostics import Mark, Report
from generator.loader import MAX_BYTES, Document, display_path, load_briefing_dir

DEV = "developments/2024-12-06-rebels-near-homs.yaml"


def test_minimal_briefing_reads_every_file(make_briefing: Callable[..., Path]) -> None:
    root = make_briefing()
    report = Report()
    raw = load_briefing_dir(root, report, base=root)
    assert report.items == []
    assert raw.briefing is not None and raw.briefing.path == "briefing.yaml"
    assert {name: doc is not None for name, doc in raw.registries.items()} == {
        "sources": True,
        "actors": True,
        "places": True,
        "indicators": False,  # optional
    }
    assert [d.path for d in raw.collections["developments"]] == [DEV]
    assert [d.stem for d in raw.collections["background"]] == ["hts"]
    assert raw.unreadable == set()


def test_paths_are_shown_relative_to_base(make_briefing: Callable[..., Path]) -> None:
    root = make_briefing({DEV: "title: [\n"})
    report = Report()
    load_briefing_dir(root, report, base=root.parent)
    assert [d.path for d in report.items] == [f"briefings/{DEV}"]


def test_default_base_is_the_working_directory(
    make_briefing: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_briefing({DEV: "title: [\n"})
    monkeypatch.chdir(root.parent)
    report = Report()
    load_briefing_dir(Path("briefings"), report)
    assert [d.path for d in report.items] == [f"briefings/{DEV}"]


def test_display_path_outside_base_stays_as_given(tmp_path: Path) -> None:
    assert (
        display_path(tmp_path / "a.yaml", tmp_path / "elsewhere")
        == (tmp_path / "a.yaml").as_posix()
    )


def test_no_such_folder(tmp_path: Path) -> None:
    report = Report()
    raw = load_briefing_dir(tmp_path / "nowhere", report, base=tmp_path)
    assert render(report) == "nowhere:1:1: error: no such briefing folder\n"
    assert raw.briefing is None


def test_utf8_bom_is_dropped_and_marks_are_not_shifted(make_briefing: Callable[..., Path]) -> None:
    text = MINIMAL["briefing.yaml"]
    root = make_briefing({"briefing.yaml": b"\xef\xbb\xbf" + text.encode()})
    report = Report()
    raw = load_briefing_dir(root, report, base=root)
    assert report.items == []
    assert raw.briefing is not None
    assert raw.briefing.key_marks[("title",)] == Mark(1, 1)
    assert raw.briefing.marks[("title",)] == Mark(1, 8)


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"])
def test_utf16_either_byte_order(make_briefing: Callable[..., Path], bom: bytes) -> None:
    codec = "utf-16-le" if bom == b"\xff\xfe" else "utf-16-be"
    root = make_briefing({DEV: bom + MINIMAL[DEV].encode(codec)})
    report = Report()
    load_briefing_dir(root, report, base=root)
    assert render(report) == f"{DEV}:1:1: error: the file is UTF-16; save it as UTF-8\n"


def test_invalid_utf8_position_counts_characters(make_briefing: Callable[..., Path]) -> None:
    # 'é' is two bytes in UTF-8 but one column: the bad byte is in column 3.
    root = make_briefing({DEV: "title: Homs\né1".encode() + b"\xff: y\n"})
    report = Report()
    load_briefing_dir(root, report, base=root)
    assert render(report) == (
        f"{DEV}:2:3: error: byte 0xFF is not valid UTF-8; save the file as UTF-8\n"
    )


def test_size_limit_is_exact(make_briefing: Callable[..., Path]) -> None:
    body = MINIMAL[DEV]
    at_limit = body + "#" * (MAX_BYTES - len(body) - 1) + "\n"
    root = make_briefing({DEV: at_limit})
    report = Report()
    load_briefing_dir(root, report, base=root)
    assert report.items == []
    (root / DEV).write_text(at_limit + "\n", encoding="utf-8")
    report = Report()
    load_briefing_dir(root, report, base=root)
    assert render(report) == (
        f"{DEV}:1:1: error: the file is 1,000,001 bytes; the limit is 1,000,000 bytes\n"
    )


@pytest.mark.parametrize(
    "name",
    [
        ".2024-12-06-draft.yaml",
        "2024-12-06-draft.yaml~",
        "2024-12-06-draft.yaml.swp",
        "2024-12-06-draft.yaml.bak",
        "2024-12-06-draft.yaml.tmp",
    ],
)
def test_editor_debris_is_skipped_silently(make_briefing: Callable[..., Path], name: str) -> None:
    root = make_briefing({f"developments/{name}": "not: [valid"})
    report = Report()
    raw = load_briefing_dir(root, report, base=root)
    assert report.items == []
    assert len(raw.collections["developments"]) == 1


def test_unreadable_files_are_remembered(make_briefing: Callable[..., Path]) -> None:
    root = make_briefing(
        {
            "sources.yaml": "a: [\n",
            "developments/2024-12-05-hama.yaml": "",
            "developments/2024-12-04-aleppo.yml": "title: x\n",
            "background/war.yaml": "- a list\n",
        }
    )
    report = Report()
    raw = load_briefing_dir(root, report, base=root)
    assert raw.unreadable == {
        "sources",
        "developments/2024-12-05-hama",
        "developments/2024-12-04-aleppo",
        "background/war",
    }
    assert raw.registries["sources"] is None
    assert len(report.errors) == 4


def test_missing_registry_is_not_unreadable(make_briefing: Callable[..., Path]) -> None:
    root = make_briefing({"actors.yaml": None})
    report = Report()
    raw = load_briefing_dir(root, report, base=root)
    assert report.items == []
    assert raw.registries["actors"] is None
    assert raw.unreadable == set()


def test_symlink_inside_the_folder_is_followed(make_briefing: Callable[..., Path]) -> None:
    root = make_briefing()
    (root / "shared").mkdir()
    (root / "places.yaml").rename(root / "shared" / "places.yaml")
    (root / "places.yaml").symlink_to(Path("shared") / "places.yaml")
    report = Report()
    raw = load_briefing_dir(root, report, base=root)
    assert report.items == []
    assert raw.registries["places"] is not None


def test_symlinked_collection_folder_outside_is_refused(
    make_briefing: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_briefing()
    outside = tmp_path / "elsewhere"
    (root / "background").rename(outside)
    (root / "background").symlink_to(outside, target_is_directory=True)
    report = Report()
    raw = load_briefing_dir(root, report, base=root)
    assert render(report) == "background:1:1: error: expected a folder inside briefings/\n"
    assert raw.collections["background"] == []
    assert "background" in raw.unreadable


def test_document_mark_falls_back_to_the_nearest_ancestor() -> None:
    doc = Document(
        "x.yaml",
        "x",
        {},
        marks={(): Mark(1, 1), ("a",): Mark(2, 3), ("a", 0): Mark(3, 5)},
        key_marks={("a",): Mark(2, 1)},
    )
    assert doc.mark(("a", 0, "b", 1)) == Mark(3, 5)
    assert doc.mark(("a", 7)) == Mark(2, 3)
    assert doc.mark(("zzz",)) == Mark(1, 1)
    assert doc.mark(("a",), key=True) == Mark(2, 1)
    assert doc.mark(("a", 0, "b"), key=True) == Mark(3, 5)
    assert Document("y.yaml", "y", {}).mark(("a",)) == Mark(1, 1)


def test_a_named_pipe_is_refused_not_read(tmp_path: Path) -> None:
    root = write_briefing(tmp_path / "b")
    os.mkfifo(root / "developments" / "2024-12-07-pipe.yaml")
    briefing, report = load_dir(root)  # returns at once: a FIFO is never opened
    assert briefing is None
    lines = render(report).splitlines()
    assert [line for line in lines if "pipe" in line] == [
        "developments/2024-12-07-pipe.yaml:1:1: error: not a regular file; refused"
    ]
