"""`ingest`: recognise each file's format, read every file, then load all-or-nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from csc_scorecard.ingest.adapter import Adapter, adapters
from csc_scorecard.ingest.batch import FormatError, LoadBatch
from csc_scorecard.ingest.lake import read_lake
from csc_scorecard.model.lake import is_lake
from csc_scorecard.store import Store

IGNORED = {".ds_store", "thumbs.db", "readme.md", "readme.txt", "synthetic.txt"}
IGNORED_SUFFIXES = {".duckdb", ".wal", ".tmp"}  # a store kept beside its extracts is not an extract


class IngestRefused(Exception):
    """At least one file could not be read as its format; nothing was stored."""

    def __init__(self, errors: list[FormatError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


@dataclass
class IngestResult:
    batches: list[LoadBatch] = field(default_factory=list)
    load_ids: list[int] = field(default_factory=list)


def expand(paths: list[Path]) -> list[Path]:
    """Files named directly, plus every file below named folders (sorted, hidden files skipped)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and f.name.lower() not in IGNORED
                and f.suffix.lower() not in IGNORED_SUFFIXES
            )
        elif p.exists():
            files.append(p)
        else:
            raise IngestRefused([FormatError(p, "no such file or folder")])
    return files


def recognise(path: Path) -> Adapter:
    for adapter in adapters():
        if adapter.sniff(path):
            return adapter
    raise FormatError(
        path,
        "not a format this product reads (SSDA903 CSV/XML, CIN census XML, Annex A workbook, "
        "workforce census XML, or a csc-scorecard template)",
    )


def read_all(
    paths: list[Path], *, la_code: str | None = None, year: int | None = None
) -> list[LoadBatch]:
    """Read every file into batches; raise IngestRefused listing every unreadable file.

    A folder holding a lake (`scorecard export`) is read as the loads it records."""
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
            batches.extend(read_lake(lake, la_code=la_code))
        except FormatError as err:
            errors.append(err)
    for (name, _folder), files in groups.items():
        try:
            batches.extend(by_name[name].read(files, la_code=la_code, year=year))
        except FormatError as err:
            errors.append(err)
    if errors:
        raise IngestRefused(errors)
    return batches


def ingest(
    store: Store, paths: list[Path], *, la_code: str | None = None, year: int | None = None
) -> IngestResult:
    """Read and load; if any file is refused, nothing is stored."""
    batches = read_all(paths, la_code=la_code, year=year)
    return IngestResult(batches=batches, load_ids=store.load(batches))
