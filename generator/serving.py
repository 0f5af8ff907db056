"""What `mkdocs serve` needs beyond a build: the pieces the plugin keeps alive between
rebuilds. MkDocs-specific, like the plugin; the core knows nothing of it.

- :class:`GeneratedFile`: a generated page that says whether its text changed, so a
  dirty build converts and writes only those pages; :func:`keep_out_of_nav_list`
  spares the log MkDocs' "not included in the nav" list of generated pages.
- :func:`remove_pages`: a dirty build keeps old output; this deletes what is gone.
- :class:`MemoryBytecodeCache`: MkDocs creates a new theme environment on every
  rebuild; this keeps the compiled theme templates.
- :func:`merge_search_index`: a dirty build indexes only the pages it rebuilt; this
  puts back the entries of the others.
- :func:`wake_on_change`: one rebuild per save, at once.

What the browser shows while the briefing is broken is in :mod:`.preview`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel, set_exclusions

from .exports import compact_json
from .loader import is_editor_debris

__all__ = [
    "FolderWatch",
    "GeneratedFile",
    "MemoryBytecodeCache",
    "keep_out_of_nav_list",
    "merge_search_index",
    "remove_pages",
    "wake_on_change",
]

log = logging.getLogger("mkdocs.plugins.briefings")

# Events that mean a file's content changed (not "opened" or "closed_no_write",
# which the build's own reading produces).
_CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed"})
POLL_SECONDS = 0.5  # as MkDocs' own watch


class GeneratedFile(File):
    """A generated page that knows whether its content changed since the last build.

    MkDocs asks ``is_modified`` in dirty builds and skips reading, converting and
    writing unchanged pages.
    """

    changed: bool = True

    def is_modified(self) -> bool:
        return self.changed


def _nav_paths(nav: Any) -> set[str]:
    """Every page path mkdocs.yml's ``nav`` names, at any depth."""
    if isinstance(nav, str):
        return {os.path.normpath(nav).replace(os.sep, "/")}
    items = nav.values() if isinstance(nav, dict) else nav if isinstance(nav, list) else ()
    return {path for item in items for path in _nav_paths(item)}


def keep_out_of_nav_list(files: Sequence[File], config: MkDocsConfig) -> None:
    """Mark generated pages that mkdocs.yml's ``nav`` does not name as not in the nav.

    With a nav in mkdocs.yml, MkDocs lists at INFO every page it leaves out: every
    development, actor, place and source, on every rebuild. Those pages are reached
    from the index pages, by design. ``exclude_docs``, ``draft_docs`` and
    ``not_in_nav`` still apply as to any page; without a nav (MkDocs builds one from
    every page) nothing changes.
    """
    set_exclusions(files, config)
    if config.nav is None:
        return
    listed = _nav_paths(config.nav)
    for file in files:
        if file.inclusion is InclusionLevel.INCLUDED and file.src_uri not in listed:
            file.inclusion = InclusionLevel.NOT_IN_NAV


def remove_pages(config: MkDocsConfig, paths: Iterable[str]) -> None:
    """Delete the output of generated files that are gone (``paths`` as in the tree).

    A dirty build never cleans the site folder, so a deleted development's page
    would stay served. Folders left empty go too.
    """
    site = Path(config.site_dir).resolve()
    for path in paths:
        file = File(path, None, str(site), config.use_directory_urls)
        target = Path(file.abs_dest_path)
        if site not in target.parents:
            continue
        with contextlib.suppress(OSError):
            target.unlink(missing_ok=True)
            folder = target.parent
            while folder != site and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates by name; Jinja checks each against its source, so an edit
    to a theme template recompiles it."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def merge_search_index(
    path: Path,
    previous: dict[str, list[str]] | None,
    alive: set[str],
    rebuilt: set[str],
) -> dict[str, list[str]] | None:
    """Complete the search index a dirty build wrote at ``path``.

    Returns the index's entries by page URL, each already encoded, for the next
    rebuild: only the rebuilt pages' entries are encoded again.
    """
    if not path.is_file():
        return previous
    index = json.loads(path.read_text(encoding="utf-8"))
    docs = index.get("docs") if isinstance(index, dict) else None
    if not isinstance(docs, list):
        return previous
    fresh: dict[str, list[str]] = {}
    for doc in docs:
        page = str(doc.get("location", "")).split("#")[0]
        fresh.setdefault(page, []).append(compact_json(doc))
    if previous is None:  # a full build: the file is complete already
        return fresh
    merged = {
        page: entries
        for page, entries in previous.items()
        if page in alive and page not in rebuilt and page not in fresh
    }
    merged.update(fresh)
    rest = compact_json({key: value for key, value in index.items() if key != "docs"})
    entries = ",".join(entry for page in merged.values() for entry in page)
    text = rest[:-1] + ("," if len(rest) > 2 else "") + '"docs":[' + entries + "]}"
    path.write_text(text, encoding="utf-8")
    return merged


