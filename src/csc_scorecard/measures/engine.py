"""Compute catalogue measures for any set of authorities and quarters, one query per measure.

Every counting function returns an Ibis table with `la_code`, `period`, optionally `dimension`,
`numerator` and (unless a count) `denominator`. The engine adds the population for rates,
derives `value` from the unit, fills periods with no activity (a count of 0; a percentage with
no denominator is not available), and returns one tidy Arrow table for all measures.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import ibis
import pyarrow as pa

from csc_scorecard.measures.catalogue import SCALE, Measure, catalogue
from csc_scorecard.measures.context import Context, compiled_reads
from csc_scorecard.model.periods import Quarter

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


def compute(ctx: Context, measures: Iterable[str] | None = None) -> pa.Table:
    """Tidy results for the measures (default: every non-manual catalogue measure)."""
    chosen = (
        [catalogue()[i] for i in measures]
        if measures
        else [m for m in catalogue().values() if not m.manual]
    )
    parts = [
        _complete(m, ctx, ctx.execute(("measure", m.id), lambda c, m=m: counted(m, c)))
        for m in chosen
    ]
    if not parts:
        return RESULT_SCHEMA.empty_table()
    return pa.concat_tables(parts).sort_by(
        [("la_code", "ascending"), ("measure", "ascending"), ("period", "ascending")]
    )


def _complete(m: Measure, ctx: Context, raw: pa.Table) -> pa.Table:
    """One row per authority, period (and dimension seen), with value derived from the unit.

    A breakdown value absent from a period that has a denominator is 0 of that denominator
    (no police referrals this quarter is 0%, not "no data"); a count with no rows is 0.
    """
    found = {
        (r["la_code"], r["period"], r["dimension"]): (r["numerator"], r["denominator"])
        for r in raw.to_pylist()
    }
    period_denominator = {(la, p): den for (la, p, _), (_, den) in found.items() if den}
    dims = sorted(
        {k[2] for k in found} | set(m.dimension_values), key=lambda d: (d is None, d)
    ) or [None]
    rows = []
    for la in ctx.la_codes:
        for q in ctx.quarters:
            start, end = q.window(m.period_type)
            for dim in dims:
                num, den = found.get((la, str(q), dim), (None, None))
                if num is None and m.unit == "count":
                    num = 0.0
                elif num is None and m.dimension and (la, str(q)) in period_denominator:
                    num, den = 0.0, period_denominator[(la, str(q))]
                rows.append(
                    {
                        "la_code": la,
                        "measure": m.id,
                        "period": str(q),
                        "dimension": dim,
                        "value": value_of(m, num, den, start, end),
                        "numerator": num,
                        "denominator": den,
                        "window_start": start,
                        "window_end": end,
                    }
                )
    return pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)


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
    if m.unit == "count":
        return float(num)
    if not den:
        return None
    value = num / den * SCALE[m.unit]
    if m.annualise:
        value *= annualising_factor(start, end)
    return value


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
