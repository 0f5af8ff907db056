"""generator.diagnostics: the one error format, sorting, suggestions."""

from __future__ import annotations

import pytest

from generator.diagnostics import Diagnostic, Mark, Report, Severity, did_you_mean


def test_format() -> None:
    item = Diagnostic("developments/x.yaml", Mark(3, 9), Severity.ERROR, "status: bad")
    assert str(item) == "developments/x.yaml:3:9: error: status: bad"
    warning = Diagnostic("sources.yaml", Mark(), Severity.WARNING, "never cited")
    assert str(warning) == "sources.yaml:1:1: warning: never cited"


def test_a_diagnostic_is_always_one_line() -> None:
    item = Diagnostic("a\nb.yaml", Mark(1, 1), Severity.ERROR, "id: 'x\ny\r\tz\x00\x85\u2028' bad")
    assert str(item) == "a\\nb.yaml:1:1: error: id: 'x\\ny\\r\\tz\\x00\\x85\\u2028' bad"
    assert "é حلب" in str(Diagnostic("p", Mark(), Severity.ERROR, "é حلب"))


def test_report_sorts_by_path_line_column_and_drops_repeats() -> None:
    report = Report()
    report.error("b.yaml", Mark(1, 1), "b1")
    report.warning("a.yaml", Mark(10, 1), "a10")
    report.error("a.yaml", Mark(2, 5), "a2")
    report.error("a.yaml", Mark(2, 5), "a2")
    report.error("a.yaml", Mark(2, 1), "a2-first")
    assert [str(d) for d in report.sorted()] == [
        "a.yaml:2:1: error: a2-first",
        "a.yaml:2:5: error: a2",
        "a.yaml:10:1: warning: a10",
        "b.yaml:1:1: error: b1",
    ]
    assert [d.message for d in report.errors] == ["a2-first", "a2", "a2", "b1"]
    assert [d.message for d in report.warnings] == ["a10"]


def test_line_numbers_sort_as_numbers() -> None:
    report = Report()
    report.error("a.yaml", Mark(10, 1), "ten")
    report.error("a.yaml", Mark(9, 1), "nine")
    assert [d.message for d in report.sorted()] == ["nine", "ten"]


@pytest.mark.parametrize(
    ("word", "choices", "hint"),
    [
        ("sumary", ["summary", "sources"], " (did you mean 'summary'?)"),
        ("Monitor", ["monitor", "ngo"], " (did you mean 'monitor'?)"),
        ("VERY LIKELY", ["likely", "very likely"], " (did you mean 'very likely'?)"),
        ("zzz", ["summary"], ""),
        ("x", [], ""),
    ],
)
def test_did_you_mean(word: str, choices: list[str], hint: str) -> None:
    assert did_you_mean(word, choices) == hint
