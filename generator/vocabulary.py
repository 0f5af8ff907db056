"""Every closed list of values the format knows, with what each value means.

One place for statuses, reliability grades, credibility, confidence, likelihood
and the kinds of source, actor and place: the schema accepts exactly these
values, and the templates ("How to read", the source list, badges) and the
exports read their meanings from here, so a value cannot be valid yet missing
from a page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from types import MappingProxyType
from typing import Generic, TypeVar

__all__ = ["VOCABULARY", "Scale", "Vocabulary"]

K = TypeVar("K", str, int)


@dataclass(frozen=True)
class Scale(Generic[K]):
    """An ordered list of values, each with its meaning."""

    name: str  # what a value of it is called in a sentence, e.g. "reliability"
    meanings: MappingProxyType[K, str]

    @classmethod
    def of(cls, name: str, pairs: dict[K, str]) -> Scale[K]:
        return cls(name, MappingProxyType(dict(pairs)))

    @property
    def values(self) -> tuple[K, ...]:
        return tuple(self.meanings)

    def __getitem__(self, value: K) -> str:
        return self.meanings[value]

    def __iter__(self) -> Iterator[K]:
        return iter(self.meanings)

    def __len__(self) -> int:
        return len(self.meanings)

    def items(self) -> Iterator[tuple[K, str]]:
        return iter(self.meanings.items())


@dataclass(frozen=True)
class Vocabulary:
    status: Scale[str]
    reliability: Scale[str]
    credibility: Scale[int]
    confidence: Scale[str]
    likelihood: Scale[str]
    source_kind: Scale[str]
    actor_kind: Scale[str]
    place_kind: Scale[str]
    date_precision: Scale[str]
    verdict: Scale[str]
    indicator_status: Scale[str]

    def as_data(self) -> dict[str, dict[str, str]]:
        """Every scale as plain JSON-able data (for the exports)."""
        scales: list[Scale[str] | Scale[int]] = [
            self.status, self.reliability, self.credibility, self.confidence, self.likelihood,
            self.date_precision, self.verdict, self.indicator_status,
        ]  # fmt: skip
        return {s.name: {str(k): v for k, v in s.items()} for s in scales}


VOCABULARY = Vocabulary(
    status=Scale.of("status", {
        "confirmed": "established by several independent, reliable sources",
        "reported": "reported by credible sources, not yet confirmed",
        "claimed": "asserted by a party to the events, not independently confirmed",
        "disputed": "credible sources disagree",
        "denied": "reported, and denied by a party with knowledge of it",
    }),
    # The Admiralty (NATO) source reliability scale.
    reliability=Scale.of("reliability", {
        "A": "completely reliable",
        "B": "usually reliable",
        "C": "fairly reliable",
        "D": "not usually reliable",
        "E": "unreliable",
        "F": "reliability cannot be judged",
    }),
    # The Admiralty scale's information credibility.
    credibility=Scale.of("credibility", {
        1: "confirmed by other sources",
        2: "probably true",
        3: "possibly true",
        4: "doubtful",
        5: "improbable",
        6: "truth cannot be judged",
    }),
    confidence=Scale.of("confidence", {
        "low": "thin or doubtful evidence, or reasoning resting on assumptions",
        "moderate": "credible evidence, not enough to rule out other explanations",
        "high": "solid evidence from several sources and sound reasoning",
    }),
    # ICD 203's words of estimative probability, least to most likely.
    likelihood=Scale.of("likelihood", {
        "almost no chance": "1–5 %",
        "very unlikely": "5–20 %",
        "unlikely": "20–45 %",
        "roughly even chance": "45–55 %",
        "likely": "55–80 %",
        "very likely": "80–95 %",
        "almost certain": "95–99 %",
    }),
    source_kind=Scale.of("source kind", {
        "news-agency": "news agency", "broadcaster": "broadcaster", "newspaper": "newspaper",
        "monitor": "monitoring group", "social-media": "social media account",
        "government": "government", "military": "military", "ngo": "non-governmental organisation",
        "think-tank": "think tank", "other": "other",
    }),
    actor_kind=Scale.of("actor kind", {
        "state": "state", "armed-forces": "armed forces", "armed-group": "armed group",
        "coalition": "coalition", "political": "political movement or party",
        "civilian": "civilians or a community",
        "international-organisation": "international organisation", "other": "other",
    }),
    place_kind=Scale.of("place kind", {
        "country": "country", "governorate": "governorate or province", "region": "region",
        "city": "city", "town": "town", "village": "village", "road": "road",
        "infrastructure": "infrastructure (a dam, airport, crossing…)", "other": "other",
    }),
    # How exactly a development's date is known (ACLED's time_precision 1, 2, 3).
    date_precision=Scale.of("date precision", {
        "day": "known to the day",
        "week": "known to the week: the date is a day of that week",
        "month": "known to the month: the date is a day of that month",
    }),
    # What the briefing concluded about one of several competing claims.
    verdict=Scale.of("verdict", {
        "unverified": "not yet confirmed or refuted",
        "corroborated": "supported by independent evidence",
        "refuted": "shown to be false by independent evidence",
    }),
    # Where a sign on the watch list (indicators.yaml) stands.
    indicator_status=Scale.of("indicator status", {
        "not-observed": "not seen so far",
        "emerging": "early or partial signs",
        "observed": "seen",
        "ruled-out": "can no longer happen, or no longer matters",
    }),
)  # fmt: skip
