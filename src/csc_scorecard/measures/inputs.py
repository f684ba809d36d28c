"""The rows of the named inputs a measure's query refers to (`context.Context`): the periods
and the days of their windows, the lookups `open_at` and `open_during` join by equality, the
working-day calendar, month ends, the authorities and quarters measured.

On DuckDB a query names these tables (``csc_periods__in_quarter__0``, ``csc_authorities``, ...)
and their rows are registered beside it when it runs, so its SQL depends only on the definition
and the settings; other backends get the same rows as in-memory tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from csc_scorecard.model.periods import Quarter

INPUT_PREFIX = "csc_"
GIVEN_PREFIX = f"{INPUT_PREFIX}given__"
PERIODS_SCHEMA = {
    "period": "string",
    "start": "date",
    "end": "date",
    "quarter_end": "date",
    "look_back": "date",
}
# The days of each period's window (from `start` or `look_back` to `end`), one row per period
# and day:
# joining a row's date to `_day` puts it in every window holding it by equality (`in_periods`).
DAYS_SCHEMA = {**PERIODS_SCHEMA, "_day": "date"}
# For `open_at` and `open_during` (`_numbered_join`): lookups from a day to a period number
# (`_before_rows`, `_reach_rows`), and the periods numbered in the order of a date column.
BEFORE_SCHEMA = {"_d": "date", "_n": "int64"}
RANKED_SCHEMA = {**PERIODS_SCHEMA, "_i": "int64"}
INPUT_SCHEMAS: dict[str, dict[str, str]] = {
    "days": DAYS_SCHEMA,
    "before": BEFORE_SCHEMA,
    "reach": BEFORE_SCHEMA,
    "ranked": RANKED_SCHEMA,
    "authorities": {"la_code": "string"},
    "quarters": {"period": "string", "fy": "int32"},
    "calendar": {"date": "date", "working_day_index": "int32"},
    "month_ends": {"period": "string", "at": "date"},
}


def rows_of(
    what: str, la_codes: list[str], quarters: list[Quarter], given: dict[str, pa.Table]
) -> pa.Table:
    """The rows of a named input (``periods__<type>__<look-back days>``, ``authorities``,
    ``quarters``, ``calendar``, ...) for the authorities and quarters; ``given__<name>`` is
    the caller's rows ``given[name]``."""
    kind, _, rest = what.partition("__")
    if kind == "given":
        return given[rest]
    if kind == "authorities":
        return pa.Table.from_arrays([strings(la_codes)], names=["la_code"])
    if kind == "quarters":
        return pa.Table.from_arrays(
            [strings([str(q) for q in quarters]), numbers([q.year for q in quarters], pa.int32())],
            names=["period", "fy"],
        )
    if kind == "calendar":
        return _calendar_rows()
    if kind == "month_ends":
        return dates_rows(
            (str(q), day)
            for q in quarters
            for day in month_ends(*q.window(rest))  # type: ignore[arg-type]
        )
    if kind == "days":
        periods, _, since = rest.rpartition("__")
        return _days_rows(rows_of(f"periods__{periods}", la_codes, quarters, given), since)
    if kind == "reach":  # reach__<type>__<look-back>__<key>__<col>
        periods, key, col = rest.rsplit("__", 2)
        return _reach_rows(rows_of(f"periods__{periods}", la_codes, quarters, given), key, col)
    if kind in ("before", "ranked"):  # before__<type>__<look-back>__<key>
        periods, _, key = rest.rpartition("__")
        rows = rows_of(f"periods__{periods}", la_codes, quarters, given)
        return _before_rows(rows, key) if kind == "before" else _ranked_rows(rows, key)
    period_type, _, look_back = rest.partition("__")
    rows: dict[str, list] = {c: [] for c in PERIODS_SCHEMA}
    for q in quarters:
        start, end = q.window(period_type)  # type: ignore[arg-type]
        rows["period"].append(str(q))
        rows["start"].append(start)
        rows["end"].append(end)
        rows["quarter_end"].append(q.end)
        rows["look_back"].append(start - timedelta(days=int(look_back)))
    return pa.Table.from_arrays(
        [strings(rows["period"]), *(days(rows[c]) for c in PERIODS_SCHEMA if c != "period")],
        names=list(PERIODS_SCHEMA),
    )


def _before_rows(periods: pa.Table, key: str) -> pa.Table:
    """Each day from the first of the periods' `key` dates to the day after the last, with the
    number of `key` dates before it (no rows when there are no periods)."""
    keys = np.sort(_day_numbers(periods, key))
    days = np.arange(keys[0], keys[-1] + 2, dtype=np.int32) if len(keys) else keys
    return _lookup(days, np.searchsorted(keys, days, side="left"))


def _reach_rows(periods: pa.Table, key: str, col: str) -> pa.Table:
    """Each day from the first of the periods' `col` dates to the last, with one more than the
    number (in `key` order, `_ranked_rows`) of the last period whose `col` is on or before it
    (0 when none is)."""
    cols = _day_numbers(periods, col)
    rank = _ranks(periods, key)
    days = np.arange(cols.min(), cols.max() + 1, dtype=np.int32) if len(cols) else cols
    reach = np.zeros(len(days), np.int64)
    for c, r in zip(cols, rank, strict=True):  # a few dozen periods
        reach[days >= c] = np.maximum(reach[days >= c], r + 1)
    return _lookup(days, reach)


