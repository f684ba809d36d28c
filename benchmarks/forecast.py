"""Forecast timings: fit and project the placement model, the care-ladder forecast, the whole
finance section and a back-test, for the default authority and one five times its size.

    .venv/bin/python benchmarks/forecast.py [--sizes 1,5] [--simulations 200]

Each step runs in its own process (`_measure.step`) and prints its figures. The store is built
from the synthetic authority's canonical tables loaded directly (ingest is timed in
`foundation.py`).
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date

from _measure import row, step

AS_AT = "2022-06-30"
LA = "371"


def build_store(size: float, store: str) -> str:
    from csc_scorecard.model.batch import LoadBatch
    from csc_scorecard.store import Store
    from csc_scorecard.synth.authority import SynthConfig, generate

    authority = generate(SynthConfig(size=size))
    with Store(store) as db:
        db.load([LoadBatch("synthetic", LA, None, None, ["synthetic"], tables=authority.tables)])
    episodes = authority.tables["cla_episodes"].num_rows
    costs = authority.tables["placement_costs"].num_rows
    return f"{episodes:,} 903 episodes, {costs:,} cost periods"


def fit_and_project(store: str, months: int, simulations: int) -> str:
    from csc_scorecard.forecast.projection import project
    from csc_scorecard.store import Store

    with Store(store, read_only=True) as db:
        p = project(db, LA, date.fromisoformat(AS_AT), months, simulations=simulations)
    now = sum(p.start_counts.values())
    end = p.final()
    return (f"{now} looked after -> {end.mean:.0f} ({end.low:.0f}-{end.high:.0f}) at {end.date}, "
            f"{simulations} simulations")  # fmt: skip


def care_ladder(store: str) -> str:
    from csc_scorecard.forecast.care_ladder import forecast_outturn
    from csc_scorecard.store import Store

    with Store(store, read_only=True) as db:
        out = forecast_outturn(db, LA, "2022-Q1")
    return f"{len(out.lines)} lines; variance {out.total_variance / 1e6:+.2f}m"


def section(store: str, simulations: int) -> str:
    from csc_scorecard.report.sections.finance.section import finance_section
    from csc_scorecard.store import Store

    with Store(store, read_only=True) as db:
        s = finance_section(db, LA, "2022-Q1", simulations=simulations)
    return f"{len(s.paragraphs)} paragraphs, {len(s.figures)} figures, {len(s.model_dump_json()) // 1024} KB JSON"


def backtest_four(store: str) -> str:
    from csc_scorecard.forecast.backtest import backtest
    from csc_scorecard.store import Store

    with Store(store, read_only=True) as db:
        b = backtest(db, LA, months=12, simulations=100)
    e = b.error("total", 12)
    return f"{len(b.origins)} origins; 12-month MAPE {e.mape:.1f}% (naive {e.naive_mape:.1f}%)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,5")
    parser.add_argument("--simulations", type=int, default=200)
    args = parser.parse_args()
    print(f"{'step':<58} {'wall':>10} {'peak':>11}")
    for size in [float(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            db = f"{tmp}/store.duckdb"
            print(
                row(
                    f"generate and load, size {size:g}",
                    step("forecast:build_store", size=size, store=db),
                )
            )
            print(row(f"fit + project 24 months, size {size:g}",
                      step("forecast:fit_and_project", store=db, months=24, simulations=args.simulations)))  # fmt: skip
            print(
                row(f"care-ladder forecast, size {size:g}", step("forecast:care_ladder", store=db))
            )
            print(row(f"finance section (all of it), size {size:g}",
                      step("forecast:section", store=db, simulations=args.simulations)))  # fmt: skip
            print(
                row(
                    f"back-test, 4 origins x 12 months, size {size:g}",
                    step("forecast:backtest_four", store=db),
                )
            )


if __name__ == "__main__":
    main()
