"""Shared helpers for the publishing tests (issue 4): site builds, a local web
server, headless Chromium and the briefing read straight from its YAML.

Nothing here imports the generator: expectations are computed from the YAML
files with PyYAML, so the tests check the product rather than repeat it.
"""

from __future__ import annotations

import fcntl
import functools
import html.parser
import itertools
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECT = Path(__file__).resolve().parent.parent
COPIED = ("mkdocs.yml", "briefings", "templates", "docs")
ATOM = "{http://www.w3.org/2005/Atom}"
# A fixed build date (6 December 2024), as `make build` takes one from the last commit.
EPOCH = "1733476000"


# ---------------------------------------------------------------- project copies and builds


def copy_project(dst: Path, extra_files: Mapping[str, str] | None = None) -> Path:
    """Copy mkdocs.yml, briefings/, templates/ and docs/ into ``dst``, then add ``extra_files``."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = PROJECT / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dst / name)
    for rel, text in (extra_files or {}).items():
        path = dst / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dst


def set_site_url(project: Path, url: str) -> None:
    """Set ``site_url`` in the copied mkdocs.yml (replacing a set or commented-out one)."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    line = f"site_url: {url}"
    if re.search(r"^#?\s*site_url:.*$", text, flags=re.M):
        text = re.sub(r"^#?\s*site_url:.*$", line, text, count=1, flags=re.M)
    else:
        text = f"{line}\n{text}"
    config.write_text(text, encoding="utf-8")


