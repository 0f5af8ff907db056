"""A real `mkdocs serve` (issue 3): edits reach the served pages, and a broken edit
is reported while the last good pages keep being served.

The server runs on 127.0.0.1 on a free port, in a temporary copy of the project,
and is always terminated. Every wait polls (every 0.2 s, 30 s at most).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from publish_helpers import playwright_chromium
from site_helpers import MKDOCS_ENV, copy_project, scan_html

DEVELOPMENT = "2024-12-06-rebels-within-5km-of-homs"
DEV_FILE = f"briefings/developments/{DEVELOPMENT}.yaml"
DEV_URL = f"/situation/{DEVELOPMENT}/"
TIMEOUT = 30.0
POLL = 0.2

T = TypeVar("T")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    project: Path
    log: Path
    base: str
    start: tuple[int, str, str] | None = None  # set by the preview fixture


    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:  # the error page, e.g. the theme's 404 page
            return exc.code, exc.read().decode("utf-8", errors="replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, ""

    def text(self, path: str) -> str:
        """The visible text of a served page ('' unless it is served with 200)."""
        status, body = self.get(path)
        return scan_html(body).plain if status == 200 else ""

    def wait(self, what: str, check: Callable[[], T | None]) -> T:
        deadline = time.monotonic() + TIMEOUT
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"mkdocs serve exited while waiting for {what}:\n{self.output()}")
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}:\n{self.output()}")
            time.sleep(POLL)

    def wait_for_text(self, path: str, expected: str) -> str:
        return self.wait(f"{expected!r} on {path}", lambda: _having(self.text(path), expected))

    def wait_for_log(self, pattern: str, since: int) -> re.Match[str]:
        regex = re.compile(pattern)
        return self.wait(f"log /{pattern}/", lambda: regex.search(self.output()[since:]))


def _having(text: str, expected: str) -> str | None:
    return text if expected in text else None


def _briefings_first(project: Path) -> None:
    """Move the briefings plugin before search in mkdocs.yml."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    block = re.search(r"^  - briefings:\n(?:      .*\n)+", text, flags=re.MULTILINE)
    assert block, "mkdocs.yml has no briefings plugin block"
    text = text.replace(block.group(), "")
    text = text.replace("plugins:\n", "plugins:\n" + block.group(), 1)
    config.write_text(text, encoding="utf-8")
    assert text.index("- briefings:") < text.index("- search:")


@contextlib.contextmanager
def serving(project: Path, log: Path, *, dirty: bool) -> Iterator[Server]:
    """`mkdocs serve` of ``project`` (``--dirty`` as `make serve`), its output in ``log``;
    yields once the home page is served, and always stops the server."""
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", *(["--dirty"] if dirty else []),
             "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            env=MKDOCS_ENV,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    served = Server(process, project, log, f"http://127.0.0.1:{port}")
    try:
        served.wait("the first page", lambda: served.get("/")[0] == 200)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(params=["full", "dirty", "dirty-briefings-first"])
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    """`mkdocs serve`, rebuilding everything or (as `make serve`) only what changed;
    with the plugins in mkdocs.yml's order or with briefings listed before search."""
    project = copy_project(tmp_path / "project")
    if request.param.endswith("briefings-first"):
        _briefings_first(project)
    dirty = request.param.startswith("dirty")
    with serving(project, tmp_path / "serve.log", dirty=dirty) as served:
        yield served


def _edit(project: Path, name: str, pattern: str, replacement: str) -> None:
    path = project / name
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, lambda _: replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, (name, pattern)
    path.write_text(new, encoding="utf-8")


def test_briefing_edits_reach_the_page_and_a_broken_edit_keeps_the_last_good(
    server: Server,
) -> None:
    project = server.project
    assert "HTS-led rebels within 5 km of Homs" in server.text(DEV_URL)

    _edit(project, DEV_FILE, r"^title: .*$", "title: Rebels reach the edge of Homs")
    server.wait_for_text(DEV_URL, "Rebels reach the edge of Homs")

    since = len(server.output())
    _edit(project, DEV_FILE, r"^title: .*$", 'title: "Rebels reach')  # unclosed quote
    server.wait_for_log(
        rf"(?m)^ERROR\s+-\s+{re.escape(DEV_FILE)}:\d+:\d+: error: .+\n"
        r"(?:.*\n)*?ERROR\s+-\s+.*still serving the last good version\n"
        r"(?:.*\n)*?.*Documentation built",
        since,
    )
    assert server.process.poll() is None
    status, body = server.get(DEV_URL)
    assert status == 200
    assert "Rebels reach the edge of Homs" in scan_html(body).plain

    _edit(project, DEV_FILE, r"^title: .*$", "title: Rebels stop short of Homs")
    server.wait_for_text(DEV_URL, "Rebels stop short of Homs")
    assert "Traceback" not in server.output()


