"""Is a measure reportable? Decided from the data-quality issues on the fields it depends on.

Each catalogue entry lists `fields` (table.column). Ingest records every blank mandatory value,
unreadable date and unknown code in `dq_issues`, tied to its row by (load, source row) and to
the canonical column it feeds. For each field and period we take the rows of that table whose
activity date (the first date in the table's key) falls in the measure's window — for measures
at the period end, the 12 months before it — and the share of them with an issue on that
column. Above the threshold (a setting, default 10%) the measure is *not reportable*, with the
reason in words ("start_date missing or invalid for 38% of assessments in the period"). This
replaces the seed's typed "data subject to further validation".

The DfE validation rules (quality.rules) decide too: each measure has the rules whose faults make
a record unsafe for it (measures.rule_impact: the rules checking a field the measure reads, or the
list in its catalogue settings). For each table the measure reads, the share of the period's
rows with a fault from one of those rules is compared with the same threshold; the reason names
the rule codes and their counts ("DfE rule faults on 14% of cla episodes in the period (1,203
of 8,511 rows): 148 x 980, 388 x 223"). The rules run once per measure run, over the
authorities' rows in the store (DuckDB stores; a Spark run keeps the field checks only).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.rule_impact import rules_for
from csc_scorecard.model.schema import table as table_spec
from csc_scorecard.quality.runner import run_rules
from csc_scorecard.quality.scope import canonical_table

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


@dataclass(frozen=True)
class RuleQuality:
    table: str
    la_code: str
    period: str
    rows: int
    flagged: int
    rules: tuple[tuple[str, int], ...]  # (code, faulty rows) most first

    @property
    def share(self) -> float:
        return self.flagged / self.rows if self.rows else 0.0

    def reason(self) -> str:
        counts = ", ".join(f"{code} x {n:,}" for code, n in self.rules)
        return (
            f"DfE rule faults on {self.share:.0%} of {self.table.replace('_', ' ')} in the "
            f"period ({self.flagged:,} of {self.rows:,} rows): {counts}"
        )


def rule_faults(ctx: Context) -> pa.Table | None:
    """Every DfE-rule fault on the context's authorities, run once per context; None when the
    backend is not DuckDB."""
    cached = ctx.__dict__.get("_dq_rule_faults")
    if cached is not None:
        return cached
    con = getattr(ctx.backend, "con", None)
    if ctx.backend.name != "duckdb" or con is None:
        return None
    faults = run_rules(con, la_codes=ctx.la_codes).faults
    canonical = [
        canonical_table(ret, t)
        for ret, t in zip(
            faults.column("return").to_pylist(), faults.column("table").to_pylist(), strict=True
        )
    ]
    faults = faults.append_column("canonical", pa.array(canonical, pa.string()))
    ctx.__dict__["_dq_rule_faults"] = faults
    return faults


def rule_quality(ctx: Context, m: Measure) -> list[RuleQuality]:
    """Share of each of the measure's tables' rows in the period with a fault from one of the
    measure's rules, per authority and period."""
    chosen = rules_for(m)
    faults = rule_faults(ctx) if chosen else None
    if faults is None or faults.num_rows == 0:
        return []
    codes = {(r.ret, r.code) for r in chosen}
    out: list[RuleQuality] = []
    for table_name in dict.fromkeys(f.partition(".")[0] for f in m.fields):
        date_col = activity_date(table_name)
        if date_col is None:
            continue
        mine = [
            f
            for f in faults.select(
                ["return", "rule", "la_code", "load_id", "row", "canonical"]
            ).to_pylist()
            if f["canonical"] == table_name and (f["return"], f["rule"]) in codes
        ]
        if not mine:
            continue
        look_back = AS_AT_LOOK_BACK_DAYS if m.period_type == "as_at_period_end" else 0
        periods = ctx.periods(m.period_type, look_back_days=look_back)
        t = ctx.table(table_name).select("la_code", "load_id", "source_row", d=date_col)
        rows = t.join(periods, [t.d >= periods.look_back, t.d <= periods.end])
        hits = ibis.memtable(
            [
                {"f_la": f["la_code"], "f_load": f["load_id"], "f_row": f["row"], "rule": f["rule"]}
                for f in mine
            ],
            schema={"f_la": "string", "f_load": "int32", "f_row": "int32", "rule": "string"},
        )
        joined = rows.left_join(
            hits,
            [rows.la_code == hits.f_la, rows.load_id == hits.f_load, rows.source_row == hits.f_row],
        )
        per_row = joined.group_by(["la_code", "period", "load_id", "source_row"]).agg(
            hit=joined.rule.notnull().any()
        )
        totals = per_row.group_by(["la_code", "period"]).agg(
            rows=per_row.count(), flagged=per_row.hit.cast("int64").sum()
        )
        hit_rows = (
            joined.filter(joined.rule.notnull())
            .select("la_code", "period", "rule", "load_id", "source_row")
            .distinct()
        )
        by_rule = hit_rows.group_by(["la_code", "period", "rule"]).agg(n=hit_rows.count())
        counts: dict[tuple[str, str], list[tuple[str, int]]] = {}
        for r in ctx.backend.to_pyarrow(by_rule).to_pylist():
            counts.setdefault((r["la_code"], r["period"]), []).append((r["rule"], r["n"]))
        for r in ctx.backend.to_pyarrow(totals).to_pylist():
            listed = sorted(
                counts.get((r["la_code"], r["period"]), []), key=lambda kv: (-kv[1], kv[0])
            )
            out.append(
                RuleQuality(
                    table_name,
                    r["la_code"],
                    r["period"],
                    r["rows"],
                    r["flagged"] or 0,
                    tuple(listed),
                )
            )
    return out


def not_reportable(ctx: Context, m: Measure) -> dict[tuple[str, str], str]:
    """{(la_code, period): reason} for periods where a field's issues, or the faults of the
    measure's DfE rules, pass the threshold (the worst one is given as the reason)."""
    threshold = ctx.setting(m.id, "not_reportable_threshold", ctx.settings.not_reportable_threshold)
    worst: dict[tuple[str, str], FieldQuality | RuleQuality] = {}
    for q in [*field_quality(ctx, m), *rule_quality(ctx, m)]:
        key = (q.la_code, q.period)
        better = key not in worst or float(q.share) > float(worst[key].share) + 1e-9
        if q.rows and float(q.share) > threshold and better:
            worst[key] = q
    return {k: v.reason() for k, v in worst.items()}
