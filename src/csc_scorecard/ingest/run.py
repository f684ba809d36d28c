"""`ingest`: recognise each file's format, read every file, then load all-or-nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from csc_scorecard.ingest.adapter import Adapter, adapters
from csc_scorecard.ingest.lake import read_lake
from csc_scorecard.ingest.limits import check_file
from csc_scorecard.ingest.parallel import Streamed, each_group
from csc_scorecard.model.batch import LA_CODE, FormatError, LoadBatch, Replacement
from csc_scorecard.model.lake import is_lake

IGNORED = {".ds_store", "thumbs.db", "readme.md", "readme.txt", "synthetic.txt"}
IGNORED_SUFFIXES = {".duckdb", ".wal", ".tmp"}  # a store kept beside its extracts is not an extract


class IngestRefused(Exception):
    """At least one file could not be read as its format; nothing was stored."""

    def __init__(self, errors: list[FormatError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


class Reordered(Exception):
    """Raised once every file has been read and accepted, by a reading that gave a folder's
    batches in file order as they were read (`parallel.Streamed`) when its adapter orders them
    otherwise (CIN census returns named out of census-year order): whatever loaded them as
    given must undo that and load `batches`, every batch in the order `read_sources` gives."""

    def __init__(self, batches: list[LoadBatch]) -> None:
        self.batches = batches
        super().__init__("the batches were given in another order than they load in")


class Loader(Protocol):
    """What `ingest` loads the batches into: `Store` (store/). Named here by what it does, so
    reading files needs nothing from the layers above ingest (tests/test_layers.py)."""

    replaced: list[Replacement]

    def load(self, batches: list[LoadBatch], *, replace: bool = False) -> list[int]: ...


@dataclass
class IngestResult:
    batches: list[LoadBatch] = field(default_factory=list)
    load_ids: list[int] = field(default_factory=list)
    replaced: list[Replacement] = field(default_factory=list)


def expand(paths: list[Path]) -> list[Path]:
    """Files named directly, plus every file below named folders (sorted, hidden files skipped).

    Every path must be a regular file within the size limits (`limits.check_file`): a device, a
    pipe or a socket, named or inside a folder, is refused rather than skipped or read. A folder
    holding no extract at all is refused too: an empty load is a mistake, not a success.
    """
    files: list[Path] = []
    errors: list[FormatError] = []
    for p in paths:
        if p.is_dir():
            found = folder_files(p)
            if not found:
                errors.append(FormatError(p, "the folder holds no extract files"))
            candidates = found
        elif p.exists() or p.is_symlink():
            candidates = [p]
        else:
            errors.append(FormatError(p, "no such file or folder"))
            continue
        for f in candidates:
            try:
                check_file(f)
            except FormatError as err:
                errors.append(err)
                continue
            files.append(f)
    if errors:
        raise IngestRefused(errors)
    return files


def folder_files(folder: Path) -> list[Path]:
    """Every file below a folder that `expand` takes (sorted; hidden files, files in hidden
    folders and the ignored names and suffixes left out), before any is checked."""
    return [
        f
        for f in sorted(folder.rglob("*"))
        if not f.is_dir()
        and not any(part.startswith(".") for part in f.relative_to(folder).parts)
        and f.name.lower() not in IGNORED
        and f.suffix.lower() not in IGNORED_SUFFIXES
    ]


def recognise(path: Path) -> Adapter:
    for adapter in adapters():
        if adapter.sniff(path):
            return adapter
    if path.stat().st_size == 0:
        raise FormatError(path, "is empty (0 bytes): there is nothing to load from it")
    raise FormatError(
        path,
        "not a format this product reads (SSDA903 CSV/XML, CIN census XML, Annex A workbook, "
        "workforce census XML, a Standard Safeguarding Dataset ssd_<object> dump, or a "
        "csc-scorecard template)",
    )


def read_all(
    paths: list[Path], *, la_code: str | None = None, year: int | None = None
) -> list[LoadBatch]:
    """Read every file into batches; raise IngestRefused listing every unreadable file.

    A folder holding a lake (`scorecard export`) is read as the loads it records."""
    reading = _read_files(paths, la_code=la_code, year=year, in_order=False)
    batches: list[LoadBatch] = []
    while True:
        try:
            batches.append(next(reading))
        except StopIteration as done:
            return batches + done.value


def _read_files(
    paths: list[Path], *, la_code: str | None, year: int | None, in_order: bool
) -> Generator[LoadBatch, None, list[LoadBatch]]:
    """`read_all`'s batches, each given as soon as it and those before it are read, except the
    sources that load last (the SSD), which are returned once every file has been read and
    accepted. After a refusal nothing more is given; the rest is still read, and IngestRefused
    then lists every refusal, as `read_all` does. With `in_order`, a folder of yearly returns
    is given file by file as read (`parallel.Streamed`); if its adapter then orders them
    otherwise, nothing more is given and `Reordered` is raised at the end instead of returning."""
    if la_code is not None and not LA_CODE.fullmatch(la_code):
        raise IngestRefused(
            [FormatError("--la", f"{la_code!r} is not a 3-digit DfE LA number (e.g. --la 371)")]
        )
    lakes = [p for p in paths if p.is_dir() and is_lake(p)]
    paths = [p for p in paths if p not in lakes]
    groups: dict[tuple[str, Path], list[Path]] = defaultdict(list)
    by_name: dict[str, Adapter] = {}
    errors: list[FormatError] = []
    for path in expand(paths):
        try:
            adapter = recognise(path)
        except FormatError as err:
            errors.append(err)
            continue
        by_name[adapter.name] = adapter
        # Statutory returns span several files in one folder; templates are one file each.
        group = path if getattr(adapter, "one_file_per_load", False) else path.parent
        groups[(adapter.name, group)].append(path)
    batches: list[LoadBatch] = []
    for lake in lakes:
        try:
            read = read_lake(lake, la_code=la_code)
        except FormatError as err:
            errors.append(err)
            continue
        batches.extend(read)
        if not errors:
            yield from read
    last: list[LoadBatch] = []  # sources that win over the others read alongside (the SSD)
    read_in_order = [(by_name[name], files) for (name, _folder), files in groups.items()]
    # in worker processes when there is enough to read (`ingest/parallel.py`)
    outcomes = each_group(read_in_order, la_code=la_code, year=year, in_order=in_order)
    reordered = False  # batches were given in an order other than the one they load in
    try:
        for (adapter, _files), read in zip(read_in_order, outcomes, strict=False):
            given: list[LoadBatch] = []
            if isinstance(read, Streamed):
                for batch in read:
                    if not errors and not reordered and not getattr(adapter, "loads_last", False):
                        given.append(batch)
                        yield batch
                read = read.outcome
            if isinstance(read, FormatError):
                errors.append(read)
            elif getattr(adapter, "loads_last", False):
                last.extend(read)
            else:
                batches.extend(read)
                if given and list(map(id, given)) != list(map(id, read)):
                    reordered = True
                elif not given and not errors and not reordered:
                    yield from read
    except FormatError as err:  # SCORECARD_READ_WORKERS is not a number
        errors.append(err)
    finally:  # a caller that stops early (interrupted) stops the workers
        outcomes.close()
    errors.extend(_same_return_twice(batches + last))
    if errors:
        raise IngestRefused(errors)
    if reordered:
        raise Reordered(batches + last)
    return last


def _same_return_twice(batches: list[LoadBatch]) -> list[FormatError]:
    """Two batches of one run that would replace each other (the same 903 as CSV and as XML,
    `teams.csv` beside `teams.xlsx`). In one folder that is a mistake and is refused, naming
    both; from two folders (`extracts/ssda903/2023` and `extracts/ssda903_xml/2023.xml`, as the
    synthetic writer lays them out) the later replaces the earlier, reported as a reload."""
    first: dict[tuple, LoadBatch] = {}
    errors = []
    for batch in batches:
        key = (batch.source_format, batch.la_code, batch.period_start, batch.period_end)
        earlier = first.get(key)
        first[key] = batch
        if earlier is None:
            continue
        what = f"the same {batch.source_format} return (LA {batch.la_code or '-'}, {_span(batch)})"
        if _folders(batch) & _folders(earlier):
            errors.append(
                FormatError(
                    _where(batch), f"holds {what} as {_where(earlier)}: load one of them, not both"
                )
            )
        # From two folders the later replaces the earlier in the same transaction, which the
        # store reports like any reload (`Store.replaced`: rows before -> after).
    return errors


def _folders(batch: LoadBatch) -> set[Path]:
    return {Path(f).parent for f in batch.files}


def _where(batch: LoadBatch, *, short: bool = False) -> str:
    """A batch's file, or its folder and file names (`short`: the last folder's name only, for
    a stored message that must not depend on where the files were)."""
    first = Path(batch.files[0])
    if len(batch.files) == 1:
        return f"{first.parent.name}/{first.name}" if short else str(first)
    names = ", ".join(Path(f).name for f in batch.files)
    return f"{first.parent.name if short else first.parent} ({names})"


def _span(batch: LoadBatch) -> str:
    if batch.period_start is None:
        return "no period"
    return f"{batch.period_start:%d/%m/%Y}-{batch.period_end:%d/%m/%Y}"


def ingest(
    store: Loader,
    paths: list[Path],
    *,
    la_code: str | None = None,
    year: int | None = None,
    replace: bool = False,
    database: tuple[str, str] | None = None,
) -> IngestResult:
    """Read and validate every file, then load; if any file is refused, nothing is stored.

    Reading needs no store, so a caller can read first and open the store for writing only to
    load (`read_sources`, then `Store.load`): other commands are blocked only while it writes.
    """
    batches = read_sources(paths, la_code=la_code, year=year, database=database)
    ids = store.load(batches, replace=replace)
    return IngestResult(batches=batches, load_ids=ids, replaced=list(store.replaced))


def read_sources(
    paths: list[Path],
    *,
    la_code: str | None = None,
    year: int | None = None,
    database: tuple[str, str] | None = None,
) -> list[LoadBatch]:
    """`read_all` of the files, then the Standard Safeguarding Dataset in `database` (URL,
    schema; read-only, `ingest/ssd_db.py`), which loads after them as an SSD folder would."""
    return list(each_source(paths, la_code=la_code, year=year, database=database))


def each_source(
    paths: list[Path],
    *,
    la_code: str | None = None,
    year: int | None = None,
    database: tuple[str, str] | None = None,
    in_order: bool = False,
    on_read: Callable[[], object] | None = None,
) -> Iterator[LoadBatch]:
    """`read_sources`' batches in its order, each given as soon as it and those before it are
    read, so that a caller can load one while the rest are read (`in_order`: the files are read
    in the order they load, `parallel.each_group`). IngestRefused is raised once every file has
    been read, listing every refusal, and nothing is given after a refusal: a caller loading as
    it goes must roll back. `on_read` is called once everything has been read and accepted (the
    reading processes have ended), before the last batches are given. `Reordered` (with
    every batch, the database's too) is raised after `on_read` when the batches given so far
    load in another order (`_read_files`)."""
    held: list[LoadBatch] = []
    again: Reordered | None = None
    if paths:
        try:
            held = yield from _read_files(paths, la_code=la_code, year=year, in_order=in_order)
        except Reordered as reordered:
            again = reordered
    if database is not None:
        from csc_scorecard.ingest.ssd_db import read_database

        try:
            held += read_database(*database, la_code)
        except FormatError as err:
            raise IngestRefused([err]) from None
    if on_read is not None:
        on_read()
    if again is not None:
        raise Reordered(again.batches + held)
    yield from held
