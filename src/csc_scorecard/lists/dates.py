"""Which dates a daily list (or a caseload position) can be asked for: those the store's data
reach, and a little past their end.

A list is only as new as the data loaded: a visit or an authorisation recorded after the last
load is not in the store, so a list dated long after it shows children as overdue who were
seen, and leaves out every case opened since; one dated before the data begin shows nobody.
Either reads as an answer ("nobody overdue"), so both are refused in one line naming the dates
the data cover. The store is loaded monthly or quarterly while a service manager runs a list
every day: a date up to `GRACE_DAYS` after the data end (a quarter's load arriving a month
after the quarter) is answered, with a note saying how old the data are.

The dates the data reach are `measures.data_dates.data_dates` (the latest activity date of
the authority's rows within its loads' periods).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from csc_scorecard.errors import BadInput
from csc_scorecard.measures.data_dates import data_dates
from csc_scorecard.wording import long_date

if TYPE_CHECKING:
    from csc_scorecard.store import Store

GRACE_DAYS = 122  # about four months: a quarter's data, loaded up to a month after it ends


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
