"""Supervision data by team for a quarter: which teams have added their supervision records, and
how complete each team's records are.

The seed (para 28) takes supervision from a sheet each team's managers fill in with supervision
dates, collated to service area and authority level, and warns that the figure is incomplete:
"66.5% of supervisions had taken place. There are however seven Teams that need to add
additional data so this figure will increase." The weakness it names - a manager off work does
not add the dates - shows in the data as a team with no sessions at all for the quarter.

Definitions (for the quarter from its first day to its last, `start` to `end`):

* staff: the staff the supervision measure counts at the quarter end (`supervision_status` in
  measures/workforce/supervision.py - one rule for who is supervised: front-line staff in the supervised
  roles, in post, not on long-term absence), each in the team of their post on that day;
* supervised in the quarter: staff with at least one session recorded in `supervisions` dated
  from `start` to `end`;
* completeness: supervised in the quarter as a share of the team's staff (of all staff for the
  authority's total);
* a team has "yet to add supervision data" when none of its staff has a session recorded in the
  quarter: the sheet is kept by team, so a team with no sessions at all has not returned it,
  while a team with some sessions has, and its completeness shows who was not supervised.

A team's figures are counts of workers, so a published report leaves the per-team table out (as
it does every team breakdown of supervision) and shows small totals as the report's
suppression rule does (report/sections/staffing/publication.py `leave_out`), which also writes
the sentence.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from csc_scorecard.measures.context import Context
from csc_scorecard.measures.inputs import days
from csc_scorecard.measures.workforce.settings import WorkforceSettings, default_settings
from csc_scorecard.measures.workforce.snapshot import (
    KEY,
    TableSource,
    attach,
    dates_rows,
    run,
    taken,
)
from csc_scorecard.measures.workforce.supervision import supervision_status

if TYPE_CHECKING:
    import ibis.expr.types as ir


ALL_STAFF = "All front-line staff"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TeamReturn(_Model):
    """One team's supervision records for the quarter (or the authority's, as `total`)."""

    name: str
    service_area: str | None = None
    team_id: str | None = None
    staff: int | None  # None (with supervised and percent) when suppressed for publication
    supervised: int | None  # staff with at least one session recorded in the quarter
    percent: float | None  # completeness: supervised / staff x 100
    added: bool  # any session recorded in the quarter for the team's staff


class SupervisionReturns(_Model):
    start: date
    end: date
    total: TeamReturn
    team_count: int  # teams with staff counted
    teams_with_data: int
    teams_without_data: int  # the teams that have "yet to add supervision data"
    teams: list[TeamReturn]  # by service area and team name; left out when published


def returns_status(
    table: TableSource, quarters: ir.Table, snap: ir.Table, settings: WorkforceSettings
) -> ir.Table:
    """A row per counted worker at each quarter's end with the sessions recorded for them in the
    quarter (`sessions`, 0 when none); `quarters` has `period`, `start` and `at` (the end), and
    `snap` is the worker snapshot at those ends."""
    status = supervision_status(table, snap, settings)
    s = table("supervisions")
    held = s.join(
        quarters, [s.supervision_date >= quarters.start, s.supervision_date <= quarters.at]
    )
    held = held.join(status.select(KEY).distinct(), ["la_code", "period", "at", "worker_id"])
    per = held.group_by(KEY).agg(sessions=held.count())
    out = attach(status, per, KEY)
    return out.mutate(sessions=out.sessions.fill_null(0))


def _team(name: str, r: dict) -> TeamReturn:
    staff, hit = int(r["staff"]), int(r["supervised"])
    return TeamReturn(
        name=name,
        service_area=r.get("service_area"),
        team_id=r.get("team_id"),
        staff=staff,
        supervised=hit,
        percent=hit / staff * 100 if staff else None,
        added=bool(r["sessions"]),
    )


def supervision_returns(
    ctx: Context,
    start: date,
    end: date,
    settings: WorkforceSettings | None = None,
    snapshot: pa.Table | None = None,
) -> SupervisionReturns:
    """Each team's supervision records for the quarter `start`-`end`, for one authority (from
    ``snapshot``'s rows at its end, when given: `snapshot.taken`)."""
    s = settings or default_settings()
    quarter = dates_rows([("at", end)]).append_column("start", days([start]))
    snap = taken(ctx, [("at", end)], s, snapshot)

    def build(c: Context) -> ir.Table:
        status = returns_status(c.table, c.given_input("quarter"), c.given_input("snapshot"), s)
        status = status.mutate(hit=(status.sessions > 0).cast("int64"))
        return status.group_by(["service_area", "team_id", "team_name"]).agg(
            staff=status.count(), supervised=status.hit.sum(), sessions=status.sessions.sum()
        )

    teams = run(ctx, "supervision_returns", build, s, quarter=quarter, snapshot=snap).to_pylist()
    rows = [
        _team(r["team_name"] or r["team_id"] or "No team recorded", r)
        for r in sorted(teams, key=lambda r: (str(r["service_area"]), str(r["team_name"])))
    ]
    total = TeamReturn(
        name=ALL_STAFF,
        staff=sum(t.staff or 0 for t in rows),
        supervised=sum(t.supervised or 0 for t in rows),
        percent=None,
        added=any(t.added for t in rows),
    )
    if total.staff:
        total.percent = (total.supervised or 0) / total.staff * 100
    with_data = sum(t.added for t in rows)
    return SupervisionReturns(
        start=start,
        end=end,
        total=total,
        team_count=len(rows),
        teams_with_data=with_data,
        teams_without_data=len(rows) - with_data,
        teams=rows,
    )
