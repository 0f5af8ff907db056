"""FORMAT.md, the users' reference of the briefing format, keeps in step with the schema.

The models are found by walking ``generator.schema``'s file models and the
annotations of their fields, so a new field, a new nested model or a new value
of a closed list fails here until FORMAT.md documents it.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from generator import schema

ROOT = Path(__file__).resolve().parent.parent
FORMAT = ROOT / "FORMAT.md"

# The models of whole files; nested models are found from their fields.
FILE_MODELS: tuple[type[BaseModel], ...] = (
    schema.BriefingMeta,
    schema.Source,
    schema.Actor,
    schema.Place,
    schema.Development,
    schema.Topic,
    schema.Indicator,
)
# Model → the heading (backticks left out) of its section in FORMAT.md.
SECTIONS = {
    "BriefingMeta": "briefing.yaml",
    "Source": "sources.yaml",
    "Actor": "actors.yaml",
    "Place": "places.yaml",
    "Development": "developments/<id>.yaml",
    "Topic": "background/<id>.yaml",
    "KeyFigure": "Key figure",
    "KeyPoint": "Key point",
    "Assessment": "Assessment",
    "SourceRef": "Source reference",
    "Update": "Update",
    "MapSettings": "Map settings",
    "FigureValue": "Earlier value",
    "Withdrawal": "Withdrawal",
    "CompetingClaim": "Competing claim",
    "Indicator": "indicators.yaml",
}
COLUMNS = ["field", "type", "required", "default", "meaning"]
NOTHING = {"none", "empty", "—", "-", "[]"}  # how "no value" / "empty list" may be written
ROW = "| `{name}` | type | {required} | default | meaning |"


# -- FORMAT.md ---------------------------------------------------------------------


@dataclass
class Section:
    heading: str  # as written, e.g. "`briefing.yaml`"
    lines: list[str] = field(default_factory=list)  # up to the next heading, code included
    examples: list[str] = field(default_factory=list)  # ```yaml blocks

    @property
    def title(self) -> str:
        return self.heading.replace("`", "").strip()

    @property
    def anchor(self) -> str:
        """The fragment GitHub gives the heading: lowercase, punctuation dropped."""
        return re.sub(r"[^\w\- ]", "", self.heading.strip().lower()).replace(" ", "-")

    def tables(self) -> list[list[list[str]]]:
        """Each table as rows of cells, header first, the |---| line left out."""
        found: list[list[list[str]]] = []
        current: list[list[str]] | None = None
        fenced = False
        for line in self.lines:
            if line.startswith(("```", "~~~")):
                fenced = not fenced
            if fenced or not line.startswith("|"):
                current = None
                continue
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if all(re.fullmatch(r":?-+:?", c) for c in cells):
                continue
            if current is None:
                current = []
                found.append(current)
            current.append(cells)
        return found

    def first_column(self) -> list[str]:
        """Every value in the first column of every table, backticks left out."""
        return [row[0].strip("`") for table in self.tables() for row in table[1:] if row]


def parse(text: str) -> list[Section]:
    sections = [Section("(before the first heading)")]
    fenced = False
    example: list[str] | None = None
    for line in text.splitlines():
        if line.startswith(("```", "~~~")):
            fenced = not fenced
            if fenced and line.strip() in ("```yaml", "~~~yaml"):
                example = []
            elif not fenced and example is not None:
                sections[-1].examples.append("\n".join(example))
                example = None
        elif example is not None:
            example.append(line)
        heading = None if fenced else re.match(r"(#{1,6})\s+(.+?)\s*#*\s*$", line)
        if heading:
            sections.append(Section(heading.group(2)))
        else:
            sections[-1].lines.append(line)
    return sections


@pytest.fixture(scope="module")
def text() -> str:
    assert FORMAT.is_file(), "FORMAT.md is missing at the repository root"
    return FORMAT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sections(text: str) -> list[Section]:
    return parse(text)


def section_titled(sections: list[Section], title: str) -> Section:
    matches = [s for s in sections if s.title == title]
    assert len(matches) == 1, (
        f"FORMAT.md should have exactly one section headed '{title}', found {len(matches)}"
    )
    return matches[0]


def field_table(section: Section) -> dict[str, list[str]]:
    """The section's field table: {field name: its cells}."""
    tables = [t for t in section.tables() if [c.lower() for c in t[0]] == COLUMNS]
    assert len(tables) == 1, (
        f"section '{section.title}' of FORMAT.md needs exactly one table with the columns "
        f"| {' | '.join(COLUMNS)} |, found {len(tables)}"
    )
    rows: dict[str, list[str]] = {}
    for cells in tables[0][1:]:
        name = re.fullmatch(r"`([^`]+)`", cells[0])
        assert name, f"section '{section.title}': first cell {cells[0]!r} should be `field`"
        assert len(cells) == len(COLUMNS), (
            f"section '{section.title}': the row of `{name.group(1)}` has {len(cells)} cells, "
            f"not {len(COLUMNS)} (a '|' inside a cell must be written '\\|')"
        )
        assert name.group(1) not in rows, f"section '{section.title}': `{name.group(1)}` twice"
        rows[name.group(1)] = cells
    return rows


