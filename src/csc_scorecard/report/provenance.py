"""Where the report's figures came from: loads, population vintage, comparators, data quality.

Read from the store's system tables (`loads`, `dq_issues`) and reference tables, so a reader can
trace every figure to the files loaded and the published editions used.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Settings
from csc_scorecard.model.periods import Quarter, published_window, window_phrase
from csc_scorecard.numbers import display
from csc_scorecard.report.layout import Layout
from csc_scorecard.report.model import (
    Comparator,
    ComparatorSource,
    LoadRecord,
    PopulationRecord,
    QualityIssue,
)
from csc_scorecard.store import Store

# Marker files `scorecard synth` (or a person) can leave beside the extracts of a synthetic
# authority; the report then prints a "SYNTHETIC DATA" banner. Looked for next to each loaded
# file and in its parent folders up to the extract root.
SYNTHETIC_MARKERS = ("SYNTHETIC", "SYNTHETIC.txt", "synthetic.json")
_MARKER_DEPTH = 3

_RULE_WORDS = {  # rule -> (one, many)
    "unknown_code": ("unknown code", "unknown codes"),
    "missing_value": ("blank mandatory value", "blank mandatory values"),
    "invalid_date": ("unreadable date", "unreadable dates"),
    "invalid_value": ("unreadable value", "unreadable values"),
    "duplicate_key": ("duplicate record", "duplicate records"),
}


def loads(store: Store, la_code: str, lay: Layout) -> list[LoadRecord]:
    """The authority's loads and the reference loads (la_code NULL), oldest first."""
    return [
        LoadRecord(
            load_id=load.load_id,
            source_format=load.source_format,
            name=lay.source_name(load.source_format),
            files=[_public_name(f) for f in (load.files or "").split("; ") if f],
            period_start=load.period_start,
            period_end=load.period_end,
            loaded_at=load.loaded_at,
            rows=load.row_count or 0,
            issues=load.issue_count or 0,
        )
        for load in store.loads([la_code])
    ]


# The product's own reference files named by what they are published as (a report names no file
# of the product's source).
_PUBLIC_NAMES = {"bank_holidays.yaml": "England and Wales bank holidays (GOV.UK)"}


def _public_name(name: str) -> str:
    for internal, public in _PUBLIC_NAMES.items():
        if name.startswith(internal):
            return public + name[len(internal) :]
    return name


def is_synthetic(records: Iterable[LoadRecord], store: Path | None = None) -> bool:
    """True when a marker file sits beside a loaded file or in a folder above it. A file named
    by a relative path (as given to `scorecard ingest`: `demo/extracts/...`) is looked for from
    the working folder and, with the `store`'s path, from the store's folder and those above
    it: a report of the demo store run from another folder keeps its banner."""
    roots = [Path()]
    if store is not None:
        roots += [store.resolve().parent, *store.resolve().parent.parents]
    folders = {
        root / Path(name).parent
        for record in records
        for name in record.files
        for root in (roots if not Path(name).is_absolute() else [Path()])
    }
    for folder in folders:
        for _ in range(_MARKER_DEPTH):
            if any((folder / marker).is_file() for marker in SYNTHETIC_MARKERS):
                return True
            if folder.parent == folder:
                break
            folder = folder.parent
    return False


def population(
    store: Store, la_code: str, quarters: list[Quarter], settings: Settings
) -> list[PopulationRecord]:
    """The mid-year estimates rates were computed with, paired with quarters as
    ``measures.context.Context.population`` pairs them (mid-year Y for financial year Y, or the
    latest published)."""
    rows = store.con.execute(
        "SELECT mid_year, age_band, population, source FROM population WHERE la_code = ? AND basis = ?",
        [la_code, settings.population_basis],
    ).fetchall()
    latest: dict[str, int] = {}
    for year, band, _, _ in rows:
        latest[band] = max(latest.get(band, year), year)
    found = {(year, band): (pop, source) for year, band, pop, source in rows}
    used: dict[tuple[int, str], list[str]] = {}
    for band, last in latest.items():
        for q in quarters:
            year = min(q.year, last)
            if (year, band) in found:
                used.setdefault((year, band), []).append(str(q))
    return [
        PopulationRecord(
            mid_year=year,
            age_band=band,
            basis=settings.population_basis,
            population=found[(year, band)][0],
            source=found[(year, band)][1],
            periods=sorted(periods),
        )
        for (year, band), periods in sorted(used.items())
    ]


def comparators(
    store: Store, la_code: str, measures: Iterable[Measure], quarter: Quarter, years_back: int = 3
) -> dict[str, Comparator]:
    """The published comparators for each measure (``latest_comparators``: the latest year on
    or before the quarter's end with a value; none for counts)."""
    try:
        from csc_scorecard.reference.comparators import (
            latest_comparators_each,
            year_end,
            year_label,
        )
    except ImportError:
        return {}
    wanted = [m for m in measures if not m.dimension]
    try:
        each = latest_comparators_each(
            store, [m.id for m in wanted], la_code, quarter.end, years_back=years_back
        )
    except duckdb.Error:  # a reference table missing from an older store
        return {}
    out: dict[str, Comparator] = {}
    for m in wanted:
        found: dict[str, Any] = each.get(m.id, {})
        if found:
            year = found["year"]
            out[m.id] = Comparator(
                measure=m.id,
                year=year,
                year_label=year_label(m.id, year),
                window=window_phrase(
                    *published_window(year_end(m.id, year), m.period_type == "as_at_period_end")
                ),
                england=found.get("england"),
                region=found.get("region"),
                statistical_neighbours=found.get("statistical_neighbours"),
                england_display=display(found.get("england"), m.unit),
                region_display=display(found.get("region"), m.unit),
                statistical_neighbours_display=display(found.get("statistical_neighbours"), m.unit),
                source=found.get("source"),
                edition=found.get("edition"),
                basis=found.get("basis"),
                sn_model=found.get("sn_model"),
                outturn=found.get("la"),
                outturn_display=display(found.get("la"), m.unit),
            )
    return out


def comparator_sources(found: dict[str, Comparator]) -> list[ComparatorSource]:
    return [
        ComparatorSource(
            measure=c.measure,
            year=c.year or 0,
            source=c.source,
            edition=c.edition,
            basis=c.basis,
            sn_model=c.sn_model,
        )
        for c in found.values()
    ]


def quality_issues(
    store: Store, la_code: str, *, examples: int = 3, with_rows: bool = True
) -> tuple[list[QualityIssue], int]:
    """Data-quality issues recorded when the authority's files were loaded, grouped by table,
    column and rule, most frequent first; with ``with_rows`` (internal reports) the first few
    file:row pointers (file name only: the folder it was loaded from is the analyst's, not the
    report's) and the first recorded message. Without (publication) only rule, field and count:
    a recorded message can quote the raw cell (a mistyped date of birth, a name typed into a
    code field), which is child-level data."""
    rows = store.issue_groups(la_code)
    issues = [
        QualityIssue(
            table=table,
            column=column,
            rule=rule,
            severity=severity or "error",
            count=n,
            message=(message if with_rows else None) or rule_words(rule, n),
            rows=list(where[:examples]) if with_rows else [],
        )
        for table, column, rule, severity, n, message, where in rows
    ]
    return issues, sum(i.count for i in issues)


def rule_words(rule: str, n: int = 2) -> str:
    """'unknown codes' (or 'unknown code' for one); an unlisted rule in words."""
    one, many = _RULE_WORDS.get(rule, (rule.replace("_", " "),) * 2)
    return one if n == 1 else many
