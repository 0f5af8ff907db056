"""The link policy: which link targets prose may carry.

Prose (Markdown fields) may link to http, https, mailto or relative targets and
nothing else (no ``javascript:``, ``data:``, ``file:``…). The schema refuses a
field holding another kind of link (:func:`bad_links`); the renderer, which
never sees such a field, still drops any link :func:`allowed` refuses.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

__all__ = ["ALLOWED_SCHEMES", "allowed", "bad_links", "commonmark"]

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_LINKISH = re.compile(r"\]\(|\]:|<[a-zA-Z]|\]\[")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def allowed(url: str) -> bool:
    """True for http, https, mailto and relative targets."""
    cleaned = _CONTROL.sub("", url).strip()
    if not cleaned:
        return True
    scheme = urlsplit(cleaned).scheme.lower() if ":" in cleaned else ""
    if scheme:
        return scheme in ALLOWED_SCHEMES
    return True


@lru_cache(maxsize=1)
def commonmark() -> MarkdownIt:
    """A CommonMark parser that keeps every link, to inspect text (never to render it)."""
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def bad_links(text: str) -> list[str]:
    """Link targets in Markdown ``text`` that are not http, https, mailto or relative."""
    if not _LINKISH.search(text):
        return []
    found: list[str] = []
    for block in commonmark().parse(text):
        for token in block.children or ():
            if token.type in ("link_open", "image"):
                key = "href" if token.type == "link_open" else "src"
                target = str(token.attrs.get(key, ""))
                if not allowed(target):
                    found.append(target)
    return found
