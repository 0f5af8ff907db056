"""Diagnostics: the one error type of the project and how problems are reported.

Every problem a user can cause is a :class:`Diagnostic` with a project-relative
path, a 1-based line and column, a severity and a message. Every stage adds
what it finds to one :class:`Report`; the caller (the CLI, the MkDocs plugin)
prints all of it and stops once, so a person learns of every mistake in one run.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Diagnostic",
    "Mark",
    "Report",
    "Severity",
    "did_you_mean",
]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Mark:
    """A 1-based position in a file."""

    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Diagnostic:
    path: str
    mark: Mark
    severity: Severity
    message: str

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.mark.line, self.mark.column, self.message)

    def __str__(self) -> str:
        return (
            f"{_one_line(self.path)}:{self.mark.line}:{self.mark.column}: "
            f"{self.severity.value}: {_one_line(self.message)}"
        )


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Invisible format characters (zero-width spaces and joiners, bidi overrides, BOM):
# printed raw they hide the difference between two ids or reverse the line.
_INVISIBLE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def _one_line(text: str) -> str:
    """Control and invisible characters as escapes: one diagnostic, one readable line."""
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@dataclass
class Report:
    """Collects diagnostics of one run; sorted by file and line when read."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, mark: Mark, message: str) -> None:
        self.items.append(Diagnostic(path, mark, Severity.ERROR, message))

    def warning(self, path: str, mark: Mark, message: str) -> None:
        self.items.append(Diagnostic(path, mark, Severity.WARNING, message))

    @property
    def errors(self) -> list[Diagnostic]:
        return sorted(
            (d for d in self.items if d.severity is Severity.ERROR), key=Diagnostic.sort_key
        )

    @property
    def warnings(self) -> list[Diagnostic]:
        return sorted(
            (d for d in self.items if d.severity is Severity.WARNING), key=Diagnostic.sort_key
        )

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items), key=Diagnostic.sort_key)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    options = list(choices)
    if not options:
        return ""
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return f" (did you mean '{lowered[word.lower()]}'?)"
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
