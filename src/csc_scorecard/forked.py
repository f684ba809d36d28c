"""Independent work run in a forked process, so that two steps use the machine's two cores.

`Forked(label, fn, *args)` starts `fn(*args)` in a child made by `fork`: the child sees this
process's memory as it was (tables already simulated, a report context already built) without
copying or pickling it, and sends back only `fn`'s return value. `result()` waits for it. The
value goes through an unnamed temporary file, not the pipe, so the child never waits for this
process to read it: it ends once its work is done, even if `result()` is never called (the
context failed after it was started), and with it its copies of other processes' pipes (a
`chart_style.Drawer` ends only once every process holding its pipe has). A
failure in the child comes back as a `ForkedError`, one line naming the step, which the command
line prints as such (never a traceback from another process). Where `fork` does not exist
(Windows), or this process runs Python threads of its own (the web application: a fork could
copy their locks mid-use), the work runs in this process when `result()` is called, so the
outcome is the same.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from csc_scorecard.errors import ScorecardError


class ForkedError(ScorecardError):
    """Work in a forked process failed; the message names the step and the failure."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def foreign_threads() -> bool:
    """Whether this process may have started a runtime of threads a forked child would lack:
    true unless every thread of the process is one known to be safe (named as the main thread,
    as DuckDB's are, or jemalloc's background thread, which Arrow's allocator starts and which
    handles a fork itself); the chart renderer's ("tokio-runtime-w", "V8 DefaultWorker") are
    not. True where it cannot be told (no /proc), so nothing forks there."""
    tasks = Path("/proc/self/task")
    try:
        names = {(t / "comm").read_text().strip() for t in tasks.iterdir()}
        main = (tasks / str(os.getpid()) / "comm").read_text().strip()
    except OSError:
        return True
    return not names <= {main, "jemalloc_bg_thd"}


def _describe(error: BaseException) -> str:
    """The failure in one line: the product's own errors as they read, anything else with
    its type (a bug, but reported without another process's traceback)."""
    text = " ".join(str(error).split())
    if isinstance(error, ScorecardError):
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _child(
    conn: Connection, kept: IO[bytes], fn: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    # The parent's objects are left alone: never collected here, so no finaliser of theirs (a
    # database connection's) runs in the child, and their memory stays shared, not copied.
    gc.freeze()
    try:
        pickle.dump(fn(*args), kept, protocol=pickle.HIGHEST_PROTOCOL)
        kept.flush()
    except BaseException as error:  # noqa: BLE001 - every failure goes back as one line
        conn.send(("error", _describe(error), getattr(error, "exit_code", 2)))
    else:
        conn.send(("ok", None, 0))  # a few bytes: the pipe holds them unread
    finally:
        conn.close()


class Forked:
    """`fn(*args)` running in a forked child; `result()` is its return value."""

    def __init__(self, label: str, fn: Callable[..., Any], *args: Any):
        self.label, self._fn, self._args = label, fn, args
        self._process: Any = None
        if not can_fork():
            return
        sys.stdout.flush()  # the child would otherwise write this process's pending output again
        sys.stderr.flush()
        context = multiprocessing.get_context("fork")
        self._conn, sending = context.Pipe(duplex=False)
        self._kept = tempfile.TemporaryFile()  # noqa: SIM115 - the value; result() closes it
        self._process = context.Process(
            target=_child,
            args=(sending, self._kept, fn, args),
            name=f"scorecard {label}",
            daemon=True,
        )
        self._process.start()
        sending.close()

    def result(self) -> Any:
        """Wait for the work; its return value, or ForkedError naming the step."""
        if self._process is None:
            return self._fn(*self._args)
        try:
            status, value, code = self._conn.recv()
        except EOFError:  # the child died without a word (killed, out of memory)
            self._process.join()
            self._kept.close()
            raise ForkedError(
                f"{self.label}: its process ended without finishing "
                f"(exit code {self._process.exitcode})"
            ) from None
        finally:
            self._conn.close()
        self._process.join()
        with self._kept:
            if status == "error":
                raise ForkedError(f"{self.label}: {value}", code)
            self._kept.seek(0)
            return pickle.load(self._kept)
