"""The data-quality page: faults by rule, table and team, and the fix list (a manager's own
team's faults only, child-level as the drill-down; an analyst's any team's); audited."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from csc_scorecard.lists.subjects import unknown_subject
from csc_scorecard.web import views
from csc_scorecard.web.quoting import quoted
from csc_scorecard.web.routes.common import Manager, quarter_options, team_for, web_of

router = APIRouter()


@router.get("/quality")
def quality(
    request: Request,
    session: Manager,
    period: str | None = None,
    rule: str | None = None,
    table: str | None = None,
    team: str | None = None,
) -> Response:
    """Faults by rule, table and team, and the fix list: a manager's own team's faults only
    (child-level, as the drill-down), an analyst's any team's."""
    web = web_of(request)
    quarter = web.data.quarter(period)
    team = team_for(session, team, "the fix lists")
    with web.data.store() as db:
        refusal = unknown_subject(
            db, web.data.la_code(), team or None, None,
            team_names=False, labels=("team", "worker"), quote=quoted,
        )  # fmt: skip
    if refusal:  # an empty fix list for a mistyped team reads as "no faults"
        raise LookupError(f"{refusal}.")
    data = views.quality(
        web.data.quality(quarter),
        rule=rule or None,
        table=table or None,
        team=team or None,
        examples=session.user.at_least("analyst"),
    )
    data.update(
        period=str(quarter), label=quarter.label, rule=rule, table=table, team=team,
        quarters=quarter_options(web),
    )  # fmt: skip
    web.audit(
        request,
        session,
        "view_fix_list",
        f"{quarter} rule={rule or '*'} table={table or '*'} team={team or '*'}",
        rows=len(data["fix_list"]),
    )
    return web.page(request, "quality.html", data, session)
