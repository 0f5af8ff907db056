"""`briefing new`: a skeleton development or topic; `briefing init`: a whole small
briefing to start from. Only ever creates new files."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path

from .ids import id_problem, slugify
from .urls import page_url
from .vocabulary import VOCABULARY, Scale

__all__ = ["ScaffoldError", "init_briefing", "new_development", "new_topic", "slugify"]


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


# ---------------------------------------------------------------- `briefing init`

# A whole briefing that validates with no warning (so `make build`, which is
# strict, works at once) and builds: every value a placeholder that says so,
# every comment teaching the field beside it. No `TODO`: that is `briefing new`'s
# reminder, a warning, which would stop a strict build.

BRIEFING = """\
# The briefing as a whole. `briefing init` wrote this folder to start from:
# every value in it is a placeholder to replace with your own, file by file.
# FORMAT.md describes every field; `briefing validate` checks your edits, and
# `make serve` shows the site as you save.
#
# YAML: `field: value`; lists as `[a, b]` or one `- item` a line; indent with
# spaces. Quote a value that contains ": " or " #", as the title here is.

title: "Example briefing: replace with your briefing's name"
# subtitle: One line shown under the title.
# region: The area covered, shown next to the as-of time.

# The moment the briefing reflects: a date, YYYY-MM-DD, or a date and time with
# its offset from UTC, e.g. {day}T09:30+02:00. A development dated later is
# warned about.
as_of: {day}

# The bottom line up front: what a reader must know in 30 seconds. Markdown:
# **bold**, *italics*, [a link](https://example.org/). `>` joins the lines below
# into one paragraph; `|` would keep the line breaks.
summary: >
  Replace this with the bottom line of your briefing. It opens the overview,
  so say first what matters most.

# Headline numbers and facts, shown as a table on the overview. Each rests on
# at least one source (ids from sources.yaml).
key_figures:
  - label: Example figure (replace)
    value: about 1,000
    note: What the figure counts. Plain text.
    sources: [example-agency]
    as_of: {day}  # when this value was true

# Optional. After how many days without an update a development still
# "reported" or "claimed" is marked as not updated (default 7):
# stale_after_days: 7
# The area the maps show, in decimal degrees: west, south, east, north. Without
# it the maps show every place with coordinates (lat, lon in places.yaml).
# map:
#   bounds: [21.8, 8.6, 38.6, 22.2]
"""

SOURCES = """\
# The sources you cite, one entry each. Developments, key points and key
# figures cite a source by its id; a source nothing cites is warned about.
# Replace these two with your own.
#
# id: lowercase letters, digits and single hyphens (e.g. un-ocha); the same
#   rule holds for the ids of actors, places and developments.
# kind: {kinds}
# reliability: how far the source can be trusted in general, on the Admiralty
#   scale (default F); a claim gets its own credibility, in the development:
{reliability}

- id: example-agency
  name: Example News Agency (replace with a source you cite)
  kind: news-agency
  reliability: B
  # url: https://www.example.org/   # its home page, linked from the source list
  description: >
    Who they are, their known biases, how to read them. Markdown.

- id: example-monitor
  name: Example Monitoring Group (replace)
  kind: monitor
  reliability: C
"""

ACTORS = """\
# The people, forces, states and groups taking part, one entry each. Each gets
# a profile page listing every development that names it.
#
# kind: {kinds}
# short: an abbreviation shown after the name. side: whose side it is on, in
#   your words. aliases: other names and spellings, in any script (searchable).

- id: example-government
  name: Government of Example (replace)
  kind: state
  side: government
  summary: The profile text, in Markdown. Replace with who they are and what they want.

- id: example-armed-group
  name: Example Armed Group (replace)
  short: EAG
  aliases: [Example Group]
  kind: armed-group
  side: opposition
"""

PLACES = """\
# The places of the briefing, one entry each. Each gets a page listing every
# development that names it; places with coordinates are drawn on the maps.
#
# kind: {kinds}
# within: the id of the larger place it lies in.
# lat, lon: decimal degrees (WGS 84, as on most maps and GPS), east positive;
#   give both or neither.

- id: example-country
  name: Example Country (replace)
  kind: country

- id: example-city
  name: Example City (replace)
  aliases: [Exampleville]
  kind: city
  within: example-country
  # lat: 15.5
  # lon: 32.5
  description: Shown on the place's page, in Markdown.
"""

EXAMPLE_DEVELOPMENT = """\
# One development: something that happened, or was reported to have happened.
# The file name is its id and its address (/{address}), starting with its
# date. `briefing new development "Title"` writes the next one.

