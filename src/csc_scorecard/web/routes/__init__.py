"""The dashboard's routes, one module (and one `APIRouter`) an area, each route a few lines
over `data` (store reads) and `views` (page data); `register` adds them all to the app.

Roles (docs/dashboard.md): viewer < manager < analyst < admin, each with everything below it.
A viewer sees aggregate pages as published (small counts suppressed) and publication reports;
a manager also the teams and the children and workers of their own team; an analyst every
drill-down, commentary, uploads and internal reports; an admin also users and the audit log.

* `signin`: signing in (password or single sign-on) and out;
* `measures`: the overview, a measure's page and its commentary;
* `children`: the drill-down to the children and workers behind a measure, and its exports;
* `lists`: the operational lists and their exports;
* `teams`: the teams, one team's workers and its part of the measures;
* `quality`: the data-quality page and fix list;
* `loads`: the load history and uploads;
* `reports`: building and downloading reports;
* `admin`: the audit log and the users;
* `common`: what they share (the roles, a manager's own team, exports).
"""

from __future__ import annotations

from fastapi import FastAPI

from csc_scorecard.web.routes import (
    admin,
    children,
    lists,
    loads,
    measures,
    quality,
    reports,
    signin,
    teams,
)

AREAS = (signin, measures, children, lists, teams, quality, loads, reports, admin)


def register(app: FastAPI) -> None:
    for area in AREAS:
        app.include_router(area.router)
