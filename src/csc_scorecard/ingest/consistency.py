"""Data-quality issues a load's rows raise against what the store already holds.

A value can be valid on its own and still be contradicted by other rows of the store: a child
protection plan recorded with NumberOfPreviousCPP = 0 while the store holds an earlier plan of
the same child. The measures use the recorded value (as DfE does: its repeat-plan rate counts
the NumberOfPreviousCPP recorded, standards.md 5.2), so the contradiction is recorded as a
data-quality issue of the load that brought the row, for the authority to correct at source,
never silently replaced by the store's count (issue 18).

`Store.load` calls `issues_against_store` after merging a batch's rows and before writing its
issues, so these land in `dq_issues` with the load's other issues and go when it is reloaded.
"""

from __future__ import annotations

import duckdb

from csc_scorecard.model.batch import Issue, LoadBatch

PREVIOUS_PLANS_RULE = "previous_plans_contradicted"


def issues_against_store(
    con: duckdb.DuckDBPyConnection, batch: LoadBatch, load_id: int
) -> list[Issue]:
    """The issues the batch's rows (already merged, stored under `load_id`) raise."""
    if "cp_plans" not in batch.tables:
        return []
    return _previous_plans(con, batch, load_id)


def _previous_plans(con: duckdb.DuckDBPyConnection, batch: LoadBatch, load_id: int) -> list[Issue]:
    """Plans of this load whose recorded NumberOfPreviousCPP is below the number of earlier
    plans (started strictly before) of the same child the store holds. A count above the store's
    is not a contradiction (plans in another authority, or before the store's history); a blank
    count is a DfE validation fault of its own and the measures fall back on the store there."""
    rows = con.execute(
        """SELECT n.child_id, n.previous_plans, n.source_row, count(*) AS earlier
           FROM cp_plans n JOIN cp_plans o
             ON o.la_code IS NOT DISTINCT FROM n.la_code AND o.child_id = n.child_id
            AND o.start_date < n.start_date
           WHERE n.load_id = ? AND n.previous_plans IS NOT NULL
           GROUP BY ALL
           HAVING count(*) > n.previous_plans
           ORDER BY n.source_row NULLS LAST, n.child_id""",
        [load_id],
    ).fetchall()
    file = batch.files[0] if len(batch.files) == 1 else None
    return [
        Issue(
            rule=PREVIOUS_PLANS_RULE,
            message=(
                f"NumberOfPreviousCPP is {recorded} but the store holds {earlier} earlier "
                f"plan{'' if earlier == 1 else 's'} for this child; the measures use the "
                "recorded count: correct it at source"
            ),
            table="cp_plans",
            file=file,
            row=source_row,
            child_id=child_id,
            field="NumberOfPreviousCPP",
            value=str(recorded),
            severity="warning",
            column="previous_plans",
        )
        for child_id, recorded, source_row, earlier in rows
    ]
