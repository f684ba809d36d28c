"""The synthetic authority's children's social work workforce census returns (standards.md 4).

One XML file per census, `csww/csww_<year>.xml`, for each 30 September inside the authority's
range that the canonical `workforce_census_*` tables have rows for. Elements follow DfE's schema
order (S3 social_work_workforce_2022.xsd), numbers with the decimal places it fixes (FTE 6,
working days lost 2, contract weeks 1, vacancies 2).

The schema has no local worker id, so none is written: ingest gives each worker the SWENo as
`worker_id`. A record the schema cannot hold (no SWENo or no agency flag, both mandatory) is not
a census record and is left out.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pyarrow as pa

from csc_scorecard.model.schema import table
from csc_scorecard.synth.authority import SyntheticAuthority

SEX = {"M": "1", "F": "2", "U": "0"}  # GenderCurrent: 1 male, 2 female, 0 not known
# (element, canonical column, how it is written: text | date | bool | sex | int | decimal places)
WORKER: tuple[tuple[str, str, str | int], ...] = (
    ("AgencyWorker", "agency", "bool"),
    ("SWENo", "swe_no", "text"),
    ("FTE", "fte", 6),
    ("PersonBirthDate", "date_of_birth", "date"),
    ("GenderCurrent", "sex", "sex"),
    ("Ethnicity", "ethnicity", "text"),
    ("QualInst", "qual_inst", "text"),
    ("QualLevel", "qual_level", "text"),
    ("OrgRole", "org_role", "text"),
    ("RoleStartDate", "role_start_date", "date"),
    ("StartOrigin", "start_origin", "text"),
    ("RoleEndDate", "role_end_date", "date"),
    ("LeaverDestination", "leaver_destination", "text"),
    ("ReasonLeave", "reason_leave", "text"),
    ("FTE30", "fte30", 6),
    ("Cases30", "cases30", "int"),
    ("WorkingDaysLost", "working_days_lost", 2),
    ("ContractWeeks", "contract_weeks", 1),
    ("Absat30Sept", "absent_at_30_sept", "bool"),
    ("ReasonAbsence", "reason_absence", "text"),
)
LA_LEVEL: tuple[tuple[str, str, str | int], ...] = (
    ("NumberOfVacancies", "vacancies_fte", 2),
    ("NoAgencyFTE", "agency_fte", 2),
    ("NoAgencyHeadcount", "agency_headcount", "int"),
)


def census_years(authority: SyntheticAuthority) -> list[int]:
    """Census years whose 30 September falls inside the authority's range."""
    return [
        y
        for y in range(authority.start.year, authority.end.year + 1)
        if authority.start <= date(y, 9, 30) <= authority.end
    ]


def _text(value: object, how: str | int) -> str:
    if isinstance(how, int):
        return f"{float(value):.{how}f}"
    if how == "bool":
        return "1" if value else "0"
    if how == "sex":
        return SEX.get(str(value), str(value))
    if how == "date":
        return value.isoformat()
    return str(value)


def _as_read(value: object, how: str | int) -> object:
    """The value as ingest reads it back: numbers at the precision the schema writes them."""
    return None if value is None else float(_text(value, how)) if isinstance(how, int) else value


def _records(authority: SyntheticAuthority, name: str, year: int) -> list[dict]:
    t = authority.tables.get(name)
    if t is None:
        return []
    rows = [r for r in t.to_pylist() if r["collection_year"] == year]
    if name == "workforce_census_workers":
        rows = [r for r in rows if r["swe_no"] is not None and r["agency"] is not None]
        rows.sort(key=lambda r: (r["swe_no"], str(r["role_start_date"])))
    return rows


def _leaf(parent: ET.Element, name: str, value: object, how: str | int) -> None:
    if value is not None:
        ET.SubElement(parent, name).text = _text(value, how)


def write(authority: SyntheticAuthority, out_dir: Path) -> list[Path]:
    folder = out_dir / "csww"
    files = []
    for year in census_years(authority):
        workers = _records(authority, "workforce_census_workers", year)
        la = _records(authority, "workforce_census_la", year)
        if not workers and not la:
            continue
        message = ET.Element("Message")
        header = ET.SubElement(message, "Header")
        details = ET.SubElement(header, "CollectionDetails")
        _leaf(details, "Collection", "CSWW", "text")
        _leaf(details, "Year", year, "text")
        _leaf(details, "ReferenceDate", date(year, 9, 30), "date")
        source = ET.SubElement(header, "Source")
        _leaf(source, "SourceLevel", "L", "text")
        _leaf(source, "LEA", authority.la_code, "text")
        _leaf(source, "SoftwareCode", "csc-scorecard synthetic authority", "text")
        _leaf(source, "DateTime", f"{year}-10-31T09:00:00Z", "text")
        if la:
            vacancies = ET.SubElement(message, "LALevelVacancies")
            for name, column, how in LA_LEVEL:
                _leaf(vacancies, name, la[0][column], how)
        for w in workers:
            record = ET.SubElement(message, "CSWWWorker")
            for name, column, how in WORKER:
                _leaf(record, name, w[column], how)
        ET.indent(message)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"csww_{year}.xml"
        ET.ElementTree(message).write(path, encoding="utf-8", xml_declaration=True)
        files.append(path)
    return files


def expected(authority: SyntheticAuthority) -> dict[str, pa.Table]:
    """The canonical rows the census files carry (what ingesting them must give back)."""
    workers, la = [], []
    for year in census_years(authority):
        for w in _records(authority, "workforce_census_workers", year):
            row = {column: _as_read(w[column], how) for _name, column, how in WORKER}
            workers.append({"collection_year": year, "worker_id": w["swe_no"], **row})
        for r in _records(authority, "workforce_census_la", year)[:1]:
            la.append(
                {"collection_year": year, **{c: _as_read(r[c], how) for _n, c, how in LA_LEVEL}}
            )
    return {
        "workforce_census_workers": _typed("workforce_census_workers", workers),
        "workforce_census_la": _typed("workforce_census_la", la),
    }


def _typed(name: str, records: list[dict]) -> pa.Table:
    t = table(name)
    columns = ["collection_year"] + (["worker_id"] if name == "workforce_census_workers" else [])
    columns += [c for _n, c, _h in (WORKER if name == "workforce_census_workers" else LA_LEVEL)]
    schema = t.arrow_schema()
    return pa.Table.from_pylist(records, schema=pa.schema([schema.field(c) for c in columns]))
