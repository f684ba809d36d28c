"""One entry point that loads every reference table from a folder of public DfE/ONS files.

Each table is one `LoadBatch` with source format `reference:<table>`, no authority and no
period, so importing again replaces the previous import; all batches go to the store in one
transaction. A table whose files are absent is left as it was and reported as not found.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.reference.calendar import bank_holidays, calendar_table
from csc_scorecard.reference.comparator_build import build_comparators
from csc_scorecard.reference.comparator_series import comparator_map
from csc_scorecard.reference.la_codes import LA_CODES_FILE, LAIT_LIST_FILE, read_la_codes
from csc_scorecard.reference.neighbours import read_neighbours
from csc_scorecard.reference.population import population_index, read_population

if TYPE_CHECKING:
    from csc_scorecard.store import Store


@dataclass
class ImportSummary:
    """What `import_reference` loaded: rows and issues per table, what was missing, how long."""

    public_dir: Path
    rows: dict[str, int] = field(default_factory=dict)
    issues: dict[str, int] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)
    load_ids: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = []
        for name, n in self.rows.items():
            files = ", ".join(Path(f).name for f in self.files.get(name, [])) or "-"
            out.append(
                f"{name}: {n:,} rows, {self.issues.get(name, 0):,} notes/issues (from {files})"
            )
        out += [f"note: {n}" for n in self.notes]
        out.append(f"loaded in {self.seconds:.1f} s")
        return out


def reference_batches(public_dir: str | Path) -> tuple[list[LoadBatch], ImportSummary]:
    """Read every reference table the folder supports, without touching a store."""
    public_dir = Path(public_dir)
    if not public_dir.is_dir():
        raise FileNotFoundError(f"no folder {public_dir}")
    summary = ImportSummary(public_dir)
    batches: list[LoadBatch] = []

    def batch(name: str, rows, issues, files) -> None:
        batches.append(
            LoadBatch(
                f"reference:{name}", None, None, None, list(files), {name: rows}, list(issues)
            )
        )

    holidays = bank_holidays()
    batch("calendar", calendar_table(), [], [f"bank_holidays.yaml version {holidays.version}"])
    summary.notes.append(
        f"calendar {holidays.first_year}-{holidays.last_year}, bank holidays version {holidays.version}"
    )

    population = read_population(public_dir)
    if population.rows:
        batch("population", population.to_arrow(), population.issues, population.files)
    if "10-17" not in population.bands():
        summary.notes.append("population 10-17: not available (no ONS 10-17 file in the folder)")

    if (public_dir / LA_CODES_FILE).exists():
        lait_list = public_dir / LAIT_LIST_FILE
        rows, issues = read_la_codes(public_dir / LA_CODES_FILE, lait_list)
        files = [str(public_dir / LA_CODES_FILE)] + ([str(lait_list)] if lait_list.exists() else [])
        batch("la_codes", rows, issues, files)
    else:
        summary.notes.append(f"la_codes: {LA_CODES_FILE} not found")

    neighbours, issues, files = read_neighbours(public_dir)
    if neighbours.num_rows:
        batch("statistical_neighbours", neighbours, issues, files)
    else:
        summary.notes.append("statistical_neighbours: no model file found")

    comparators, issues, files = build_comparators(
        public_dir, population_index(population.rows), neighbours
    )
    if comparators.num_rows:
        batch("comparators", comparators, issues, files)
    mapping = comparator_map()
    summary.notes.append(
        f"comparators: {len(mapping.measures)} catalogue measures mapped; no DfE series for "
        f"{', '.join(mapping.unmapped)} (see comparator_map.yaml)"
    )
    missing = sorted({i.file for i in issues if i.rule == "not_available" and i.file})
    if missing:
        summary.notes.append(f"comparators: files not found: {', '.join(missing)}")

    for b in batches:
        name = b.source_format.split(":", 1)[1]
        summary.rows[name] = b.row_count
        summary.issues[name] = len(b.issues)
        summary.files[name] = b.files
    return batches, summary


def import_reference(store: Store, public_dir: str | Path | None = None) -> ImportSummary:
    """Load calendar, population, LA codes, statistical neighbours and comparators into `store`
    from a folder of public files, or from the data shipped with the package when none is given."""
    started = time.perf_counter()
    if public_dir is None:
        from csc_scorecard.reference.bundle import bundle_batches

        batches, summary = bundle_batches()
    else:
        batches, summary = reference_batches(public_dir)
    summary.notes.append(postcode_note())
    ids = store.load(batches)
    summary.load_ids = {
        b.source_format.split(":", 1)[1]: i for b, i in zip(batches, ids, strict=True)
    }
    summary.seconds = time.perf_counter() - started
    return summary


def postcode_note() -> str:
    """The ONS Postcode Directory the DfE 903 rules read (reference.postcodes): its release and
    the attribution its licence requires, or that it is not installed."""
    from csc_scorecard.reference import postcodes

    release = postcodes.release()
    if release is None:
        return f"postcode directory: not installed ({postcodes.DISTRIBUTION})"
    return f"{postcodes.DISTRIBUTION} {release}: {postcodes.ATTRIBUTION}"
