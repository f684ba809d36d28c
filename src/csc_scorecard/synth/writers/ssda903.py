"""The synthetic authority's SSDA903 returns, one per collection year it touches:
`ssda903/<year>/<table>.csv` (the DfE CSV files, exactly DfE's columns) and the same content as
`ssda903_xml/<year>.xml`. A collection year ends on 31 March (2020 = 1 April 2019 to 31 March
2020); the last one is an in-year extract as at the authority's extract date, as councils run
them. Social-worker episodes are written from 2023-24 (year 2024), when DfE started collecting
them; SEX is 1/2 to 2023-24 and M/F/U from 2024-25 (standards.md 1.3, 1.4).

What a return carries, as the DfE validation rules check it (csc-validator-be-903, cited by rule;
standards.md 1.2, 1.5):
- Episodes: every episode open at any time in the year (DECOM on or before its end, DEC blank or
  on or after its start). Nothing after the year's end is known: a later DEC is left blank with
  its REC and REASON_PLACE_CHANGE (rules 354/385), and the next return carries it. Short breaks
  (V3/V4) go without PL_POST and URN (214/420).
- Header: the children with such an episode, plus the OC3 cohort (INT06). MOTHER/MC_DOB only
  once the child's child is born (625), never for care leavers not looked after (628).
- UASC: children with an episode who were UASC at some time in the year (DUC blank or not before
  its start, rule 104), DUC as recorded even when still ahead (the 18th birthday, 205B); not for
  care leavers (1014).
- Reviews in the year; Missing periods open at any time in the year (570/571/576), MIS_END left
  blank until it has passed; SWEpisodes likewise (SW06/SW07), for the children looked after at
  the end of the year only (SW01STG1, SW12STG2).
- OC2: the child's cla_health row for the year, for children looked after continuously in the
  year (S1 `utils.py`: no S start after 1 April, no non-X1 end before 31 March, no V3/V4).
- OC3: the child's care_leavers row for the year, for care leavers whose 17th-21st birthday
  falls in it (391), who were in care 13 weeks after their 14th birthday and a day after their
  16th (1001), were not adopted, did not die or move to another authority in care (1000/1011),
  and, at 17 or 18, had left care before that birthday (1007/1016).
- AD1: children whose episode ended in adoption (E11/E12) in the year, with the decision that
  led to it (601/602); PlacedAdoption: every decision that a child should be placed for
  adoption still in force at some time in the year for a child looked after in it (117/118),
  its reversal left blank until it has happened.
- PrevPerm: children who started to be looked after in the year (630).

`expected` is what loading every return, oldest first, leaves in the store: for each record,
the version in the latest return that carries it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from csc_scorecard.model.schema import table
from csc_scorecard.synth.authority import SyntheticAuthority
from csc_scorecard.synth.writers.csv_out import converted, day_month_year, write_csv
from csc_scorecard.synth.writers.ssda903_returns import (
    FIELDS,
    FILES,
    SW_FROM_YEAR,
    Return,
    Row,
    returns,
)
from csc_scorecard.synth.writers.xml_out import XmlText

FORMAT = "ssda903"
SEX_LETTERS_FROM_YEAR = 2025  # SEX M/F/U from 2024-25; 1/2 before (standards.md 1.3)

# Which canonical table each DfE table's rows belong to (AD1 and PlacedAdoption share one).
CANONICAL = {
    "Header": "children",
    "Episodes": "cla_episodes",
    "Reviews": "cla_reviews",
    "OC2": "cla_health",
    "OC3": "care_leavers",
    "AD1": "adoptions",
    "PlacedAdoption": "adoptions",
    "PrevPerm": "previous_permanence",
    "Missing": "missing_episodes",
    "SWEpisodes": "cla_social_worker_episodes",
}
# XML: (element, table) groups under <HEADER> and under <CHILD> (ingest/formats/ssda903_xml.py).
XML_UNDER_HEADER = (("AREVIEW", "Reviews"), ("AMISSING", "Missing"), ("OC2", "OC2"),
                    ("PERMANENCE", "PrevPerm"), ("AD_PLACED", "PlacedAdoption"))  # fmt: skip
XML_UNDER_CHILD = (("EPISODE", "Episodes"), ("SWEPISODE", "SWEpisodes"))
XML_RENAME = {"CHILD": "CHILDID", "PLACE": "PL"}


# -- writing ------------------------------------------------------------------------------------


def write(authority: SyntheticAuthority, out_dir: Path) -> list[Path]:
    """Write every year's return as CSV files and as one XML file; return the paths."""
    paths: list[Path] = []
    for ret in returns(authority):
        folder = out_dir / FORMAT / str(ret.year)
        folder.mkdir(parents=True, exist_ok=True)
        for name, file_name in FILES.items():
            if name == "SWEpisodes" and ret.year < SW_FROM_YEAR:
                continue
            rows = ret.tables[name]
            header = [f for f, _ in FIELDS[name]]
            columns = [_column(rows, f, col, ret.year) for f, col in FIELDS[name]]
            paths.append(write_csv(folder / file_name, header, columns))
        xml_dir = out_dir / f"{FORMAT}_xml"
        xml_dir.mkdir(parents=True, exist_ok=True)
        path = xml_dir / f"{ret.year}.xml"
        _xml(ret).write(path)
        paths.append(path)
    return paths


