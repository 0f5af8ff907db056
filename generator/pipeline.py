"""The core, independent of MkDocs: files → documents → validated model → pages.

``load`` is what the CLI, the MkDocs plugin and the tests call; ``check`` is the
same and also returns where each entity was written (for ``briefing audit``);
``render_tree`` adds the rendering, for ``briefing render`` and other engines.
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Report
from .loader import DocumentCache, load_briefing_dir
from .model import Briefing
from .references import check_references, check_withdrawn
from .validate import Located, validate

__all__ = ["check", "load", "render_tree"]


def check(
    root: Path, report: Report, base: Path | None = None, cache: DocumentCache | None = None
) -> tuple[Located, Briefing | None]:
    """:func:`load`, also returning the entities with where each was written (for
    diagnostics at a line, e.g. ``briefing audit``)."""
    raw = load_briefing_dir(root, report, base, cache)
    located = validate(raw, report)
    check_references(located, report)
    if report.errors or located.meta is None:
        return located, None
    briefing = Briefing(
        meta=located.meta,
        sources=located.sources.items,
        actors=located.actors.items,
        places=located.places.items,
        developments=located.developments.items,
        topics=located.topics.items,
        indicators=located.indicators.items,
    )
    check_withdrawn(located, briefing, report)
    return located, briefing


def load(
    root: Path, report: Report, base: Path | None = None, cache: DocumentCache | None = None
) -> Briefing | None:
    """Read and check a whole briefing folder; None if there were errors (see ``report``).

    ``base`` is the folder paths are shown relative to (default: the working directory).
    """
    return check(root, report, base, cache)[1]


def render_tree(
    root: Path,
    templates: Path,
    report: Report,
    site_url: str = "",
    feed_id: str = "",
    workers: int = 1,
) -> dict[str, str] | None:
    """Load, check and render a briefing folder: ``{tree path: text}``, or None on errors."""
    from .render import render_site  # the rendering stack (maps: shapely) only when rendering

    briefing = load(root, report)
    if briefing is None:
        return None
    pages = render_site(briefing, templates, report, site_url, feed_id=feed_id, workers=workers)
    return None if report.errors else pages
