"""What makes `mkdocs serve --dirty` fast for a briefing: the pieces the plugin keeps
alive between rebuilds. MkDocs-specific, like the plugin; the core knows nothing of it.

- :class:`GeneratedFile`: a generated page that says whether its text changed, so a
  dirty build converts and writes only those pages.
- :class:`MemoryBytecodeCache`: MkDocs creates a new theme environment on every
  rebuild; this keeps the compiled theme templates.
- :func:`merge_search_index`: a dirty build indexes only the pages it rebuilt; this
  puts back the entries of the others.
- :func:`wake_on_change`: MkDocs polls watched folders every 0.5 s; an inotify watch
  on the briefing wakes its rebuild loop at once.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.structure.files import File

from .exports import compact_json

__all__ = ["GeneratedFile", "MemoryBytecodeCache", "merge_search_index", "wake_on_change"]

log = logging.getLogger("mkdocs.plugins.briefings")

# Events that mean a file's content changed (not "opened" or "closed_no_write",
# which the build's own reading produces).
_CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed"})


class GeneratedFile(File):
    """A generated page that knows whether its content changed since the last build.

    MkDocs asks ``is_modified`` in dirty builds and skips reading, converting and
    writing unchanged pages.
    """

    changed: bool = True

    def is_modified(self) -> bool:
        return self.changed


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


def wake_on_change(server: Any, folders: Iterable[Path]) -> Any | None:
    """Start an inotify observer that wakes MkDocs' rebuild loop when a file under
    ``folders`` changes; returns it (to stop at shutdown), or None where MkDocs'
    serve internals or inotify are not what this expects (its own polling remains)."""
    found = getattr(server, "_rebuild_cond", None)
    if not isinstance(found, threading.Condition) or not hasattr(server, "_want_rebuild"):
        return None
    condition: threading.Condition = found
    try:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer
    except ImportError:
        return None

    class _Wake(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.is_directory or event.event_type not in _CHANGES:
                return
            with condition:
                server._want_rebuild = True
                condition.notify_all()

    observer = Observer()
    try:
        for folder in folders:
            observer.schedule(_Wake(), str(folder), recursive=True)
        observer.daemon = True
        observer.start()
    except OSError as exc:  # e.g. the inotify watch limit
        log.debug(f"no inotify watch ({exc}); MkDocs' polling stays in charge")
        return None
    return observer
