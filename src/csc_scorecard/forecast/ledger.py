"""Costed placements as the finance system knew them on a date: nights, spend and open packages.

`placement_costs` (tables.yaml) holds one row per cost period: a weekly rate charged from
`start_date` (the first night) to `end_date` (the last night, inclusive; NULL while open). A
forecast made at an as-at date may only know what was recorded by then, so `load_ledger` drops
periods that start later and treats a period ending later as still open: this is what makes
back-testing honest, and it costs nothing when the as-at date is the extract date. A period
ending on the as-at date that the same placement's next period follows the day after is a
change of rate, not an end (at the year end the finance system starts the new year's rate on
1 April, so every open placement's period ends on 31 March), and is open too.

Nights are counted inclusively (a period from 1 to 7 April is seven nights) and a night costs
the weekly rate / 7, as placement invoices are raised (seed paras 38-40 quote weekly costs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from csc_scorecard.store import Store

OPEN = np.iinfo(np.int32).max  # end ordinal of an open period
DAYS_A_YEAR = 365.25
WEEKS_A_YEAR = DAYS_A_YEAR / 7


@dataclass(frozen=True)
class Ledger:
    """Cost periods as parallel arrays (dates as ordinals, `end` inclusive, OPEN while open)."""

    placement_id: np.ndarray
    child_id: np.ndarray
    line: np.ndarray
    provider: np.ndarray
    start: np.ndarray
    end: np.ndarray
    weekly: np.ndarray
    known_at: date

    def __len__(self) -> int:
        return len(self.start)

    def nights(self, first: date, last: date) -> np.ndarray:
        """Nights of each period falling in [first, last] (both inclusive)."""
        lo = np.maximum(self.start, first.toordinal())
        hi = np.minimum(self.end, last.toordinal())
        return np.clip(hi - lo + 1, 0, None).astype(np.int64)

    def spend(self, first: date, last: date) -> np.ndarray:
        """Cost of each period's nights in [first, last]."""
        return self.nights(first, last) * self.weekly / 7.0

    def open_on(self, day: date) -> np.ndarray:
        """Mask of the periods charging the night of `day`."""
        d = day.toordinal()
        return (self.start <= d) & (self.end >= d)

    def placements(self) -> Placements:
        """One row per placement: its line, first night and last night (OPEN while open)."""
        if not len(self):
            empty = np.array([], dtype=object)
            return Placements(empty, empty, np.array([], np.int64), np.array([], np.int64))
        order = np.lexsort((self.start, self.placement_id))
        pid = self.placement_id[order]
        first = np.r_[True, pid[1:] != pid[:-1]]
        idx = np.flatnonzero(first)
        starts = np.minimum.reduceat(self.start[order], idx)
        ends = np.maximum.reduceat(self.end[order], idx)
        # The line of a placement is the line of its latest period.
        last = np.r_[idx[1:] - 1, len(pid) - 1]
        return Placements(
            pid[idx], self.line[order][last], starts.astype(np.int64), ends.astype(np.int64)
        )


@dataclass(frozen=True)
class Placements:
    placement_id: np.ndarray
    line: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.start)


def load_ledger(store: Store, la_code: str, known_at: date) -> Ledger:
    """The authority's cost periods as known at `known_at` (later starts dropped, later ends
    open, and an end on `known_at` that the placement's next period follows)."""
    rows = store.con.execute(
        """SELECT placement_id, child_id, line, provider, start_date,
                  CASE WHEN end_date IS NULL OR end_date > $at
                         OR (end_date = $at AND EXISTS (
                             SELECT 1 FROM placement_costs n
                             WHERE n.la_code = p.la_code AND n.placement_id = p.placement_id
                               AND n.start_date = p.end_date + 1))
                       THEN NULL ELSE end_date END,
                  weekly_cost
           FROM placement_costs AS p
           WHERE la_code = $la AND start_date IS NOT NULL AND start_date <= $at
             AND line IS NOT NULL AND weekly_cost IS NOT NULL
             AND (end_date IS NULL OR end_date >= start_date)
           ORDER BY placement_id, start_date""",
        {"at": known_at, "la": la_code},
    ).fetchall()
    return ledger_from_rows(rows, known_at)


def ledger_from_rows(rows: list[tuple], known_at: date) -> Ledger:
    """A ledger from (placement_id, child_id, line, provider, start, end|None, weekly) tuples."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * 7
    return Ledger(
        placement_id=np.array(cols[0], dtype=object),
        child_id=np.array(cols[1], dtype=object),
        line=np.array(cols[2], dtype=object),
        provider=np.array(cols[3], dtype=object),
        start=np.array([d.toordinal() for d in cols[4]], dtype=np.int64),
        end=np.array([OPEN if d is None else d.toordinal() for d in cols[5]], dtype=np.int64),
        weekly=np.array(cols[6], dtype=float),
        known_at=known_at,
    )


def financial_year(d: date) -> int:
    """The financial year a date falls in, by its starting year (2022 = April 2022 to March 2023).

    >>> financial_year(date(2022, 6, 30)), financial_year(date(2023, 3, 31))
    (2022, 2022)
    """
    return d.year if d.month >= 4 else d.year - 1


def year_bounds(fy: int) -> tuple[date, date]:
    return date(fy, 4, 1), date(fy + 1, 3, 31)
