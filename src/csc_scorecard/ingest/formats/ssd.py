"""The Standard Safeguarding Dataset (SSD, Data to Insight) as canonical tables.

An SSD arrives as one table per object, `ssd_<object>`: from a folder of dumps
(`ssd_cin_assessments.csv` or `.parquet`, the specification's field names as headers) or
straight from the council's database (`ingest/ssd_db.py`). Both produce a `Dump` (object name ->
header and rows) and go through `batch(dump)`, so the two routes cannot differ.

The SSD links records by its own identifiers (referral, plan, CLA, placement, assessment ids);
`batch` resolves them into the canonical natural keys (a child and a date) and fills the
spec's `derived_*` fields (`ssd_links.Links`), then every value passes through the shared
engine with `specs/ssd.yaml`. The SSD is a snapshot of the whole case history, so one load holds it all
and a later SSD load of the same authority replaces it (period unset).

Refused, nothing stored: a file that cannot be read; an object without a field the canonical key
needs (naming the file and the field); an object whose identifiers need another object that is
absent (e.g. ssd_cla_reviews without ssd_cla_episodes). Bad values load with the raw text kept
in a data-quality issue, as in every format.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csc_scorecard.ingest.fields import convert, load_spec, missing_fields
from csc_scorecard.ingest.formats.ssd_links import Links
from csc_scorecard.ingest.formats.template import _read_rows as read_csv_rows
from csc_scorecard.model.batch import FormatError, LoadBatch

SUFFIXES = {".csv", ".parquet"}
# Objects read only to resolve or complete another object, with the fields they must have.
AUXILIARY = {
    "ssd_assessment_factors": ["cinf_assessment_id", "cinf_assessment_factors_json"],
    "ssd_initial_cp_conference": ["icpc_s47_enquiry_id"],
    "ssd_cla_placement": ["clap_cla_placement_id"],
    "ssd_disability": ["disa_person_id", "disa_disability_code"],
    "ssd_linked_identifiers": ["link_person_id", "link_identifier_type", "link_identifier_value"],
    "ssd_immigration_status": ["immi_person_id", "immi_immigration_status"],
    "ssd_mother": ["moth_person_id", "moth_childs_dob"],
}
PSEUDO = {"ssd_permanence_orders": "ssd_permanence"}  # spec entries read from another object
Row = dict[str, Any]


@dataclass
class SsdObject:
    """One SSD object as read: where from, its header and its rows (field names lower-cased)."""

    name: str
    source: str
    header: list[str]
    rows: list[tuple[int, Row]]


@dataclass
class Dump:
    objects: dict[str, SsdObject] = field(default_factory=dict)

    def rows(self, name: str) -> list[tuple[int, Row]]:
        return self.objects[name].rows if name in self.objects else []

    def has(self, name: str) -> bool:
        return name in self.objects


def known_objects() -> set[str]:
    return (set(load_spec("ssd").tables) - set(PSEUDO)) | set(AUXILIARY)


def object_name(path: Path) -> str | None:
    """`ssd_cin_assessments` for ssd_cin_assessments.csv (any case); None if not an SSD object."""
    if path.suffix.lower() not in SUFFIXES:
        return None
    stem = path.stem.lower()
    return stem if stem in known_objects() else None


def lowered(record: Row) -> Row:
    return {str(k).strip().lower().lstrip("\ufeff"): v for k, v in record.items()}


def lowered_rows(header: list[str], rows: Iterable[tuple[int, Row]]) -> list[tuple[int, Row]]:
    """Rows keyed by lower-case field names (copied only when the header is not already so)."""
    if all(h == h.strip().lower().lstrip("\ufeff") for h in header):
        return list(rows)
    return [(n, lowered(r)) for n, r in rows]


def read_file(path: Path) -> SsdObject:
    name = object_name(path)
    assert name is not None
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            data = pq.read_table(path)
        except Exception as err:  # noqa: BLE001 - pyarrow raises several error types for bad files
            raise FormatError(path, f"cannot be read as Parquet ({err})") from None
        header = list(data.column_names)
        rows = lowered_rows(header, enumerate(data.to_pylist(), start=1))
    else:
        header, records, _ = read_csv_rows(path)
        rows = lowered_rows(header, records)
    return SsdObject(name=name, source=str(path), header=header, rows=rows)


class SsdAdapter:
    name = "ssd"
    loads_last = True  # the case system's current view: applied after returns read alongside

    def sniff(self, path: Path) -> bool:
        return object_name(path) is not None

    def read(self, paths: list[Path], *, la_code: str | None, year: int | None) -> list[LoadBatch]:
        dump = Dump()
        for path in paths:
            obj = read_file(path)
            if obj.name in dump.objects:
                raise FormatError(path, f"a second {obj.name} in the same folder")
            dump.objects[obj.name] = obj
        if la_code is None:
            raise FormatError(paths[0].parent, "an SSD carries no authority code: pass --la CODE")
        return [batch(dump, la_code=la_code)]


def check_fields(dump: Dump) -> None:
    """Refuse an object missing a field the canonical key or an identifier join needs."""
    spec = load_spec("ssd")
    for name, obj in dump.objects.items():
        needed = AUXILIARY.get(name)
        if needed is None:
            missing = missing_fields(obj.header, spec.tables[name])
        else:
            present = {h.strip().lower().lstrip("\ufeff") for h in obj.header}
            missing = [f for f in needed if f not in present]
        if missing:
            raise FormatError(
                obj.source, f"SSD object {name} needs fields {missing}", line=1, field=missing[0]
            )
    for name, needs in DEPENDS.items():
        if dump.has(name) and not dump.has(needs):
            raise FormatError(
                dump.objects[name].source,
                f"SSD object {name} links to its child through {needs}, which is absent",
            )
    for name, completes in COMPLETES.items():
        if dump.has(name) and not dump.has(completes):
            raise FormatError(
                dump.objects[name].source,
                f"SSD object {name} completes {completes}, which is absent: its rows would load "
                f"nowhere; give {completes} alongside it",
            )


# Objects whose rows reach their child or key date only through another object.
DEPENDS = {"ssd_cla_reviews": "ssd_cla_episodes", "ssd_cp_reviews": "ssd_cp_plans"}
# The object each auxiliary one completes (ssd_links.Links): alone, its rows would load nowhere.
COMPLETES = {
    "ssd_assessment_factors": "ssd_cin_assessments",
    "ssd_initial_cp_conference": "ssd_s47_enquiry",
    "ssd_cla_placement": "ssd_cla_episodes",
    "ssd_disability": "ssd_person",
    "ssd_linked_identifiers": "ssd_person",
    "ssd_immigration_status": "ssd_person",
}


def batch(dump: Dump, *, la_code: str) -> LoadBatch:
    """Every object of the dump as one load of canonical rows and issues."""
    check_fields(dump)
    spec = load_spec("ssd")
    ctx = Links(dump)
    tables, issues = {}, list(ctx.issues)
    for name, tspec in spec.tables.items():
        source = PSEUDO.get(name, name)
        if not dump.has(source):
            continue
        records = ctx.records(name, dump.rows(source))
        converted = convert(records, tspec, file=dump.objects[source].source)
        tables[tspec.canonical] = converted.rows
        issues.extend(converted.issues)
        issues.extend(ctx.take_issues(name, tspec.canonical))
    return LoadBatch(
        source_format="ssd",
        la_code=la_code,
        period_start=None,
        period_end=None,
        files=sorted(o.source for o in dump.objects.values()),
        tables=tables,
        issues=issues,
    )


ADAPTER = SsdAdapter()