title: Example development (replace with a one-line headline)
date: {day}  # when it happened or was first reported
# date_precision: day  # how exactly the date is known: {precisions}
# status: how well established it is (default reported):
{statuses}
status: reported
places: [example-city]  # place ids from places.yaml
actors: [example-armed-group, example-government]  # actor ids from actors.yaml
summary: |
  What happened, in a few sentences of Markdown. Replace this text.

# The claims, one by one, each with the sources that make it. credibility
# (optional) rates the claim itself:
{credibility}
key_points:
  - text: One claim in your own words, made by both example sources.
    sources: [example-agency, example-monitor]
    credibility: 2
  - text: Another claim, from one source only (`briefing audit` lists such claims).
    sources: [example-monitor]
    credibility: 3

# Your judgement, kept apart from the reporting (optional). confidence: how
# solid the evidence and reasoning are:
{confidences}
# likelihood (optional), for a forecast, from least to most likely:
{likelihoods}
assessment:
  text: What you make of it, and why. Replace this text.
  confidence: moderate
  likelihood: likely

# The reports behind this development: source ids, or a report in full:
#   - source: example-agency
#     title: The report's title
#     url: https://www.example.org/report
#     published: {day}
sources: [example-agency, example-monitor]
tags: [example]  # free keywords
# What changed in this entry and when, newest first:
updates:
  - at: {day}
    note: Entry created.
"""

EXAMPLE_TOPIC = """\
# A background topic: context that does not change from day to day. The file
# name is its id and its address (/{address}). `briefing new topic
# "Title"` writes the next one.

title: Example background topic (replace)
order: 1  # position among the topics, smallest first (optional)
summary: >
  The topic in a few sentences; the background list shows its opening words.
body: |
  The longer explanation, in Markdown: paragraphs, lists, **bold**, links.

  Replace this text with the history and context a reader needs.
actors: [example-armed-group]
places: [example-country]
sources: [example-agency]
"""

INDICATORS = """\
# The watch list (optional): the signs that would mark the next turn of events,
# and whether each has been seen; the site shows it at /indicators/. `[]` means
# none yet. To start the list, replace the `[]` line with the example below,
# without the `# ` in front of each line.
#
# status: {statuses}
[]
# - id: example-sign
#   text: The sign to watch for, written as the event itself.
#   status: not-observed
#   developments: [{development}]  # the evidence so far
#   note: Why this status, and who reports what.
#   updated: {day}
"""


def _listed(values: tuple[str, ...], indent: str = "#   ") -> str:
    """A closed list of values for a comment, wrapped."""
    lines = textwrap.wrap(_one_of(values), width=78 - len(indent))
    return "\n".join(lines[:1] + [indent + line for line in lines[1:]])


def _meanings(scale: Scale[str] | Scale[int]) -> str:
    """A scale for a comment: one value and its meaning a line."""
    width = max(len(str(value)) for value in scale)
    return "\n".join(f"#   {value!s:{width}}  {meaning}" for value, meaning in scale.items())


def init_briefing(root: Path, day: date) -> list[Path]:
    """Write a small example briefing into ``root``, a new or empty folder; returns
    the files written. Raises :class:`ScaffoldError`, having written nothing, when
    ``root`` is a file or holds anything."""
    if root.is_file() or root.is_symlink() and not root.is_dir():
        raise ScaffoldError(f"{root.as_posix()} is a file; nothing was written")
    if root.is_dir() and any(root.iterdir()):
        raise ScaffoldError(
            f"{root.as_posix()} already holds files; `briefing init` writes only into a new "
            "or empty folder (give one, e.g. `briefing init my-briefing`); nothing was written"
        )
    v = VOCABULARY
    development = f"{day.isoformat()}-example-development"
    files = {
        "briefing.yaml": BRIEFING.format(day=day.isoformat()),
        "sources.yaml": SOURCES.format(
            kinds=_listed(v.source_kind.values), reliability=_meanings(v.reliability)
        ),
        "actors.yaml": ACTORS.format(kinds=_listed(v.actor_kind.values)),
        "places.yaml": PLACES.format(kinds=_listed(v.place_kind.values)),
        "indicators.yaml": INDICATORS.format(
            statuses=_listed(v.indicator_status.values), development=development,
            day=day.isoformat(),
        ),  # fmt: skip
        f"developments/{development}.yaml": EXAMPLE_DEVELOPMENT.format(
            day=day.isoformat(),
            precisions=_one_of(v.date_precision.values),
            statuses=_meanings(v.status),
            credibility=_meanings(v.credibility),
            confidences=_meanings(v.confidence),
            likelihoods=_meanings(v.likelihood),
            address=page_url("development", "<id>"),
        ),
        "background/example-topic.yaml": EXAMPLE_TOPIC.format(address=page_url("topic", "<id>")),
    }
    return [_write_new(root / name, text) for name, text in files.items()]
