"""A measure run in a fresh process loads no pandas (issue 14: 0.2-0.25 s of CPU of every
measure x 25 quarters in a fresh process). pyarrow loads pandas whenever an array is built from
Python or numpy values, read into numpy (`to_numpy`) or given a Python scalar, so the engine,
its named inputs and the reportability checks build and read their arrays as buffers
(`measures.inputs`). The store is left as `scorecard ingest` leaves it (the DfE rules' faults
kept); checked in a fresh interpreter, the second of two runs (the first may compile the SQL)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import report_fixtures as rf

from csc_scorecard.commands.ingest import check_and_refresh
from csc_scorecard.store import Store

PROBE = """
import json, sys
from csc_scorecard.measures.run import run_measures
from csc_scorecard.model.periods import parse_periods
from csc_scorecard.store import Store
with Store(sys.argv[1], read_only=True) as db:
    run = run_measures(db, sys.argv[2], parse_periods("2021-Q1:2022-Q1"))
print("PROBE " + json.dumps({"rows": len(run.rows), "pandas": "pandas" in sys.modules}))
"""


def test_a_measure_run_loads_no_pandas(tmp_path):
    store = tmp_path / "store.duckdb"
    shutil.copy(rf.store_path(), store)
    with Store(store) as db:
        check_and_refresh(db, [rf.LA])
    runs = []
    for _ in (1, 2):
        ran = subprocess.run(
            [sys.executable, "-c", PROBE, str(store), rf.LA],
            capture_output=True,
            text=True,
            check=True,
        )
        line = next(x for x in ran.stdout.splitlines() if x.startswith("PROBE "))
        runs.append(json.loads(line.removeprefix("PROBE ")))
    assert runs[1]["rows"] > 0
    assert runs[1]["pandas"] is False, runs
