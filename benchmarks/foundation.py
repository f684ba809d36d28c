"""Generate and ingest the synthetic authority: default size over six years, and five times it.

    .venv/bin/python benchmarks/foundation.py [--sizes 1,5]

Prints seconds and peak memory per step (each step in its own process).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _measure import row, step


def generate_and_write(size: float, out: str) -> str:
    from csc_scorecard.synth.authority import SynthConfig, generate
    from csc_scorecard.synth.writers import write_all

    authority = generate(SynthConfig(size=size))
    files = write_all(authority, Path(out))
    rows = sum(t.num_rows for t in authority.tables.values())
    return f"{rows:,} canonical rows, {len(files)} files"


def ingest_all(folder: str, store: str) -> str:
    from csc_scorecard.ingest.run import ingest
    from csc_scorecard.store import Store

    with Store(store) as db:
        result = ingest(db, [Path(folder)], la_code="371")
        rows = sum(b.row_count for b in result.batches)
        issues = sum(len(b.issues) for b in result.batches)
    return f"{len(result.batches)} loads, {rows:,} rows, {issues:,} issues"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,5")
    args = parser.parse_args()
    print(f"{'step':<58} {'wall':>10} {'peak':>11}")
    for size in [float(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            extracts, store = f"{tmp}/extracts", f"{tmp}/store.duckdb"
            print(
                row(
                    f"generate + write all formats, size {size:g}, 2016/17-Q1 2022/23",
                    step("foundation:generate_and_write", size=size, out=extracts),
                )
            )
            print(
                row(
                    f"ingest every file, size {size:g}",
                    step("foundation:ingest_all", folder=extracts, store=store),
                )
            )


if __name__ == "__main__":
    main()
