"""Small building blocks shared by counting functions (windows, open-at) and the helpers that
finish every counting function: `count_rows`, `count_children`, `share`, `share_of_total`,
`mean`, `ratio`, `top`, `over` and `aggregate_only`.

How a counting function supports members (the dashboard's drill-down, `measures/members.py`)
---------------------------------------------------------------------------------------------
A counting function builds the *member-level* table - one row per thing it counts (a referral,
a child, a plan, a worker, a team) for each authority and period - and ends by handing that
table to one of the finishing helpers below, with the condition or column that decides it:

    def assessments_within_working_days(ctx, m):
        a = ctx.with_working_days(ctx.table("assessments"), "start_date", "authorised_date",
                                  "working_days")
        done = in_window(a, "authorised_date", ctx.periods(m.period_type))
        return share(ctx, done, (done.working_days >= 0) & (done.working_days <= limit),
                     why=f"authorised within {limit} working days of the start")

Each helper looks at the one switch, `ctx.members`:

* off (the engine, the report, every stored result): it aggregates to la_code, period,
  [dimension], numerator and [denominator], exactly as before;
* on (only `measures/members.py` sets it): it returns `Members` - the same rows with
  `subject_kind`, `subject_id`, `dimension`, `in_numerator` and `in_denominator` added, and what
  the numerator and denominator are sums of. The rows are those the aggregate counts, so the
  drill-down always adds up to the figure (a test checks every catalogue measure).

So a function never branches on the mode and is written once. To keep the drill-down readable:
name the columns that decide a row plainly (the event dates keep their table names; a
working-day duration is `working_days`, a calendar-day one `days`); prefix scratch columns with
`_` and renamed join keys with one letter and `_` (`r_la`, `p_start`): the drill-down leaves
both out. Pass `why=` (a few words saying what puts a row in the numerator) where it is cheap.
A measure whose figure has no member rows (a return's own totals) ends with `aggregate_only`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context, in_periods
from csc_scorecard.measures.context import open_at as context_open_at
from csc_scorecard.measures.context import open_during as context_open_during
from csc_scorecard.measures.exact_sums import exact_sum

_REQUIRED = object()

# The column naming what a member row is about -> subject_kind in the drill-down.
SUBJECT_KINDS = {
    "child_id": "child",
    "worker_id": "worker",
    "team_id": "team",
    "proceedings_id": "proceedings",
    "family_id": "family",
}


class NoMembers(Exception):
    """The measure has no member rows to show: a manual measure, or one counted from a return's
    own totals. The message says why, in a sentence fit for a page."""


@dataclass(frozen=True)
class Members:
    """What a counting function returns when `ctx.members` is on.

    `table` has the member rows: la_code, period, subject_kind, subject_id, dimension,
    in_numerator, in_denominator and the columns the function built (dates, durations, codes).
    The numerator is the number of in_numerator rows, or the sum of `numerator_weight` over them
    (e.g. days for an average, FTE for an FTE rate); the same for the denominator. A breakdown
    that shares one denominator across its values (a share of the total) says so, so the rows of
    the other values stay in the denominator when one value is drilled into. `denominator_note`
    says what the denominator is when it has no member rows (an average FTE in post).
    """

    table: ir.Table
    numerator_weight: str | None = None
    denominator_weight: str | None = None
    shared_denominator: bool = False
    denominator_note: str | None = None
    why: str | None = None


Counted = ir.Table | Members  # what a counting function returns


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
    return in_periods(t, date_col, periods)


def open_at(
    t: ir.Table, start_col: str, end_col: str, periods: ir.Table, at: str = "end"
) -> ir.Table:
    """Rows open on each period's `at` date: started on or before it, not ended before or on it.

    An episode ending on the as-at date is not open at it (DfE counts CLA and CPP "at 31 March"
    as open on that day when the end date is after it; standards.md 5.2 boundary rule [U]).
    (`context.open_at`: on DuckDB's named periods it joins by equality, same rows.)
    """
    return context_open_at(t, start_col, end_col, periods, at)


def open_during(t: ir.Table, start_col: str, end_col: str, periods: ir.Table) -> ir.Table:
    """Rows open at any time in each period's window (`context.open_during`)."""
    return context_open_during(t, start_col, end_col, periods)


def months_ago(d: ir.DateValue, months: int) -> ir.DateValue:
    return d - ibis.interval(months=months)


# --- finishing helpers: aggregate, or return the members -----------------------------------


def _members(
    t: ir.Table,
    subject: str,
    in_numerator: ir.BooleanValue | bool,
    in_denominator: ir.BooleanValue | bool,
    **kwargs: Any,
) -> Members:
    """`t` with the drill-down's columns added (dimension NULL unless `t` carries one)."""
    if subject not in SUBJECT_KINDS:
        raise ValueError(f"subject column must be one of {', '.join(SUBJECT_KINDS)}")
    dimension = t.dimension if "dimension" in t.columns else ibis.null("string")
    out = t.mutate(
        subject_kind=ibis.literal(SUBJECT_KINDS[subject]),
        subject_id=t[subject].cast("string"),
        dimension=dimension.cast("string"),
        in_numerator=ibis.literal(in_numerator) if isinstance(in_numerator, bool) else in_numerator,
        in_denominator=(
            ibis.literal(in_denominator) if isinstance(in_denominator, bool) else in_denominator
        ),
    )
    return Members(out, **kwargs)


def count_rows(
    ctx: Context, t: ir.Table, *, by: tuple[str, ...] = (), subject: str = "child_id"
) -> Counted:
    """numerator = rows (a child with two referrals counts twice). Members: every row."""
    if ctx.members:
        return _members(t, subject, True, False)
    return t.group_by(["la_code", "period", *by]).agg(numerator=t.count())


def count_children(ctx: Context, t: ir.Table, *, by: tuple[str, ...] = ()) -> Counted:
    """numerator = distinct children. Members: one row per child (their earliest row by the
    dates it carries, so the drill-down shows one event per child)."""
    if not ctx.members:
        return t.group_by(["la_code", "period", *by]).agg(numerator=t.child_id.nunique())
    t = t.filter(t.child_id.notnull())
    dates = [t[c].asc(nulls_first=False) for c, dt in t.schema().items() if dt.is_date()]
    first = ibis.row_number().over(
        ibis.window(group_by=[t[c] for c in ("la_code", "period", *by, "child_id")], order_by=dates)
    )
    t = t.mutate(_first=first)
    return _members(t.filter(t._first == 0).drop("_first"), "child_id", True, False)


def children_open(
    ctx: Context,
    t: ir.Table,
    start_col: str,
    end_col: str,
    periods: ir.Table,
    *,
    at: str | None = "end",
) -> Counted:
    """`count_children` of the rows of `t` open at each period's `at` date (`open_at`), or,
    with ``at=None``, open during each window (`open_during`): the rows of `open_children`
    counted. The members are `count_children`'s."""
    if ctx.members:
        if at:
            return count_children(ctx, open_at(t, start_col, end_col, periods, at))
        return count_children(ctx, open_during(t, start_col, end_col, periods))
    o = open_children(t, start_col, end_col, periods, at=at)
    return o.group_by(["la_code", "period"]).agg(numerator=o.count())


def open_children(
    t: ir.Table,
    start_col: str,
    end_col: str,
    periods: ir.Table,
    *,
    at: str | None = "end",
    unknown_child: bool = False,
) -> ir.Table:
    """la_code, period, child_id: one row per child with a row of `t` open at each period's
    `at` date (`open_at`), or, with ``at=None``, open during each window (`open_during`),
    without grouping the (authority, period, child) pairs. Rows without a child are left out,
    or with `unknown_child` taken as one child of their own (as a grouping takes them).

    Each row first gets `_seen_until`: the latest end among its child's rows before it in
    start order (an open end as the far future). The first of a child's rows in that order open
    at a date (or during a window) is the only one whose earlier rows all ended by it: earlier
    rows start no later, so one that ended after the date (or on or after the window's start)
    would be open too. So keeping each paired row whose `_seen_until` is at most the date
    (before the window's start) leaves one row a child and period: the same pairs as the
    distinct ones for any rows and any order of ties (England: one window over the episodes
    instead of a grouping of the millions of pairs, docs/benchmarks.md)."""
    x = t.filter(t[start_col].notnull())  # open at no date
    x = x if unknown_child else x.filter(x.child_id.notnull())
    x = x.select("la_code", "child_id", start_col, end_col)
    until = x[end_col].fill_null(ibis.literal(_FAR, "date")).max()
    x = x.mutate(
        _seen_until=until.over(
            ibis.window(group_by=[x.la_code, x.child_id], order_by=x[start_col], rows=(None, -1))
        )
    )
    if at:
        o = open_at(x, start_col, end_col, periods, at)
        o = o.filter(o._seen_until.isnull() | (o._seen_until <= o[at]))
    else:
        o = open_during(x, start_col, end_col, periods)
        o = o.filter(o._seen_until.isnull() | (o._seen_until < o.start))
    return o.select("la_code", "period", "child_id")


# Later than any date a record holds: an open end in `children_open`'s running latest end.
_FAR = date(9999, 12, 31)


def share(
    ctx: Context,
    t: ir.Table,
    condition: ir.BooleanValue,
    *,
    by: tuple[str, ...] = (),
    subject: str = "child_id",
    weight: str | None = None,
    why: str | None = None,
) -> Counted:
    """numerator = rows meeting `condition` (NULL counts as not meeting it); denominator = rows.
    With `weight`, both are sums of that column (e.g. agency FTE of all FTE)."""
    hit = condition.fill_null(False)
    if ctx.members:
        return _members(
            t, subject, hit, True, numerator_weight=weight, denominator_weight=weight, why=why
        )
    if weight is not None:
        return t.group_by(["la_code", "period", *by]).agg(
            numerator=exact_sum(ibis.ifelse(hit, t[weight], 0.0)),
            denominator=exact_sum(t[weight]),
        )
    t = t.mutate(_hit=hit.cast("int64"))
    return t.group_by(["la_code", "period", *by]).agg(numerator=t._hit.sum(), denominator=t.count())


def share_of_total(
    ctx: Context, t: ir.Table, dimension: ir.Value, *, subject: str = "child_id"
) -> Counted:
    """Rows per dimension value as a share of all rows in the period (e.g. referrals by source).
    Members: every row with its value; drilling into one value keeps the others as denominator."""
    t = t.mutate(dimension=dimension)
    if ctx.members:
        return _members(t, subject, True, True, shared_denominator=True)
    by_dim = t.group_by(["la_code", "period", "dimension"]).agg(numerator=t.count())
    total = t.group_by(["la_code", "period"]).agg(denominator=t.count())
    return by_dim.join(total, ["la_code", "period"]).select(
        "la_code", "period", "dimension", "numerator", "denominator"
    )


def mean(ctx: Context, t: ir.Table, value: str, *, subject: str = "child_id") -> Counted:
    """An average: numerator = sum of `value`, denominator = rows (e.g. average days)."""
    if ctx.members:
        return _members(t, subject, True, True, numerator_weight=value)
    return t.group_by(["la_code", "period"]).agg(numerator=t[value].sum(), denominator=t.count())


def ratio(
    ctx: Context, t: ir.Table, numerator: str, denominator: str, *, subject: str = "child_id"
) -> Counted:
    """numerator = sum of one column, denominator = sum of another (e.g. cases per FTE)."""
    if ctx.members:
        return _members(
            t, subject, True, True, numerator_weight=numerator, denominator_weight=denominator
        )
    return t.group_by(["la_code", "period"]).agg(
        numerator=exact_sum(t[numerator]), denominator=exact_sum(t[denominator])
    )


def top(
    ctx: Context,
    t: ir.Table,
    order_by: list[Any],
    numerator: str,
    denominator: str | None = None,
    *,
    subject: str = "child_id",
    why: str | None = None,
) -> Counted:
    """The first row in `order_by` order per period gives the figure (its `numerator` column,
    and `denominator` if named): the highest caseload, the team with the widest span.
    Members: every row, the first one in the numerator (and denominator)."""
    t = t.mutate(_rank=ibis.row_number().over(group_by=["la_code", "period"], order_by=order_by))
    if ctx.members:
        first = t._rank == 0
        return _members(
            t,
            subject,
            first,
            first if denominator else False,
            numerator_weight=numerator,
            denominator_weight=denominator,
            why=why,
        )
    chosen = t.filter(t._rank == 0)
    columns = {"numerator": chosen[numerator]}
    if denominator:
        columns["denominator"] = chosen[denominator]
    return chosen.select("la_code", "period", **columns)


def over(
    ctx: Context,
    t: ir.Table,
    denominator: ir.Table,
    *,
    weight: str | None = None,
    subject: str = "child_id",
    note: str,
) -> Counted:
    """numerator = rows of `t` (or the sum of `weight`) per period, over a denominator that has
    no member rows: `denominator` has la_code, period, denominator (e.g. average FTE in post).
    A period with a denominator and no rows has numerator 0. Members: the numerator rows;
    `note` says what the denominator is."""
    if ctx.members:
        return _members(t, subject, True, False, numerator_weight=weight, denominator_note=note)
    keys = ["la_code", "period"]
    num = t.group_by(keys).agg(_num=t.count() if weight is None else exact_sum(t[weight]))
    out = denominator.left_join(num, keys)
    return out.select(
        "la_code", "period", numerator=out._num.fill_null(0.0), denominator=out.denominator
    )


def aggregate_only(ctx: Context, t: ir.Table, why: str) -> ir.Table:
    """A figure with no member rows (a return's own totals): `why` says so in the drill-down."""
    if ctx.members:
        raise NoMembers(why)
    return t
