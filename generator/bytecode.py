"""Compiled Jinja templates kept on disk between builds.

Compiling the page templates costs a cold build about 0.4 s, and MkDocs
compiles Material's templates again on every build. Jinja stores compiled
templates in a :class:`jinja2.FileSystemBytecodeCache` and checks each entry
against its template's source, so an edited template is compiled again. What
Jinja does not check is how the environment was configured (filters, block
trimming, autoescaping) or which versions compiled it: the folder is therefore
named after those (``depends``), and a new version starts a new folder.

A cache that cannot be written is no cache: the build goes on, only slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

__all__ = ["DiskBytecodeCache", "disk_bytecode_cache"]

log = logging.getLogger(__name__)


class DiskBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, which never fails a build over a file it cannot read or write."""

    def load_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # unreadable: compile the template instead
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        # Jinja writes to a temporary file and renames it, so a failure leaves no
        # half-written entry: the template is simply compiled again next time.
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def disk_bytecode_cache(folder: Path, *depends: str) -> DiskBytecodeCache | None:
    """A cache in a subfolder of ``folder`` named after ``depends``; None if unwritable."""
    key = hashlib.blake2b("\0".join(depends).encode(), digest_size=8).hexdigest()
    where = folder / key
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.debug(f"no template cache in {where}: {exc}")
        return None
    return DiskBytecodeCache(str(where))


def source_digest(*files: Path) -> str:
    """A digest of the code that configures an environment, for ``depends``."""
    digest = hashlib.blake2b(digest_size=8)
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()
