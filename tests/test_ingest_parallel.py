"""Reading an ingest's files in worker processes (`ingest/parallel.py`) gives exactly what
reading them in one process gives: the same batches in the same order, the same issues, the
same refusals word for word; a worker that dies or fails is handled as the file would be here."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_cin_census_ingest import CHILD, HEADER, cin

from csc_scorecard.ingest import parallel
from csc_scorecard.ingest.formats.cin_census import ADAPTER
from csc_scorecard.ingest.run import IngestRefused, read_all


def _census(folder: Path, year: int, children: str | None = None, name: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"cin_{year}.xml")
    header = HEADER.replace("2022", str(year))
    path.write_text(cin(children, header=header), encoding="utf-8")
    return path


def _extracts(tmp_path: Path) -> Path:
    """Three yearly CIN returns in one folder (one with blank and unknown values: issues) and
    one in a folder of its own."""
    root = tmp_path / "extracts"
    _census(root / "cin", 2020)
    bad = CHILD.format(cid="K2", extra="").replace("WBRI", "ZZZZ").replace("2A", "")
    _census(root / "cin", 2021, CHILD.format(cid="K1", extra="") + bad)
    _census(root / "cin", 2022)
    _census(root / "later", 2023)
    return root


def _read(paths: list[Path], workers: int, monkeypatch) -> list:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, str(workers))
    return read_all(paths, la_code="371")


def _refusal(paths: list[Path], workers: int, monkeypatch) -> list[str]:
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, str(workers))
    with pytest.raises(IngestRefused) as refused:
        read_all(paths, la_code="371")
    return [str(e) for e in refused.value.errors]


def _same(serial: list, workers: list) -> None:
    assert [b.files for b in workers] == [b.files for b in serial]
    for one, other in zip(serial, workers, strict=True):
        assert (one.source_format, one.la_code, one.period_start, one.period_end) == (
            other.source_format,
            other.la_code,
            other.period_start,
            other.period_end,
        )
        assert list(one.tables) == list(other.tables)
        for name, table in one.tables.items():
            assert table.equals(other.tables[name], check_metadata=True), name
        assert one.issues == other.issues


def test_workers_read_what_one_process_reads(tmp_path, monkeypatch):
    root = _extracts(tmp_path)
    serial = _read([root], 1, monkeypatch)
    both = _read([root], 2, monkeypatch)
    assert [b.period_end.year for b in serial] == [2020, 2021, 2022, 2023]
    assert {i.rule for i in serial[1].issues} >= {"unknown_code"}
    _same(serial, both)


def test_refusals_are_word_for_word_the_same(tmp_path, monkeypatch):
    root = _extracts(tmp_path)
    (root / "cin" / "cin_2021.xml").write_text(
        cin(header=HEADER.replace("2022", "2021")).replace("<LAchildID>K1</LAchildID>", ""),
        encoding="utf-8",
    )
    _census(root / "later", 2023, name="again.xml")  # a second 2023 return in that folder
    (root / "broken.xml").write_text(cin().replace("</Message>", ""), encoding="utf-8")
    serial = _refusal([root], 1, monkeypatch)
    assert len(serial) == 3
    assert "cin_2021.xml, line" in serial[1] and "second CIN census return" in serial[2]
    assert _refusal([root], 2, monkeypatch) == serial


def test_a_worker_that_dies_has_its_file_read_here(tmp_path, monkeypatch):
    root = _extracts(tmp_path)
    serial = _read([root], 1, monkeypatch)
    parent, real = os.getpid(), ADAPTER.read_each

    def dies_in_a_worker(path, **kw):
        if os.getpid() != parent and path.name == "cin_2021.xml":
            os._exit(9)  # as if killed (out of memory)
        return real(path, **kw)

    monkeypatch.setattr(ADAPTER, "read_each", dies_in_a_worker)
    _same(serial, _read([root], 2, monkeypatch))


def test_an_operating_system_failure_in_a_worker_is_raised_as_it_was(tmp_path, monkeypatch):
    root = _extracts(tmp_path)

    def denied(path, **kw):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(ADAPTER, "read_each", denied)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    with pytest.raises(PermissionError) as failed:
        read_all([root], la_code="371")
    assert (failed.value.errno, failed.value.filename) == (
        errno.EACCES,
        str(root / "cin" / "cin_2020.xml"),
    )


def test_how_many_workers(monkeypatch):
    monkeypatch.delenv(parallel.WORKERS_VARIABLE, raising=False)
    small, big = [1000, 2000], [3_000_000, 2_000_000, 10]
    assert parallel.workers(small) == 1  # starting workers costs more than reading these
    assert parallel.workers(big) == min(2, os.cpu_count() or 1)
    assert parallel.workers([parallel.PARALLEL_BYTES]) == 1  # one unit: nothing to share
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "3")
    assert parallel.workers(small) == 2 and parallel.workers(big) == 3
    # A process running Python threads of its own (the web application) is never forked.
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.workers(big) == 1
        monkeypatch.delenv(parallel.WORKERS_VARIABLE)
        assert parallel.workers(big) == 1
    finally:
        stop.set()
        thread.join()


def test_a_bad_worker_setting_is_refused(tmp_path, monkeypatch):
    root = _extracts(tmp_path)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "two")
    assert _refusal([root], "two", monkeypatch) == [
        f"{parallel.WORKERS_VARIABLE}: 'two' is not a whole number of worker processes"
    ]


def test_an_interrupted_worker_stops_the_read(tmp_path, monkeypatch):
    """Ctrl-C reaches the workers too: the one interrupted sends it back, the parent raises it
    and the files not yet started are not read (nothing hangs waiting for them)."""
    root = _extracts(tmp_path)
    parent, real = os.getpid(), ADAPTER.read_each

    def interrupted(path, **kw):
        if os.getpid() != parent:
            raise KeyboardInterrupt
        return real(path, **kw)

    monkeypatch.setattr(ADAPTER, "read_each", interrupted)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    with pytest.raises(KeyboardInterrupt):
        read_all([root], la_code="371")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's parent-death signal")
def test_workers_end_when_the_reading_process_is_killed(tmp_path):
    """`kill -9` of `scorecard ingest` while its workers read: they end too, not left reading."""
    root = _extracts(tmp_path)
    pids = tmp_path / "pids"
    script = f"""
import os, time
from pathlib import Path
from csc_scorecard.ingest import parallel
from csc_scorecard.ingest.formats.cin_census import ADAPTER
from csc_scorecard.ingest.run import read_all

def slow(path, **kw):
    with open({str(pids)!r}, "a") as f:
        f.write(f"{{os.getpid()}}\\n")
    time.sleep(60)

ADAPTER.read_each = slow
os.environ[parallel.WORKERS_VARIABLE] = "2"
read_all([Path({str(root)!r})], la_code="371")
"""
    reading = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and reading.poll() is None:
        if pids.exists() and len(pids.read_text().split()) >= 2:
            break
        time.sleep(0.05)
    reading.kill()
    assert reading.wait(timeout=10) == -signal.SIGKILL
    workers = [int(p) for p in pids.read_text().split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    left = [p for p in workers if _alive(p)]
    for pid in left:  # not left behind by a failure either
        os.kill(pid, signal.SIGKILL)
    assert not left, "a worker outlived the killed ingest"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False
