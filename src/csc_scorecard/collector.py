"""Python's cyclic garbage collector kept off work that makes many long-lived objects: paused,
run seldom, or passing over what is frozen.

Printing a PDF part (boxes, styles, Pango layouts) and simulating an authority (rows, people,
cases) each make hundreds of thousands to millions of objects that live until the work ends and
form almost no reference cycles; the collector, started every 700 allocations, walks them again
and again for nothing: 0.5-0.8 CPU s of each PDF part's 3.5-4.5 s, about a CPU second of a
simulation (issue 14, docs/benchmarks.md). Cycles the work leaves are collected after it, at the
next collection; processes forked meanwhile start with the collector off too. The report
command, which still makes cycles, runs it seldom over its frozen modules, and every command
freezes its heap at exit.
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


def off() -> None:
    """The collector off for the rest of this process: a forked process whose work's objects
    live until it ends, and which ends without collecting (``os._exit``), as a PDF's printing
    processes do. Its objects are never walked, nor freed one by one: the OS takes the memory
    back at once."""
    gc.disable()


@contextmanager
def seldom(first: int = 10_000) -> Iterator[None]:
    """Collections every ``first`` allocations instead of 700 inside the block (work whose
    objects mostly live to its end, and which still makes some cycles), as it was after it.

    >>> with seldom():
    ...     gc.get_threshold()[0]
    10000
    """
    threshold = gc.get_threshold()
    gc.set_threshold(first, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


@contextmanager
def frozen() -> Iterator[None]:
    """What exists now frozen (`gc.freeze`) inside the block: collections there pass over it
    instead of walking it, and its pages stay shared with processes forked meanwhile; thawed
    after it, for a caller that goes on in the same process."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@functools.cache
def frozen_at_exit() -> None:
    """At this process's exit, before Python's last collections, every object is frozen
    (`gc.freeze`): those collections then pass over the command's heap (a report's context,
    a load's batches, every module) instead of walking it, 0.2 s of CPU or more that was a
    command's last step with nothing beside it. Registered once a process, by the command
    line's entry; every file and store is closed by then, and what goes uncollected is garbage
    in reference cycles of a process that is ending."""
    atexit.register(gc.freeze)
