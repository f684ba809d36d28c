"""Reading one ingest's files in worker processes: the files are independent, so two cores read
them in about half the wall time of one.

`read_groups` is what `run.read_all` calls with the files it recognised, grouped as each
adapter reads them (a folder of one statutory return, or a file). It returns, for each group in
the order given, the batches its adapter read or the `FormatError` that refused it: the same
outcomes, in the same order, whether the groups were read here or in workers, so load order,
issue order and every refusal message are identical either way.

The work is split finer than a group where an adapter allows: one with `read_each(path, *,
la_code, year)` and `gather(paths, batches)` (the CIN census and the workforce census: several
yearly returns in one folder) has each file read on its own and the folder's checks across
files (a second return for the same year) made here over the batches in file order, raising
the refusal the adapter's own `read` would raise first. Units are handed out largest first, so
one big file read last does not leave a core idle; or, for a caller that loads each group while
the rest are read (`each_group(..., in_order=True)`, `scorecard ingest`), in the groups' order, so
the first groups are ready first, but workbooks first of all (the costliest to read per byte).
There a split group is also given as a `Streamed`: its batches in file order, each as soon as
it and those before it are read (the caller loads one while the workers read the next), then
its outcome as `_gathered` gives it (in the adapter's order, or its refusal), which the caller
compares with what it was given (`run._read_files`).

Workers are forked (the parent's imports are reused, nothing is re-imported). Where `fork` does
not exist, or this process runs Python threads of its own (the web application: a fork could
copy their locks mid-use), everything is read in this process. A worker never collects the
parent's objects (`gc.freeze`: no finaliser of theirs, a DuckDB connection's, runs there) and
opens its own in-memory DuckDB for reading (`ingest.duck`); a refusal comes back as its fields and is raised again here as the same
`FormatError`; any other exception is raised here as it was in the worker (an `OSError` keeps
its number and file name, so the command prints the same one line). If a worker dies (killed,
out of memory), what it was reading is read again in this process.

`SCORECARD_READ_WORKERS` sets the number of worker processes (1: read everything in this
process). Unset, an ingest of several files holding at least `PARALLEL_BYTES` is read by
`min(2, cores)` workers, anything smaller in this process (starting workers costs more than
reading a few small files).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from csc_scorecard.forked import can_fork
from csc_scorecard.ingest.adapter import Adapter, adapters
from csc_scorecard.model.batch import FormatError, LoadBatch

PARALLEL_BYTES = 4_000_000  # below this an ingest is read in this process
WORKERS_VARIABLE = "SCORECARD_READ_WORKERS"

Outcome = list[LoadBatch] | FormatError


class Streamed:
    """A split group read in worker processes, given in file order as its files are read: each
    batch as soon as it and those before it are read, stopping at the first file that was
    refused or failed. Once it is exhausted, `outcome` is the group's outcome as `_outcome`
    gives it, from the same batch objects: the adapter's order (the CIN census sorts its
    returns by census year, which is file order unless the files are named otherwise), or the
    refusal, or the exception raised, exactly as when the group was given whole."""

    def __init__(self, adapter: Adapter, files: list[Path], got: _Got) -> None:
        self.adapter, self.files, self.got = adapter, files, got
        self.outcome: Outcome | None = None

    def __iter__(self) -> Iterator[LoadBatch]:
        for k in range(len(self.files)):
            try:
                batch = self.got(k)
            except Exception:  # noqa: BLE001 - the outcome below says what, as before
                break
            yield batch
        self.outcome = _gathered(self.adapter, self.files, self.got)


def workers(sizes: list[int]) -> int:
    """How many worker processes read units of these sizes (bytes); 1 means this process."""
    setting = os.environ.get(WORKERS_VARIABLE, "").strip()
    if setting:
        try:
            wanted = int(setting)
        except ValueError:
            raise FormatError(
                WORKERS_VARIABLE, f"{setting!r} is not a whole number of worker processes"
            ) from None
        return max(1, min(wanted, len(sizes))) if can_fork() else 1
    if len(sizes) < 2 or sum(sizes) < PARALLEL_BYTES or not can_fork():
        return 1
    return max(1, min(2, os.cpu_count() or 1, len(sizes)))


def read_groups(
    groups: list[tuple[Adapter, list[Path]]], *, la_code: str | None, year: int | None
) -> list[Outcome]:
    """Each group's batches, or the FormatError that refused it, in the order of `groups`."""
    return list(each_group(groups, la_code=la_code, year=year))


