"""generator.yamlread: YAML text → plain data, marks and problems."""

from __future__ import annotations

import time

import pytest

from generator.diagnostics import Mark
from generator.yamlread import MAX_DEPTH, MAX_VALUES, YamlProblem, parse_yaml


def fatal(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(text)
    return caught.value


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("no", "no"),
        ("NO", "NO"),
        ("yes", "yes"),
        ("on", "on"),
        ("true", "true"),
        ("0755", "0755"),
        ("0o17", "0o17"),
        ("0x1F", "0x1F"),
        ("1e3", "1e3"),
        ("1.10", "1.10"),
        ("1:30", "1:30"),
        (".nan", ".nan"),
        ("-.inf", "-.inf"),
        ("2024-12-06", "2024-12-06"),
        ("2024-12-06T10:00:00+02:00", "2024-12-06T10:00:00+02:00"),
        ("'null'", "null"),
        ('"~"', "~"),
        ("''", ""),
        ("=", "="),
    ],
)
def test_scalars_stay_the_text_typed(written: str, kept: str) -> None:
    assert parse_yaml(f"value: {written}\n").data == {"value": kept}


@pytest.mark.parametrize("written", ["", "~", "null", "Null", "NULL"])
def test_plain_nulls_become_none(written: str) -> None:
    assert parse_yaml(f"value: {written}\n").data == {"value": None}


def test_block_scalars_keep_their_text() -> None:
    parsed = parse_yaml("a: |\n  one\n  two\nb: >\n  one\n  two\n")
    assert parsed.data == {"a": "one\ntwo\n", "b": "one two\n"}


def test_marks_of_keys_and_values_are_one_based() -> None:
    text = "title: Homs\nkey_points:\n  - text: A claim.\n    sources: [sohr, dw]\n"
    parsed = parse_yaml(text)
    assert parsed.marks[()] == Mark(1, 1)
    assert parsed.marks[("title",)] == Mark(1, 8)
    assert parsed.key_marks[("title",)] == Mark(1, 1)
    assert parsed.marks[("key_points",)] == Mark(3, 3)
    assert parsed.marks[("key_points", 0)] == Mark(3, 5)
    assert parsed.key_marks[("key_points", 0, "sources")] == Mark(4, 5)
    assert parsed.marks[("key_points", 0, "sources", 1)] == Mark(4, 21)


def test_marks_count_characters_not_bytes() -> None:
    parsed = parse_yaml("name: حلب\nkind: city\n")
    assert parsed.data == {"name": "حلب", "kind": "city"}
    assert parsed.marks[("kind",)] == Mark(2, 7)
    parsed = parse_yaml("name: [حلب, Halab]\n")
    assert parsed.marks[("name", 1)] == Mark(1, 13)


def test_crlf_line_ends_give_the_same_data_and_marks() -> None:
    text = "title: Homs\nsummary: |\n  one\n  two\nsources: [sohr]\n"
    unix, windows = parse_yaml(text), parse_yaml(text.replace("\n", "\r\n"))
    assert windows.data == unix.data
    assert windows.marks == unix.marks


def test_duplicate_key_is_a_problem_and_the_first_value_stays() -> None:
    parsed = parse_yaml("title: one\nsummary: s\ntitle: two\n")
    assert parsed.data == {"title": "one", "summary": "s"}
    [problem] = parsed.problems
    assert problem.mark == Mark(3, 1)
    assert problem.message == (
        "duplicate key 'title' (first given at line 1); YAML would silently keep only the last one"
    )


def test_same_key_in_sibling_mappings_is_fine() -> None:
    parsed = parse_yaml("- id: a\n  name: A\n- id: b\n  name: B\n")
    assert parsed.problems == []
    assert parsed.data == [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]


@pytest.mark.parametrize(
    ("text", "mark", "message"),
    [
        ("? [a]\n: b\n", Mark(1, 3), "a key must be plain text, not a list or mapping"),
        ("? {a: 1}\n: b\n", Mark(1, 3), "a key must be plain text, not a list or mapping"),
        ("~: b\n", Mark(1, 1), "a key must be plain text, not empty or null"),
        ("? \n: b\n", Mark(1, 2), "a key must be plain text, not empty or null"),
    ],
)
def test_keys_must_be_text(text: str, mark: Mark, message: str) -> None:
    parsed = parse_yaml(text)
    assert [(p.mark, p.message) for p in parsed.problems] == [(mark, message)]
    assert parsed.data == {}


