"""Python's cyclic garbage collector paused around work that makes many long-lived objects.

Printing a PDF part (boxes, styles, Pango layouts) and simulating an authority (rows, people,
cases) each make hundreds of thousands to millions of objects that live until the work ends and
form almost no reference cycles; the collector, started every 700 allocations, walks them again
and again for nothing: 0.5-0.8 CPU s of each PDF part's 3.5-4.5 s, about a CPU second of a
simulation (issue 14, docs/benchmarks.md). Cycles the work leaves are collected after it, at the
next collection; processes forked meanwhile start with the collector off too.
"""

from __future__ import annotations

import atexit
import functools
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block, and back as it was after it.

    >>> with paused():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@functools.cache
def frozen_at_exit() -> None:
    """At this process's exit, before Python's last collections, every object is frozen
    (`gc.freeze`): those collections then pass over the command's heap (a report's context,
    a load's batches, every module) instead of walking it, 0.2 s of CPU or more that was a
    command's last step with nothing beside it. Registered once a process, by the command
    line's entry; every file and store is closed by then, and what goes uncollected is garbage
    in reference cycles of a process that is ending."""
    atexit.register(gc.freeze)
