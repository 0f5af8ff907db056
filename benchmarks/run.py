"""Benchmarks: print a table and write benchmarks/RESULTS.md.

    python benchmarks/run.py [--quick]

Measures, on synthetic briefings (benchmarks/synth.py):
- load + validate + render throughput (developments/s, one core) at N = 1,000 and 10,000;
- whole `mkdocs build` at N = 100, 1,000 and 5,000, cold (no compiled-template cache)
  and warm, beside a plain MkDocs build of the same rendered Markdown (`briefing
  render` output); at N = 1,000 the median ratio of three alternating runs;
- the whole build at N = 10,000: wall time, peak memory, time per development against
  N = 1,000; there, search from the header box (bytes fetched and time to the first
  result, benchmarks/search.py) and the timeline filters in headless Chromium;
- bytes of /, /situation/, /changes/ and a development page;
- with `mkdocs serve` running at N = 1,000: seconds from saving one YAML file
  to the new page being served.
`--quick` uses smaller N for a smoke run.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from synth import write_briefing  # noqa: E402

EDITS = 5  # saves timed in one `mkdocs serve` session; the median is reported
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0"}


def _mkdocs_yml(folder: Path, briefings: Path | None, docs: Path) -> Path:
    """Our mkdocs.yml, pointed at ``briefings`` (or, for the plain build, without the plugin)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: docs", f"docs_dir: {docs}\nsite_dir: {folder / 'site'}")
    text = text.replace("custom_dir: templates/theme", f"custom_dir: {ROOT / 'templates/theme'}")
    if briefings is None:
        text = re.sub(r"  - briefings:\n(?:      .*\n)+", "", text)
    else:
        text = text.replace("briefings_dir: briefings", f"briefings_dir: {briefings}")
        text = text.replace("templates_dir: templates", f"templates_dir: {ROOT / 'templates'}")
    path = folder / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=ENV, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before)