# -- the schema --------------------------------------------------------------------


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every model class inside an annotation (through Optional, list, Annotated…)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in models_in(arg)]


def all_models() -> dict[str, tuple[type[BaseModel], str]]:
    """{name: (model, where it was reached from)} for the file models and all they nest."""
    found: dict[str, tuple[type[BaseModel], str]] = {}
    todo: list[tuple[type[BaseModel], str]] = [(m, "a file model") for m in FILE_MODELS]
    while todo:
        model, via = todo.pop(0)
        if model.__name__ in found:
            continue
        found[model.__name__] = (model, via)
        for name, info in model.model_fields.items():
            todo += [(m, f"{model.__name__}.{name}") for m in models_in(info.annotation)]
    return found


MODELS = all_models()


def literal_values(annotation: Any) -> list[Any]:
    """The values of every Literal inside an annotation (through Annotated, Optional, list)."""
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return [v for arg in typing.get_args(annotation) for v in literal_values(arg)]


def _bound(metadata: list[Any], name: str) -> Any:
    for item in metadata:
        if isinstance(item, FieldInfo):
            value = _bound(item.metadata, name)
        else:
            value = getattr(item, name, None)
        if value is not None:
            return value
    return None


def int_range(annotation: Any, metadata: list[Any]) -> list[int]:
    """1..6 for a whole number bounded by ``ge``/``le`` (e.g. credibility), else []."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        return int_range(args[0], [*metadata, *args[1:]])
    if annotation is int:
        low, high = _bound(metadata, "ge"), _bound(metadata, "le")
        return list(range(low, high + 1)) if low is not None and high is not None else []
    return [v for arg in args for v in int_range(arg, metadata)]


def closed_values(info: FieldInfo) -> list[Any]:
    """The fixed list of values a field accepts (a Literal or a bounded whole number)."""
    return literal_values(info.annotation) or int_range(info.annotation, list(info.metadata))


def every_field() -> list[tuple[str, str, FieldInfo]]:
    return [
        (model_name, name, info)
        for model_name, (model, _) in MODELS.items()
        for name, info in model.model_fields.items()
    ]


# -- the tests ---------------------------------------------------------------------


def test_every_model_has_a_section() -> None:
    unmapped = [
        f"generator.schema.{name} (reached from {via}) has no section in FORMAT.md: add a "
        f"section with a table | {' | '.join(COLUMNS)} | and map '{name}' to its heading in "
        "SECTIONS in tests/test_format_reference.py"
        for name, (_, via) in MODELS.items()
        if name not in SECTIONS
    ]
    gone = [
        f"SECTIONS maps '{name}', which generator.schema no longer uses: remove it, and its "
        "section from FORMAT.md"
        for name in SECTIONS
        if name not in MODELS
    ]
    assert not unmapped + gone, "\n".join(unmapped + gone)


def test_every_field_is_documented_and_no_other(sections: list[Section]) -> None:
    problems: list[str] = []
    for name, (model, _) in MODELS.items():
        if name not in SECTIONS:
            continue  # reported by test_every_model_has_a_section
        section = section_titled(sections, SECTIONS[name])
        rows = field_table(section)
        for field_name, info in model.model_fields.items():
            if field_name not in rows:
                required = "yes" if info.is_required() else "no"
                problems.append(
                    f"FORMAT.md section '{section.title}' lacks the field `{field_name}` of "
                    f"{name}: add a row {ROW.format(name=field_name, required=required)}"
                )
        for field_name in rows:
            if field_name not in model.model_fields:
                problems.append(
                    f"FORMAT.md section '{section.title}' documents `{field_name}`, which {name} "
                    f"does not have (fields: {', '.join(model.model_fields)}): remove the row"
                )
    assert not problems, "\n".join(problems)


def test_required_and_default_columns_agree_with_the_schema(sections: list[Section]) -> None:
    problems: list[str] = []
    for name, (model, _) in MODELS.items():
        if name not in SECTIONS:
            continue
        section = section_titled(sections, SECTIONS[name])
        rows = field_table(section)
        for field_name, info in model.model_fields.items():
            if field_name not in rows:
                continue  # reported by test_every_field_is_documented_and_no_other
            _, _, required, default, _ = (c.replace("`", "").strip() for c in rows[field_name])
            where = f"FORMAT.md section '{section.title}', field `{field_name}`"
            want = "yes" if info.is_required() else "no"
            if required.lower().split(" ")[0].rstrip(",") != want:
                problems.append(f"{where}: the 'required' column should say {want!r}")
            if info.is_required():
                if default not in ("", "—", "-"):
                    problems.append(f"{where}: required, so its default should be '—'")
                continue
            value = info.get_default(call_default_factory=True)
            if value is None or (isinstance(value, list | tuple | dict) and not value):
                if default.lower() not in NOTHING:
                    shown = "empty" if value is not None else "none"
                    problems.append(
                        f"{where}: the default is {value!r}, so write {shown!r} (or '—'), "
                        f"not {default!r}"
                    )
            elif default != (str(value).lower() if isinstance(value, bool) else str(value)):
                problems.append(f"{where}: the default is `{value}`, not {default!r}")
    assert not problems, "\n".join(problems)


def test_every_closed_list_of_values_is_explained(sections: list[Section]) -> None:
    """Each value of a Literal (and each step of credibility) is a row of the vocabulary
    section that the field's type cell links to; that section lists no other value."""
    by_anchor = {s.anchor: s for s in sections}
    problems: list[str] = []
    documented: dict[str, set[str]] = {}
    for model_name, field_name, info in every_field():
        values = closed_values(info)
        if not values or model_name not in SECTIONS:
            continue
        section = section_titled(sections, SECTIONS[model_name])
        cells = field_table(section).get(field_name)
        if cells is None:
            continue  # reported by test_every_field_is_documented_and_no_other
        links = [a for a in re.findall(r"\]\(#([^)\s]+)\)", cells[1]) if a in by_anchor]
        if not links:
            problems.append(
                f"FORMAT.md section '{section.title}', field `{field_name}`: its type cell "
                "should link to the section explaining its values, e.g. "
                "'one of the [statuses](#status)'"
            )
            continue
        vocabulary = by_anchor[links[0]]
        rows = set(vocabulary.first_column())
        documented.setdefault(vocabulary.anchor, set()).update(str(v) for v in values)
        for value in values:
            if str(value) not in rows:
                problems.append(
                    f"FORMAT.md section '{vocabulary.title}' lacks the value `{value}` of "
                    f"{model_name}.{field_name}: add a row | `{value}` | what it means |"
                )
    for anchor, values in documented.items():
        for row in by_anchor[anchor].first_column():
            if row not in values:
                problems.append(
                    f"FORMAT.md section '{by_anchor[anchor].title}' explains `{row}`, which no "
                    f"field accepts (accepted: {', '.join(sorted(values))}): remove the row"
                )
    assert not problems, "\n".join(problems)


