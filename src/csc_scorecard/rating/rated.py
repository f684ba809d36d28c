"""A measure run rated under a framework: readings for each framework item, and a tidy table
(la_code, measure, period, value, numerator, denominator, status, rag, direction, comparators)
ready for Power BI.

Every framework item is listed, whichever way it gets its figure: its catalogue measure, a
manual value supplied under the item id (or under a measure id the catalogue does not have),
or none (then with the reason). Two items sharing one measure are two rows. The rating is the
rating layer's one function (``rating.rate_item``, through ``rate_framework``), so this table,
``scorecard rate`` and the report always agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pyarrow as pa

from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.model.periods import Period, parse_period
from csc_scorecard.rating import Framework, FrameworkResult, make_reading, rate_framework
from csc_scorecard.rating.framework import Item
from csc_scorecard.store import Store


def item_source(item: Item, status_of: Callable[[str], str | None]) -> str:
    """Whose figure an item shows in a period: its catalogue measure's when that has a value,
    else a manual value supplied under the item id (a local spreadsheet filling a gap the case
    data leaves), else the measure's (with its reason for having none), else the item id.

    ``status_of(key)`` is the status of the period's headline row for ``key``, or None when
    there is no row. The report (``report/framework_rating.py``) and this table both use this.
    """
    measured = status_of(item.measure) if item.measure else None
    if measured == "ok":
        return item.measure  # type: ignore[return-value]
    if status_of(item.id) is not None:
        return item.id
    return item.measure if measured is not None else item.id  # type: ignore[return-value]


def framework_manual_rows(
    store: Store, la_code: str, framework: Framework, known: Iterable[str], periods: Iterable[str]
) -> list[dict[str, Any]]:
    """Rows (in a measure run's shape) for manual values named by a framework item id, or by an
    item's measure id that is not a catalogue measure (``known``)."""
    wanted: dict[str, Item] = {}
    known = set(known)
    for item in framework.all_items():
        wanted[item.id] = item
        if item.measure and item.measure not in known:
            wanted[item.measure] = item
    periods = set(periods)
    out = []
    for v in store.manual_values(la_code):
        item = wanted.get(v.measure)
        if item is None or v.period not in periods:
            continue
        out.append(
            {
                "la_code": la_code,
                "measure": v.measure,
                "title": item.title,
                "unit": item.unit.value,
                "period": v.period,
                "dimension": None,
                "value": v.value,
                "numerator": v.numerator,
                "denominator": v.denominator,
                "status": v.status,
                "reason": v.reason,
                "source": v.source_text,
                "commentary": v.commentary,
            }
        )
    return out


def _headline(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["measure"], r["period"]): r for r in rows if r["dimension"] is None}


def readings(run: MeasureRun, framework: Framework, extra: Iterable[dict[str, Any]] = ()) -> list:
    """One reading per framework item and computed period (headline values, no breakdowns).

    ``extra`` are further rows, such as ``framework_manual_rows``."""
    rows = _headline([*run.rows, *extra])
    periods = sorted({p for _, p in rows})
    out = []
    # A derived item's operands, except those an item already reads (its measure or id): the
    # rating layer finds those through the item (a second reading would be a second value).
    read = {k for item in framework.all_items() for k in (item.id, item.measure) if k}
    operands = sorted({k for item in framework.all_items() for k in item.operands} - read)
    named = [(item, None) for item in framework.all_items()] + [(None, k) for k in operands]
    for item, operand in named:
        for period in periods:
            r = rows.get((operand or _source(item, rows, period), period))  # type: ignore[arg-type]
            if r is None:
                continue
            status = r["status"] if r["status"] != "ok" else None
            out.append(
                make_reading(
                    operand or item.id,  # type: ignore[union-attr]
                    period,
                    r["value"],
                    numerator=r["numerator"],
                    denominator=r["denominator"],
                    status=status if status in ("not_available", "not_reportable") else None,
                    commentary=r["reason"] if status else r.get("commentary"),
                )
            )
    return out


def _source(item: Item, rows: dict[tuple[str, str], dict[str, Any]], period: str) -> str:
    def status_of(key: str) -> str | None:
        r = rows.get((key, period))
        return r["status"] if r else None

    return item_source(item, status_of)


def rate_run(
    run: MeasureRun,
    framework: Framework,
    period: Period,
    extra: Iterable[dict[str, Any]] = (),
    published: dict[str, dict[str, Any]] | None = None,
) -> FrameworkResult:
    """The framework rated for one period; ``published`` comparators by measure id fill the
    framework's comparators given no value (``rating.rate_framework``)."""
    return rate_framework(
        framework, readings(run, framework, extra), str(period), published=published
    )


