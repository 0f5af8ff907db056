"""Rendered pages → a folder on disk (`briefing render --out DIR`).

The folder is the command's own: it must be missing, empty, or one this
command wrote before, which it knows by the manifest it keeps there. Everything
is checked before anything is written; a file the command did not write is
never overwritten or deleted, whatever the manifest says.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from .diagnostics import Mark, Report
from .loader import display_path

__all__ = ["MANIFEST", "write_tree"]

MANIFEST = ".briefing-render.json"


def _safe(entry: object) -> str | None:
    """A manifest entry that names a file inside the folder, else None."""
    if not isinstance(entry, str) or not entry:
        return None
    path = PurePosixPath(entry)
    if path.is_absolute() or ".." in path.parts or "\\" in entry:
        return None
    return path.as_posix()


def _previous(out: Path, report: Report, base: Path) -> set[str] | None:
    """What an earlier run wrote into ``out``; None (with an error) if ``out`` is not ours."""
    manifest = out / MANIFEST
    shown = display_path(manifest, base)
    if not out.exists():
        return set()
    if not manifest.is_file():
        if out.is_dir() and not any(out.iterdir()):
            return set()
        report.error(
            display_path(out, base), Mark(),
            "not an empty folder, nor one `briefing render` wrote; choose another --out",
        )  # fmt: skip
        return None
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        report.error(
            shown, Mark(exc.lineno, exc.colno),
            f"this manifest of an earlier `briefing render` is damaged ({exc.msg}); "
            "remove the folder or choose another --out",
        )  # fmt: skip
        return None
    except (OSError, UnicodeDecodeError) as exc:
        report.error(shown, Mark(), f"cannot read this manifest: {exc}")
        return None
    if not isinstance(entries, list):
        report.error(shown, Mark(), "not a manifest `briefing render` wrote (expected a list)")
        return None
    # Entries that point outside the folder are ignored, never acted upon.
    return {safe for entry in entries if (safe := _safe(entry)) is not None}


def write_tree(pages: dict[str, str], out: Path, report: Report, base: Path | None = None) -> int:
    """Write ``pages`` under ``out``; returns how many were written (0 on refusal)."""
    base = base or Path.cwd()
    previous = _previous(out, report, base)
    if previous is None:
        return 0
    clashes = [
        path
        for path in sorted(pages)
        if ((out / path).exists() or (out / path).is_symlink()) and path not in previous
    ]
    for path in clashes:
        report.error(
            display_path(out / path, base), Mark(),
            "`briefing render` did not write this file and will not overwrite it; "
            "move it away or choose another --out",
        )  # fmt: skip
    if clashes:
        return 0
    root = out.resolve()
    for stale in sorted(previous - set(pages)):
        target = out / stale
        if target.is_file() and not target.is_symlink() and target.resolve().is_relative_to(root):
            target.unlink()
    for path, content in pages.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8", newline="\n")
    manifest = out / MANIFEST
    manifest.write_text(json.dumps(sorted(pages), indent=1) + "\n", encoding="utf-8")
    return len(pages)
