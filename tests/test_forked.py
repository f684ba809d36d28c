"""`forked.Forked`: the work's value comes back whatever its size, a failure as one line, and a
child whose value is never asked for still ends once its work is done (its value waits in a
file, not in a pipe only a reader empties), so no process holding a copy of another's pipe
outlives its work."""

from __future__ import annotations

import time

import pytest

from csc_scorecard.forked import Forked, ForkedError, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork here: the work runs in process")


def _big(n: int) -> bytes:
    return bytes(range(256)) * n


def _fails() -> None:
    raise ValueError("no such\nthing")


def test_a_value_larger_than_a_pipe_holds_comes_back():
    assert Forked("big", _big, 4096).result() == _big(4096)  # 1 MiB


def test_a_child_never_asked_for_its_value_ends_once_done():
    started = Forked("unasked", _big, 4096)
    deadline = time.monotonic() + 60
    while started._process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not started._process.is_alive()
    assert started.result() == _big(4096)  # and is still there when asked


def test_a_failure_is_one_line_naming_the_step():
    with pytest.raises(ForkedError, match=r"^failing: ValueError: no such thing$"):
        Forked("failing", _fails).result()
