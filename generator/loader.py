"""Files → documents: read a briefing folder safely, keeping line marks.

Nothing here knows the schema beyond which files exist and whether each holds
a mapping or a list. Every problem becomes a diagnostic; a file that cannot be
read is left out so that the validator still reports on the others.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Mark, Report, did_you_mean
from .messages import syntax_hint
from .yamlread import Parsed, YamlProblem, parse_yaml

__all__ = [
    "MAX_BYTES",
    "Document",
    "DocumentCache",
    "RawBriefing",
    "display_path",
    "is_editor_debris",
    "load_briefing_dir",
]

MAX_BYTES = 1_000_000
REGISTRIES = ("sources", "actors", "places", "indicators")  # indicators.yaml is optional
COLLECTIONS = ("developments", "background")
# What a briefing folder holds, by name without ".yaml" (folders end in "/").
_EXPECTED = {
    "briefing": "briefing.yaml",
    **{name: f"{name}.yaml" for name in REGISTRIES},
    **{name: f"{name}/" for name in COLLECTIONS},
}
_BOM = b"\xef\xbb\xbf"
_SHAPES: dict[type, str] = {dict: "a mapping", list: "a list"}


@dataclass
class Document:
    """One YAML file as plain data plus the position of every key and value."""

    path: str  # as shown to the user, relative to the project
    stem: str
    data: Any
    marks: dict[tuple[str | int, ...], Mark] = field(default_factory=dict)
    key_marks: dict[tuple[str | int, ...], Mark] = field(default_factory=dict)
    # Models validated from this document's data, by (model, path): a document
    # reused from a DocumentCache is not validated again.
    validated: dict[tuple[Any, tuple[str | int, ...]], Any] = field(default_factory=dict)

    def mark(self, path: tuple[str | int, ...], *, key: bool = False) -> Mark:
        """The mark of the value (or key) at ``path``, else of its nearest ancestor."""
        table = self.key_marks if key else self.marks
        if path in table:
            return table[path]
        for end in range(len(path) - 1, -1, -1):
            prefix = path[:end]
            if prefix in self.marks:
                return self.marks[prefix]
        return Mark()


@dataclass
class RawBriefing:
    root: Path
    briefing: Document | None = None
    registries: dict[str, Document | None] = field(default_factory=dict)
    collections: dict[str, list[Document]] = field(default_factory=dict)
    # Files that exist but could not be used, as "sources" or "developments/<stem>":
    # references into them are not checked, so one broken file is one error.
    unreadable: set[str] = field(default_factory=set)


def display_path(path: Path, base: Path) -> str:
    try:
        return path.absolute().relative_to(base.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def is_editor_debris(name: str) -> bool:
    """Hidden files and editors' swap, backup and temporary files: never read, never
    reported (and, under `mkdocs serve`, no reason to rebuild)."""
    return name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp", ".bak"))


def _decode(raw: bytes, shown: str, report: Report) -> str | None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.error(shown, Mark(), "the file is UTF-16; save it as UTF-8")
        return None
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        col = nul - (raw.rfind(b"\n", 0, nul) + 1) + 1
        report.error(shown, Mark(line, col), "NUL byte in the file; is it binary or UTF-16?")
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace"))
        report.error(
            shown,
            Mark(line, col + 1),
            f"byte 0x{raw[exc.start]:02X} is not valid UTF-8; save the file as UTF-8",
        )
        return None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve(strict=True).relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        return False
    return True


@dataclass
class DocumentCache:
    """Parsed documents by file, reused while the file's bytes are unchanged.

    Held by a long-lived caller (the MkDocs plugin under ``mkdocs serve``) so that
    a rebuild parses only the files that were edited. Entries are keyed on a hash of
    the file's bytes, not on its size and mtime: an edit that keeps both (a save
    within the clock's resolution, ``touch -d``, a git checkout, a tool that restores
    mtimes) is still seen. Reading a file is cheap; parsing it is what is saved.
    Files with problems are never cached: their diagnostics must be reported on
    every run. A document is reused only under the display path it was read with.
    """

    entries: dict[str, tuple[bytes, Document]] = field(default_factory=dict)

    def get(self, path: Path, digest: bytes, shown: str) -> Document | None:
        """The document parsed from ``path`` when its bytes hashed to ``digest``."""
        entry = self.entries.get(str(path))
        if entry and entry[0] == digest and entry[1].path == shown:
            return entry[1]
        return None

    def put(self, path: Path, digest: bytes, doc: Document) -> None:
        self.entries[str(path)] = (digest, doc)


def read_document(
    path: Path, root: Path, base: Path, report: Report, cache: DocumentCache | None = None
) -> Document | None:
    """Read, decode and parse one file; None (with diagnostics) if it cannot be used."""
    shown = display_path(path, base)
    if path.is_symlink() and not _inside(path, root):
        report.error(
            shown, Mark(), "symbolic link leads outside the briefing folder (or nowhere); refused"
        )
        return None
    if path.is_dir():
        report.error(shown, Mark(), "expected a YAML file, found a folder")
        return None
    if not path.is_file():  # a named pipe or device would block the read
        report.error(shown, Mark(), "not a regular file; refused")
        return None
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            report.error(
                shown, Mark(), f"the file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes"
            )
            return None
        raw = path.read_bytes()
    except OSError as exc:
        report.error(shown, Mark(), f"cannot read the file: {exc.strerror or exc}")
        return None
    digest = hashlib.blake2b(raw, digest_size=32).digest()
    cached = cache.get(path, digest, shown) if cache is not None else None
    if cached is not None:
        return cached
    text = _decode(raw, shown, report)
    if text is None:
        return None
    if not text.strip():
        report.error(shown, Mark(), "the file is empty")
        return None
    try:
        parsed: Parsed = parse_yaml(text)
    except YamlProblem as fatal:
        hint = syntax_hint(fatal.message, text, fatal.mark)
        report.error(shown, fatal.mark, fatal.message + hint)
        return None
    for problem in parsed.problems:
        report.error(shown, problem.mark, problem.message)
    if parsed.data is None:
        report.error(shown, Mark(), "the file holds no data (only comments?)")
        return None
    doc = Document(shown, path.stem, parsed.data, parsed.marks, parsed.key_marks)
    if cache is not None and not parsed.problems:
        cache.put(path, digest, doc)
    return doc


def _expect(doc: Document | None, kind: type, report: Report) -> Document | None:
    if doc is None or isinstance(doc.data, kind):
        return doc
    want = "a mapping of fields (key: value)" if kind is dict else "a list of entries (- ...)"
    found = _SHAPES.get(type(doc.data), "text")
    report.error(doc.path, doc.mark(()), f"expected {want} at the top level, found {found}")
    return None


def _collection(
    folder: Path,
    root: Path,
    base: Path,
    report: Report,
    unreadable: set[str],
    cache: DocumentCache | None = None,
) -> list[Document]:
    docs: list[Document] = []
    if not folder.exists():
        return docs
    if not folder.is_dir() or (folder.is_symlink() and not _inside(folder, root)):
        report.error(display_path(folder, base), Mark(), "expected a folder inside briefings/")
        unreadable.add(folder.name)
        return docs
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if is_editor_debris(name):
            continue
        shown = display_path(entry, base)
        if name.endswith(".yml"):
            report.error(shown, Mark(), f"rename to '{entry.stem}.yaml': files end in .yaml")
            unreadable.add(f"{folder.name}/{entry.stem}")
            continue
        if not name.endswith(".yaml"):
            if not entry.is_dir():
                report.warning(shown, Mark(), "not a .yaml file; ignored")
            else:
                report.warning(shown, Mark(), "sub-folders are not read; ignored")
            continue
        doc = _expect(read_document(entry, root, base, report, cache), dict, report)
        if doc is not None:
            docs.append(doc)
        else:
            unreadable.add(f"{folder.name}/{entry.stem}")
    return docs


def load_briefing_dir(
    root: Path, report: Report, base: Path | None = None, cache: DocumentCache | None = None
) -> RawBriefing:
    """Read every file of a briefing folder. Problems go to ``report``."""
    base = base if base is not None else Path(os.getcwd())
    raw = RawBriefing(root=root)
    if not root.is_dir():
        report.error(display_path(root, base), Mark(), "no such briefing folder")
        return raw
    main = root / "briefing.yaml"
    if main.exists() or main.is_symlink():
        raw.briefing = _expect(read_document(main, root, base, report, cache), dict, report)
        if raw.briefing is None:
            raw.unreadable.add("briefing")
    else:
        report.error(
            display_path(main, base), Mark(), "missing: every briefing has one briefing.yaml"
        )
    for name in REGISTRIES:
        path = root / f"{name}.yaml"
        doc = None
        if path.exists() or path.is_symlink():
            doc = _expect(read_document(path, root, base, report, cache), list, report)
            if doc is None:
                raw.unreadable.add(name)
        raw.registries[name] = doc
    for name in COLLECTIONS:
        raw.collections[name] = _collection(root / name, root, base, report, raw.unreadable, cache)
    _stray_names(root, base, report)
    return raw


def _stray_names(root: Path, base: Path, report: Report) -> None:
    """Warn of a file or folder named almost as one the briefing reads (``source.yaml``,
    ``development/``, ``sources.yml``): it would be ignored in silence. Names unlike any
    (a README, notes, ``developments-old/``) are the user's business: no word."""
    for entry in sorted(root.iterdir()):
        folder = entry.is_dir()
        stem, suffix = (entry.name, "") if folder else os.path.splitext(entry.name)
        if is_editor_debris(entry.name) or suffix.lower() not in ("", ".yaml", ".yml"):
            continue
        if _EXPECTED.get(stem) == entry.name + ("/" if folder else ""):
            continue
        near = [
            known
            for known, shown in _EXPECTED.items()
            if known == stem.lower()
            or (folder == shown.endswith("/") and abs(len(known) - len(stem)) <= 2)
        ]
        hint = did_you_mean(stem, near)
        if not hint:
            continue
        meant = _EXPECTED[hint.split("'")[1]]
        target = root / meant.rstrip("/")
        with contextlib.suppress(OSError):
            if target.exists() and target.samefile(entry):  # a case-insensitive file system
                continue
        kind = "folder" if folder else "file"
        report.warning(
            display_path(entry, base),
            Mark(),
            f"not a {kind} the briefing reads; ignored (did you mean '{meant}'?)",
        )
