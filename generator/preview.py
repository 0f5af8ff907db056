"""Errors in the browser: while `mkdocs serve` runs, a save that breaks the briefing is
listed at the top of every served page, and the banner goes with the next good save.

The plugin keeps the errors of the last build (:class:`Broken`, or None when it was
good); :func:`show_errors` wraps MkDocs' dev server so that every HTML response starts
with them. Nothing of this runs in `mkdocs build`, which stops on an error. When the
briefing has never built since serve started, :func:`placeholder_pages` stands in
for the site.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from .messages import counted
from .render import ASSETS
from .urls import page_path

__all__ = [
    "PLACEHOLDER",
    "Broken",
    "banner_html",
    "placeholder_pages",
    "show_errors",
    "with_banner",
]


@dataclass(frozen=True)
class Broken:
    """Why the served pages are not the briefing as saved: its errors, one line each
    (``path:line:col: error: …``), and whether the last good version is served (else
    a placeholder: there has not been one since serve started)."""

    errors: tuple[str, ...]
    last_good: bool


def banner_html(broken: Broken) -> str:
    """The notice at the top of every served page. Every error is text, escaped."""
    errors = counted(len(broken.errors), "error")
    shown = (
        "This preview shows the last good version until they are fixed."
        if broken.last_good
        else "There is no good version to show yet."
    )
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in broken.errors)
    return (
        '<div class="bf-serve-errors" role="alert">'
        f'<p class="bf-serve-errors-title"><strong>The briefing has {errors}.</strong> {shown}</p>'
        f'<ul class="bf-serve-errors-list" tabindex="0" aria-label="Errors">{items}</ul>'
        '<p class="bf-serve-errors-note">Save a fix and the page reloads by itself. Only '
        "<code>mkdocs serve</code> shows this notice; <code>mkdocs build</code> stops on "
        "these errors.</p></div>"
    )


_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def with_banner(page: bytes, banner: str) -> bytes:
    """``page`` with ``banner`` first in its body."""
    found = _BODY.search(page)
    at = found.end() if found else 0
    return page[:at] + banner.encode("utf-8") + page[at:]


class _ErrorBanner:
    """WSGI middleware around MkDocs' dev server: while ``state()`` says the briefing
    is broken, every HTML response (pages, the 404 page) starts with the banner.

    Done as the page is sent, not as it is built: a dirty build writes only the pages
    whose text changed, and a broken save changes none."""

    def __init__(self, app: WSGIApplication, state: Callable[[], Broken | None]) -> None:
        self.app = app
        self.state = state

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        held: list[Any] = []
        written: list[bytes] = []

        def hold(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None, /
        ) -> Callable[[bytes], object]:
            held[:] = [status, headers, exc_info]
            return written.append

        result = self.app(environ, hold)
        if not held:  # an app that starts its response lazily
            result = list(result)
        status, headers, exc_info = held
        broken = self.state()
        kind = next((value for name, value in headers if name.lower() == "content-type"), "")
        if broken is None or not kind.startswith("text/html"):
            start_response(status, headers, exc_info)
            return [*written, *result] if written else result
        try:
            page = b"".join([*written, *result])
        finally:
            close = getattr(result, "close", None)
            if callable(close):
                close()
        page = with_banner(page, banner_html(broken))
        headers = [(name, value) for name, value in headers if name.lower() != "content-length"]
        start_response(status, [*headers, ("Content-Length", str(len(page)))], exc_info)
        return [page]


def show_errors(server: Any, state: Callable[[], Broken | None]) -> bool:
    """Banner every HTML page MkDocs' dev ``server`` sends while ``state()`` is not
    None; False where the server is not the WSGI server this expects."""
    get_app, set_app = getattr(server, "get_app", None), getattr(server, "set_app", None)
    if not callable(get_app) or not callable(set_app) or get_app() is None:
        return False
    set_app(_ErrorBanner(get_app(), state))
    return True


PLACEHOLDER = """\
# Nothing to show yet

The briefing has errors, so no page of it could be built. They are listed above, and
in the terminal where `mkdocs serve` runs. Save a fix and this page reloads by itself
with the briefing.
"""


def placeholder_pages(templates: Path, docs_dir: Path) -> dict[str, str]:
    """What serve shows when the briefing has errors and no good version yet: a home
    page saying so (unless docs_dir has its own) and the stylesheet, for the banner."""
    home = page_path("home")
    pages = {} if (docs_dir / home).exists() else {home: PLACEHOLDER}
    for tree_path, template_path in ASSETS.items():
        with contextlib.suppress(OSError):
            pages[tree_path] = (templates / template_path).read_text(encoding="utf-8")
    return pages
