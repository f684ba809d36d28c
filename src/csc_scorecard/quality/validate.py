"""`scorecard validate`: check statutory files against the DfE rules without loading them.

The files are read with the same adapters as `scorecard ingest` into a temporary in-memory
store (so the user's store is never touched), and every rule runs over it. A file that cannot be
read at all stops nothing else: its error is reported and the other files are still checked.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from csc_scorecard.ingest.run import IngestRefused, expand, folder_files, read_all
from csc_scorecard.ingest.ssda903 import declared_year_trusted
from csc_scorecard.model.batch import FormatError, LoadBatch
from csc_scorecard.quality.fixlists import with_owners
from csc_scorecard.quality.providers import read_providers
from csc_scorecard.quality.runner import RuleResult, run_rules
from csc_scorecard.store import Store


@dataclass
class Validation:
    result: RuleResult
    unreadable: list[str] = field(default_factory=list)  # one line per file that could not be read
    loads: list[LoadBatch] = field(default_factory=list)


def read_files(
    paths: list[Path], *, la_code: str | None = None, year: int | None = None
) -> tuple[list[LoadBatch], list[str]]:
    """Batches from every readable file; one error line per unreadable file. A --year the
    903 dates contradict is a warning here (nothing is stored), not a refusal."""
    trusted = declared_year_trusted.set(True)
    try:
        return _read_files(paths, la_code=la_code, year=year)
    finally:
        declared_year_trusted.reset(trusted)


def _read_files(
    paths: list[Path], *, la_code: str | None, year: int | None
) -> tuple[list[LoadBatch], list[str]]:
    # Each path expanded on its own: a path that does not exist, or a folder holding nothing to
    # read, is reported and left out, and the others are still checked. A folder refused for
    # some of its files (a device, a pipe, one over the size limit) is checked without them.
    errors: list[str] = []
    given: list[Path] = []
    for p in paths:
        try:
            expand([p])
        except IngestRefused as refused:
            errors += [str(e) for e in refused.errors]
            if p.is_dir():
                given += [f for f in folder_files(p) if _accepted(f)]
            continue
        given.append(p)
    if not given:
        return [], errors
    batches, more = _read_given(given, la_code=la_code, year=year)
    return batches, errors + more


def _accepted(file: Path) -> bool:
    """Whether `expand` takes the file (a regular file within the size limits)."""
    try:
        expand([file])
    except IngestRefused:
        return False
    return True


def _read_given(
    paths: list[Path], *, la_code: str | None, year: int | None
) -> tuple[list[LoadBatch], list[str]]:
    try:
        return read_all(paths, la_code=la_code, year=year), []
    except IngestRefused as refused:
        # Read the rest: leave out the refused files and try again, so one bad file does not
        # stop the others being checked.
        bad = {Path(e.file).resolve() for e in refused.errors}
        rest = [p for p in expand(paths) if p.resolve() not in bad]
        errors = [str(e) for e in refused.errors]
        if not rest:
            return [], errors
        try:
            return read_all(rest, la_code=la_code, year=year), errors
        except IngestRefused as again:  # a group refused as a whole (e.g. a 903 folder)
            return [], errors + [str(e) for e in again.errors if str(e) not in errors]
    except FormatError as err:
        return [], [str(err)]


def validate_files(
    paths: list[Path],
    *,
    la_code: str | None = None,
    year: int | None = None,
    owners: bool = False,
    previous: list[Path] | None = None,
    providers: list[Path] | None = None,
) -> Validation:
    """Read the files into a temporary in-memory store and run every rule over it; with
    `owners`, the faults also get team, worker and the measures they affect (fix lists); with
    `previous` (last year's files), the rules comparing the return with last year's too; with
    `providers` (Ofsted provider lists, quality.providers), the rules checking URNs against
    them too (an unreadable list is reported like an unreadable file, and they do not run)."""
    batches, errors = read_files(paths, la_code=la_code, year=year)
    seen: dict[tuple, LoadBatch] = {}
    for b in batches:
        key = (b.source_format, b.la_code, b.period_start, b.period_end)
        if key in seen:
            errors.append(
                f"{'; '.join(seen[key].files)}: the same return ({b.source_format}, LA "
                f"{b.la_code}, year ending {b.period_end}) as {'; '.join(b.files)}, which "
                "replaces it; validate them separately"
            )
        seen[key] = b
    last: list[LoadBatch] = []
    if previous:
        last, last_errors = read_files(
            previous, la_code=la_code, year=year - 1 if year is not None else None
        )
        errors += [f"last year's return: {line}" for line in last_errors]
    inputs = {}
    if providers:
        try:
            inputs["providers"] = read_providers(providers)
        except FormatError as err:
            errors.append(f"provider list: {err}")
    with Store(":memory:") as temp, contextlib.ExitStack() as stack:
        if batches:
            temp.load(batches)
        before = None
        if last:  # last year's store only when there is a return to put in it
            before = stack.enter_context(Store(":memory:"))
            before.load(last)
        result = run_rules(
            temp.con, previous=before.con if before is not None else None, inputs=inputs
        )
        if owners:
            result.faults = with_owners(temp.con, result.faults)
    return Validation(result=result, unreadable=errors, loads=batches)
