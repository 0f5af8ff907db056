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
from typing import Any

from .model import Briefing
from .urls import ROUTES, page_path
from .views import DevView, Index, MapView, paginate

__all__ = ["BUILDERS", "Job", "jobs"]

LATEST = 6  # cards on the overview
TIMELINE_PAGE = 100  # developments per timeline page
PROFILE_PAGE = 50  # developments per actor, place or source page


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

    @classmethod
    def build(cls, briefing: Briefing) -> _Site:
        index = Index.build(briefing)
        return cls(briefing, index, {i: DevView.build(i, d, briefing) for i, d in index.newest})


Builder = Callable[[_Site, str, str], Iterator[Job]]  # (site, kind, template)


def _by_name(item: tuple[str, Any]) -> tuple[str, str]:
    return (str(item[1].name).casefold(), item[0])


def _single(site: _Site, kind: str, template: str) -> Iterator[Job]:
    if "{id}" in ROUTES[kind].path:
        raise ValueError(f"route '{kind}' has a page per entry: pages.BUILDERS needs a builder")
    yield Job(page_path(kind), template)


def _home(site: _Site, kind: str, template: str) -> Iterator[Job]:
    latest = list(site.views.values())[:LATEST]
    themap = MapView.build(site.briefing, site.index.by_place)
    yield Job(page_path(kind), template, {"latest": latest, "map": themap})


def _timeline(site: _Site, kind: str, template: str) -> Iterator[Job]:
    b, index = site.briefing, site.index
    for path, chunk, pager in paginate(index.newest, TIMELINE_PAGE, kind):
        places = {i: [b.places[p].name for p in d.places] for i, d in chunk}
        context = {
            "days": index.by_day(chunk), "places": places, "pager": pager,
            "total": len(index.newest),
        }  # fmt: skip
        yield Job(path, template, context, cached=True)


def _development(site: _Site, kind: str, template: str) -> Iterator[Job]:
    for ident, view in site.views.items():
        yield Job(page_path(kind, ident), template, {"view": view}, cached=True)


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
        for path, chunk, pager in paginate(devs, PROFILE_PAGE, kind, ident):
            context = {
                "id": ident, "place": place, "developments": chunk, "pager": pager,
                "inside": inside, "topics": topics, "within": within,
            }  # fmt: skip
            yield Job(path, template, context, cached=True)


def _source(site: _Site, kind: str, template: str) -> Iterator[Job]:
    index = site.index
    for ident, source in sorted(site.briefing.sources.items(), key=_by_name):
        devs = index.developments(index.by_source.get(ident, []))
        for path, chunk, pager in paginate(devs, PROFILE_PAGE, kind, ident):
            context = {"id": ident, "source": source, "developments": chunk, "pager": pager}
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
}


def jobs(briefing: Briefing) -> tuple[Index, list[Job]]:
    """The briefing's reverse index and a job for every page, in the table's order."""
    site = _Site.build(briefing)
    out: list[Job] = []
    for kind, route in ROUTES.items():
        if route.template is not None:
            out.extend(BUILDERS.get(kind, _single)(site, kind, route.template))
    return site.index, out
