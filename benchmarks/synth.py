"""Write a synthetic briefing of N developments (realistic field sizes) to a folder.

    python benchmarks/synth.py OUT_DIR N [--seed 1]

Registries hold a few hundred sources, actors and places; developments cite
2–4 of each, carry 3–5 key points, an assessment, related links and updates.
Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

WORDS = (
    "forces",
    "advance",
    "city",
    "road",
    "bridge",
    "control",
    "report",
    "monitor",
    "claim",
    "government",
    "opposition",
    "shelling",
    "convoy",
    "checkpoint",
    "residents",
    "supply",
    "route",
    "governorate",
    "district",
    "village",
    "reinforcements",
    "ceasefire",
    "talks",
    "negotiators",
    "humanitarian",
    "corridor",
    "displaced",
    "aid",
    "airstrike",
    "artillery",
    "front",
    "line",
    "withdrawal",
    "offensive",
    "counter-attack",
    "militia",
    "army",
)


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _para(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 18)) for _ in range(sentences))


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write_briefing(out: Path, n: int, seed: int = 1, registry: int = 300) -> Path:
    rng = random.Random(seed)
    (out / "developments").mkdir(parents=True, exist_ok=True)
    (out / "background").mkdir(parents=True, exist_ok=True)
    kinds = ["news-agency", "broadcaster", "newspaper", "monitor", "social-media", "ngo"]
    sources = [f"source-{i}" for i in range(registry)]
    actors = [f"actor-{i}" for i in range(registry)]
    places = [f"place-{i}" for i in range(registry)]
    start = date(2020, 1, 1)
    ids = [f"{(start + timedelta(days=i // 4)).isoformat()}-event-{i}" for i in range(n)]
    as_of = start + timedelta(days=(n - 1) // 4 + 1)

    lines = [
        f"title: {_q('Synthetic briefing of ' + str(n))}",
        f"as_of: {as_of.isoformat()}",
        f"summary: {_q(_para(rng, 4))}",
        "key_figures:",
    ]
    for i in range(5):
        lines += [
            f"  - label: {_q('Figure ' + str(i))}",
            f"    value: {_q(str(rng.randint(1, 9999)))}",
            f"    sources: [{sources[i]}]",
        ]
    (out / "briefing.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    src = []
    for i, ident in enumerate(sources):
        src += [
            f"- id: {ident}",
            f"  name: {_q('Source ' + str(i))}",
            f"  kind: {kinds[i % len(kinds)]}",
            f"  url: https://source{i}.example.org/",
            f"  reliability: {'ABCDEF'[i % 6]}",
            f"  description: {_q(_para(rng, 2))}",
        ]
    (out / "sources.yaml").write_text("\n".join(src) + "\n", encoding="utf-8")

    act = []
    for i, ident in enumerate(actors):
        act += [
            f"- id: {ident}",
            f"  name: {_q('Actor ' + str(i))}",
            f"  aliases: [{_q('ممثل ' + str(i))}]",
            "  kind: armed-group",
            "  side: opposition",
            f"  summary: {_q(_para(rng, 2))}",
        ]
    (out / "actors.yaml").write_text("\n".join(act) + "\n", encoding="utf-8")

    plc = []
    for i, ident in enumerate(places):
        plc += [
            f"- id: {ident}",
            f"  name: {_q('Place ' + str(i))}",
            f"  aliases: [{_q('مكان ' + str(i))}]",
            "  kind: town",
            f"  lat: {rng.uniform(32, 37):.4f}",
            f"  lon: {rng.uniform(35, 42):.4f}",
        ]
        if i:
            plc.append(f"  within: {places[0]}")
    (out / "places.yaml").write_text("\n".join(plc) + "\n", encoding="utf-8")

    for i, ident in enumerate(ids):
        day = ident[:10]
        cited = rng.sample(sources, rng.randint(2, 4))
        doc = [
            f"title: {_q(_sentence(rng, 8)[:-1])}",
            f"date: {day}",
            f"status: {rng.choice(['confirmed', 'reported', 'claimed', 'disputed'])}",
            f"places: [{', '.join(rng.sample(places, rng.randint(1, 3)))}]",
            f"actors: [{', '.join(rng.sample(actors, rng.randint(1, 3)))}]",
            "summary: |",
            f"  {_para(rng, 3)}",
            "",
            f"  {_para(rng, 2)}",
            "key_points:",
        ]
        for _ in range(rng.randint(3, 5)):
            doc += [
                f"  - text: {_q(_sentence(rng, 16))}",
                f"    sources: [{rng.choice(cited)}]",
                f"    credibility: {rng.randint(1, 6)}",
            ]
        doc += [
            "assessment:",
            f"  text: {_q(_para(rng, 2))}",
            "  confidence: moderate",
            "  likelihood: likely",
            "sources:",
        ]
        doc += [f"  - {s}" for s in cited]
        if i:
            doc.append(f"related: [{ids[rng.randrange(i)]}]")
        doc += [
            "tags: [synthetic]",
            "updates:",
            f"  - at: {day}T18:00:00Z",
            "    note: Entry created.",
        ]
        (out / "developments" / f"{ident}.yaml").write_text("\n".join(doc) + "\n", encoding="utf-8")

    for i in range(5):
        topic = [
            f"title: {_q('Topic ' + str(i))}",
            f"order: {i}",
            f"summary: {_q(_para(rng, 2))}",
            "body: |",
            f"  {_para(rng, 6)}",
            f"actors: [{actors[i]}]",
            f"places: [{places[i]}]",
            f"sources: [{sources[i]}]",
        ]
        (out / "background" / f"topic-{i}.yaml").write_text(
            "\n".join(topic) + "\n", encoding="utf-8"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_briefing(args.out, args.n, args.seed)


if __name__ == "__main__":
    main()
