"""Measures for an authority and periods, with status, rating, direction and comparators.

This is the one place the measure engine, data-quality availability, manual values, the
framework rating and the published comparators meet; the CLI, the report and the dashboard
all read its output, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from csc_scorecard.measures.availability import not_reportable
from csc_scorecard.measures.availability import queries as quality_queries
from csc_scorecard.measures.catalogue import Measure, catalogue
from csc_scorecard.measures.catalogue import measure as catalogue_measure
from csc_scorecard.measures.context import Context, Settings
from csc_scorecard.measures.data_dates import CutShort, counted_to, data_to_words
from csc_scorecard.measures.duckdb_backend import DuckDB
from csc_scorecard.measures.engine import compute
from csc_scorecard.model.periods import Quarter, parse_period
from csc_scorecard.store import ManualValue, Store


@dataclass
class MeasureRun:
    """Every value for the requested periods, plus the earlier periods used for direction."""

    la_code: str
    periods: list[Quarter]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def value(
        self, measure: str, period: str | Quarter, dimension: str | None = None
    ) -> dict | None:
        for r in self.rows:
            if (
                r["measure"] == measure
                and r["period"] == str(period)
                and r["dimension"] == dimension
            ):
                return r
        return None

    def table(self) -> pa.Table:
        wanted = {str(q) for q in self.periods}
        return pa.Table.from_pylist([r for r in self.rows if r["period"] in wanted])


def run_measures(
    store: Store,
    la_code: str,
    periods: list[Quarter],
    *,
    measures: list[str] | None = None,
    settings: Settings | None = None,
    backend: Any = None,
) -> MeasureRun:
    """Compute the measures for the periods and the quarters before and a year before them.

    This always computes; readers of the store use ``results.measure_run``, which keeps the
    results in the store and computes only what is missing or out of date.
    """

    def count(ids: list[str], quarters: list[Quarter]) -> list[dict[str, Any]]:
        return counted_rows(
            store, [la_code], quarters, ids, settings or Settings(), backend=backend
        )

    return assemble_run(store, la_code, periods, measures, count)


def assemble_run(
    store: Store,
    la_code: str,
    periods: list[Quarter],
    measures: list[str] | None,
    count: Callable[[list[str], list[Quarter]], list[dict[str, Any]]],
) -> MeasureRun:
    """A run of the measures (default: the catalogue) over the periods and the quarters
    before and a year before them: counted measures from ``count(ids, quarters)``, manual
    measures from the store's manual values."""
    chosen = [catalogue_measure(m) for m in measures] if measures else list(catalogue().values())
    needed = needed_quarters(periods)
    counted = [m.id for m in chosen if not m.manual]
    rows = count(counted, needed) if counted else []
    rows.extend(manual_rows(store, la_code, needed, [m for m in chosen if m.manual]))
    return MeasureRun(la_code=la_code, periods=list(periods), rows=rows)


def needed_quarters(periods: list[Quarter]) -> list[Quarter]:
    """The periods with the quarter before and the same quarter a year before each."""
    return sorted({q for p in periods for q in (p, p.previous(), p.same_quarter_last_year())})


def counted_rows(
    store: Store,
    la_codes: list[str],
    quarters: list[Quarter],
    measures: list[str],
    settings: Settings,
    *,
    backend: Any = None,
    spans: dict[str, tuple | None] | None = None,
) -> list[dict[str, Any]]:
    """Counted (not manual) measures for the authorities and quarters, with status and reason
    (``spans``: what `Store.coverage` gives for each authority, when the caller has it)."""
    spans = spans if spans is not None else {la: store.coverage(la) for la in la_codes}
    counted = quarters
    if len(la_codes) == 1:  # a quarter the authority's data end inside: counted to that day
        counted = counted_to(quarters, spans.get(la_codes[0]))
    ctx = Context(backend or DuckDB(store.con), list(la_codes), counted, settings)
    by_id = catalogue()
    blocked: dict[tuple[str, str, str], str] = {}
    with ctx.session():  # the measures and their quality checks run together, once each
        rows = compute(ctx, measures, beside=quality_queries(ctx, [by_id[i] for i in measures]))
        rows = rows.to_pylist()
        for m in (by_id[i] for i in measures):
            if m.fields:
                for (la, period), reason in not_reportable(ctx, m).items():
                    blocked[(m.id, la, period)] = reason
    inside: dict[tuple[str, str], bool] = {}  # (la, period): do the loads cover it
    cut = {str(q): q.end for q in counted if isinstance(q, CutShort)}
    for r in rows:
        m = by_id[r["measure"]]
        reason = blocked.get((m.id, r["la_code"], r["period"]))
        span = spans.get(r["la_code"])
        if (r["la_code"], r["period"]) not in inside:
            q = parse_period(r["period"])
            inside[(r["la_code"], r["period"])] = span is not None and _overlaps(q, span)
        outside = not inside[(r["la_code"], r["period"])]
        if outside:  # no loaded data covers the quarter: a 0 here would be presented as real
            r.update({k: None for k in ("value", "numerator", "denominator") if k in r})
            r["status"], r["reason"] = "not_available", _outside_reason(span, r["la_code"])
        elif reason:
            r["status"], r["reason"] = "not_reportable", reason
        elif r["value"] is None:
            r["status"], r["reason"] = "not_available", _no_data_reason(m)
        else:
            r["status"], r["reason"] = "ok", None
        if not outside and r["period"] in cut:  # says it is counted to the extraction
            note = data_to_words(cut[r["period"]])
            r["reason"] = f"{r['reason']} ({note})" if r["reason"] else note
        r["title"], r["unit"], r["source"] = m.title, m.unit, "case data"
    return rows


def _overlaps(q: Quarter, span: tuple) -> bool:
    return q.start <= span[1] and q.end >= span[0]


def _outside_reason(span: tuple | None, la_code: str) -> str:
    if span is None:
        return (
            f"no dated data is loaded for LA {la_code} (only reference data, or loads whose "
            "rows carry no date), so nothing covers the period"
        )
    return f"outside the loaded data, which cover {span[0]:%d/%m/%Y} to {span[1]:%d/%m/%Y}"


def _no_data_reason(m: Measure) -> str:
    return "no records in the period to count" if m.unit != "count" else "no data"


def manual_rows(
    store: Store, la_code: str, quarters: list[Quarter], manual: list[Measure]
) -> list[dict]:
    """Manual measures from the manual_values table (youth justice, Ofsted grades, ...)."""
    if not manual:
        return []
    found = {(v.measure, v.period): v for v in store.manual_values(la_code)}
    rows = []
    for m in manual:
        for q in quarters:
            start, end = q.window(m.period_type)
            v = found.get((m.id, str(q))) or ManualValue.absent(m.id, str(q))
            rows.append(
                {
                    "la_code": la_code,
                    "measure": m.id,
                    "period": str(q),
                    "dimension": None,
                    "value": v.value,
                    "numerator": v.numerator,
                    "denominator": v.denominator,
                    "window_start": start,
                    "window_end": end,
                    "status": v.status,
                    "reason": v.reason,
                    "title": m.title,
                    "unit": m.unit,
                    "source": v.source_text,
                    "commentary": v.commentary,
                }
            )
    return rows
