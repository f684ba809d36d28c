"""The dates an authority's loaded data reach (`data_dates`): what the daily lists
(`lists.dates`) and the drill-downs are dated by; and a quarter the data end inside
(`CutShort`).

The data's last day is the latest activity date (a table's dated key: a visit's, an episode's,
a referral's date) of the authority's rows within its loads' periods: an annual return's period
runs to 31 March, though a return made in-year stops at its extraction. Here, below the lists
(whose package loads Ibis), so that a report from kept results loads neither Ibis nor sqlglot
(tests/test_report_lean_imports.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from csc_scorecard.measures.availability import activity_date
from csc_scorecard.model.periods import Quarter
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


@dataclass(frozen=True, order=True)
class CutShort(Quarter):
    """A quarter the authority's data end inside (an in-year return extracted before the
    quarter's last day): named and labelled as the quarter, its windows ending on the day the
    data end (`data_end`), so a figure is counted to the extraction, not to a quarter end the
    data never reach."""

    data_end: date = date.min

    @property
    def end(self) -> date:
        return self.data_end


def cut_short(period: Quarter, span: tuple[date, date] | None) -> date | None:
    """The day the data end inside the quarter when the span the authority's loads cover
    (`Store.coverage`, to the extraction) stops before the quarter's end; else None."""
    if span is None or type(period) is not Quarter:
        return None
    return span[1] if period.start <= span[1] < period.end else None


def counted_to(periods: list[Quarter], span: tuple[date, date] | None) -> list[Quarter]:
    """The periods as they are counted for an authority whose loads cover `span`: a quarter
    the data end inside is counted to that day (`CutShort`)."""
    return [CutShort(p.year, p.quarter, end) if (end := cut_short(p, span)) else p for p in periods]


def data_to_words(day: date) -> str:
    """What a figure of a quarter cut short says: 'to 15/05/2022, where the loaded data end'."""
    return f"to {day:%d/%m/%Y}, where the loaded data end"
