"""A measure run rated under a framework: readings for each framework item, and a tidy table
(la_code, measure, period, value, numerator, denominator, status, rag, direction, comparators)
ready for Power BI."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from csc_scorecard.measures.periods import Quarter
from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.rating import Framework, FrameworkResult, make_reading, rate_framework


def readings(run: MeasureRun, framework: Framework) -> list:
    """One reading per framework item and computed period (headline values, no breakdowns)."""
    out = []
    for item in framework.all_items():
        if not item.measure:
            continue
        for r in run.rows:
            if r["measure"] != item.measure or r["dimension"] is not None:
                continue
            status = r["status"] if r["status"] != "ok" else None
            out.append(
                make_reading(
                    item.id,
                    r["period"],
                    r["value"],
                    numerator=r["numerator"],
                    denominator=r["denominator"],
                    status=status,
                    commentary=r["reason"] if status else r.get("commentary"),
                )
            )
    return out


def rate_run(run: MeasureRun, framework: Framework, period: Quarter) -> FrameworkResult:
    return rate_framework(framework, readings(run, framework), str(period))


def comparator_columns(store: Any, run: MeasureRun) -> dict[tuple[str, str], dict[str, Any]]:
    """England, region and statistical-neighbour values per (measure, period), where published."""
    try:
        from csc_scorecard.reference.comparators import comparator_values
    except ImportError:  # reference data not installed in this build
        return {}
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in run.rows:
        key = (r["measure"], r["period"])
        if key in out or r["dimension"] is not None:
            continue
        year = Quarter.parse(r["period"]).year  # latest published year ending 31 March before it
        try:
            found = comparator_values(store, r["measure"], run.la_code, year) or {}
        except KeyError:  # DfE publishes no comparable figure for this measure
            found = {}
        out[key] = {
            "comparator_england": found.get("england"),
            "comparator_region": found.get("region"),
            "comparator_statistical_neighbours": found.get("statistical_neighbours"),
            "comparator_year": found.get("year"),
        }
    return out


def tidy(store: Any, run: MeasureRun, framework: Framework | None = None) -> pa.Table:
    rated: dict[tuple[str, str], Any] = {}
    if framework:
        for q in run.periods:
            for group in rate_run(run, framework, q).groups:
                for item in group.items:
                    rated[(item.measure, item.period)] = item
    comparators = comparator_columns(store, run)
    rows = []
    wanted = {str(q) for q in run.periods}
    for r in run.rows:
        if r["period"] not in wanted:
            continue
        item = rated.get((r["measure"], r["period"])) if r["dimension"] is None else None
        rows.append(
            {
                "la_code": r["la_code"],
                "measure": r["measure"],
                "title": r["title"],
                "unit": r["unit"],
                "period": r["period"],
                "dimension": r["dimension"],
                "value": r["value"],
                "numerator": r["numerator"],
                "denominator": r["denominator"],
                "status": r["status"],
                "reason": r["reason"],
                "framework_item": item.id if item else None,
                "target": item.target_display if item else None,
                "rag": (item.rag.value if item and item.rag else None),
                "direction": _direction(item.vs_previous) if item else None,
                "direction_year": _direction(item.vs_year_earlier) if item else None,
                **comparators.get((r["measure"], r["period"]), {}),
            }
        )
    return pa.Table.from_pylist(rows)


def _direction(comparison: Any) -> str | None:
    return comparison.direction.value if comparison.direction else None
