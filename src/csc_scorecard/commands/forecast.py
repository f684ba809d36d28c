"""`scorecard forecast` (the care-ladder forecast and finance section) and `scorecard project`
(the placement projection, or its back-test)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import (
    DEFAULT_STORE_PATH,
    AuthoritiesOption,
    AuthorityOption,
    RegionOption,
    StoreOption,
    authority,
    each_authority,
)
from csc_scorecard.errors import BadInput
from csc_scorecard.numbers import fixed
from csc_scorecard.store import Store

FormatOption = Annotated[
    str, typer.Option("--format", help="table, json or csv (csv: tidy rows for Power BI).")
]
OutOption = Annotated[Path | None, typer.Option(help="Write to this file instead of the screen.")]


@app.command()
def forecast(
    period: Annotated[
        str,
        typer.Option(
            help="Quarter, e.g. 2022-Q1: forecast for its financial year as known at its end."
        ),
    ],
    scenario: Annotated[str, typer.Option(help="Scenario name (see docs/finance.md).")] = "base",
    scenarios: Annotated[
        Path | None,
        typer.Option(help="An authority's own scenarios YAML, added to the packaged ones."),
    ] = None,
    publication: Annotated[
        bool, typer.Option(help="Leave out package lists; print counts 1-5 as c.")
    ] = False,
    store: StoreOption = DEFAULT_STORE_PATH,
    la_code: AuthoritiesOption = None,
    region: RegionOption = None,
    fmt: FormatOption = "table",
    out: OutOption = None,
) -> None:
    """Forecast outturn by care-ladder line, drivers, placement projection and homes pipeline;
    for several authorities (--la all, a list, --region) each one's forecast in turn."""
    from csc_scorecard.report.sections.finance.section import finance_section, tidy

    if fmt not in ("json", "csv", "table"):
        raise typer.BadParameter("format must be table, json or csv")
    with Store(store, read_only=True) as db:
        chosen = each_authority(db, la_code, region)
        _covered(db, chosen, period)
        sections = {
            la: finance_section(
                db,
                la,
                period,
                scenario=scenario,
                publication=publication,
                scenarios_file=str(scenarios) if scenarios else None,
            )
            for la in chosen
        }
    one = next(iter(sections.values())) if len(sections) == 1 else None
    if fmt == "json":  # several: {la_code: section}
        text = (
            one.model_dump_json(indent=1)
            if one
            else "{\n"
            + ",\n".join(f'"{la}": {s.model_dump_json(indent=1)}' for la, s in sections.items())
            + "\n}"
        )
        _emit(text, out)
    elif fmt == "csv":  # several: the tidy rows of each, with an la_code column first
        _csv(tidy(one) if one else _stacked({la: tidy(s) for la, s in sections.items()}), out)
    else:
        for la, section in sections.items():
            if not one:
                typer.echo(f"LA {la}")
            _print_section(section)


def _covered(db: Store, las: list[str], period: str) -> None:
    """Refuse a quarter an authority's loaded data do not reach (or an authority with no case
    data), as the report does: its forecast would state homes' judgements and an outturn "at"
    a date nothing was loaded for (`report.subject.check_coverage`)."""
    from csc_scorecard.model.periods import Quarter
    from csc_scorecard.report.subject import check_coverage

    quarter = Quarter.parse(period)  # a malformed one: its own one-line refusal
    for la in las:
        check_coverage(db, la, quarter)


def _stacked(tables: dict) -> object:
    """Tidy tables of several authorities as one (each row carries its la_code already)."""
    import pyarrow as pa

    return pa.concat_tables(list(tables.values()), promote_options="default")


