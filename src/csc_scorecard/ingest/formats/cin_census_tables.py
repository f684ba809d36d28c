"""A CIN census return's raw records typed into its canonical tables: children, referrals,
assessments, section47s, cin_plans, cp_plans and cp_reviews (the engine types every value from
`specs/cin_census.yaml`). Nested records inherit their parents' typed keys (as text, ISO dates
for dates, which the engine reads back to the same values: all-text records are typed a column
at a time, `ingest/columns.py`, where a date object would send every cell through Python); a
child's disabilities and an assessment's factors are joined into one space-separated column.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.ingest import fields
from csc_scorecard.ingest.columns import cells_of, convert_columns
from csc_scorecard.ingest.fields import FormatSpec, convert
from csc_scorecard.model.batch import Issue

Record = tuple[int, dict[str, Any], int | None]  # (line, {field: raw}, index of the parent record)


@dataclass(frozen=True)
class Cells:
    """A table's raw records as text columns (`columns.cells_of`'s form: a column per field,
    NULL where a record gives none, and `source_row`) and each one's parent record (None for
    children), as `cin_census_shape` reads them."""

    cells: pa.Table
    parents: np.ndarray | None

    def __len__(self) -> int:
        return self.cells.num_rows

    def records(self) -> list[tuple[int, dict[str, Any]]]:
        """(line, {field: raw}) a record, each with the fields it gives."""
        names = [n for n in self.cells.column_names if n != "source_row"]
        columns = [self.cells.column(n).to_pylist() for n in names]
        return [
            (line, {n: v for n, v in zip(names, row, strict=True) if v is not None})
            for line, *row in zip(self.cells.column("source_row").to_pylist(), *columns)
        ]


def typed_tables(
    spec: FormatSpec, records: dict[str, list[Record] | Cells], file: str
) -> tuple[dict[str, pa.Table], list[Issue]]:
    """The raw records of one return typed into its canonical tables, with the issues the
    values raise. Parents are converted before children, so nested rows inherit typed keys.
    A table's records are the walk's (a dict a record) or `Cells` (columns already)."""
    specs = spec.tables
    issues: list[Issue] = []

    def typed(
        name: str, inherit: dict[str, pa.ChunkedArray] | None = None, *, duplicates: bool = True
    ) -> pa.Table:
        """`convert` of the records, each with its parent's values of `inherit`'s fields
        (field -> text per parent record). Enough records go to the column engine as
        `convert` would send them (every cell text), the inherited fields taken from the
        parents' columns by index rather than merged into a dict per record."""
        own = records[name]
        shaped = isinstance(own, Cells)
        inherited = {}
        if inherit:
            at = pa.array(parents(name), pa.int64())
            inherited = {field: by_parent.take(at) for field, by_parent in inherit.items()}
        # `convert` types enough all-text records a column at a time, as here
        if (inherit or shaped) and len(own) >= fields.COLUMNAR_FROM_ROWS:
            cells = own.cells if shaped else cells_of(own)
            for field, column in inherited.items():
                cells = cells.append_column(field, column)
            converted = convert_columns(cells, specs[name], file=file, check_duplicates=duplicates)
        else:
            lists = {field: column.to_pylist() for field, column in inherited.items()}
            rows = [
                (line, {**values, **{k: v[i] for k, v in lists.items()}} if lists else values)
                for i, (line, values, *_) in enumerate(own.records() if shaped else own)
            ]
            converted = convert(rows, specs[name], file=file, check_duplicates=duplicates)
        issues.extend(converted.issues)
        return converted.rows

    def parents(name: str) -> list[int]:
        own = records[name]
        if isinstance(own, Cells):
            return own.parents.tolist()
        return list(map(itemgetter(2), own))

    def of_parents(name: str, values: pa.ChunkedArray) -> pa.ChunkedArray:
        return values.take(pa.array(parents(name), pa.int64()))

    children = typed("Child")
    child_ids = _texts(children.column("child_id"))
    disabilities = typed("Disability", {"LAchildID": child_ids}, duplicates=False)
    children = children.append_column(
        "disabilities",
        _joined(disabilities.column("disabilities"), parents("Disability"), len(child_ids)),
    )

    episodes = typed("CINdetails", {"LAchildID": child_ids})
    episode = {
        "LAchildID": of_parents("CINdetails", child_ids),
        "CINreferralDate": _texts(episodes.column("referral_date")),
    }

    assessments = typed("Assessments", episode)
    factors = typed(
        "AssessmentFactors", {"LAchildID": _texts(assessments.column("child_id"))}, duplicates=False
    )
    assessments = assessments.append_column(
        "factors",
        _joined(factors.column("factors"), parents("AssessmentFactors"), assessments.num_rows),
    )

    plans = typed("ChildProtectionPlans", episode)
    reviews = typed(
        "CPPreviewDate",
        {
            "LAchildID": _texts(plans.column("child_id")),
            "CPPstartDate": _texts(plans.column("start_date")),
        },
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


def _texts(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """A typed key column as the text the engine reads back to the same values."""
    return pc.cast(values, pa.string())


def _joined(values: pa.ChunkedArray, parents: list[int], count: int) -> pa.Array:
    """Codes of each parent row, space-separated in file order; NULL when it has none. Arrow
    joins them (a list per parent, its codes in file order by a stable sort on the parent),
    not a Python loop over every code."""
    given = values.combine_chunks()
    present = given.is_valid().to_numpy(zero_copy_only=False)
    owner = np.asarray(parents, dtype=np.int64)[present]
    order = np.argsort(owner, kind="stable")
    counts = np.bincount(owner, minlength=count)
    offsets = pa.array(np.concatenate(([0], np.cumsum(counts))), pa.int32())
    codes = pa.ListArray.from_arrays(offsets, given.filter(present).take(order))
    joined = pc.binary_join(codes, " ")
    return pc.if_else(pa.array(counts > 0), joined, pa.scalar(None, pa.string()))