def each_group(
    groups: list[tuple[Adapter, list[Path]]],
    *,
    la_code: str | None,
    year: int | None,
    in_order: bool = False,
) -> Iterator[Outcome]:
    """`read_groups`, each outcome given as soon as it and those before it are read, so the
    caller can use one (load it) while the workers read the rest. `in_order`: the units are
    handed out in the order of `groups` (the first outcomes come soonest) rather than largest
    first (both workers finish together)."""
    units = _units(groups)
    count = workers([_size(unit[2]) for unit in units])
    if count <= 1:
        for adapter, files in groups:
            yield _read_here(adapter, files, la_code, year)
        return
    _share_imports()
    sys.stdout.flush()  # a worker would otherwise write this process's pending output again
    sys.stderr.flush()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=_fresh_worker,
        initargs=(os.getpid(),),
    )
    try:
        futures = _submit(pool, units, la_code, year, in_order=in_order)
        for i, (adapter, files) in enumerate(groups):
            if not _splits(adapter, files):
                yield _outcome(adapter, files, futures[i], la_code, year)
                continue
            got = _Got(futures[i], adapter, files, la_code, year)
            yield Streamed(adapter, files, got) if in_order else _gathered(adapter, files, got)
    finally:
        # Returns once every worker has ended (their CPU then counts as this process's). On an
        # interruption (Ctrl-C), a failure, or a caller that stops early, files not yet started
        # are not read at all.
        pool.shutdown(wait=True, cancel_futures=True)


def _outcome(
    adapter: Adapter,
    files: list[Path],
    futures: list[Future],
    la_code: str | None,
    year: int | None,
) -> Outcome:
    """One unsplit group's batches from its worker, or its refusal."""
    try:
        return _result(futures[0], adapter, files, la_code, year)
    except FormatError as err:
        return err


def _gathered(adapter: Adapter, files: list[Path], got: _Got) -> Outcome:
    """A split group's batches as the adapter gathers them (its checks across files made over
    the files' batches in file order, raising a file's refusal where it comes), or its refusal."""
    try:
        return adapter.gather(files, (got(k) for k in range(len(files))))  # type: ignore[attr-defined]
    except FormatError as err:
        return err


def _splits(adapter: Adapter, files: list[Path]) -> bool:
    return len(files) > 1 and hasattr(adapter, "read_each") and hasattr(adapter, "gather")


def _units(
    groups: list[tuple[Adapter, list[Path]]],
) -> list[tuple[int, Adapter, list[Path], bool]]:
    """(group index, adapter, files read together, whether it is one file of a split group)."""
    units = []
    for index, (adapter, files) in enumerate(groups):
        if _splits(adapter, files):
            units.extend((index, adapter, [f], True) for f in files)
        else:
            units.append((index, adapter, files, False))
    return units


def _workbook(files: list[Path]) -> bool:
    return all(f.suffix.lower() in (".xlsx", ".xlsm") for f in files)


def _size(files: list[Path]) -> int:
    return sum(f.stat().st_size for f in files)


def _submit(
    pool: ProcessPoolExecutor,
    units: list[tuple[int, Adapter, list[Path], bool]],
    la_code: str | None,
    year: int | None,
    *,
    in_order: bool = False,
) -> dict[int, list[Future]]:
    """Start the units, largest first (or in order, workbooks first); each group's futures in
    file order."""
    by_group: dict[int, list[tuple[int, Future]]] = {}
    order = range(len(units))
    # A workbook (zipped XML) costs several times a text file's CPU per byte: read in its turn
    # it was the last read to end (the demo's Annex A), one core idle meanwhile; read first it
    # is ready before its turn to load, and the first groups are still ready soon after.
    first = (
        (lambda i: (not _workbook(units[i][2]), i)) if in_order else (lambda i: -_size(units[i][2]))
    )
    for i in sorted(order, key=first):
        index, adapter, files, each = units[i]
        future = pool.submit(_work, adapter.name, files, each, la_code, year)
        by_group.setdefault(index, []).append((i, future))
    return {index: [f for _, f in sorted(pairs)] for index, pairs in by_group.items()}