def test_template_edits_reach_the_page_and_a_broken_template_keeps_the_last_good(
    server: Server,
) -> None:
    project = server.project
    template = "templates/timeline.md.j2"
    assert "developments, newest first." in server.text("/situation/")

    _edit(project, template, r"developments, newest first\.", "developments, latest on top.")
    server.wait_for_text("/situation/", "developments, latest on top.")

    since = len(server.output())
    _edit(project, template, r"^# Situation\b.*$", "# Situation {% for x in %}")
    server.wait_for_log(
        rf"(?m)^ERROR\s+-\s+{re.escape(template)}:\d+:\d+: error: .+\n"
        r"(?:.*\n)*?ERROR\s+-\s+.*still serving the last good version\n"
        r"(?:.*\n)*?.*Documentation built",
        since,
    )
    assert "developments, latest on top." in server.text("/situation/")

    _edit(project, template, r"^# Situation .*$", "# Situation, day by day")
    server.wait_for_text("/situation/", "Situation, day by day")
    assert "Traceback" not in server.output()


def _indexed(server: Server) -> dict[str, str]:
    """Search index entries: location → title + text."""
    status, body = server.get("/search/search_index.json")
    assert status == 200
    return {doc["location"]: doc["title"] + " " + doc["text"] for doc in json.loads(body)["docs"]}


def test_search_index_stays_complete_after_an_edit(server: Server) -> None:
    # A dirty rebuild indexes only the pages it rebuilt; the plugin keeps the rest.
    before = _indexed(server)
    _edit(server.project, DEV_FILE, r"^title: .*$", "title: Rebels stop short of Homs")
    server.wait_for_text(DEV_URL, "Rebels stop short of Homs")
    after = server.wait(
        "the new title in the search index",
        lambda: (index := _indexed(server)) and ("Rebels stop short" in str(index)) and index,
    )
    assert set(after) == set(before)
    assert "Rebels stop short of Homs" in after[DEV_URL.lstrip("/")]


# ---------------------------------------------------------------- the preview (issue 13)
# One `mkdocs serve --dirty` (as `make serve`) for what a person editing the briefing
# sees: errors in the browser, a quiet log, deleted pages gone. Each test leaves the
# briefing as it found it.

BANNER = re.compile(r'<div class="bf-serve-errors" role="alert">(.*?)</div>', re.DOTALL)
LOGGED_ERROR = re.compile(r"(?m)^ERROR\s+-\s+(\S+:\d+:\d+: error: .*)$")
PAYLOAD = "<img src=x onerror=alert(1)>"
TEMPLATE_PAYLOAD = "{{7*7}}"
TOPIC_FILE = "briefings/background/hts-and-its-origins.yaml"
# Pages of every kind, and a page that is not there (MkDocs serves the theme's 404 page).
PAGES = ("/", DEV_URL, "/situation/", "/actors/hts/", "/sources/", "/no-such-page/")
# For a person to look at, as tests/test_accessibility.py's (a CI artefact).
BUILD = Path(__file__).resolve().parent.parent / "build"
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", BUILD / "screenshots")) / "serve"


def banner(body: str) -> list[str] | None:
    """The error lines the serve banner lists on a page, as text; None without a banner."""
    found = BANNER.search(body)
    if found is None:
        return None
    items = re.findall(r"<li><code>(.*?)</code></li>", found.group(1), flags=re.DOTALL)
    return [html.unescape(item) for item in items]


def last_build_errors(log: str) -> list[str]:
    """The `path:line:col: error:` lines of the last build in ``log``."""
    return LOGGED_ERROR.findall(log.rsplit("Building documentation", 1)[-1])


