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
of 8,511 rows): 148 x 980, 388 x 223"). The faults are read once per measure run from the
snapshot `scorecard ingest` kept while it is current (made from the authority's present loads
by the present rules); otherwise the rules run over the authorities' rows in the store (DuckDB
stores; a Spark run keeps the field checks only).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context, Query
from csc_scorecard.measures.inputs import strings
from csc_scorecard.measures.period_joins import in_periods
from csc_scorecard.measures.rule_impact import rules_for
from csc_scorecard.model.schema import table as table_spec
from csc_scorecard.quality.history import current_faults, faults_pending, kept_faults
from csc_scorecard.quality.scope import canonical_table
from csc_scorecard.store import Store

if TYPE_CHECKING:
    import ibis.expr.types as ir

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


def queries(ctx: Context, measures: Iterable[Measure]) -> list[Query]:
    """The statements `not_reportable` runs for the measures, each once: the flagged rows of
    every (period type, table) their fields name, and the rows in the window of every table
    whose faults from their DfE rules it counts; given to `Context.run_together` to run beside
    the measures' own."""
    out: dict[Hashable, Callable[[Context], ir.Table]] = {}
    rules_known = not faults_pending()  # else run when counted: the rules are still running
    for m in measures:
        for spec in m.fields:
            table_name = spec.partition(".")[0]
            date_col = activity_date(table_name)
            if date_col is not None:
                out.setdefault(*_flagged_query(m.period_type, table_name, date_col))
        for table_name, date_col in _rule_tables(ctx, m)[1] if rules_known else []:
            out.setdefault(*_window_query(m.period_type, table_name, date_col))
    return list(out.items())


def every_query(measures: Iterable[Measure]) -> list[Query]:
    """Every statement `queries` may give for the measures, whatever the store holds: the
    flagged rows of each (period type, table) their fields name, and the rows in the window of
    each such table of a measure with DfE error rules (`queries` gives those only for the
    tables with a fault from the measure's rules). For the compiled SQL shipped in the
    package (`sql_shipped`)."""
    out: dict[Hashable, Callable[[Context], ir.Table]] = {}
    for m in measures:
        errors = any(r.severity == "error" for r in rules_for(m))
        for table_name in dict.fromkeys(f.partition(".")[0] for f in m.fields):
            date_col = activity_date(table_name)
            if date_col is not None:
                out.setdefault(*_flagged_query(m.period_type, table_name, date_col))
                if errors:
                    out.setdefault(*_window_query(m.period_type, table_name, date_col))
    return list(out.items())


def _flagged_query(period_type: str, table_name: str, date_col: str) -> Query:
    """One query per period type and table gives every column's flagged rows; measures of one
    period type share it (run once per context)."""
    return (
        ("flagged", period_type, table_name),
        lambda c: _flagged(c, period_type, table_name, date_col),
    )


def _window_query(period_type: str, table_name: str, date_col: str) -> Query:
    return (
        ("window", period_type, table_name),
        lambda c: _window(c, period_type, table_name, date_col),
    )


def field_quality(ctx: Context, m: Measure) -> list[FieldQuality]:
    """Quality of each of the measure's fields, per authority and period."""
    out: list[FieldQuality] = []
    for spec in m.fields:
        table_name, _, column = spec.partition(".")
        date_col = activity_date(table_name)
        if date_col is None:
            continue
        found = ctx.execute(*_flagged_query(m.period_type, table_name, date_col))
        flagged: dict[tuple[str, str], int] = {}
        totals: dict[tuple[str, str], int] = {}
        for r in found.to_pylist():
            totals[(r["la_code"], r["period"])] = r["rows"]
            if r["column_name"] == column:
                flagged[(r["la_code"], r["period"])] = r["flagged"]
        for (la, period), rows in totals.items():
            out.append(
                FieldQuality(table_name, column, la, period, rows, flagged.get((la, period), 0))
            )
    return out


def _window(ctx: Context, period_type: str, table_name: str, date_col: str) -> ir.Table:
    """The table's rows (la_code, load_id, source_row) with each period whose window (for
    measures at the period end, the 12 months before it) holds their activity date."""
    look_back = AS_AT_LOOK_BACK_DAYS if period_type == "as_at_period_end" else 0
    periods = ctx.periods(period_type, look_back_days=look_back)  # type: ignore[arg-type]
    t = ctx.table(table_name).select("la_code", "load_id", "source_row", d=date_col)
    rows = in_periods(t, "d", periods, since="look_back")
    return rows.select("la_code", "period", "load_id", "source_row")


