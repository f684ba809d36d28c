"""The store opened per request, and values kept per state of its load history.

The store is opened read-only per request and closed at once, so `scorecard ingest` from
another process can take its write lock between requests. An upload through the dashboard
takes the gate exclusively (no read connection open in this process) and writes through a
short-lived read-write connection: DuckDB refuses to open one file read-only and read-write
in the same process at once.

Every kept value's key starts with the store's fingerprint (its load history: count, last id,
last time), so a new load makes the next page build afresh. Slow values are built on one
background thread (`Reader.prepared`): a page for one still being built raises `Preparing`
and polls (htmx).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from csc_scorecard.store import Store, StoreError
from csc_scorecard.web.state import State


class BadRequest(Exception):
    """A form or parameter that cannot be used; the message says what to correct (a 400 page;
    defined here so the readers can refuse a parameter as the routes do)."""

    def __init__(self, why: str, status: int = 400) -> None:
        super().__init__(why)
        self.why, self.status = why, status


class StoreBusy(RuntimeError):
    """The store is locked by a writer (an ingest in another process); try again shortly."""


class StoreUnusable(RuntimeError):
    """The store cannot be opened for a reason that waiting will not mend (not a store, from
    another version, gone): the one-line reason says what to do."""


class NoAuthority(RuntimeError):
    """The store holds no authority's data yet, or several and the server was not given one."""


class Preparing(RuntimeError):
    """The figures for this quarter are being built; the page polls until they are ready."""


class Gate:
    """Readers share the store; a writer (upload) waits for them and excludes them."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._readers:
                self._cond.wait()
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


@dataclass
class Config:
    store: Path
    state: Path
    la_code: str | None = None
    framework: Path | None = None
    background: bool = True  # build contexts on a thread (False: build within the request)


class Reader:
    """The store, the authority, and what is kept for this state of the load history."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.state = State(config.state)
        self.gate = Gate()
        self.cache_dir = config.state.with_name(f"{config.state.stem}-cache")
        self._lock = threading.Lock()
        self._stat: tuple | None = None
        self._fingerprint = ""
        self._memo: dict[tuple, Any] = {}
        self._pending: dict[tuple, Future] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scorecard-build")
        self._la: str | None = config.la_code

    # -- the store ----------------------------------------------------------------------------

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The store, read-only, for the length of a block."""
        with self.gate.shared(), self._opened(read_only=True) as db:
            yield db

    @contextmanager
    def writable_store(self) -> Iterator[Store]:
        """The store read-write, briefly, with every reader in this process waiting."""
        with self.gate.exclusive(), self._opened(read_only=False) as db:
            yield db
        with self._lock:
            self._stat = None  # the load history has changed

    @contextmanager
    def _opened(self, *, read_only: bool) -> Iterator[Store]:
        """The store open for a block, closed after; StoreBusy when another process holds it,
        StoreUnusable when it cannot be used at all."""
        try:
            db = Store(self.config.store, read_only=read_only)
        except (StoreError, duckdb.Error) as error:
            why = str(error).splitlines()[0]
            if _locked(error.__context__ or error):
                raise StoreBusy(why) from None
            raise StoreUnusable(why) from None
        try:
            yield db
        finally:
            db.close()

    def fingerprint(self) -> str:
        """The store's load history in one string; every cache key starts with it."""
        path = self.config.store
        wal = path.with_name(path.name + ".wal")
        stat = tuple(
            (p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in (path, wal)
        )
        with self._lock:
            if stat == self._stat:
                return self._fingerprint
        with self.store() as db:
            fingerprint = db.load_history_mark()
        with self._lock:
            if fingerprint != self._fingerprint:  # a new load: what was kept is out of date
                self._memo.clear()
            self._stat, self._fingerprint = stat, fingerprint
        return fingerprint

    def la_code(self) -> str:
        if self._la is None:
            with self.store() as db:
                las = db.authorities()
            if not las:
                raise NoAuthority(
                    "No authority's data has been loaded yet: an analyst can upload the "
                    "extracts on the Loads page."
                )
            if len(las) > 1:
                raise NoAuthority(
                    f"The store holds {len(las)} authorities: start the dashboard with --la "
                    "naming the one to show."
                )
            self._la = las[0]
        return self._la

    # -- kept values ----------------------------------------------------------------------------

    def cached(self, name: str, key: tuple, build: Callable[[], Any]) -> Any:
        """A value kept for this state of the load history (built in the request)."""
        return self._kept((name, self.fingerprint(), *key), build)

    def prepared(self, name: str, key: tuple, build: Callable[[], Any], what: str) -> Any:
        """Like `cached`, but built on the build thread: Preparing until it is ready."""
        full = (name, self.fingerprint(), *key)
        return self._kept(full, lambda: self._job(full, build, what))

    def _kept(self, key: tuple, make: Callable[[], Any]) -> Any:
        """The value kept under the full ``key``, else ``make()``'s, kept from now on."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = make()
        with self._lock:
            self._memo[key] = value
        return value

    def _job(self, key: tuple, build: Callable[[], Any], what: str) -> Any:
        """``build()`` on the build thread (in the request when not in the background): its
        value once done; Preparing while it runs; a failure raised once, then tried again."""
        if not self.config.background:
            return build()
        with self._lock:
            job = self._pending.get(key)
            if job is not None and job.done() and job.exception() is not None:
                del self._pending[key]
                raise job.exception()  # type: ignore[misc]
            if job is None:
                job = self._pool.submit(build)
                self._pending[key] = job
        if not job.done():
            raise Preparing(f"{what} are being prepared")
        value = job.result()
        with self._lock:
            self._pending.pop(key, None)
        return value

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _locked(error: BaseException) -> bool:
    """DuckDB's refusal because another process holds the store (as store.opening words it)."""
    text = str(error)
    return "Could not set lock" in text or "Conflicting lock" in text