@app.command()
def project(
    start: Annotated[
        str,
        typer.Option(
            "--from", help="Start date (YYYY-MM-DD): fit on the year before, project after."
        ),
    ],
    months: Annotated[int, typer.Option(min=1, max=60, help="Months to project.")] = 24,
    scenario: Annotated[
        str, typer.Option(help="Scenario name (its projection settings apply).")
    ] = "base",
    simulations: Annotated[
        int | None, typer.Option(min=1, help="Simulations for the band (default: projection.yaml).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same answer.")] = 0,
    backtest: Annotated[
        bool,
        typer.Option(
            help="Instead: fit at the last four quarter ends with `months` of outcomes after them, and report the errors."
        ),
    ] = False,
    store: StoreOption = DEFAULT_STORE_PATH,
    la_code: AuthorityOption = None,
    fmt: FormatOption = "table",
    out: OutOption = None,
) -> None:
    """Project children looked after by placement group, with an uncertainty band."""
    from csc_scorecard.forecast import backtest as bt
    from csc_scorecard.forecast.projection import project as run

    with Store(store, read_only=True) as db:
        la = authority(db, la_code)
        if backtest:
            result = bt.backtest(db, la, months=months, simulations=simulations or 100, seed=seed)
        else:
            result = run(
                db,
                la,
                _date(start, "--from"),
                months,
                scenario=scenario,
                simulations=simulations,
                seed=seed,
            )
    if fmt == "json":
        _emit(result.model_dump_json(indent=1), out)
    elif fmt == "csv":
        import pyarrow as pa

        rows = [p.model_dump() for p in (result.summary if backtest else result.points)]
        _csv(pa.Table.from_pylist(rows), out)
    elif fmt == "table":
        _print_backtest(result) if backtest else _print_projection(result)
    else:
        raise typer.BadParameter("format must be table, json or csv")


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def _emit(text: str, out: Path | None) -> None:
    out.write_text(text) if out else typer.echo(text)


def _csv(table, out: Path | None) -> None:
    from csc_scorecard.csv_safety import write_arrow_csv

    if out is None:
        typer.echo(write_arrow_csv(table), nl=False)
        return
    with open(out, "wb") as sink:  # opened here: a failure names the file, as Python's do
        write_arrow_csv(table, sink)


def _print_section(section) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=140)
    view = Table(
        "",
        "budget",
        "forecast",
        "variance",
        title=f"Forecast outturn {section.financial_year}, month {section.month} ({section.scenario})",
    )
    for r in section.variance_table:
        name = r.name if r.kind in ("group", "subtotal", "total") else f"  {r.name}"
        view.add_row(
            name,
            r.budget_display,
            r.forecast_display,
            r.variance_display,
            style="bold" if r.kind in ("subtotal", "total") else None,
        )
    console.print(view)
    for p in section.paragraphs:
        console.print(f"\n{p.text}", soft_wrap=False)
        for b in p.bullets:
            console.print(f"  - {b.text}")
    for n in section.notes:
        console.print(f"\n[italic]Note: {n}[/italic]")


def _print_projection(p) -> None:
    from rich.console import Console
    from rich.table import Table

    ids = [g.id for g in p.groups] + ["total"]
    view = Table(
        "date",
        *ids,
        title=f"Children looked after from {p.start} ({p.scenario}; mean and {p.interval:.0%} band)",
    )
    view.add_row(
        str(p.start), *[str(p.start_counts.get(i, sum(p.start_counts.values()))) for i in ids]
    )
    for d in sorted({x.date for x in p.points}):
        cells = [f"{p.at(d, i).mean:.0f} ({p.at(d, i).low:.0f}-{p.at(d, i).high:.0f})" for i in ids]
        view.add_row(str(d), *cells)
    Console(width=200).print(view)


def _print_backtest(b) -> None:
    from rich.console import Console
    from rich.table import Table

    view = Table(
        "group",
        "horizon (months)",
        "MAPE %",
        "bias %",
        "naive MAPE %",
        "band coverage",
        title=f"Back-test from {', '.join(map(str, b.origins))}",
    )
    for s in b.summary:
        if s.horizon in (1, 3, 6, 12, 24) or s.horizon == b.months:
            view.add_row(
                s.group,
                str(s.horizon),
                _fmt(s.mape),
                _fmt(s.bias),
                _fmt(s.naive_mape),
                "" if s.coverage is None else f"{s.coverage:.0%}",
            )
    Console(width=160).print(view)


def _fmt(v: float | None) -> str:
    return "" if v is None else fixed(v, 1)
