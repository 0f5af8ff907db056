"""`briefing new`: write a skeleton development or topic. Only ever creates new files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from .ids import id_problem, slugify
from .vocabulary import VOCABULARY

__all__ = ["ScaffoldError", "new_development", "new_topic", "slugify"]


class ScaffoldError(Exception):
    """Why a skeleton was not written."""


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: the title stays text.
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def _one_of(values: tuple[str, ...]) -> str:
    """A closed list's values for a comment: a, b or c."""
    return ", ".join(values[:-1]) + " or " + values[-1]


def _write_new(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
    except FileExistsError:
        raise ScaffoldError(f"{path.as_posix()} already exists; nothing was written") from None
    return path


def _ident(title: str, prefix: str, ident: str | None) -> str:
    if ident is None:
        slug = slugify(title, 80 - len(prefix))
        if not slug:
            raise ScaffoldError(
                "cannot make an id from this title (no Latin letters or digits); give --id"
            )
        ident = prefix + slug
    problem = id_problem(ident)
    if problem:
        raise ScaffoldError(problem)
    return ident


DEVELOPMENT = """\
# New development. Fill in every TODO, then run `briefing validate`.
title: {title}
date: {date}
# date_precision: day  # {precisions}
status: reported  # {statuses}
places: []  # place ids from places.yaml
actors: []  # actor ids from actors.yaml
summary: |
  TODO: what happened, in two or three sentences.
key_points:
  - text: TODO one claim, in your own words.
    sources: []  # source ids from sources.yaml; at least one
sources: []  # source ids behind this development; at least one
# Or list the reports in full (then write `sources:` without `[]`), and mark
# a report `retracted` once its publisher withdraws or corrects it:
#   - source: sohr
#     title: TODO the report's title
#     published: {date}
#     retracted:
#       at: {date}
#       note: TODO what was withdrawn or corrected, and who says so.
# When sources disagree, give each version with the sources that make it:
# competing_claims:
#   - claim: TODO what these sources say.
#     by: []  # source ids; at least one
#     verdict: unverified  # {verdicts}
#     note: TODO why this verdict, or what would settle it.
"""

TOPIC = """\
# New background topic. Fill in every TODO, then run `briefing validate`.
title: {title}
summary: |
  TODO: the topic in two or three sentences.
body: |
  TODO: the longer explanation (Markdown).
actors: []
places: []
sources: []
"""


def new_development(
    root: Path, title: str, day: date, ident: str | None = None
) -> tuple[Path, list[str]]:
    ident = _ident(title, f"{day.isoformat()}-", ident)
    path = root / "developments" / f"{ident}.yaml"
    text = DEVELOPMENT.format(
        title=_quoted(title),
        date=day.isoformat(),
        precisions=_one_of(VOCABULARY.date_precision.values),
        statuses=_one_of(VOCABULARY.status.values),
        verdicts=_one_of(VOCABULARY.verdict.values),
    )
    _write_new(path, text)
    return path, ["summary", "key_points (text and sources)", "sources", "places", "actors"]


def new_topic(root: Path, title: str, ident: str | None = None) -> tuple[Path, list[str]]:
    ident = _ident(title, "", ident)
    path = root / "background" / f"{ident}.yaml"
    _write_new(path, TOPIC.format(title=_quoted(title)))
    return path, ["summary", "body", "actors", "places", "sources"]
