"""Tags: the free keywords of developments, each leading to a page of its developments.

The site has its own tag pages (``/tags/`` and ``/tags/<id>/``, routes in
:data:`.urls.ROUTES`) rather than Material's tags plugin: that plugin reads tags
from a page's front matter and is a third-party MkDocs plugin, which Zensical does
not run, so ``make zensical`` would lose them; ours come out of the same Markdown
tree in both builds, and paginate like the actor pages.

A tag's id is its text slugified (:func:`.ids.slugify`). Tags that differ only in
case, accents or punctuation ("Homs", "homs", "Ḥoms", "homs!") share one page,
named by the spelling most developments use (ties: the first in alphabetical
order), with the other spellings listed on it. A tag with no Latin letter or digit
(e.g. in Arabic script), or whose slug is an id reserved by another page
(``index``), gets an id made from a hash of its text instead: ``tag-1a2b3c4d``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .ids import slugify
from .schema import Development
from .urls import reserved_ids

__all__ = ["Tag", "dev_tags", "tag_id", "tags_of"]


@lru_cache(maxsize=4096)  # a few distinct tags, named again by thousands of developments
def tag_id(text: str) -> str:
    """The id of the page a tag leads to (see the module docstring)."""
    slug = slugify(text)
    if slug and slug not in reserved_ids("tag"):
        return slug
    folded = unicodedata.normalize("NFKC", " ".join(text.split())).casefold()
    return "tag-" + hashlib.blake2b(folded.encode("utf-8"), digest_size=4).hexdigest()


def dev_tags(dev: Development) -> list[tuple[str, str]]:
    """A development's tags as (id, text as written), each id once, in its order."""
    seen: dict[str, str] = {}
    for text in dev.tags:
        seen.setdefault(tag_id(text), text)
    return list(seen.items())


@dataclass(frozen=True)
class Tag:
    """One tag page: its name, the other spellings sharing it, its developments."""

    id: str
    name: str  # the spelling most developments use
    spellings: tuple[str, ...]  # the other spellings that lead to this page
    developments: tuple[str, ...]  # development ids, newest first

    @property
    def count(self) -> int:
        return len(self.developments)


def tags_of(newest: Iterable[tuple[str, Development]]) -> dict[str, Tag]:
    """Every tag of the briefing by id, sorted by name; ``newest``: developments newest first."""
    devs: dict[str, list[str]] = {}
    written: dict[str, Counter[str]] = {}
    for ident, dev in newest:
        for tid, _ in dev_tags(dev):
            devs.setdefault(tid, []).append(ident)
            spellings = written.setdefault(tid, Counter())
            for other in dev.tags:  # every spelling this development uses for the tag
                if tag_id(other) == tid:
                    spellings[other] += 1
    tags = []
    for tid, spellings in written.items():
        ranked = sorted(spellings, key=lambda s: (-spellings[s], s.casefold(), s))
        tags.append(Tag(tid, ranked[0], tuple(ranked[1:]), tuple(devs[tid])))
    tags.sort(key=lambda t: (t.name.casefold(), t.id))
    return {tag.id: tag for tag in tags}
