"""`scorecard caseloads`: workers at or above key caseload levels on a date, by team or area."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import ibis
import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import (
    DEFAULT_STORE_PATH,
    AuthoritiesOption,
    RegionOption,
    StoreOption,
    each_authority,
    parse_day,
)
from csc_scorecard.errors import BadInput
from csc_scorecard.lists.base import no_rows
from csc_scorecard.lists.caseloads import CASE_HOLDERS_UNKNOWN
from csc_scorecard.lists.dates import checked_date
from csc_scorecard.measures.workforce.caseloads import CaseloadFigures, CaseloadPosition, positions
from csc_scorecard.measures.workforce.settings import WorkforceSettings, load_settings
from csc_scorecard.measures.workforce.snapshot import context_for
from csc_scorecard.store import Store
from csc_scorecard.wording import long_date

_OPTIONS = {"now": "--date", "compare": "--compare"}


def _settings(path: Path | None) -> WorkforceSettings:
    """The workforce settings, or a one-line refusal naming the file (and line) at fault."""
    import yaml
    from pydantic import ValidationError

    from csc_scorecard.rating.framework import unreadable

    try:
        return load_settings(path)
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        line, reason = unreadable(error)
        raise typer.BadParameter(
            f"{path}, line {line}: {reason}", param_hint="--settings"
        ) from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']} (given {e['input']!r})"
            for e in error.errors()
        )
        raise typer.BadParameter(f"{path}: {problems}", param_hint="--settings") from None
    except ValueError as error:  # not a mapping
        raise typer.BadParameter(str(error), param_hint="--settings") from None


@app.command()
def caseloads(
    on: Annotated[str, typer.Option("--date", help="Date of the position, e.g. 2022-06-30.")],
    compare: Annotated[
        str | None, typer.Option(help="An earlier date to compare with, e.g. 2022-04-07.")
    ] = None,
    by: Annotated[str | None, typer.Option(help="Break down by team or service_area.")] = None,
    fte: Annotated[
        bool, typer.Option("--fte", help="Cases per FTE (part-time workers scaled up).")
    ] = False,
    weighted: Annotated[
        bool,
        typer.Option(
            "--weighted",
            help="Cases per FTE weighted by role; absent, new and leaving workers left out.",
        ),
    ] = False,
    settings: Annotated[
        Path | None,
        typer.Option(help="Workforce settings YAML (thresholds, weights) over the defaults."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the positions as JSON.")] = False,
    store: StoreOption = DEFAULT_STORE_PATH,
    la_code: AuthoritiesOption = None,
    region: RegionOption = None,
) -> None:
    """Caseloads at or above the key levels (default 16, 20, 25) and the highest, for the
    service and each team or service area; per FTE or weighted by role on request."""
    if fte and weighted:
        raise typer.BadParameter("choose --fte or --weighted, not both")
    if by not in (None, "team", "service_area"):
        raise typer.BadParameter("--by takes team or service_area")
    basis = "weighted" if weighted else "fte" if fte else "cases"
    dates = {"now": parse_day(on), **({"compare": parse_day(compare)} if compare else {})}
    chosen = _settings(settings)
    shown: dict[str, list[CaseloadPosition]] = {}
    notes: list[str] = []
    with Store(store, read_only=True) as db:
        backend = ibis.duckdb.from_connection(db.con)
        for la in each_authority(db, la_code, region):  # each authority's own workers
            if not db.holds("case_allocations", la):  # else "0 case holders, 0 cases"
                raise BadInput(no_rows("case_allocations", la, CASE_HOLDERS_UNKNOWN))
            for label, day in dates.items():  # a date the data do not reach: refused
                note = checked_date(db, la, day, _OPTIONS[label], "caseload position")
                if note:
                    notes.append(f"LA {la}: {note}")
            ctx = context_for(backend, la)
            found = positions(ctx, dates, bases=(basis,), settings=chosen)
            shown[la] = [found[(label, basis)] for label in dates]
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    if as_json:  # one authority: its positions; several: positions by LA code
        dumped = {la: [p.model_dump(mode="json") for p in ps] for la, ps in shown.items()}
        typer.echo(
            json.dumps(next(iter(dumped.values())) if len(dumped) == 1 else dumped, indent=1)
        )
    else:
        for la, positions_ in shown.items():
            _print(positions_, by, la if len(shown) > 1 else None)


def _rows(p: CaseloadPosition, by: str | None) -> list[CaseloadFigures]:
    return [
        p.total,
        *(p.by_team if by == "team" else p.by_service_area if by == "service_area" else []),
    ]


def _print(shown: list[CaseloadPosition], by: str | None, la: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=200)
    for p in shown:
        view = Table(
            title=f"{f'LA {la}: ' if la else ''}Caseloads on {long_date(p.date)}: {p.basis_words}"
        )
        for heading in (
            "",
            "case holders",
            "cases",
            "average",
            "highest",
            *(f"{t}+" for t in p.thresholds),
        ):
            view.add_column(heading, justify="left" if not heading else "right")
        for f in _rows(p, by):
            view.add_row(
                f.name,
                f"{f.case_holders:,}",
                f"{f.cases:,}",
                "" if f.average is None else f"{f.average:.1f}",
                "" if f.maximum is None else f"{f.maximum:.1f}".removesuffix(".0"),
                *(a.display for a in f.at_or_above),
            )
        console.print(view)
        if p.excluded:
            console.print(
                "Left out: "
                + "; ".join(
                    f"{e.workers} {e.reason.replace('_', ' ')} ({e.cases} cases)"
                    for e in p.excluded
                )
            )
        if p.cases_without_post:
            n = p.cases_without_post
            console.print(
                f"{n:,} {'case is' if n == 1 else 'cases are'} held by workers with no post on the date."
            )
