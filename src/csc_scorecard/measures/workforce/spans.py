"""Team managers' spans of control: cases and workers per team manager, against a standard.

Seed para 32: "Team Manager span of control, which we believe should be circa 100 cases per
manager. ACPS has the biggest challenge in this regard with the position in July 2022 being:
196 ACPS South 1, 182 ACPS Central 1, ...". A team's cases are the children allocated on the
date to anyone whose post is in the team (a child co-worked by two of its workers counted
once); its managers are the workers in a manager role (a setting, default team managers) in
post in the team on the date. A team with no manager post recorded falls back to the manager
named in `teams.manager_worker_id` (one manager); one with neither has no span and is flagged.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from csc_scorecard.measures.context import Context
from csc_scorecard.measures.workforce.settings import WorkforceSettings, default_settings
from csc_scorecard.measures.workforce.snapshot import (
    TableSource,
    attach,
    run,
    taken,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir


def team_spans(table: TableSource, snap: ir.Table, settings: WorkforceSettings) -> ir.Table:
    """Per authority, date and team: cases, managers, practitioners (headcount and FTE), absent
    managers, cases per manager and practitioners per manager, and whether the span is over
    the standard."""
    import ibis

    from csc_scorecard.measures.exact_sums import exact_sum

    sp = settings.spans
    posted = snap.filter(snap.in_post)
    manager = posted.role.isin(sp.manager_roles)
    members = posted.group_by(["la_code", "period", "at", "team_id"]).agg(
        managers_in_post=manager.cast("int64").sum(),
        managers_absent=(manager & posted.long_term_absent).cast("int64").sum(),
        practitioners=(~manager).cast("int64").sum(),
        practitioner_fte=exact_sum(ibis.ifelse(~manager, posted.fte, 0.0)),
    )
    a = table("case_allocations")
    dates = snap.select("period", "at").distinct()
    held = a.join(dates, [a.start_date <= dates.at, a.end_date.isnull() | (a.end_date > dates.at)])
    held = held.select("la_code", "period", "at", "worker_id", "child_id")
    where = posted.select("la_code", "period", "at", "worker_id", "team_id")
    held = held.join(where, ["la_code", "period", "at", "worker_id"])
    cases = held.group_by(["la_code", "period", "at", "team_id"]).agg(cases=held.child_id.nunique())

    teams = table("teams").select(
        "la_code", "team_id", "team_name", "service_area", "front_line", "manager_worker_id"
    )
    if sp.front_line_only:  # only teams known to be front line
        teams = teams.filter(teams.front_line.fill_null(False))
        out = members.join(teams, ["la_code", "team_id"])
    else:
        out = attach(members, teams, ["la_code", "team_id"])
    out = attach(out, cases, ["la_code", "period", "at", "team_id"])
    named = out.manager_worker_id.notnull().cast("int64")
    managers = ibis.ifelse(out.managers_in_post > 0, out.managers_in_post, named)
    out = out.mutate(
        cases=out.cases.fill_null(0),
        managers=managers,
        manager_source=ibis.cases(
            (out.managers_in_post > 0, "posts"), (named > 0, "teams"), else_="none"
        ),
        team_name=ibis.coalesce(out.team_name, out.team_id),
    )
    per = ibis.ifelse(out.managers > 0, out.managers, ibis.null("int64"))
    out = out.mutate(
        cases_per_manager=out.cases / per,
        practitioners_per_manager=out.practitioners / per,
    )
    return out.mutate(
        over_standard=(out.cases_per_manager > sp.standard_cases).fill_null(False)
    ).select(
        "la_code",
        "period",
        "at",
        "team_id",
        "team_name",
        "service_area",
        "cases",
        "managers",
        "manager_source",
        "managers_absent",
        "practitioners",
        "practitioner_fte",
        "cases_per_manager",
        "practitioners_per_manager",
        "over_standard",
    )


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TeamSpan(_Model):
    team_id: str
    team_name: str
    service_area: str | None
    cases: int
    managers: int
    manager_source: str  # posts, teams (the manager named in the teams table) or none
    managers_absent: int
    practitioners: int
    practitioner_fte: float
    cases_per_manager: float | None
    practitioners_per_manager: float | None
    over_standard: bool


class AreaSpan(_Model):
    service_area: str
    teams: int
    teams_over_standard: int
    cases: int
    managers: int
    cases_per_manager: float | None
    highest: float | None


class Spans(_Model):
    """Spans of control on a date: every front-line team ranked by cases per manager, the
    service areas summarised, and the one with the biggest challenge (most teams over the
    standard, then the highest average span) with its teams, as the seed lists ACPS."""

    date: date
    standard_cases: int
    team_count: int
    teams: list[TeamSpan]
    service_areas: list[AreaSpan]
    biggest_challenge: str | None
    teams_over_standard: int


def rank(teams: list[TeamSpan]) -> list[TeamSpan]:
    """Highest cases per manager first; teams with no manager (no span) last, by cases."""
    return sorted(
        teams,
        key=lambda t: (
            t.cases_per_manager is None,
            -(t.cases_per_manager or 0),
            -t.cases,
            t.team_name,
        ),
    )


def spans(
    ctx: Context,
    at: date,
    settings: WorkforceSettings | None = None,
    snapshot: pa.Table | None = None,
) -> Spans:
    """Spans of control for one authority on one date (from ``snapshot``'s rows on it, when
    given: `snapshot.taken`)."""
    s = settings or default_settings()
    rows = run(
        ctx,
        "spans",
        lambda c: team_spans(c.table, c.given_input("snapshot"), s),
        s,
        snapshot=taken(ctx, [("at", at)], s, snapshot),
    ).to_pylist()
    teams = rank(
        [
            TeamSpan.model_validate({k: v for k, v in r.items() if k in TeamSpan.model_fields})
            for r in rows
        ]
    )
    areas: dict[str, list[TeamSpan]] = {}
    for t in teams:
        areas.setdefault(t.service_area or "No service area", []).append(t)
    summary = []
    for name, ts in sorted(areas.items()):
        managers = sum(t.managers for t in ts)
        cases = sum(t.cases for t in ts)
        summary.append(
            AreaSpan(
                service_area=name,
                teams=len(ts),
                teams_over_standard=sum(t.over_standard for t in ts),
                cases=cases,
                managers=managers,
                cases_per_manager=cases / managers if managers else None,
                highest=max(
                    (t.cases_per_manager for t in ts if t.cases_per_manager is not None),
                    default=None,
                ),
            )
        )
    over = [a for a in summary if a.teams_over_standard]
    worst = max(over, key=lambda a: (a.teams_over_standard, a.cases_per_manager or 0), default=None)
    return Spans(
        date=at,
        standard_cases=s.spans.standard_cases,
        team_count=len(teams),
        teams=teams,
        service_areas=summary,
        biggest_challenge=worst.service_area if worst else None,
        teams_over_standard=sum(t.over_standard for t in teams),
    )
