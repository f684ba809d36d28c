"""The drill-down: the children (or workers) behind a measure's numerator and denominator,
filterable by team and worker, exportable as CSV or Excel; every view and export audited."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from csc_scorecard.lists.subjects import unknown_subject
from csc_scorecard.model.periods import Quarter
from csc_scorecard.report.facts import figure_id
from csc_scorecard.web.app import Web
from csc_scorecard.web.quoting import quoted
from csc_scorecard.web.routes.common import (
    XLSX,
    Manager,
    attachment,
    export_format,
    export_name,
    known_measure,
    team_for,
    web_of,
    worker_for,
)

if TYPE_CHECKING:
    import pyarrow as pa

router = APIRouter()


@router.get("/measures/{measure_id}/children")
def children(
    request: Request,
    measure_id: str,
    session: Manager,
    period: str | None = None,
    team: str | None = None,
    worker: str | None = None,
    format: str | None = None,
) -> Response:
    """The drill-down: the rows behind the numerator and denominator, filterable, exportable."""
    from csc_scorecard.measures.members import NoMembers, about, totals

    web = web_of(request)
    known_measure(measure_id)
    quarter = web.data.quarter(period)
    export_format(format)
    team = team_for(session, team, "the children and workers")
    with web.data.store() as db:
        refusal = unknown_subject(
            db, web.data.la_code(), team or None, worker or None,
            team_names=False, labels=("team", "worker"), quote=quoted,
        )  # fmt: skip
        if refusal:  # an empty drill-down for a mistyped worker reads as "none of theirs"
            raise LookupError(f"{refusal}.")
        worker_for(session, db, web.data.la_code(), worker, "the children and workers")
    try:
        table = web.data.members(quarter, measure_id, team=team or None, worker=worker or None)
    except NoMembers as why:
        raise LookupError(f"No drill-down for this measure: {why}.") from None
    meta = about(table)
    target = f"{measure_id} {quarter} team={team or '*'} worker={worker or '*'}"
    if format:
        web.audit(request, session, f"export_children_{format}", target, rows=table.num_rows)
        return _export(table, export_name(measure_id, team, worker, str(quarter)), format)
    web.audit(request, session, "view_children", target, rows=table.num_rows)
    numerator, denominator = totals(table)
    note = None
    if not table.num_rows:  # no rows: what the measure page says of the figure, not silence
        figure = web.data.context(quarter, False).figures.get(figure_id(measure_id, quarter))
        note = figure.reason if figure else None
    columns = [
        "subject_id",
        *(c for c in table.column_names if c not in ("la_code", "period", "subject_id")),
    ]
    shown, rows_html = _first_rows(web, quarter, measure_id, team, worker, table, columns)
    data = {
        "measure": measure_id,
        "title": meta.get("title"),
        "period": str(quarter),
        "label": quarter.label,
        "about": meta,
        "team": team,
        "worker": worker,
        "teams": _teams(web, quarter, measure_id) if session.user.at_least("analyst") else [team],
        "rows": table.num_rows,
        "numerator": numerator,
        "denominator": denominator,
        "note": note,
        # the child (or worker) first, as each row's header; the authority and quarter are above
        "columns": columns,
        "members": shown,
    }
    return web.page(request, "children.html", data, session, extra={"rows_html": rows_html})


def _teams(web: Web, quarter: Quarter, measure_id: str) -> list[str]:
    """The teams the measure counted rows for (the page's team filter)."""
    return web.data.cached(
        "member_teams",
        (str(quarter), measure_id),
        lambda: sorted({t for t in web.data.members(quarter, measure_id)["team"].to_pylist() if t}),
    )


def _first_rows(
    web: Web,
    quarter: Quarter,
    measure_id: str,
    team: str | None,
    worker: str | None,
    table: pa.Table,
    columns: list[str],
) -> tuple[list[dict[str, Any]], Markup]:
    """The first 1,000 rows, and their table rows rendered once (per load history)."""

    def build() -> tuple[list[dict[str, Any]], Markup]:
        rows = table.slice(0, 1000).to_pylist()
        html = web.templates.env.get_template("_member_rows.html").render(
            columns=columns, members=rows
        )
        return rows, Markup(html)

    return web.data.cached(
        "member_rows", (str(quarter), measure_id, team or None, worker or None), build
    )


def _export(table: pa.Table, stem: str, fmt: str) -> Response:
    from csc_scorecard.csv_safety import write_arrow_csv
    from csc_scorecard.measures.members import write_xlsx

    if fmt == "csv":
        return attachment((write_arrow_csv(table) or "").encode("utf-8"), "text/csv", f"{stem}.csv")
    buffer = io.BytesIO()
    write_xlsx(table, buffer)
    return attachment(buffer.getvalue(), XLSX, f"{stem}.{fmt}")