def _column(rows: list[Row], field_name: str, col: str, year: int) -> Sequence[Any]:
    """One CSV column: each row's value as `_text` writes it."""
    values = [row.get(col) for row in rows]
    if field_name == "SEX" and year < SEX_LETTERS_FROM_YEAR:
        return [_text(v, field_name, year) for v in values]
    return converted(values, lambda v: _text(v, field_name, year))


def _text(value: Any, field_name: str, year: int) -> str:
    """A value as the 903 writes it: DD/MM/YYYY dates, 0/1 flags, SEX 1/2 before 2024-25."""
    if value is None:
        return ""
    if field_name == "SEX" and year < SEX_LETTERS_FROM_YEAR:
        return {"M": "1", "F": "2"}.get(value, value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return day_month_year(value)
    return str(value)


def _xml(ret: Return) -> XmlText:
    by_child: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for name, rows in ret.tables.items():
        for row in rows:
            by_child[row["child_id"]][name].append(row)
    x = XmlText("EXPSSDA903")
    for head in ret.tables["Header"]:
        child = head["child_id"]
        tables = by_child[child]
        x.open("CHILD")
        x.open("HEADER")
        for f, col in FIELDS["Header"]:
            _leaf(x, f, head.get(col), ret.year)
        # UASC is 0/1 for every child in XML (rule 105), care leavers included (0), although
        # for them it means nothing (1014) and is read back as unknown.
        _leaf(x, "UASC", bool(head["uasc"]), ret.year)
        if head["uasc"]:
            _leaf(x, "DUC", head["uasc_ceased_date"], ret.year)
        for name in ("OC3", "AD1"):  # flat: their fields are leaves of <HEADER>
            for row in tables.get(name, [])[:1]:
                for f, col in FIELDS[name][2:]:
                    _leaf(x, f, row.get(col), ret.year)
        for tag, name in XML_UNDER_HEADER:
            for row in tables.get(name, []):
                _group(x, tag, name, row, ret.year)
        x.close()
        for tag, name in XML_UNDER_CHILD:
            if name == "SWEpisodes" and ret.year < SW_FROM_YEAR:
                continue
            for row in tables.get(name, []):
                _group(x, tag, name, row, ret.year)
        x.close()
    return x


def _group(x: XmlText, tag: str, name: str, row: Row, year: int) -> None:
    x.open(tag)
    for f, col in FIELDS[name]:
        if f not in ("CHILD", "DOB"):
            _leaf(x, XML_RENAME.get(f, f), row.get(col), year)
    x.close()


def _leaf(x: XmlText, tag: str, value: Any, year: int) -> None:
    x.leaf(XML_RENAME.get(tag, tag), _text(value, tag, year))


# -- what loading the returns gives back --------------------------------------------------------


def expected(authority: SyntheticAuthority) -> dict[str, pa.Table]:
    """The canonical rows and columns the returns carry, as loading them oldest first leaves
    them: a record carried by several returns takes the latest return's values, and a blank in
    a later return keeps the earlier value (the store never lets a blank erase one)."""
    merged: dict[str, dict[tuple, Row]] = defaultdict(dict)
    for ret in returns(authority):
        for canonical, rows in _canonical_rows(ret).items():
            key = table(canonical).key
            for row in rows:
                k = tuple(row[c] for c in key)
                earlier = merged[canonical].get(k, {})
                merged[canonical][k] = {
                    c: (v if v is not None else earlier.get(c)) for c, v in row.items()
                }
    out = {}
    for canonical in sorted(set(CANONICAL.values())):
        t = table(canonical)
        cols = _expected_columns(canonical)
        schema = t.arrow_schema()
        rows = [merged[canonical][k] for k in sorted(merged[canonical], key=_sort_key)]
        out[canonical] = pa.table(
            {c: pa.array([r.get(c) for r in rows], type=schema.field(c).type) for c in cols}
        )
    return out


def _expected_columns(canonical: str) -> list[str]:
    """The canonical columns the 903 supplies for a table (plus UASC status on children)."""
    cols = ["child_id"]
    for name, fields in FIELDS.items():
        if CANONICAL.get(name) == canonical:
            cols += [c for f, c in fields if c not in cols and c != "dob" and f != "CHILD"]
    if canonical == "children":
        cols += ["uasc", "uasc_ceased_date"]
    if canonical in ("cla_health", "care_leavers"):
        cols.append("collection_year")
    return cols


def _canonical_rows(ret: Return) -> dict[str, list[Row]]:
    """One return's rows as the reader builds them: Header with UASC status, AD1 and
    PlacedAdoption rows for one decision as one row, OC2/OC3 stamped with the year."""
    out: dict[str, list[Row]] = defaultdict(list)
    for name, rows in ret.tables.items():
        canonical = CANONICAL.get(name)
        if canonical is None or (name == "SWEpisodes" and ret.year < SW_FROM_YEAR):
            continue
        cols = _expected_columns(canonical)
        for row in rows:
            out[canonical].append(
                {c: row.get(c) for c in cols}
                | ({"collection_year": ret.year} if "collection_year" in cols else {})
            )
    adoptions: dict[tuple, Row] = {}
    for row in out.pop("adoptions", []):
        key = (row["child_id"], row["adm_decision_date"])
        if key in adoptions:
            adoptions[key].update({k: v for k, v in row.items() if v is not None})
        else:
            adoptions[key] = row
    out["adoptions"] = list(adoptions.values())
    return out


def _sort_key(key: tuple) -> tuple:
    return tuple((v is None, v if v is not None else 0) for v in key)
