"""A report from a store whose measure results are kept loads neither Ibis nor pandas (issue 14:
each costs a fresh `scorecard report` 0.2-1 s of imports). Ibis builds a measure's query only
when its SQL is not kept; pyarrow imports pandas whenever an array is built from Python values,
so the report path builds its arrays from buffers (`measures.inputs`). The store is left as
`scorecard ingest` leaves it (the DfE rules' faults and the measure results kept:
`commands.ingest.check_and_refresh`); checked in a fresh interpreter, the second of two runs (the
first keeps the workforce queries' SQL)."""

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
from csc_scorecard.cli import app
try:
    app(sys.argv[1:])
except SystemExit as ended:
    code = ended.code
print("PROBE " + json.dumps({"exit": code, "loaded": sorted(
    m for m in ("ibis", "pandas", "sqlglot") if m in sys.modules)}))
"""


def test_a_report_from_kept_results_imports_neither_ibis_nor_pandas(tmp_path):
    store = tmp_path / "store.duckdb"
    shutil.copy(rf.store_path(), store)
    with Store(store) as db:
        check_and_refresh(db, [rf.LA])
    args = [
        "report",
        "--period",
        rf.PERIOD,
        "--store",
        str(store),
        "--framework",
        str(rf.FRAMEWORK),
        "--formats",
        "html,docx,xlsx",
        "--synthetic",
    ]
    runs = []
    for n in (1, 2):
        ran = subprocess.run(
            [sys.executable, "-c", PROBE, *args, "--out", str(tmp_path / f"r{n}")],
            capture_output=True,
            text=True,
            check=False,
        )
        line = next(x for x in ran.stdout.splitlines() if x.startswith("PROBE "))
        runs.append(json.loads(line.removeprefix("PROBE ")))
    assert [r["exit"] for r in runs] == [0, 0], runs
    assert runs[1]["loaded"] == []
    assert any((tmp_path / "r2").glob("*.html")) and any((tmp_path / "r2").glob("*.docx"))
