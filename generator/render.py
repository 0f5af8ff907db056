"""Page jobs → text: every page through its template, plus the feed, the data and assets.

``render_site`` returns ``{tree path: content}`` for the whole site; the MkDocs
plugin adds it to a build, ``briefing render`` writes it to a folder. What each
page receives comes from :mod:`.pages`, where it lives from :mod:`.urls`. A
template mistake becomes a diagnostic at the template's line, never a
traceback, and is reported once however many pages use the template.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import jinja2

from .basemap import basemap_svg
from .diagnostics import Mark, Report
from .exports import developments_json, events_geojson
from .feed import atom_feed
from .filterindex import filter_index
from .forks import map_forked
from .interchange import events_csv, timeline_json
from .loader import display_path
from .model import Briefing
from .pages import Job, plan
from .templating import GLOBALS, make_environment, template_problem
from .urls import Urls, page_path

__all__ = ["ASSETS", "SCRIPTS", "PageCache", "render_site"]

# Static files copied into the tree: {tree path: path under templates/}.
ASSETS = {
    "assets/briefing/briefing.css": "assets/briefing.css",
    "assets/briefing/iframe-worker-shim.js": "assets/vendor/iframe-worker-shim.js",
    "assets/briefing/filters.js": "assets/filters.js",
    "assets/briefing/a11y.js": "assets/a11y.js",
    "assets/briefing/search.js": "assets/search.js",  # the header's box with Pagefind
}
# Those of them every page loads as a script (MkDocs' extra_javascript; the shim is not).
SCRIPTS = ("assets/briefing/filters.js", "assets/briefing/a11y.js", "assets/briefing/search.js")
_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass
class PageCache:
    """Pages rendered earlier, with the inputs they were rendered from.

    Held by a long-lived caller (the MkDocs plugin under ``mkdocs serve``): a
    cached job whose context compares equal to last time is not rendered again.
    Any change to a file under templates/ (by content) empties it.
    """

    stamp: str = ""
    entries: dict[str, tuple[Any, str]] = field(default_factory=dict)
    env: jinja2.Environment | None = None  # compiled templates, kept while unchanged
    exports: dict[str, tuple[Any, str]] = field(default_factory=dict)  # encoded JSON records
    feed: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # Atom entries

    def environment(
        self, templates: Path, bytecode: jinja2.BytecodeCache | None = None
    ) -> jinja2.Environment:
        digest = hashlib.blake2b(digest_size=16)
        for path in sorted(p for p in templates.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(templates)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        if digest.hexdigest() != self.stamp or self.env is None:
            self.stamp, self.entries = digest.hexdigest(), {}
            self.env = make_environment(templates, bytecode)
        return self.env


@dataclass(frozen=True)
class _Problem:
    """A template's problem, as a value (it may come back from another process)."""

    shown: str
    mark: Mark
    message: str


class _Renderer:
    """Renders jobs with one environment; collects template errors once each."""

    def __init__(
        self, briefing: Briefing, templates: Path, report: Report, site_url: str,
        base: Path, cache: PageCache | None, bytecode: jinja2.BytecodeCache | None = None,
    ) -> None:  # fmt: skip
        self.templates, self.report, self.site_url, self.base = templates, report, site_url, base
        self.cache = cache
        if cache is not None:
            self.env = cache.environment(templates, bytecode)
        else:
            self.env = make_environment(templates, bytecode)
        self.meta = briefing.meta
        self.failed: set[tuple[str, Mark, str]] = set()

    def attempt(self, job: Job, whole: dict[str, Any]) -> str | _Problem:
        """The page's text or its template's problem; changes nothing but the cache."""
        key = (job.template, self.site_url, self.meta, sorted(job.context.items()))
        if job.cached and self.cache is not None:
            previous = self.cache.entries.get(job.path)
            if previous is not None and previous[0] == key:
                return previous[1]
        scope = {} if job.cached else whole
        context = {
            **scope, **job.context, "meta": self.meta,
            "urls": Urls(job.path, self.site_url),
        }  # fmt: skip
        try:
            text = self.env.get_template(job.template).render(context)
        except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
            names = {*context, *GLOBALS}
            where, mark, message = template_problem(exc, job.template, self.templates, names)
            return _Problem(display_path(where, self.base), mark, message)
        # Templates may leave runs of blank lines; one is all Markdown needs
        # (prose HTML and code blocks carry no blank lines of their own).
        text = _BLANK_RUNS.sub("\n\n", text)
        if job.cached and self.cache is not None:
            self.cache.entries[job.path] = (key, text)
        return text

    def compile(self, names: set[str]) -> None:
        """Compile these templates now, once, so that forked workers share them."""
        for name in sorted(names):
            # A broken template is reported at its line by attempt(), with the page it broke.
            with contextlib.suppress(jinja2.TemplateError):
                self.env.get_template(name)

    def settle(self, job: Job, result: str | _Problem) -> str | None:
        """The page's text, or None after reporting its template's problem (once)."""
        if isinstance(result, _Problem):
            self._error(result.shown, result.mark, result.message, job.path)
            return None
        return result

    def _error(self, shown: str, mark: Mark, message: str, path: str) -> None:
        """Report a template problem once, not once per page that uses the template."""
        if (shown, mark, message) not in self.failed:
            self.failed.add((shown, mark, message))
            self.report.error(shown, mark, f"template: {message} (first while rendering {path})")


