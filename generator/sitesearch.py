"""Site search: Pagefind for the published site, Material's own search offline and under serve.

Material's search fetches one index of the whole site, ``search/search_index.json``,
on every page load: 6.4 MB (gzip) and half a minute to a first result at 10,000
developments on the test machine (``benchmarks/NOTES.md``). Pagefind splits its
index into chunks, and a reader fetches only those of the words typed and the
excerpts of the results shown: about 0.25 MB at any size. So a ``mkdocs build``
(and ``gh-deploy``) runs Pagefind over the built pages after MkDocs has written
them (``run_pagefind``), and the header's search box (``templates/theme/partials/
search-pagefind.html``, ``templates/assets/search.js``) asks it. Pagefind indexes
each page's content only (the ``<article>``, not the navigation), and leaves out
pages 2 and on of long lists, whose developments each have their own page.

Pagefind's search costs time for every page it finds, and a common word is on
nearly every page: so the newest ``LATEST`` developments and every other page go
into ``site/pagefind/``, searched first, and the older developments into
``site/pagefind-earlier/``, searched once the first results are shown. The first
answer then costs the same at 10,000 developments as at 1,000 (:class:`Shelves`).

Pagefind's script loads its index with ``fetch()``, which a browser refuses from
``file://``: the offline copy (``make offline``, Material's offline plugin) keeps
Material's search, whose index the offline plugin also writes as a script. So
does ``mkdocs serve``, whose preview rebuilds only the pages an edit changed
(``generator/serving.py``), where re-indexing the whole site on every save
would cost seconds. Material's search plugin stays configured in both modes: the
theme shows the header's search box only while it is enabled. With Pagefind, its
two costly steps (parsing every page, writing the index) are taken off the build.

The choice is the ``search`` option of the ``briefings`` plugin: ``pagefind``
(default: as above) or ``material`` (Material's search everywhere);
``search_first`` sets ``LATEST``.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from .urls import ROUTES

__all__ = [
    "EARLIER_DIR", "LATEST", "PAGEFIND_DIR", "SEARCH_ENGINES", "Shelves", "more_page",
    "pagefind_executable", "quiet_material_search", "run_pagefind", "uses_pagefind",
]  # fmt: skip

log = logging.getLogger("mkdocs.plugins.briefings")

SEARCH_ENGINES = ("pagefind", "material")
PAGEFIND_DIR = "pagefind"  # site/pagefind/: Pagefind's script, index and excerpts
EARLIER_DIR = "pagefind-earlier"  # the developments past the newest LATEST, searched second
# Developments in the first index searched. A word found on every page costs Pagefind about
# 0.1 ms per page found (benchmarks/NOTES.md): the first answer's cost stops growing here.
LATEST = 1_000
# What Pagefind indexes of a page: Material's <article>, the page's own content, less the
# headings' permalink marks (¶) and the maps (their names are in the text as well).
ROOT_SELECTOR = "article.md-content__inner"
EXCLUDE_SELECTORS = ".headerlink, figure.bf-map"
# Pagefind's ready-made interfaces, which the site does not use (assets/search.js is its own).
UNUSED = (
    "pagefind-ui.*", "pagefind-modular-ui.*", "pagefind-component-ui.*", "pagefind-highlight.js",
)  # fmt: skip
MATERIAL_SEARCH = "material/search"


def uses_pagefind(engine: str, command: str, config: MkDocsConfig) -> bool:
    """Whether this run publishes a Pagefind search: ``search: pagefind``, a build (not
    ``mkdocs serve``), not the offline copy, and Material's search box in the header."""
    if engine != "pagefind" or command == "serve":
        return False
    offline = config.plugins.get("material/offline")
    if offline is not None and getattr(offline.config, "enabled", False):
        return False
    search = config.plugins.get(MATERIAL_SEARCH)
    return search is not None and bool(getattr(search.config, "enabled", False))


def quiet_material_search(config: MkDocsConfig) -> None:
    """Take Material's search plugin's indexing (every page parsed) and its index file off
    this build; it stays enabled, which is what makes the theme show the search box."""
    search = config.plugins.get(MATERIAL_SEARCH)
    if search is None:
        return
    skipped = {"page_context": search.on_page_context, "post_build": search.on_post_build}
    for event, method in skipped.items():
        handlers = config.plugins.events[event]
        handlers[:] = [handler for handler in handlers if handler != method]