def test_custom_tags_are_problems_and_standard_tags_are_not() -> None:
    parsed = parse_yaml("a: !!python/object:os.system x\nb: !!str 1\nc: !local y\n")
    assert [(p.mark, p.message) for p in parsed.problems] == [
        (Mark(1, 4), "YAML tag '!!python/object:os.system' is not supported; remove it"),
        (Mark(3, 4), "YAML tag '!local' is not supported; remove it"),
    ]
    assert parsed.data == {"a": "x", "b": "1", "c": "y"}


def test_non_specific_tag_keeps_text() -> None:
    assert parse_yaml("a: ! 12\n").data == {"a": "12"}


def test_quoted_scalars_are_text_even_if_nullish() -> None:
    assert parse_yaml("a: 'null'\nb: \"\"\n").data == {"a": "null", "b": ""}


def test_second_document_stops_reading() -> None:
    problem = fatal("a: 1\n---\nb: 2\n")
    assert (problem.mark, problem.message) == (
        Mark(2, 1),
        "a second YAML document ('---') in one file; keep one per file",
    )


def test_one_explicit_document_is_fine() -> None:
    assert parse_yaml("---\na: 1\n...\n").data == {"a": "1"}


def test_aliases_share_values_and_keep_marks() -> None:
    parsed = parse_yaml("a: &x [1, 2]\nb: *x\n")
    assert parsed.data == {"a": ["1", "2"], "b": ["1", "2"]}
    assert parsed.marks[("b",)] == Mark(2, 4)


def test_undefined_alias() -> None:
    problem = fatal("a: *nowhere\n")
    assert (problem.mark, problem.message) == (
        Mark(1, 4),
        "alias '*nowhere' names no anchor defined before it",
    )


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 10) + "]")
    start = time.perf_counter()
    problem = fatal("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 0.5
    assert problem.message == (
        f"the file expands to more than {MAX_VALUES:,} values "
        "(aliases repeated inside aliases?); write the values out instead"
    )


def test_values_just_under_the_limit_load() -> None:
    text = "[" + ",".join(["x"] * (MAX_VALUES - 1)) + "]"
    assert len(parse_yaml(text).data) == MAX_VALUES - 1


def test_nesting_limit_is_exact() -> None:
    assert parse_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH).problems == []
    problem = fatal("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert (problem.mark, problem.message) == (
        Mark(1, MAX_DEPTH + 1),
        f"nesting is deeper than {MAX_DEPTH} levels; a briefing never needs that",
    )


@pytest.mark.parametrize(
    "text", ["a: " + "[" * 100_000, "a: " + "{" * 100_000, "- " * 100_000 + "x", "[" * 100_000]
)
def test_absurd_nesting_is_quick_and_does_not_crash(text: str) -> None:
    # The C composer would crash the process near 50,000 levels.
    start = time.perf_counter()
    problem = fatal(text)
    assert time.perf_counter() - start < 1
    assert problem.message == (
        f"nesting is deeper than {MAX_DEPTH} levels; a briefing never needs that"
    )


@pytest.mark.parametrize(
    ("text", "mark", "message"),
    [
        (
            "a: b\n\tc: d\n",
            Mark(2, 1),
            "YAML syntax: a tab character; YAML indents with spaces only",
        ),
        (
            'a: "open\n\nb: c\n',
            Mark(1, 4),
            "YAML syntax: a quoted text starts here but is never closed (the file ends first)",
        ),
        (
            "a: b\nc: 'it\n",
            Mark(2, 4),
            "YAML syntax: a quoted text starts here but is never closed (the file ends first)",
        ),
        (
            "a: [1, 2\nb: c\n",
            Mark(2, 2),
            "YAML syntax: did not find expected ',' or ']' "
            "(while parsing a flow sequence that starts at line 1, column 4)",
        ),
        (
            "a: b: c\n",
            Mark(1, 5),
            "YAML syntax: mapping values are not allowed in this context",
        ),
        (
            "a: x\u0007y\n",
            Mark(1, 5),
            "YAML syntax: character U+0007 is not allowed in YAML "
            "(a control or non-character code point); remove it",
        ),
        (
            "név: é\u0001\n",
            Mark(1, 7),
            "YAML syntax: character U+0001 is not allowed in YAML "
            "(a control or non-character code point); remove it",
        ),
        (
            "a: b\nc: \ufffe\n",
            Mark(2, 4),
            "YAML syntax: character U+FFFE is not allowed in YAML "
            "(a control or non-character code point); remove it",
        ),
    ],
)
def test_syntax_errors_are_one_line_with_a_position(text: str, mark: Mark, message: str) -> None:
    problem = fatal(text)
    assert (problem.mark, problem.message) == (mark, message)
    assert "\n" not in problem.message


def test_empty_document_is_none() -> None:
    assert parse_yaml("# only a comment\n").data is None
