"""Where each page comes from: the file its edit button opens.

With ``repo_url`` and ``edit_uri`` set in mkdocs.yml, Material shows an edit
button on every page; MkDocs builds its address from the page's ``edit_uri``,
which the plugin sets to the file the page is made from, relative to the folder
of mkdocs.yml (the repository's root in the usual layout):

=====================================  =============================================
page                                   file
=====================================  =============================================
a development                          ``<briefings_dir>/developments/<id>.yaml``
a topic                                ``<briefings_dir>/background/<id>.yaml``
an actor, a place, a source            ``actors.yaml``, ``places.yaml``,
(and their lists)                      ``sources.yaml``, at the entry's line
                                       (``#L12``, which GitHub shows highlighted)
the overview, /changes/, /brief/       ``briefing.yaml``
/indicators/                           ``indicators.yaml``
/about/ ("How to read")                its template, ``<templates_dir>/about.md.j2``
the timeline, /background/, the tags   none: made from many files, each entry
                                       links to its own page, which has one
=====================================  =============================================

MkDocs' own convention points ``edit_uri`` at docs/ (``edit/main/docs/``, also
what it assumes for a GitHub ``repo_url`` without one): :func:`root_edit_uri`
turns that into the folder above, so both forms work.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .loader import REGISTRIES, DocumentCache
from .urls import ROUTES

__all__ = ["EditLinks", "registry_lines", "root_edit_uri", "route_of"]

# Page kind → the file of the briefing folder it is made from ("{id}": the entry's id).
MADE_FROM: Mapping[str, str] = {
    "home": "briefing.yaml",
    "changes": "briefing.yaml",
    "brief": "briefing.yaml",
    "development": "developments/{id}.yaml",
    "topic": "background/{id}.yaml",
    "actors": "actors.yaml",
    "actor": "actors.yaml",
    "places": "places.yaml",
    "place": "places.yaml",
    "sources": "sources.yaml",
    "source": "sources.yaml",
    "indicators": "indicators.yaml",
}
# Page kinds whose text is their template's own: the edit button opens the template.
TEMPLATE_TEXT = frozenset({"about"})
# Kinds whose pages show one entry of a registry: their edit link points at its line.
_ENTRY_OF = {"actor", "place", "source"}


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{id\}|\{n\})", path)
    names = {"{id}": "(?P<id>[^/]+)", "{n}": "(?P<n>[0-9]+)"}
    return re.compile("".join(names.get(part, re.escape(part)) for part in parts))


_FIXED = {route.path: kind for kind, route in ROUTES.items() if "{" not in route.path}
_PATTERNS = [
    (kind, _pattern(path))
    for kind, route in ROUTES.items()
    for path in (route.path, route.more)
    if path is not None and "{" in path
]


def route_of(tree_path: str) -> tuple[str, str] | None:
    """The (kind, id) of the URL table a tree path belongs to; None for other files."""
    if tree_path in _FIXED:
        return _FIXED[tree_path], ""
    for kind, pattern in _PATTERNS:
        found = pattern.fullmatch(tree_path)
        if found:
            return kind, found.groupdict().get("id") or ""
    return None


def registry_lines(cache: DocumentCache, folder: Path) -> dict[str, dict[str, int]]:
    """For each registry file read into ``cache``: entry id → the line its entry starts on."""
    lines: dict[str, dict[str, int]] = {}
    for name in REGISTRIES:
        entry = cache.entries.get(str(folder / f"{name}.yaml"))
        if entry is None or not isinstance(entry[1].data, list):
            continue
        doc = entry[1]
        found = lines.setdefault(f"{name}.yaml", {})
        for i, item in enumerate(doc.data):
            ident = item.get("id") if isinstance(item, dict) else None
            mark = doc.marks.get((i,))
            if isinstance(ident, str) and mark is not None:
                found.setdefault(ident, mark.line)
    return lines


@lru_cache(maxsize=64)  # asked once per page, of the same few folders
def _inside(folder: Path, root: Path) -> str | None:
    """``folder`` relative to ``root``, POSIX, '' for the root itself; None outside it."""
    try:
        rel = folder.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    return "" if rel == "." else rel


def root_edit_uri(edit_uri: str, docs_dir: Path, root: Path) -> str:
    """``edit_uri`` made relative to the folder of mkdocs.yml when it points at docs_dir."""
    docs = _inside(docs_dir, root)
    if not docs or not edit_uri.endswith("/"):
        return edit_uri
    suffix = docs + "/"
    if edit_uri.endswith("/" + suffix) and len(edit_uri) > len(suffix) + 1:
        return edit_uri[: -len(suffix)]
    return edit_uri


@dataclass(frozen=True)
class EditLinks:
    """The file each page of the site is made from, relative to the folder of mkdocs.yml."""

    root: Path  # the folder of mkdocs.yml
    briefings: Path
    templates: Path
    docs: Path
    lines: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # registry_lines

    def _join(self, folder: Path, name: str) -> str | None:
        rel = _inside(folder, self.root)
        return None if rel is None else posixpath.join(rel, name) if rel else name

    def generated(self, tree_path: str) -> str | None:
        """What a generated page's edit button opens; None for no button."""
        found = route_of(tree_path)
        if found is None:
            return None
        kind, ident = found
        template = ROUTES[kind].template
        if kind in TEMPLATE_TEXT and template is not None:
            return self._join(self.templates, template)
        name = MADE_FROM.get(kind)
        if name is None:
            return None
        path = self._join(self.briefings, name.format(id=ident))
        line = self.lines.get(name, {}).get(ident) if kind in _ENTRY_OF else None
        return f"{path}#L{line}" if path is not None and line else path

    def written(self, src_uri: str) -> str | None:
        """What the edit button of a page written in docs_dir opens: that file."""
        return self._join(self.docs, src_uri)