def build_env(**overrides: str | None) -> dict[str, str]:
    """The environment of a build: the Makefile's variables, a fixed SOURCE_DATE_EPOCH."""
    env = dict(os.environ)
    env.update(NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=EPOCH, PYTHONDONTWRITEBYTECODE="1")
    env.pop("OFFLINE", None)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(
    args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, fail the test with its whole output."""
    result = subprocess.run(
        list(args),
        cwd=cwd,
        env=dict(env) if env is not None else build_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(args)} exited {result.returncode} in {cwd}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
    return result


def mkdocs_build(
    project: Path, site_dir: Path | None = None, *extra: str, **env: str | None
) -> Path:
    """``python -m mkdocs build --strict`` in ``project``; returns the site folder."""
    target = site_dir or project / "site"
    run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target), *extra],
        cwd=project,
        env=build_env(**env),
    )
    return target


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` as ``{posix relative path: bytes}``."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# ---------------------------------------------------------------- the briefing, from its YAML


def moment_key(moment: date | datetime) -> datetime:
    """UTC instant of a YAML date or datetime; a bare date is the start of its day in UTC."""
    if isinstance(moment, datetime):
        assert moment.tzinfo is not None, f"{moment!r} has no UTC offset"
        return moment.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


@dataclass
class YamlBriefing:
    meta: dict[str, Any]
    developments: dict[str, dict[str, Any]]
    places: dict[str, dict[str, Any]]
    actors: dict[str, dict[str, Any]]
    sources: dict[str, dict[str, Any]]
    raw: dict[str, str] = field(default_factory=dict)

    def updated(self, ident: str) -> datetime:
        """The newest of a development's date and its updates[].at."""
        dev = self.developments[ident]
        stamps = [dev["date"], *(u["at"] for u in dev.get("updates") or [])]
        return max(moment_key(s) for s in stamps)

    def source_ids(self, ident: str) -> list[str]:
        return [
            s if isinstance(s, str) else s["source"] for s in self.developments[ident]["sources"]
        ]


def read_briefing(folder: Path) -> YamlBriefing:
    """The briefing in ``folder`` as plain YAML data (dates as PyYAML reads them)."""

    def registry(name: str) -> dict[str, dict[str, Any]]:
        return {item["id"]: item for item in yaml.safe_load((folder / name).read_text("utf-8"))}

    developments = {
        p.stem: yaml.safe_load(p.read_text("utf-8"))
        for p in sorted((folder / "developments").glob("*.yaml"))
    }
    return YamlBriefing(
        meta=yaml.safe_load((folder / "briefing.yaml").read_text("utf-8")),
        developments=developments,
        places=registry("places.yaml"),
        actors=registry("actors.yaml"),
        sources=registry("sources.yaml"),
    )


def parse_rfc3339(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert value.tzinfo is not None, f"{text!r} has no UTC offset"
    return value


# ---------------------------------------------------------------- HTML


class Tags(html.parser.HTMLParser):
    """Every start tag of a document: ``(tag, attrs, in_head)``, plus inline <style> text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str], bool]] = []
        self.styles: list[str] = []
        self._head = False
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "head":
            self._head = True
        self._style = tag == "style"
        self.tags.append((tag, values, self._head))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._head = False
        if tag == "style":
            self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:
            self.styles.append(data)


def parse_html(text: str) -> Tags:
    parser = Tags()
    parser.feed(text)
    parser.close()
    return parser


def page_url(site: Path, page: Path, base: str = "http://site.test/") -> str:
    """The URL of a built file when ``site`` is served at ``base``."""
    return base + page.relative_to(site).as_posix()


def served_file(site: Path, url: str, base: str = "http://site.test/") -> Path | None:
    """The file a URL under ``base`` serves from ``site`` (index.html for a folder), or None."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    if not url.startswith(base):
        return None
    path = site / url[len(base) :]
    if url.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


# ---------------------------------------------------------------- a local web server


class _Quiet(SimpleHTTPRequestHandler):
    requested: list[str]

    def log_message(self, format: str, *args: Any) -> None:
        self.requested.append(self.path)


@contextmanager
def serve(directory: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve ``directory`` on 127.0.0.1 (a free port); yields (base URL, requested paths)."""
    requested: list[str] = []
    handler = type("Handler", (_Quiet,), {"requested": requested})
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", requested
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


# ---------------------------------------------------------------- headless Chromium


def chromium() -> str:
    """The Chromium executable, or skip the test."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    pytest.skip("headless Chromium not found (apt-get install chromium)")


def chromium_args(profile: Path, *, isolate: bool = True) -> list[str]:
    """Flags for a quiet headless run; ``isolate`` makes every host but 127.0.0.1 unresolvable."""
    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
    ]
    if isolate:
        args.append("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
    return args


def _kill_group(proc: subprocess.Popen[Any]) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        proc.wait(10)


def dump_dom(url: str, profile: Path, *extra: str, timeout: float = 60) -> str:
    """The DOM of ``url`` after its scripts ran (``chromium --dump-dom``)."""
    proc = subprocess.Popen(
        [
            chromium(),
            *chromium_args(profile),
            *extra,
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        pytest.fail(f"chromium --dump-dom {url} did not finish in {timeout} s")
    return out.decode("utf-8", "replace")


class Browser:
    """A minimal DevTools Protocol client over ``--remote-debugging-pipe`` (stdlib only).

    Chromium reads commands on fd 3 and writes replies on fd 4, each a JSON
    message ended by a NUL byte. Used where a test must wait for something the
    page does after loading (search results), which ``--dump-dom`` cannot.
    """

    def __init__(self, profile: Path, *extra: str) -> None:
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()

        def child() -> None:  # runs in the child between fork and exec
            a = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [chromium(), *chromium_args(profile), *extra, "--remote-debugging-pipe", "about:blank"],
            preexec_fn=child,  # the only way to put the pipe on the fds 3 and 4 Chromium reads
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        self.session = ""

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply from chromium")
            ready, _, _ = select.select([self._r], [], [], left)
            if ready:
                chunk = os.read(self._r, 1 << 16)
                if not chunk:
                    raise EOFError("chromium closed the DevTools pipe")
                self._buf += chunk
        message, self._buf = self._buf.split(b"\0", 1)
        result: dict[str, Any] = json.loads(message)
        return result

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 20) -> Any:
        ident = next(self._ids)
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if self.session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        os.write(self._w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def open(self) -> Browser:
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t["targetId"] for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", {"targetId": page, "flatten": True})[
            "sessionId"
        ]
        self.send("Page.enable")
        self.send("Runtime.enable")
        return self

    def goto(self, url: str, timeout: float = 30) -> None:
        """Navigate and wait for the page's load event."""
        seen = len(self.events)
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events[seen:]):
            self.events.append(self._message(deadline))

    def evaluate(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return reply["result"].get("value")

    def wait_for(self, expression: str, timeout: float) -> Any:
        """Poll ``expression`` until it is truthy; return its last value either way."""
        deadline = time.monotonic() + timeout
        value = self.evaluate(expression)
        while not value and time.monotonic() < deadline:
            time.sleep(0.2)
            value = self.evaluate(expression)
        return value

    def close(self) -> None:
        with suppress(Exception):
            self.send("Browser.close", timeout=10)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc)
        for fd in (self._r, self._w):
            with suppress(OSError):
                os.close(fd)


@contextmanager
def browser(profile: Path, *extra: str) -> Iterator[Browser]:
    """A headless Chromium driven over the DevTools pipe; skips if that cannot start."""
    instance = Browser(profile, *extra)
    try:
        try:
            instance.open()
        except (TimeoutError, EOFError, OSError) as exc:
            pytest.skip(f"headless Chromium did not start its DevTools pipe: {exc}")
        yield instance
    finally:
        instance.close()


# Playwright driving Debian's Chromium (no browser download), for tests that click,
# measure or print.
PLAYWRIGHT_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def playwright_chromium() -> Iterator[Any]:
    """A headless Chromium launched by Playwright; skips (a failure under CI=true)
    where Playwright or Chromium is missing."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is missing: pip install playwright"
    )
    executable = chromium()
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=PLAYWRIGHT_ARGS)
        try:
            yield launched
        finally:
            launched.close()


SEARCH_RESULTS = "document.querySelectorAll('.md-search-result__item').length"


def network_requests(netlog: Path) -> list[tuple[str, str]]:
    """``(initiator, url)`` of every URL request a page made, from a Chromium NetLog file.

    Requests Chromium makes for itself (updates, accounts, time) carry the
    initiator "not an origin" and are left out; whatever a page, its workers or
    its iframes fetch carries the page's origin ("null" for file://).
    """
    text = netlog.read_text(encoding="utf-8", errors="replace").rstrip()
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short misses its closing brackets
        log = json.loads(text.rstrip(",") + "]}")
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    requests = []
    for event in log.get("events", []):
        params = event.get("params") or {}
        if names.get(event["type"]) == "URL_REQUEST_START_JOB" and "url" in params:
            initiator = str(params.get("initiator", ""))
            if initiator != "not an origin":
                requests.append((initiator, str(params["url"])))
    return requests
