"""Helpers for hand-worked measure fixtures: load canonical rows, compute, read one value."""

from __future__ import annotations

import ibis
import pyarrow as pa

from csc_scorecard.measures.context import Context, Settings
from csc_scorecard.measures.engine import compute
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.model.periods import parse_periods
from csc_scorecard.store import Store

LA = "999"


def load(store: Store, tables: dict[str, pa.Table], la_code: str = LA) -> None:
    store.load([LoadBatch("fixture", la_code, None, None, ["fixture"], tables=tables)])


def load_population(
    store: Store, rows: list[tuple[str, int, float]], age_band: str = "0-17"
) -> None:
    la, year, pop = zip(*rows, strict=True)
    t = pa.table(
        {
            "la_code": la,
            "mid_year": year,
            "age_band": [age_band] * len(rows),
            "population": pop,
            "basis": ["census2021_rebased"] * len(rows),
            "source": ["fixture"] * len(rows),
        }
    )
    store.load(
        [
            LoadBatch(
                "reference:fixture-population",
                None,
                None,
                None,
                ["fixture"],
                tables={"population": t},
            )
        ]
    )


def results(store: Store, measures: list[str], periods: str, la_code: str = LA) -> dict:
    """{(measure, period, dimension): (value, numerator, denominator)}"""
    ctx = Context(ibis.duckdb.from_connection(store.con), [la_code], parse_periods(periods))
    out = compute(ctx, measures)
    return {
        (r["measure"], r["period"], r["dimension"]): (r["value"], r["numerator"], r["denominator"])
        for r in out.to_pylist()
    }


def with_settings(
    store: Store, measure: str, period: str = "2022-Q1", *, la_code: str = LA, **overrides
) -> tuple:
    """(value, numerator, denominator) of one measure in one quarter with settings overridden."""
    ctx = Context(
        ibis.duckdb.from_connection(store.con),
        [la_code],
        parse_periods(period),
        Settings(overrides={measure: overrides}),
    )
    row = next(r for r in compute(ctx, [measure]).to_pylist() if r["period"] == period)
    return row["value"], row["numerator"], row["denominator"]
