"""A briefing folder as it was at a git revision, through the ``git`` command.

``briefing diff`` compares that copy with the working tree. Only git's plumbing
commands are used (``rev-parse``, ``cat-file``, ``ls-tree``), never the ``.git``
folder directly. The copy goes to a temporary folder that is removed afterwards;
nothing in the repository or the working tree is written.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = ["GitError", "Snapshot", "snapshot"]

_TIMEOUT = 120
_SYMLINK, _SUBMODULE = "120000", "160000"


class GitError(Exception):
    """A problem the user can fix (no repository, unknown revision, no git); the message says
    which."""


@dataclass(frozen=True)
class Snapshot:
    """The briefing folder at ``ref``, extracted under ``base``."""

    ref: str  # as the user wrote it
    commit: str  # the full commit id it names
    shown: str  # the folder relative to the repository top ('' at the top)
    base: Path  # the repository top's stand-in: load with paths relative to it
    root: Path | None  # the folder, or None when it did not exist at ``ref``


def _git(cwd: Path, args: Sequence[str], stdin: bytes | None = None) -> tuple[int, bytes, str]:
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args],
            input=stdin,
            capture_output=True,
            env=env,
            timeout=_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise GitError(
            "the git command was not found; `briefing diff` needs git installed and on PATH"
        ) from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"cannot run git: {exc}") from None
    return done.returncode, done.stdout, done.stderr.decode("utf-8", "replace").strip()


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].removeprefix("fatal: ") if lines else "unknown problem"


def _locate(folder: Path) -> tuple[Path, str]:
    """The repository top and the folder's path inside it (posix, '' at the top).

    The folder itself need not exist (it may have been deleted or not yet made):
    git is asked from its nearest existing parent.
    """
    absolute = Path(os.path.normpath(Path.cwd() / folder))
    existing = absolute
    missing: list[str] = []
    while not existing.is_dir() and existing != existing.parent:
        missing.insert(0, existing.name)
        existing = existing.parent
    code, out, err = _git(existing, ["rev-parse", "--show-toplevel", "--show-prefix"])
    if code != 0:
        if "not a git repository" in err:
            raise GitError(
                f"{folder.as_posix()} is not in a git repository "
                "(git init, or run from your project)"
            )
        raise GitError(f"git: {_last_line(err)}")
    lines = os.fsdecode(out).splitlines()
    prefix = lines[1] if len(lines) > 1 else ""
    return Path(lines[0]), "/".join([p for p in prefix.split("/") if p] + missing)


def _commit(top: Path, ref: str) -> str:
    code, out, _ = _git(
        top, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"]
    )
    if code == 0:
        return out.decode("ascii").strip()
    hint = ""
    if _git(top, ["rev-parse", "--verify", "--quiet", "HEAD"])[0] != 0:
        hint = " (the repository has no commits yet)"
    raise GitError(f"unknown revision '{ref}'{hint}")


def _kind(top: Path, commit: str, path: str) -> str | None:
    """'tree', 'blob' … of ``path`` at ``commit``; None if it does not exist there."""
    code, out, _ = _git(top, ["cat-file", "-t", f"{commit}:{path}"])
    return out.decode("ascii").strip() if code == 0 else None


def _entries(top: Path, commit: str, path: str) -> list[tuple[str, str, str]]:
    """(mode, object id, path relative to ``path``) of every file below it."""
    code, out, err = _git(top, ["ls-tree", "-r", "-z", f"{commit}:{path}"])
    if code != 0:
        raise GitError(f"git: {_last_line(err)}")
    entries = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, _, rest = meta.partition(b" ")
        _, _, oid = rest.partition(b" ")
        entries.append((mode.decode("ascii"), oid.decode("ascii"), os.fsdecode(name)))
    return entries


def _blobs(top: Path, oids: list[str]) -> dict[str, bytes]:
    """The contents of ``oids``, read in one ``git cat-file --batch``."""
    if not oids:
        return {}
    code, out, err = _git(top, ["cat-file", "--batch"], "".join(f"{o}\n" for o in oids).encode())
    if code != 0:
        raise GitError(f"git: {_last_line(err)}")
    blobs: dict[str, bytes] = {}
    at = 0
    for oid in oids:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3:  # "<oid> missing"
            raise GitError(f"git: object {oid} is missing from the repository")
        size = int(header[2])
        blobs[oid] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return blobs


def _safe(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts


def _extract(top: Path, commit: str, path: str, dest: Path) -> None:
    entries = [e for e in _entries(top, commit, path) if e[0] != _SUBMODULE and _safe(e[2])]
    blobs = _blobs(top, sorted({oid for _, oid, _ in entries}))
    dest.mkdir(parents=True, exist_ok=True)
    # Regular files first, links last: nothing is ever written through a link.
    for mode, oid, name in sorted(entries, key=lambda e: (e[0] == _SYMLINK, e[2])):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == _SYMLINK:
            try:
                target.symlink_to(os.fsdecode(blobs[oid]))
            except OSError:
                continue  # left out; the loader then reports what is missing
        else:
            target.write_bytes(blobs[oid])


@contextmanager
def snapshot(folder: Path, ref: str) -> Iterator[Snapshot]:
    """The briefing ``folder`` as it was at ``ref``, in a temporary folder while in use.

    Raises :class:`GitError` when git is missing, the folder is not in a repository,
    or ``ref`` names no commit.
    """
    top, inside = _locate(folder)
    commit = _commit(top, ref)
    kind = _kind(top, commit, inside)
    with tempfile.TemporaryDirectory(prefix="briefing-diff-") as tmp:
        base = Path(tmp) / "tree"
        root = base / inside if inside else base
        if kind == "tree":
            _extract(top, commit, inside, root)
        elif kind is None:
            yield Snapshot(ref, commit, inside, base, None)
            return
        # A file where the folder should be stays absent: the loader says so.
        base.mkdir(exist_ok=True)
        yield Snapshot(ref, commit, inside, base, root)