def _share_imports() -> None:
    """Import here, once, what every forked worker would otherwise import for itself: DuckDB
    imports pandas at the first table a connection is given (0.26 s CPU a process), and this
    process gives the store its tables next in any case."""
    with contextlib.suppress(ImportError):
        import pandas  # noqa: F401


def _fresh_worker(parent: int) -> None:
    """A forked worker leaves the parent's objects alone (never collected here, so no finaliser
    of theirs runs, and their pages stay shared) and does not use the parent's in-memory
    DuckDB, whose threads stayed behind. It ends when the parent does (killed: `kill -9` of
    `scorecard ingest` left its readers running, reading files for no one)."""
    _end_with(parent)
    gc.freeze()
    from csc_scorecard.ingest import duck

    duck.reset()


def _end_with(parent: int) -> None:
    """Have Linux send this process SIGTERM when the thread that forked it ends (the caller's:
    `ProcessPoolExecutor` starts its fork workers from `submit`), then end at once if the parent
    already ended before that was asked. Elsewhere nothing is done (no such call)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _work(
    name: str, files: list[Path], each: bool, la_code: str | None, year: int | None
) -> tuple[str, object]:
    """In a worker: read one unit. ("read", batches or batch), ("refused", FormatError fields)
    or ("failed", the exception, or its traceback's text when it cannot travel back)."""
    adapter = _adapter(name)
    try:
        if each:
            return "read", adapter.read_each(files[0], la_code=la_code, year=year)  # type: ignore[attr-defined]
        return "read", adapter.read(files, la_code=la_code, year=year)
    except FormatError as err:
        return "refused", (err.file, err.reason, err.sheet, err.line, err.field)
    except Exception as err:  # noqa: BLE001 - raised again in the parent, as it was
        try:
            pickle.loads(pickle.dumps(err))
        except Exception:  # noqa: BLE001
            return "failed", "".join(traceback.format_exception(err))
        return "failed", err


def _adapter(name: str) -> Adapter:
    return next(a for a in adapters() if a.name == name)


def _unwrap(outcome: tuple[str, object]):
    kind, value = outcome
    if kind == "read":
        return value
    if kind == "refused":
        file, reason, sheet, line, field = value  # type: ignore[misc]
        raise FormatError(file, reason, sheet=sheet, line=line, field=field)
    if isinstance(value, BaseException):
        raise value
    raise RuntimeError(f"a worker reading the extracts failed:\n{value}")


def _result(
    future: Future, adapter: Adapter, files: list[Path], la_code: str | None, year: int | None
) -> list[LoadBatch]:
    try:
        outcome = future.result()
    except BrokenProcessPool:  # the worker died: read the group here instead
        return adapter.read(files, la_code=la_code, year=year)
    return _unwrap(outcome)


class _Got:
    """A split group's files' batches by index, each taken from its worker once (a file whose
    worker died is read here, once), and its refusal or failure raised every time it is asked
    for: `Streamed` and `_gathered` see the same batch objects and the same exceptions."""

    def __init__(
        self,
        futures: list[Future],
        adapter: Adapter,
        files: list[Path],
        la_code: str | None,
        year: int | None,
    ) -> None:
        self.futures, self.adapter, self.files = futures, adapter, files
        self.la_code, self.year = la_code, year
        self.taken: dict[int, tuple[bool, object]] = {}

    def __call__(self, k: int) -> LoadBatch:
        if k not in self.taken:
            try:
                try:
                    outcome = self.futures[k].result()
                except BrokenProcessPool:
                    self.taken[k] = (
                        True,
                        self.adapter.read_each(  # type: ignore[attr-defined]
                            self.files[k], la_code=self.la_code, year=self.year
                        ),
                    )
                else:
                    self.taken[k] = True, _unwrap(outcome)
            except Exception as err:  # noqa: BLE001 - raised again to every caller
                self.taken[k] = False, err
        read, value = self.taken[k]
        if not read:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]


def _read_here(
    adapter: Adapter, files: list[Path], la_code: str | None, year: int | None
) -> Outcome:
    try:
        return adapter.read(files, la_code=la_code, year=year)
    except FormatError as err:
        return err
