"""`briefing audit`: the analyst's integrity report on a valid briefing.

Where ``briefing validate`` says whether the briefing is well formed, the audit
says where its reporting is thin. Each finding is one line,
``path:line:col: finding: message [kind]``, sorted by path and line:

- ``single-source``: a key point citing one source only;
- ``weak-sources``: a key point, key figure or competing claim whose every source
  is graded F (reliability cannot be judged, the default), discredited, or cited
  through a retracted report (:mod:`.integrity`);
- ``stale``: a development still reported or claimed that the briefing has not
  touched for longer than ``stale_after_days`` (:func:`.clocks.stale_days`, as the
  site shows it), at its newest update, else its date;
- ``undated-figure``: a key figure without ``as_of``;
- ``unsourced-assessment``: an assessment whose development has no key point with
  a standing (not withdrawn) source;
- ``collective-credit``: a development whose key points (two or more) all cite
  the same sources, every source of the development: the report credited its
  sources as a group, so no claim can be traced to the one that made it.

Messages carry ids, grades and dates only, never free text from the YAML.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .clocks import stale_days
from .diagnostics import Diagnostic, Mark, Severity
from .integrity import Claim
from .model import Briefing, moment_key
from .references import describe_flag
from .schema import Development
from .validate import Located, Origin

__all__ = ["KINDS", "Audit", "Finding", "audit"]

# Every kind of finding, in the order the summary counts them: (kind, one, many).
KINDS: tuple[tuple[str, str, str], ...] = (
    ("single-source", "single-source key point", "single-source key points"),
    (
        "weak-sources",
        "claim resting only on F-graded or withdrawn sources",
        "claims resting only on F-graded or withdrawn sources",
    ),
    ("stale", "stale development", "stale developments"),
    ("undated-figure", "key figure without as_of", "key figures without as_of"),
    (
        "unsourced-assessment",
        "assessment without a sourced key point",
        "assessments without a sourced key point",
    ),
    (
        "collective-credit",
        "development crediting its sources collectively",
        "developments crediting their sources collectively",
    ),
)


@dataclass(frozen=True)
class Finding:
    path: str
    mark: Mark
    kind: str
    message: str

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.mark.line, self.mark.column, self.kind, self.message)

    def __str__(self) -> str:
        # Printed as a diagnostic is (control characters escaped), labelled `finding:`.
        line = str(Diagnostic(self.path, self.mark, Severity.WARNING, self.message))
        head = str(Diagnostic(self.path, self.mark, Severity.WARNING, ""))  # "p:l:c: warning: "
        label = f"{head.removesuffix('warning: ')}finding: "
        return f"{label}{line.removeprefix(head)} [{self.kind}]"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.mark.line,
            "column": self.mark.column,
            "kind": self.kind,
            "message": self.message,
        }


@dataclass(frozen=True)
class Audit:
    folder: str
    findings: tuple[Finding, ...]

    @property
    def counts(self) -> dict[str, int]:
        """Findings per kind, every kind listed (zero included), in :data:`KINDS` order."""
        counted = Counter(finding.kind for finding in self.findings)
        return {kind: counted[kind] for kind, _, _ in KINDS}

    def summary(self) -> str:
        total = len(self.findings)
        if not total:
            return "no findings"
        parts = [
            f"{n} {one if n == 1 else many}"
            for (kind, one, many), n in zip(KINDS, self.counts.values(), strict=True)
            if n
        ]
        return f"{total} finding{'' if total == 1 else 's'}: {', '.join(parts)}"

    def as_text(self) -> str:
        return "".join(f"{finding}\n" for finding in self.findings) + self.summary()

    def as_json(self) -> str:
        data = {
            "folder": self.folder,
            "findings": [finding.as_dict() for finding in self.findings],
            "counts": self.counts,
            "total": len(self.findings),
        }
        return json.dumps(data, indent=2, ensure_ascii=False)


def _grades(claim: Claim, briefing: Briefing) -> list[str] | None:
    """Why each cited source is weak, or None when one of them is not."""
    withdrawn = {flag.source_id: describe_flag(flag) for flag in claim.flags}
    reasons = []
    for ident in dict.fromkeys(claim.sources):
        source = briefing.sources.get(ident)
        if ident in withdrawn:
            reasons.append(withdrawn[ident])
        elif source is not None and source.reliability == "F":
            reasons.append(f"'{ident}' (graded F)")
        else:
            return None
    return reasons


class _Auditor:
    def __init__(self, located: Located, briefing: Briefing) -> None:
        self.located = located
        self.briefing = briefing
        self.integrity = briefing.integrity
        self.found: list[Finding] = []

    def origin(self, development: str | None) -> Origin | None:
        if development is None:
            return self.located.meta_origin
        return self.located.developments.origins.get(development)

    def add(
        self, origin: Origin, loc: tuple[str | int, ...], kind: str, message: str, key: bool = False
    ) -> None:
        self.found.append(Finding(origin.doc.path, origin.mark(*loc, key=key), kind, message))

    def claims(self) -> None:
        for claim in self.integrity.claims:
            origin = self.origin(claim.development)
            if origin is None:
                continue
            distinct = list(dict.fromkeys(claim.sources))
            if claim.kind == "key point" and len(distinct) == 1:
                self.add(
                    origin, claim.loc, "single-source",
                    f"key point cites a single source, '{distinct[0]}'; add a second source "
                    "that confirms it, if there is one",
                )  # fmt: skip
            reasons = _grades(claim, self.briefing)
            if reasons is not None:
                self.add(
                    origin, claim.loc, "weak-sources",
                    f"{claim.kind} rests only on F-graded or withdrawn sources: "
                    f"{', '.join(reasons)}",
                )  # fmt: skip

    def stale(self) -> None:
        meta = self.briefing.meta
        for ident, dev in sorted(self.briefing.developments.items()):
            days = stale_days(dev, meta)
            origin = self.located.developments.origins.get(ident)
            if days is None or origin is None:
                continue
            loc, when = _last_touched(dev)
            self.add(
                origin, loc, "stale",
                f"still '{dev.status}', last touched {when} ({days} days before as_of; stale "
                f"after {meta.stale_after_days}): settle its status or add an update",
            )  # fmt: skip

    def figures(self) -> None:
        origin = self.located.meta_origin
        if origin is None:
            return
        for index, figure in enumerate(self.briefing.meta.key_figures):
            if figure.as_of is None:
                self.add(
                    origin, ("key_figures", index), "undated-figure",
                    "key figure without as_of: say when this value was true",
                )  # fmt: skip

    def assessments(self) -> None:
        points_of: dict[str | None, list[Claim]] = {}  # one pass, not one per development
        for claim in self.integrity.claims:
            if claim.kind == "key point":
                points_of.setdefault(claim.development, []).append(claim)
        for ident, dev in sorted(self.briefing.developments.items()):
            origin = self.located.developments.origins.get(ident)
            if dev.assessment is None or origin is None:
                continue
            points = points_of.get(ident, [])
            if any(point.standing for point in points):
                continue
            why = (
                "its development has no key points"
                if not points
                else "every key point of its development rests only on withdrawn sources"
            )
            self.add(
                origin, ("assessment",), "unsourced-assessment",
                f"assessment without a sourced key point: {why}; state the sourced facts "
                "it judges as key points",
                key=True,
            )  # fmt: skip


    def collective(self) -> None:
        for ident, dev in sorted(self.briefing.developments.items()):
            origin = self.located.developments.origins.get(ident)
            cited = {frozenset(point.sources) for point in dev.key_points}
            everything = frozenset(ref.source for ref in dev.sources)
            if origin is None or len(dev.key_points) < 2 or cited != {everything}:
                continue
            if len(everything) < 2:
                continue  # one source for everything is the single-source finding
            self.add(
                origin, ("key_points",), "collective-credit",
                f"all {len(dev.key_points)} key points cite the same {len(everything)} sources, "
                "every source of the development: they are credited as a group; where you "
                "know which source reports a point, cite that one",
                key=True,
            )  # fmt: skip


def _last_touched(dev: Development) -> tuple[tuple[str | int, ...], str]:
    """Where and when the briefing last touched ``dev``: its newest update, else its date."""
    if dev.updates:
        index = max(range(len(dev.updates)), key=lambda i: moment_key(dev.updates[i].at))
        update = dev.updates[index]
        if moment_key(update.at) >= moment_key(dev.date):
            return ("updates", index, "at"), update.at.isoformat()
    return ("date",), dev.date.isoformat()


def audit(located: Located, briefing: Briefing, folder: str) -> Audit:
    """Every finding on ``briefing``; ``located`` gives their lines, ``folder`` names it."""
    auditor = _Auditor(located, briefing)
    auditor.claims()
    auditor.stale()
    auditor.figures()
    auditor.assessments()
    auditor.collective()
    findings = sorted(auditor.found, key=Finding.sort_key)
    return Audit(folder, tuple(findings))
