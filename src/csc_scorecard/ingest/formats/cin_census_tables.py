"""A CIN census return's raw records typed into its canonical tables: children, referrals,
assessments, section47s, cin_plans, cp_plans and cp_reviews (the engine types every value from
`specs/cin_census.yaml`). Nested records inherit their parents' typed keys (as text, ISO dates
for dates, which the engine reads back to the same values: all-text records are typed a column
at a time, `ingest/columns.py`, where a date object would send every cell through Python); a
child's disabilities and an assessment's factors are joined into one space-separated column.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.ingest.fields import FormatSpec, convert
from csc_scorecard.model.batch import Issue

Record = tuple[int, dict[str, Any], int | None]  # (line, {field: raw}, index of the parent record)


def typed_tables(
    spec: FormatSpec, records: dict[str, list[Record]], file: str
) -> tuple[dict[str, pa.Table], list[Issue]]:
    """The raw records of one return typed into its canonical tables, with the issues the
    values raise. Parents are converted before children, so nested rows inherit typed keys."""
    specs = spec.tables
    issues: list[Issue] = []

    def typed(name: str, inherit=None, *, duplicates: bool = True) -> pa.Table:
        rows = [
            (line, {**fields, **(inherit(parent) if inherit else {})})
            for line, fields, parent in records[name]
        ]
        converted = convert(rows, specs[name], file=file, check_duplicates=duplicates)
        issues.extend(converted.issues)
        return converted.rows

    def parents(name: str) -> list[int]:
        return [parent for _, _, parent in records[name]]

    children = typed("Child")
    child_ids = children.column("child_id").to_pylist()
    disabilities = typed("Disability", lambda p: {"LAchildID": child_ids[p]}, duplicates=False)
    children = children.append_column(
        "disabilities",
        _joined(disabilities.column("disabilities"), parents("Disability"), len(child_ids)),
    )

    episodes = typed("CINdetails", lambda p: {"LAchildID": child_ids[p]})
    episode_child = [child_ids[p] for p in parents("CINdetails")]
    referral_dates = _texts(episodes.column("referral_date"))

    def episode(p: int) -> dict[str, Any]:
        return {"LAchildID": episode_child[p], "CINreferralDate": referral_dates[p]}

    assessments = typed("Assessments", episode)
    assessment_child = assessments.column("child_id").to_pylist()
    factors = typed(
        "AssessmentFactors", lambda p: {"LAchildID": assessment_child[p]}, duplicates=False
    )
    assessments = assessments.append_column(
        "factors",
        _joined(factors.column("factors"), parents("AssessmentFactors"), assessments.num_rows),
    )

    plans = typed("ChildProtectionPlans", episode)
    plan_child = plans.column("child_id").to_pylist()
    plan_start = _texts(plans.column("start_date"))
    reviews = typed(
        "CPPreviewDate", lambda p: {"LAchildID": plan_child[p], "CPPstartDate": plan_start[p]}
    )
    tables = {
        "children": children,
        "referrals": episodes,
        "assessments": assessments,
        "cin_plans": typed("CINPlanDates", episode),
        "section47s": typed("Section47", episode),
        "cp_plans": plans,
        "cp_reviews": reviews,
    }
    return tables, issues


def _texts(values: pa.ChunkedArray) -> list[str | None]:
    """A typed key column as the text the engine reads back to the same values."""
    return pc.cast(values, pa.string()).to_pylist()


def _joined(values: pa.ChunkedArray, parents: list[int], count: int) -> pa.Array:
    """Codes of each parent row, space-separated in file order; NULL when it has none."""
    groups: list[list[str]] = [[] for _ in range(count)]
    for value, parent in zip(values.to_pylist(), parents, strict=True):
        if value is not None:
            groups[parent].append(value)
    return pa.array([" ".join(g) if g else None for g in groups], pa.string())
