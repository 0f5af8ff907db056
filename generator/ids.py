"""Ids: the slugs that name every entry, file and page.

An id is lowercase ASCII letters, digits and single hyphens, 1 to 80 characters
(``2024-12-06-opposition-nears-homs``, ``hts``). :func:`slugify` makes one from a
title; :func:`id_problem` says, in plain words, why a text is not one.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ID_PATTERN", "MAX_ID", "id_problem", "slugify"]

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_ID = 80
_ID = re.compile(ID_PATTERN, re.ASCII)


def slugify(title: str, limit: int = MAX_ID) -> str:
    """The id a title suggests: accents dropped, other characters become hyphens
    (empty when nothing Latin is left, e.g. a title in Arabic script)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def id_problem(value: str) -> str | None:
    """Why ``value`` is not an id, or None."""
    if len(value) > MAX_ID:
        return f"'{value[:40]}…' is {len(value)} characters long; an id has at most {MAX_ID}"
    if not _ID.fullmatch(value):
        hint = slugify(value)
        suggestion = f" (e.g. '{hint}')" if hint and hint != value else ""
        return (
            f"'{value}' is not a valid id: use lowercase letters, digits and single "
            f"hyphens{suggestion}"
        )
    return None