COMPARATOR_COLUMNS = (
    "comparator_england",
    "comparator_region",
    "comparator_statistical_neighbours",
    "comparator_year",
)


def comparator_columns(store: Any, run: MeasureRun) -> dict[tuple[str, str], dict[str, Any]]:
    """England, region and statistical-neighbour values per (measure, period), where published:
    the same comparators the report prints (`reference.comparators.latest_comparators`), none
    for counts."""
    try:
        from csc_scorecard.reference.comparators import latest_comparators
    except ImportError:  # reference data not installed in this build
        return {}
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in run.rows:
        key = (r["measure"], r["period"])
        if key in out or r["dimension"] is not None:
            continue
        found = latest_comparators(store, r["measure"], run.la_code, parse_period(r["period"]).end)
        out[key] = {
            "comparator_england": found.get("england"),
            "comparator_region": found.get("region"),
            "comparator_statistical_neighbours": found.get("statistical_neighbours"),
            "comparator_year": found.get("year"),
        }
    return out


def tidy(
    store: Any,
    run: MeasureRun,
    framework: Framework | None = None,
    extra: Iterable[dict[str, Any]] = (),
    only: Iterable[str] | None = None,
) -> pa.Table:
    """One row per measure, period and breakdown; with a framework, one row per framework item
    and period too (an item's row carries its figure, target, RAG and direction). ``only``
    limits the framework items to those of these measures (``scorecard measures --measure``)."""
    only = set(only) if only is not None else None
    comparators = comparator_columns(store, run)
    wanted = {str(q) for q in run.periods}
    extra = list(extra)
    used: set[tuple[str, str]] = set()
    rows = []
    if framework:
        headline = _headline([*run.rows, *extra])
        for q in run.periods:
            published = {
                m: {c.removeprefix("comparator_"): v for c, v in found.items()}
                for (m, p), found in comparators.items()
                if p == str(q)
            }
            for group in rate_run(run, framework, q, extra, published).groups:
                for item in group.items:
                    spec = framework.item(item.id)
                    key = _source(spec, headline, str(q))
                    if only is not None and spec.measure not in only:
                        continue
                    r = headline.get((key, str(q)))
                    used.add((key, str(q)))
                    key = key if r is not None else spec.measure or spec.id
                    rows.append(_row(r, item, key, str(q), run.la_code, comparators))
    for r in run.rows:
        if r["period"] in wanted and (
            r["dimension"] is not None or (r["measure"], r["period"]) not in used
        ):
            rows.append(_row(r, None, r["measure"], r["period"], run.la_code, comparators))
    return pa.Table.from_pylist(rows)


def _row(
    r: dict[str, Any] | None,
    item: Any,
    measure: str,
    period: str,
    la_code: str,
    comparators: dict[tuple[str, str], dict[str, Any]],
) -> dict[str, Any]:
    if r is None and item is not None and item.value is not None:
        # No stored row: a derived item, whose figure the rating layer worked out.
        r = {
            "value": item.value,
            "numerator": item.numerator,
            "denominator": item.denominator,
            "status": "ok",
            "reason": None,
        }
    r = r or {}
    return {
        "la_code": la_code,
        "measure": measure,
        "title": r.get("title") or (item.title if item else None),
        "unit": r.get("unit") or (item.unit.value if item else None),
        "period": period,
        "dimension": r.get("dimension"),
        "value": r.get("value"),
        "numerator": r.get("numerator"),
        "denominator": r.get("denominator"),
        # The window the figure counts over (a quarter, six months, a year to date...).
        "window_start": r.get("window_start"),
        "window_end": r.get("window_end"),
        "status": r.get("status") or "not_available",
        "source": r.get("source"),
        "reason": r.get("reason") if r else (item.reason if item else None),
        "framework_item": item.id if item else None,
        "target": item.target_display if item else None,
        # A relative or incremental target in words ("an additional 800 on a year earlier").
        "target_rule": item.target_rule if item else None,
        "rated_value": item.value if item else None,
        "rag": (item.rag.value if item and item.rag else None),
        "direction": _direction(item.vs_previous) if item else None,
        "direction_year": _direction(item.vs_year_earlier) if item else None,
        **comparators.get((measure, period), dict.fromkeys(COMPARATOR_COLUMNS)),
    }


def _direction(comparison: Any) -> str | None:
    return comparison.direction.value if comparison.direction else None
