"""A measure's definition, source, fields and the SQL it runs, for analysts to check."""

from __future__ import annotations

import ibis

from csc_scorecard.measures.catalogue import measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.engine import counted
from csc_scorecard.model.periods import Quarter
from csc_scorecard.store import Store

DIALECTS = {"duckdb": "duckdb", "spark": "pyspark", "postgres": "postgres", "tsql": "mssql"}


def measure_sql(measure_id: str, dialect: str = "duckdb", period: str = "2022-Q1") -> str:
    """The SQL the measure compiles to (for one quarter) in the chosen dialect."""
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}")
    m = measure(measure_id)
    if m.manual:
        return "-- manual measure: values are supplied in manual_values, not counted"
    with Store(":memory:") as empty:
        ctx = Context(ibis.duckdb.from_connection(empty.con), ["LA"], [Quarter.parse(period)])
        return ibis.to_sql(counted(m, ctx), dialect=DIALECTS[dialect])


def explain(measure_id: str, dialect: str = "duckdb") -> str:
    m = measure(measure_id)
    lines = [
        f"{m.id}: {m.title}",
        f"group: {m.group}   unit: {m.unit}   polarity: {m.polarity}   period: {m.period_type}"
        + (f"   rate per {m.population} population" if m.population else "")
        + ("   annualised" if m.annualise else ""),
        "",
        "Definition:",
        f"  {m.definition}",
        "",
        f"Source: {m.source}",
        f"Fields: {', '.join(m.fields) or '-'}",
    ]
    if m.settings:
        lines.append("Settings: " + ", ".join(f"{k}={v}" for k, v in m.settings.items()))
    if m.dimension:
        lines.append(f"Breakdown: {m.dimension}")
    lines += ["", f"SQL ({dialect}):", measure_sql(measure_id, dialect)]
    return "\n".join(lines)