def _flagged(ctx: Context, period_type: str, table_name: str, date_col: str) -> ir.Table:
    """la_code, period, rows (in the window), column_name, flagged (rows with an issue on that
    column; one row with column_name NULL and flagged 0 where no column has one)."""
    rows = _window(ctx, period_type, table_name, date_col)
    totals = rows.group_by(["la_code", "period"]).agg(rows=rows.count())
    issues = ctx.backend.table("dq_issues")
    issues = (
        issues.filter(issues.table_name == table_name)
        .select(i_la="la_code", i_load="load_id", i_row="row", column_name="column_name")
        .distinct()
    )
    hit = rows.join(
        issues,
        [
            rows.la_code == issues.i_la,
            rows.load_id == issues.i_load,
            rows.source_row == issues.i_row,
        ],
    )
    flagged = hit.group_by(["la_code", "period", "column_name"]).agg(flagged=hit.count())
    joined = totals.left_join(
        flagged, [totals.la_code == flagged.la_code, totals.period == flagged.period]
    )
    return joined.select(
        totals.la_code,
        totals.period,
        totals.rows,
        flagged.column_name,
        flagged=flagged.flagged.fill_null(0),
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
    """Every DfE-rule fault on the context's authorities, once per context: what the load just
    kept (`quality.history.kept_faults`), else each authority's kept snapshot while it is
    current, the rules run for the rest (and kept when the store may be written:
    `quality.history.current_faults`); None when the backend is not DuckDB."""
    cached = ctx.__dict__.get("_dq_rule_faults")
    if cached is not None:
        return cached
    con = getattr(ctx.backend, "con", None)
    if ctx.backend.name != "duckdb" or con is None:
        return None
    faults = kept_faults(ctx.la_codes)
    if faults is None:
        faults = current_faults(con, ctx.la_codes, keep=Store.on(con).writable())
    canonical = [
        canonical_table(ret, t)
        for ret, t in zip(
            faults.column("return").to_pylist(), faults.column("table").to_pylist(), strict=True
        )
    ]
    faults = faults.append_column("canonical", strings(canonical))
    ctx.__dict__["_dq_rule_faults"] = faults
    return faults


def rule_quality(ctx: Context, m: Measure) -> list[RuleQuality]:
    """Share of each of the measure's tables' rows in the period with a fault from one of the
    measure's rules, per authority and period. Only errors count: a DfE query (a code ending
    `Q`, severity "query") asks the authority to check or explain a value and does not block
    the return, so it does not make a record unsafe (docs/quality.md, "Reportability")."""
    codes, tables = _rule_tables(ctx, m)
    out: list[RuleQuality] = []
    for table_name, date_col in tables:
        totals, hits = _rule_rows(ctx, rule_faults(ctx), m.period_type, table_name, date_col)
        if not codes & hits.keys():
            continue  # no fault from the measure's rules on the table at all
        flagged: dict[tuple[str, str], set[tuple]] = {}
        by_rule: dict[tuple[str, str], dict[str, set[tuple]]] = {}
        for ret_code in codes & hits.keys():
            for la, period, row in hits[ret_code]:
                flagged.setdefault((la, period), set()).add(row)
                by_rule.setdefault((la, period), {}).setdefault(ret_code[1], set()).add(row)
        for (la, period), rows in totals.items():
            listed = sorted(
                ((rule, len(found)) for rule, found in by_rule.get((la, period), {}).items()),
                key=lambda kv: (-kv[1], kv[0]),
            )
            found = len(flagged.get((la, period), ()))
            out.append(RuleQuality(table_name, la, period, rows, found, tuple(listed)))
    return out


def _rule_tables(ctx: Context, m: Measure) -> tuple[set[tuple[str, str]], list[tuple[str, str]]]:
    """The measure's DfE error rules, as (return, code), and the tables (with their activity
    date) of its fields that have a fault from one of them: those `rule_quality` counts."""
    chosen = [r for r in rules_for(m) if r.severity == "error"]
    faults = rule_faults(ctx) if chosen else None
    if faults is None or faults.num_rows == 0:
        return set(), []
    codes = {(r.ret, r.code) for r in chosen}
    on_table = _rules_on_tables(ctx, faults)
    tables = []
    for table_name in dict.fromkeys(f.partition(".")[0] for f in m.fields):
        date_col = activity_date(table_name)
        if date_col is not None and codes & on_table.get(table_name, set()):
            tables.append((table_name, date_col))
    return codes, tables


def _rules_on_tables(ctx: Context, faults: pa.Table) -> dict[str, set[tuple[str, str]]]:
    """{canonical table: the (return, rule) codes with a fault on it}, once per context."""
    if "_dq_rules_on_tables" not in ctx.__dict__:
        found: dict[str, set[tuple[str, str]]] = {}
        columns = [faults.column(c).to_pylist() for c in ("canonical", "return", "rule")]
        for table_name, ret, rule in set(zip(*columns, strict=True)):
            found.setdefault(table_name, set()).add((ret, rule))
        ctx.__dict__["_dq_rules_on_tables"] = found
    return ctx.__dict__["_dq_rules_on_tables"]


def _rule_rows(
    ctx: Context, faults: pa.Table, period_type: str, table_name: str, date_col: str
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], list[tuple]]]:
    """For a table and period type, once per context: the distinct rows in each authority's
    period window, and the rows in the window with a fault, by (return, rule):
    ({(la_code, period): rows}, {(return, rule): [(la_code, period, (load_id, row))]})."""
    done = ctx.__dict__.setdefault("_dq_rule_rows", {})
    if (period_type, table_name) in done:
        return done[(period_type, table_name)]
    window = ctx.execute(*_window_query(period_type, table_name, date_col))
    mine = faults.select(["return", "rule", "la_code", "load_id", "row", "canonical"])
    with ctx.backend.con.cursor() as cur:
        cur.register("csc_window", window)
        cur.register("csc_rule_faults", mine)
        totals = cur.execute(
            "SELECT la_code, period, count(*) FROM (SELECT DISTINCT * FROM csc_window) "
            "GROUP BY la_code, period"
        ).fetchall()
        hits = cur.execute(
            'SELECT DISTINCT f."return", f.rule, w.la_code, w.period, w.load_id, w.source_row '
            "FROM csc_window w JOIN csc_rule_faults f ON w.la_code = f.la_code "
            "AND w.load_id = f.load_id AND w.source_row = f.row WHERE f.canonical = ?",
            [table_name],
        ).fetchall()
    by_code: dict[tuple[str, str], list[tuple]] = {}
    for ret, rule, la, period, load_id, row in hits:
        by_code.setdefault((ret, rule), []).append((la, period, (load_id, row)))
    done[(period_type, table_name)] = ({(la, p): n for la, p, n in totals}, by_code)
    return done[(period_type, table_name)]


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
