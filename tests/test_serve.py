"""A real `mkdocs serve` (issue 3): edits reach the served pages, and a broken edit
is reported while the last good pages keep being served.

The server runs on 127.0.0.1 on a free port, in a temporary copy of the project,
and is always terminated. Every wait polls (every 0.2 s, 30 s at most).
"""

from __future__ import annotations

import json
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
from typing import TypeVar

import pytest
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

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, ""
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


@pytest.fixture(params=["full", "dirty", "dirty-briefings-first"])
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    """`mkdocs serve`, rebuilding everything or (as `make serve`) only what changed;
    with the plugins in mkdocs.yml's order or with briefings listed before search."""
    project = copy_project(tmp_path / "project")
    if request.param.endswith("briefings-first"):
        _briefings_first(project)
    port = free_port()
    log = tmp_path / "serve.log"
    dirty = ["--dirty"] if request.param.startswith("dirty") else []
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", *dirty, "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            env=MKDOCS_ENV,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
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
