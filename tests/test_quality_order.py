"""The fault table's order (quality.fault_table._in_order): the first four keys packed into one
integer, ties sorted again by the rest, must give exactly the order of a sort by all nine, each
row once (a row repeated in every column is kept once, as DISTINCT would)."""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.quality.fault_table import ORDER, _dense_rank, _in_order, _rank

TEXT = ["la_code", "table", "child", "field", "value"]


def _faults(n: int, seed: int) -> pa.Table:
    """Fault rows with few distinct values per key (so the first four tie often), nulls in
    every key that may be null, and texts that sort differently by bytes than by case."""
    rng = random.Random(seed)
    pick = lambda *xs: [rng.choice(xs) for _ in range(n)]
    return pa.table(
        {
            "i": pa.array(pick(0, 1, 2, 7), pa.int32()),
            "table": pick("Episodes", "Header", "OC2", "AD1"),
            "row": pa.array(pick(1, 2, 3, 10, None), pa.int32()),
            "child": pick("A1", "a1", "B2", "Z", None),
            "field": pick("DECOM", "DEC", None),
            "value": pick("2020-01-01", "x", "X", "", None),
            "la_code": pick("371", "372", "100"),
            "year": pa.array(pick(2023, 2024, None), pa.int32()),
            "load_id": pa.array(pick(1, 2), pa.int32()),
        }
    )


def _distinct(found: pa.Table) -> pa.Table:
    return found.group_by(found.column_names).aggregate([]).select(found.column_names)


def _sorted_by_every_key(found: pa.Table) -> pa.Table:
    found = _distinct(found)
    keys = {}
    for name in ORDER:
        column = found.column("i" if name == "rule" else name).combine_chunks()
        if name in TEXT:
            encoded = pc.dictionary_encode(column)
            rank = pc.rank(encoded.dictionary, sort_keys=[("", "ascending")], tiebreaker="dense")
            column = pc.take(rank, encoded.indices)
        keys[name] = column
    order = pc.sort_indices(pa.table(keys), sort_keys=[(k, "ascending", "at_end") for k in keys])
    return found.take(order).combine_chunks()


def test_packed_order_is_the_order_of_every_key():
    for seed in range(5):
        found = _faults(3000, seed)
        assert _distinct(found).num_rows < found.num_rows  # rows repeated in every column
        assert pa.table(_in_order(found)).equals(_sorted_by_every_key(found))


def test_order_when_the_keys_do_not_fit_the_packing():
    found = _faults(5000, 9)
    many = pa.array([f"{k:05d}" for k in range(found.num_rows)])  # 5,000 authorities: over 12 bits
    wide = found.set_column(found.column_names.index("row"), "row", pa.array(
        [-1] * found.num_rows, pa.int32()))  # fmt: skip
    assert _distinct(wide).num_rows < wide.num_rows
    for table in (found.set_column(found.column_names.index("la_code"), "la_code", many), wide):
        assert pa.table(_in_order(table)).equals(_sorted_by_every_key(table))


def test_runs_of_one_text_order_as_every_key():
    """As the queries give them: each query's rows a table and an authority at a time, so
    those two keys come in long runs (ranked by their runs' texts: `_rank`), nulls too."""
    for seed in range(3):
        found = _faults(3000, seed)
        for name, texts in (
            ("table", ["OC2", None, "AD1", "Episodes"]),
            ("la_code", ["372", "100"]),
        ):
            runs = [texts[k * len(texts) // found.num_rows] for k in range(found.num_rows)]
            found = found.set_column(
                found.column_names.index(name), name, pa.array(runs, pa.string())
            )
        assert len(pc.run_end_encode(found.column("table").combine_chunks()).values) == 4
        assert pa.table(_in_order(found)).equals(_sorted_by_every_key(found))


def test_rank_by_runs_is_the_rank_of_every_text():
    rng = random.Random(3)
    for runs in (1, 5, 400, 3000):  # long runs, then runs too short to rank by
        texts = [rng.choice(["b", "B", "a", "", None]) for _ in range(runs)]
        column = pa.array([texts[k * runs // 3000] for k in range(3000)], pa.string())
        assert _rank(column).equals(_dense_rank(column))
    assert _rank(pa.array([], pa.string())).equals(_dense_rank(pa.array([], pa.string())))


def test_no_faults():
    found = _faults(0, 0)
    assert pa.table(_in_order(found)).num_rows == 0
