"""Supervision in timescale: front-line staff whose last supervision is within the standard.

The seed (para 28) collates managers' spreadsheets and reports "66.5% of supervisions had taken
place", with seven teams still to add data. Here the figure is counted from the recorded
sessions (`supervisions`) at the period end:

* staff counted: workers in post on the date, in a front-line team, in the supervised roles
  (settings; default practitioners, not managers), leaving out those on long-term absence;
* in timescale: the worker's clock - the later of their last supervision on or before the date,
  the day they joined, and the day after a long-term absence ended - is at most
  `standard_days` (default 30) before the date. So a new starter, or a worker back from long
  sick leave, is not overdue until a full interval has passed without a supervision.

The overdue workers are listed for managers (worker level: never in a published report).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from csc_scorecard.measures.context import Context
from csc_scorecard.measures.workforce.settings import WorkforceSettings, default_settings
from csc_scorecard.measures.workforce.snapshot import (
    KEY,
    LONG_AGO,
    TableSource,
    attach,
    days_after,
    days_before,
    run,
    taken,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir


def supervision_status(table: TableSource, snap: ir.Table, settings: WorkforceSettings) -> ir.Table:
    """A row per worker counted on each date: last supervision, clock start, in timescale."""
    import ibis

    sv = settings.supervision
    pop = snap.filter(snap.in_post & snap.role.isin(sv.roles))
    if sv.front_line_only:
        pop = pop.filter(pop.front_line)
    if sv.exclude_long_term_absent:
        pop = pop.filter(~pop.long_term_absent)
    dates = snap.select("period", "at").distinct()

    s = table("supervisions")
    held = s.join(dates, s.supervision_date <= dates.at)
    last = held.group_by(KEY).agg(last_supervision=held.supervision_date.max())

    ab = table("worker_absences")
    ended = ab.join(dates, ab.end_date < dates.at)
    ended = ended.filter(
        ended.end_date >= days_after(ended.start_date, settings.weighted.long_term_absence_days - 1)
    )
    back = ended.group_by(KEY).agg(returned=ended.end_date.max())

    started = table("workers").select("la_code", "worker_id", worker_start="start_date")
    out = attach(pop, last, KEY)
    out = attach(out, back, KEY)
    out = attach(out, started, ["la_code", "worker_id"])
    never = ibis.literal(LONG_AGO)
    clock = ibis.greatest(
        ibis.coalesce(out.last_supervision, never),
        ibis.coalesce(out.worker_start, never),
        ibis.coalesce(days_after(out.returned, 1), never),
    )
    out = out.mutate(clock=clock)
    out = out.mutate(in_timescale=out.clock >= days_before(out.at, sv.standard_days))
    return out.select(
        "la_code",
        "period",
        "at",
        "worker_id",
        "team_id",
        "team_name",
        "service_area",
        "role",
        "agency",
        "last_supervision",
        "clock",
        "in_timescale",
    )


def supervision_counts(status: ir.Table, by: tuple[str, ...] = ()) -> ir.Table:
    """Staff counted and those in timescale, per authority and date (and `by` columns)."""
    return status.group_by(["la_code", "period", "at", *by]).agg(
        staff=status.count(), in_timescale=status.in_timescale.cast("int64").sum()
    )


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SupervisionFigure(_Model):
    name: str
    service_area: str | None = None
    team_id: str | None = None
    staff: int | None  # None (with in_timescale and percent) when suppressed for publication
    in_timescale: int | None
    percent: float | None


class OverdueWorker(_Model):
    worker_id: str
    team_name: str | None
    role: str | None
    agency: bool
    last_supervision: date | None
    days_since: int | None  # days from the last supervision to the date; None if never
    days_overdue: (
        int | None
    )  # days past the standard interval from the worker's clock; None if unknown


class Supervision(_Model):
    date: date
    standard_days: int
    total: SupervisionFigure
    overdue_count: int | None  # staff counted who are not in timescale (None when suppressed)
    by_team: list[SupervisionFigure]
    overdue: list[OverdueWorker] | None  # None when left out (publication)


def _figure(name: str, r: dict) -> SupervisionFigure:
    staff, hit = int(r["staff"]), int(r["in_timescale"])
    return SupervisionFigure(
        name=name,
        service_area=r.get("service_area"),
        team_id=r.get("team_id"),
        staff=staff,
        in_timescale=hit,
        percent=hit / staff * 100 if staff else None,
    )


def supervision(
    ctx: Context,
    at: date,
    settings: WorkforceSettings | None = None,
    *,
    workers: bool = True,
    snapshot: pa.Table | None = None,
) -> Supervision:
    """Supervision in timescale on one date for one authority, by team, with the overdue workers
    (`workers=False` leaves the worker list out); from ``snapshot``'s rows on the date, when
    given (`snapshot.taken`)."""
    s = settings or default_settings()
    snap = taken(ctx, [("at", at)], s, snapshot)

    def query(name: str, figure: Callable[[ir.Table], ir.Table]) -> list[dict]:
        def build(c: Context) -> ir.Table:
            return figure(supervision_status(c.table, c.given_input("snapshot"), s))

        return run(ctx, name, build, s, snapshot=snap).to_pylist()

    total = query("supervision", supervision_counts)
    teams = query(
        "supervision/teams",
        lambda status: supervision_counts(status, ("service_area", "team_id", "team_name")),
    )
    overdue = None
    if workers:
        late = query("supervision/overdue", lambda status: status.filter(~status.in_timescale))
        overdue = sorted(
            (
                OverdueWorker(
                    worker_id=r["worker_id"],
                    team_name=r["team_name"],
                    role=r["role"],
                    agency=r["agency"],
                    last_supervision=r["last_supervision"],
                    days_since=(at - r["last_supervision"]).days if r["last_supervision"] else None,
                    days_overdue=None
                    if r["clock"] == LONG_AGO
                    else (at - r["clock"]).days - s.supervision.standard_days,
                )
                for r in late
            ),
            key=lambda o: (
                o.days_overdue is not None,
                -(o.days_overdue or 0),
                o.team_name or "",
                o.worker_id,
            ),
        )
    whole = (
        _figure("All front-line staff", total[0])
        if total
        else SupervisionFigure(name="All front-line staff", staff=0, in_timescale=0, percent=None)
    )
    return Supervision(
        date=at,
        standard_days=s.supervision.standard_days,
        total=whole,
        overdue_count=whole.staff - whole.in_timescale,
        by_team=[
            _figure(r["team_name"], r)
            for r in sorted(teams, key=lambda r: (str(r["service_area"]), str(r["team_name"])))
        ],
        overdue=overdue,
    )
