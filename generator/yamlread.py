"""Turn one YAML text into plain data with the line and column of every key and value.

PyYAML's C parser (``CSafeLoader``) produces the event stream; this module builds
the data from the events itself, in one pass, so that it can:

* keep every scalar as the text the person typed (no YAML 1.1 guessing: ``no``
  stays ``"no"``, ``0755`` stays ``"0755"``, ``2024-12-06`` stays a string and
  the schema decides what it must be); plain ``null``/``~``/empty become None;
* refuse duplicate keys, non-text keys, custom tags and multiple documents;
* refuse nesting deeper than :data:`MAX_DEPTH`, as the events arrive, before
  anything recursive (the validator, the renderer) walks the data;
* count what aliases would expand to, so an alias bomb is refused in
  microseconds instead of being walked by the validator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Mark

__all__ = ["MAX_DEPTH", "MAX_VALUES", "Parsed", "YamlProblem", "parse_yaml"]

MAX_DEPTH = 40
MAX_VALUES = 200_000
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")
)

_TOO_DEEP = f"nesting is deeper than {MAX_DEPTH} levels; a briefing never needs that"

Path = tuple[str | int, ...]


class YamlProblem(Exception):
    """A problem that stops the reading of one file."""

    def __init__(self, mark: Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


@dataclass
class Parsed:
    data: Any
    marks: dict[Path, Mark] = field(default_factory=dict)
    key_marks: dict[Path, Mark] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: Path
    anchor: str | None
    mark: Mark
    size: int = 1
    key: str | None = None
    key_valid: bool = False
    expecting_key: bool = True


def _mark(event: Any) -> Mark:
    return Mark(event.start_mark.line + 1, event.start_mark.column + 1)


def _reader_problem(exc: yaml.reader.ReaderError, text: str) -> YamlProblem:
    # libyaml reports a byte offset into the UTF-8 text, and no line or column.
    before = text.encode("utf-8")[: max(exc.position, 0)].decode("utf-8", "replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return YamlProblem(
        Mark(line, column),
        f"YAML syntax: character U+{char:04X} is not allowed in YAML (a control or "
        "non-character code point); remove it",
    )


def _syntax_problem(exc: yaml.YAMLError, text: str) -> YamlProblem:
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_problem(exc, text)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = Mark(mark.line + 1, mark.column + 1) if mark is not None else Mark()
    problem = getattr(exc, "problem", None) or str(exc)
    if "maximum nesting depth" in problem:  # libyaml's own limit, met while scanning ahead
        return YamlProblem(where, _TOO_DEEP)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return YamlProblem(where, "YAML syntax: a tab character; YAML indents with spaces only")
    if context and context_mark is not None and "end of stream" in problem:
        # The end of the file says nothing useful; point at what was left open.
        thing = context.removeprefix("while scanning ").removeprefix("while parsing ")
        thing = thing.replace(" scalar", " text")
        return YamlProblem(
            Mark(context_mark.line + 1, context_mark.column + 1),
            f"YAML syntax: {thing} starts here but is never closed (the file ends first)",
        )
    if context and context_mark is not None and context_mark.line + 1 != where.line:
        problem = (
            f"{problem} ({context} that starts at line {context_mark.line + 1}, "
            f"column {context_mark.column + 1})"
        )
    elif context:
        problem = f"{problem} ({context})"
    return YamlProblem(where, f"YAML syntax: {problem}")


class _Builder:
    def __init__(self) -> None:
        self.result = Parsed(data=None)
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.values = 0
        self.root_set = False

    # -- where the next value goes -------------------------------------------------
    def _child_path(self) -> Path | None:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        if top.expecting_key:
            return None
        return (*top.path, top.key) if top.key_valid and top.key is not None else None

    def _count(self, amount: int, mark: Mark) -> None:
        self.values += amount
        if self.values > MAX_VALUES:
            raise YamlProblem(
                mark,
                f"the file expands to more than {MAX_VALUES:,} values "
                "(aliases repeated inside aliases?); write the values out instead",
            )

    def _deliver(self, value: Any, size: int, mark: Mark) -> None:
        if not self.stack:
            self.result.data = value
            self.root_set = True
            return
        top = self.stack[-1]
        top.size += size
        if isinstance(top.container, list):
            top.container.append(value)
            return
        if top.expecting_key:
            top.expecting_key = False
            top.key_valid = False
            if not isinstance(value, str):
                shown = "empty or null" if value is None else "a list or mapping"
                self.result.problems.append(
                    YamlProblem(mark, f"a key must be plain text, not {shown}")
                )
                return
            key_path = (*top.path, value)
            if value in top.container or key_path in self.result.key_marks:
                first = self.result.key_marks.get(key_path, mark)
                self.result.problems.append(
                    YamlProblem(
                        mark,
                        f"duplicate key '{value}' (first given at line {first.line}); "
                        "YAML would silently keep only the last one",
                    )
                )
                return
            top.key, top.key_valid = value, True
            self.result.key_marks[key_path] = mark
            return
        top.expecting_key = True
        if top.key_valid and top.key is not None:
            assert isinstance(top.container, dict)
            top.container[top.key] = value

    # -- events --------------------------------------------------------------------
    def _check_tag(self, event: Any) -> None:
        tag = getattr(event, "tag", None)
        if tag and tag != "!" and tag not in _ALLOWED_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.result.problems.append(
                YamlProblem(_mark(event), f"YAML tag '{shown}' is not supported; remove it")
            )

    def scalar(self, event: Any) -> None:
        mark = _mark(event)
        self._check_tag(event)
        self._count(1, mark)
        plain = not event.style and event.implicit[0]
        value = None if plain and event.value in _NULLS else event.value
        path = self._child_path()
        if path is not None:
            self.result.marks[path] = mark
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        self._deliver(value, 1, mark)

    def alias(self, event: Any) -> None:
        mark = _mark(event)
        if event.anchor not in self.anchors:
            raise YamlProblem(mark, f"alias '*{event.anchor}' names no anchor defined before it")
        value, size = self.anchors[event.anchor]
        self._count(size, mark)
        path = self._child_path()
        if path is not None:
            self.result.marks[path] = mark
        self._deliver(value, size, mark)

    def start(self, event: Any, container: dict[str, Any] | list[Any]) -> None:
        mark = _mark(event)
        self._check_tag(event)
        self._count(1, mark)
        if len(self.stack) >= MAX_DEPTH:
            raise YamlProblem(mark, _TOO_DEEP)
        path = self._child_path()
        if path is not None:
            self.result.marks[path] = mark
        frame_path = path if path is not None else ("?",)
        self.stack.append(_Frame(container, frame_path, event.anchor, mark))

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.container, frame.size)
        self._deliver(frame.container, frame.size, frame.mark)


def parse_yaml(text: str) -> Parsed:
    """Parse one YAML document. Raises :class:`YamlProblem` for what stops reading;
    collects the rest in ``Parsed.problems``."""
    builder = _Builder()
    documents = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                builder.scalar(event)
            elif kind is yaml.MappingStartEvent:
                builder.start(event, {})
            elif kind is yaml.SequenceStartEvent:
                builder.start(event, [])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                builder.end()
            elif kind is yaml.AliasEvent:
                builder.alias(event)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlProblem(
                        _mark(event),
                        "a second YAML document ('---') in one file; keep one per file",
                    )
    except yaml.YAMLError as exc:
        raise _syntax_problem(exc, text) from exc
    return builder.result
