"""Arrow's allocator for a run of the DfE rules (`fault_table.arrow_allocator`): jemalloc, set
when the fault table's module is imported, unless the environment names one (pyarrow's
ARROW_DEFAULT_MEMORY_POOL) or pyarrow has no jemalloc. Under pyarrow's default mimalloc the
first run of a process cost about 0.3 CPU s more (docs/benchmarks.md)."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pytest

SHOW = (
    "import pyarrow as pa; before = pa.default_memory_pool().backend_name; "
    "from csc_scorecard.quality import fault_table; "
    "print(before, pa.default_memory_pool().backend_name, fault_table.arrow_allocator())"
)


def _allocators(**env: str) -> list[str]:
    """The allocator before and after importing the fault table's module, in a new process
    (this one may have imported it already), with `env` (names left out are unset)."""
    environ = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    done = subprocess.run(
        [sys.executable, "-c", SHOW],
        env={**environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def _has_jemalloc() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


@pytest.mark.skipif(not _has_jemalloc(), reason="this pyarrow has no jemalloc")
def test_the_rules_run_with_jemalloc_when_nothing_names_an_allocator():
    # pyarrow's own default here is mimalloc (before); the rules' import sets jemalloc
    _, after, named = _allocators()
    assert (after, named) == ("jemalloc", "jemalloc")


def test_an_allocator_named_in_the_environment_is_kept():
    assert _allocators(ARROW_DEFAULT_MEMORY_POOL="system") == ["system", "system", "system"]
