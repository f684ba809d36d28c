"""Which dates a daily list (or a caseload position) can be asked for: those the store's data
reach, and a little past their end.

A list is only as new as the data loaded: a visit or an authorisation recorded after the last
load is not in the store, so a list dated long after it shows children as overdue who were
seen, and leaves out every case opened since; one dated before the data begin shows nobody.
Either reads as an answer ("nobody overdue"), so both are refused in one line naming the dates
the data cover. The store is loaded monthly or quarterly while a service manager runs a list
every day: a date up to `GRACE_DAYS` after the data end (a quarter's load arriving a month
after the quarter) is answered, with a note saying how old the data are.

The data's last day is the latest activity date (a table's dated key: a visit's, an episode's,
a referral's date) of the authority's rows within its loads' periods: an annual return's
period runs to 31 March, though a return made in-year stops at its extraction.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from csc_scorecard.errors import BadInput
from csc_scorecard.measures.availability import activity_date
from csc_scorecard.model.schema import tables
from csc_scorecard.wording import long_date

if TYPE_CHECKING:
    from csc_scorecard.store import Store

GRACE_DAYS = 122  # about four months: a quarter's data, loaded up to a month after it ends


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
    data to the extraction), else `held`."""
    if held is None or held <= end:
        return held
    span = data_dates(store, la_code)
    return end if span is not None and span[1] <= end else held


def checked_date(
    store: Store, la_code: str, on: date, option: str = "--date", what: str = "list"
) -> str | None:
    """Refuse (`BadInput`, one line) a date the authority's data do not reach; for one a little
    past their end, the note saying how old the data are (None when the data reach it)."""
    span = data_dates(store, la_code)
    if span is None:
        raise BadInput(
            f"the store holds no dated data for LA {la_code}: load its returns "
            f"(`scorecard ingest`) before asking for a {what}"
        )
    first, last = span
    covered = f"LA {la_code}'s data in the store run from {long_date(first)} to {long_date(last)}"
    if on < first:
        raise BadInput(f"{option} {on}: {covered}; a date before them would show nobody")
    late = (on - last).days
    if late > GRACE_DAYS:
        raise BadInput(
            f"{option} {on}: {covered}, {late:,} days before it; a {what} on it would miss "
            f"everything since (load newer data, or give a date up to "
            f"{long_date(last + timedelta(days=GRACE_DAYS))})"
        )
    if late > 0:
        return (
            f"the data end on {long_date(last)}, {late} {'day' if late == 1 else 'days'} before "
            f"{long_date(on)}: anything recorded since is not in this {what}"
        )
    return None