def _peak_of(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Run under /usr/bin/time-like accounting in a fresh interpreter to isolate its peak."""
    probe = (
        "import resource,subprocess,sys,time;t=time.perf_counter();"
        "subprocess.run(sys.argv[1:],check=True,capture_output=True);"
        "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *cmd],
        cwd=cwd,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), int(out[1])


def throughput(n: int, work: Path) -> float:
    from generator.diagnostics import Report
    from generator.pipeline import load
    from generator.render import render_site

    folder = work / f"tp-{n}"
    write_briefing(folder, n)
    start = time.perf_counter()
    report = Report()
    briefing = load(folder, report)
    assert briefing is not None, report.sorted()[:5]
    render_site(briefing, ROOT / "templates", report)
    return n / (time.perf_counter() - start)


def build_pair(
    n: int, work: Path, repeats: int = 1, plain_too: bool = True, keep: bool = False,
    warm_too: bool = True,
) -> dict[str, Any]:
    """Cold and warm builds of ours beside a plain build; the median ratio of ``repeats``
    alternating runs (the machine's speed drifts: one run alone misleads)."""
    folder = work / f"build-{n}"
    briefings = write_briefing(folder / "briefings", n)
    ours = folder / "ours"
    ours.mkdir()
    (ours / "docs").mkdir()
    config = _mkdocs_yml(ours, briefings, ours / "docs")
    build = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)]
    plain = folder / "plain"
    plain.mkdir()
    subprocess.run(
        [sys.executable, "-m", "generator", "render", "--dir", str(briefings), "--templates",
         str(ROOT / "templates"), "--out", str(plain / "docs")],
        env=ENV, check=True, capture_output=True,
    )  # fmt: skip
    plain_build = [sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                   str(_mkdocs_yml(plain, None, plain / "docs"))]  # fmt: skip
    cold, warm, plains, peak = [], [], [], 0
    for _ in range(repeats):
        shutil.rmtree(ours / ".cache", ignore_errors=True)  # cold: no compiled templates
        seconds, kib = _peak_of(build, ours)
        cold.append(seconds)
        peak = max(peak, kib)
        if warm_too:  # warm: the cache the cold build left
            warm.append(_peak_of(build, ours)[0])
        if plain_too:
            plains.append(_peak_of(plain_build, plain)[0])
    ours_s = statistics.median(cold)
    warm_s = statistics.median(warm) if warm else float("nan")
    plain_s = statistics.median(plains) if plains else float("nan")
    ratios = [c / p for c, p in zip(cold, plains, strict=False)]
    warm_ratios = [w / p for w, p in zip(warm, plains, strict=False)]
    ours_kib = peak
    site = ours / "site"
    dev = next((site / "situation").glob("*/index.html"))
    result: dict[str, Any] = {
        "n": n, "ours_s": ours_s, "warm_s": warm_s, "plain_s": plain_s,
        "ratio": statistics.median(ratios) if ratios else float("nan"),
        "warm_ratio": statistics.median(warm_ratios) if warm_ratios else float("nan"),
        "ratios": ratios,
        "per_dev_ms": 1000 * ours_s / n, "peak_mib": ours_kib / 1024,
        "search_kib": sum(  # Pagefind's indexes (benchmarks/search.py measures a reader's share)
            f.stat().st_size for f in site.glob("pagefind*/**/*") if f.is_file()
        ) / 1024,
        "home_kib": (site / "index.html").stat().st_size / 1024,
        "timeline_kib": (site / "situation" / "index.html").stat().st_size / 1024,
        "changes_kib": (site / "changes" / "index.html").stat().st_size / 1024,
        "dev_kib": dev.stat().st_size / 1024,
    }  # fmt: skip
    if keep:
        result["site"] = site
    else:
        shutil.rmtree(folder)
    return result


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def serve_latency(n: int, work: Path, extra: list[str]) -> float:
    folder = work / f"serve-{n}"
    briefings = write_briefing(folder / "briefings", n)
    (folder / "docs").mkdir()
    config = _mkdocs_yml(folder, briefings, folder / "docs")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}",
         *extra],
        cwd=folder, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 600
        while "Synthetic" not in _get(f"http://127.0.0.1:{port}/") and time.monotonic() < deadline:
            time.sleep(0.2)
        files = sorted((briefings / "developments").glob("*.yaml"))
        timings = []
        for target in files[n // 2 : n // 2 + EDITS * 37 : 37]:  # several files, one at a time
            url = f"http://127.0.0.1:{port}/situation/{target.stem}/"
            text = target.read_text(encoding="utf-8")
            marker = f"Edited at {time.time_ns()}"
            start = time.perf_counter()
            target.write_text(
                re.sub(r"^title: .*$", f'title: "{marker}"', text, count=1, flags=re.M)
            )
            while marker not in _get(url) and time.perf_counter() - start < 600:
                time.sleep(0.02)
            timings.append(time.perf_counter() - start)
            time.sleep(1)  # let the server settle before the next save
        return statistics.median(timings)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def filter_latency(site: Path, query: str = "status=confirmed") -> float:
    """Seconds from opening /situation/?<query> to the filtered list shown (Chromium)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from publish_helpers import playwright_chromium  # the tests' one Chromium launcher
    from search import serve_gzip  # benchmarks/search.py: a gzip-sending server

    with serve_gzip(site) as base, playwright_chromium() as browser:
        page = browser.new_page()
        start = time.perf_counter()
        page.goto(f"{base}situation/?{query}")
        page.wait_for_selector("#bf-filter-results:not([hidden]) a", timeout=60_000)
        seconds = time.perf_counter() - start
        page.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small N, for a smoke run")
    args = parser.parse_args()
    sizes_tp = (200, 1000) if args.quick else (1000, 10_000)
    sizes_build = (50, 200) if args.quick else (100, 1000, 5000)
    big = 1000 if args.quick else 10_000
    serve_n = 200 if args.quick else 1000
    ratio_n = sizes_build[1]
    lines: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        say(f"Machine: {os.cpu_count()} cores; load average before the run "
            f"{os.getloadavg()[0]:.1f}.\n")  # fmt: skip
        say("## Load + validate + render (core, in process, one core)\n")
        say("| N | developments/s |\n| ---: | ---: |")
        for n in sizes_tp:
            say(f"| {n:,} | {throughput(n, work):,.0f} |")
        say("\n## Whole build: ours against a plain MkDocs build of the same Markdown\n")
        say("Cold: no compiled templates kept (`.cache/briefings` removed); warm: the next "
            f"build, with them. At N={ratio_n:,} the ratio is the median of 3 alternating "
            "runs.\n")  # fmt: skip
        say("| N | ours cold (s) | ours warm (s) | plain (s) | ratio cold | ratio warm "
            "| ms per development | peak MiB | / KiB | /situation/ KiB | /changes/ KiB "
            "| development KiB |")  # fmt: skip
        say("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        rows = [build_pair(n, work, repeats=3 if n == ratio_n else 1) for n in sizes_build]
        for r in rows:
            cells = [
                f"{r['n']:,}", f"{r['ours_s']:.1f}", f"{r['warm_s']:.1f}", f"{r['plain_s']:.1f}",
                f"{r['ratio']:.2f}", f"{r['warm_ratio']:.2f}", f"{r['per_dev_ms']:.1f}",
                f"{r['peak_mib']:.0f}", f"{r['home_kib']:.0f}", f"{r['timeline_kib']:,.0f}",
                f"{r['changes_kib']:,.0f}", f"{r['dev_kib']:.0f}",
            ]  # fmt: skip
            say("| " + " | ".join(cells) + " |")
        thousand = next(r for r in rows if r["n"] == ratio_n)
        say(f"\nRatios of the {len(thousand['ratios'])} runs at N={ratio_n:,}: "
            + ", ".join(f"{x:.2f}" for x in thousand["ratios"]))  # fmt: skip
        say(f"\n## The whole build at N = {big:,} (search and filters included)\n")
        big_row = build_pair(big, work, plain_too=False, keep=True, warm_too=False)
        flat = big_row["per_dev_ms"] / thousand["per_dev_ms"]
        say(f"Build {big_row['ours_s']:.0f} s cold; peak "
            f"{big_row['peak_mib']:.0f} MiB (target < 2048 MiB); "
            f"{big_row['per_dev_ms']:.1f} ms per development against "
            f"{thousand['per_dev_ms']:.1f} at N={ratio_n:,} ({flat:.2f}×)")  # fmt: skip
        from search import measure  # benchmarks/search.py

        fetched, first = measure(big_row["site"], "event")
        filtered = filter_latency(big_row["site"])
        say(f"\nSearch from the header box on the overview: first result after "
            f"{fetched / 1024:,.0f} KiB fetched (gzip) and {first:.2f} s")  # fmt: skip
        say(f"Timeline filters: /situation/?status=confirmed opened → filtered list in "
            f"{filtered:.2f} s")  # fmt: skip
        shutil.rmtree(big_row["site"].parent.parent, ignore_errors=True)
        say(f"\n## Edit loop at N = {serve_n:,} (`mkdocs serve`)\n")
        dirty = serve_latency(serve_n, work, ["--dirty"])
        full = serve_latency(serve_n, work, [])
        say(f"Save → new page served, `mkdocs serve --dirty` (as `make serve`), median of "
            f"{EDITS} saves: {dirty:.2f} s (target ≤ 1 s)")  # fmt: skip
        say(f"Save → new page served, plain `mkdocs serve` (full rebuild): {full:.2f} s")
        weights = [(r["home_kib"], r["timeline_kib"], r["dev_kib"], r["changes_kib"]) for r in rows]
        say("\n## Targets\n")
        say("| target | measured | met |\n| --- | --- | --- |")
        verdicts = [
            (f"generator's share of a cold build at N={ratio_n:,}: ratio ≤ 1.10",
             f"{thousand['ratio']:.2f} (warm {thousand['warm_ratio']:.2f})",
             thousand["ratio"] <= 1.10),
            (f"N={big:,} peak memory < 2 GB", f"{big_row['peak_mib']:.0f} MiB",
             big_row["peak_mib"] < 2048),
            (f"per-development time flat from N={ratio_n:,} to {big:,} (within 1.3×)",
             f"{flat:.2f}×", flat <= 1.30),
            (f"search at N={big:,}: first result within 1 MB fetched and 1.5 s",
             f"{fetched / 1024:,.0f} KiB, {first:.2f} s",
             fetched <= 1024 * 1024 and first <= 1.5),
            (f"timeline filters at N={big:,} within 1.5 s", f"{filtered:.2f} s",
             filtered <= 1.5),
            ("page weight of /, /situation/, a development page and /changes/ flat in N",
             ", ".join(f"{h:.0f}/{t:.0f}/{d:.0f}/{c:.0f} KiB" for h, t, d, c in weights),
             all(max(w[i] for w in weights) <= 1.5 * min(w[i] for w in weights)
                 for i in (1, 2, 3))),
            (f"one YAML edit at N={serve_n:,} served in ≤ 1 s (make serve)", f"{dirty:.2f} s",
             dirty <= 1.0),
        ]  # fmt: skip
        for name, value, met in verdicts:
            say(f"| {name} | {value} | {'yes' if met else '**no**'} |")
    if not args.quick:
        header = "# Benchmark results\n\nWritten by `make bench` (benchmarks/run.py).\n\n"
        notes = (HERE / "NOTES.md").read_text(encoding="utf-8")
        text = header + "\n".join(lines) + "\n\n" + notes
        # `make bench-pictures` writes its own section; keep it.
        previous = (HERE / "RESULTS.md").read_text(encoding="utf-8")
        pictures = re.search(r"(?ms)^## Pictures:.*?(?=^## |\Z)", previous)
        if pictures:
            text = text.rstrip("\n") + "\n\n" + pictures.group().rstrip("\n") + "\n"
        (HERE / "RESULTS.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