def test_credibility_scale_is_documented(sections: list[Section]) -> None:
    """The bounds come from the field (``ge``/``le``), not from this test."""
    scales = [
        (model_name, closed_values(info))
        for model_name, field_name, info in every_field()
        if field_name == "credibility"
    ]
    assert scales and all(values for _, values in scales), (
        "found no `credibility` field with a closed list of values (ge/le bounds) in the schema"
    )
    rows = set(section_titled(sections, "Credibility").first_column())
    for model_name, values in scales:
        missing = [str(v) for v in values if str(v) not in rows]
        assert not missing, (
            f"FORMAT.md section 'Credibility' lacks {', '.join(missing)} "
            f"({model_name}.credibility accepts {values[0]}–{values[-1]})"
        )


def test_examples_are_valid(sections: list[Section]) -> None:
    """Each model's section shows a YAML example the schema accepts (ids are not resolved)."""
    problems: list[str] = []
    for name, (model, _) in MODELS.items():
        if name not in SECTIONS:
            continue
        section = section_titled(sections, SECTIONS[name])
        if not section.examples:
            problems.append(f"FORMAT.md section '{section.title}' has no ```yaml example")
        for example in section.examples:
            # BaseLoader keeps every value as typed text, as the briefing loader does.
            data = yaml.load(example, Loader=yaml.BaseLoader)  # noqa: S506
            try:
                _validate_example(model, data)
            except (ValidationError, AssertionError) as exc:
                problems.append(
                    f"the YAML example in FORMAT.md section '{section.title}' is not a valid "
                    f"{name}:\n{exc}"
                )
    assert not problems, "\n\n".join(problems)


