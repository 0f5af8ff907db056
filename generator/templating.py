"""The Jinja environment that turns page contexts into Markdown.

Escaping is the default, not something a template must remember: every
``{{ value }}`` passes through ``finalize``, which turns plain text into
Markdown-inert text (:func:`.markup.plain`). Only :class:`~markupsafe.Markup`
values pass unchanged, and only the filters here make them: prose rendered by
markdown-it-py, links whose targets the generator built, and dates.
The data is only ever a value in a context, never template source.

Every template has the globals ``meta`` (briefing.yaml), ``urls`` (links from
the page being rendered, see :class:`.urls.Urls`) and ``vocab`` (every closed
list of values with its meanings, see :mod:`.vocabulary`); ``templates/README.md``
says what else each template receives. A name a template does not have is an
error naming the template, its line and the names it does have
(:func:`template_problem`).
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import traceback
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.utils import missing
from markupsafe import Markup
from pydantic import BaseModel

from .clocks import date_label, human_date, time_tag
from .diagnostics import Mark
from .mapsvg import marker_shape, overlay_svg
from .markup import excerpt, inline_html, plain, prose_html
from .vocabulary import VOCABULARY

__all__ = ["GLOBALS", "human_date", "make_environment", "template_problem"]

# The names every template has besides its own context (see the module docstring).
GLOBALS = ("meta", "urls", "vocab")


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool) or value is None:
        raise TypeError(f"template printed {value!r}; test it with {{% if %}} instead")
    if isinstance(value, datetime | date):
        return Markup(plain(human_date(value)))
    return Markup(plain(str(value)))


def _prose(text: str | None) -> Markup:
    return Markup(prose_html(text)) if text else Markup("")


def _inline(text: str | None) -> Markup:
    return Markup(inline_html(text)) if text else Markup("")


def _excerpt(text: str, limit: int = 220) -> str:
    return excerpt(text, limit)  # a plain str: finalize escapes it


def _link(text: Any, target: Markup) -> Markup:
    """A Markdown link to a page the generator made; MkDocs checks and rewrites it."""
    if not isinstance(target, Markup):
        raise TypeError("link targets come from the `url` helpers, never from data")
    return Markup(f"[{plain(str(text))}]({target})")


def _external(text: Any, url: str) -> Markup:
    """An HTML link to an http(s) URL the schema has checked."""
    href = str(Markup.escape(url))
    return Markup(f'<a href="{href}" rel="noopener">{plain(str(text))}</a>')


def _num(value: float) -> Markup:
    """A number for an SVG attribute or a computed size: digits as they are."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"num prints numbers, not {type(value).__name__}")
    return Markup(f"{value:g}")


def _map_key(role: str) -> Markup:
    """A legend's marker shape for ``role``, as drawn on the map."""
    return Markup(marker_shape(role, 8, 8, 5))


def _cell(value: Any) -> Markup:
    """Plain text for a Markdown table cell (never empty, so the row keeps its shape)."""
    return Markup(plain(str(value))) if value not in (None, "") else Markup("&#8212;")


def _front_title(text: str) -> Markup:
    """A page title for MkDocs front matter. Themes print ``page.meta.title`` as HTML
    (MkDocs passes titles through unescaped), so it is HTML-escaped here, once, and
    quoted as a YAML double-quoted scalar (a JSON string is one)."""
    flat = " ".join(re.sub(r"[\x85\u2028\u2029]", " ", text).split())
    quoted = json.dumps(html.escape(flat, quote=True), ensure_ascii=False)
    # JSON leaves DEL, C1 controls and noncharacters raw; YAML refuses them raw.
    quoted = re.sub(
        r"[\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}", quoted
    )
    return Markup(quoted)


_SLUG = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")


def _slug(value: str) -> Markup:
    """An id or enum value placed where escaping would change it (anchors, classes)."""
    if not _SLUG.match(value):
        raise ValueError(f"{value!r} is not an id; only validated ids go through `slug`")
    return Markup(value)


def _names_of(value: Any) -> list[str]:
    """The attribute names a template can read from ``value``."""
    if isinstance(value, BaseModel):
        return list(type(value).model_fields)
    if dataclasses.is_dataclass(value):
        return [f.name for f in dataclasses.fields(value)]
    if isinstance(value, dict):
        return [str(k) for k in list(value)[:20]]
    return [n for n in dir(value) if not n.startswith("_")][:20]


class _Undefined(StrictUndefined):
    """Fails on any use, saying what the object it was looked up on does have."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        if self._undefined_obj is missing:
            return f"'{self._undefined_name}' is undefined"
        owner = type(self._undefined_obj).__name__
        names = ", ".join(_names_of(self._undefined_obj))
        return f"{owner} has no '{self._undefined_name}' (it has: {names})"


def template_problem(
    exc: Exception, template: str, templates_dir: Path, names: Iterable[str]
) -> tuple[Path, Mark, str]:
    """Where in which template file a rendering error happened, and what it says.

    ``names`` are those the page's template was given, listed when a name is undefined.
    """
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = Path(exc.filename) if exc.filename else templates_dir / template
        return where, Mark(exc.lineno or 1), exc.message or ""
    where, line = templates_dir / template, 1
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename.endswith(".j2"):  # Jinja names compiled code by file
            where, line = Path(frame.f_code.co_filename), lineno
    message = str(exc)
    if isinstance(exc, jinja2.UndefinedError) and message.endswith("is undefined"):
        message += f" (this page's template has: {', '.join(sorted(names))})"
    return where, Mark(line), message


def make_environment(
    templates_dir: Path, bytecode_cache: jinja2.BytecodeCache | None = None
) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        bytecode_cache=bytecode_cache,
        undefined=_Undefined,
        autoescape=True,  # macros return Markup; every other value goes through finalize
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        prose=_prose,
        inline=_inline,
        excerpt=_excerpt,
        link=_link,
        external=_external,
        time=time_tag,  # time(precision): "week of 25 November 2024" (generator/clocks.py)
        date_label=date_label,
        cell=_cell,
        num=_num,
        map_overlay=overlay_svg,
        map_key=_map_key,
        human_date=human_date,
        slug=_slug,
        front_title=_front_title,
    )
    env.globals["vocab"] = VOCABULARY
    return env
