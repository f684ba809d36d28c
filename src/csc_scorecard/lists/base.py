"""What every operational list shares: its declaration, the question asked, the answer, and the
few building blocks (who holds a child's case on the date, working days since a date).

A list is declared once (`ListSpec`: name, title, columns with their meaning, sort order in
words and as columns) beside one function that turns a `Query` into an Ibis table with a row
per child (per worker for caseloads). Every list's rows carry `worker_id`, `team_id` and
`team_name`, so filtering by team or worker is done once, in `lists.build`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.common.exceptions import TableNotFound

from csc_scorecard.errors import NotFound
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.workforce.snapshot import dates_table, posts_at

NOTICE = "child-level, not for publication"

# Columns every list carries, for the team and worker filters.
WORKER_COLUMNS = {
    "worker_id": "allocated worker on the date (blank: none)",
    "team_id": "the worker's team on the date (their main post)",
    "team_name": "team name",
}


@dataclass(frozen=True)
class Query:
    """One list asked for one authority on one date, with the list's options."""

    ctx: Context
    la_code: str
    on: date
    options: Mapping[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the list could not cover, and why

    @property
    def day(self) -> ir.DateScalar:
        return ibis.literal(self.on, type="date")

    def option(self, spec: ListSpec, name: str) -> Any:
        return self.options.get(name, spec.options[name])


@dataclass(frozen=True)
class ListSpec:
    """A list's declaration. `order` is the urgency sort as (column, descending) pairs; the
    child (or worker) id always breaks ties so the order is stable."""

    name: str
    title: str
    description: str
    columns: Mapping[str, str]  # column -> what it holds, in output order
    sort: str  # the sort order in words
    order: tuple[tuple[str, bool], ...]
    rows: Callable[[Query], ir.Table]
    options: Mapping[str, Any] = field(default_factory=dict)  # option -> default
    key: str = "child_id"


@dataclass(frozen=True)
class ListResult:
    """A built list: rows as Arrow (columns as `columns` documents them), already sorted."""

    name: str
    title: str
    la_code: str
    on: date
    rows: pa.Table
    columns: Mapping[str, str]
    sort: str
    team: str | None = None
    worker: str | None = None
    notes: tuple[str, ...] = ()
    notice: str = NOTICE
    days_ahead: int | None = None  # the window of a list that looks ahead (reviews-due)

    @property
    def count(self) -> int:
        return self.rows.num_rows

    def heading(self) -> str:
        """One line: title, authority, date, window ahead, filters and row count.

        >>> r = ListResult("x", "Open assessments", "999", date(2022, 6, 30), pa.table({"a": [1]}), {}, "")
        >>> r.heading()
        'Open assessments, authority 999, 30 June 2022: 1 row'
        """
        scope = f", due within {self.days_ahead} days" if self.days_ahead is not None else ""
        scope += "".join(
            f", {label} {value}"
            for label, value in (("team", self.team), ("worker", self.worker))
            if value
        )
        n = self.count
        return (
            f"{self.title}, authority {self.la_code}, {self.on.day} {self.on:%B %Y}{scope}: "
            f"{n:,} {'row' if n == 1 else 'rows'}"
        )


def has_rows(q: Query, name: str) -> bool:
    """Whether the store holds rows of the canonical table for the authority (a table added by a
    later release is missing from an older store, or empty when its source was never loaded)."""
    try:
        t = q.ctx.table(name)
    except TableNotFound:
        return False
    return bool(q.ctx.backend.execute(t.limit(1).count()))


def require(q: Query, table: str, why: str, source: str | None = None) -> None:
    """Refuse (`NotFound`, one line) a list the store cannot tell: `table` holds no row for the
    authority, and without it `why` (an empty or full list that would read as an answer)."""
    if not has_rows(q, table):
        raise NotFound(no_rows(table, q.la_code, why, source))


def no_rows(table: str, la_code: str, why: str, source: str | None = None) -> str:
    """The one-line refusal of an answer the store cannot give: `table` holds no row for the
    authority, so `why`; what to load (`source`, else the table's template or the SSD)
    (`require`, `scorecard caseloads`)."""
    source = source or f"the {table} template, docs/templates.md"
    return (
        f"the store holds no {table} rows for LA {la_code}: {why}; load them ({source}, or a "
        "Standard Safeguarding Dataset)"
    )


def on_date(q: Query) -> ir.Table:
    """The list date as a one-row table (`at`), to join as the workforce snapshots do."""
    return dates_table([("list", q.on)])


def open_allocations(q: Query) -> ir.Table:
    """Every case allocation held on the date: from its start up to, not including, its end
    (the handover date), the convention of `measures.workforce.snapshot.cases_at` (docs/workforce.md)."""
    a = q.ctx.table("case_allocations")
    return a.filter((a.start_date <= q.day) & (a.end_date.isnull() | (a.end_date > q.day)))


def allocations_at(q: Query) -> ir.Table:
    """One row per child allocated on the date: la_code, child_id, worker_id, allocated_since
    and `case_team` (the team holding the case, where the allocation records one).

    A child allocated to two workers at once (`open_allocations`) is shown with the most recent
    allocation.
    """
    a = open_allocations(q)
    w = ibis.window(
        group_by=[a.la_code, a.child_id], order_by=[ibis.desc(a.start_date), a.worker_id]
    )
    a = a.mutate(_n=ibis.row_number().over(w))
    a = a.filter(a._n == 0)
    team = a.team_id if "team_id" in a.columns else ibis.null("string")
    return a.select(
        "la_code", "child_id", "worker_id", allocated_since=a.start_date, case_team=team
    )


def with_team(q: Query, t: ir.Table, preferred: str | None = None) -> ir.Table:
    """`t` (with a `worker_id` column) with `team_id` and `team_name`: the `preferred` column's
    team where it has one (the team recorded on the event or the allocation), else the team of
    the worker's main post on the date (`measures.workforce.snapshot.posts_at`: the post with the larger
    FTE when several are held)."""
    p = posts_at(q.ctx.table, on_date(q)).select(
        w_la="la_code", w_worker="worker_id", w_team="team_id"
    )
    j = t.left_join(p, [t.la_code == p.w_la, t.worker_id == p.w_worker])
    team = ibis.coalesce(j[preferred], j.w_team) if preferred else j.w_team
    j = j.mutate(team_id=team).drop("w_la", "w_worker", "w_team")
    names = q.ctx.table("teams").select(n_la="la_code", n_team="team_id", n_name="team_name")
    j = j.left_join(names, [j.la_code == names.n_la, j.team_id == names.n_team])
    return j.mutate(team_name=ibis.coalesce(j.n_name, j.team_id)).drop("n_la", "n_team", "n_name")


def with_allocation(q: Query, t: ir.Table) -> ir.Table:
    """`t` (a row per child) with a worker and team on the date: the worker and team recorded on
    the event itself where `t` carries them (`event_worker`, `event_team`: the SSD records who
    holds an assessment or plan), else the child's allocated worker and the team holding the
    case, else that worker's team."""
    a = allocations_at(q).select(
        a_la="la_code", a_child="child_id", a_worker="worker_id", a_team="case_team"
    )
    j = t.left_join(a, [t.la_code == a.a_la, t.child_id == a.a_child])
    worker, team = j.a_worker, j.a_team
    if "event_worker" in j.columns:
        worker = ibis.coalesce(j.event_worker, worker)
        # An event worker with no team recorded: their own post's team, not the case's.
        team = ibis.coalesce(
            j.event_team, ibis.ifelse(j.event_worker.isnull(), team, ibis.null("string"))
        )
    j = j.mutate(worker_id=worker, _team=team)
    scratch = ("a_la", "a_child", "a_worker", "a_team", "event_worker", "event_team")
    j = j.drop(*[c for c in scratch if c in j.columns])
    return with_team(q, j, "_team").drop("_team")


def event_worker(t: ir.Table) -> dict[str, ir.Value]:
    """The worker and team recorded on an event row (`worker_id`, `team_id`, from the SSD), as
    `event_worker` and `event_team` for `with_allocation`; NULL where the table has no such
    columns (a store loaded before they existed)."""
    worker = t.worker_id if "worker_id" in t.columns else ibis.null("string")
    team = t.team_id if "team_id" in t.columns else ibis.null("string")
    return {"event_worker": worker.cast("string"), "event_team": team.cast("string")}


def working_days_to(q: Query, t: ir.Table, start: str, name: str) -> ir.Table:
    """Add `name`: working days after `start` up to and including the list date (same day = 0;
    the rule the measures use, `reference.calendar`)."""
    t = t.mutate(_list_day=q.day)
    return q.ctx.with_working_days(t, start, "_list_day", name).drop("_list_day")


def days_to(q: Query, t: ir.Table, start: str) -> ir.IntegerValue:
    """Calendar days from `start` to the list date."""
    return q.day.delta(t[start], unit="day")