def settled(server: Server, since: int, builds: int) -> str:
    """The log since ``since`` once ``builds`` rebuilds have finished and three of
    MkDocs' poll periods have passed without another (a second rebuild of the same
    save would have started by then)."""
    server.wait(
        f"{builds} rebuilds",
        lambda: server.output()[since:].count("Reloading browsers") >= builds,
    )
    time.sleep(1.5)
    return server.output()[since:]


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Started on a briefing broken from the first build (``start`` keeps what the home
    page and the log were then), then fixed."""
    folder = tmp_path_factory.mktemp("preview")
    project = copy_project(folder / "project")
    path = project / DEV_FILE
    original = path.read_text(encoding="utf-8")
    _edit(project, DEV_FILE, r"^title: .*$", "title: Rebels: advance")
    with serving(project, folder / "serve.log", dirty=True) as served:
        served.start = (*served.get("/"), served.output())
        path.write_text(original, encoding="utf-8")
        served.wait_for_text(DEV_URL, "HTS-led rebels within 5 km of Homs")
        yield served
    assert "Traceback" not in served.output(), served.output()


def _break_two_files(project: Path) -> dict[Path, str]:
    """A development with markup and template syntax in wrong values, and a topic with
    an unquoted colon; returns the files' original text."""
    dev, topic = project / DEV_FILE, project / TOPIC_FILE
    originals = {path: path.read_text(encoding="utf-8") for path in (dev, topic)}
    text = re.sub(r"(?m)^status: .*$", f"status: {PAYLOAD}", originals[dev], count=1)
    text = re.sub(r"(?m)^places: \[", f'places: ["{TEMPLATE_PAYLOAD}", ', text, count=1)
    dev.write_text(text, encoding="utf-8")
    broken = re.sub(r"(?m)^title: .*$", "title: HTS: its origins", originals[topic], count=1)
    topic.write_text(broken, encoding="utf-8")
    return originals


def _restore(originals: dict[Path, str]) -> None:
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")


def test_a_broken_save_is_listed_on_every_served_page(preview: Server) -> None:
    assert "HTS-led rebels within 5 km of Homs" in preview.text(DEV_URL)
    assert all(banner(preview.get(page)[1]) is None for page in PAGES)

    originals = _break_two_files(preview.project)
    try:
        # Both files may land in one rebuild or in two: wait for the one with both.
        listed = preview.wait(
            "a banner listing both broken files",
            lambda: (found := banner(preview.get("/")[1]))
            and any(TOPIC_FILE in line for line in found)
            and any(DEV_FILE in line for line in found)
            and found,
        )
        errors = last_build_errors(preview.output())
        assert listed == errors  # every error, as the terminal prints it, in its order
        assert len(errors) == 3, errors
        assert any(PAYLOAD in line for line in errors)
        assert any(TEMPLATE_PAYLOAD in line for line in errors)
        assert any('must be in quotes: title: "HTS: its origins"' in line for line in errors)
        for page in PAGES:
            status, body = preview.get(page)
            assert status == (404 if page == "/no-such-page/" else 200), page
            assert banner(body) == errors, page
            assert PAYLOAD not in body and html.escape(PAYLOAD) in body, page
            assert not any("49" in line for line in errors)  # {{7*7}} stayed text
        assert "the last good version" in preview.text("/")
        assert "HTS-led rebels within 5 km of Homs" in preview.text(DEV_URL)
    finally:
        _restore(originals)
    preview.wait("the banner to go", lambda: banner(preview.get("/")[1]) is None)
    for page in PAGES:
        assert banner(preview.get(page)[1]) is None, page


def test_one_quiet_rebuild_per_save(preview: Server) -> None:
    project = preview.project
    path = project / DEV_FILE
    original = path.read_text(encoding="utf-8")
    since = len(preview.output())
    try:
        _edit(project, DEV_FILE, r"^title: .*$", "title: Rebels close on Homs")
        preview.wait_for_text(DEV_URL, "Rebels close on Homs")
        # As many editors save: a temporary file renamed over the original.
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(
            re.sub(r"(?m)^title: .*$", "title: Rebels at the gates of Homs", original, count=1),
            encoding="utf-8",
        )
        os.replace(temporary, path)
        preview.wait_for_text(DEV_URL, "Rebels at the gates of Homs")
        _edit(project, DEV_FILE, r"^title: .*$", 'title: "Rebels reach')  # unclosed quote
        preview.wait_for_log(r"still serving the last good version", since)
    finally:
        path.write_text(original, encoding="utf-8")
    preview.wait_for_text(DEV_URL, "HTS-led rebels within 5 km of Homs")
    log = settled(preview, since, builds=4)
    assert log.count("Building documentation") == 4, log
    assert log.count("Detected file changes") == 4, log
    error = [line for line in LOGGED_ERROR.findall(log) if DEV_FILE in line]
    assert len(error) == 1, log  # printed once
    assert "not included in the" not in preview.output()


