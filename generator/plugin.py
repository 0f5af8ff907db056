"""The MkDocs plugin `briefings`: a thin layer over the core.

It coordinates only: load, validate and render happen in :mod:`.pipeline` and
:mod:`.render`, before MkDocs cleans ``site/`` (``on_pre_build``), so a briefing
with errors stops the build with every error printed and the previous site as
it was. Under ``mkdocs serve`` a broken edit is reported and the last good
pages keep being served until the file is fixed, every one under a banner listing
the errors (:mod:`.preview`).
"""

from __future__ import annotations

import contextlib
import gc
import importlib.metadata
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import mkdocs
from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files

from .bytecode import disk_bytecode_cache, source_digest
from .diagnostics import Mark, Report, Severity
from .edits import EditLinks, registry_lines, root_edit_uri
from .feed import FEED_ID_PATTERN
from .forks import available_workers
from .loader import DocumentCache, display_path
from .messages import counted
from .pipeline import load
from .preview import Broken, placeholder_pages, show_errors
from .render import ASSETS, SCRIPTS, PageCache, render_site
from .serving import (
    GeneratedFile,
    MemoryBytecodeCache,
    keep_out_of_nav_list,
    merge_search_index,
    remove_pages,
    wake_on_change,
)
from .sitesearch import (
    LATEST,
    SEARCH_ENGINES,
    Shelves,
    quiet_material_search,
    run_pagefind,
    uses_pagefind,
)
from .urls import page_path

__all__ = ["BriefingsConfig", "BriefingsPlugin"]

log = logging.getLogger("mkdocs.plugins.briefings")


@contextlib.contextmanager
def _collector_paused(paused: bool) -> Iterator[None]:
    """A one-off build's load and render make millions of objects and almost no
    cycles: Python's cycle collector would walk the growing heap again and again
    for nothing. Pause it, then freeze what survives (the model and the pages,
    kept until the build ends) so that MkDocs' own collections skip it."""
    if not paused or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.freeze()


def material_version() -> str:
    try:
        return importlib.metadata.version("mkdocs-material")
    except importlib.metadata.PackageNotFoundError:
        return "none"

# Markdown extensions the generated pages rely on.
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "tables", "toc")


class BriefingsConfig(base.Config):
    briefings_dir = c.Type(str, default="briefings")
    """The briefing folder, relative to mkdocs.yml."""
    templates_dir = c.Type(str, default="templates")
    """The Jinja templates of the pages, relative to mkdocs.yml."""
    cache_dir = c.Type(str, default=".cache/briefings")
    """Where compiled templates are kept between builds, relative to mkdocs.yml
    ("" for none). Safe to delete; CI may restore it to build faster."""
    feed_id = c.Type(str, default="")
    """The Atom feed's permanent id, a URI such as ``tag:example.org,2024:sudan``
    (default: made from ``site_url``); feed readers know every entry by it."""
    use_briefing_title = c.Type(bool, default=True)
    """Name the site after briefing.yaml's ``title`` (the header, every page's
    <title>), replacing mkdocs.yml's ``site_name``; false keeps ``site_name``."""
    search = c.Choice(SEARCH_ENGINES, default="pagefind")
    """The header's search on a built site: ``pagefind`` (Pagefind's index, fetched a
    little at a time; the offline copy and ``mkdocs serve`` keep Material's) or
    ``material`` (Material's everywhere). See :mod:`.sitesearch`."""
    search_first = c.Type(int, default=LATEST)
    """With Pagefind: how many developments, the newest, the first index searched holds
    with every other page; the rest are searched after it. See :mod:`.sitesearch`."""