# --- one rebuild per save ---------------------------------------------------------------


def _state(path: str) -> tuple[int, int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size, found.st_ino)


class FolderWatch:
    """Wakes MkDocs' rebuild loop once for each change under the briefing's folders.

    A native watch (inotify, FSEvents…) sees a save at once; a poll every 0.5 s, as
    MkDocs' own watch, catches what native events miss (some network and container
    mounts). Both report the same save, which used to rebuild twice, printing every
    error twice: here they feed one handler that wakes the loop only for a file in a
    state (modified time, size, inode, or absent) it has not seen yet. Editor debris
    (swap and backup files, which the loader ignores) wakes nothing.
    """

    def __init__(self, wake: Callable[[], None]) -> None:
        self.wake = wake
        self.seen: dict[str, tuple[int, int, int] | None] = {}
        self.lock = threading.Lock()
        self.observers: list[Any] = []
        self.folders: tuple[Path, ...] = ()

    def changed(self, event: Any) -> None:
        if event.event_type not in _CHANGES:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return  # the files inside report themselves
        fresh = False
        with self.lock:
            for raw in (event.src_path, event.dest_path):
                path = os.fsdecode(raw)
                if not path or is_editor_debris(os.path.basename(path)):
                    continue
                state = _state(path)
                if path not in self.seen or self.seen[path] != state:
                    self.seen[path] = state
                    fresh = True
        if fresh:
            self.wake()

    def _schedule(self, observer: Any) -> None:
        from watchdog.events import FileSystemEventHandler

        watch = self

        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                watch.changed(event)

        for folder in self.folders:
            observer.schedule(_Handler(), str(folder), recursive=True)

    def add(self, observer: Any) -> None:
        """Start ``observer`` on the folders (OSError if it cannot watch them)."""
        observer.daemon = True
        self._schedule(observer)
        observer.start()
        self.observers.append(observer)

    def follow(self, folders: Iterable[Path]) -> None:
        """Watch exactly ``folders`` from now on (those that exist)."""
        self.folders = tuple(folder for folder in folders if folder.is_dir())
        for observer in self.observers:
            observer.unschedule_all()
            self._schedule(observer)

    def stop(self) -> None:
        for observer in self.observers:
            observer.stop()

    def join(self, timeout: float | None = None) -> None:
        for observer in self.observers:
            observer.join(timeout)


def wake_on_change(server: Any, folders: Iterable[Path]) -> FolderWatch | None:
    """Watch ``folders`` for MkDocs' dev ``server``; returns the watch (to stop at
    shutdown), or None where MkDocs' serve internals are not what this expects (the
    caller then hands the folders to MkDocs' own watch)."""
    found = getattr(server, "_rebuild_cond", None)
    if not isinstance(found, threading.Condition) or not hasattr(server, "_want_rebuild"):
        return None
    condition: threading.Condition = found
    try:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver
    except ImportError:
        return None

    def wake() -> None:
        with condition:
            server._want_rebuild = True
            condition.notify_all()

    watch = FolderWatch(wake)
    watch.folders = tuple(folder for folder in folders if folder.is_dir())
    for observer in (Observer(), PollingObserver(timeout=POLL_SECONDS)):
        try:
            watch.add(observer)
        except OSError as exc:  # e.g. the inotify watch limit: the poll remains
            log.debug(f"no {type(observer).__name__} ({exc})")
    if not watch.observers:
        return None
    shown = ", ".join(f"'{_relative(folder)}'" for folder in watch.folders)
    log.info(f"Watching the briefing for changes: {shown}")
    return watch


def _relative(folder: Path) -> str:
    with contextlib.suppress(ValueError):
        return folder.relative_to(Path.cwd()).as_posix()
    return folder.as_posix()

