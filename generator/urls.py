"""The site's layout: every page and file the generator writes, in one table.

Each route names a tree path (MkDocs serves ``x/y.md`` at ``/x/y/`` and
``x/index.md`` at ``/x/``), the template that renders it (None for files made
in Python: the feed and the data exports) and, for long lists, where the
further pages go. Everything else follows from this table: links between
pages (:class:`Urls`), absolute permalinks (:func:`permalink`), and the ids an
entry may not take because its page would replace another (:func:`reserved_ids`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from markupsafe import Markup

__all__ = [
    "ROUTES", "Route", "Urls", "page_path", "page_url", "permalink", "reserved_ids",
]  # fmt: skip


@dataclass(frozen=True)
class Route:
    path: str  # tree path; "{id}" for one page per entry
    template: str | None = None  # the Jinja template; None: written by Python code
    more: str | None = None  # page n ≥ 2 of a long list ("{n}")


ROUTES: Mapping[str, Route] = MappingProxyType({
    "home": Route("index.md", "overview.md.j2"),
    "situation": Route("situation/index.md", "timeline.md.j2", more="situation/page/{n}.md"),
    "development": Route("situation/{id}.md", "development.md.j2"),
    "background": Route("background/index.md", "background.md.j2"),
    "topic": Route("background/{id}.md", "topic.md.j2"),
    "actors": Route("actors/index.md", "actors.md.j2"),
    "actor": Route("actors/{id}.md", "actor.md.j2", more="actors/{id}/page/{n}.md"),
    "places": Route("places/index.md", "places.md.j2"),
    "place": Route("places/{id}.md", "place.md.j2", more="places/{id}/page/{n}.md"),
    "sources": Route("sources/index.md", "sources.md.j2"),
    "source": Route("sources/{id}.md", "source.md.j2", more="sources/{id}/page/{n}.md"),
    "about": Route("about.md", "about.md.j2"),
    "brief": Route("brief/index.md", "brief.md.j2"),
    "changes": Route("changes/index.md", "changes.md.j2", more="changes/page/{n}.md"),
    "indicators": Route("indicators/index.md", "indicators.md.j2"),  # only with indicators.yaml
    "tags": Route("tags/index.md", "tags.md.j2"),  # every tag with its count (generator/tags.py)
    "tag": Route("tags/{id}.md", "tag.md.j2", more="tags/{id}/page/{n}.md"),
    "feed": Route("feed.xml"),
    "developments_json": Route("data/developments.json"),
    "events_geojson": Route("data/events.geojson"),
    "events_csv": Route("data/events.csv"),
    "timeline_json": Route("data/timeline.json"),
    "filter_index": Route("assets/briefing/filter-index.js"),  # the timeline's filters
    "basemap": Route("assets/briefing/maps/basemap-{id}.svg"),  # one per map extent
})  # fmt: skip


def page_path(kind: str, ident: str = "", n: int = 1) -> str:
    """The tree path of page ``n`` of a (possibly paginated) page kind."""
    route = ROUTES[kind]
    pattern = route.more if n > 1 and route.more else route.path
    if n > 1 and not route.more:
        raise ValueError(f"{kind} pages are not paginated")
    return pattern.format(id=ident, n=n)


def _served(tree_path: str) -> str:
    """The URL path (relative to the site root) MkDocs serves a tree path at."""
    if not tree_path.endswith(".md"):
        return tree_path
    stem = tree_path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def page_url(kind: str, ident: str = "", n: int = 1) -> str:
    """The URL of a page or file relative to the site root: ``situation/<id>/``."""
    return _served(page_path(kind, ident, n))


def permalink(site_url: str, kind: str, ident: str = "") -> str:
    """The address to share: absolute under ``site_url``, else relative to the site root."""
    path = page_url(kind, ident)
    return f"{site_url.rstrip('/')}/{path}" if site_url else path


def reserved_ids(kind: str) -> frozenset[str]:
    """Ids an entry of ``kind`` may not take: its page would replace another page."""
    folder, _, name = ROUTES[kind].path.rpartition("/")
    if "{id}" not in name:
        return frozenset()
    return frozenset(
        other.path.rpartition("/")[2].removesuffix(".md")
        for other in ROUTES.values()
        if other.path.rpartition("/")[0] == folder
        and other.path.endswith(".md")
        and "{" not in other.path
    )


@dataclass(frozen=True)
class Urls:
    """Links from the page at tree path ``here`` to the other pages and files.

    Relative, so the site works from any folder and from ``file://``; MkDocs
    checks each one and rewrites it to the served URL.
    """

    here: str
    site_url: str = ""

    def _relative(self, target: str) -> str:
        here = posixpath.dirname(self.here)
        if not here:
            return target
        if posixpath.dirname(target) == here:
            return posixpath.basename(target)
        return "../" * (here.count("/") + 1) + target

    def to(self, kind: str, ident: str = "", anchor: str = "", n: int = 1) -> Markup:
        """A page of the table, e.g. ``urls.to("actor", "hts")``."""
        target = self._relative(page_path(kind, ident, n))
        return Markup(target + (f"#{anchor}" if anchor else ""))

    def path(self, tree_path: str) -> Markup:
        """Another tree path as it is (a further page of a long list)."""
        return Markup(self._relative(tree_path))

    def permalink(self, kind: str, ident: str = "") -> str:
        """The address to share (text: absolute only when ``site_url`` is set)."""
        return permalink(self.site_url, kind, ident)

    def development(self, ident: str) -> Markup:
        return self.to("development", ident)

    def actor(self, ident: str) -> Markup:
        return self.to("actor", ident)

    def place(self, ident: str) -> Markup:
        return self.to("place", ident)

    def topic(self, ident: str) -> Markup:
        return self.to("topic", ident)

    def source(self, ident: str) -> Markup:
        """A source's entry in the source list (its own page lists what cites it)."""
        return self.to("sources", anchor=f"source-{ident}")