class BriefingsPlugin(BasePlugin[BriefingsConfig]):
    def __init__(self) -> None:
        self.serving = False
        self.pages: dict[str, str] = {}
        self.last_good: dict[str, str] | None = None  # kept across rebuilds under serve
        self.written: dict[str, str] = {}  # what the previous build wrote, for dirty builds
        self.documents = DocumentCache()  # parsed YAML, reused for unchanged files
        self.rendered = PageCache()  # pages reused when their inputs are unchanged
        self.dirty = False
        self.search_docs: dict[str, list[str]] | None = None  # last complete search index
        self.rebuilt: set[str] = set()  # page URLs this build converts
        self.alive: set[str] = set()  # page URLs this build has
        self.theme_bytecode: jinja2.BytecodeCache | None = MemoryBytecodeCache()
        self.page_bytecode: jinja2.BytecodeCache | None = None
        self.observer: Any | None = None
        self.server: Any | None = None  # under serve, from on_serve on
        self.watched: list[Path] | None = None  # the folders watched, once serve watches
        self.told_site_url = False
        self.title = ""  # the last good briefing's title: the site's name (use_briefing_title)
        self.edits: EditLinks | None = None  # what each page's edit button opens
        self.stamps: dict[str, tuple[str | None, str]] = {}  # page → (edit_uri, site_name)
        self.broken: Broken | None = None  # under serve: the errors the browser is shown
        self.command = "build"
        self.pagefind = False  # this build publishes a Pagefind index (read by the theme)
        self.shelves = Shelves()  # which pages Pagefind indexes second (.sitesearch)
        self.built: list[tuple[str, str]] = []  # (tree path, built file) of every page

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also keeps this instance alive across serve rebuilds.
        self.serving = command == "serve"
        self.dirty = dirty
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        feed_id = self.config.feed_id
        if feed_id and not FEED_ID_PATTERN.match(feed_id):
            raise PluginError(
                f"briefings: feed_id '{feed_id}' is not a URI; use e.g. tag:example.org,2024:name"
            )
        if not config.site_url and not self.told_site_url:  # never under serve: it sets one
            self.told_site_url = True
            ids = "" if feed_id else (
                "; the feed's ids follow the briefing's title, so renaming it would show "
                "every entry as new in feed readers"
            )  # fmt: skip
            log.info(
                "briefings: site_url is not set: the feed, the data exports and the "
                f"permalinks carry links relative to the site{ids}. Set site_url in mkdocs.yml "
                "to the published address (e.g. https://you.github.io/repo/); the Pages "
                "workflow sets it from the repository's Pages address"
            )
        self.root = Path(config.config_file_path or ".").resolve().parent
        if config.edit_uri:  # edit links are paths from the folder of mkdocs.yml (.edits)
            config.edit_uri = root_edit_uri(config.edit_uri, Path(config.docs_dir), self.root)
        self.briefings = (self.root / self.config.briefings_dir).resolve()
        self.templates = (self.root / self.config.templates_dir).resolve()
        self._watch_folders()  # serve reloads mkdocs.yml when it changes: follow it
        if self.config.cache_dir and not self.serving:  # serve keeps them in memory
            folder = self.root / self.config.cache_dir
            code = Path(__file__).parent
            self.page_bytecode = disk_bytecode_cache(
                folder / "templates", jinja2.__version__, source_digest(code / "templating.py")
            )
            self.theme_bytecode = disk_bytecode_cache(
                folder / "theme", jinja2.__version__, mkdocs.__version__, material_version()
            )
        if self.config.search_first < 0:
            raise PluginError("briefings: search_first must be 0 or more developments")
        self.pagefind = uses_pagefind(self.config.search, self.command, config)
        if self.pagefind:  # Material's search box stays; its index is not built
            quiet_material_search(config)
        for name in REQUIRED_EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        for asset in ASSETS:
            if asset.endswith(".css") and asset not in config.extra_css:
                config.extra_css.append(asset)
        listed = {str(script) for script in config.extra_javascript}
        for script in SCRIPTS:
            if script not in listed:
                config.extra_javascript.append(script)
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        report = Report()
        with _collector_paused(not self.serving):
            briefing = load(self.briefings, report, base=self.root, cache=self.documents)
            pages: dict[str, str] = {}
            if briefing is not None:
                pages = render_site(
                    briefing, self.templates, report, config.site_url or "", self.root,
                    self.rendered, feed_id=self.config.feed_id,
                    # A one-off build shares the pages among the cores; under serve the
                    # page cache (and the server's threads) keep it in this process.
                    workers=1 if self.serving else available_workers(),
                    bytecode=self.page_bytecode,
                )  # fmt: skip
        if briefing is not None:
            self._check_docs_dir(config, pages, report)
        for item in report.sorted():
            (log.error if item.severity is Severity.ERROR else log.warning)(str(item))
        strict_stop = bool(config.strict and report.warnings and not self.serving)
        if not report.errors and not strict_stop:
            self.pages = self.last_good = pages
            self.broken = None
            if briefing is not None:
                self.title = briefing.meta.title
                self.shelves = Shelves.of(
                    [page_path("development", i) for i, _ in briefing.developments_newest_first()],
                    self.config.search_first,
                )
                lines = registry_lines(self.documents, self.briefings)
                docs = Path(config.docs_dir)
                self.edits = EditLinks(self.root, self.briefings, self.templates, docs, lines)
            return
        if not report.errors:  # --strict: refuse now, before MkDocs cleans site/
            count = len(report.warnings)
            raise PluginError(f"{count} warning(s) in the briefing under --strict; not built")
        count = len(report.errors)
        if self.serving:  # every served page lists the errors (.preview)
            self.broken = Broken(tuple(map(str, report.errors)), self.last_good is not None)
            errors = counted(count, "error")
            if self.last_good is not None:
                log.error(f"{errors} in the briefing: still serving the last good version")
                self.pages = self.last_good
            else:
                log.error(f"{errors} in the briefing: nothing to serve until they are fixed")
                self.pages = placeholder_pages(self.templates, Path(config.docs_dir))
                config.nav = None  # the placeholder alone, no word of the pages not there
            return
        raise PluginError(f"{count} error(s) in the briefing; the site was not built")

    def _check_docs_dir(self, config: MkDocsConfig, pages: dict[str, str], report: Report) -> None:
        """Refuse, before MkDocs cleans site/, a docs_dir file that would replace a page."""
        docs = Path(config.docs_dir)
        for path in sorted(pages):
            if (docs / path).exists():
                shown = display_path(docs / path, self.root)
                report.error(shown, Mark(), "this file would replace a generated page; rename it")

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if self.config.use_briefing_title and self.title:  # escaped: themes print it as HTML
            config.site_name = Markup.escape(" ".join(self.title.split()))
        generated = []
        for path, content in self.pages.items():
            file = GeneratedFile.generated(config, path, content=content)
            assert isinstance(file, GeneratedFile)
            file.changed = self.written.get(path) != content
            self._set_source(file, config)
            files.append(file)
            generated.append(file)
        keep_out_of_nav_list(generated, config)
        if self.serving and self.dirty:  # a dirty build keeps old output: drop what is gone
            remove_pages(config, self.written.keys() - self.pages.keys())
            if config.nav is None and self.written.keys() != self.pages.keys():
                for file in generated:  # every page's automatic nav changes
                    file.changed = True
        for page in files.documentation_pages():  # docs_dir's own: edit_uri from the root too
            if not isinstance(page, GeneratedFile) and self.edits is not None:
                page.edit_uri = self.edits.written(page.src_uri)
        self.written = self.pages
        pages = files.documentation_pages()
        self.built = [(f.src_uri, f.dest_uri) for f in pages]
        self.alive = {f.url for f in pages}
        self.rebuilt = {f.url for f in pages if f.is_modified()}
        log.debug(f"{len(self.rebuilt)} of {len(pages)} pages changed")
        return files

    def _set_source(self, file: GeneratedFile, config: MkDocsConfig) -> None:
        """The file the page's edit button opens (see .edits); a page whose edit link or
        site name changed is rebuilt, even when its text did not."""
        file.edit_uri = self.edits.generated(file.src_uri) if self.edits else None
        stamp = (file.edit_uri, config.site_name)
        file.changed = file.changed or self.stamps.get(file.src_uri, stamp) != stamp
        self.stamps[file.src_uri] = stamp

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        # MkDocs makes a new theme environment on every build: keep what it compiles.
        if self.theme_bytecode is not None:
            env.bytecode_cache = self.theme_bytecode
        return env

    # Last, whatever the plugins' order in mkdocs.yml: the search plugin writes its
    # index in its own on_post_build, which must have run before the merge.
    @event_priority(-100)
    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.serving and self.dirty:
            path = Path(config.site_dir) / "search" / "search_index.json"
            self.search_docs = merge_search_index(path, self.search_docs, self.alive, self.rebuilt)
        if self.pagefind:  # every page is written: index them
            took = run_pagefind(Path(config.site_dir), self.built, self.shelves, self.root)
            said = ", ".join(f"{name}/ {seconds:.1f} s" for name, seconds in took.items())
            log.info(f"briefings: Pagefind indexed the site for search ({said})")

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        self.server = server
        show_errors(server, lambda: self.broken)
        self._watch_folders()
        return server

    def _watch_folders(self) -> None:
        """Under serve, watch the briefing and templates folders: from on_serve, and again
        after each reload of mkdocs.yml, so a new briefings_dir is watched instead of the old."""
        folders = [folder for folder in (self.briefings, self.templates) if folder.is_dir()]
        if self.server is None or folders == self.watched:
            return
        if self.watched is None:
            self.observer = wake_on_change(self.server, folders)
        else:
            shown = ", ".join(display_path(folder, self.root) for folder in folders) or "nothing"
            log.info(f"briefings: mkdocs.yml changed; now watching {shown}")
            if self.observer is not None:
                self.observer.follow(folders)
        if self.observer is None:  # MkDocs' own watch, where ours cannot run
            for folder in self.watched or []:
                self.server.unwatch(str(folder))
            for folder in folders:
                self.server.watch(str(folder))
        self.watched = folders

    def on_shutdown(self) -> None:
        if self.observer is not None:
            self.observer.stop()
