"""Sums of fractional values (FTE) that do not depend on the order they are added in.

DuckDB adds a DOUBLE column in whatever order its threads finish, and floating-point addition
is not associative: the same store gave 9.9 in one run and 9.899999999999999 in the next for
the same FTE total, so stored results and report contexts changed in their last digit between
identical runs. A fractional value is summed here as a DECIMAL with six places (FTE and the
weights it is multiplied by have one or two), which adds exactly, and the exact total is
turned back into the nearest DOUBLE; whole-number columns are summed as they are.
"""

from __future__ import annotations

import ibis.expr.types as ir

EXACT = "decimal(18, 6)"


def exact(value: ir.NumericValue) -> ir.NumericValue:
    """`value` as the DECIMAL it is summed in when it is fractional, else as it is."""
    return value.cast(EXACT) if value.type().is_floating() else value


def exact_sum(value: ir.NumericColumn) -> ir.NumericScalar:
    """The sum of `value`, the same whatever order the rows are added in (a DOUBLE for a
    fractional column, the column's own type for whole numbers)."""
    if not value.type().is_floating():
        return value.sum()
    return value.cast(EXACT).sum().cast("float64")


def exact_mean(value: ir.NumericColumn) -> ir.FloatingScalar:
    """The mean of `value`, the same whatever order the rows are added in."""
    return exact(value).mean().cast("float64")
