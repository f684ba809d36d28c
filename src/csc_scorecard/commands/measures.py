"""`scorecard measures`: every measure for a period, tidy, for people and for Power BI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import (
    DEFAULT_STORE_PATH,
    AuthoritiesOption,
    RegionOption,
    StoreOption,
    chosen_authorities,
    outside_the_data,
)
from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.measures.results import measure_run
from csc_scorecard.measures.run import run_measures
from csc_scorecard.measures.spark import EngineError
from csc_scorecard.model.lake import LakeError
from csc_scorecard.model.periods import parse_periods
from csc_scorecard.rating import FrameworkError, ValuesFileError, load_framework
from csc_scorecard.rating.checks import check_framework
from csc_scorecard.rating.rated import framework_manual_rows, tidy
from csc_scorecard.store import Store


@app.command()
def measures(
    period: Annotated[
        str,
        typer.Option(
            help="Period(s): a quarter 2022-Q1, a month 2022-06, 2022-06-YTD, 2022-06-R12, "
            "2022/23, AY2022/23; a range 2021-Q1:2022-Q1 or a comma list."
        ),
    ],
    store: StoreOption = DEFAULT_STORE_PATH,
    la_code: AuthoritiesOption = None,
    region: RegionOption = None,
    framework: Annotated[
        Path | None, typer.Option(help="Framework YAML: adds target, RAG and direction.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or parquet.")] = "table",
    out: Annotated[
        Path | None, typer.Option(help="Write to this file (needed for parquet).")
    ] = None,
    measure: Annotated[
        list[str] | None, typer.Option(help="Only these measure ids (repeatable).")
    ] = None,
    engine: Annotated[
        str, typer.Option(help="duckdb (one machine) or spark (a cluster; needs --data).")
    ] = "duckdb",
    data: Annotated[
        Path | None,
        typer.Option(help="A Parquet lake (`scorecard export`) to read instead of the store."),
    ] = None,
    spark_master: Annotated[
        str | None,
        typer.Option(
            help="Spark master: local[N], spark://host:port, yarn (default: spark-submit's)."
        ),
    ] = None,
) -> None:
    """Compute measures from the store: value, numerator, denominator, status, RAG, direction, comparators."""
    if fmt not in ("table", "json", "csv", "parquet"):
        raise typer.BadParameter(
            "format must be table, json, csv or parquet", param_hint="--format"
        )
    if fmt == "parquet" and out is None:
        raise typer.BadParameter("parquet needs --out FILE", param_hint="--out")
    try:
        periods = parse_periods(period)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--period") from None
    unknown = sorted(set(measure or []) - set(catalogue()))
    if unknown:
        raise typer.BadParameter(
            f"not in the measure catalogue: {', '.join(unknown)} (see docs/measures.md)",
            param_hint="--measure",
        )
    if engine not in ("duckdb", "spark"):
        raise typer.BadParameter("engine must be duckdb or spark", param_hint="--engine")
    if engine == "spark" and data is None:
        raise typer.BadParameter(
            "the spark engine reads a lake: pass --data DIR", param_hint="--data"
        )
    try:
        with _source(store, data) as db:
            backend = _spark_backend(data, spark_master) if engine == "spark" else None
            authorities = chosen_authorities(db, la_code, region)
            outside = outside_the_data(db, authorities, periods)
            la = authorities[0]
            rules = None
            extra: list = []
            if framework:
                rules = load_framework(framework)
                check = check_framework(rules, la_code=la)
                check.raise_errors(str(framework))
                for warning in check.warnings:
                    typer.echo(f"warning: {warning}", err=True)
            tables = []
            for la in authorities:
                # DuckDB reads the results stored after ingest; Spark computes on the cluster.
                run = (
                    measure_run(db, la, periods, measures=measure or None)
                    if backend is None
                    else run_measures(db, la, periods, measures=measure or None, backend=backend)
                )
                if rules:
                    needed = {
                        str(q)
                        for p in periods
                        for q in (p, p.previous(), p.same_quarter_last_year())
                    }
                    extra = framework_manual_rows(db, la, rules, catalogue(), needed)
                tables.append(tidy(db, run, rules, extra, only=measure or None))
            table = pa.concat_tables(tables, promote_options="default")
    except (FrameworkError, ValuesFileError, FileNotFoundError, LakeError, EngineError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from None
    if outside:
        typer.echo(outside, err=True)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        with open(out, "wb") as sink:  # opened here: a failure names the file, as Python's do
            pq.write_table(table, sink)
    elif fmt == "csv":
        from csc_scorecard.csv_safety import write_arrow_csv

        with open(out or "/dev/stdout", "wb") as sink:
            write_arrow_csv(table, sink)
    elif fmt == "json":
        text = json.dumps(table.to_pylist(), indent=1, default=str)
        out.write_text(text) if out else typer.echo(text)
    else:
        _print_table(table)


def _source(store: Path, data: Path | None) -> Store:
    """The store, or a lake read in place (Store.over_lake: no DuckDB file involved)."""
    return Store.over_lake(data) if data is not None else Store(store, read_only=True)


def _spark_backend(data: Path, master: str | None):
    from csc_scorecard.measures.lake import lake_backend
    from csc_scorecard.measures.spark import spark_session

    return lake_backend(data, "spark", spark=spark_session(master))


def _print_table(table) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable

    view = RichTable(
        "item",
        "measure",
        "period",
        "breakdown",
        "value",
        "num",
        "den",
        "status",
        "RAG",
        "direction",
    )
    for r in table.to_pylist():
        value = "" if r["value"] is None else f"{r['value']:,.1f}"
        view.add_row(
            r.get("framework_item") or "",
            r["measure"],
            r["period"],
            r["dimension"] or "",
            value,
            "" if r["numerator"] is None else f"{r['numerator']:,.0f}",
            "" if r["denominator"] is None else f"{r['denominator']:,.0f}",
            f"{r['status']}: {r['reason']}" if r["reason"] else r["status"],
            r.get("rag") or "",
            r.get("direction") or "",
        )
    Console(width=200).print(view)
