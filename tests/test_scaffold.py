"""generator.scaffold: `briefing new` writes a skeleton and never overwrites."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import load_dir, render
from generator.scaffold import ScaffoldError, new_development, new_topic, slugify
from generator.vocabulary import VOCABULARY

DAY = date(2024, 12, 6)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Rebels take Homs", "rebels-take-homs"),
        ("  Rebels -- take   Homs!  ", "rebels-take-homs"),
        ("Ça va: Hama, Ḥimṣ & Dar'a", "ca-va-hama-hims-dar-a"),
        ("M5 highway (north)", "m5-highway-north"),
        ("حلب", ""),
        ("", ""),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugify_cuts_at_a_word_without_a_trailing_hyphen() -> None:
    assert slugify("aaaa bbbb", limit=5) == "aaaa"
    assert len(slugify("word " * 40)) <= 80


def test_new_development(tmp_path: Path) -> None:
    path, todo = new_development(tmp_path, "Rebels take Homs", DAY)
    assert path == tmp_path / "developments" / "2024-12-06-rebels-take-homs.yaml"
    assert todo == ["summary", "key_points (text and sources)", "sources", "places", "actors"]
    text = path.read_text(encoding="utf-8")
    assert 'title: "Rebels take Homs"\ndate: 2024-12-06\n' in text


def test_long_title_keeps_the_id_within_80_characters(tmp_path: Path) -> None:
    path, _ = new_development(tmp_path, "A very long title " * 10, DAY)
    assert len(path.stem) <= 80
    assert path.stem.startswith("2024-12-06-a-very-long-title-")
    assert not path.stem.endswith("-")


def test_never_overwrites(tmp_path: Path) -> None:
    path, _ = new_development(tmp_path, "Rebels take Homs", DAY)
    path.write_text("mine\n", encoding="utf-8")
    with pytest.raises(ScaffoldError) as caught:
        new_development(tmp_path, "Rebels take Homs", DAY)
    assert str(caught.value) == f"{path.as_posix()} already exists; nothing was written"
    assert path.read_text(encoding="utf-8") == "mine\n"


def test_title_without_latin_letters_needs_an_id(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError) as caught:
        new_topic(tmp_path, "حلب")
    assert str(caught.value) == (
        "cannot make an id from this title (no Latin letters or digits); give --id"
    )
    path, _ = new_topic(tmp_path, "حلب", "aleppo")
    assert path == tmp_path / "background" / "aleppo.yaml"


def test_given_id_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError) as caught:
        new_development(tmp_path, "Title", DAY, "Bad_Id")
    assert str(caught.value) == (
        "'Bad_Id' is not a valid id: use lowercase letters, digits and single hyphens "
        "(e.g. 'bad-id')"
    )
    assert not (tmp_path / "developments").exists() or not any(
        (tmp_path / "developments").iterdir()
    )


@pytest.mark.parametrize(
    "title",
    [
        'Rebels: "near" #Homs? no',
        "yes",
        "2024-12-06",
        "- [a] {b}: & *c !d |e >f %g @h `i`",
        "Line\nbreaks\tand  spaces",
        "Ḥimṣ حمص",
        "'single' \\ back\\slash",
    ],
)
def test_skeleton_reads_back_with_the_exact_title(
    make_briefing: Callable[..., Path], title: str
) -> None:
    root = make_briefing()
    path, _ = new_development(root, title, DAY, "2024-12-06-new")
    briefing, report = load_dir(root)
    stem = "developments/2024-12-06-new.yaml"
    # The sources are errors until filled in; the TODO texts are warnings.
    todo = "warning: still says TODO (from `briefing new`); fill it in"
    assert render(report) == (
        f"{stem}:8:10: {todo}\n"
        f"{stem}:11:11: {todo}\n"
        f"{stem}:12:14: error: sources: needs at least 1 entry\n"
        f"{stem}:13:10: error: sources: needs at least 1 entry\n"
    )
    filled = path.read_text(encoding="utf-8").replace("sources: []", "sources: [sohr]")
    path.write_text(filled, encoding="utf-8")
    briefing, report = load_dir(root)
    assert render(report) == f"{stem}:8:10: {todo}\n{stem}:11:11: {todo}\n"
    assert briefing is not None
    assert briefing.developments["2024-12-06-new"].date_precision == "day"
    assert briefing.developments["2024-12-06-new"].title == " ".join(title.split())


def test_topic_skeleton_loads(make_briefing: Callable[..., Path]) -> None:
    root = make_briefing()
    path, todo = new_topic(root, "The M5 highway")
    assert path == root / "background" / "the-m5-highway.yaml"
    assert todo == ["summary", "body", "actors", "places", "sources"]
    briefing, report = load_dir(root)
    todo = "warning: still says TODO (from `briefing new`); fill it in"
    stem = "background/the-m5-highway.yaml"
    assert render(report) == f"{stem}:3:10: {todo}\n{stem}:5:7: {todo}\n"
    assert briefing is not None and briefing.topics["the-m5-highway"].title == "The M5 highway"


def test_skeleton_names_every_status(tmp_path: Path) -> None:
    path, _ = new_development(tmp_path, "Rebels enter Homs", date(2024, 12, 7))
    line = next(x for x in path.read_text(encoding="utf-8").splitlines() if x.startswith("status:"))
    comment = line.split("#", 1)[1]
    assert all(status in comment for status in VOCABULARY.status)


def test_skeleton_offers_the_date_precisions_commented_out(tmp_path: Path) -> None:
    path, _ = new_development(tmp_path, "Rebels enter Homs", date(2024, 12, 7))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[2:4] == ["date: 2024-12-07", "# date_precision: day  # day, week or month"]
    uncommented = lines[3].removeprefix("# ").split("#", 1)
    assert all(p in uncommented[1] for p in VOCABULARY.date_precision)
    assert uncommented[0].split(":")[1].strip() in VOCABULARY.date_precision


def _uncommented(text: str) -> str:
    """The skeleton with every commented-out field switched on (prose comments stay)."""
    return "\n".join(
        line[2:] if re.match(r"# (?=[a-z_]+:| )", line) else line for line in text.splitlines()
    )


def test_skeleton_offers_retracted_and_competing_claims_commented_out(tmp_path: Path) -> None:
    path, _ = new_development(tmp_path, "Rebels enter Homs", date(2024, 12, 7))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "#     retracted:" in lines
    assert "# competing_claims:" in lines
    # Commented out, they change nothing until switched on.
    assert yaml.safe_load("\n".join(lines)).keys() == {
        "title", "date", "status", "places", "actors", "summary", "key_points", "sources",
    }  # fmt: skip
    verdict = next(x for x in lines if x.startswith("#     verdict:"))
    value, comment = verdict.removeprefix("#     verdict:").split("#", 1)
    assert value.strip() == "unverified"
    assert all(v in comment for v in VOCABULARY.verdict)


def test_skeleton_with_the_commented_fields_switched_on_validates(
    make_briefing: Callable[..., Path],
) -> None:
    root = make_briefing()
    path, _ = new_development(root, "Rebels enter Homs", DAY, "2024-12-06-new")
    text = _uncommented(path.read_text(encoding="utf-8"))
    # What the comments tell the writer to do: a list of reports, and real source ids
    # (two, so that no claim rests on the retracted report alone).
    text = text.replace("sources: []  # source ids behind", "sources:  # source ids behind")
    text = text.replace("[]  # source ids", "[sohr, dw]  # source ids")
    text = text.replace("\n  - source: sohr", "\n  - dw\n  - source: sohr")
    path.write_text(text, encoding="utf-8")
    briefing, report = load_dir(root)
    stem = "developments/2024-12-06-new.yaml"
    todo = "warning: still says TODO (from `briefing new`); fill it in"
    # Only the TODO reminders are left, among them every TODO of the switched-on fields.
    assert render(report) == "".join(
        f"{stem}:{at}: {todo}\n" for at in ("8:10", "11:11", "18:12", "22:13", "25:12", "28:11")
    )
    assert briefing is not None
    dev = briefing.developments["2024-12-06-new"]
    assert dev.date_precision == "day"
    assert [(s.source, s.published, s.retracted is not None) for s in dev.sources] == [
        ("dw", None, False),
        ("sohr", DAY, True),
    ]
    assert dev.sources[1].retracted is not None and dev.sources[1].retracted.at == DAY
    [claim] = dev.competing_claims
    assert (claim.by, claim.verdict) == (["sohr", "dw"], "unverified")
