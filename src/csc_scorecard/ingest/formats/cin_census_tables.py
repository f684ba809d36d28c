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

from csc_scorecard.ingest import fields
from csc_scorecard.ingest.columns import cells_of, convert_columns
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

    def typed(
        name: str, inherit: dict[str, list] | None = None, *, duplicates: bool = True
    ) -> pa.Table:
        """`convert` of the records, each with its parent's values of `inherit`'s fields
        (field -> value per parent record). Enough records go to the column engine as
        `convert` would send them (every cell text), the inherited fields added as columns
        rather than merged into a dict per record."""
        own = records[name]
        if inherit and len(own) >= fields.COLUMNAR_FROM_ROWS:
            cells = cells_of([(line, values) for line, values, _ in own])
            at = [parent for _, _, parent in own]
            for field, by_parent in inherit.items():
                cells = cells.append_column(
                    field, pa.array([by_parent[p] for p in at], pa.string())
                )
            converted = convert_columns(cells, specs[name], file=file, check_duplicates=duplicates)
        else:
            rows = [
                (line, {**values, **{k: v[parent] for k, v in (inherit or {}).items()}})
                for line, values, parent in own
            ]
            converted = convert(rows, specs[name], file=file, check_duplicates=duplicates)
        issues.extend(converted.issues)
        return converted.rows

    def parents(name: str) -> list[int]:
        return [parent for _, _, parent in records[name]]

    children = typed("Child")
    child_ids = children.column("child_id").to_pylist()
    disabilities = typed("Disability", {"LAchildID": child_ids}, duplicates=False)
    children = children.append_column(
        "disabilities",
        _joined(disabilities.column("disabilities"), parents("Disability"), len(child_ids)),
    )

    episodes = typed("CINdetails", {"LAchildID": child_ids})
    episode_child = [child_ids[p] for p in parents("CINdetails")]
    referral_dates = _texts(episodes.column("referral_date"))

    episode = {"LAchildID": episode_child, "CINreferralDate": referral_dates}

    assessments = typed("Assessments", episode)
    assessment_child = assessments.column("child_id").to_pylist()
    factors = typed("AssessmentFactors", {"LAchildID": assessment_child}, duplicates=False)
    assessments = assessments.append_column(
        "factors",
        _joined(factors.column("factors"), parents("AssessmentFactors"), assessments.num_rows),
    )

    plans = typed("ChildProtectionPlans", episode)
    plan_child = plans.column("child_id").to_pylist()
    plan_start = _texts(plans.column("start_date"))
    reviews = typed("CPPreviewDate", {"LAchildID": plan_child, "CPPstartDate": plan_start})
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
