"""Compute catalogue measures for any set of authorities and quarters, one query per measure.

Every counting function returns an Ibis table with `la_code`, `period`, optionally `dimension`,
`numerator` and (unless a count) `denominator`. The engine adds the population for rates,
derives `value` from the unit, fills periods with no activity (a count of 0; a percentage with
no denominator is not available), and returns one tidy Arrow table for all measures.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.measures.catalogue import SCALE, Measure, catalogue
from csc_scorecard.measures.context import Context, Query, compiled_reads
from csc_scorecard.measures.duckdb_backend import is_duckdb
from csc_scorecard.measures.inputs import days, numbers, numpy_of, strings
from csc_scorecard.model.periods import Quarter

if TYPE_CHECKING:
    import ibis

RESULT_SCHEMA = pa.schema(
    [
        ("la_code", pa.string()),
        ("measure", pa.string()),
        ("period", pa.string()),
        ("dimension", pa.string()),
        ("value", pa.float64()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("window_start", pa.date32()),
        ("window_end", pa.date32()),
    ]
)


_TABLES_READ: dict[str, frozenset[str]] = {}


def tables_read(m: Measure, ctx: Context) -> frozenset[str]:
    """The store tables the measure's expression reads (recorded when it is built, or when
    its query was compiled)."""
    if m.id not in _TABLES_READ:
        compiled = compiled_reads(("measure", m.id), ctx)
        if compiled is not None:
            return compiled
        counted(m, ctx)
    return _TABLES_READ[m.id]


def counted(m: Measure, ctx: Context) -> ibis.Table:
    """The measure's expression with the population joined for rates, before value is derived."""
    outer, ctx.reads = ctx.reads, set()
    try:
        return _counted(m, ctx)
    finally:
        _TABLES_READ[m.id] = frozenset(ctx.reads)
        ctx.reads = outer | ctx.reads


def _counted(m: Measure, ctx: Context) -> ibis.Table:
    import ibis

    t = m.counter()(ctx, m)
    if "dimension" not in t.columns:
        t = t.mutate(dimension=ibis.null("string"))
    if m.population:
        pop = ctx.population(m.population)
        t = t.left_join(pop, [t.la_code == pop.la_code, t.period == pop.period]).select(
            t.la_code, t.period, t.dimension, t.numerator, denominator=pop.population
        )
    elif "denominator" not in t.columns:
        t = t.mutate(denominator=ibis.null("float64"))
    return t.select(
        la_code=t.la_code.cast("string"),
        period=t.period.cast("string"),
        dimension=t.dimension.cast("string"),
        numerator=t.numerator.cast("float64"),
        denominator=t.denominator.cast("float64"),
    )


def compute(
    ctx: Context, measures: Iterable[str] | None = None, *, beside: Iterable[Query] = ()
) -> pa.Table:
    """Tidy results for the measures (default: every non-manual catalogue measure).

    ``beside``: other queries of the context (key, build) to run with the measures'
    statements (`Context.run_together`), e.g. their reportability's, kept for `execute`."""
    chosen = (
        [catalogue()[i] for i in measures]
        if measures
        else [m for m in catalogue().values() if not m.manual]
    )
    parts = []
    split = _by_authorities(ctx)
    for part in split:
        with part.session():
            done = _counted_together(part, chosen, beside if split == [ctx] else ())
            parts += [done[m.id] for m in chosen]
        if part is not ctx:
            ctx.reads |= part.reads
    if split != [ctx]:
        with ctx.session():
            ctx.run_together(beside)
    if not parts:
        return RESULT_SCHEMA.empty_table()
    return pa.concat_tables(parts).sort_by(
        [("la_code", "ascending"), ("measure", "ascending"), ("period", "ascending")]
    )


# Authorities counted together by one run of the statements on DuckDB. Every measure counts
# each authority's rows alone, so a store-wide run (England: 148 authorities) is the same
# statements run group by group: the joins' and aggregates' working sets of 40 authorities
# instead of 148 (peak memory 5.5 -> about 2 GB, less CPU; docs/benchmarks.md), for a few
# hundredths of a second of planning per statement and group.
AUTHORITIES_TOGETHER = 40


