"""The data-quality page: faults by rule, table and team, and the fix list (a manager's own
team's faults only, child-level as the drill-down; an analyst's any team's); audited."""

from __future__ import annotations

import re
from typing import Any

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
    built = web.data.quality(quarter)
    # an empty fix list for a mistyped rule or table reads as "no faults" too
    unknown = _unknown_filter(built["rows"], rule or None, table or None, quarter.label)
    if unknown:
        raise LookupError(unknown)
    data = views.quality(
        built,
        rule=rule or None,
        table=table or None,
        team=team or None,
        examples=session.user.at_least("analyst"),
    )
    as_at = built["faults_as_at"]
    data.update(
        period=str(quarter), label=quarter.label, rule=rule, table=table, team=team,
        quarters=quarter_options(web), quarter_end=quarter.end.isoformat(),
        # no faults kept for the data as at the quarter's end: the rules' faults are a later
        # check's (`quality.history.changes`), which `scorecard quality` calls not known
        faults_later=as_at is not None and str(as_at) > quarter.end.isoformat(),
    )  # fmt: skip
    web.audit(
        request,
        session,
        "view_fix_list",
        f"{quarter} rule={rule or '*'} table={table or '*'} team={team or '*'}",
        rows=len(data["fix_list"]),
    )
    return web.page(request, "quality.html", data, session)


def _unknown_filter(
    rows: list[dict[str, Any]], rule: str | None, table: str | None, label: str
) -> str | None:
    """The refusal of a rule= no DfE rule and no load check of the quarter has, or a table=
    that is neither a DfE return's table nor a store table; None when both are known (a known
    one with no faults is an honest empty list)."""
    from csc_scorecard.model.schema import tables
    from csc_scorecard.quality.rules import rules
    from csc_scorecard.quality.scope_sql import DFE_TABLE

    if rule and rule not in {r.code for r in rules()} | {r["rule"] for r in rows}:
        return (
            f"rule {quoted(rule)}: no DfE rule has that code and no load check of it found a "
            f"fault in {label} (`scorecard validate --list-rules` lists the rules)."
        )
    dfe = {t for v in DFE_TABLE.values() for t in re.findall(r"'([A-Za-z0-9]+)'", v)}
    if table and table not in dfe | set(tables()) | {r["table"] for r in rows}:
        return (
            f"table {quoted(table)}: neither a table of a DfE return ({', '.join(sorted(dfe))}) "
            "nor one of the store's."
        )
    return None
