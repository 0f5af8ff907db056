"""The MkDocs plugin `briefings`: a thin layer over the core.

It coordinates only: load, validate and render happen in :mod:`.pipeline` and
:mod:`.render`, before MkDocs cleans ``site/`` (``on_pre_build``), so a briefing
with errors stops the build with every error printed and the previous site as
it was. Under ``mkdocs serve`` a broken edit is reported and the last good
pages keep being served until the file is fixed.
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
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files

from .bytecode import disk_bytecode_cache, source_digest
from .diagnostics import Mark, Report, Severity
from .feed import FEED_ID_PATTERN
from .forks import available_workers
from .loader import DocumentCache, display_path
from .pipeline import load
from .render import ASSETS, PageCache, render_site
from .serving import GeneratedFile, MemoryBytecodeCache, merge_search_index, wake_on_change

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

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also keeps this instance alive across serve rebuilds.
        self.serving = command == "serve"
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        feed_id = self.config.feed_id
        if feed_id and not FEED_ID_PATTERN.match(feed_id):
            raise PluginError(
                f"briefings: feed_id '{feed_id}' is not a URI; use e.g. tag:example.org,2024:name"
            )
        if not feed_id and not config.site_url:
            log.info(
                "briefings: no site_url or feed_id; the feed's ids follow the briefing's "
                "title, so renaming it would show every entry as new in feed readers"
            )
        self.root = Path(config.config_file_path or ".").resolve().parent
        self.briefings = (self.root / self.config.briefings_dir).resolve()
        self.templates = (self.root / self.config.templates_dir).resolve()
        if self.config.cache_dir and not self.serving:  # serve keeps them in memory
            folder = self.root / self.config.cache_dir
            code = Path(__file__).parent
            self.page_bytecode = disk_bytecode_cache(
                folder / "templates", jinja2.__version__, source_digest(code / "templating.py")
            )
            self.theme_bytecode = disk_bytecode_cache(
                folder / "theme", jinja2.__version__, mkdocs.__version__, material_version()
            )
        for name in REQUIRED_EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        for asset in ASSETS:
            if asset.endswith(".css") and asset not in config.extra_css:
                config.extra_css.append(asset)
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
            return
        if not report.errors:  # --strict: refuse now, before MkDocs cleans site/
            count = len(report.warnings)
            raise PluginError(f"{count} warning(s) in the briefing under --strict; not built")
        count = len(report.errors)
        if self.serving and self.last_good is not None:
            log.error(f"{count} error(s) in the briefing: still serving the last good version")
            self.pages = self.last_good
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
        for path, content in self.pages.items():
            file = GeneratedFile.generated(config, path, content=content)
            assert isinstance(file, GeneratedFile)
            file.changed = self.written.get(path) != content
            files.append(file)
        self.written = self.pages
        pages = files.documentation_pages()
        self.alive = {f.url for f in pages}
        self.rebuilt = {f.url for f in pages if f.is_modified()}
        log.debug(f"{len(self.rebuilt)} of {len(pages)} pages changed")
        return files

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

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        folders = [folder for folder in (self.briefings, self.templates) if folder.is_dir()]
        for folder in folders:
            server.watch(str(folder))
        self.observer = wake_on_change(server, folders)
        return server

    def on_shutdown(self) -> None:
        if self.observer is not None:
            self.observer.stop()
