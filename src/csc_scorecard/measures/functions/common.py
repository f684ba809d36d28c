"""Small building blocks shared by counting functions (windows, open-at, ratios)."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context

_REQUIRED = object()


def setting(ctx: Context, m: Measure, name: str, default: Any = _REQUIRED) -> Any:
    """The authority's override of a measure setting, else the catalogue entry's value.

    Without a `default`, the entry must carry the setting, so a definition never depends on a
    value hidden in code.
    """
    if name not in m.settings and default is _REQUIRED:
        raise KeyError(f"measure {m.id} needs the setting {name!r} in its catalogue entry")
    return ctx.setting(m.id, name, m.settings.get(name, default))


def in_window(t: ir.Table, date_col: str, periods: ir.Table) -> ir.Table:
    """Rows of `t` whose `date_col` falls in each period's window (a row per row and period)."""
    return t.join(periods, [t[date_col] >= periods.start, t[date_col] <= periods.end])


def open_at(
    t: ir.Table, start_col: str, end_col: str, periods: ir.Table, at: str = "end"
) -> ir.Table:
    """Rows open on each period's `at` date: started on or before it, not ended before or on it.

    An episode ending on the as-at date is not open at it (DfE counts CLA and CPP "at 31 March"
    as open on that day when the end date is after it; standards.md 5.2 boundary rule [U]).
    """
    return t.join(
        periods,
        [t[start_col] <= periods[at], t[end_col].isnull() | (t[end_col] > periods[at])],
    )


def open_during(t: ir.Table, start_col: str, end_col: str, periods: ir.Table) -> ir.Table:
    """Rows open at any time in each period's window."""
    return t.join(
        periods,
        [t[start_col] <= periods.end, t[end_col].isnull() | (t[end_col] >= periods.start)],
    )


def count_rows(t: ir.Table, *, by: tuple[str, ...] = ()) -> ir.Table:
    return t.group_by(["la_code", "period", *by]).agg(numerator=t.count())


def count_children(t: ir.Table, *, by: tuple[str, ...] = ()) -> ir.Table:
    return t.group_by(["la_code", "period", *by]).agg(numerator=t.child_id.nunique())


def share(t: ir.Table, condition: ir.BooleanValue, *, by: tuple[str, ...] = ()) -> ir.Table:
    """numerator = rows meeting `condition` (NULL counts as not meeting it); denominator = rows."""
    t = t.mutate(_hit=condition.fill_null(False).cast("int64"))
    return t.group_by(["la_code", "period", *by]).agg(numerator=t._hit.sum(), denominator=t.count())


def share_of_total(t: ir.Table, dimension: ir.Value) -> ir.Table:
    """Rows per dimension value as a share of all rows in the period (e.g. referrals by source)."""
    t = t.mutate(dimension=dimension)
    by_dim = t.group_by(["la_code", "period", "dimension"]).agg(numerator=t.count())
    total = t.group_by(["la_code", "period"]).agg(denominator=t.count())
    return by_dim.join(total, ["la_code", "period"]).select(
        "la_code", "period", "dimension", "numerator", "denominator"
    )


def months_ago(d: ir.DateValue, months: int) -> ir.DateValue:
    return d - ibis.interval(months=months)
