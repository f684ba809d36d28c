"""The 903 episodes' rule conditions tested once per combination of their code columns
(rules/ssda903/code_columns.py, quality.runner.fused_query): which conditions qualify, and the
fused scan's fault rows the same either way (tests/test_quality_fused.py compares every rule's
fused faults with its own query's on whole returns)."""

from __future__ import annotations

import duckdb

from csc_scorecard.quality import runner
from csc_scorecard.quality.rules import rules
from csc_scorecard.quality.rules.ssda903.code_columns import (
    CODE_COLUMNS,
    CONDITION_WORDS,
    by_combination,
)
from csc_scorecard.quality.runner import fault_query, fused_query, row_filter
from csc_scorecard.store import Store

CODES = CODE_COLUMNS["episodes"]


def test_only_a_condition_reading_the_code_columns_alone_is_tested_by_combination():
    assert by_combination(
        "CASE WHEN place = 'T1' THEN rne IS DISTINCT FROM 'P' ELSE false END", CODES
    )
    assert by_combination(
        "year(cy_end) >= 2024 AND (NOT coalesce(ls IN ('V3', 'V4'), false))", CODES
    )
    # a quoted text naming another column is a text, not a column
    assert by_combination("place = 'decom'", CODES)
    assert not by_combination("CASE WHEN place = 'T1' THEN dec > decom ELSE false END", CODES)
    assert not by_combination("place IN (SELECT place FROM episodes)", CODES)
    assert not by_combination("upper(place) = 'T1'", CODES)
    assert not by_combination("\"row\" > 1 AND place = 'T1'", CODES)


def test_no_condition_word_is_a_column_of_the_episodes():
    with Store(":memory:") as store:
        columns = {r[0] for r in store.con.execute("DESCRIBE cla_episodes").fetchall()}
    columns |= {"_table", "row", "cy_start", "cy_end"}  # the scope's own
    assert set(CODES) <= columns
    assert not CONDITION_WORDS & columns


def _episodes() -> tuple[duckdb.DuckDBPyConnection, list]:
    """Episodes with every code blank, repeated, or of a combination met by some rules and not
    others, and the episodes' row-filter rules as `fused_query` takes them."""
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE episodes AS SELECT 'Episodes' AS _table, '371' AS la_code,
            'C' || (k % 7) AS child_id, k AS load_id, k AS "row",
            DATE '2024-03-31' - CAST(k % 400 AS INTEGER) AS decom,
            DATE '2024-03-31' - CAST(k % 90 AS INTEGER) AS dec,
            [NULL, 'S', 'P', 'L', 'X'][k % 5 + 1] AS rne, [NULL, 'V3', 'C2', 'L1'][k % 4 + 1] AS ls,
            [NULL, 'N1', 'N9'][k % 3 + 1] AS cin, [NULL, 'T1', 'P1', 'A3', 'Q9', 'K3'][k % 6 + 1] AS place,
            [NULL, 'PR1', 'PR0', 'PR9'][k % 4 + 1] AS place_provider,
            [NULL, 'X1', 'E11', 'E4A', 'ZZ'][k % 5 + 1] AS rec,
            [NULL, 'CARPL', 'OTHER', 'NOPE'][k % 4 + 1] AS reason_place_change,
            NULL::VARCHAR AS home_post, NULL::VARCHAR AS pl_post, NULL::VARCHAR AS urn,
            NULL::VARCHAR AS pl_location, DATE '2023-04-01' AS cy_start,
            [DATE '2024-03-31', DATE '2026-03-31'][k % 2 + 1] AS cy_end
        FROM range(600) t(k)"""
    )
    chosen = []
    for i, r in enumerate(sorted(rules("ssda903"), key=lambda r: r.code)):
        shape = row_filter(r.sql)
        if shape is not None and shape[0] == "episodes":
            chosen.append((i, r, shape[1]))
    return con, chosen


def test_the_fused_scan_by_combination_gives_each_rules_rows():
    """Episodes with every code blank, repeated, or of a combination met by some rules and not
    others: the fused scan's rows (the coded conditions by combination) are each rule's own."""
    con, chosen = _episodes()
    coded = [c for c in chosen if by_combination(c[2], CODES)]
    assert len(coded) > 10 and len(coded) < len(chosen)
    fused = sorted(
        con.execute(f'SELECT i, "row", value FROM ({fused_query("episodes", chosen)})').fetchall(),
        key=str,
    )
    alone = sorted(
        (
            row
            for i, r, _ in chosen
            for row in con.execute(
                f'SELECT i, "row", value FROM ({fault_query(r, (), i)})'
            ).fetchall()
        ),
        key=str,
    )
    assert fused and fused == alone


def _rows(con: duckdb.DuckDBPyConnection, query: str) -> list:
    return sorted(con.execute(f'SELECT i, "row", value FROM ({query})').fetchall(), key=str)


def test_a_scan_that_found_few_rows_last_time_leaves_out_the_rows_meeting_no_rule_first(
    monkeypatch,
):
    """A 903 fused scan whose rows seldom met a rule the last time it ran (a synthetic
    England's: 0.12 fault rows a row or fewer) keeps only the rows meeting one (a coded rule's
    read from its combination's list) before making each row's list; one that found many (the
    benchmark's episodes: 2.1 a row), one never run, or a small table's, makes every row's.
    The rows are the same either way, and a run keeps what each statement returned."""
    con, chosen = _episodes()
    kept = runner._kept_shapes()
    plain = fused_query("episodes", chosen, 600_000)
    assert " WHERE " not in plain and "about 2^20 rows" in plain  # never run
    monkeypatch.setitem(kept, "rows " + runner._digest(plain), 30_000)  # 0.05 a row
    sparse = fused_query("episodes", chosen, 600_000)
    assert " WHERE len(k.coded) > 0 OR (" in sparse
    assert _rows(con, sparse) == _rows(con, plain) and len(_rows(con, plain)) > 500
    monkeypatch.setitem(kept, "rows " + runner._digest(plain), 1_200_000)  # 2.0 a row
    assert " WHERE " not in fused_query("episodes", chosen, 600_000)
    small = fused_query("episodes", chosen, 600)
    monkeypatch.setitem(kept, "rows " + runner._digest(small), 0)
    assert " WHERE " not in fused_query("episodes", chosen, 600)  # under SPARSE_ROWS
    # a run keeps each statement's rows (`_longest_first`), which the next run's choice reads
    monkeypatch.setattr(runner, "_save_shapes", lambda: None)
    (found,) = runner._longest_first(con, [plain])
    assert kept["rows " + runner._digest(plain)] == found.num_rows == len(_rows(con, plain))
