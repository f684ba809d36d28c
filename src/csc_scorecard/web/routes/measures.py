"""The overview and a measure's page (its figure, trend chart and the analysts' commentary),
and commentary edits."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from csc_scorecard.web import views
from csc_scorecard.web.app import BadRequest, Web, wants_json
from csc_scorecard.web.routes.common import (
    Analyst,
    Viewer,
    known_measure,
    publication_for,
    quarter_options,
    web_of,
)
from csc_scorecard.web.state import CommentaryEdit

router = APIRouter()


@router.get("/")
def overview(request: Request, session: Viewer, period: str | None = None) -> Response:
    web = web_of(request)
    quarter = web.data.quarter(period)
    context = web.data.context(quarter, publication_for(session))
    data = dict(  # page data kept per load history: a request only renders it
        web.data.cached(
            "overview",
            (str(quarter), publication_for(session)),
            lambda: views.overview(context, str(web.data.quarters()[0])),
        )
    )
    data["quarters"] = quarter_options(web)
    return web.page(request, "overview.html", data, session)


@router.get("/measures/{measure_id}")
def measure_page(
    request: Request, measure_id: str, session: Viewer, period: str | None = None
) -> Response:
    web = web_of(request)
    known_measure(measure_id)
    quarter = web.data.quarter(period)
    context = web.data.context(quarter, publication_for(session))
    data = dict(
        web.data.cached(
            "measure_page",
            (str(quarter), publication_for(session), measure_id),
            lambda: views.measure(context, measure_id),
        )
    )
    data["quarters"] = quarter_options(web)
    if not publication_for(session):
        data["commentary"] = _commentary(web, measure_id, str(quarter))
    chart = web.data.cached(
        "chart",
        (str(quarter), measure_id, publication_for(session)),
        lambda: views.trend_chart(context, measure_id),
    )
    extra = {"chart": chart, "can_edit": session.user.at_least("analyst")}
    data["chart"] = {"alt_text": chart.alt_text, "key": views.chart_key(chart)} if chart else None
    return web.page(request, "measure.html", data, session, extra=extra)


def _commentary(web: Web, measure_id: str, period: str) -> dict[str, Any]:
    """The measure's current commentary for the quarter and every edit of it, newest first."""
    history = web.state.commentary_history(web.data.la_code(), measure_id, period)
    return {
        "current": _edit(history[0]) if history else None,
        "history": [_edit(h) for h in history],
    }


def _edit(e: CommentaryEdit) -> dict[str, Any]:
    return {"text": e.text, "author": e.author, "at": e.at}


@router.post("/measures/{measure_id}/commentary")
def edit_commentary(
    request: Request,
    measure_id: str,
    session: Analyst,
    period: Annotated[str, Form()],
    commentary: Annotated[str, Form()] = "",
) -> Response:
    web = web_of(request)
    known_measure(measure_id)
    quarter = web.data.quarter(period)
    text = " ".join(commentary.split())
    if not text:
        raise BadRequest("Commentary cannot be blank: write what the figure means and why.")
    if len(text) > 4000:
        raise BadRequest("Commentary is limited to 4,000 characters.")
    web.state.add_commentary(web.data.la_code(), measure_id, str(quarter), text, session.user.name)
    web.audit(
        request,
        session,
        "commentary_edit",
        f"{measure_id} {quarter}",
        detail=f"{len(text)} characters",
    )
    if wants_json(request):
        return web.page(request, "measure.html", {"saved": True}, session)
    return RedirectResponse(f"/measures/{measure_id}?period={quarter}#commentary", status_code=303)