def render_site(
    briefing: Briefing,
    templates: Path,
    report: Report,
    site_url: str = "",
    base: Path | None = None,
    cache: PageCache | None = None,
    feed_id: str = "",
    workers: int = 1,
    bytecode: jinja2.BytecodeCache | None = None,
) -> dict[str, str]:
    """Every page and file of the site as ``{tree path: text}``; errors go to ``report``.

    ``base`` is the folder paths in messages are relative to (default: working directory);
    ``cache`` lets a long-lived caller skip pages whose inputs did not change;
    ``site_url`` makes the feed's and the data's links absolute; ``feed_id`` is the
    feed's permanent id (see :mod:`.feed`); ``workers`` processes share the pages
    (see :mod:`.forks`; pages they render do not enter ``cache``); ``bytecode`` keeps
    the compiled templates between runs (see :mod:`.bytecode`).
    """
    base = base or Path.cwd()
    renderer = _Renderer(briefing, templates, report, site_url, base, cache, bytecode)
    site = plan(briefing)
    whole = {"briefing": briefing, "index": site.index}
    feed_cache, export_cache = (cache.feed, cache.exports) if cache else (None, None)
    # The files made in Python, each a task like a page; listed first, so that the
    # workers share these few big ones before the many small pages.
    files: dict[str, Callable[[], str]] = {
        page_path("feed"): lambda: atom_feed(briefing, site_url, feed_cache, feed_id),
        page_path("developments_json"): lambda: developments_json(
            briefing, site_url, export_cache
        ),
        page_path("events_geojson"): lambda: events_geojson(briefing, site_url),
        page_path("events_csv"): lambda: events_csv(briefing, site_url),
        page_path("timeline_json"): lambda: timeline_json(briefing, site_url),
        page_path("filter_index"): lambda: filter_index(briefing, site.index.newest),
        **{
            page_path("basemap", key): partial(basemap_svg, projection)
            for key, projection in site.basemaps.items()
        },
    }

    def run(task: Job | str) -> str | _Problem:
        return files[task]() if isinstance(task, str) else renderer.attempt(task, whole)

    if workers > 1:
        renderer.compile({job.template for job in site.jobs})
    tasks: list[Job | str] = [*files, *site.jobs]
    done = map_forked(run, tasks, workers)
    out: dict[str, str] = {}
    for number, job in enumerate(site.jobs, start=len(files)):
        text = renderer.settle(job, done[number])
        if text is not None:
            out[job.path] = text
    for number, path in enumerate(files):
        result = done[number]
        assert isinstance(result, str)  # files made in Python have no template to fail
        out[path] = result
    for tree_path, template_path in ASSETS.items():
        try:
            out[tree_path] = (templates / template_path).read_text(encoding="utf-8")
        except OSError as exc:
            shown = display_path(templates / template_path, base)
            report.error(shown, Mark(), f"cannot read: {exc.strerror or exc}")
    return out
