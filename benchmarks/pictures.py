"""What the maps and the activity chart cost: build time and page weight at N = 1,000.

    python benchmarks/pictures.py        (or: make bench-pictures)

A synthetic briefing (benchmarks/synth.py: 300 places with coordinates) is
rendered with the pictures and without them (no map extent, no chart): cold,
each in a fresh process (CPU seconds of loading and rendering, the imports of
the map stack included; the least of three runs each, alternating), and warm,
in this process (best of three). Then both Markdown trees are built by MkDocs
and the sites' sizes compared. Prints a table and rewrites the "Pictures" section
of benchmarks/RESULTS.md. Targets (issue 10): at most 0.3 s more per build,
a development page at most 10 KB heavier, the site at most 10 % heavier.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from synth import write_briefing  # noqa: E402

from generator import pages  # noqa: E402
from generator.diagnostics import Report  # noqa: E402
from generator.pipeline import load  # noqa: E402
from generator.render import render_site  # noqa: E402
from generator.urls import page_path  # noqa: E402

N = 1000


@contextmanager
def without_pictures() -> Iterator[None]:
    """No map extent (so no map) and no chart: the site as it was before them."""
    with (
        mock.patch.object(pages, "extent_of", lambda briefing: None),
        mock.patch.object(pages.ActivityChart, "build", classmethod(lambda cls, b: None)),
    ):
        yield


COLD = """
import sys, time
start = time.process_time()
sys.path[:0] = [{here!r}, {root!r}]
from pathlib import Path
import pictures
from generator.diagnostics import Report
from generator.pipeline import load
from generator.render import render_site
briefing = load(Path({folder!r}), Report())
with pictures.without_pictures() if {off} else pictures.nothing():
    render_site(briefing, Path({root!r}) / "templates", Report())
print(time.process_time() - start)
"""


@contextmanager
def nothing() -> Iterator[None]:
    yield


def cold(folder: Path, pictures: bool) -> float:
    """CPU seconds of a fresh process that loads and renders the briefing."""
    code = COLD.format(here=str(HERE), root=str(ROOT), folder=str(folder), off=not pictures)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.split()[-1])


def import_cost() -> float:
    """CPU seconds to import the map stack (numpy, shapely), the least of three: the
    cold runs without pictures import it too, so it is added to their difference."""
    code = "import time; t = time.process_time(); import shapely; print(time.process_time() - t)"
    runs = [
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
        for _ in range(3)
    ]
    return min(float(r.stdout) for r in runs)


def render(folder: Path, pictures: bool) -> tuple[float, dict[str, str]]:
    """Best of three renders (load excluded): seconds, and the tree."""
    briefing = load(folder, Report())
    assert briefing is not None
    best, out = float("inf"), {}
    for _ in range(3):
        start = time.perf_counter()
        if pictures:
            out = render_site(briefing, ROOT / "templates", Report())
        else:
            with without_pictures():
                out = render_site(briefing, ROOT / "templates", Report())
        best = min(best, time.perf_counter() - start)
    return best, out


def site_bytes(tree: dict[str, str], work: Path, name: str) -> int:
    """Build ``tree`` with MkDocs (our mkdocs.yml, without the plugin); the site's bytes."""
    docs = work / name / "docs"
    for path, text in tree.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^  - briefings:\n(?:      .*\n)*", "", config)
    config = config.replace("custom_dir: templates/theme", f"custom_dir: {ROOT}/templates/theme")
    site = work / name / "site"
    (work / name / "mkdocs.yml").write_text(config + f"\nsite_dir: {site}\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / name / "mkdocs.yml")],
        check=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file())


def main() -> None:
    lines: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = write_briefing(work / "briefings", N)
        colds = [(cold(folder, True), cold(folder, False)) for _ in range(3)]
        cold_with, cold_without = min(c[0] for c in colds), min(c[1] for c in colds)
        imports = import_cost()
        cold_without -= imports
        with_s, with_tree = render(folder, pictures=True)
        without_s, without_tree = render(folder, pictures=False)
        dev = next(p for p in with_tree if p.startswith("situation/") and "page" not in p
                   and not p.endswith("index.md"))  # fmt: skip
        dev_growth = len(with_tree[dev].encode()) - len(without_tree[dev].encode())
        sites = (site_bytes(with_tree, work, "with"), site_bytes(without_tree, work, "without"))
    growth = sites[0] / sites[1] - 1
    basemaps = [len(t) for p, t in with_tree.items() if p.startswith("assets/briefing/maps/")]
    say(f"## Pictures: maps and the activity chart at N = {N:,} (300 places)\n")
    say("Written by `make bench-pictures` (benchmarks/pictures.py).\n")
    say("| measure | with pictures | without | difference | target |")
    say("| --- | ---: | ---: | ---: | --- |")
    say(f"| load and render, cold (fresh process, CPU; imports included) | {cold_with:.2f} s "
        f"| {cold_without:.2f} s | {cold_with - cold_without:+.2f} s | ≤ +0.30 s |")  # fmt: skip
    say(f"| of which: importing numpy and shapely | {imports:.2f} s | | | |")
    say(f"| render, warm (in process, best of 3) | {with_s:.2f} s | {without_s:.2f} s | "
        f"{with_s - without_s:+.2f} s | |")  # fmt: skip
    say(f"| a development page's Markdown | {len(with_tree[dev].encode()) / 1024:.1f} KiB | "
        f"{len(without_tree[dev].encode()) / 1024:.1f} KiB | {dev_growth / 1024:+.1f} KiB "
        "| ≤ +10 KB |")  # fmt: skip
    say(f"| the built site | {sites[0] / 2**20:.1f} MiB | {sites[1] / 2**20:.1f} MiB | "
        f"{growth:+.1%} | ≤ +10 % |")  # fmt: skip
    say(f"| shared basemap files | {len(basemaps)} ({', '.join(f'{b / 1024:.1f} KiB' for b in basemaps)}) | | | |")  # noqa: E501
    overview = with_tree[page_path("home")]
    say(f"\nOverview page: {len(overview.encode()) / 1024:.1f} KiB of Markdown with its map.")
    say(
        "\nWhere the time goes, and what the 0.3 s target would take: see the Pictures "
        "notes in benchmarks/NOTES.md."
    )
    results = HERE / "RESULTS.md"
    text = results.read_text(encoding="utf-8")
    section = "\n".join(lines) + "\n"
    if "## Pictures:" in text:
        text = re.sub(r"(?ms)^## Pictures:.*?(?=^## |\Z)", section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    results.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