def _validate_example(model: type[BaseModel], data: Any) -> None:
    """``data`` is a model, a list of them, or {parent field: value} holding the model."""
    if isinstance(data, list):
        for entry in data:
            model.model_validate(entry)
        return
    assert isinstance(data, dict), f"expected a mapping or a list, found {data!r}"
    if set(data) <= set(model.model_fields):
        model.model_validate(data)
        return
    for key, value in data.items():
        holders = [
            info
            for other, _ in MODELS.values()
            for name, info in other.model_fields.items()
            if name == key and model in models_in(info.annotation)
        ]
        assert holders, f"'{key}' is neither a field of {model.__name__} nor one that holds it"
        info = holders[0]
        annotation = info.annotation
        if info.metadata:  # e.g. "at least one" of a development's sources
            annotation = typing.Annotated[(annotation, *info.metadata)]
        TypeAdapter(annotation).validate_python(value)


def test_points_nowhere_outside_the_repository(text: str) -> None:
    """Users have only this repository: no link or path may lead out of it."""
    problems = [f"FORMAT.md mentions {bad!r}" for bad in ("../", "shared/") if bad in text]
    anchors = {s.anchor for s in parse(text)}
    prose = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.M | re.S)
    prose = re.sub(r"(`+).+?\1", "", prose, flags=re.S)
    targets = re.findall(r"\]\(\s*<?([^)>\s]+)", prose)
    targets += re.findall(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?\s*$", prose, flags=re.M)
    for target in targets:
        if re.match(r"(https?|mailto):", target, re.I):
            continue
        if target.startswith("#"):
            if target[1:] not in anchors:
                problems.append(f"FORMAT.md links to {target}, which is no heading of it")
            continue
        path = (ROOT / target.split("#")[0]).resolve()
        if target.startswith(("/", "~", "file:")) or not path.is_relative_to(ROOT):
            problems.append(f"FORMAT.md links to {target!r}, outside the repository")
        elif not path.exists():
            problems.append(f"FORMAT.md links to {target!r}, which does not exist")
    assert not problems, "\n".join(problems)
