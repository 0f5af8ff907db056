"""What a reader pays for the first search result: bytes fetched and seconds waited.

    python benchmarks/search.py --n 10000 [--word convoy --word ممثل] [--keep DIR]
    python benchmarks/search.py --site path/to/site [--word ...]

``measure(site_dir, word)`` serves a built site on 127.0.0.1 with a handler that
gzips text responses as GitHub Pages does (Python's http.server does not), opens
the overview in headless Chromium (Debian's, driven by Playwright) with an empty
cache, types ``word`` into the search box in the header and waits for the first
result. It returns the bytes transferred over the whole session from opening the
page (every response, headers included, as sent: gzip where the host
compresses) and the seconds from opening the page to the first result shown.

``--n`` writes a synthetic briefing (benchmarks/synth.py), builds it with the
project's mkdocs.yml as ``mkdocs build`` does online (Pagefind), reports the time
Pagefind took for each index (the plugin logs it), and measures each word. The machine is
shared: the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

# What GitHub Pages compresses: text, scripts, styles, JSON, SVG, XML. Pagefind's own
# index files are gzip already and are sent as they are.
COMPRESSED = re.compile(r"^(text/|application/(javascript|json|xml|atom\+xml)|image/svg\+xml)")
WORDS = ("convoy", "ممثل")  # a word in every development; an Arabic alias of every actor
RESULT = ".md-search-result__item"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0"}


class GzipHandler(SimpleHTTPRequestHandler):
    """Serves a folder; text responses gzip-compressed when the browser accepts it."""

    protocol_version = "HTTP/1.1"  # keep-alive, as a real host

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's URL
            path = path / "index.html"
        kind = self.guess_type(str(path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and accepts and COMPRESSED.match(kind)):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _Body(body)


class _Body:
    """What send_head returns: a file-like object copyfile() reads."""

    def __init__(self, data: bytes) -> None:
        self.data, self.done = data, False

    def read(self, size: int = -1) -> bytes:
        if self.done:
            return b""
        self.done = True
        return self.data

    def close(self) -> None:
        pass


@contextlib.contextmanager
def serve_gzip(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port), gzip as a host sends it; yields its URL."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site))
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@dataclass
class Measured:
    bytes_gzip: int  # transferred from opening the page to the first result
    seconds: float  # opening the page → first result shown
    first: str  # the first result's link
    requests: int


def search_once(browser: Any, base: str, word: str, timeout: float = 60) -> Measured:
    """One reader with an empty cache: open the overview, type ``word`` in the header's
    search box, wait for the first result."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        finished: list[Any] = []  # the page's requests and its workers' (Pagefind's)
        context.on("requestfinished", lambda request: finished.append(request))
        page = context.new_page()
        start = time.perf_counter()
        page.goto(base, wait_until="commit")
        page.locator("input.md-search__input").click(timeout=timeout * 1000)
        page.keyboard.type(word)
        first = page.locator(f"{RESULT} a").first
        first.wait_for(state="visible", timeout=timeout * 1000)
        seconds = time.perf_counter() - start
        href = first.get_attribute("href") or ""
        done = list(finished)
        sizes = [request.sizes() for request in done]
        total = sum(size["responseBodySize"] + size["responseHeadersSize"] for size in sizes)
        return Measured(total, seconds, href, len(done))
    finally:
        context.close()


def measure(site_dir: Path, word: str, runs: int = 3) -> tuple[int, float]:
    """(bytes fetched, gzip as sent; seconds from opening the overview to the first
    result) for a reader typing ``word`` in the header's search box: the median of
    ``runs`` readers, each with an empty cache, after one untimed run that starts the
    browser's own machinery (a reader's browser is running already)."""
    found = measure_all(site_dir, (word,), runs)[word]
    return found.bytes_gzip, found.seconds


def measure_all(site_dir: Path, words: tuple[str, ...], runs: int = 3) -> dict[str, Measured]:
    """The median-time run of ``runs`` per word (each with an empty cache), one browser."""
    from publish_helpers import playwright_chromium

    found: dict[str, Measured] = {}
    with serve_gzip(site_dir) as base, playwright_chromium() as browser:
        search_once(browser, base, words[0])  # warm the browser and the OS file cache
        for word in words:
            tries = sorted((search_once(browser, base, word) for _ in range(runs)),
                           key=lambda m: m.seconds)  # fmt: skip
            found[word] = tries[len(tries) // 2]
    return found


# ------------------------------------------------------------------------ building a site


def mkdocs_yml(folder: Path, briefings: Path) -> Path:
    """The project's mkdocs.yml, pointed at ``briefings``, building into folder/site."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    docs = folder / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    text = text.replace("docs_dir: docs", f"docs_dir: {docs}\nsite_dir: {folder / 'site'}")
    text = text.replace("custom_dir: templates/theme", f"custom_dir: {ROOT / 'templates/theme'}")
    text = text.replace("briefings_dir: briefings", f"briefings_dir: {briefings}")
    text = text.replace("templates_dir: templates", f"templates_dir: {ROOT / 'templates'}")
    path = folder / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def build_site(n: int, folder: Path, offline: bool = False) -> tuple[Path, float, dict[str, float]]:
    """A synthetic briefing of ``n`` developments built into folder/site: (site, seconds
    of the whole build, seconds of each Pagefind index as the plugin reports them)."""
    from synth import write_briefing

    briefings = folder / "briefings"
    if not briefings.is_dir():
        write_briefing(briefings, n)
    config = mkdocs_yml(folder, briefings)
    env = {key: value for key, value in ENV.items() if key != "OFFLINE"}
    if offline:
        env["OFFLINE"] = "true"
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config)],
        cwd=folder, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    said = re.search(r"Pagefind indexed the site for search \(([^)]*)\)", done.stderr)
    indexed = {
        name: float(value)
        for name, value in re.findall(r"([\w-]+)/ ([0-9.]+) s", said.group(1) if said else "")
    }
    return folder / "site", seconds, indexed


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def report(site: Path, words: tuple[str, ...], runs: int) -> dict[str, Measured]:
    found = measure_all(site, words, runs)
    for word, m in found.items():
        print(
            f"  {word!r}: {m.bytes_gzip / 1e6:.3f} MB in {m.requests} responses, "
            f"{m.seconds:.2f} s to the first result ({m.first})"
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, help="build a synthetic briefing of N developments")
    parser.add_argument("--site", type=Path, help="measure a site already built")
    parser.add_argument("--word", action="append", help=f"words to type (default {WORDS})")
    parser.add_argument("--runs", type=int, default=3, help="readers per word (median)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    words = tuple(args.word or WORDS)
    if args.site:
        print(f"{args.site} (load average {load_average()})")
        report(args.site, words, args.runs)
        return
    if not args.n:
        parser.error("give --n N or --site DIR")
    folder = args.keep or Path(tempfile.mkdtemp(prefix=f"search-{args.n}-"))
    try:
        site, build_s, indexed = build_site(args.n, folder)
        print(f"N={args.n:,}: mkdocs build {build_s:.1f} s (load average {load_average()})")
        for name, seconds in indexed.items():
            bundle = site / name
            print(f"  {name}/: Pagefind {seconds:.1f} s; {folder_size(bundle) / 1e6:.1f} MB "
                  f"in {sum(1 for p in bundle.rglob('*') if p.is_file()):,} files")  # fmt: skip
        report(site, words, args.runs)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
