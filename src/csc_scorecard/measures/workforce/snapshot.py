"""Where every worker stands on a date: post, team, role, FTE, cases held, absence, ASYE year.

Every workforce figure starts here. `worker_snapshot(table, dates, settings)` is one Ibis
expression giving a row per worker and date for everyone in post on the date or holding a case
on it, so one query answers any number of dates (quarter ends, month ends, the seed's 7 April
and 12 July) on DuckDB or Spark.

Date conventions (docs/workforce.md):

* a post (`worker_posts`) is held from `start_date` to `end_date` inclusive: the end date is
  the last day in post, and a team move ends one post the day before the next starts;
* an allocation (`case_allocations`) runs from `start_date` up to, not including, `end_date`:
  the end date is the handover (or closure) date on which the next worker takes the case, as in
  903 episodes (standards.md 1.2), so an allocation ending on the date is not held on it;
* an absence (`worker_absences`) runs from `start_date` to `end_date` inclusive.

A worker holding several posts at once (two part-time posts in two teams) is counted once, in
the team of the post with the larger FTE (then the later start), with the FTE of all the posts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

# dates_rows and month_ends live beside the other period inputs (a measure run reads them
# without importing Ibis); they are read from here too.
from csc_scorecard.measures.context import Context, dates_rows, month_ends  # noqa: F401
from csc_scorecard.measures.inputs import numpy_of, strings
from csc_scorecard.measures.workforce.settings import WorkforceSettings

if TYPE_CHECKING:
    import ibis.expr.types as ir


# The expressions below import Ibis as they are built: a query whose SQL is kept
# (`Context.execute`) is never built, so the report and the dashboard load no Ibis.
TableSource = Callable[[str], "ir.Table"]
# A period label may name several dates (the month ends of a rolling window), so `at` is keyed too.
KEY = ["la_code", "period", "at", "worker_id"]
LONG_AGO = date(1900, 1, 1)
_EPOCH = date(1970, 1, 1).toordinal()  # a date32 is its day number from here

DATES_SCHEMA = {"period": "string", "at": "date"}


def dates_table(dates: Iterable[tuple[str, date]]) -> ir.Table:
    """An Ibis table of (period label, date) pairs: the dates a snapshot is taken at."""
    import ibis

    return ibis.memtable([{"period": p, "at": d} for p, d in dates], schema=DATES_SCHEMA)


def run(
    ctx: Context,
    name: str,
    build: Callable[[Context], ir.Table],
    settings: WorkforceSettings | None,
    **given: pa.Table,
) -> pa.Table:
    """The rows of one workforce query, ``build(c)``, where ``c`` is ``ctx`` given the rows
    ``given`` as named inputs (``c.given_input("dates")``). On DuckDB its SQL then depends on
    the definition and the settings only, not on the dates or authority: it is compiled once
    and kept by the compiled-SQL cache (`Context.execute`) under ``name`` and the settings."""
    with_rows = replace(ctx, given=given, _done={})
    chosen = settings.model_dump_json() if settings is not None else None
    rows = with_rows.execute(("workforce", name, chosen), build)
    # The store's columns, if the copy read them (to look its SQL up on disk), kept for the next
    # copy: the staffing section's 21 queries read them once, not 21 times (4 ms each).
    ctx._columns = ctx._columns or with_rows._columns
    # DuckDB gives a date plus an interval (`days_after`, a supervision clock) as a timestamp;
    # every workforce date is a day, as the expression declares (Ibis's own run casts it so).
    return rows.cast(
        pa.schema(
            f.with_type(pa.date32()) if pa.types.is_timestamp(f.type) else f for f in rows.schema
        )
    )


def taken(
    ctx: Context,
    dates: Iterable[tuple[str, date]],
    settings: WorkforceSettings,
    snapshot: pa.Table | None = None,
) -> pa.Table:
    """The snapshot's rows at each (label, date): one statement (`run`), or, given the rows of
    a snapshot taken at more dates (the staffing section takes one for all its figures), those
    at each date, labelled as asked: the same rows. A figure given them (the input
    ``snapshot``) runs without building the snapshot again, whose statement (its joins over
    posts, allocations and absences) is most of a workforce figure's planning."""
    dates = list(dates)
    if snapshot is None:
        return run(
            ctx,
            "snapshot",
            lambda c: worker_snapshot(c.table, c.given_input("dates"), settings),
            settings,
            dates=dates_rows(dates),
        )
    # Arrow's own arrays (measures/inputs.py): its scalars and compute functions load pandas.
    at, _ = numpy_of(snapshot["at"], np.int32)
    column = snapshot.schema.get_field_index("period")
    parts = [snapshot.slice(0, 0)]
    for label, when in dates:
        on = at == when.toordinal() - _EPOCH
        keep = pa.py_buffer(np.packbits(on, bitorder="little"))
        rows = snapshot.filter(pa.Array.from_buffers(pa.bool_(), len(on), [None, keep]))
        parts.append(rows.set_column(column, "period", strings([label] * rows.num_rows)))
    return pa.concat_tables(parts)


