"""Independent SQL jobs run a few at a time, each thread on a DuckDB cursor of its own (a leaf).

A statement over one authority's rows is small: DuckDB gives it one thread, so statements run
one after another leave the second core idle. DuckDB lets go of the GIL while it works, so
Python threads, each with its own cursor of the same connection, keep both cores busy. The
measures (`measures.context.Context.run_together`) and the DfE rules (`quality.parallel`)
both send their statements this way.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, TypeVar

# Cursors at once: the environment's SCORECARD_SQL_WORKERS, else two (one on a one-core machine).
WORKERS = int(os.environ.get("SCORECARD_SQL_WORKERS") or min(2, os.cpu_count() or 1))

T = TypeVar("T")


def run_on_cursors(
    cursors: Sequence[Any],
    count: int,
    work: Callable[[Any, int], T],
    *,
    after: Mapping[int, Collection[int]] | None = None,
) -> list[T]:
    """``work(cursor, i)`` for jobs 0 to ``count`` - 1, a thread a cursor, each thread taking the
    next job in order; job i starts only once those in ``after[i]`` (earlier jobs) are done, and
    fails with the error of one of them that failed. Returns the results in job order. Every
    job runs; the first failure in job order is raised (so the outcome does not depend on which
    thread finished first)."""
    results: list[Any] = [None] * count
    failed: dict[int, BaseException] = {}
    done = [threading.Event() for _ in range(count)]
    lock = threading.Lock()
    jobs = iter(range(count))

    def loop(cursor: Any) -> None:
        while True:
            with lock:
                i = next(jobs, None)
            if i is None:
                return
            try:
                for j in (after or {}).get(i, ()):
                    if j >= i:
                        raise ValueError(f"job {i} cannot wait for a later one ({j})")
                    done[j].wait()  # taken before i, so running or done: never a deadlock
                    if j in failed:
                        raise failed[j]
                results[i] = work(cursor, i)
            except Exception as error:  # noqa: BLE001 - raised below, in job order
                failed[i] = error
            finally:
                done[i].set()

    threads = [threading.Thread(target=loop, args=(c,)) for c in cursors[1:]]
    for t in threads:
        t.start()
    loop(cursors[0])
    for t in threads:
        t.join()
    if failed:
        raise failed[min(failed)]
    return results
