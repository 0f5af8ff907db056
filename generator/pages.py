"""What each page of the site is given: one job per page, in the order of the URL table.

A job names a tree path, a template and the context the template receives
(besides the globals every template has: ``meta``, ``urls``, ``vocab``). A
page kind with one fixed URL needs no code here: its route in
:data:`.urls.ROUTES` and its template are enough, and the template sees the
whole briefing (``briefing``, ``index``). Kinds that show prepared data, or
one page per entry, have a builder below.

*Cached* jobs see only their explicit context, which is then their cache key
under ``mkdocs serve`` (development, actor, place and source pages: the bulk
of a large briefing); the others see the whole briefing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from . import brief
from .basemap import basemap_key
from .changes import Change, FigureView, by_day, changes, figure_views, latest_day
from .charts import ActivityChart
from .geo import Projection
from .maps import AREA_KINDS, MapView, Points, build_map, extent_of, overview_places
from .model import Briefing
from .schema import Indicator
from .tags import Tag, dev_tags, tags_of
from .urls import ROUTES, page_path
from .views import Affected, DevView, Index, SourceStanding, paginate
from .watch import WatchList, bearing

__all__ = ["BUILDERS", "Job", "Plan", "plan"]

LATEST = 6  # cards on the overview
TIMELINE_PAGE = 100  # developments per timeline page
PROFILE_PAGE = 50  # developments per actor, place, source or tag page
CHANGES_PAGE = 100  # changes per page of /changes/
LATEST_CHANGES = 8  # the latest day's changes on the overview
NEIGHBOURS = 6  # other places on a place's map
SMALL_MAP = 320  # SVG units across (and at most down) a development's or a place's map


@dataclass(frozen=True)
class Job:
    path: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    cached: bool = False


@dataclass(frozen=True)
class _Site:
    briefing: Briefing
    index: Index
    views: dict[str, DevView]  # every development's view, newest first
    projection: Projection | None  # the overview's map; None when no place has coordinates
    small: Projection | None  # the same extent, half the size: development and place pages
    affected: Affected  # the claims resting on a withdrawn source (computed once)

    @classmethod
    def build(cls, briefing: Briefing) -> _Site:
        index = Index.build(briefing)
        affected = Affected.of(briefing.integrity)
        flagged = affected.by_development
        views = {i: DevView.build(i, d, briefing, flagged.get(i, ())) for i, d in index.newest}
        extent = extent_of(briefing)
        if extent is None:
            return cls(briefing, index, views, None, None, affected)
        small = Projection.fit(extent, SMALL_MAP, SMALL_MAP)
        return cls(briefing, index, views, Projection.fit(extent), small, affected)

    @cached_property
    def overview_map(self) -> MapView | None:
        """Every located place, those of the latest developments emphasised."""
        if self.projection is None:
            return None
        latest = list(self.views)[:LATEST]
        places = overview_places(self.briefing, latest, self.index.by_place)
        title = "Map of the places in this briefing"
        return build_map(self.briefing, self.projection, places, title)

    @cached_property
    def changes(self) -> list[Change]:
        return changes(self.briefing)

    @cached_property
    def figures(self) -> list[FigureView]:
        return figure_views(self.briefing, self.affected.figures)

    @cached_property
    def watch(self) -> WatchList | None:
        return WatchList.build(self.briefing, self.index)

    @cached_property
    def bearing(self) -> dict[str, tuple[tuple[str, Indicator], ...]]:
        return bearing(self.briefing)

    @cached_property
    def tags(self) -> dict[str, Tag]:
        return tags_of(self.index.newest)

    @cached_property
    def points(self) -> Points:
        return Points.of(self.briefing)

    def small_map(self, places: list[tuple[str, str]], title: str) -> MapView | None:
        """A page's own map: only ``places`` ((id, role)), over the shared basemap."""
        if self.small is None or not places:
            return None
        view = build_map(self.briefing, self.small, places, title, small=True)
        return view if view.markers else None


Builder = Callable[[_Site, str, str], Iterator[Job]]  # (site, kind, template)


def _by_name(item: tuple[str, Any]) -> tuple[str, str]:
    return (str(item[1].name).casefold(), item[0])


