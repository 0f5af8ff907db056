"""Untrusted text → safe output.

Two kinds of text come from YAML:

* **prose** (Markdown fields such as ``summary``): rendered to HTML here with
  markdown-it-py's ``js-default`` preset, so raw HTML shows as text and links
  other than http, https, mailto and relative ones never become links. The
  HTML is handed to MkDocs as a raw block, which Python-Markdown leaves alone.
* **plain text** (titles, names, labels): every character that Markdown or
  HTML would act on becomes a numeric character reference, so a title can sit
  in a heading, a table cell or a link text and still read exactly as typed.

Nothing here evaluates text as a template: Jinja only ever sees it as data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .links import allowed, commonmark

__all__ = [
    "excerpt",
    "inline_html",
    "plain",
    "prose_html",
]

# Characters that Markdown (Python-Markdown with tables, attr_list, admonitions,
# abbreviations, footnotes) or HTML might act on, plus Jinja's delimiters.
_ACTIVE = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_{}[]()<>#+-.!|~:&\"'=$%^@"})
# In prose rendered to HTML, text keeps ordinary punctuation but loses every
# character another Markdown pass (Python-Markdown and its extensions) could act on.
_PROSE_ACTIVE = str.maketrans({c: f"&#{ord(c)};" for c in '\\`*_[]{}<>#|~^=:!&"$'})


def _entities(text: str) -> str:
    return text.translate(_PROSE_ACTIVE)


class _InertRenderer(RendererHTML):
    """HTML whose text holds no character a later Markdown pass could act on."""

    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return _entities(tokens[idx].content)

    def code_inline(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return f"<code>{_entities(tokens[idx].content)}</code>"

    def code_block(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        content = _entities(tokens[idx].content).replace("\n", "&#10;")
        return f"<pre><code>{content}</code></pre>\n"

    fence = code_block

    # Prose sits under the page's own headings (a development's "## Summary"), so a
    # heading written in prose starts at <h3>: never a second <h1> on the page.
    def heading_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return f"<h{_shifted(tokens[idx].tag)}>"

    def heading_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return f"</h{_shifted(tokens[idx].tag)}>\n"


def _shifted(tag: str) -> int:
    return min(int(tag[1:]) + 2, 6)


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    md = MarkdownIt("js-default", {"typographer": False}, renderer_cls=_InertRenderer)
    md.enable("table").enable("strikethrough")
    # Images would make every reader's browser fetch from wherever the URL points;
    # `![x](url)` shows as "!" and a plain link instead.
    md.disable("image")
    default = md.validateLink
    md.validateLink = lambda url: default(url) and allowed(url)  # type: ignore[method-assign]
    return md


@lru_cache(maxsize=65536)
def prose_html(text: str) -> str:
    """Render Markdown prose to safe HTML (raw HTML escaped, unsafe links dropped)."""
    html = _renderer().render(text)
    # One contiguous raw block for Python-Markdown: no blank line inside it (code
    # blocks keep their line breaks as &#10;).
    return re.sub(r"\n\s*\n", "\n", html).strip()


def inline_html(text: str) -> str:
    """Render a one-paragraph Markdown field to inline HTML (no surrounding <p>)."""
    html = prose_html(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


@lru_cache(maxsize=65536)
def excerpt(text: str, limit: int = 220) -> str:
    """The words of Markdown ``text`` without markup, cut at ``limit`` characters."""
    words: list[str] = []
    for block in commonmark().parse(text):
        for token in block.children or ():
            if token.type in ("text", "code_inline"):
                words.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                words.append(" ")
        if block.type == "paragraph_close":
            words.append(" ")
    flat = " ".join("".join(words).split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def plain(text: str) -> str:
    """Escape plain text so that Markdown and HTML show it exactly as typed."""
    flat = " ".join(text.split())
    return flat.translate(_ACTIVE)