def _by_authorities(ctx: Context) -> list[Context]:
    """The context itself, or on DuckDB beyond `AUTHORITIES_TOGETHER` authorities, one context
    for each group of them (same quarters, settings and backend)."""
    las = ctx.la_codes
    if len(las) <= AUTHORITIES_TOGETHER or not is_duckdb(ctx.backend) or ctx.members:
        return [ctx]
    groups = -(-len(las) // AUTHORITIES_TOGETHER)
    size = -(-len(las) // groups)  # groups of even size
    return [ctx.for_authorities(las[i : i + size]) for i in range(0, len(las), size)]


def _counted_together(
    ctx: Context, chosen: list[Measure], beside: Iterable[Query] = ()
) -> dict[str, pa.Table]:
    """Each measure's rows, completed (`_complete`): measures that share their shape computed
    in one statement (`statements`), all of them (and the queries ``beside``) run together
    (`run_together`), each statement's measures completed on the thread that ran it as it
    finishes, while the other cursor runs the next statement (at the end of a refresh that
    Python was otherwise left on one core after every statement)."""
    sent = statements(ctx, chosen)
    by_id = {m.id: m for m in chosen}
    keys = {key for key, _ in sent}
    finished: dict[Hashable, dict[str, pa.Table]] = {}

    def complete(key: Hashable, rows: pa.Table) -> None:
        if key not in keys:  # a query beside
            return
        finished[key] = {i: _complete(by_id[i], ctx, raw) for i, raw in _split(key, rows)}

    ctx.run_together([*sent, *beside], then=complete)
    out: dict[str, pa.Table] = {}
    for key, build in sent:
        if key not in finished:  # not run together: run (or read) here
            complete(key, ctx.execute(key, build))
        out.update(finished[key])
    return out


def _split(key: tuple, rows: pa.Table) -> list[tuple[str, pa.Table]]:
    """A statement's rows for each measure it counts: a labelled union's (`_labelled`) taken
    by their label, in their order."""
    if key[0] == "measure":
        return [(key[1], rows)]
    which = _index_in(rows.column(_LABEL), list(key[1]))
    return [  # its rows in their order, taken by position
        (i, rows.take(numbers(np.flatnonzero(which == n), pa.int64())).drop_columns([_LABEL]))
        for n, i in enumerate(key[1])
    ]


def statements(ctx: Context, chosen: list[Measure]) -> list[Query]:
    """The queries counting the measures, as (key, build): measures that share their shape as
    one statement, the rest one each.

    On DuckDB, measures counted by the same module from the same store tables (the six read
    from the workforce snapshot, the three referral timescales, ...) are sent as one query: the
    union of their expressions, each row labelled with its measure. Ibis writes a relation the
    measures share once (a common table expression), so DuckDB plans and computes it once,
    where separate queries each computed it again (docs/benchmarks.md: 78 measures in 18
    statements, 2.0 -> 1.2 s of CPU on the demo). Each measure's own query is still compiled
    and kept (its SQL records the tables it reads); a measure that cannot be kept (in-memory
    tables), or shares its shape with no other, runs alone. The rows are the same either way.
    """
    groups: dict[tuple, list[Measure]] = {}
    if not ctx.members:
        for m in chosen:
            found = ctx.prepare(("measure", m.id), lambda c, m=m: counted(m, c))
            if found is not None:
                groups.setdefault((m.function.rpartition(".")[0], found[2]), []).append(m)
    out: list[Query] = []
    together: set[str] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        ids = tuple(m.id for m in group)
        out.append((("measures", ids), lambda c, ids=ids: _labelled(c, ids)))
        together.update(ids)
    out += [
        (("measure", m.id), lambda c, m=m: counted(m, c)) for m in chosen if m.id not in together
    ]
    return out


_LABEL = "_measure"


def _labelled(ctx: Context, ids: tuple[str, ...]) -> ibis.Table:
    """The measures' counted rows in one table, each labelled with its measure (`_LABEL`)."""
    import ibis

    by_id = catalogue()
    parts = [counted(by_id[i], ctx).mutate(**{_LABEL: ibis.literal(i, "string")}) for i in ids]
    return ibis.union(*parts)


def _complete(m: Measure, ctx: Context, raw: pa.Table) -> pa.Table:
    """One row per authority, period (and dimension seen), with value derived from the unit.

    A breakdown's declared category (`Measure.dimension_values`) absent from a period that has
    a denominator is 0 of that denominator (no police referrals this quarter is 0%, not "no
    data"); a count with no rows is 0. A category not declared is reported only in the periods
    that have rows of it: a period's rows are the same whichever periods are computed with it
    (the stored results of seven years and a report's three quarters alike).

    Column-wise (England is 657,120 rows a run): the grid of authorities x quarters x
    dimensions is a set of index arrays, each counted row is placed at its key (the last row
    wins for a repeated key), and `values_of` derives every value at once.
    """
    las, periods = list(ctx.la_codes), [str(q) for q in ctx.quarters]
    seen = set(raw.column("dimension").unique().to_pylist())
    dims = sorted(seen | set(m.dimension_values), key=lambda d: (d is None, d)) or [None]
    nd = len(dims)
    # Keys are numbered over the distinct authorities and periods; the grid follows the
    # context's lists as they are.
    la_keys, p_keys = list(dict.fromkeys(las)), list(dict.fromkeys(periods))
    size = len(la_keys) * len(p_keys) * nd
    grid_la = np.repeat(np.arange(len(las)), len(periods) * nd)
    grid_q = np.tile(np.repeat(np.arange(len(periods)), nd), len(las))
    grid_d = np.tile(np.arange(nd), len(las) * len(periods))
    la_key = np.array([la_keys.index(la) for la in las], np.int64)
    p_key = np.array([p_keys.index(p) for p in periods], np.int64)
    cell = (la_key[grid_la] * len(p_keys) + p_key[grid_q]) * nd + grid_d

    pos = _positions(raw, la_keys, p_keys, dims)
    rows = np.flatnonzero(pos >= 0)
    keys = pos[rows]
    distinct, first = np.unique(keys, return_index=True)
    last = _last_index(keys)
    num, num_ok = _placed(raw.column("numerator"), rows[last], distinct, size)
    den, den_ok = _placed(raw.column("denominator"), rows[last], distinct, size)
    # Each (authority, period)'s denominator: that of the last key having one (non-zero),
    # keys in the order first seen.
    ordered = distinct[np.argsort(first, kind="stable")]
    ordered = ordered[den_ok[ordered] & (den[ordered] != 0)]
    decided = ordered[_last_index(ordered // nd)]
    period_den = np.full(len(la_keys) * len(p_keys), np.nan)
    period_has = np.zeros(len(la_keys) * len(p_keys), bool)
    period_den[decided // nd], period_has[decided // nd] = den[decided], True

    num, num_ok, den, den_ok = num[cell], num_ok[cell], den[cell], den_ok[cell]
    missing = ~num_ok
    if m.unit == "count":
        num[missing], num_ok[missing] = 0.0, True
    elif m.dimension:
        fill = missing & period_has[cell // nd]
        num[fill], num_ok[fill] = 0.0, True
        den[fill], den_ok[fill] = period_den[cell[fill] // nd], True

    hit = np.zeros(size, bool)
    hit[distinct] = True
    listed = np.array([d in m.dimension_values for d in dims], bool)
    kept = np.flatnonzero(listed[grid_d] | hit[cell]) if m.dimension else None

    windows = [q.window(m.period_type) for q in ctx.quarters]
    factor = None
    if m.annualise:
        factor = np.array([annualising_factor(s, e) for s, e in windows], np.float64)[grid_q]
    numerator = numbers(num, pa.float64(), num_ok)
    denominator = numbers(den, pa.float64(), den_ok)
    by_q = numbers(grid_q, pa.int64())
    table = pa.Table.from_arrays(
        [
            strings(las).take(numbers(grid_la, pa.int64())),
            pa.repeat(strings([m.id])[0], len(cell)),
            strings(periods).take(by_q),
            strings(dims).take(numbers(grid_d, pa.int64())),
            values_of(m, numerator, denominator, factor),
            numerator,
            denominator,
            days([s for s, _ in windows]).take(by_q),
            days([e for _, e in windows]).take(by_q),
        ],
        schema=RESULT_SCHEMA,
    )
    if kept is None or len(kept) == len(cell):
        return table
    return table.take(numbers(kept, pa.int64()))


def _positions(raw: pa.Table, la_keys: list[str], p_keys: list[str], dims: list) -> np.ndarray:
    """Each counted row's key number, (authority x period x dimension), or -1 outside the grid."""

    la, p, d = (
        _index_in(raw.column(c), v)
        for c, v in (("la_code", la_keys), ("period", p_keys), ("dimension", dims))
    )
    inside = (la >= 0) & (p >= 0) & (d >= 0)
    return np.where(inside, (la * len(p_keys) + p) * len(dims) + d, -1)


def _index_in(column: pa.ChunkedArray, values: list) -> np.ndarray:
    """Each of the column's values' position in ``values`` (a null matches None), -1 where it
    is not among them."""
    found = pc.index_in(column.cast(pa.string()), value_set=strings(values), skip_nulls=False)
    at, present = numpy_of(found, np.int32)
    return np.where(present, at, -1).astype(np.int64)


def _last_index(keys: np.ndarray) -> np.ndarray:
    """For each distinct key in sorted order, the index of its last occurrence in `keys`."""
    _, from_end = np.unique(keys[::-1], return_index=True)
    return len(keys) - 1 - from_end


def _placed(
    column: pa.ChunkedArray, rows: np.ndarray, keys: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """The column's values at `rows`, placed at `keys` of a grid of `size`: the values (NaN
    where absent) and whether each is present (not null)."""
    picked, valid = numpy_of(column.take(numbers(rows, pa.int64())).cast(pa.float64()), np.float64)
    values, present = np.full(size, np.nan), np.zeros(size, bool)
    values[keys] = np.where(valid, picked, np.nan)
    present[keys] = valid
    return values, present


def values_of(
    m: Measure, num: pa.Array, den: pa.Array, factor: np.ndarray | None = None
) -> pa.Array:
    """The measure's values from numerators and denominators, column-wise; ``factor`` is each
    row's annualising factor (`annualising_factor` of its window), used only when the measure
    annualises. `value_of` is this for one row, so the rule is written once.

    No numerator: no value. A count is its numerator. Otherwise no (or a zero) denominator is
    no value, and the value is numerator / denominator x the unit's scale, annualised when the
    catalogue says so.
    """
    n, has_num = numpy_of(num.cast(pa.float64()), np.float64)
    n = np.where(has_num, n, 0.0)
    if m.unit == "count":
        return numbers(n, pa.float64(), has_num)
    d, has_den = numpy_of(den.cast(pa.float64()), np.float64)
    d = np.where(has_den, d, 0.0)
    ok = has_num & has_den & (d != 0)
    value = np.full(len(n), np.nan)
    value[ok] = n[ok] / d[ok] * SCALE[m.unit]
    if m.annualise:
        value[ok] *= np.asarray(factor, np.float64)[ok]
    return numbers(value, pa.float64(), ok)


def value_of(
    m: Measure, num: float | None, den: float | None, start: date, end: date
) -> float | None:
    """The measure's value from its numerator and denominator.

    Rates over part of a year are annualised only when the catalogue says so (DfE publishes
    full-year counts and never annualises, standards.md 5). A window of whole calendar months
    is scaled by 12 / months (six months x 2, as the seed report does: 751 S47s in six months
    per 67,362 children is a rate of 223); any other window by 365.25 / days.

    >>> from csc_scorecard.measures.catalogue import measure
    >>> round(value_of(measure("section47_rate_per_10000_annualised"), 751, 67_362, date(2022, 1, 1), date(2022, 6, 30)))
    223
    """
    if num is None:
        return None
    factor = np.array([annualising_factor(start, end) if m.annualise else 1.0])
    column = values_of(m, pa.array([num], pa.float64()), pa.array([den], pa.float64()), factor)
    return column[0].as_py()


def annualising_factor(start: date, end: date) -> float:
    """12 / months for whole calendar months, else 365.25 / days.

    >>> annualising_factor(date(2022, 1, 1), date(2022, 6, 30)), annualising_factor(date(2022, 4, 1), date(2022, 6, 30))
    (2.0, 4.0)
    """
    after_end = end + timedelta(days=1)
    if start.day == 1 and after_end.day == 1:
        months = (after_end.year - start.year) * 12 + after_end.month - start.month
        return 12 / months
    return 365.25 / ((end - start).days + 1)


def quarters_for(periods: Iterable[str]) -> list[Quarter]:
    return sorted({Quarter.parse(p) for p in periods})
