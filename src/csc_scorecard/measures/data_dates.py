"""The dates an authority's loaded data reach (`data_dates`), and the date faults found in them
describe (`data_as_at`): what the daily lists (`lists.dates`), `scorecard quality` and the
report's data-quality section are dated by.

The data's last day is the latest activity date (a table's dated key: a visit's, an episode's,
a referral's date) of the authority's rows within its loads' periods: an annual return's period
runs to 31 March, though a return made in-year stops at its extraction. Here, below the lists
(whose package loads Ibis), so that a report from kept results loads neither Ibis nor sqlglot
(tests/test_report_lean_imports.py).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from csc_scorecard.measures.availability import activity_date
from csc_scorecard.model.schema import tables

if TYPE_CHECKING:
    from csc_scorecard.store import Store


def data_dates(store: Store, la_code: str) -> tuple[date, date] | None:
    """(first, last) day the authority's loaded case and workforce data reach; None when the
    store holds nothing dated for it."""
    span = store.coverage(la_code)
    if span is None:
        return None
    first, reach = span
    case_first, _ = store.case_span(la_code)  # annual returns' start, when there are some
    first = case_first or first
    present = set(store.columns())
    parts = [
        f'SELECT max("{column}") FROM "{t.name}" WHERE la_code = $la AND "{column}" <= $reach'
        for t in tables().values()
        if t.la_scoped and t.name in present and (column := activity_date(t.name))
    ]
    last = None
    if parts:
        query = f"SELECT max(m) FROM ({' UNION ALL '.join(parts)}) AS s(m)"
        last = store.con.execute(query, {"la": la_code, "reach": reach}).fetchall()[0][0]
    return first, min(last or reach, reach)


def data_as_at(store: Store, la_code: str, held: date | None, end: date) -> date | None:
    """The date the data checked as at `held` (the period end of the authority's latest
    returns, `quality.history.as_at`) describe, for a quarter ending `end`: `end` when `held`
    is after it but the data stop by it (in-year returns: their period runs to 31 March, their
    data to the extraction), else the data's last day when they stop before `held` (the data
    held, checked for an earlier quarter none of whose checks was kept), else `held`."""
    if held is None or held <= end:
        return held
    span = data_dates(store, la_code)
    if span is None:
        return held
    return end if span[1] <= end else min(held, span[1])