def _ranked_rows(periods: pa.Table, key: str) -> pa.Table:
    """The periods, each numbered by the order of its `key` date (from 0)."""
    return periods.append_column("_i", numbers(_ranks(periods, key), pa.int64()))


def _ranks(periods: pa.Table, key: str) -> np.ndarray:
    order = np.argsort(_day_numbers(periods, key), kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    return rank


def _day_numbers(periods: pa.Table, col: str) -> np.ndarray:
    return numpy_of(periods.column(col).cast(pa.int32()), np.int32)[0]


def _lookup(days: np.ndarray, n: np.ndarray) -> pa.Table:
    return pa.Table.from_arrays(
        [numbers(days, pa.date32()), numbers(n, pa.int64())], names=["_d", "_n"]
    )


def dates_rows(dates: Iterable[tuple[str, date]]) -> pa.Table:
    """(period label, date) pairs as rows, e.g. for `workforce.snapshot.run`'s named
    input ``dates``."""
    pairs = list(dates)
    return pa.Table.from_arrays(
        [strings([p for p, _ in pairs]), days([d for _, d in pairs])], names=["period", "at"]
    )


# Arrays written as their buffers, and read back the same way: `pa.array` (over Python values or
# numpy's), `to_numpy`, `fill_null` and `pa.scalar` load pandas (0.2-0.25 s a process) to look
# for its types, and a report or a measure run needs nothing else of it.
def strings(values: list[str | None]) -> pa.Array:
    """An Arrow string array of ``values`` (None: null)."""
    data = [b"" if v is None else v.encode() for v in values]
    offsets = np.cumsum([0, *map(len, data)], dtype=np.int32)
    valid = np.array([v is not None for v in values], bool)
    bitmap = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
    buffers = [bitmap, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(pa.string(), len(data), buffers, len(data) - int(valid.sum()))


def days(values: list[date]) -> pa.Array:
    """An Arrow date32 array of ``values`` (days from 1 January 1970)."""
    numbers = np.array([d.toordinal() - _EPOCH for d in values], dtype=np.int32)
    return pa.Array.from_buffers(pa.date32(), len(numbers), [None, pa.py_buffer(numbers)])


_EPOCH = date(1970, 1, 1).toordinal()
# The numpy type of each fixed-width Arrow type written or read here (a date32 is its day number).
_NUMPY = {pa.int32(): np.int32, pa.int64(): np.int64, pa.float64(): np.float64}
_NUMPY[pa.date32()] = np.int32


def numbers(
    values: np.ndarray | list, type: pa.DataType, valid: np.ndarray | None = None
) -> pa.Array:
    """An Arrow array of the fixed-width ``type`` (`_NUMPY`) holding ``values`` (any sequence
    numpy converts), null where ``valid`` is False."""
    data = np.ascontiguousarray(values, dtype=_NUMPY[type])
    if valid is None or valid.all():
        return pa.Array.from_buffers(type, len(data), [None, pa.py_buffer(data)])
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    nulls = len(data) - int(np.count_nonzero(valid))
    return pa.Array.from_buffers(type, len(data), [bitmap, pa.py_buffer(data)], nulls)


def numpy_of(column: pa.Array | pa.ChunkedArray, dtype: type) -> tuple[np.ndarray, np.ndarray]:
    """A fixed-width column's values as numpy's ``dtype`` (of the same width; undefined where
    null) and whether each is present (not null)."""
    if isinstance(column, pa.ChunkedArray):
        if column.num_chunks == 0:  # combining no chunks builds an empty array: pandas
            return np.empty(0, dtype), np.empty(0, bool)
        column = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    n, at = len(column), column.offset
    if n == 0:
        return np.empty(0, dtype), np.empty(0, bool)
    bitmap, data = column.buffers()[:2]
    values = np.frombuffer(data, dtype, count=n, offset=at * np.dtype(dtype).itemsize)
    if bitmap is None or column.null_count == 0:
        return values, np.ones(n, bool)
    bits = np.unpackbits(np.frombuffer(bitmap, np.uint8), count=at + n, bitorder="little")
    return values, bits[at:].astype(bool)


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every calendar month that ends from `first` to `last`.

    >>> [str(d) for d in month_ends(date(2021, 12, 1), date(2022, 2, 28))]
    ['2021-12-31', '2022-01-31', '2022-02-28']
    """
    out = []
    month = date(first.year, first.month, 1)
    while month <= last:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        end = following - timedelta(days=1)
        if first <= end <= last:
            out.append(end)
        month = following
    return out


def _days_rows(periods: pa.Table, since: str) -> pa.Table:
    """Every day from `since` (`start` or `look_back`) to `end` of each period, with the
    period's columns."""
    first = _day_numbers(periods, since)
    last = _day_numbers(periods, "end")
    counts = np.maximum(last - first + 1, 0)
    which = np.repeat(np.arange(len(first)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    out = periods.take(numbers(which, pa.int64()))
    return out.append_column("_day", numbers(first[which] + offsets, pa.date32()))


_CALENDAR: list[pa.Table] = []


def _calendar_rows() -> pa.Table:
    if not _CALENDAR:
        from csc_scorecard.reference.calendar import working_day_index

        dates, index = working_day_index()
        day = numbers(dates.astype(np.int64), pa.date32())
        _CALENDAR.append(
            pa.Table.from_arrays(
                [day, numbers(index, pa.int32())], names=["date", "working_day_index"]
            )
        )
    return _CALENDAR[0]