def period_ends(ctx: Context, period_type: str = "as_at_period_end") -> ir.Table:
    """The last day of each period's window, as snapshot dates."""
    p = ctx.periods(period_type)  # type: ignore[arg-type]
    return p.select("period", at=p.end)


def context_for(backend: object, la_code: str) -> Context:
    """A measures `Context` for one authority (used for its `table`, restricted to the LA)."""
    return Context(backend, [la_code], [])


def days_after(d: ir.DateValue, days: int) -> ir.DateValue:
    import ibis

    return d + ibis.interval(days=days)


def days_before(d: ir.DateValue, days: int) -> ir.DateValue:
    import ibis

    return d - ibis.interval(days=days)


def posts_at(table: TableSource, dates: ir.Table) -> ir.Table:
    """One row per worker in post on each date: team and role of the main post, total FTE."""
    import ibis

    from csc_scorecard.measures.exact_sums import exact

    p = table("worker_posts")
    j = p.join(dates, [p.start_date <= dates.at, p.end_date.isnull() | (p.end_date >= dates.at)])
    order = [ibis.desc(j.fte.fill_null(0)), ibis.desc(j.start_date), j.team_id]
    j = j.mutate(
        _rank=ibis.row_number().over(group_by=KEY, order_by=order),
        _fte=exact(j.fte).sum().over(group_by=KEY).cast("float64"),
    )
    j = j.filter(j._rank == 0)
    return j.select(
        "la_code",
        "period",
        "at",
        "worker_id",
        "team_id",
        "role",
        fte=j._fte,
        post_start=j.start_date,
    )


def cases_at(table: TableSource, dates: ir.Table) -> ir.Table:
    """Children allocated to each worker on each date (a child counted once per worker)."""
    a = table("case_allocations")
    j = a.join(dates, [a.start_date <= dates.at, a.end_date.isnull() | (a.end_date > dates.at)])
    return j.group_by(KEY).agg(cases=j.child_id.nunique())


def absences_at(table: TableSource, dates: ir.Table, long_term_days: int) -> ir.Table:
    """Workers absent on each date, and whether the absence is long-term: it lasts at least
    `long_term_days` from start to end (or to the date, while no end is recorded)."""
    import ibis

    ab = table("worker_absences")
    j = ab.join(
        dates, [ab.start_date <= dates.at, ab.end_date.isnull() | (ab.end_date >= dates.at)]
    )
    last = ibis.coalesce(j.end_date, j.at)
    long_term = last >= days_after(j.start_date, long_term_days - 1)
    return j.group_by(KEY).agg(absence_reason=j.reason.max(), long_term_absent=long_term.any())


def attach(left: ir.Table, right: ir.Table, keys: list[str]) -> ir.Table:
    """`left` with the columns of `right` matched on the same-named `keys` (a left join)."""
    j = left.left_join(right, keys)
    return j.select([c for c in j.columns if not c.endswith("_right")])