LATE = "2024-12-06-late-report-from-rastan"
LATE_URL = f"/situation/{LATE}/"
LATE_TEXT = """\
title: Late report from Rastan
date: 2024-12-06
status: reported
places: [rastan]
actors: [hts]
summary: A report that arrived late, and was withdrawn.
sources: [dw]
"""


def test_a_deleted_development_is_gone_after_the_next_rebuild(preview: Server) -> None:
    path = preview.project / "briefings" / "developments" / f"{LATE}.yaml"
    path.write_text(LATE_TEXT, encoding="utf-8")
    preview.wait_for_text(LATE_URL, "Late report from Rastan")
    assert "Late report from Rastan" in preview.text("/situation/")
    preview.wait("the page in the search index", lambda: LATE_URL.lstrip("/") in _indexed(preview))

    path.unlink()
    preview.wait(f"{LATE_URL} to be gone", lambda: preview.get(LATE_URL)[0] == 404)
    assert preview.get(LATE_URL.rstrip("/"))[0] == 404  # no redirect to a leftover folder
    assert "Late report from Rastan" not in preview.text("/situation/")
    index = _indexed(preview)
    assert not [location for location in index if LATE in location]
    assert DEV_URL.lstrip("/") in index  # the rest of the index is still there


@pytest.mark.slow
def test_the_banner_in_a_browser(preview: Server) -> None:
    """The page in view reloads by itself with the banner, nothing of the payload runs,
    and it reads well at desk and phone widths, light and dark (screenshots kept)."""
    with playwright_chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(30_000)
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(preview.base + DEV_URL)
        page.wait_for_function("document.readyState === 'complete'")
        assert page.locator(".bf-serve-errors").count() == 0
        page.mouse.wheel(0, 600)  # the reader is halfway down the page
        page.wait_for_timeout(500)  # and the live-reload script is polling

        originals = _break_two_files(preview.project)
        try:
            # No navigation from here: live reload brings the banner, in view.
            page.wait_for_function(
                "document.querySelectorAll('.bf-serve-errors li').length === 3"
            )
            page.wait_for_timeout(300)
            assert page.evaluate("window.scrollY") > 0
            box = page.locator(".bf-serve-errors").bounding_box()
            assert box is not None and box["y"] == 0, box
            shown = page.locator(".bf-serve-errors").inner_text()
            assert PAYLOAD in shown and TEMPLATE_PAYLOAD in shown
            assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for scheme in ("default", "slate"):
                page.evaluate(f"document.body.dataset.mdColorScheme = '{scheme}'")
                page.wait_for_timeout(400)  # the theme's colour transitions
                for width, height in ((1280, 800), (390, 844)):
                    page.set_viewport_size({"width": width, "height": height})
                    page.evaluate("window.scrollTo(0, 0)")
                    page.screenshot(path=SCREENSHOTS / f"serve-banner-{width}-{scheme}.png")
                    box = page.locator(".bf-serve-errors").bounding_box()
                    assert box is not None and box["y"] == 0 and box["width"] == width
                    overflow = "document.documentElement.scrollWidth > window.innerWidth"
                    assert not page.evaluate(overflow), f"sideways scroll at {width} px"
        finally:
            _restore(originals)
        page.wait_for_selector(".bf-serve-errors", state="detached")
        assert dialogs == []
        context.close()