def _single(site: _Site, kind: str, template: str) -> Iterator[Job]:
    if "{id}" in ROUTES[kind].path:
        raise ValueError(f"route '{kind}' has a page per entry: pages.BUILDERS needs a builder")
    yield Job(page_path(kind), template)


def _home(site: _Site, kind: str, template: str) -> Iterator[Job]:
    latest = list(site.views.values())[:LATEST]
    context = {"latest": latest, "map": site.overview_map, "figures": site.figures}
    changed = latest_day(site.changes, LATEST_CHANGES)
    stale = sum(view.stale is not None for view in site.views.values())  # see clocks.stale_days
    whole: dict[str, Any] = {**context, "changed": changed, "stale": stale, "watch": site.watch}
    yield Job(page_path(kind), template, whole)


def _changes(site: _Site, kind: str, template: str) -> Iterator[Job]:
    """What changed, newest first, by day; the key figures' histories on the first page."""
    for path, chunk, pager in paginate(site.changes, CHANGES_PAGE, kind):
        context = {
            "days": by_day(chunk), "pager": pager, "total": len(site.changes),
            "figures": site.figures if pager.number == 1 else [],
        }  # fmt: skip
        yield Job(path, template, context, cached=True)


def _brief(site: _Site, kind: str, template: str) -> Iterator[Job]:
    """The printable brief: the latest developments, one reference list, the overview's map."""
    shown = brief.latest(list(site.views.values()))
    context = {"latest": shown, "references": brief.number_references(shown)}
    yield Job(page_path(kind), template, {**context, "map": site.overview_map,
                                          "figures": site.figures})  # fmt: skip


def _timeline(site: _Site, kind: str, template: str) -> Iterator[Job]:
    b, index = site.briefing, site.index
    chart = ActivityChart.build(b)  # frozen tuples: compares by value, as a cache key must
    for path, chunk, pager in paginate(index.newest, TIMELINE_PAGE, kind):
        places = {i: [b.places[p].name for p in d.places] for i, d in chunk}
        context = {
            "days": index.by_day(chunk), "places": places, "pager": pager,
            "total": len(index.newest), "chart": chart if pager.number == 1 else None,
            "stale": {i: site.views[i].stale for i, _ in chunk},
        }  # fmt: skip
        yield Job(path, template, context, cached=True)


def _development(site: _Site, kind: str, template: str) -> Iterator[Job]:
    for ident, view in site.views.items():
        places = [(p, "focus") for p in view.dev.places]
        themap = site.small_map(places, f"Map of the places of {view.dev.title}")
        watch = site.bearing.get(ident, ())  # the indicators naming it
        tags = dev_tags(view.dev)  # [(tag id, text as written)]
        context = {"view": view, "map": themap, "watch": watch, "tags": tags}
        yield Job(page_path(kind, ident), template, context, cached=True)


def _topics(site: _Site, kind: str, template: str) -> Iterator[Job]:
    yield Job(page_path(kind), template, {"topics": site.briefing.topics_in_order()})


def _topic(site: _Site, kind: str, template: str) -> Iterator[Job]:
    for ident, topic in site.briefing.topics_in_order():
        yield Job(page_path(kind, ident), template, {"id": ident, "topic": topic})


def _registry_list(name: str) -> Builder:
    """The list page of a registry (actors, places, sources), sorted by name."""

    def build(site: _Site, kind: str, template: str) -> Iterator[Job]:
        entries = sorted(getattr(site.briefing, name).items(), key=_by_name)
        yield Job(page_path(kind), template, {name: entries})

    return build


def _actor(site: _Site, kind: str, template: str) -> Iterator[Job]:
    b, index = site.briefing, site.index
    for ident, actor in b.actors.items():
        devs = index.developments(index.by_actor.get(ident, []))
        topics = [(t, b.topics[t].title) for t in index.topics_by_actor.get(ident, [])]
        for path, chunk, pager in paginate(devs, PROFILE_PAGE, kind, ident):
            context = {
                "id": ident, "actor": actor, "developments": chunk, "pager": pager,
                "topics": topics,
            }  # fmt: skip
            yield Job(path, template, context, cached=True)


