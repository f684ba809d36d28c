"""Is a measure reportable? Decided from the data-quality issues on the fields it depends on.

Each catalogue entry lists `fields` (table.column). Ingest records every blank mandatory value,
unreadable date and unknown code in `dq_issues`, tied to its row by (load, source row) and to
the canonical column it feeds. For each field and period we take the rows of that table whose
activity date (the first date in the table's key) falls in the measure's window — for measures
at the period end, the 12 months before it — and the share of them with an issue on that
column. Above the threshold (a setting, default 10%) the measure is *not reportable*, with the
reason in words ("start_date missing or invalid for 38% of assessments in the period"). This
replaces the seed's typed "data subject to further validation".
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context
from csc_scorecard.model.schema import table as table_spec

AS_AT_LOOK_BACK_DAYS = 365


@dataclass(frozen=True)
class FieldQuality:
    table: str
    column: str
    la_code: str
    period: str
    rows: int
    flagged: int

    @property
    def share(self) -> float:
        return self.flagged / self.rows if self.rows else 0.0

    def reason(self) -> str:
        return (
            f"{self.column} missing or invalid for {self.share:.0%} of {self.table.replace('_', ' ')} "
            f"in the period ({self.flagged:,} of {self.rows:,} rows)"
        )


def activity_date(table_name: str) -> str | None:
    t = table_spec(table_name)
    for k in t.key:
        if any(c.name == k and c.type == "DATE" for c in t.data_columns):
            return k
    return None


def field_quality(ctx: Context, m: Measure) -> list[FieldQuality]:
    """Quality of each of the measure's fields, per authority and period."""
    out: list[FieldQuality] = []
    for spec in m.fields:
        table_name, _, column = spec.partition(".")
        date_col = activity_date(table_name)
        if date_col is None:
            continue
        # Measures of one period type share a field's query: run once per context.
        found = ctx.execute(
            ("flagged", m.period_type, table_name, column),
            lambda c, t=table_name, col=column, d=date_col: _flagged(c, m, t, col, d),
        )
        for r in found.to_pylist():
            out.append(
                FieldQuality(table_name, column, r["la_code"], r["period"], r["rows"], r["flagged"])
            )
    return out


def _flagged(ctx: Context, m: Measure, table_name: str, column: str, date_col: str) -> ir.Table:
    look_back = AS_AT_LOOK_BACK_DAYS if m.period_type == "as_at_period_end" else 0
    periods = ctx.periods(m.period_type, look_back_days=look_back)
    t = ctx.table(table_name).select("la_code", "load_id", "source_row", d=date_col)
    rows = t.join(periods, [t.d >= periods.look_back, t.d <= periods.end])
    issues = ctx.backend.table("dq_issues")
    issues = (
        issues.filter((issues.table_name == table_name) & (issues.column_name == column))
        .select(i_la="la_code", i_load="load_id", i_row="row")
        .distinct()
        .mutate(_flag=ibis.literal(1))
    )
    joined = rows.left_join(
        issues,
        [
            rows.la_code == issues.i_la,
            rows.load_id == issues.i_load,
            rows.source_row == issues.i_row,
        ],
    )
    return joined.group_by(["la_code", "period"]).agg(
        rows=joined.count(), flagged=joined._flag.fill_null(0).sum()
    )


def not_reportable(ctx: Context, m: Measure) -> dict[tuple[str, str], str]:
    """{(la_code, period): reason} for periods where a field's issues pass the threshold."""
    threshold = ctx.setting(m.id, "not_reportable_threshold", ctx.settings.not_reportable_threshold)
    worst: dict[tuple[str, str], FieldQuality] = {}
    for fq in field_quality(ctx, m):
        key = (fq.la_code, fq.period)
        if fq.rows and fq.share > threshold and (key not in worst or fq.share > worst[key].share):
            worst[key] = fq
    return {k: v.reason() for k, v in worst.items()}
