"""The measures' statements run on two cursors at once (`Context.run_together`): the same rows
as one at a time, every statement run, the first failure in the order given raised.

Fixture: 10 referrals in 2022-Q1 and 2021-Q4 with an unknown-code issue on two of them, so
measures, their field checks and the not-reportable path all have rows.
"""

from __future__ import annotations

from datetime import date

import ibis
import pyarrow as pa
import pytest
from conftest import canonical

from csc_scorecard.measures import context
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.run import run_measures
from csc_scorecard.model.batch import Issue, LoadBatch
from csc_scorecard.model.periods import Quarter, parse_periods

QUARTERS = parse_periods("2021-Q3:2022-Q1")


@pytest.fixture
def loaded(store):
    children = [f"C{i}" for i in range(10)]
    rows = canonical(
        "referrals",
        child_id=children,
        referral_date=[date(2022, 1 + i % 6, 1 + i) for i in range(10)],
        referral_source=["6"] * 8 + ["Q", "Q"],
    ).append_column("source_row", pa.array(range(2, 12), pa.int32()))
    issues = [
        Issue(
            "unknown_code",
            "bad source",
            table="referrals",
            row=r,
            child_id=c,
            field="ReferralSource",
            value="Q",
            column="referral_source",
        )
        for r, c in ((10, "C8"), (11, "C9"))
    ]
    store.load(
        [
            LoadBatch(
                "cin_census",
                "999",
                date(2021, 4, 1),
                date(2022, 6, 30),
                ["cin.xml"],
                tables={"referrals": rows},
                issues=issues,
            )
        ]
    )
    return store


def test_two_cursors_give_the_rows_of_one(loaded, monkeypatch):
    used: set[int] = set()
    run_on = Context._run_on

    def recording(self, cursor, sql, inputs):
        used.add(id(cursor))
        return run_on(self, cursor, sql, inputs)

    monkeypatch.setattr(Context, "_run_on", recording)
    monkeypatch.setattr(context, "WORKERS", 1)
    alone = run_measures(loaded, "999", QUARTERS).rows
    assert len(used) == 1
    used.clear()
    monkeypatch.setattr(context, "WORKERS", 2)
    together = run_measures(loaded, "999", QUARTERS).rows
    assert len(used) == 2
    assert together == alone
    assert any(r["status"] == "not_reportable" for r in together)
    assert any(r["status"] == "ok" and r["value"] for r in together)


def _failing(ctx: Context) -> ibis.Table:
    """A query that compiles and fails when run: an authority code that is not a number."""
    las = ctx._input("authorities")
    return las.mutate(n=las.la_code.cast("int64"))


def _fine(ctx: Context) -> ibis.Table:
    return ctx._input("authorities")


def test_every_query_runs_and_the_first_failure_in_order_is_raised(loaded, monkeypatch):
    monkeypatch.setattr(context, "WORKERS", 2)
    ctx = Context(ibis.duckdb.from_connection(loaded.con), ["abc"], [Quarter.parse("2022-Q1")])
    ran: list = []
    run_on = Context._run_on

    def recording(self, cursor, sql, inputs):
        ran.append(sql)
        return run_on(self, cursor, sql, inputs)

    monkeypatch.setattr(Context, "_run_on", recording)
    queries = [(("test", "fine", i), _fine) for i in range(3)]
    queries.insert(1, (("test", "fails"), _failing))
    with ctx.session(), pytest.raises(Exception, match="abc"):
        ctx.run_together(queries)
    assert len(ran) == 4  # the failure stopped none of the others
    with ctx.session():
        ctx.run_together(queries[2:])
        assert ctx.execute(*queries[0]).column("la_code").to_pylist() == ["abc"]


def test_then_gets_each_query_run_together_as_it_finishes(loaded, monkeypatch):
    """``then`` is called once per query run together, with the rows kept for it; a query done
    already is not run again and not passed on."""
    monkeypatch.setattr(context, "WORKERS", 2)
    ctx = Context(ibis.duckdb.from_connection(loaded.con), ["abc"], [Quarter.parse("2022-Q1")])
    seen: dict = {}

    def then(key, rows):
        assert key not in seen
        seen[key] = rows

    queries = [(("test", "then", i), _fine) for i in range(4)]
    with ctx.session():
        ctx.execute(*queries[0])
        ctx.run_together(queries, then=then)
        assert set(seen) == {q[0] for q in queries[1:]}
        for key, rows in seen.items():
            assert rows is ctx.execute(key, _fine)


def test_then_failing_is_raised(loaded, monkeypatch):
    monkeypatch.setattr(context, "WORKERS", 2)
    ctx = Context(ibis.duckdb.from_connection(loaded.con), ["abc"], [Quarter.parse("2022-Q1")])

    def then(key, rows):
        raise ValueError(f"completing {key[2]}")

    queries = [(("test", "then fails", i), _fine) for i in range(2)]
    with ctx.session(), pytest.raises(ValueError, match="completing 0"):
        ctx.run_together(queries, then=then)
