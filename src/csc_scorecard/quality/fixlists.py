"""Fix lists: each fault with the team and worker who can fix it, and the measures it touches.

The owner of a fault, first found of:
1. *record*: the worker and team on the faulty row itself, where the return carries them (the
   CIN census tables loaded from a Standard Safeguarding Dataset: the referral's, assessment's,
   enquiry's or plan's `worker_id` and `team_id`);
2. *allocation*: the worker allocated to the child (`case_allocations`) at the end of the
   fault's collection year (31 March), or else the child's latest allocation, with the team
   holding the case during that allocation;
3. *sw_episode*: the child's 903 social-worker episode (`cla_social_worker_episodes`, SW_ID)
   at that date, or else the latest.
A worker found without a team takes the team of their post (`worker_posts`) at that date, or
their latest post. Where nothing is known, team and worker are blank ("unallocated").
`owner_from` says which of the three it was.

Lists are child-level and for internal use only: they name children's record ids.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.measures.rule_impact import measures_by_rule
from csc_scorecard.quality.rules import SCOPED
from csc_scorecard.quality.scope import DFE_TABLE

UNALLOCATED = "(unallocated)"
# The group of the faults judged on the whole return (no child: quality.rules.cin.return_level),
# which no team or worker owns: the authority's return as a whole needs fixing.
AUTHORITY_WIDE = "(authority-wide)"


def with_owners(source: duckdb.DuckDBPyConnection, faults: pa.Table) -> pa.Table:
    """The faults with `team`, `team_name`, `worker`, `owner_from`, `measures` (ids,
    ';'-joined) and `measures_affected` (how many), sorted for fixing: team, worker, most
    measures first (`_ORDER_SQL`, in DuckDB whichever owner sources the connection holds)."""
    impact = measures_by_rule()
    # worked out once per distinct return and rule, not per fault (a million faults: 5 CPU s)
    pairs = pc.dictionary_encode(
        pc.fill_null(
            pc.binary_join_element_wise(
                *(faults.column(c).cast(pa.string()).combine_chunks() for c in ("return", "rule")),
                "\t",
            ),
            "\t",  # no return or rule: no measure
        )
    )
    affected = [impact.get(tuple(p.split("\t", 1)), ()) for p in pairs.dictionary.to_pylist()]
    faults = faults.append_column(
        "measures", pa.array([";".join(a) for a in affected], pa.string()).take(pairs.indices)
    )
    faults = faults.append_column(
        "measures_affected", pa.array([len(a) for a in affected], pa.int32()).take(pairs.indices)
    )
    with source.cursor() as cur:
        have = {
            (t, c)
            for t, c in cur.execute(
                "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'"
            ).fetchall()
        }
        sql = _owners_sql({t for t, _ in have}, have) or _NO_OWNERS_SQL
        cur.register("_faults", faults)
        try:
            out = cur.sql(sql).to_arrow_table()
        finally:
            cur.unregister("_faults")
    return out  # sorted by the query (_ORDER_SQL)


def _owners_sql(tables: set[str], columns: set[tuple[str, str]]) -> str | None:
    """The query adding owners to `_faults` from whichever sources the store holds (None: no
    source at all)."""
    # 1. the faulty row's own worker and team (any scoped table whose canonical table has them)
    own = [
        f"""SELECT {DFE_TABLE[name].replace("t.", "r.")} AS _table, r.load_id, r.source_row,
               r.worker_id, r.team_id FROM main."{canonical}" r"""
        for ret in SCOPED
        for name, canonical in SCOPED[ret].items()
        if {(canonical, "worker_id"), (canonical, "team_id")} <= columns
    ]
    parts = [
        """f AS (SELECT *, row_number() OVER () AS _i,
                coalesce(make_date(year, 3, 31), current_date) AS _ref FROM _faults)"""
    ]
    joins, worker, team = [], [], []
    if own:
        parts.append(
            f"""own AS (SELECT f._i, r.worker_id, r.team_id FROM f JOIN ({" UNION ALL ".join(own)}) r
                ON r._table = f."table" AND r.load_id = f.load_id AND r.source_row = f."row"
                WHERE r.worker_id IS NOT NULL OR r.team_id IS NOT NULL)"""
        )
        joins.append("LEFT JOIN own USING (_i)")
        worker.append(("own.worker_id", "'record'"))
        team.append("own.team_id")
    for name, table, wid, start, end, team_col in (
        ("alloc", "case_allocations", "worker_id", "start_date", "end_date", "team_id"),
        ("sw", "cla_social_worker_episodes", "sw_id", "sw_decom", "sw_dec", None),
    ):
        if table not in tables:
            continue
        chosen = f"a.{team_col} AS team_id" if team_col else "NULL::VARCHAR AS team_id"
        parts.append(
            f"""{name} AS (SELECT f._i, a.{wid} AS worker_id, {chosen}
                FROM f JOIN main."{table}" a ON a.la_code = f.la_code AND a.child_id = f.child
                WHERE a.{wid} IS NOT NULL
                QUALIFY row_number() OVER (PARTITION BY f._i ORDER BY
                    (a.{start} <= f._ref AND (a.{end} IS NULL OR a.{end} >= f._ref)) DESC,
                    a.{start} DESC) = 1)"""
        )
        joins.append(f"LEFT JOIN {name} USING (_i)")
        owner = "'allocation'" if name == "alloc" else "'sw_episode'"
        worker.append((f"{name}.worker_id", owner))
        # the allocation's team only with the allocation's worker (or where no worker is known)
        team.append(f"CASE WHEN {_first(worker[:-1])} IS NULL THEN {name}.team_id END")
    if not worker:
        return None
    chosen_worker = _first(worker)
    from_ = " ".join(f"WHEN {w} IS NOT NULL THEN {label}" for w, label in worker)
    parts.append(
        f"""o AS (SELECT f._i, {chosen_worker} AS worker, coalesce({", ".join(team)}) AS _team,
                CASE {from_} END AS owner_from
            FROM f {" ".join(joins)})"""
    )
    post = "NULL::VARCHAR"
    if "worker_posts" in tables:
        parts.append(
            """post AS (SELECT f._i, p.team_id FROM f JOIN o USING (_i) JOIN main.worker_posts p
                ON p.la_code = f.la_code AND p.worker_id = o.worker
                QUALIFY row_number() OVER (PARTITION BY f._i ORDER BY
                    (p.start_date <= f._ref AND (p.end_date IS NULL OR p.end_date >= f._ref)) DESC,
                    p.start_date DESC) = 1)"""
        )
        joins.append("LEFT JOIN post USING (_i)")
        post = "post.team_id"
    team_name = "NULL::VARCHAR"
    names = ""
    if "teams" in tables:
        team_name = "t.team_name"
        names = f"LEFT JOIN main.teams t ON t.la_code = f.la_code AND t.team_id = coalesce(o._team, {post})"
    return f"""WITH {", ".join(parts)}
        SELECT f.* EXCLUDE (_i, _ref), coalesce(o._team, {post}) AS team, {team_name} AS team_name,
               o.worker, o.owner_from
        FROM f JOIN o USING (_i) {"LEFT JOIN post USING (_i)" if post != "NULL::VARCHAR" else ""}
        {names}
        ORDER BY {_ORDER_SQL}, f._i"""


def _first(candidates: list[tuple[str, str]]) -> str:
    """SQL: the first of the candidate worker columns that is not null."""
    if not candidates:
        return "NULL"
    return (
        "coalesce(" + ", ".join(w for w, _ in candidates) + ")"
        if len(candidates) > 1
        else candidates[0][0]
    )


# The fix lists' order, the one sort of both queries (the owners', and the one for a source
# holding no owner table): team, worker, most measures first, child, rule, blanks last; ties
# in the faults' order (f._i). Text compares byte by byte.
_ORDER_SQL = (
    '"team" ASC NULLS LAST, "worker" ASC NULLS LAST, "measures_affected" DESC NULLS LAST, '
    '"child" ASC NULLS LAST, "rule" ASC NULLS LAST'
)
# No owner source at all (a connection without the store's tables): blank owners, same order.
_NO_OWNERS_SQL = f"""WITH f AS (SELECT *, row_number() OVER () AS _i FROM _faults)
    SELECT f.* EXCLUDE (_i), NULL::VARCHAR AS team, NULL::VARCHAR AS team_name,
           NULL::VARCHAR AS worker, NULL::VARCHAR AS owner_from
    FROM f ORDER BY {_ORDER_SQL}, f._i"""


def group_of(row: dict, key: str) -> str:
    """The fix-list group of a fault row by "team" or "worker": AUTHORITY_WIDE for a fault with
    no child, else its owner, or UNALLOCATED."""
    return AUTHORITY_WIDE if row.get("child") is None else (row.get(key) or UNALLOCATED)


def groups(faults: pa.Table, by: str) -> list[dict]:
    """Fix-list groups (by "team" or "worker"): faults, children and measures affected per group,
    the groups that touch the most measures first; faults with no child (judged on the whole
    return) in the group AUTHORITY_WIDE, never a team's or worker's."""
    key = "team" if by == "team" else "worker"
    out: dict[str, dict] = {}
    for row in faults.to_pylist():
        name = group_of(row, key)
        label = (row.get("team_name") or name) if key == "team" else name
        g = out.setdefault(name, {by: name, "name": label, "faults": 0, "children": set(),
                                  "measures": set(), "rules": {}})  # fmt: skip
        g["faults"] += 1
        if row["child"] is not None:
            g["children"].add(row["child"])
        g["measures"].update(m for m in (row["measures"] or "").split(";") if m)
        g["rules"][row["rule"]] = g["rules"].get(row["rule"], 0) + 1
    rows = [
        {**g, "children": len(g["children"]), "measures": sorted(g["measures"]),
         "measures_affected": len(g["measures"])}
        for g in out.values()
    ]  # fmt: skip
    return sorted(rows, key=lambda g: (-g["measures_affected"], -g["faults"], g[by]))
