"""`scorecard rate`: rate a framework's items for one quarter from a values file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from csc_scorecard.cli import app
from csc_scorecard.model.periods import parse_period
from csc_scorecard.rating import (
    FrameworkError,
    FrameworkResult,
    ItemResult,
    ValuesFileError,
    describe,
    format_value,
    load_framework,
    rate_framework,
    read_values,
)
from csc_scorecard.rating.checks import check_framework

_COLOURS = {"green": "green", "amber": "yellow", "red": "red"}
_ARROWS = {"improving": "▲ improving", "worsening": "▼ worsening", "unchanged": "► unchanged"}


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _quarter(text: str) -> str:
    try:
        return str(parse_period(text))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


@app.command()
def rate(
    framework: Annotated[Path, typer.Option(help="Framework YAML (targets and tolerances).")],
    values: Annotated[Path, typer.Option(help="Values CSV: measure, period, value[, ...].")],
    period: Annotated[
        str,
        typer.Option(
            help="Period to rate: a quarter 2022-Q1 (April-June 2022), a month 2022-06, 2022-06-YTD, 2022-06-R12, 2022/23 or AY2022/23.",
            callback=_quarter,
        ),
    ],
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.TABLE
    ),
    small_number_threshold: Annotated[
        float | None,
        typer.Option(
            min=0.000001,
            help="Warn when a numerator or denominator is below this "
            "(default: the framework's, else 10).",
        ),
    ] = None,
) -> None:
    """Rate every item: status, RAG against target and tolerance, direction, summary counts."""
    try:
        rules = load_framework(framework)
        check = check_framework(rules)
        check.raise_errors(str(framework))
        for warning in check.warnings:
            typer.echo(f"warning: {warning}", err=True)
        result = rate_framework(
            rules,
            read_values(values),
            period,
            small_number_threshold=small_number_threshold,
        )
    except (FrameworkError, ValuesFileError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from None
    if result.unmatched_measures:
        typer.echo(
            "warning: values for measures not in the framework: "
            + ", ".join(result.unmatched_measures),
            err=True,
        )
    for item in (i for g in result.groups for i in g.items if i.warning):
        typer.echo(f"warning: {item.warning}", err=True)
    if output is OutputFormat.JSON:
        typer.echo(result.model_dump_json(indent=2))
    else:
        _print_table(result)


def _print_table(result: FrameworkResult) -> None:
    console = Console(width=160)
    console.print(
        Text(f"{result.framework} - {result.authority} - {result.period_label}", style="bold")
    )
    for group in result.groups:
        table = Table(title=group.title, title_justify="left")
        for name in (
            "ID",
            "Measure",
            "Target",
            "Comp",
            result.previous_period,
            result.period,
            "RAG",
            "Travel",
            "Note",
        ):
            table.add_column(name, overflow="fold", max_width=44)
        for item in group.items:
            before = item.vs_previous
            travel = _ARROWS.get(before.direction or "", "")
            if before.small_number_warning:
                travel += " (small numbers)"
            table.add_row(
                item.id,
                _shorten(item.title),
                "\n".join(t for t in (item.target_display, item.target_rule) if t),
                _comparators(item),
                format_value(before.value, item.unit) if before.value is not None else before.raw,
                item.display,
                Text(
                    item.status.value.replace("_", " "), style=_COLOURS.get(item.status.value, "")
                ),
                travel,
                _shorten(item.reason or ""),
            )
        console.print(table)
        for line in describe(group.summary):
            console.print(Text(f"  {line}"))


def _comparators(item: ItemResult) -> str:
    """Every comparator, one a line: the fixed "Comp" figure, then each labelled one."""
    lines = [format_value(item.comparator, item.unit)] if item.comparator is not None else []
    lines += [f"{c.label} {c.year}: {c.display or 'not published'}" for c in item.comparators]
    return "\n".join(lines)


def _shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
