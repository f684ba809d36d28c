"""A manager is held to their own team: a list or drill-down for a worker of another team was
an empty page (0 rows, read as "this worker has no overdue cases"); it is refused (403 naming
why), audited as other refusals are, while their own team's workers are answered."""

from __future__ import annotations

import pytest
import report_fixtures as rf
from markupsafe import escape
from web_fixtures import client_for, dashboard

pytest.importorskip("csc_scorecard.lists", reason="the operational lists")

ON = "2022-06-30"
MEASURE = "assessments_within_45_working_days"


def _workers(own: str) -> tuple[str, str]:
    """A worker the store names with the manager's team, and one it never does."""
    from csc_scorecard.store import Store

    with Store(rf.store_path(), read_only=True) as db:
        mine, theirs = db.con.execute(
            """SELECT min(worker_id) FILTER (WHERE team_id = $t),
                      min(worker_id) FILTER (WHERE worker_id NOT IN (
                          SELECT worker_id FROM worker_posts WHERE team_id = $t
                          UNION ALL SELECT worker_id FROM case_allocations WHERE team_id = $t))
               FROM worker_posts WHERE la_code = $la""",
            {"t": own, "la": rf.LA},
        ).fetchall()[0]
    return mine, theirs


@pytest.mark.parametrize(
    "path, what",
    [
        (f"/lists/overdue-visits?date={ON}", "the lists"),
        (f"/lists/overdue-visits?date={ON}&format=csv", "the lists"),
        (f"/measures/{MEASURE}/children?period={rf.PERIOD}", "the children and workers"),
    ],
)
def test_a_manager_asking_for_another_teams_worker_is_refused(path, what):
    app, _, own, _ = dashboard()
    mine, theirs = _workers(own)
    manager = client_for(app, "manager")
    state = app.state.web.state
    before = len(state.audit_rows(action="access_refused"))
    refused = manager.get(f"{path}&worker={theirs}")
    why = (
        f"Managers see {what} of their own team only: the store names worker '{theirs}' in no "
        f"post, case or event of team '{own}'."
    )
    assert refused.status_code == 403
    assert str(escape(why)) in refused.text
    rows = state.audit_rows(action="access_refused")
    assert len(rows) == before + 1 and rows[0]["detail"] == why
    assert manager.get(f"{path}&worker={mine}").status_code == 200
    assert client_for(app, "analyst").get(f"{path}&worker={theirs}").status_code == 200
