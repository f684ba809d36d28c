"""Whether each scoped table has a row (`Scope.rows`, which decides whether a rule runs) is
asked of the first authority's rows first, then of every authority's for the tables still
empty (`quality.scope._count`): the answers are those over every authority, also for a table
the first authority has no row of, and the scope reads every authority's rows afterwards.

On a small synthetic England of three authorities (370 first), copied and changed so that 370
has no CIN plans and no child protection reviews and no authority has a Section 47 enquiry.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from csc_scorecard.quality import scope as scoping
from csc_scorecard.store import Store
from csc_scorecard.synth import england


@pytest.fixture(scope="module")
def gappy(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("england") / "three.duckdb"
    with Store(path) as db:
        england.write_store(db, ["372", "370", "373"], england.Span(2022, 2022), seed=5)
    changed = path.with_name("gappy.duckdb")
    shutil.copy(path, changed)
    con = duckdb.connect(str(changed))
    con.execute("DELETE FROM cin_plans WHERE la_code = '370'")
    con.execute("DELETE FROM cp_reviews WHERE la_code = '370'")
    con.execute("DELETE FROM section47s")
    con.close()
    return changed


@pytest.mark.parametrize("deferred", [False, True])
def test_rows_are_those_of_every_authority(gappy, deferred):
    con = duckdb.connect(str(gappy), read_only=True)
    scope = scoping.build(con, multi_year=True, deferred=deferred)
    try:
        rows = {t: n for (r, t), n in scope.rows.items() if r == "cin" and t in scoping.SCOPED[r]}
        assert rows == {
            "child": 1,
            "referrals": 1,
            "assessments": 1,
            "s47": 0,
            "plans": 1,  # 372's and 373's: 370 has none
            "cpp": 1,
            "cpreviews": 1,
        }
        # the views read every authority's rows again after the first one's were asked about
        for ret in scoping.RETURNS:
            held = scope.con.execute(f"SELECT la_code FROM {scope.loads[ret]} ORDER BY 1")
            assert [c for (c,) in held.fetchall()] == ["370", "372", "373"]
        held = scope.con.execute(
            f"SELECT DISTINCT la_code FROM {scope.schema('cin')}.referrals ORDER BY 1"
        ).fetchall()
        assert [c for (c,) in held] == ["370", "372", "373"]
        plans = scope.con.execute(f"SELECT count(*) FROM {scope.schema('cin')}.plans").fetchall()
        assert plans[0][0] > 0
    finally:
        scope.close()
        con.close()
