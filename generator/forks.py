"""Share a pure function's work with processes forked from this one.

A cold build renders a thousand pages on one core while the machine has more.
Forking shares the validated briefing and the compiled templates with the
workers for free (copy on write: nothing is pickled on the way in); only the
results, plain text, travel back through a pipe. Where forking is not safe or
not possible (no ``fork`` on the platform, other threads running, as under
``mkdocs serve``), or a worker fails, the work is done here, in order, so the
answer never depends on how it was computed.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import TypeVar

__all__ = ["available_workers", "map_forked"]

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 4  # beyond this the pipe and the merge cost more than they save


def available_workers() -> int:
    """How many processes may share the work here: 1 when forking is not safe."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1:  # a thread holding a lock would stay locked in the child
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_WORKERS))


def _work(func: Callable[[T], R], items: Sequence[T], send: Connection) -> None:
    try:
        send.send([func(item) for item in items])
    finally:
        send.close()


def map_forked(func: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[func(item) for item in items]``, with ``workers`` processes sharing the items.

    ``func`` must be pure as far as the caller can see: what a worker changes
    in its own memory is lost; only the returned values (which must pickle)
    come back.
    """
    workers = min(workers, len(items))
    if workers <= 1:
        return [func(item) for item in items]
    context = multiprocessing.get_context("fork")
    shares = [items[start::workers] for start in range(workers)]
    children = []
    for share in shares[1:]:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_work, args=(func, share, send), daemon=True)
        child.start()
        send.close()  # the child holds its own end; EOF here if it dies
        children.append((child, receive))
    results: list[list[R]] = [[func(item) for item in shares[0]]]
    for (child, receive), share in zip(children, shares[1:], strict=True):
        try:
            results.append(receive.recv())
        except (EOFError, OSError):  # the worker died: do its share here
            results.append([func(item) for item in share])
        finally:
            receive.close()
            child.join()
    merged: list[R] = [None] * len(items)  # type: ignore[list-item]
    for start, values in enumerate(results):
        merged[start::workers] = values
    return merged
