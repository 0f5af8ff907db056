"""Validated briefing → a tree of Markdown pages, feed, exports and assets; no MkDocs here.

``render_site`` returns ``{path: content}`` for every page at the URLs of the
contract; the MkDocs plugin adds them to a build, ``briefing render`` writes
them to a folder for inspection or another engine. A template mistake becomes
a diagnostic pointing at the template's line, never a traceback.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .diagnostics import Mark, Report
from .exports import atom_feed, developments_json, events_geojson
from .loader import display_path
from .model import Briefing
from .output import write_tree
from .pipeline import load
from .schema import Likelihood
from .templating import make_environment
from .views import DevView, Index, MapView, Urls, page_path, paginate

__all__ = ["ASSETS", "PageCache", "render_site", "render_to_folder"]

# Static files copied into the tree: {tree path: path under templates/}.
ASSETS = {
    "assets/briefing/briefing.css": "assets/briefing.css",
    "assets/briefing/iframe-worker-shim.js": "assets/vendor/iframe-worker-shim.js",
}
LATEST = 6  # cards on the overview
TIMELINE_PAGE = 100  # developments per timeline page
PROFILE_PAGE = 50  # developments per actor, place or source page
RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
LIKELIHOOD: tuple[Likelihood, ...] = (
    "almost no chance", "very unlikely", "unlikely", "roughly even chance",
    "likely", "very likely", "almost certain",
)  # fmt: skip


@dataclass
class PageCache:
    """Pages rendered earlier, with the inputs they were rendered from.

    Held by a long-lived caller (the MkDocs plugin under ``mkdocs serve``): a page
    whose template context compares equal to last time is not rendered again.
    Only pages whose templates see nothing but their explicit context are cached
    (development, actor, place and source pages: the bulk of a large briefing);
    any change to a file under templates/ empties the cache.
    """

    stamp: tuple[tuple[str, int, int], ...] = ()
    entries: dict[str, tuple[Any, str]] = field(default_factory=dict)
    env: jinja2.Environment | None = None  # compiled templates, kept while unchanged
    exports: dict[str, tuple[Any, str]] = field(default_factory=dict)  # encoded JSON records
    feed: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # Atom entries

    def prepare(self, templates: Path) -> None:
        stamp = tuple(
            sorted(
                (str(p.relative_to(templates)), p.stat().st_mtime_ns, p.stat().st_size)
                for p in templates.rglob("*")
                if p.is_file()
            )
        )
        if stamp != self.stamp:
            self.stamp, self.entries, self.env = stamp, {}, None


class _Pages:
    """Renders each page kind with its template; collects template errors."""

    def __init__(
        self,
        briefing: Briefing,
        templates: Path,
        report: Report,
        site_url: str,
        base: Path,
        cache: PageCache | None = None,
    ) -> None:
        self.briefing = briefing
        self.cache = cache
        if cache is not None:
            cache.prepare(templates)
        self.base = base
        env = cache.env if cache is not None else None
        if env is None:
            env = make_environment(templates)
            env.globals.update(
                RELIABILITY=RELIABILITY, CREDIBILITY=CREDIBILITY, LIKELIHOOD=LIKELIHOOD
            )
            if cache is not None:
                cache.env = env
        self.env: jinja2.Environment = env
        self.failed: set[tuple[str, Mark, str]] = set()
        self.templates = templates
        self.report = report
        self.index = Index.build(briefing)
        self.site_url = site_url.rstrip("/")
        # Pages that list or summarise the whole briefing see all of it; cached
        # pages see only their explicit context (so that it is their cache key).
        self.whole: dict[str, Any] = {
            "meta": briefing.meta,
            "briefing": briefing,
            "index": self.index,
        }
        self.out: dict[str, str] = {}

    def page(self, kind: str, template: str, ident: str = "", **context: Any) -> None:
        self.render(page_path(kind, ident), template, **context)

    def render(self, path: str, template: str, *, cached: bool = False, **context: Any) -> None:
        key = (template, self.site_url, sorted(context.items()))
        if cached and self.cache is not None:
            previous = self.cache.entries.get(path)
            if previous is not None and previous[0] == key:
                self.out[path] = previous[1]
                return
        scope = {} if cached else self.whole
        try:
            text = self.env.get_template(template).render(
                **scope, site_url=self.site_url, urls=Urls(path), page_path=path, **context
            )
            # Templates may leave runs of blank lines; one is all Markdown needs
            # (prose HTML and code blocks carry no blank lines of their own).
            self.out[path] = _BLANK_RUNS.sub("\n\n", text)
            if cached and self.cache is not None:
                self.cache.entries[path] = (key, self.out[path])
        except jinja2.TemplateSyntaxError as exc:
            where = Path(exc.filename) if exc.filename else self.templates / template
            self._error(display_path(where, self.base), Mark(exc.lineno or 1), exc.message or "")
        except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
            self._error(*self._where(exc, template), f"{exc} (first while rendering {path})")

    def _error(self, shown: str, mark: Mark, message: str) -> None:
        """Report a template problem once, not once per page that uses the template."""
        key = (shown, mark, message.split(" (first while")[0])
        if key not in self.failed:
            self.failed.add(key)
            self.report.error(shown, mark, f"template: {message}")

    def _where(self, exc: BaseException, template: str) -> tuple[str, Mark]:
        line = 1
        name = str(self.templates / template)
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            filename = frame.f_code.co_filename
            if filename.endswith(".j2"):
                name, line = filename, lineno
        return display_path(Path(name), self.base), Mark(line)

    def all(self) -> dict[str, str]:
        b, index = self.briefing, self.index
        views = {i: DevView.build(i, d, b) for i, d in index.newest}
        latest = [views[i] for i, _ in index.newest[:LATEST]]
        self.page("home", "overview.md.j2", latest=latest, map=MapView.build(b, index.by_place))
        for path, chunk, pager in paginate(index.newest, TIMELINE_PAGE, "situation"):
            places = {i: [b.places[p].name for p in d.places] for i, d in chunk}
            self.render(
                path, "timeline.md.j2", cached=True, days=index.by_day(chunk), places=places,
                pager=pager, total=len(index.newest), as_of=b.meta.as_of,
            )  # fmt: skip
        for ident, view in views.items():
            self.render(
                page_path("development", ident), "development.md.j2", cached=True, view=view
            )
        topics = b.topics_in_order()
        self.page("background", "background.md.j2", topics=topics)
        for ident, topic in topics:
            self.page("topic", "topic.md.j2", ident, id=ident, topic=topic)
        self.profiles()
        self.page("about", "about.md.j2")
        self.files()
        return self.out

    def profiles(self) -> None:
        """Actor, place and source pages, each with its developments, paginated."""
        b, index = self.briefing, self.index
        self.page("actors", "actors.md.j2", actors=sorted(b.actors.items(), key=_by_name))
        for ident, actor in b.actors.items():
            devs = index.developments(index.by_actor.get(ident, []))
            topics = [(t, b.topics[t].title) for t in index.topics_by_actor.get(ident, [])]
            for path, chunk, pager in paginate(devs, PROFILE_PAGE, "actor", ident):
                self.render(
                    path, "actor.md.j2", cached=True, id=ident, actor=actor, developments=chunk,
                    pager=pager, topics=topics,
                )  # fmt: skip
        self.page("places", "places.md.j2", places=sorted(b.places.items(), key=_by_name))
        for ident, place in b.places.items():
            devs = index.developments(index.by_place.get(ident, []))
            inside = sorted(index.inside.get(ident, []), key=_by_name)
            topics = [(t, b.topics[t].title) for t in index.topics_by_place.get(ident, [])]
            within = (place.within, b.places[place.within].name) if place.within else None
            for path, chunk, pager in paginate(devs, PROFILE_PAGE, "place", ident):
                self.render(
                    path, "place.md.j2", cached=True, id=ident, place=place, developments=chunk,
                    pager=pager, inside=inside, topics=topics, within=within,
                )  # fmt: skip
        sources = sorted(b.sources.items(), key=_by_name)
        self.page("sources", "sources.md.j2", sources=sources)
        for ident, source in sources:
            devs = index.developments(index.by_source.get(ident, []))
            for path, chunk, pager in paginate(devs, PROFILE_PAGE, "source", ident):
                self.render(
                    path, "source.md.j2", cached=True, id=ident, source=source,
                    developments=chunk, pager=pager,
                )  # fmt: skip

    def files(self) -> None:
        """The feed, the data exports and the static assets."""
        b, site_url = self.briefing, self.site_url
        cache = self.cache
        self.out["feed.xml"] = atom_feed(b, site_url, cache.feed if cache else None)
        self.out["data/developments.json"] = developments_json(
            b, site_url, cache.exports if cache else None
        )
        self.out["data/events.geojson"] = events_geojson(b, site_url)
        for tree_path, template_path in ASSETS.items():
            try:
                self.out[tree_path] = (self.templates / template_path).read_text(encoding="utf-8")
            except OSError as exc:
                shown = display_path(self.templates / template_path, self.base)
                self.report.error(shown, Mark(), f"cannot read: {exc.strerror or exc}")


_BLANK_RUNS = re.compile(r"\n{3,}")


def _by_name(item: tuple[str, Any]) -> tuple[str, str]:
    return (str(item[1].name).casefold(), item[0])


def render_site(
    briefing: Briefing,
    templates: Path,
    report: Report,
    site_url: str = "",
    base: Path | None = None,
    cache: PageCache | None = None,
) -> dict[str, str]:
    """Every page of the site as ``{tree path: Markdown}``; errors go to ``report``.

    ``base`` is the folder paths in messages are relative to (default: working directory);
    ``cache`` lets a long-lived caller skip pages whose inputs did not change.
    """
    return _Pages(briefing, templates, report, site_url, base or Path.cwd(), cache).all()


def render_to_folder(
    briefings: Path,
    templates: Path,
    out: Path,
    report: Report,
    load_fn: Callable[[Path, Report], Briefing | None] = load,
    site_url: str = "",
) -> int | None:
    """Load, validate, render and write the tree to ``out``. Returns the page count.

    ``out`` must be empty, missing, or a folder this command wrote before (it keeps a
    manifest there); files it did not write are never deleted or overwritten.
    """
    briefing = load_fn(briefings, report)
    if briefing is None:
        return None
    pages = render_site(briefing, templates, report, site_url)
    if report.errors:
        return None
    written = write_tree(pages, out, report)
    return written if not report.errors else None
