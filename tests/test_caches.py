"""The caches behind the fast edit loop (`make serve`) never change what is produced.

A long-lived caller keeps a DocumentCache and a PageCache across rebuilds; every
rebuild must give exactly the pages a fresh run gives, after any edit.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from site_helpers import EXAMPLE, TEMPLATES

from generator.diagnostics import Report
from generator.loader import DocumentCache
from generator.pipeline import load
from generator.render import PageCache, render_site

DEV = "developments/2024-12-06-rebels-within-5km-of-homs.yaml"


def _fresh(root: Path, templates: Path = TEMPLATES) -> dict[str, str]:
    report = Report()
    briefing = load(root, report)
    assert briefing is not None, report.sorted()
    return render_site(briefing, templates, report)


def _cached(
    root: Path, documents: DocumentCache, pages: PageCache, templates: Path = TEMPLATES
) -> dict[str, str]:
    report = Report()
    briefing = load(root, report, cache=documents)
    assert briefing is not None, report.sorted()
    return render_site(briefing, templates, report, cache=pages)


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1
    path.write_text(new, encoding="utf-8")
    stat = path.stat()  # a new mtime even on a coarse-grained clock
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_cached_rebuilds_equal_fresh_ones_after_edits(tmp_path: Path) -> None:
    root = shutil.copytree(EXAMPLE, tmp_path / "briefings")
    documents, pages = DocumentCache(), PageCache()
    assert _cached(root, documents, pages) == _fresh(root)

    _edit(root / DEV, r"^title: .*$", "title: Rebels stop short of Homs")
    after_title = _cached(root, documents, pages)
    assert after_title == _fresh(root)
    assert "Rebels stop short of Homs" in after_title["data/developments.json"]
    assert "Rebels stop short of Homs" in after_title["actors/hts.md"]

    _edit(root / "places.yaml", r"^  name: Homs$", "  name: Hims")
    assert _cached(root, documents, pages) == _fresh(root)


def test_a_template_edit_empties_the_page_cache(tmp_path: Path) -> None:
    templates = shutil.copytree(TEMPLATES, tmp_path / "templates")
    documents, pages = DocumentCache(), PageCache()
    _cached(EXAMPLE, documents, pages, templates)
    _edit(templates / "development.md.j2", r"^## Key points$", "## What we know")
    rebuilt = _cached(EXAMPLE, documents, pages, templates)
    assert rebuilt == _fresh(EXAMPLE, templates)
    assert "## What we know" in rebuilt["situation/2024-12-06-rebels-within-5km-of-homs.md"]


def test_an_unchanged_file_is_not_parsed_again(tmp_path: Path) -> None:
    root = shutil.copytree(EXAMPLE, tmp_path / "briefings")
    documents = DocumentCache()
    first = load(root, Report(), cache=documents)
    second = load(root, Report(), cache=documents)
    assert first is not None and second is not None
    ident = "2024-12-06-rebels-within-5km-of-homs"
    assert second.developments[ident] is first.developments[ident]  # reused, not re-parsed
    stat = (root / DEV).stat()  # touched, not edited (a git checkout, `touch`): still reused
    os.utime(root / DEV, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    touched = load(root, Report(), cache=documents)
    assert touched is not None and touched.developments[ident] is first.developments[ident]
    _edit(root / DEV, r"^title: .*$", "title: Edited")
    third = load(root, Report(), cache=documents)
    assert third is not None and third.developments[ident].title == "Edited"


def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path: Path) -> None:
    # A save within the clock's resolution, `touch -d`, a git checkout or a tool that
    # restores mtimes leaves size and mtime as they were; only the bytes tell.
    root = shutil.copytree(EXAMPLE, tmp_path / "briefings")
    path = root / DEV
    ident = "2024-12-06-rebels-within-5km-of-homs"
    documents = DocumentCache()
    first = load(root, Report(), cache=documents)
    assert first is not None
    assert first.developments[ident].title == "HTS-led rebels within 5 km of Homs"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("title: HTS-led rebels within 5 km", "title: HTS-led rebels within 9 km")
    assert edited != text and len(edited.encode()) == len(text.encode())
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    second = load(root, Report(), cache=documents)
    assert second is not None
    assert second.developments[ident].title == "HTS-led rebels within 9 km of Homs"
    assert second == load(root, Report())  # the same as a run without the cache
