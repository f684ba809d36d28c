"""Fusing row-filter rules into one scan per table changes nothing in the faults (issue 11 speed).

`quality.runner` runs every rule that is a plain row filter of one scoped table (`SELECT * FROM
episodes WHERE ...`) in one scan of that table (`fused_query`); every other rule runs as its own
query. Here every rule runs both ways, fused and one query per rule, over the peer fixtures and
a synthetic authority written with 5% imperfections (three collection years in one store, so the
rules' year limits are exercised): the fault tables must be identical, row for row and in order.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from csc_scorecard.quality.fault_table import PLAIN_FAULT_SCHEMA
from csc_scorecard.quality.rules import rules
from csc_scorecard.quality.runner import (
    CHEAP,
    GROUP,
    _empty_tables,
    _grouped,
    row_filter,
    rule_queries,
    run_rules,
)
from csc_scorecard.quality.validate import read_files
from csc_scorecard.store import Store
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import write_all

ROOT = Path(__file__).resolve().parents[1]
PEERS = ROOT.parent / "shared" / "data" / "peer-fixtures"
# The fake 903's extra tables the ingest adapters do not read as a return (test_quality_oracle).
LEFT_OUT = ("placed_for_adoption_errors.csv", "DoLo.csv", "sw_episodes.csv")


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth-imperfect")
    write_all(
        generate(SynthConfig(size=0.1, first_year=2021, last_year=2023, imperfections=0.05)), out
    )
    return out


def _903(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.glob("*.csv")) if p.name not in LEFT_OUT]


def _cases(synth: Path) -> dict[str, tuple[list[Path], str | None, int | None]]:
    return {
        "d2i-903-fake": (_903(PEERS / "d2i-903-fake"), "371", 2024),
        "cscsynth-903-5k": (_903(PEERS / "cscsynth-903-5k"), "371", 2024),
        "d2i-cin-fake": ([PEERS / "d2i-cin-fake" / "fake_CIN_data.xml"], None, None),
        "d2i-cin-2021": ([PEERS / "d2i-cin-fake" / "CIN_Census_2021.xml"], None, None),
        "liiatools-cin-2026": ([PEERS / "liiatools-cin-generator-2000-children.xml"], None, None),
        "synth-903-3-years": (
            [synth / "ssda903" / y for y in ("2022", "2023", "2024")],
            "371",
            None,
        ),
        "synth-cin-3-years": (sorted((synth / "cin_census").glob("*.xml")), None, None),
    }


@pytest.mark.parametrize(
    "case",
    ["d2i-903-fake", "cscsynth-903-5k", "d2i-cin-fake", "d2i-cin-2021", "liiatools-cin-2026",
     "synth-903-3-years", "synth-cin-3-years"],
)  # fmt: skip
def test_fused_and_one_query_per_rule_give_the_same_faults(case, synth):
    paths, la_code, year = _cases(synth)[case]
    batches, errors = read_files(paths, la_code=la_code, year=year)
    assert batches and not errors
    with Store(":memory:") as store:
        store.load(batches)
        fused = run_rules(store.con)
        alone = run_rules(store.con, fuse=False)
    assert fused.faults.num_rows > 0
    assert _plain(fused.faults).equals(_plain(alone.faults))  # same rows, same values, same order
    assert [r.code for r in fused.rules_run] == [r.code for r in alone.rules_run]
    assert [str(n) for n in fused.not_run] == [str(n) for n in alone.not_run]


def test_row_filters_are_fused_into_one_query_per_table():
    from csc_scorecard.quality import scope as scoping

    chosen = rules("ssda903")
    filters = [r for r in chosen if row_filter(r.sql)]
    assert 4 * len(filters) > len(chosen)  # over a quarter of the 903 rules are plain row filters
    batches, _ = read_files(_903(PEERS / "d2i-903-fake"), la_code="371", year=2024)
    with Store(":memory:") as store:
        store.load(batches)
        scope = scoping.build(store.con)
        try:
            scope.use("ssda903")
            queries = rule_queries(scope.con, chosen)
            empty = _empty_tables(scope.con)
        finally:
            scope.close()
    # one query per table the filters read (none for an empty one), plus one per other rule;
    # the one-rule queries (a table's only filter, every other rule) sent GROUP to a statement
    tables = Counter(row_filter(r.sql)[0] for r in filters)
    fused = {t for t, n in tables.items() if n > 1} - empty
    alone = len(chosen) - len(filters) + len({t for t, n in tables.items() if n == 1} - empty)
    assert len(fused) + math.ceil(alone / GROUP) <= len(queries) <= len(fused) + alone


@pytest.mark.parametrize("size", [1, 2, 3, 16])
def test_cheap_one_rule_queries_grouped_give_the_rows_of_each_in_turn(size):
    """`_grouped`: the one-rule queries timed below CHEAP joined by UNION ALL, `size` to a
    statement, the others (and one never timed) alone; the statements give the rows the
    queries give one by one (a query giving none, or NULLs, included)."""
    queries = [
        f"SELECT {i} AS i, x::VARCHAR AS value FROM range({i}) t(x) WHERE {i} <> 3"
        for i in range(7)
    ] + ["SELECT 7 AS i, CAST(NULL AS VARCHAR) AS value"]
    took = [0.001, CHEAP, 0.002, None, 0.0, 0.003, 0.004, 10.0]
    con = duckdb.connect()
    one_by_one = [row for q in queries for row in con.execute(q).fetchall()]
    statements = _grouped(queries, took, size)
    if size == 1:
        assert statements == queries
    else:
        assert statements[:3] == [queries[1], queries[3], queries[7]]  # not cheap: alone
        assert len(statements) == 3 + math.ceil(5 / size)
        assert all(statements[3].count(f"SELECT {i} AS i") for i in (0, 2, 4, 5, 6)[:size])
    grouped = [row for q in statements for row in con.execute(q).fetchall()]
    assert sorted(grouped, key=repr) == sorted(one_by_one, key=repr)
    assert len(one_by_one) == 1 + 2 + 4 + 5 + 6 + 1


def test_only_a_plain_filter_of_one_table_is_fused():
    assert row_filter("SELECT * FROM episodes WHERE rne = 'S'") == ("episodes", "rne = 'S'")
    # the AND's terms in turn, each on the rows the one before kept (a CAST guarded by a regular
    # expression before it never sees the text the expression refused)
    assert row_filter("SELECT e.* FROM episodes e WHERE e.rne = 'S' AND e.ls IS NULL") == (
        "episodes",
        "CASE WHEN rne = 'S' THEN (ls IS NULL) ELSE false END",
    )
    assert row_filter("SELECT * FROM episodes_n WHERE ls IS NOT DISTINCT FROM prev_ls") == (
        "episodes_n",
        "ls IS NOT DISTINCT FROM prev_ls",
    )
    guarded = row_filter(
        "SELECT * FROM child WHERE regexp_full_match(upn, '[0-9]+') AND CAST(upn AS INTEGER) > 5"
    )
    with duckdb.connect() as con:
        con.sql("CREATE TABLE child AS SELECT * FROM (VALUES ('12'), ('AB'), ('3')) t(upn)")
        hits = con.sql(f"SELECT upn, {guarded[1]} FROM child ORDER BY upn").fetchall()
    assert hits == [("12", True), ("3", False), ("AB", False)]
    refused = [
        "SELECT t.*, b.value FROM episodes t JOIN bad b ON b.load_id = t.load_id WHERE t.dec IS NULL",
        "SELECT * FROM episodes e WHERE EXISTS (SELECT 1 FROM header h WHERE h.child_id = e.child_id)",
        "SELECT * FROM episodes WHERE decom < (SELECT max(decom) FROM episodes)",
        "SELECT * FROM episodes QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY decom) = 1",
        "SELECT DISTINCT * FROM episodes WHERE rne = 'S'",
        "SELECT *, 'RNE' AS field FROM episodes WHERE rne = 'S'",
        "SELECT * FROM episodes",  # no condition: nothing to share
        "SELECT * FROM episodes WHERE rne = 'S' UNION ALL SELECT * FROM episodes WHERE ls = 'V3'",
        "SELECT h.* FROM episodes e WHERE e.rne = 'S'",
    ]
    for sql in refused:
        assert row_filter(sql) is None, sql


def test_every_rule_binds_with_its_key_and_the_value_and_field_it_is_read_with():
    """The runner binds a rule's query only when its text names `value`, `field` or `bad`
    (`output_columns`); every other query must return neither. Here every rule of both returns
    is bound over the scoped tables of the peer fixtures: each returns the KEY columns, and
    `output_columns` says exactly which of `value` and `field` it returns."""
    from csc_scorecard.quality import scope as scoping
    from csc_scorecard.quality.rules import KEY
    from csc_scorecard.quality.runner import output_columns

    batches, errors = read_files(_903(PEERS / "d2i-903-fake"), la_code="371", year=2024)
    cin, cin_errors = read_files([PEERS / "d2i-cin-fake" / "fake_CIN_data.xml"])
    assert not errors and not cin_errors
    key = KEY.replace(" ", "").split(",")
    checked = 0
    with Store(":memory:") as store:
        store.load(batches + cin)
        scope = scoping.build(store.con)
        try:
            own = scope.con.sql(
                """SELECT schema_name, table_name FROM duckdb_columns()
                WHERE column_name IN ('value', 'field') AND table_name <> 'bad'
                AND schema_name IN ('s903', 'scin')"""
            ).fetchall()
            assert own == []  # what lets a query naming neither word go unbound
            for ret in ("ssda903", "cin"):
                scope.use(ret)
                for r in rules(ret):
                    if any(not scope.rows.get((ret, t)) for t in r.needs) and not r.any_rows:
                        continue
                    columns = scope.con.sql(r.sql).columns
                    assert not set(key) - set(columns), r.code
                    given = tuple(c for c in columns if c in ("value", "field"))
                    assert output_columns(scope.con, r) == given, r.code
                    checked += 1
        finally:
            scope.close()
    assert checked > 280  # the rest read tables these files do not give (SW, DoLo, ...)


def test_a_run_of_a_few_rules_builds_only_the_derived_tables_they_read():
    """Rule 392a reads `episodes_pcu`, which reads `episodes_pc`: a run of it builds those two
    of the 25 derived tables, not every one its tables (episodes, header) would allow; rule 178
    builds none. Their faults are those of the whole run."""
    from csc_scorecard.quality import scope as scoping
    from csc_scorecard.quality.rules import DERIVED, get
    from csc_scorecard.quality.runner import scope_needs

    batches, _ = read_files(_903(PEERS / "d2i-903-fake"), la_code="371", year=2024)
    with Store(":memory:") as store:
        store.load(batches)
        whole = run_rules(store.con, only=rules("ssda903"))
        for codes, derived in [(["392a"], {"episodes_pcu", "episodes_pc"}), (["178"], set())]:
            chosen = [get("ssda903", c) for c in codes]
            scope = scoping.build(store.con, needs=scope_needs(chosen))
            try:
                assert set(scope.built["ssda903"]) & DERIVED["ssda903"].keys() == derived
            finally:
                scope.close()
            few = run_rules(store.con, only=chosen)
            mine = whole.faults.filter(pc.is_in(whole.faults["rule"], pa.array(codes)))
            assert few.faults.num_rows == mine.num_rows > 0
            assert _plain(few.faults).equals(_plain(mine))


def test_no_derived_table_is_built_for_rules_that_will_not_run():
    """Without last year's return or the Ofsted list, the rules reading them do not run
    (`Scope.blocked`), and the scope given the rules builds no derived table only they read
    (episodes_pc_last, episodes_urn, ...); with last year's return, those reading it. Every
    derived table a rule that runs reads is built, and the faults and the rules not run are
    those of a scope building every derived table the rules name."""
    from csc_scorecard.quality import scope as scoping
    from csc_scorecard.quality.rules import DERIVED, derived_read
    from csc_scorecard.quality.runner import run_in_scope, scope_needs

    chosen = rules("ssda903")
    batches, _ = read_files(_903(PEERS / "d2i-903-fake"), la_code="371", year=2024)
    with Store(":memory:") as store, Store(":memory:") as last:
        store.load(batches)
        last.load(batches)
        for previous in (None, last.con):
            kw = {"needs": scope_needs(chosen), "previous": previous}
            scope = scoping.build(store.con, rules=chosen, **kw)
            every = scoping.build(store.con, **kw)
            try:
                built = set(scope.built["ssda903"]) & DERIVED["ssda903"].keys()
                running = [r for r in chosen if not scope.blocked(r)]
                read = {n for r in running for n in derived_read("ssda903", r.sql)}
                assert read <= built < set(every.built["ssda903"])
                assert "episodes_urn" not in built
                assert ("episodes_pc_last" in built) == (previous is not None)
                few, whole = run_in_scope(scope, chosen), run_in_scope(every, chosen)
            finally:
                scope.close()
                every.close()
            assert few.faults.num_rows > 1000
            assert _plain(few.faults).equals(_plain(whole.faults))
            assert [(n.reason, n.codes) for n in few.not_run] == [
                (n.reason, n.codes) for n in whole.not_run
            ]
            assert few.statements < whole.statements


@pytest.mark.parametrize("case", ["d2i-903-fake", "d2i-cin-fake"])
def test_statements_sent_two_at_a_time_give_the_same_faults(case, synth, monkeypatch):
    """SCORECARD_SQL_WORKERS=2 (`quality.parallel`): the scope's tables built and the rules'
    queries run on two cursors at once, a derived table after those it reads; the faults are
    those of a run sending one statement at a time, row for row and in order."""
    from csc_scorecard.quality import parallel

    paths, la_code, year = _cases(synth)[case]
    batches, _ = read_files(paths, la_code=la_code, year=year)
    with Store(":memory:") as store:
        store.load(batches)
        monkeypatch.setattr(parallel, "WORKERS", 1)
        alone = run_rules(store.con)
        monkeypatch.setattr(parallel, "WORKERS", 2)
        two = run_rules(store.con)
    assert two.faults.num_rows > 1000
    assert _plain(two.faults).equals(_plain(alone.faults))
    # two workers run each statement on one DuckDB thread: the cheap one-rule queries go
    # several to a statement (`runner._grouped`), once timed
    assert two.statements <= alone.statements


def _plain(faults: pa.Table) -> pa.Table:
    """The faults with the rules' texts plain (`equals` compares dictionaries as stored)."""
    return faults.cast(PLAIN_FAULT_SCHEMA)


