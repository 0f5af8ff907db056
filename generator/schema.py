"""The typed model of the briefing format (``FORMAT.md``), one class per file kind.

The loader hands every scalar over as the text the person typed; these types
decide what it must be (a date, a number, an id) and say so in plain words when
it is not. Cross-references between files are checked in :mod:`.references`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .ids import ID_PATTERN, id_problem
from .links import bad_links
from .vocabulary import VOCABULARY

__all__ = [
    "ID_PATTERN",
    "Actor",
    "Assessment",
    "BriefingMeta",
    "CompetingClaim",
    "Development",
    "FigureValue",
    "Indicator",
    "KeyFigure",
    "KeyPoint",
    "MapSettings",
    "Moment",
    "Place",
    "Source",
    "SourceRef",
    "Topic",
    "Update",
    "Withdrawal",
    "check_id",
    "id_problem",
]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", re.ASCII)


def _fail(message: str, at: str | None = None) -> PydanticCustomError:
    """Our own error; ``at`` names the key to point at when a whole entry is at fault."""
    return PydanticCustomError("briefing", message, {"at": at} if at else None)


def check_id(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(f"expected an id (text such as 'hts'), found {_kind(value)}")
    problem = id_problem(value)
    if problem:
        raise _fail(problem)
    return value


# C0 controls other than tab and line breaks, DEL, C1 controls, and noncharacters:
# invisible, meaningless in text, and able to break the formats text lands in
# (YAML front matter, XML feeds).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(f"expected text, found {_kind(value)}")
    if not value.strip():
        raise _fail("must not be empty")
    bad = _CONTROL.search(value)
    if bad:
        raise _fail(
            f"contains the invisible control character U+{ord(bad.group()):04X} "
            f"(character {bad.start() + 1}); remove it"
        )
    return value


def _markdown(value: Any) -> str:
    text = _text(value)
    for target in bad_links(text):
        raise _fail(
            f"link to '{target[:60]}' is not allowed: links must be http, https, mailto or relative"
        )
    return text


def _url(value: Any) -> str:
    text = _text(value).strip()
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", text, re.IGNORECASE):
        raise _fail(f"'{text[:60]}' is not an http(s) URL (e.g. https://example.org/)")
    return text


def _moment(value: Any) -> date | datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise _fail("datetime has no UTC offset")
        return value
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise _fail(f"expected a date (YYYY-MM-DD) or datetime with offset, found {_kind(value)}")
    text = value.strip()
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise _fail(f"'{text}' is not a real date: {exc}") from None
    # Only the contract's form: Python alone would also read 20241206 and 2024-W49-5.
    try:
        moment = datetime.fromisoformat(text) if _DATETIME.match(text) else None
    except ValueError:
        moment = None
    if moment is None:
        raise _fail(
            f"'{text[:40]}' is not a date (YYYY-MM-DD) or a datetime with UTC offset "
            "(YYYY-MM-DDTHH:MM:SS+00:00)"
        )
    if moment.tzinfo is None:
        raise _fail(
            f"datetime '{text}' has no UTC offset; add one, e.g. '{text}+00:00' or '{text}Z'"
        )
    try:
        moment.astimezone(UTC)  # every comparison and sort goes through UTC
    except OverflowError:
        raise _fail(f"'{text}' is out of range: in UTC it is before year 1 or after 9999") from None
    return moment


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else f"'{value}'"


def _source_entry(value: Any) -> Any:
    return {"source": value} if isinstance(value, str) else value


_TEXT_SCHEMA = WithJsonSchema({"type": "string", "minLength": 1})
Text = Annotated[str, PlainValidator(_text), _TEXT_SCHEMA]
Markdown = Annotated[
    str,
    PlainValidator(_markdown),
    WithJsonSchema({"type": "string", "minLength": 1, "description": "Markdown"}),
]
Url = Annotated[str, PlainValidator(_url), WithJsonSchema({"type": "string", "format": "uri"})]
Id = Annotated[
    str,
    PlainValidator(check_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "maxLength": 80}),
]
Moment = Annotated[
    date | datetime,
    PlainValidator(_moment),
    # Without this, pydantic's union serializer warns on every dump to JSON.
    PlainSerializer(lambda moment: moment.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "description": "YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS+HH:MM"}),
]

# The closed lists of values come from the vocabulary, which also says what each
# means; mypy sees plain text, pydantic the exact choices.
if TYPE_CHECKING:
    SourceKind: TypeAlias = str
    ActorKind: TypeAlias = str
    PlaceKind: TypeAlias = str
    Status: TypeAlias = str
    Reliability: TypeAlias = str
    Confidence: TypeAlias = str
    Likelihood: TypeAlias = str
    DatePrecision: TypeAlias = str
    Verdict: TypeAlias = str
    IndicatorStatus: TypeAlias = str
else:
    SourceKind = Literal[VOCABULARY.source_kind.values]
    ActorKind = Literal[VOCABULARY.actor_kind.values]
    PlaceKind = Literal[VOCABULARY.place_kind.values]
    Status = Literal[VOCABULARY.status.values]
    Reliability = Literal[VOCABULARY.reliability.values]
    Confidence = Literal[VOCABULARY.confidence.values]
    Likelihood = Literal[VOCABULARY.likelihood.values]
    DatePrecision = Literal[VOCABULARY.date_precision.values]
    Verdict = Literal[VOCABULARY.verdict.values]
    IndicatorStatus = Literal[VOCABULARY.indicator_status.values]
Credibility = Annotated[int, Field(ge=min(VOCABULARY.credibility), le=max(VOCABULARY.credibility))]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Withdrawal(_Model):
    """A source discredited, or a report retracted: since when, and why."""

    at: Moment
    note: Markdown


class SourceRef(_Model):
    source: Id
    title: Text | None = None
    url: Url | None = None
    published: Moment | None = None
    retracted: Withdrawal | None = None  # the publisher withdrew or corrected this report


# An entry is an id or a mapping; the schema says both (and puts SourceRef in $defs).
SourceRefs = list[
    Annotated[SourceRef, BeforeValidator(_source_entry, json_schema_input_type=Id | SourceRef)]
]


class FigureValue(_Model):
    """An earlier value of a key figure (its ``history``)."""

    at: Moment
    value: Text
    note: Text | None = None
    sources: list[Id] = []


class KeyFigure(_Model):
    id: Id | None = None
    label: Text
    value: Text
    note: Text | None = None
    sources: Annotated[list[Id], Field(min_length=1)]
    as_of: Moment | None = None
    history: list[FigureValue] = []


Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]


class MapSettings(_Model):
    # west, south, east, north
    bounds: Annotated[
        list[Annotated[float, Field(allow_inf_nan=False)]], Field(min_length=4, max_length=4)
    ]

    @model_validator(mode="after")
    def _ordered(self) -> MapSettings:
        west, south, east, north = self.bounds
        for name, value, limit in (
            ("west", west, 180),
            ("south", south, 90),
            ("east", east, 180),
            ("north", north, 90),
        ):
            if abs(value) > limit:
                raise _fail(f"{name} ({value}) is out of range (±{limit})", at="bounds")
        if not west < east:
            raise _fail(f"west ({west}) must be less than east ({east})", at="bounds")
        if not south < north:
            raise _fail(f"south ({south}) must be less than north ({north})", at="bounds")
        return self


class BriefingMeta(_Model):
    title: Text
    subtitle: Text | None = None
    region: Text | None = None
    as_of: Moment
    summary: Markdown
    key_figures: list[KeyFigure] = []
    stale_after_days: Annotated[int, Field(ge=1)] = 7
    map: MapSettings | None = None


class Source(_Model):
    id: Id
    name: Text
    kind: SourceKind
    url: Url | None = None
    reliability: Reliability = "F"
    description: Markdown | None = None
    discredited: Withdrawal | None = None  # no longer trusted: claims citing it are flagged


class Actor(_Model):
    id: Id
    name: Text
    short: Text | None = None
    aliases: list[Text] = []
    kind: ActorKind
    side: Text | None = None
    summary: Markdown | None = None


class Place(_Model):
    id: Id
    name: Text
    aliases: list[Text] = []
    kind: PlaceKind
    lat: Latitude | None = None
    lon: Longitude | None = None
    within: Id | None = None
    description: Markdown | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> Place:
        if (self.lat is None) != (self.lon is None):
            missing, given = ("lon", "lat") if self.lon is None else ("lat", "lon")
            raise _fail(f"give both lat and lon, or neither: '{missing}' is missing", at=given)
        return self


class KeyPoint(_Model):
    text: Markdown
    sources: Annotated[list[Id], Field(min_length=1)]
    credibility: Credibility | None = None


class Assessment(_Model):
    text: Markdown
    confidence: Confidence
    likelihood: Likelihood | None = None


class CompetingClaim(_Model):
    """Who says what, when sources disagree."""

    claim: Markdown
    by: Annotated[list[Id], Field(min_length=1)]
    verdict: Verdict = "unverified"
    note: Markdown | None = None


class Update(_Model):
    at: Moment
    note: Text
    status: Status | None = None  # the status set at that moment


class Development(_Model):
    title: Text
    date: Moment
    date_precision: DatePrecision = "day"
    status: Status = "reported"
    places: list[Id] = []
    actors: list[Id] = []
    summary: Markdown
    key_points: list[KeyPoint] = []
    assessment: Assessment | None = None
    sources: Annotated[SourceRefs, Field(min_length=1)]
    competing_claims: list[CompetingClaim] = []
    related: list[Id] = []
    tags: list[Text] = []
    updates: list[Update] = []


class Topic(_Model):
    title: Text
    order: int | None = None
    summary: Markdown
    body: Markdown | None = None
    actors: list[Id] = []
    places: list[Id] = []
    sources: SourceRefs = []


class Indicator(_Model):
    """A sign to watch for (indicators.yaml), and whether it has been seen."""

    id: Id
    text: Markdown
    status: IndicatorStatus
    developments: list[Id] = []
    note: Markdown | None = None
    updated: Moment | None = None
