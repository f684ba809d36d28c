"""`scorecard ingest`: load extracts into the store, all or nothing."""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import (
    DEFAULT_STORE_PATH,
    FileAuthorityOption,
    StoreOption,
    parse_day,
)
from csc_scorecard.errors import StoreError
from csc_scorecard.ingest.formats.template import changes_nothing
from csc_scorecard.ingest.run import IngestRefused, Reordered, each_source
from csc_scorecard.measures.results import refresh_after_load
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.quality.history import record_after_load, sharing_kept_faults
from csc_scorecard.store import Store
from csc_scorecard.store.bookkeeping import period_words
from csc_scorecard.store.loading import extraction_date


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders of extracts.")
    ] = None,
    store: StoreOption = DEFAULT_STORE_PATH,
    la_code: FileAuthorityOption = None,
    year: Annotated[
        int | None,
        typer.Option(help="Collection year (ending 31 March) when it cannot be inferred."),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Allow a reload to replace a stored return with less than half its rows.",
        ),
    ] = False,
    from_db: Annotated[
        str | None,
        typer.Option(
            "--from-db",
            help="Also read a Standard Safeguarding Dataset from this database URL, read-only "
            "(postgresql://... or mssql://...; docs/ssd.md).",
        ),
    ] = None,
    schema: Annotated[
        str, typer.Option(help="Database schema holding the ssd_ tables (with --from-db).")
    ] = "ssd_development",
    extracted: Annotated[
        str | None,
        typer.Option(
            "--extracted",
            help="The day the extracts were taken from the case system (YYYY-MM-DD), for files "
            "that do not state it (a CIN census header does): an in-year return's data end "
            "there, not at 31 March. Default: each return's period end.",
        ),
    ] = None,
) -> None:
    """Recognise each file's format and load it; a file that cannot be read stops the whole load."""
    if not paths and not from_db:
        typer.echo("Give files or folders of extracts, or --from-db URL.", err=True)
        raise typer.Exit(code=2)
    database = (from_db, schema) if from_db else None
    ingest_files(
        paths or [],
        store=store,
        la_code=la_code,
        year=year,
        replace=replace,
        database=database,
        extracted=extraction_day(extracted) if extracted is not None else None,
    )


def extraction_day(text: str) -> date:
    """--extracted as a date, refused in one line when it is not one or is after today."""
    try:
        day = parse_day(text)
    except typer.BadParameter as bad:
        raise typer.BadParameter(bad.message, param_hint="--extracted") from None
    if day > date.today():
        raise typer.BadParameter(
            f"{text} is after today ({date.today():%d/%m/%Y}): the extracts cannot have been "
            "taken yet",
            param_hint="--extracted",
        )
    return day


def ingest_files(
    paths: list[Path],
    *,
    store: Path,
    la_code: str | None,
    year: int | None = None,
    replace: bool = False,
    database: tuple[str, str] | None = None,
    after_read: Callable[[], object] | None = None,
    extracted: date | None = None,
) -> None:
    """`scorecard ingest`'s work. `after_read` is called once every file has been read and
    accepted (the reading processes have ended): the reading used both cores, what follows
    (the last loads, the DfE rules, the measures) mostly one, so the demo starts its other
    writing there."""
    unchanged: list[LoadBatch] = []  # manual-values files holding no value: not loaded
    reading = _loadable(
        each_source(
            paths, la_code=la_code, year=year, database=database, in_order=True, on_read=after_read
        ),
        unchanged if not replace else None,
    )
    try:
        db, batches, load_ids = _load(store, reading, replace, extracted)
    except IngestRefused as refused:
        typer.echo(f"Refused: nothing was loaded into {store}.", err=True)
        for error in refused.errors:
            typer.echo(f"  {error}", err=True)
        raise typer.Exit(code=2) from None
    for batch in {id(b): b for b in unchanged}.values():
        typer.echo(f"{', '.join(batch.files)}: holds no manual value: nothing loaded")
    with db:
        for change in db.replaced:
            typer.echo(change.describe())
        codes = sorted({b.la_code for b in batches if b.la_code})
        checked, refreshed = check_and_refresh(db, codes)
    for batch, load_id in zip(batches, load_ids, strict=True):
        period = period_words(
            batch.period_start, batch.period_end, extraction_date(batch, extracted)
        )
        typer.echo(
            f"load {load_id}: {batch.source_format} LA {batch.la_code or '-'} {period}: "
            f"{batch.row_count:,} rows, {len(batch.issues):,} data-quality issues "
            f"({len(batch.files)} files)"
        )
        if batch.merge_by_key:
            shown = ", ".join(batch.replaced[:10]) + (", ..." if len(batch.replaced) > 10 else "")
            typer.echo(
                f"  merged by key: {len(batch.replaced):,} stored values replaced"
                + (f" ({shown})" if batch.replaced else "")
                + f", {batch.row_count - len(batch.replaced):,} added; other stored values kept"
            )
    typer.echo(refreshed, err=refreshed.startswith("warning"))
    typer.echo(checked, err=checked.startswith("warning"))


