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