def test_a_briefing_broken_from_the_start_gets_a_page_saying_so(preview: Server) -> None:
    """No good version yet: serve does not stop; the home page says so under the banner,
    and the first good save brings the site."""
    assert preview.start is not None
    status, body, log = preview.start
    assert status == 200
    errors = banner(body)
    assert errors is not None and len(errors) == 1
    assert errors[0].startswith(f"{DEV_FILE}:1:14: error: YAML syntax: ")
    text = scan_html(body).plain
    assert "no good version to show yet" in text and "Nothing to show yet" in text
    assert "1 error in the briefing: nothing to serve until they are fixed" in log
    assert "Traceback" not in log and "Aborted" not in log
    # Fixed by the fixture: the site, without a banner.
    assert "Bottom line" in preview.text("/")
    assert banner(preview.get("/")[1]) is None


# ---------------------------------------------------------------- the pieces, without a server


def test_a_change_wakes_the_rebuild_loop_once_whoever_reports_it(tmp_path: Path) -> None:
    """The native watch and the poll both report a save: one wake. A new state of the
    file wakes again; editor debris never does."""
    from watchdog.events import (
        FileClosedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
    )

    from generator.serving import FolderWatch

    wakes: list[int] = []
    watch = FolderWatch(lambda: wakes.append(1))
    path = tmp_path / "a.yaml"
    path.write_text("title: one\n", encoding="utf-8")
    watch.changed(FileModifiedEvent(str(path)))  # inotify
    watch.changed(FileClosedEvent(str(path)))  # inotify, the same save
    watch.changed(FileModifiedEvent(str(path)))  # the poll, 0.5 s later
    assert len(wakes) == 1
    path.write_text("title: two, longer\n", encoding="utf-8")
    watch.changed(FileModifiedEvent(str(path)))
    assert len(wakes) == 2
    swap = tmp_path / ".a.yaml.swp"
    swap.write_text("x", encoding="utf-8")
    watch.changed(FileModifiedEvent(str(swap)))
    assert len(wakes) == 2
    temporary = tmp_path / "a.yaml.new"
    temporary.write_text("title: three\n", encoding="utf-8")
    watch.changed(FileModifiedEvent(str(temporary)))
    temporary.replace(path)
    watch.changed(FileMovedEvent(str(temporary), str(path)))
    assert len(wakes) == 4
    path.unlink()
    watch.changed(FileDeletedEvent(str(path)))
    watch.changed(FileDeletedEvent(str(path)))  # the poll
    assert len(wakes) == 5


def _wsgi_app(kind: str, body: bytes) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    return app


class _FakeServer:
    def __init__(self, app: Any) -> None:
        self.app = app

    def get_app(self) -> Any:
        return self.app

    def set_app(self, app: Any) -> None:
        self.app = app


def _call(server: _FakeServer) -> tuple[dict[str, str], bytes]:
    headers: dict[str, str] = {}

    def start_response(status: str, sent: list[tuple[str, str]], exc_info: Any = None) -> Any:
        headers.update(sent)
        return None

    body = b"".join(server.app({"PATH_INFO": "/"}, start_response))
    return headers, body


def test_the_banner_goes_into_html_responses_only_and_stays_text() -> None:
    from generator.preview import Broken, show_errors

    page = b'<!doctype html><html><head></head><body class="x"><h1>Overview</h1></body></html>'
    errors = (f"briefings/a.yaml:1:9: error: status: '{PAYLOAD}' {TEMPLATE_PAYLOAD}",)
    state: list[Broken | None] = [None]
    server = _FakeServer(_wsgi_app("text/html; charset=utf-8", page))
    assert show_errors(server, lambda: state[0])
    assert _call(server)[1] == page  # a good build: the page as it is

    state[0] = Broken(errors, last_good=True)
    headers, body = _call(server)
    assert body.startswith(b'<!doctype html><html><head></head><body class="x"><div class="bf')
    assert body.endswith(b"<h1>Overview</h1></body></html>")
    assert headers["Content-Length"] == str(len(body))
    text = body.decode("utf-8")
    assert banner(text) == list(errors)
    assert PAYLOAD not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "The briefing has 1 error." in text and "the last good version" in text

    state[0] = Broken(errors * 2, last_good=False)
    assert "no good version to show yet" in _call(server)[1].decode("utf-8")

    plain = _FakeServer(_wsgi_app("text/plain", b"12345"))
    assert show_errors(plain, lambda: state[0])
    assert _call(plain) == ({"Content-Type": "text/plain", "Content-Length": "5"}, b"12345")
    assert not show_errors(object(), lambda: state[0])  # not a WSGI server: nothing to wrap