def test_a_cin_table_s_fused_scan_leaves_out_the_rows_meeting_no_rule_first():
    """A CIN table's rows seldom meet a row filter (a synthetic England's group: 1,222 of 2.0 M
    children), so its fused scan keeps only the rows meeting one (the OR of the conditions,
    each guard kept) before making each row's list; a 903 scan, whose rows often meet several,
    makes every row's list. Either way the rows are those of the rules run one by one."""
    import dataclasses

    from csc_scorecard.quality.runner import fault_query, fused_query

    guarded = "SELECT * FROM referrals WHERE regexp_full_match(code, '[0-9]+') AND CAST(code AS INTEGER) > 5"
    base = next(r for r in rules("cin") if r.code == "8568")
    chosen = [
        dataclasses.replace(base, code="A", column="code", query=lambda: guarded),
        dataclasses.replace(base, code="B", column="code", query=lambda: "SELECT * FROM referrals WHERE nfa IS NULL", years=(2023, None)),
        dataclasses.replace(base, code="C", column="nfa", query=lambda: "SELECT * FROM referrals WHERE nfa AND code = 'AB'"),
    ]  # fmt: skip
    with duckdb.connect() as con:
        con.sql(
            """CREATE TABLE referrals AS SELECT 'referrals' AS _table, r AS "row", 'C' || r AS
            child_id, '371' AS la_code, DATE '2022-03-31' + INTERVAL (r % 2) YEAR AS cy_end,
            1 AS load_id, [NULL, '12', 'AB', '3', '007', ' 9'][r % 6 + 1] AS code,
            [NULL, true, false][r // 6 % 3 + 1] AS nfa FROM range(60) t(r)"""
        )
        shapes = [(i, r, row_filter(r.sql)[1]) for i, r in enumerate(chosen)]
        fused = fused_query("referrals", shapes)
        one_by_one = sorted(
            row for i, r in enumerate(chosen) for row in con.sql(fault_query(r, (), i)).fetchall()
        )
        assert sorted(con.sql(fused).fetchall()) == one_by_one
        assert len(one_by_one) == 20 + 12 + 3  # A: '12' and '007'; B: 2023's NULLs; C
        assert " WHERE " in fused  # the rows meeting no rule left out first
        as_903 = [(i, dataclasses.replace(r, ret="ssda903"), c) for i, r, c in shapes]
        assert " WHERE " not in fused_query("referrals", as_903)
        assert sorted(con.sql(fused_query("referrals", as_903)).fetchall()) == one_by_one
