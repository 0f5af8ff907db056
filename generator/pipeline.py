"""The core, independent of MkDocs: files → documents → validated model.

``load`` is what the CLI, the MkDocs plugin and the tests call.
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Report
from .loader import DocumentCache, load_briefing_dir
from .model import Briefing
from .references import check_references
from .validate import validate

__all__ = ["load"]


def load(
    root: Path, report: Report, base: Path | None = None, cache: DocumentCache | None = None
) -> Briefing | None:
    """Read and check a whole briefing folder; None if there were errors (see ``report``).

    ``base`` is the folder paths are shown relative to (default: the working directory).
    """
    raw = load_briefing_dir(root, report, base, cache)
    located = validate(raw, report)
    check_references(located, report)
    if report.errors or located.meta is None:
        return None
    return Briefing(
        meta=located.meta,
        sources=located.sources.items,
        actors=located.actors.items,
        places=located.places.items,
        developments=located.developments.items,
        topics=located.topics.items,
    )
