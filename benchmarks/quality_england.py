"""Where a synthetic England's DfE rules run spends its CPU: every statement of one group timed.

    .venv/bin/python benchmarks/quality_england.py STORE [--return cin] [--group 0]
                                                   [--max-rows 9000000] [--top 40]

`benchmarks/quality.py --england` times the whole run (every group of both returns, as
`scorecard quality` runs them); this runs one group of one return the same way
(`quality.batches.sized`, `Scope.restrict`, `runner.run_in_scope`) with one statement at a
time (SCORECARD_SQL_WORKERS=1, so each statement's CPU seconds are its own: user + system of
every DuckDB thread), and prints the costliest statements: building the group's tables
(`restrict`: each return's children, the 903's derived tables), copying the tables two or
more statements read (`_tables_of_run`), each fused scan (named by its table) and each other
rule (named by its code), with the rows each gave. Under load, read the CPU column.
"""

from __future__ import annotations

import argparse
import os
import re
import time

os.environ["SCORECARD_SQL_WORKERS"] = "1"  # before the rules modules read it


def profile(store: str, ret: str, group: int, max_rows: int) -> tuple[list[tuple], float]:
    """(CPU s, wall s, rows, what) for every statement of the group, and the group's CPU s."""
    import duckdb

    from csc_scorecard.quality import parallel, runner
    from csc_scorecard.quality import scope as scoping
    from csc_scorecard.quality.batches import sized
    from csc_scorecard.quality.rules import rules

    chosen = [r for r in rules() if r.ret == ret]
    queries = {" ".join(r.sql.split()): r.code for r in chosen}
    timed: list[tuple] = []

    def one_at_a_time(con, statements, *, after=None, rows=False, seconds=None):  # run_all's
        out = []
        for at, sql in enumerate(statements):
            wall, cpu = time.perf_counter(), time.process_time()
            cur = con.execute(sql)
            found = cur.to_arrow_table() if rows else cur.fetchall()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            timed.append((cpu, wall, found.num_rows if rows else None, _what(sql, queries)))
            if seconds is not None:
                seconds[at] = wall
            out.append(found if rows else None)
        return out

    parallel.run_all = one_at_a_time
    con = duckdb.connect(store, read_only=True)
    started = time.process_time()
    scope = scoping.build(
        con, needs=runner.scope_needs(chosen), multi_year=True, deferred=True, rules=chosen
    )
    try:
        groups = sized(scope.sizes(ret), max_rows)
        authorities = groups[group]
        print(f"{ret}: group {group} of {len(groups)}, {len(authorities)} authorities "
              f"({authorities[0]}-{authorities[-1]})")  # fmt: skip
        scope.restrict(ret, authorities)
        runner.run_in_scope(scope, chosen)
    finally:
        scope.close()
    return timed, time.process_time() - started


def _what(sql: str, queries: dict[str, str]) -> str:
    """A statement named by what it does: the table it builds, the table a fused scan reads,
    or the rule whose query it wraps."""
    flat = " ".join(sql.split())
    built = re.match(r"CREATE (?:OR REPLACE )?TABLE (\S+)", flat)
    if built:
        return "build " + built.group(1).split(".", 2)[-1]
    if flat.startswith("SELECT i,"):
        scanned = re.search(r"\) AS i FROM (\w+)", flat)
        return "fused scan of " + (scanned.group(1) if scanned else "?")
    codes = [code for query, code in queries.items() if query in flat]
    return "rule " + ", ".join(codes) if codes else flat[:80]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("--return", dest="ret", default="cin", choices=["cin", "ssda903"])
    parser.add_argument("--group", type=int, default=0, help="which group (0: the first)")
    parser.add_argument("--max-rows", type=int, default=9_000_000)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    timed, total = profile(args.store, args.ret, args.group, args.max_rows)
    spent = sum(t[0] for t in timed)
    print(f"{len(timed)} statements {spent:.2f} CPU s of the run's {total:.2f} (scope built "
          f"over every authority, group restricted, rules run)")  # fmt: skip
    print(f"{'CPU s':>7} {'wall s':>7} {'rows':>9}  statement")
    for cpu, wall, rows, what in sorted(timed, key=lambda t: -t[0])[: args.top]:
        print(f"{cpu:7.3f} {wall:7.3f} {'' if rows is None else rows:>9}  {what}")


if __name__ == "__main__":
    main()
