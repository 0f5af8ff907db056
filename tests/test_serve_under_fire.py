"""`mkdocs serve` under fire (issue 5): broken edits never take the server down.

A real ``mkdocs serve`` runs on a free port of 127.0.0.1 over a temporary copy of
the project and the example briefing. Each test breaks the input the way an
editor or a person does (a file saved in two steps, a deleted or renamed
development, a file replaced by a folder, a template with a syntax error), then:

* the server process is still alive;
* its log (stderr) shows the ``path:line:col: error:`` line, and no traceback;
* the last good pages are still served (HTTP 200, the old content);
* once the input is fixed, the new content is served.

Every wait is a bounded poll (at most 30 s); the server is always terminated.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import PROJECT

pytestmark = pytest.mark.slow

WAIT = 30.0
DEV = "briefings/developments"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(what: str, check: Callable[[], bool], timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


class Server:
    """``mkdocs serve`` in ``project``; stderr and stdout are collected as they come."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._err: list[str] = []
        self._out: list[str] = []
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        for stream, sink in ((self.proc.stderr, self._err), (self.proc.stdout, self._out)):
            threading.Thread(target=self._drain, args=(stream, sink), daemon=True).start()

    def _drain(self, stream: object, sink: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            with self._lock:
                sink.append(line)

    def stderr(self, since: int = 0) -> str:
        with self._lock:
            return "".join(self._err[since:])

    def mark(self) -> int:
        with self._lock:
            return len(self._err)

    def get(self, path: str) -> tuple[int, str]:
        """Status and page, character references decoded (pages escape '-' as &#45;)."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=WAIT) as response:
                return response.status, html.unescape(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return error.code, ""
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, ""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    project = tmp_path_factory.mktemp("serve") / "project"
    project.mkdir()
    shutil.copy2(PROJECT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(PROJECT / "templates", project / "templates")
    shutil.copytree(PROJECT / "briefings", project / "briefings")
    (project / "docs").mkdir()
    running = Server(project)
    try:
        wait_for("the first build", lambda: running.get("/")[0] == 200 or not running.alive(), 90)
        assert running.alive(), running.stderr()
        yield running
    finally:
        running.stop()
    assert "Traceback" not in running.stderr(), running.stderr()


def error_line(path: str) -> re.Pattern[str]:
    return re.compile(rf"(?m){re.escape(path)}:\d+:\d+: error: \S")


KEPT = "still serving the last good version"


def broken(server: Server, since: int, path: str) -> str:
    """Wait for the diagnostic of ``path`` and the plugin's word that it keeps the last
    good version (logged after every diagnostic); check the server took it in stride."""
    pattern = error_line(path)

    def reported() -> bool:
        log = server.stderr(since)
        found = pattern.search(log)
        return found is not None and KEPT in log[found.start() :]

    wait_for(f"an error line for {path}, then '{KEPT}'", reported)
    log = server.stderr(since)
    assert server.alive(), log
    assert "Traceback" not in log, log
    return log


def serves(server: Server, path: str, *texts: str, absent: tuple[str, ...] = ()) -> None:
    """Wait until ``path`` is served (200) with every one of ``texts`` and none of ``absent``."""

    def ok() -> bool:
        status, body = server.get(path)
        return (
            status == 200 and all(t in body for t in texts) and not any(a in body for a in absent)
        )

    wait_for(f"{path} with {texts} and without {absent}", ok)


def gone(server: Server, path: str) -> None:
    wait_for(f"{path} to be gone", lambda: server.get(path)[0] == 404)


def clean_since(server: Server, since: int) -> None:
    """The build that serves the fixed input reported no error (a build that started
    halfway through a multi-file fix may have; only the last one counts)."""
    log = server.stderr(since)
    assert server.alive(), log
    assert "Traceback" not in log, log
    last_build = log.rsplit("Building documentation", 1)[-1]
    assert not re.search(r": error: ", last_build), log


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_example_is_served(server: Server) -> None:
    serves(server, "/situation/", "Russian forces reportedly bomb the Rastan bridge")
    assert server.get("/situation/2024-12-06-rebels-within-5km-of-homs/")[0] == 200


LATE = "2024-12-06-late-breaking-report"
LATE_FIRST_HALF = """\
title: Late-breaking report from Rastan
date: 2024-12-06
status: reported
places: [rastan-bridge,
"""
LATE_REST = """\
  rastan]
actors: [hts]
summary: A report that arrived while the editor was still saving.
sources: [dw]
"""


def test_a_file_saved_in_two_steps(server: Server) -> None:
    path = server.project / DEV / f"{LATE}.yaml"
    since = server.mark()
    path.write_text(LATE_FIRST_HALF, encoding="utf-8")  # the editor's first write
    log = broken(server, since, f"{DEV}/{LATE}.yaml")
    assert "YAML syntax" in log
    serves(server, "/situation/", "Russian forces reportedly bomb", absent=("Late-breaking",))
    assert server.get(f"/situation/{LATE}/")[0] == 404
    since = server.mark()
    with path.open("a", encoding="utf-8") as handle:  # ... and its second, a moment later
        handle.write(LATE_REST)
    serves(server, f"/situation/{LATE}/", "Late-breaking report from Rastan")
    serves(server, "/situation/", "Late-breaking report from Rastan")
    clean_since(server, since)


STRIKE = "2024-12-06-russian-strike-on-rastan-bridge"
STRIKE_TITLE = "Russian forces reportedly bomb the Rastan bridge"
REFERRING = (
    "2024-12-06-army-reinforces-homs-defences",
    "2024-12-06-rastan-and-talbisseh-taken-on-m5",
    "2024-12-06-rebels-within-5km-of-homs",
)


def test_a_deleted_development_that_others_still_name(server: Server) -> None:
    since = server.mark()
    (server.project / DEV / f"{STRIKE}.yaml").unlink()
    log = broken(server, since, f"{DEV}/{REFERRING[0]}.yaml")
    assert f"unknown development '{STRIKE}'" in log
    for other in REFERRING[1:]:
        assert error_line(f"{DEV}/{other}.yaml").search(log), log
    # The last good site: the deleted page is still there, as it was.
    serves(server, f"/situation/{STRIKE}/", STRIKE_TITLE)
    serves(server, f"/situation/{REFERRING[0]}/", STRIKE_TITLE)
    since = server.mark()
    for other in REFERRING:
        edit(server.project / DEV / f"{other}.yaml", f"  - {STRIKE}\n", "")
    gone(server, f"/situation/{STRIKE}/")
    serves(server, f"/situation/{REFERRING[0]}/", "Related developments", absent=(STRIKE_TITLE,))
    serves(server, "/situation/", "Late-breaking report", absent=(STRIKE_TITLE,))
    clean_since(server, since)


OLD_ID = "2024-12-06-army-reinforces-homs-defences"
NEW_ID = "2024-12-06-army-reinforces-the-homs-defences"


def test_a_renamed_development_still_named_by_its_old_id(server: Server) -> None:
    folder = server.project / DEV
    status, old_page = server.get(f"/situation/{OLD_ID}/")
    assert status == 200
    title = re.search(r"<h1[^>]*>([^<]+)", old_page)
    assert title is not None
    since = server.mark()
    (folder / f"{OLD_ID}.yaml").rename(folder / f"{NEW_ID}.yaml")
    referrer = "2024-12-06-rebels-within-5km-of-homs"
    log = broken(server, since, f"{DEV}/{referrer}.yaml")
    assert f"unknown development '{OLD_ID}' (did you mean '{NEW_ID}'?)" in log
    serves(server, f"/situation/{OLD_ID}/", title.group(1))  # the last good version
    assert server.get(f"/situation/{NEW_ID}/")[0] == 404
    since = server.mark()
    edit(folder / f"{referrer}.yaml", f"  - {OLD_ID}\n", f"  - {NEW_ID}\n")
    for other in sorted((server.project / "briefings").rglob("*.yaml")):  # e.g. the watch list
        if f"- {OLD_ID}\n" in other.read_text(encoding="utf-8"):
            edit(other, f"- {OLD_ID}\n", f"- {NEW_ID}\n")
    serves(server, f"/situation/{NEW_ID}/", title.group(1))
    serves(server, f"/situation/{referrer}/", f"{NEW_ID}/")
    gone(server, f"/situation/{OLD_ID}/")
    clean_since(server, since)


RASTAN = "2024-12-06-rastan-and-talbisseh-taken-on-m5"


def test_a_development_replaced_by_a_folder(server: Server) -> None:
    path = server.project / DEV / f"{RASTAN}.yaml"
    original = path.read_text(encoding="utf-8")
    title_line = next(line for line in original.splitlines() if line.startswith("title: "))
    title = title_line.removeprefix("title: ")
    since = server.mark()
    path.unlink()
    path.mkdir()
    (path / "notes.txt").write_text("not a development\n", encoding="utf-8")
    log = broken(server, since, f"{DEV}/{RASTAN}.yaml")
    assert "expected a YAML file, found a folder" in log
    serves(server, f"/situation/{RASTAN}/", title)
    since = server.mark()
    shutil.rmtree(path)
    path.write_text(original.replace(title_line, f"{title_line} (updated)"), encoding="utf-8")
    serves(server, f"/situation/{RASTAN}/", f"{title} (updated)")
    clean_since(server, since)


def test_a_template_with_a_syntax_error(server: Server) -> None:
    path = server.project / "templates" / "timeline.md.j2"
    original = path.read_text(encoding="utf-8")
    since = server.mark()
    path.write_text("{% for day in %}\n" + original, encoding="utf-8")
    log = broken(server, since, "templates/timeline.md.j2")
    assert re.search(r"templates/timeline\.md\.j2:1:\d+: error: template: ", log), log
    serves(server, "/situation/", "Late-breaking report from Rastan")
    since = server.mark()
    path.write_text(original + "\nThe timeline template, fixed.\n", encoding="utf-8")
    serves(server, "/situation/", "The timeline template, fixed.", "Late-breaking report")
    clean_since(server, since)