def worker_snapshot(table: TableSource, dates: ir.Table, settings: WorkforceSettings) -> ir.Table:
    """A row per (authority, date, worker) for workers in post on the date or holding cases on it.

    Columns: la_code, period, at, worker_id; in_post, team_id, team_name, service_area,
    front_line, role, fte; agency, qualified, asye (in the assessed and supported year),
    new_starter, leaving (within the `weighted` settings' days), absent, long_term_absent;
    cases (children allocated on the date), case_holder (cases > 0); weight (share of a full
    caseload the role carries), counted (in the weighted capacity view) and capacity (FTE x
    weight for counted workers, else 0).
    """
    import ibis

    w = settings.weighted
    posts = posts_at(table, dates)
    held = cases_at(table, dates)
    keys = posts.select(*KEY).union(held.select(*KEY)).distinct()
    snap = attach(keys, posts, KEY)
    snap = attach(snap, held, KEY)
    snap = attach(snap, absences_at(table, dates, w.long_term_absence_days), KEY)

    workers = table("workers").select(
        "la_code",
        "worker_id",
        "agency",
        "qualified",
        "asye_start_date",
        worker_start="start_date",
        leave_date="leave_date",
    )
    snap = attach(snap, workers, ["la_code", "worker_id"])
    teams = table("teams").select("la_code", "team_id", "team_name", "service_area", "front_line")
    snap = attach(snap, teams, ["la_code", "team_id"])

    at = snap.at
    asye = (snap.asye_start_date <= at) & (
        snap.asye_start_date > at - ibis.interval(months=w.asye_months)
    )
    new_starter = (
        snap.worker_start > days_before(at, w.new_starter_days)
        if w.new_starter_days
        else ibis.literal(False)
    )
    leaving = (
        (snap.leave_date >= at) & (snap.leave_date < days_after(at, w.leaving_within_days))
        if w.leaving_within_days
        else ibis.literal(False)
    )
    snap = snap.mutate(
        in_post=snap.post_start.notnull(),
        cases=snap.cases.fill_null(0),
        agency=snap.agency.fill_null(False),
        qualified=snap.qualified.fill_null(False),
        asye=asye.fill_null(False),
        new_starter=new_starter.fill_null(False),
        leaving=leaving.fill_null(False),
        absent=snap.absence_reason.notnull(),
        long_term_absent=snap.long_term_absent.fill_null(False),
        front_line=snap.front_line.fill_null(False),
        team_name=ibis.coalesce(snap.team_name, snap.team_id),
    )
    snap = snap.mutate(case_holder=snap.cases > 0)
    base = snap.role.substitute(w.role_weights, else_=1.0).cast("float64")
    holding_manager = (base == 0) & snap.case_holder
    weight = ibis.ifelse(holding_manager, w.case_holding_manager_weight, base)
    weight = ibis.ifelse(snap.asye, weight * w.asye_weight, weight)
    counted = (
        snap.in_post
        & ~snap.long_term_absent
        & ~snap.new_starter
        & ~snap.leaving
        & (weight > 0)
        & (snap.fte.fill_null(0) > 0)
    )
    snap = snap.mutate(weight=weight, counted=counted)
    snap = snap.mutate(capacity=ibis.ifelse(snap.counted, snap.fte * snap.weight, 0.0))
    return snap.select(
        "la_code",
        "period",
        "at",
        "worker_id",
        "in_post",
        "team_id",
        "team_name",
        "service_area",
        "front_line",
        "role",
        "fte",
        "agency",
        "qualified",
        "asye",
        "new_starter",
        "leaving",
        "absent",
        "long_term_absent",
        "cases",
        "case_holder",
        "weight",
        "counted",
        "capacity",
    )


def in_scope(snap: ir.Table, *, front_line_only: bool, qualified_only: bool) -> ir.BooleanValue:
    """The workers a figure counts: in post, in a front-line team and qualified, as set."""
    cond = snap.in_post
    if front_line_only:
        cond = cond & snap.front_line
    if qualified_only:
        cond = cond & snap.qualified
    return cond
