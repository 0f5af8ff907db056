"""Pydantic's validation errors → diagnostics a person editing YAML understands.

Each error's ``loc`` is a path into the document; the loader kept the line and
column of every key and value under that path, so the message lands on the
offending key (unknown field), value (wrong value) or mapping (missing field).
The YAML syntax errors that confuse people get a hint (:func:`syntax_hint`), and
a value off a numbered scale is told the scale.
"""

from __future__ import annotations

import json
import re
import typing
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .diagnostics import Mark, Report, did_you_mean
from .vocabulary import VOCABULARY, Scale

if TYPE_CHECKING:
    from .loader import Document

__all__ = ["counted", "report_validation_error", "syntax_hint"]

# Fields whose value is a number on a scale: a wrong value is told the whole scale.
_NUMBERED_SCALES: dict[str, Scale[int]] = {"credibility": VOCABULARY.credibility}
_NUMBER_ERRORS = frozenset(
    {"int_parsing", "int_from_float", "int_type", "greater_than_equal", "less_than_equal"}
)


def counted(count: int, noun: str) -> str:
    """``1 topic``, ``2 topics``: a count with its noun (regular plurals only)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# `key: value` on one line, after any indentation and list dash; the value up to a comment.
_KEY_VALUE = re.compile(r"^(?P<lead>\s*(?:-\s+)*)(?P<key>[\w-]+):\s+(?P<value>.*?)(?:\s+#.*)?$")


def syntax_hint(message: str, text: str, mark: Mark) -> str:
    """A hint to add to a YAML syntax error, or ''.

    PyYAML's "mapping values are not allowed here" mostly means an unquoted value
    holding ': ' (``title: Rebels: advance``): say to quote it, with the line fixed.
    """
    if "mapping values are not allowed" not in message:
        return ""
    lines = text.splitlines()
    if not 1 <= mark.line <= len(lines):
        return ""
    found = _KEY_VALUE.match(lines[mark.line - 1])
    if found is None or mark.column <= found.start("value"):
        return ""  # the ': ' is not inside a value on this line
    value = found.group("value")
    if len(value) > 60:
        quoted = '"…"'
    elif '"' in value and "'" not in value:
        quoted = f"'{value}'"
    else:
        quoted = json.dumps(value, ensure_ascii=False)
    return f"; a value holding ': ' must be in quotes: {found.group('key')}: {quoted}"


def _scale_message(name: str, value: Any, scale: Scale[int]) -> str:
    first, last = min(scale), max(scale)
    meanings = ", ".join(f"{number} {meaning}" for number, meaning in scale.items())
    confused = ""
    if isinstance(value, str) and value.strip().lower() in VOCABULARY.confidence.values:
        confused = f"; '{value.strip()}' is a word of confidence, for assessments"
    return (
        f"{name}: {_shown(value)} is not on the scale: use a whole number from {first} to "
        f"{last} ({meanings}){confused}"
    )

Loc = tuple[str | int, ...]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every BaseModel class reachable inside an annotation (Optional, list, Annotated…)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class describing the mapping at ``loc`` (None if not a model)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        models = _models_in(field.annotation)
        current = models[0] if models else None
    return current


def _literal_choices(model: type[BaseModel] | None, name: str) -> list[str]:
    if model is None or name not in model.model_fields:
        return []
    annotation = model.model_fields[name].annotation

    def walk(a: Any) -> list[str]:
        if typing.get_origin(a) is typing.Literal:
            return [str(x) for x in typing.get_args(a)]
        out: list[str] = []
        for arg in typing.get_args(a):
            out.extend(walk(arg))
        return out

    return walk(annotation)


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = str(value)
    return f"'{text[:57]}…'" if len(text) > 60 else f"'{text}'"


def _field_name(loc: Loc) -> str:
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return "entry"


def _message(error: ErrorDetails, model: type[BaseModel], loc: Loc) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = _field_name(loc)
    if name in _NUMBERED_SCALES and kind in _NUMBER_ERRORS:
        return _scale_message(name, value, _NUMBERED_SCALES[name])
    if kind == "briefing":
        return f"{name}: {error['msg']}" if loc else str(error["msg"])
    if kind == "missing":
        return f"missing required field '{name}'"
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        known = list(parent.model_fields) if parent else []
        return f"unknown field '{name}'{did_you_mean(str(name), known)}"
    if kind == "literal_error":
        choices = _literal_choices(_model_at(model, loc[:-1]), str(name))
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        return (
            f"{name}: {_shown(value)} is not one of: {', '.join(choices)}{hint}"
            if choices
            else f"{name}: {_shown(value)} is not allowed"
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{name}: expected a mapping of fields, found {_shown(value)}"
    if kind == "list_type":
        return f"{name}: expected a list, found {_shown(value)}"
    if kind == "int_parsing" or kind == "int_from_float" or kind == "int_type":
        return f"{name}: expected a whole number, found {_shown(value)}"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"{name}: expected a number, found {_shown(value)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        word = "at least" if kind == "greater_than_equal" else "at most"
        return f"{name}: {_shown(value)} must be {word} {bound}"
    if kind in ("too_short", "too_long"):
        count = ctx.get("min_length" if kind == "too_short" else "max_length", 1)
        word = "at least" if kind == "too_short" else "at most"
        return f"{name}: needs {word} {count} {'entry' if count == 1 else 'entries'}"
    message = str(error["msg"])
    return f"{name}: {message[0].lower()}{message[1:]}"


def _where_loc(error: ErrorDetails) -> Loc:
    """Drop pydantic's internal location parts (union branches, validator names)."""
    loc: list[str | int] = []
    for part in error["loc"]:
        if isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue
        loc.append(part)
    return tuple(loc)


def report_validation_error(
    exc: ValidationError,
    doc: Document,
    model: type[BaseModel],
    report: Report,
    prefix: Loc = (),
) -> None:
    """Translate every error of ``exc`` (validating ``doc.data`` at ``prefix``) to ``report``."""
    for error in exc.errors(include_url=False):
        loc = _where_loc(error)
        kind = error["type"]
        full = (*prefix, *loc)
        at = (error.get("ctx") or {}).get("at")
        if kind == "missing":
            mark = doc.mark(full[:-1])
        elif at:  # an entry-wide rule that names the key it is about
            mark = doc.mark((*full, at), key=True)
        elif kind == "extra_forbidden":
            mark = doc.mark(full, key=True)
        else:
            mark = doc.mark(full)
        report.error(doc.path, mark, _message(error, model, loc))
