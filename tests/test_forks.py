"""Sharing the pages among forked workers gives the same site as rendering them here."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from generator.diagnostics import Report
from generator.forks import available_workers, map_forked
from generator.pipeline import load
from generator.render import render_site

ROOT = Path(__file__).resolve().parent.parent


def _pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def test_map_forked_keeps_the_order_and_uses_other_processes() -> None:
    results = map_forked(_pid_and_square, list(range(11)), 3)
    assert [square for _, square in results] == [n * n for n in range(11)]
    assert len({pid for pid, _ in results}) == 3  # three processes did the work
    assert {pid for pid, _ in results[::3]} == {os.getpid()}  # the first share is done here


def _dies_in_a_worker(n: int) -> int:
    if os.getpid() != PARENT:
        os._exit(1)  # a worker killed half-way: no result comes back
    return n + 1


PARENT = os.getpid()


def test_a_dead_worker_s_share_is_done_here() -> None:
    assert map_forked(_dies_in_a_worker, list(range(6)), 2) == [1, 2, 3, 4, 5, 6]


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert available_workers() == 1
    finally:
        stop.set()
        thread.join()


def test_the_example_renders_the_same_with_workers() -> None:
    report = Report()
    briefing = load(ROOT / "briefings", report)
    assert briefing is not None, report.sorted()
    alone = render_site(briefing, ROOT / "templates", Report(), "https://example.org/")
    shared = render_site(briefing, ROOT / "templates", Report(), "https://example.org/", workers=2)
    assert list(shared) == list(alone)  # same pages, same order
    assert shared == alone


def test_a_template_error_is_reported_once_with_workers(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    for path in (ROOT / "templates").rglob("*"):
        if path.is_file():
            target = templates / path.relative_to(ROOT / "templates")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    page = templates / "development.md.j2"
    page.write_text(page.read_text(encoding="utf-8") + "\n{{ view.nonesuch.deeper }}\n")
    briefing = load(ROOT / "briefings", Report())
    assert briefing is not None
    report = Report()
    pages = render_site(briefing, templates, report, base=tmp_path, workers=2)
    assert len(report.errors) == 1, [str(e) for e in report.errors]
    assert "development.md.j2" in str(report.errors[0])
    assert not any(path.startswith("situation/2024") for path in pages)


@pytest.mark.parametrize("workers", [0, 1])
def test_one_worker_or_none_renders_here(workers: int) -> None:
    assert map_forked(_pid_and_square, [1, 2], workers) == [(os.getpid(), 1), (os.getpid(), 4)]
