"""`scorecard demo`: the whole product on the synthetic authority, with nothing but the package.

The same steps as a council's quarter, each the command a council would run: simulate the
authority and write every statutory format, load the reference data shipped with the product,
ingest the extracts, show what the store holds, and build the quarterly report.
"""

from __future__ import annotations

import contextlib
import io
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import out_folder
from csc_scorecard.commands.ingest import ingest_files
from csc_scorecard.commands.reference import reference
from csc_scorecard.commands.report import report
from csc_scorecard.commands.status import status
from csc_scorecard.forked import Forked

DEMO_LA = "371"  # real populations, neighbours and comparators apply to the synthetic authority
DEMO_QUARTER = "2022-Q1"  # the last quarter the default simulation covers (April-June 2022)
# The formats a council sends: the 903 return once (as CSV; the simulation also writes XML).
DEMO_EXTRACTS = ("ssda903", "cin_census", "annex_a", "csww", "templates")
DEMO_WRITTEN_ALONGSIDE = ("ssd",)  # written for the council to see, not ingested by the demo


def demo_example(name: str) -> Path:
    """A file of the demo's example (examples/doncaster-2022: the seed report's framework, the
    council's paper file and a quarter's narrative), shipped inside the package."""
    return Path(str(resources.files("csc_scorecard").joinpath(f"examples/doncaster-2022/{name}")))


def _reference_told(store: Path, from_dir: Path | None) -> tuple[str, str]:
    """`scorecard reference` into the store; what it printed (output, errors) as text, for the
    demo to print in its place."""
    told, warned = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(told), contextlib.redirect_stderr(warned):
        reference(store=store, from_dir=from_dir)
    return told.getvalue(), warned.getvalue()


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the extracts, store and report.")],
    reference_from: Annotated[
        Path | None,
        typer.Option(
            "--reference-from",
            help="Folder of public DfE/ONS files (default: the data shipped with the product).",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    formats: Annotated[str, typer.Option(help="Report formats.")] = "html,pdf,docx,xlsx",
    size: Annotated[float, typer.Option(help="Scale of the synthetic authority.")] = 1.0,
) -> None:
    """Synthetic authority -> every statutory format -> store -> the Q1 2022/23 committee paper."""
    out_folder(out)
    if out.exists() and any(out.iterdir()):
        typer.echo(f"Refused: {out} is not empty; choose a new folder for the demo.", err=True)
        raise typer.Exit(code=2)
    from csc_scorecard.commands.synth import simulate_and_write
    from csc_scorecard.synth.authority import SynthConfig

    store = out / "scorecard.duckdb"
    out.mkdir(parents=True, exist_ok=True)
    # The reference data go into the store in a second process while the authority's children
    # and workforce are simulated (one core, the other idle until the first writers start);
    # what that step prints comes after the synth step's line, as when run one after the other.
    referencing = Forked("loading the reference data", _reference_told, store, reference_from)
    try:
        # The formats the demo does not ingest (the SSD) are written in a second process while
        # the report is built, which uses one core (the ingest before it reads files on both):
        # the same files, on the machine's idle core.
        config = SynthConfig(size=size, la_code=DEMO_LA)
        write_the_rest = simulate_and_write(config, out / "extracts", later=DEMO_WRITTEN_ALONGSIDE)
    except BaseException:  # never leave the reference process behind; the first failure stands
        with contextlib.suppress(Exception):
            referencing.result()
        raise
    told, warned = referencing.result()
    typer.echo(told, nl=False)
    typer.echo(warned, nl=False, err=True)
    # The formats the demo does not ingest (the SSD) are written in a second process once the
    # extracts have been read (on both cores): loading them, the DfE rules and the measures
    # that follow leave a core mostly idle, and the report after them uses both (the PDF).
    writing: list[Forked] = []

    def write_alongside() -> None:
        if write_the_rest is not None:
            writing.append(write_the_rest())

    try:
        ingest_files(
            [out / "extracts" / name for name in DEMO_EXTRACTS],
            store=store,
            la_code=DEMO_LA,
            after_read=write_alongside,
            extracted=config.end,  # the in-year 903 states no date (the CIN census header does)
        )
        status(store=store)
        report(
            period=DEMO_QUARTER,
            out=out / "report",
            store=store,
            la_code=DEMO_LA,
            framework=demo_example("framework.yaml"),
            formats=formats,
            paper=demo_example("paper.yaml"),
            narrative=demo_example("narrative.md"),
        )
    finally:  # never leave the writing process behind, whatever happened above
        files = writing[0].result() if writing else {}
    for name, written in files.items():
        typer.echo(f"  the synthetic {name}: {len(written)} files written alongside")
    typer.echo(f"The demo report is in {out / 'report'}")
