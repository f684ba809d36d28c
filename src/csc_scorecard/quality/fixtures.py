"""Run rules over a small hand-made input: the tests' (and a curious user's) way in.

    run_on({"cla_episodes": [{"child_id": "A", "decom": date(2023, 5, 1), ...}]}, ["141"])

Rows are canonical rows (tables.yaml columns); each table's rows get `source_row` 1, 2, ... in
the order given, and the whole input is one load of the return for the collection year
`year` (ending 31 March), authority `la_code`. `previous` (tables in the same shape) is last
year's return, for the rules comparing the two; `inputs` the other inputs some rules read
(rules.INPUTS: the Ofsted provider list, as quality.providers reads it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa

from csc_scorecard.model.batch import Issue, LoadBatch
from csc_scorecard.model.schema import ARROW_TYPES, table
from csc_scorecard.quality.rules import Return, get
from csc_scorecard.quality.runner import RuleResult, run_rules
from csc_scorecard.quality.scope import SOURCE_FORMAT
from csc_scorecard.store import Store


def batch(
    tables: dict[str, list[dict[str, Any]]],
    *,
    ret: Return = "ssda903",
    year: int = 2024,
    la_code: str = "371",
    issues: list[Issue] | None = None,
) -> LoadBatch:
    arrow: dict[str, pa.Table] = {}
    for name, rows in tables.items():
        t = table(name)
        types = {c.name: ARROW_TYPES[c.type] for c in t.columns}
        cols = sorted({k for r in rows for k in r}, key=list(types).index)
        data = {c: pa.array([r.get(c) for r in rows], types[c]) for c in cols}
        data["source_row"] = pa.array(range(1, len(rows) + 1), pa.int32())
        arrow[name] = pa.table(data)
    return LoadBatch(
        source_format=SOURCE_FORMAT[ret],
        la_code=la_code,
        period_start=date(year - 1, 4, 1),
        period_end=date(year, 3, 31),
        files=["hand-made"],
        tables=arrow,
        issues=list(issues or []),
    )


def run_on(
    tables: dict[str, list[dict[str, Any]]],
    codes: list[str],
    *,
    ret: Return = "ssda903",
    year: int = 2024,
    issues: list[Issue] | None = None,
    previous: dict[str, list[dict[str, Any]]] | None = None,
    inputs: dict[str, pa.Table] | None = None,
) -> RuleResult:
    with Store(":memory:") as store, Store(":memory:") as last:
        store.load([batch(tables, ret=ret, year=year, issues=issues)])
        if previous is not None:
            last.load([batch(previous, ret=ret, year=year - 1)])
        only = [get(ret, c) for c in codes]
        return run_rules(
            store.con, only=only, previous=last.con if previous else None, inputs=inputs
        )


def flagged(
    tables: dict[str, list[dict[str, Any]]], code: str, **options: Any
) -> set[tuple[str, int]]:
    """{(DfE table, row)} the rule flags on the input."""
    faults = run_on(tables, [code], **options).faults
    return set(
        zip(faults.column("table").to_pylist(), faults.column("row").to_pylist(), strict=True)
    )
