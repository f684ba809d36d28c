"""The rows behind a measure's figure: the children (or workers, teams) it counted, for the
dashboard's drill-down and `scorecard drill`.

`members()` runs the measure's own counting function with `ctx.members` on, so the rows are the
ones the figure counts (functions/common.py explains how a function supports this); it then
keeps the columns that decided each row, adds the worker and team, a short reason, and says in
the table's metadata what the numerator and denominator are sums of. `totals()` adds the rows
back up to the figure.

The output is child-level, special-category personal data: for internal use only, never for
publication, and never to be logged.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.measures.catalogue import Measure, measure
from csc_scorecard.measures.context import Context, Settings
from csc_scorecard.measures.engine import counted, value_of
from csc_scorecard.measures.functions.common import SUBJECT_KINDS, Members, NoMembers
from csc_scorecard.model.periods import Quarter
from csc_scorecard.store import Store

__all__ = [
    "CHILD_LEVEL_WARNING",
    "NoMembers",
    "about",
    "by_team",
    "members",
    "summary",
    "totals",
    "write_xlsx",
]

CHILD_LEVEL_WARNING = (
    "child-level data for internal use only - do not publish it or share it outside the service"
)

LEADING_COLUMNS = [
    "la_code",
    "period",
    "subject_kind",
    "subject_id",
    "dimension",
    "in_numerator",
    "in_denominator",
    "reason",
]
# Period-table and bookkeeping columns every member row carries; the metadata has the window.
_HIDDEN = {"start", "end", "quarter_end", "look_back", "year_end", "at", "load_id", "source_row"}
# Columns other than dates that show why a row is in or out (codes, durations, counts).
_EVIDENCE = {
    "working_days",
    "days",
    "age",
    "placements",
    "previous_plans",
    "referral_source",
    "referral_nfa",
    "decided_by",
    "closure_reason",
    "further_support_needed",
    "initial_category",
    "latest_category",
    "sex",
    "rne",
    "ls",
    "place",
    "place_provider",
    "rec",
    "missing_type",
    "uasc",
    "in_touch",
    "activity",
    "accommodation",
    "eligibility_category",
    "pathway_plan_signed_off",
    "audit_id",
    "grade",
    "proceedings_id",
    "children",  # a family's children in care proceedings
    "plan",  # a permanence plan (adoption, special guardianship ...)
    "placed_for_adoption",
    "in_timescale",
    "agency",
    "qualified",
    "role",
    "cases",
    "fte",
    "managers",
    "cases_per_manager",
    "late",
    "n_held",
    "any_late",
}
_JOIN_RESIDUE = re.compile(r"^[a-z]_")


def members(
    store: Store,
    la_code: str,
    measure_id: str,
    period: str,
    *,
    settings: Settings | None = None,
    dimension: str | None = None,
    team: str | None = None,
    worker: str | None = None,
) -> pa.Table:
    """The member rows of one measure for one authority and quarter (e.g. "2022-Q1").

    Columns: la_code, period, subject_kind ('child', 'worker', 'team', 'proceedings' or 'family'),
    subject_id, dimension, in_numerator, in_denominator, reason, then the dates and values that
    decided the row (named as in the canonical tables; `working_days` where the measure counts
    working days), and team and worker (for a child: the allocation open at the window's end,
    else the child's latest allocation begun by then, and that worker's post at that date).

    The measure's numerator is the number of in_numerator rows, or the sum of the column the
    metadata's `numerator_is` names; likewise the denominator. A rate per 10,000 children has
    the population as its denominator: the rows are the numerator. With `dimension`, rows of the
    other breakdown values stay only where they share the denominator. `team` and `worker`
    keep the rows of that team or worker (the totals are then a part of the figure).

    Raises KeyError for an unknown measure, ValueError for a bad period or dimension and
    NoMembers for a measure with no member rows (manual, or a return's own totals).
    """
    m = measure(measure_id)
    if m.manual:
        raise NoMembers(f"{m.id} is a manual measure: its values are supplied, not counted")
    q = Quarter.parse(period)
    if dimension is not None and not m.dimension:
        raise ValueError(f"{m.id} has no breakdown, so no dimension {dimension!r}")
    backend = ibis.duckdb.from_connection(store.con)
    ctx = Context(backend, [la_code], [q], settings or Settings(), members=True)
    got = m.counter()(ctx, m)
    if not isinstance(got, Members):
        raise NoMembers(f"{m.id}: its counting function does not return member rows")
    rows = backend.to_pyarrow(got.table)
    start, end = q.window(m.period_type)
    out = _shape(rows, m, got, dimension)
    out = _attach_people(store, out, end)
    if team is not None:
        out = out.filter(pc.equal(out["team"], team))
    if worker is not None:
        out = out.filter(pc.equal(out["worker"], worker))
    meta = _metadata(m, got, q, start, end, dimension, team, worker)
    if meta["denominator_from"] in ("population", "note"):
        aggregate = Context(backend, [la_code], [q], settings or Settings())
        meta["denominator"] = _denominator(m, aggregate)
    return out.replace_schema_metadata(meta)


def totals(t: pa.Table) -> tuple[float, float | None]:
    """(numerator, denominator) the member rows add up to, by the table's own metadata; the
    denominator is None when it has no member rows (a count, a population, an average FTE)."""
    meta = {k.decode(): v.decode() for k, v in (t.schema.metadata or {}).items()}
    num = _sum(t, "in_numerator", meta.get("numerator_weight"))
    den = (
        _sum(t, "in_denominator", meta.get("denominator_weight"))
        if meta.get("denominator_from") == "rows"
        else None
    )
    return num, den


def by_team(t: pa.Table) -> list[dict]:
    """Each team's part of the figure, from the measure's member rows (as `members` gives them,
    unfiltered): team, rows, numerator, denominator and value, the value by the measure's own
    rule (`engine.value_of`) over the same window, so the teams' numerators add up to the
    authority's. Rows with no team are under team None ("no team recorded"), last.

    Only where the rows hold the whole figure: a count, or a denominator of member rows. A rate
    over a population (per 10,000 children) or over a denominator that is not member rows has
    no team-level denominator, so gives []."""
    meta = about(t)
    if meta.get("denominator_from") not in ("rows", "none"):
        return []
    m = measure(meta["measure"])
    start = date.fromisoformat(meta["window_start"])
    end = date.fromisoformat(meta["window_end"])
    teams = t["team"].to_pylist()
    out = []
    for team in sorted(set(teams), key=lambda x: (x is None, x or "")):
        part = t.filter(pc.is_null(t["team"]) if team is None else pc.equal(t["team"], team))
        num, den = totals(part)
        out.append(
            {
                "team": team,
                "rows": part.num_rows,
                "numerator": num,
                "denominator": den,
                "value": value_of(m, num, den, start, end),
            }
        )
    return out


def _sum(t: pa.Table, flag: str, weight: str | None) -> float:
    chosen = t.filter(t[flag])
    if not weight:
        return float(chosen.num_rows)
    return float(sum(v for v in chosen[weight].to_pylist() if v is not None))


def _shape(rows: pa.Table, m: Measure, got: Members, dimension: str | None) -> pa.Table:
    """Leading columns, the reason, the deciding columns; other breakdown values resolved."""
    kind = rows["subject_kind"][0].as_py() if rows.num_rows else None
    subject_col = next((c for c, k in SUBJECT_KINDS.items() if k == kind), None)
    data = rows.to_pylist()
    if dimension is not None:
        kept = []
        for r in data:
            if r["dimension"] != dimension:
                r["in_numerator"] = False
                r["in_denominator"] = bool(r["in_denominator"]) and got.shared_denominator
                if not r["in_denominator"]:
                    continue
            kept.append(r)
        data = kept
    for r in data:
        r["reason"] = _reason(m, got, r, dimension)
    columns = [c for c in rows.column_names if _shown(c, rows.schema.field(c).type, subject_col)]
    for w in (got.numerator_weight, got.denominator_weight):
        if w and w not in columns:
            columns.append(w)
    dates = [c for c in columns if pa.types.is_date(rows.schema.field(c).type)]
    others = [c for c in columns if c not in dates]
    keep = [*LEADING_COLUMNS, *dates, *others, "_team_on_row", "_worker_on_row"]
    for r in data:
        r["_team_on_row"] = r.get("team_id")
        r["_worker_on_row"] = r.get("worker_id")
    fields = [
        pa.field(c, pa.string())
        if c in ("reason", "_team_on_row", "_worker_on_row")
        else rows.schema.field(c)
        for c in keep
    ]
    schema = pa.schema(fields)
    data.sort(key=lambda r: (not r["in_numerator"], not r["in_denominator"], r["subject_id"] or ""))
    return pa.Table.from_pylist([{c: r.get(c) for c in keep} for r in data], schema=schema)


def _shown(column: str, dtype: pa.DataType, subject_col: str | None) -> bool:
    if column in LEADING_COLUMNS or column in _HIDDEN or column == subject_col:
        return False
    if column.startswith("_") or _JOIN_RESIDUE.match(column) or column in ("team_id", "worker_id"):
        return False
    return pa.types.is_date(dtype) or column in _EVIDENCE


def _reason(m: Measure, got: Members, r: dict, dimension: str | None) -> str:
    if dimension is not None and r["dimension"] != dimension:
        return f"{m.dimension} {r['dimension']}: in the denominator only"
    if r["in_numerator"]:
        return got.why or ("counted" if not r["in_denominator"] else "in the numerator")
    if got.why:
        return f"not {got.why}"
    return "in the denominator only" if r["in_denominator"] else "not counted"


def _attach_people(store: Store, t: pa.Table, as_at: date) -> pa.Table:
    """Add `team` and `worker`. The worker: a worker row's own; else the worker recorded on the
    event (an assessment's, an enquiry's); else the one allocated to the child at `as_at`, or
    the child's latest allocation begun by then (case_allocations). The team: a team row's own;
    else the team recorded on the row (an event's, a case audit's); else the worker's post at
    `as_at`, or their latest post begun by then (worker_posts)."""
    kind = t["subject_kind"].to_pylist()
    sid = t["subject_id"].to_pylist()
    on_row = t["_team_on_row"].to_pylist()
    worker_on_row = t["_worker_on_row"].to_pylist()
    keys = pa.table(
        {
            "_row": pa.array(range(t.num_rows), pa.int64()),
            "la_code": t["la_code"],
            "_child": pa.array(
                [s if k == "child" else None for k, s in zip(kind, sid)], pa.string()
            ),
            "_worker": pa.array(
                [s if k == "worker" else w for k, s, w in zip(kind, sid, worker_on_row)],
                pa.string(),
            ),
            "_team": pa.array(
                [s if k == "team" else r for k, s, r in zip(kind, sid, on_row)], pa.string()
            ),
        }
    )
    con = store.con.cursor()
    try:
        con.register("_member_keys", keys)
        found = con.sql(_PEOPLE_SQL, params=[as_at]).to_arrow_table()
    finally:
        con.close()
    found = found.sort_by("_row")
    t = t.drop(["_team_on_row", "_worker_on_row"])
    return t.append_column("team", found["team"].cast(pa.string())).append_column(
        "worker", found["worker"].cast(pa.string())
    )


_PEOPLE_SQL = """
WITH alloc AS (
    SELECT k._row, a.worker_id, row_number() OVER (
        PARTITION BY k._row
        ORDER BY (a.end_date IS NULL OR a.end_date > $1) DESC, a.start_date DESC, a.worker_id
    ) AS n
    FROM _member_keys k
    JOIN case_allocations a
      ON a.la_code = k.la_code AND a.child_id = k._child AND a.start_date <= $1
),
w AS (
    SELECT k._row, k.la_code, k._team, coalesce(k._worker, al.worker_id) AS worker
    FROM _member_keys k LEFT JOIN alloc al ON al._row = k._row AND al.n = 1
),
post AS (
    SELECT w._row, p.team_id, row_number() OVER (
        PARTITION BY w._row
        ORDER BY (p.end_date IS NULL OR p.end_date >= $1) DESC, p.start_date DESC, p.team_id
    ) AS n
    FROM w JOIN worker_posts p
      ON p.la_code = w.la_code AND p.worker_id = w.worker AND p.start_date <= $1
)
SELECT w._row, coalesce(w._team, post.team_id) AS team, w.worker
FROM w LEFT JOIN post ON post._row = w._row AND post.n = 1
"""


def _denominator(m: Measure, ctx: Context) -> str:
    """The measure's own denominator when it has no member rows (the population, an average
    FTE), as text for the metadata ('' when there is none)."""
    rows = ctx.backend.to_pyarrow(counted(m, ctx))
    values = {v for v in rows["denominator"].to_pylist() if v is not None}
    return repr(values.pop()) if len(values) == 1 else ""


def _metadata(
    m: Measure,
    got: Members,
    q: Quarter,
    start: date,
    end: date,
    dimension: str | None,
    team: str | None,
    worker: str | None,
) -> dict[str, str]:
    def summed(weight: str | None, flag: str) -> str:
        return f"sum of {weight} over rows with {flag}" if weight else f"rows with {flag}"

    if m.population:
        den_from, den_is = "population", f"the {m.population} population (not member rows)"
    elif got.denominator_note:
        den_from, den_is = "note", f"{got.denominator_note} (not member rows)"
    elif m.unit == "count":
        den_from, den_is = "none", "none: the measure is a count"
    else:
        den_from, den_is = "rows", summed(got.denominator_weight, "in_denominator")
    meta = {
        "measure": m.id,
        "title": m.title,
        "unit": m.unit,
        "period": str(q),
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "dimension": dimension or "",
        "numerator_is": summed(got.numerator_weight, "in_numerator"),
        "numerator_weight": got.numerator_weight or "",
        "denominator_is": den_is,
        "denominator_from": den_from,
        "denominator_weight": got.denominator_weight or "",
        "team": team or "",
        "worker": worker or "",
        "people": "worker and team recorded on the row, else the worker allocated at the window end "
        "(or the latest allocation begun by then) and their post then",
        "child_level": "true: internal use only, never for publication",
    }
    return meta


def about(table: pa.Table) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}


def summary(table: pa.Table) -> str:
    """One line: the rows, and what they add up to."""
    meta = about(table)
    num, den = totals(table)
    line = f"{meta['measure']} {meta['period']}: {table.num_rows} rows; numerator {num:g}"
    line += f" ({meta['numerator_is']})"
    if den is not None:
        line += f", denominator {den:g}"
    elif meta.get("denominator"):
        line += f", denominator {float(meta['denominator']):g}: {meta['denominator_is']}"
    else:
        line += f", denominator: {meta['denominator_is']}"
    return line


def write_xlsx(table: pa.Table, target: str | Path | BinaryIO) -> None:
    """The rows on one sheet, what they add up to on another (a file path or a binary buffer).
    Strings stay strings, so a cell can never become a formula."""
    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    book = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target), options)
    try:
        dates = book.add_format({"num_format": "yyyy-mm-dd"})
        bold = book.add_format({"bold": True})
        sheet = book.add_worksheet("rows")
        for c, name in enumerate(table.column_names):
            sheet.write_string(0, c, name, bold)
        for r, row in enumerate(table.to_pylist(), start=1):
            for c, value in enumerate(row.values()):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif hasattr(value, "isoformat"):
                    sheet.write_datetime(r, c, _as_datetime(value), dates)
                else:
                    sheet.write(r, c, value)
        sheet.freeze_panes(1, 0)
        notes = book.add_worksheet("about")
        notes.write_string(0, 0, CHILD_LEVEL_WARNING, bold)
        notes.write_string(1, 0, summary(table))
        for i, (k, v) in enumerate(about(table).items(), start=3):
            notes.write_string(i, 0, k)
            notes.write_string(i, 1, v)
    finally:
        book.close()


def _as_datetime(d: date) -> datetime:
    return d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)