def _place(site: _Site, kind: str, template: str) -> Iterator[Job]:
    b, index = site.briefing, site.index
    for ident, place in b.places.items():
        devs = index.developments(index.by_place.get(ident, []))
        inside = sorted(index.inside.get(ident, []), key=_by_name)
        topics = [(t, b.topics[t].title) for t in index.topics_by_place.get(ident, [])]
        within = (place.within, b.places[place.within].name) if place.within else None
        themap = None
        if place.lat is not None and place.kind not in AREA_KINDS:
            assert place.lon is not None
            close = site.points.nearest(place.lon, place.lat, NEIGHBOURS, ident)
            nearby = [(ident, "focus"), *((n, "near") for n in close)]
            themap = site.small_map(nearby, f"Map of {place.name} and the places nearest to it")
        for path, chunk, pager in paginate(devs, PROFILE_PAGE, kind, ident):
            context = {
                "map": themap if pager.number == 1 else None,
                "id": ident, "place": place, "developments": chunk, "pager": pager,
                "inside": inside, "topics": topics, "within": within,
            }  # fmt: skip
            yield Job(path, template, context, cached=True)


def _source(site: _Site, kind: str, template: str) -> Iterator[Job]:
    index = site.index
    for ident, source in sorted(site.briefing.sources.items(), key=_by_name):
        devs = index.developments(index.by_source.get(ident, []))
        claims = site.affected.by_source.get(ident, [])
        standing = SourceStanding.build(ident, devs, claims, site.briefing)
        for path, chunk, pager in paginate(devs, PROFILE_PAGE, kind, ident):
            context = {
                "id": ident, "source": source, "developments": chunk, "pager": pager,
                "standing": standing.page(chunk, pager.number == 1),
            }  # fmt: skip
            yield Job(path, template, context, cached=True)


def _indicators(site: _Site, kind: str, template: str) -> Iterator[Job]:
    """The watch list, only when the briefing has an indicators.yaml with entries."""
    watch = site.watch
    if watch is not None:
        indicators = list(site.briefing.indicators.items())
        yield Job(page_path(kind), template, {"indicators": indicators, "watch": watch})


def _tags(site: _Site, kind: str, template: str) -> Iterator[Job]:
    """Every tag with its count, by name (written even when no development has a tag)."""
    yield Job(page_path(kind), template, {"tags": list(site.tags.values())}, cached=True)


def _tag(site: _Site, kind: str, template: str) -> Iterator[Job]:
    """A tag's developments, newest first, paginated like an actor's."""
    index = site.index
    for ident, tag in site.tags.items():
        devs = index.developments(list(tag.developments))
        for path, chunk, pager in paginate(devs, PROFILE_PAGE, kind, ident):
            context = {"id": ident, "tag": tag, "developments": chunk, "pager": pager}
            yield Job(path, template, context, cached=True)


# Page kinds whose template needs prepared data; every other kind uses _single.
BUILDERS: dict[str, Builder] = {
    "home": _home,
    "situation": _timeline,
    "development": _development,
    "background": _topics,
    "topic": _topic,
    "actors": _registry_list("actors"),
    "actor": _actor,
    "places": _registry_list("places"),
    "place": _place,
    "sources": _registry_list("sources"),
    "source": _source,
    "brief": _brief,
    "changes": _changes,
    "indicators": _indicators,
    "tags": _tags,
    "tag": _tag,
}


@dataclass(frozen=True)
class Plan:
    index: Index  # the briefing's reverse indexes (whole pages see it)
    jobs: list[Job]  # a job for every page, in the table's order
    basemaps: dict[str, Projection]  # the basemap files the maps refer to, by key


def plan(briefing: Briefing) -> Plan:
    """Everything the site's pages need, before anything is rendered."""
    site = _Site.build(briefing)
    out: list[Job] = []
    for kind, route in ROUTES.items():
        if route.template is not None:
            out.extend(BUILDERS.get(kind, _single)(site, kind, route.template))
    basemaps = {basemap_key(p): p for p in (site.projection, site.small) if p is not None}
    return Plan(site.index, out, basemaps)
