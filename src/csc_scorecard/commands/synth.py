"""`scorecard synth`: write the synthetic authority in every real format."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import write_all


def parse_years(text: str) -> tuple[int, int]:
    """'2016-2022' -> (2016, 2022): financial years by their starting year.

    >>> parse_years("2016-2022"), parse_years("2021")
    ((2016, 2022), (2021, 2021))
    """
    first, _, last = text.partition("-")
    return int(first), int(last or first)


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the extracts into.")],
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same authority.")] = 2022,
    size: Annotated[
        float, typer.Option(help="Scale: 1.0 is about 67,000 children aged 0-17.")
    ] = 1.0,
    years: Annotated[
        str, typer.Option(help="Financial years simulated, by starting year, e.g. 2016-2022.")
    ] = "2016-2022",
    imperfections: Annotated[
        float, typer.Option(help="Share of records given realistic data-quality faults (0-1).")
    ] = 0.0,
    la_code: Annotated[str, typer.Option("--la", help="3-digit DfE LA code to use.")] = "371",
) -> None:
    """Simulate a local authority and write every statutory format and template into OUT."""
    first, last = parse_years(years)
    config = SynthConfig(
        seed=seed,
        size=size,
        first_year=first,
        last_year=last,
        imperfections=imperfections,
        la_code=la_code,
    )
    started = time.perf_counter()
    authority = generate(config)
    files = write_all(authority, out)
    rows = sum(t.num_rows for t in authority.tables.values())
    typer.echo(
        f"Synthetic authority {config.la_code} ({config.start:%d/%m/%Y}-{config.end:%d/%m/%Y}): "
        f"{rows:,} canonical rows, {len(files)} files written to {out} "
        f"in {time.perf_counter() - started:.1f}s"
    )
