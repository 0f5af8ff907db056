"""Which claims rest on a withdrawn source (issue 12): ``generator/integrity.py``.

A discredited source flags every key point, key figure and competing claim that
cites it; a retracted report flags only the claims of the development citing it;
a claim is *unsupported* only when every source it cites is withdrawn.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from generator.integrity import Claim, Integrity
from generator.model import Briefing
from generator.schema import BriefingMeta, Development, Source
from generator.views import Affected

DISCREDITED = {"at": "2024-12-07", "note": "Its counts for Homs were invented."}
RETRACTED = {"at": "2024-12-08", "note": "The agency withdrew the report."}


def _sources(**extra: dict[str, Any]) -> dict[str, Source]:
    base = {
        "sohr": {"name": "SOHR", "kind": "monitor", "reliability": "C"},
        "dw": {"name": "Deutsche Welle", "kind": "broadcaster"},
        "reuters": {"name": "Reuters", "kind": "news-agency", "reliability": "B"},
    }
    return {
        ident: Source.model_validate({"id": ident, **fields, **extra.get(ident, {})})
        for ident, fields in base.items()
    }


def _dev(**fields: Any) -> Development:
    required = {"title": "A development", "date": "2024-12-06", "summary": "s", "sources": ["dw"]}
    return Development.model_validate({**required, **fields})


def _briefing(
    developments: dict[str, Development], key_figures: list[dict[str, Any]] | None = None,
    **sources: dict[str, Any],
) -> Briefing:  # fmt: skip
    meta = BriefingMeta.model_validate({
        "title": "T", "as_of": "2024-12-08T12:00:00Z", "summary": "s",
        "key_figures": key_figures or [],
    })  # fmt: skip
    return Briefing(meta, sources=_sources(**sources), developments=developments)


def _where(claims: list[Claim]) -> list[tuple[str | None, tuple[str | int, ...]]]:
    return [(c.development, c.loc) for c in claims]


def test_a_discredited_source_flags_every_claim_citing_it_and_no_other() -> None:
    briefing = _briefing(
        {
            "a": _dev(
                key_points=[
                    {"text": "Cites SOHR.", "sources": ["sohr"]},
                    {"text": "Cites DW.", "sources": ["dw"]},
                ],
                competing_claims=[
                    {"claim": "DW says.", "by": ["dw"], "verdict": "refuted"},
                    {"claim": "SOHR says.", "by": ["dw", "sohr"]},
                ],
            ),
            "b": _dev(key_points=[{"text": "Also SOHR.", "sources": ["reuters", "sohr"]}]),
        },
        key_figures=[
            {"label": "Distance", "value": "5 km", "sources": ["sohr"]},
            {"label": "Fighters", "value": "10,000", "sources": ["reuters"]},
        ],
        sohr={"discredited": DISCREDITED},
    )
    found = Integrity.of(briefing)
    assert len(found.claims) == 7  # every claim is there, flagged or not
    assert _where(found.affected) == [
        (None, ("key_figures", 0)),
        ("a", ("key_points", 0)),
        ("a", ("competing_claims", 1)),
        ("b", ("key_points", 0)),
    ]
    for claim in found.affected:
        (flag,) = claim.flags
        assert (flag.source_id, flag.how, flag.at, flag.report) == (
            "sohr", "discredited", date(2024, 12, 7), None,
        )  # fmt: skip
        assert flag.note == DISCREDITED["note"] and flag.source.name == "SOHR"
    assert found.by_source("sohr") == found.affected
    assert found.by_source("dw") == []
    assert _where(found.of_development("a")) == [
        ("a", ("key_points", 0)),
        ("a", ("competing_claims", 1)),
    ]
    assert found.flags("a", ("key_points", 1)) == ()
    assert found.flags(None, ("key_figures", 0))[0].how == "discredited"


def test_a_retracted_report_flags_only_the_claims_of_the_development_citing_it() -> None:
    retracted = {"source": "reuters", "title": "Rebels reach Rastan", "retracted": RETRACTED}
    briefing = _briefing(
        {
            "a": _dev(
                sources=[retracted, "dw"],
                key_points=[
                    {"text": "From the report.", "sources": ["reuters"]},
                    {"text": "From DW.", "sources": ["dw"]},
                ],
                competing_claims=[{"claim": "Reuters says.", "by": ["reuters", "dw"]}],
            ),
            # The same source, another report, not retracted: nothing flagged here.
            "b": _dev(sources=["reuters"], key_points=[{"text": "x", "sources": ["reuters"]}]),
        },
        # A key figure has no report to retract: it is flagged by discredited sources only.
        key_figures=[{"label": "Fighters", "value": "10,000", "sources": ["reuters"]}],
    )
    found = Integrity.of(briefing)
    assert _where(found.affected) == [("a", ("key_points", 0)), ("a", ("competing_claims", 0))]
    (flag,) = found.flags("a", ("key_points", 0))
    assert (flag.source_id, flag.how, flag.at, flag.report, flag.note) == (
        "reuters", "retracted", date(2024, 12, 8), "Rebels reach Rastan", RETRACTED["note"],
    )  # fmt: skip
    assert found.of_development("b") == []
    assert found.flags(None, ("key_figures", 0)) == ()


def test_unsupported_only_when_every_cited_source_is_withdrawn() -> None:
    briefing = _briefing(
        {
            "a": _dev(
                sources=[{"source": "reuters", "retracted": RETRACTED}, "dw"],
                key_points=[
                    {"text": "SOHR alone.", "sources": ["sohr"]},
                    {"text": "SOHR and DW.", "sources": ["sohr", "dw"]},
                    {"text": "SOHR and a retracted report.", "sources": ["sohr", "reuters"]},
                ],
            ),
        },
        sohr={"discredited": DISCREDITED},
    )
    alone, with_dw, both = Integrity.of(briefing).affected
    assert alone.unsupported and alone.standing == ()
    assert not with_dw.unsupported and with_dw.standing == ("dw",)
    assert both.unsupported
    assert [f.how for f in both.flags] == ["discredited", "retracted"]


def test_discredited_wins_over_a_retraction_of_the_same_source() -> None:
    briefing = _briefing(
        {
            "a": _dev(
                sources=[{"source": "sohr", "retracted": RETRACTED}],
                key_points=[{"text": "x", "sources": ["sohr"]}],
            )
        },  # fmt: skip
        sohr={"discredited": DISCREDITED},
    )
    (claim,) = Integrity.of(briefing).affected
    assert [f.how for f in claim.flags] == ["discredited"]


def test_a_source_cited_twice_is_flagged_and_counted_once() -> None:
    briefing = _briefing(
        {
            "a": _dev(
                sources=["dw", "dw"],
                key_points=[{"text": "Twice.", "sources": ["sohr", "dw", "sohr"]}],
                competing_claims=[{"claim": "Twice.", "by": ["sohr", "sohr"]}],
            ),
        },
        key_figures=[{"label": "Distance", "value": "5 km", "sources": ["sohr", "sohr"]}],
        sohr={"discredited": DISCREDITED},
    )
    found = Integrity.of(briefing)
    assert [len(c.flags) for c in found.affected] == [1, 1, 1]
    assert found.affected[1].standing == ("dw",)
    assert found.affected[2].unsupported
    # the pages' grouping lists each claim once under its source
    affected = Affected.of(found)
    assert affected.by_source == {"sohr": found.affected}
    assert affected.figures == found.affected[:1]
    assert affected.by_development == {"a": found.affected[1:]}


def test_a_briefing_without_withdrawn_sources_flags_nothing() -> None:
    briefing = _briefing(
        {
            "a": _dev(
                key_points=[{"text": "x", "sources": ["sohr"]}],
                competing_claims=[{"claim": "y", "by": ["reuters"]}],
            )
        },  # fmt: skip
        key_figures=[{"label": "Distance", "value": "5 km", "sources": ["sohr"]}],
    )
    found = Integrity.of(briefing)
    assert len(found.claims) == 3
    assert found.affected == []
    assert not any(claim.unsupported for claim in found.claims)
