"""Rows of a table put in period windows (`in_periods`) or open at or during each period
(`open_at`, `open_during`): the joins the counting functions build their expressions with.

On DuckDB's named periods (`context.Context.periods`) each is written as equality joins to
lookup inputs (`inputs`), which DuckDB hashes; other periods tables join on the ranges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from csc_scorecard.measures.inputs import BEFORE_SCHEMA, DAYS_SCHEMA, INPUT_PREFIX, RANKED_SCHEMA

if TYPE_CHECKING:
    import ibis.expr.types as ir


def in_periods(t: ir.Table, date_col: str, periods: ir.Table, since: str = "start") -> ir.Table:
    """Rows of `t` whose `date_col` falls in each period's window, from its `since` column
    (`start`, or `look_back` for a window reaching back) to its `end`: a row per row and period,
    with the periods' columns.

    When `periods` is the named input of `Context.periods` (DuckDB), the rows are joined by
    equality to the days of every window (input ``days__<type>__<look-back>__<since>``, at most
    a few tens of thousands of rows): DuckDB hashes that join, where the two range conditions make it
    sort both sides and pair each row with every period starting before it (2-4 times slower
    measured on the demo authority's tables, docs/benchmarks.md). The same rows either way;
    other tables (Spark, in-memory periods, a derived periods table) join on the range.
    """
    import ibis
    import ibis.expr.operations as ops

    op = periods.op()
    prefix = f"{INPUT_PREFIX}periods__"
    if since not in ("start", "look_back"):
        raise ValueError(f"a window runs from start or look_back, not {since!r}")
    if isinstance(op, ops.UnboundTable) and op.name.startswith(prefix):
        name = f"{INPUT_PREFIX}days__{op.name.removeprefix(prefix)}__{since}"
        days = ibis.table(DAYS_SCHEMA, name=name)
        return t.join(days, t[date_col] == days._day).drop("_day")
    return t.join(periods, [t[date_col] >= periods[since], t[date_col] <= periods.end])


def open_at(
    t: ir.Table, start_col: str, end_col: str, periods: ir.Table, at: str = "end"
) -> ir.Table:
    """Rows of `t` open on each period's `at` date: `start_col` on or before it and `end_col`
    empty or after it; a row per row and period, with the periods' columns (`numbered_join`
    on DuckDB's named periods)."""
    named = _named_periods(periods)
    if named is None:
        return t.join(
            periods,
            [
                t[start_col] <= periods[at],
                t[end_col].isnull() | (t[end_col] > periods[at]),
            ],
        )
    return _numbered_join(t, start_col, end_col, named, at, f"before__{named}__{at}")


def open_during(t: ir.Table, start_col: str, end_col: str, periods: ir.Table) -> ir.Table:
    """Rows of `t` open at any time in each period's window: `start_col` on or before its end
    and `end_col` empty or on or after its start (`numbered_join` on DuckDB's named periods)."""
    named = _named_periods(periods)
    if named is None:
        return t.join(
            periods,
            [
                t[start_col] <= periods.end,
                t[end_col].isnull() | (t[end_col] >= periods.start),
            ],
        )
    x = _numbered_join(t, start_col, end_col, named, "end", f"reach__{named}__end__start")
    return x.filter(x[end_col].isnull() | (x[end_col] >= x.start))


def _named_periods(periods: ir.Table) -> str | None:
    """``<type>__<look-back>`` when `periods` is the named input of `Context.periods`."""
    import ibis.expr.operations as ops

    op = periods.op()
    prefix = f"{INPUT_PREFIX}periods__"
    if isinstance(op, ops.UnboundTable) and op.name.startswith(prefix):
        return op.name.removeprefix(prefix)
    return None


def _numbered_join(
    t: ir.Table, start_col: str, end_col: str, named: str, key: str, upper: str
) -> ir.Table:
    """Each row of `t` with the periods numbered `_lo` to `_hi` - 1 in `key` order: `_lo` the
    number of periods whose `key` date is before the row's start (input
    ``before__<periods>__<key>``), `_hi` looked up from the row's end (or, without one, the
    last day) in input `upper`. Each lookup input has a row per day over the span where it
    changes; a date outside is clamped to the span's first or last day.

    DuckDB pairs a range join's row with every period after its start and then tests the end
    (about 20 pairs a row over 40 quarters, most discarded); this makes the pairs kept, by
    equality joins (docs/benchmarks.md). `open_at` looks `_hi` up as the number of as-at dates
    before the end: exactly the periods open. `open_during` as one more than the last period
    (in end order) starting on or before the end: every period the row overlaps, and, were a
    window to start before an earlier-ending one, a few more, which its own test of the end
    then removes. The same rows as the range join either way.
    """
    import ibis

    ranked = ibis.table(RANKED_SCHEMA, name=f"{INPUT_PREFIX}ranked__{named}__{key}")

    def looked_up(d: ir.DateValue, what: str, name: str) -> tuple[ir.Table, ir.DateValue]:
        """The lookup input and the day to find in it: `d` clamped to its span, no date the
        last day (a row without an end is open at every date from its start)."""
        lookup = ibis.table(BEFORE_SCHEMA, name=f"{INPUT_PREFIX}{what}")
        first, last = lookup._d.min(), lookup._d.max()
        return lookup, ibis.least(ibis.greatest(d.fill_null(last), first), last).name(name)

    x = t.filter(t[start_col].notnull())  # a row without a start is open at no date
    low, low_day = looked_up(x[start_col], f"before__{named}__{key}", "_oa_s")
    high, high_day = looked_up(x[end_col], upper, "_oa_e")
    x = x.mutate(low_day, high_day)
    x = x.join(low.select(_oa_s=low._d, _oa_lo=low._n), "_oa_s")
    x = x.join(high.select(_oa_e=high._d, _oa_hi=high._n), "_oa_e")
    x = x.filter(x._oa_lo < x._oa_hi)
    x = x.mutate(_oa_i=ibis.range(x._oa_lo, x._oa_hi).unnest())
    joined = x.join(ranked, x._oa_i == ranked._i)
    return joined.drop("_oa_s", "_oa_e", "_oa_lo", "_oa_hi", "_oa_i", "_i")