def check_and_refresh(db: Store, codes: list[str]) -> tuple[str, str]:
    """The DfE validation rules' faults are kept in the store, one snapshot per date the data
    describes; so are measure results, brought up to date with what was loaded. The rules run
    on their own cursor on another thread, beside the refresh (DuckDB releases the GIL while it
    works: each of the two is mostly one core's work): the refresh computes its measures
    meanwhile, and its reportability then reads the faults the rules kept rather than run them
    again (`kept_faults` waits for them). Returns the two lines to print. An upload through the
    dashboard (`web/data/uploads.py`) runs this too."""
    checked = threading.Event()
    cursor = db.con.cursor()

    def check() -> str:
        try:
            return record_after_load(cursor, codes)
        finally:
            checked.set()

    try:
        with sharing_kept_faults(pending=checked), ThreadPoolExecutor(max_workers=1) as pool:
            checking = pool.submit(contextvars.copy_context().run, check)
            refreshed = refresh_after_load(db, codes)
            return checking.result(), refreshed
    finally:
        cursor.close()


def _load(
    store: Path, reading: Iterator[LoadBatch], replace: bool, extracted: date | None = None
) -> tuple[Store, list[LoadBatch], list[int]]:
    """Load the batches as they are read, in one transaction: into a store that exists, each
    while the worker processes read the files after it (the loading would otherwise wait for
    the last file), the store opened once the first file is read and accepted; a new store is
    made only once every file is accepted, so a refused ingest leaves no file behind. Any
    refusal (IngestRefused, raised once every file is read) rolls the whole load back and is
    reported before a failure of the store itself (locked, a reload dropping half a return),
    as when everything was read first. A folder of yearly returns is loaded file by file as
    read; if its returns load in another order than their files' (`run.Reordered`), the load
    is rolled back and made again in that order once everything is read. Returns the open
    store, the batches and their load ids."""
    batches: list[LoadBatch] = []

    def taken() -> Iterator[LoadBatch]:
        for batch in reading:
            batches.append(batch)
            yield batch

    loading: Iterable[LoadBatch] = taken()
    if not store.is_file():
        try:
            batches.extend(reading)
        except Reordered as again:
            batches[:] = again.batches
        loading = batches
    else:
        loading = chain(list(islice(loading, 1)), loading)
    try:
        db = Store(store)
    except StoreError:
        _rest(reading)
        raise
    try:
        try:
            return db, batches, db.load(loading, replace=replace, extracted=extracted)
        except Reordered as again:  # rolled back: every file is read, load them in their order
            batches[:] = again.batches
            return db, batches, db.load(batches, replace=replace, extracted=extracted)
    except IngestRefused:
        db.close()
        raise
    except StoreError:
        db.close()
        _rest(reading)
        raise
    except BaseException:
        db.close()
        reading.close()  # interrupted: the files not yet started are not read
        raise


def _loadable(
    reading: Iterator[LoadBatch], unchanged: list[LoadBatch] | None
) -> Iterator[LoadBatch]:
    """The batches to load: a manual-values file holding no value (`changes_nothing`) is put
    in `unchanged` instead, whatever order the batches come in (`Reordered` too). With
    --replace (`unchanged` None) it is loaded: it clears what the earlier file of its name gave."""
    if unchanged is None:
        yield from reading
        return
    try:
        for batch in reading:
            if changes_nothing(batch):
                unchanged.append(batch)
            else:
                yield batch
    except Reordered as again:
        unchanged += [b for b in again.batches if changes_nothing(b)]
        raise Reordered([b for b in again.batches if not changes_nothing(b)]) from None


def _rest(reading: Iterator[LoadBatch]) -> None:
    """Read what is left (IngestRefused, if a file is refused, goes before the caller's error)."""
    with contextlib.suppress(Reordered):  # nothing is loaded: the order does not matter
        for _ in reading:
            pass
