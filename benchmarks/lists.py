"""Every operational list for one date on the default synthetic authority, each list in its own
fresh process (so each figure includes importing the package, opening the store and building
the query), then all six in one process as the dashboard would, each list timed on its own.

    .venv/bin/python benchmarks/lists.py [--store demo/scorecard.duckdb] [--date 2022-06-30]

Without a store at the path, the default authority is generated and ingested into a
temporary folder first (not timed here; see foundation.py).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _measure import row, step
from foundation import generate_and_write, ingest_all  # noqa: F401 (run in child processes)


def one_list(store: str, name: str, on: str) -> str:
    from datetime import date

    from csc_scorecard import lists
    from csc_scorecard.store import Store

    with Store(store, read_only=True) as db:
        r = lists.build(name, db, db.authorities()[0], date.fromisoformat(on))
    return f"{r.count:,} rows"


def every_list(store: str, on: str) -> str:
    import time
    from datetime import date

    from csc_scorecard import lists
    from csc_scorecard.store import Store

    parts = []
    with Store(store, read_only=True) as db:
        la = db.authorities()[0]
        for name in lists.LISTS:
            started = time.perf_counter()
            n = lists.build(name, db, la, date.fromisoformat(on)).count
            parts.append(f"{name} {time.perf_counter() - started:.2f}s ({n:,})")
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default="demo/scorecard.duckdb")
    parser.add_argument("--date", default="2022-06-30")
    args = parser.parse_args()
    store = args.store
    if not Path(store).exists():
        tmp = tempfile.mkdtemp(prefix="bench-lists-")
        step("foundation:generate_and_write", size=1.0, out=f"{tmp}/extracts")
        store = f"{tmp}/store.duckdb"
        step("foundation:ingest_all", folder=f"{tmp}/extracts", store=store)
    from csc_scorecard import lists

    print(f"lists on {args.date}, store {store}")
    for name in lists.LISTS:
        print(
            row(
                f"{name} (own process)",
                step("lists:one_list", store=store, name=name, on=args.date),
            )
        )
    print(row("all six lists in one process", step("lists:every_list", store=store, on=args.date)))


if __name__ == "__main__":
    main()
