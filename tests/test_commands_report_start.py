"""`scorecard report` forks its charts' process before the store's modules (DuckDB, Arrow,
about a quarter of a second) are loaded: so importing the command loads neither, and the
default store path the options give without importing the store is the store's own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from csc_scorecard.commands._options import DEFAULT_STORE_PATH
from csc_scorecard.store import DEFAULT_STORE


def test_the_report_command_loads_no_store_module_before_it_runs():
    probe = (
        "import sys; import csc_scorecard.cli, csc_scorecard.commands.report; "
        "print(sorted(m for m in ('duckdb', 'pyarrow', 'csc_scorecard.store') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_the_default_store_is_the_stores_own():
    assert DEFAULT_STORE_PATH == Path(DEFAULT_STORE)


def test_weasyprints_libraries_are_found_as_usual_and_missing_names_at_once():
    import ctypes.util
    import shutil

    from csc_scorecard.commands.report import _found_by_ldconfig

    usual = ctypes.util.find_library
    held = usual("c")  # in every linker cache
    with _found_by_ldconfig():
        if shutil.which("ldconfig") or Path("/sbin/ldconfig").exists():
            assert ctypes.util.find_library is not usual
        assert ctypes.util.find_library("c") == held
        assert ctypes.util.find_library("libgobject-2.0-0-no-such-name") is None
    assert ctypes.util.find_library is usual