def pagefind_executable() -> str:
    """The Pagefind binary the ``pagefind[bin]`` package installs."""
    try:
        package = importlib.import_module("pagefind_bin")  # untyped: no stubs
    except ImportError as exc:
        raise PluginError(
            "briefings: Pagefind is not installed (pip install 'pagefind[bin]'; `make` does); "
            "or set `search: material` under the briefings plugin in mkdocs.yml"
        ) from exc
    try:
        return str(package.get_executable())
    except FileNotFoundError as exc:
        raise PluginError(f"briefings: the Pagefind binary is missing: {exc}") from exc


def more_page(tree_path: str) -> bool:
    """Page 2 and on of a long list (``situation/page/3.md``, ``actors/x/page/2.md``): lists
    of developments that each have their own page. Search leaves them out."""
    return _MORE.fullmatch(tree_path) is not None


_MORE = re.compile(
    "|".join(
        re.escape(route.more).replace(r"\{id\}", "[^/]+").replace(r"\{n\}", "[0-9]+")
        for route in ROUTES.values()
        if route.more
    )
)


@dataclass(frozen=True)
class Shelves:
    """Which pages go into which Pagefind index. ``earlier``: the tree paths of the
    development pages past the newest ``LATEST``, in ``pagefind-earlier/``; every
    other page (but pages 2 and on of lists) is in ``pagefind/``."""

    earlier: frozenset[str] = frozenset()

    @classmethod
    def of(cls, newest_first: Sequence[str], latest: int = LATEST) -> Shelves:
        """From the development pages' tree paths, newest first."""
        return cls(frozenset(newest_first[latest:]))


def run_pagefind(
    site: Path, pages: Iterable[tuple[str, str]], shelves: Shelves, cwd: Path | None = None
) -> dict[str, float]:
    """Index the built pages of ``site``: ``pages`` are (tree path, built file) pairs, as
    MkDocs' documentation pages (so the 404 page is not among them). Writes
    ``site/pagefind/`` and, when ``shelves`` has earlier pages, ``site/pagefind-earlier/``;
    returns the seconds each took. Pagefind runs over a folder of links to the chosen
    files (made beside them, removed after), in ``cwd`` (the folder of mkdocs.yml),
    where a ``pagefind.yml`` of the project's own is read; the options here win over it.
    """
    latest: list[str] = []
    earlier: list[str] = []
    for tree_path, built in pages:
        if more_page(tree_path):
            continue
        (earlier if tree_path in shelves.earlier else latest).append(built)
    seconds = {PAGEFIND_DIR: _index(site, latest, PAGEFIND_DIR, cwd)}
    if earlier:
        seconds[EARLIER_DIR] = _index(site, earlier, EARLIER_DIR, cwd)
    return seconds


def _index(site: Path, files: list[str], bundle: str, cwd: Path | None) -> float:
    view = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site))
    try:
        for name in files:
            target = view / name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site / name, target)
            except OSError:  # a file system without hard links
                shutil.copy2(site / name, target)
        return _pagefind(view, site / bundle, cwd or site)
    finally:
        shutil.rmtree(view, ignore_errors=True)


def _pagefind(view: Path, output: Path, cwd: Path) -> float:
    command = [
        pagefind_executable(),
        "--site", str(view.resolve()),
        "--output-path", str(output.resolve()),
        "--root-selector", ROOT_SELECTOR,
        "--exclude-selectors", EXCLUDE_SELECTORS,
        "--glob", "**/*.html",
        "--quiet",
    ]  # fmt: skip
    start = time.perf_counter()
    try:
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    except OSError as exc:
        raise PluginError(f"briefings: Pagefind did not start: {exc}") from exc
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip()
        raise PluginError(f"briefings: Pagefind failed (exit {result.returncode}): {said}")
    for line in (result.stdout + result.stderr).splitlines():
        if line.strip():
            log.warning(f"briefings: Pagefind: {line.strip()}")
    for pattern in UNUSED:
        for path in output.glob(pattern):
            path.unlink()
    return seconds
