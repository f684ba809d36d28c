"""Fix lists: each fault with the team and worker who can fix it, and the measures it touches.

The owner of a child's record is the worker allocated to the child (`case_allocations`) at the
end of the fault's collection year (31 March), or else the child's latest allocation; their team
is the team of the worker's post (`worker_posts`) at that date, or their latest post. Where the
store holds no allocation for the child, team and worker are blank ("unallocated").

Lists are child-level and for internal use only: they name children's record ids.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from csc_scorecard.quality.impact import measures_by_rule

UNALLOCATED = "(unallocated)"


def with_owners(source: duckdb.DuckDBPyConnection, faults: pa.Table) -> pa.Table:
    """The faults with `team`, `team_name`, `worker`, `measures` (ids, ';'-joined) and
    `measures_affected` (how many), sorted for fixing: team, worker, most measures first."""
    impact = measures_by_rule()
    affected = [
        impact.get((ret, code), ())
        for ret, code in zip(
            faults.column("return").to_pylist(), faults.column("rule").to_pylist(), strict=True
        )
    ]
    faults = faults.append_column(
        "measures", pa.array([";".join(a) for a in affected], pa.string())
    )
    faults = faults.append_column(
        "measures_affected", pa.array([len(a) for a in affected], pa.int32())
    )
    with source.cursor() as cur:
        have = {r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not {"case_allocations", "worker_posts", "teams"} <= have:
            return _blank_owners(faults)
        cur.register("_faults", faults)
        out = cur.sql(
            """WITH f AS (SELECT *, row_number() OVER () AS _i,
                    coalesce(make_date(year, 3, 31), current_date) AS _ref FROM _faults),
            alloc AS (
                SELECT f._i, a.worker_id FROM f JOIN case_allocations a
                  ON a.la_code = f.la_code AND a.child_id = f.child
                QUALIFY row_number() OVER (PARTITION BY f._i ORDER BY
                    (a.start_date <= f._ref AND (a.end_date IS NULL OR a.end_date >= f._ref)) DESC,
                    a.start_date DESC) = 1),
            post AS (
                SELECT f._i, p.team_id FROM f JOIN alloc USING (_i) JOIN worker_posts p
                  ON p.la_code = f.la_code AND p.worker_id = alloc.worker_id
                QUALIFY row_number() OVER (PARTITION BY f._i ORDER BY
                    (p.start_date <= f._ref AND (p.end_date IS NULL OR p.end_date >= f._ref)) DESC,
                    p.start_date DESC) = 1)
            SELECT f.* EXCLUDE (_i, _ref), post.team_id AS team, t.team_name,
                   alloc.worker_id AS worker
            FROM f LEFT JOIN alloc USING (_i) LEFT JOIN post USING (_i)
            LEFT JOIN teams t ON t.la_code = f.la_code AND t.team_id = post.team_id
            ORDER BY f._i"""
        ).to_arrow_table()
        cur.unregister("_faults")
    return _sorted(out)


def _blank_owners(faults: pa.Table) -> pa.Table:
    n = faults.num_rows
    for name in ("team", "team_name", "worker"):
        faults = faults.append_column(name, pa.nulls(n, pa.string()))
    return _sorted(faults)


def _sorted(faults: pa.Table) -> pa.Table:
    return faults.sort_by(
        [
            ("team", "ascending"),
            ("worker", "ascending"),
            ("measures_affected", "descending"),
            ("child", "ascending"),
            ("rule", "ascending"),
        ]
    )


def groups(faults: pa.Table, by: str) -> list[dict]:
    """Fix-list groups (by "team" or "worker"): faults, children and measures affected per group,
    the groups that touch the most measures first."""
    key = "team" if by == "team" else "worker"
    out: dict[str, dict] = {}
    for row in faults.to_pylist():
        name = row[key] or UNALLOCATED
        label = (row.get("team_name") or name) if key == "team" else name
        g = out.setdefault(name, {by: name, "name": label, "faults": 0, "children": set(),
                                  "measures": set(), "rules": {}})  # fmt: skip
        g["faults"] += 1
        g["children"].add(row["child"])
        g["measures"].update(m for m in (row["measures"] or "").split(";") if m)
        g["rules"][row["rule"]] = g["rules"].get(row["rule"], 0) + 1
    rows = [
        {**g, "children": len(g["children"]), "measures": sorted(g["measures"]),
         "measures_affected": len(g["measures"])}
        for g in out.values()
    ]  # fmt: skip
    return sorted(rows, key=lambda g: (-g["measures_affected"], -g["faults"], g[by]))
