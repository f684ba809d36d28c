"""`scorecard synth`: write the synthetic authority in every real format, or a synthetic England
straight into a store."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import SyntheticAuthorityOption, out_folder
from csc_scorecard.synth.authority import SynthConfig
from csc_scorecard.synth.writers import generate_and_write, name, write_later, writers

if TYPE_CHECKING:
    from collections.abc import Callable

    from csc_scorecard.forked import Forked

# The writers run in two processes (forked: the simulated tables are shared, not copied), in
# groups of about equal cost; the machine this was measured on has two cores, and the largest
# writer (the SSD) is about 40% of the whole, so a third process would gain little.
WRITING_PROCESSES = min(2, os.cpu_count() or 1)


def parse_years(text: str) -> tuple[int, int]:
    """'2016-2022' -> (2016, 2022): financial years by their starting year.

    >>> parse_years("2016-2022"), parse_years("2021")
    ((2016, 2022), (2021, 2021))
    """
    first, _, last = text.partition("-")
    try:
        return int(first), int(last or first)
    except ValueError:
        raise typer.BadParameter(f"--years {text!r} is not like 2016-2022") from None


def parse_codes(text: str) -> list[str]:
    """'372, 373' -> ['372', '373'] (3-digit DfE LA numbers, in order, once each)."""
    codes = list(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    bad = [c for c in codes if not (len(c) == 3 and c.isdigit())]
    if bad or not codes:
        raise typer.BadParameter(f"--la {text!r}: give 3-digit DfE LA numbers such as 372,373")
    return codes


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
    la_code: SyntheticAuthorityOption = None,
    like: Annotated[
        str | None,
        typer.Option(
            "--like",
            help="Shape the authority like this one: its ONS 0-17 population and its "
            "published DfE referral, re-referral, S47, CIN, CP and CLA rates.",
        ),
    ] = None,
    england: Annotated[
        bool,
        typer.Option(
            "--england",
            help="Every English authority, each sized and calibrated from its published "
            "figures, generated straight into a store (no statutory files).",
        ),
    ] = False,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store", help="With --england: the new store (default OUT/scorecard.duckdb)."
        ),
    ] = None,
) -> None:
    """Simulate a local authority and write every statutory format and template into OUT;
    or, with --england, every English authority into a store for work at scale."""
    first, last = parse_years(years)
    out_folder(out)
    if england:
        _england(out, store, first, last, seed, la_code)
        return
    codes = [like] if like else parse_codes(la_code or "371")
    if like or len(codes) > 1:
        for code in codes:
            folder = out if like else out / code
            _one(folder, seed, first, last, imperfections, code, like=code, size=None)
        return
    _one(out, seed, first, last, imperfections, codes[0], like=None, size=size)


def _one(
    out: Path,
    seed: int,
    first: int,
    last: int,
    imperfections: float,
    la_code: str,
    *,
    like: str | None,
    size: float | None,
) -> None:
    """One authority through the per-child simulator and every statutory writer."""
    name = SynthConfig.model_fields["la_name"].default
    if like:
        from csc_scorecard.synth import calibration
        from csc_scorecard.synth.like import like as shaped
        from csc_scorecard.synth.like import name as like_name

        try:
            size = shaped(calibration.load(), like, first, last)[1]
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
        name = like_name(like, first, last)
    config = SynthConfig(
        seed=seed,
        size=size,
        first_year=first,
        last_year=last,
        imperfections=imperfections,
        la_code=la_code,
        la_name=name,
        like=like,
    )
    simulate_and_write(config, out, like=like)


def simulate_and_write(
    config: SynthConfig, out: Path, like: str | None = None, later: tuple[str, ...] = ()
) -> Callable[[], Forked] | None:
    """Simulate the authority and write its formats into OUT, two processes side by side.

    The formats in `later` are not written yet: the returned function starts writing them in
    a process of their own (`.result()` then waits for their files), so that the demo can
    write them while it does work that leaves a core idle."""
    started = time.perf_counter()
    now = [name(m) for m in writers() if name(m) not in later]
    authority, files = generate_and_write(config, out, now, processes=WRITING_PROCESSES)
    rows = sum(t.num_rows for t in authority.tables.values())
    typer.echo(
        f"Synthetic authority {config.la_code} ({config.start:%d/%m/%Y}-{config.end:%d/%m/%Y}"
        f"{f', shaped like {like}, size {config.size:.2f}' if like else ''}): "
        f"{rows:,} canonical rows, {len(files)} files written to {out} "
        f"in {time.perf_counter() - started:.1f}s"
        + (f" ({', '.join(later)} to follow)" if later else "")
    )
    return (lambda: write_later(authority, out, list(later))) if later else None


def _england(out: Path, store: Path | None, first: int, last: int, seed: int, la_code: str) -> None:
    """Every English authority (or the --la list) vectorised into a new store, with the
    shipped reference data, so the measures and comparisons run at once."""
    from csc_scorecard.reference.load import import_reference
    from csc_scorecard.store import Store
    from csc_scorecard.synth import england as synthetic

    span = synthetic.Span(first, last)
    codes = parse_codes(la_code) if la_code else None
    path = store or out / "scorecard.duckdb"
    started = time.perf_counter()
    total = 0

    def progress(la: str, rows: int, seconds: float) -> None:
        nonlocal total
        total += rows
        typer.echo(f"  LA {la}: {rows:,} rows in {seconds:.1f}s", err=True)

    with Store(path) as db:
        if not db.holds("la_codes"):
            import_reference(db)
        try:
            written = synthetic.write_store(db, codes, span, seed, progress)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
    typer.echo(
        f"Synthetic England: {len(written)} authorities, {total:,} canonical rows, "
        f"{span.start:%d/%m/%Y}-{span.end:%d/%m/%Y}, written to {path} in "
        f"{time.perf_counter() - started:.1f}s (measures are computed when first read)"
    )
