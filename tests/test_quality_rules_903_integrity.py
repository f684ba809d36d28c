"""SSDA903 internal checks INT01-INT36 (`quality/rules/ssda903/integrity.py`) on one tiny
hand-written CSV return, read the way `scorecard validate` reads files: what they check (a
child missing from the Header, a DOB or SEX unlike the Header's, a child listed twice) is seen
by ingest, so the case is the files, not canonical rows. Collection year 2023-24. A fault row is
the CSV's line (the column heading is line 1).

The Header lists A (line 2, male, born 01/06/2010), B twice (lines 3 and 4, female, 02/07/2011)
and C (line 5, male, 03/08/2012). In every other table A's rows are consistent (never flagged);
each fault below is planted on purpose and worked out by hand:

- Episodes line 3: Z is not in the Header (INT03).
- Reviews line 3: A's DOB 02/06/2010 (INT17); line 4: Y not in the Header (INT08); line 5: A's
  DOB 31/02/2010 is not a date, so it is not compared (no INT17).
- Missing line 3: A's DOB 01/06/2011 (INT13); line 4: X (INT04).
- OC2 lines 2 and 3: A twice (INT33, both lines); line 4: B's DOB 05/05/2005 (INT14); line 5:
  W (INT05).
- OC3 lines 2 and 3: C twice (INT34), line 3 with DOB 13/08/2012 (INT15); line 4: V (INT06).
- AD1 lines 2 and 3: A twice, two decisions (INT31); line 4: C's DOB 04/08/2012 (INT11);
  line 5: U (INT01).
- PlacedAdoption line 2: A, pairs with AD1 line 2 (clean); line 3: C's DOB 09/09/2012 (INT12);
  line 4: T (INT02).
- PrevPerm line 3: B's DOB 02/07/2012 (INT16); lines 3 and 4: B twice (INT35); line 5: S
  (INT07).
- UASC lines 2 and 3: A twice (INT36); line 4: C as female, the Header says male (INT21);
  line 5: B's DOB 03/07/2011 (INT18); line 6: R (INT09).
- Header lines 3 and 4: B twice (INT32).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from csc_scorecard.ingest.columns import cells_of
from csc_scorecard.ingest.ssda903 import COLUMNS
from csc_scorecard.ingest.ssda903_repeated import differs_from_header
from csc_scorecard.quality.validate import validate_files

ROWS = {
    "Header": [
        "A,1,01/06/2010,WBRI,A00000000001A,,",
        "B,2,02/07/2011,WBRI,A00000000002A,,",
        "B,2,02/07/2011,WBRI,A00000000002A,,",
        "C,1,03/08/2012,WBRI,A00000000003A,,",
    ],
    "Episodes": [
        "A,01/05/2023,S,C2,N1,U1,PR1,,,,,,",
        "Z,01/05/2023,S,C2,N1,U1,PR1,,,,,,",
    ],
    "Reviews": [
        "A,01/06/2010,01/09/2023,PN1",
        "A,02/06/2010,01/12/2023,PN1",
        "Y,01/01/2015,01/10/2023,PN1",
        "A,31/02/2010,01/02/2024,PN1",
    ],
    "Missing": [
        "A,01/06/2010,M,01/10/2023,02/10/2023",
        "A,01/06/2011,M,01/11/2023,02/11/2023",
        "X,01/01/2015,M,01/12/2023,02/12/2023",
    ],
    "OC2": [
        "A,01/06/2010,,,0,1,1,1,1,0,,",
        "A,01/06/2010,,,0,1,1,1,1,0,,",
        "B,05/05/2005,,,0,1,1,1,1,0,,",
        "W,01/01/2015,,,0,1,1,1,1,0,,",
    ],
    "OC3": [
        "C,03/08/2012,YES,F1,B1",
        "C,13/08/2012,YES,F1,B1",
        "V,01/01/2003,YES,F1,B1",
    ],
    "AD1": [
        "A,01/06/2010,01/01/2023,01/02/2023,0,2,MF,L0",
        "A,01/06/2010,01/03/2023,01/04/2023,0,2,MF,L0",
        "C,04/08/2012,01/01/2023,01/02/2023,0,2,MF,L0",
        "U,01/01/2015,01/01/2023,01/02/2023,0,2,MF,L0",
    ],
    "PlacedAdoption": [
        "A,01/06/2010,01/01/2023,,",
        "C,09/09/2012,01/05/2023,,",
        "T,01/01/2015,01/05/2023,,",
    ],
    "PrevPerm": [
        "A,01/06/2010,Z1,,",
        "B,02/07/2012,Z1,,",
        "B,02/07/2011,Z1,,",
        "S,01/01/2015,Z1,,",
    ],
    "UASC": [
        "A,1,01/06/2010,",
        "A,1,01/06/2010,",
        "C,2,03/08/2012,",
        "B,2,03/07/2011,",
        "R,1,01/01/2012,",
    ],
}

# rule -> {(DfE table, CSV line, child)} it must flag, worked out above.
CASES = {
    "INT01": {("AD1", 5, "U")},
    "INT02": {("PlacedAdoption", 4, "T")},
    "INT03": {("Episodes", 3, "Z")},
    "INT04": {("Missing", 4, "X")},
    "INT05": {("OC2", 5, "W")},
    "INT06": {("OC3", 4, "V")},
    "INT07": {("PrevPerm", 5, "S")},
    "INT08": {("Reviews", 4, "Y")},
    "INT09": {("UASC", 6, "R")},
    "INT11": {("AD1", 4, "C")},
    "INT12": {("PlacedAdoption", 3, "C")},
    "INT13": {("Missing", 3, "A")},
    "INT14": {("OC2", 4, "B")},
    "INT15": {("OC3", 3, "C")},
    "INT16": {("PrevPerm", 3, "B")},
    "INT17": {("Reviews", 3, "A")},
    "INT18": {("UASC", 5, "B")},
    "INT21": {("UASC", 4, "C")},
    "INT31": {("AD1", 2, "A"), ("AD1", 3, "A")},
    "INT32": {("Header", 3, "B"), ("Header", 4, "B")},
    "INT33": {("OC2", 2, "A"), ("OC2", 3, "A")},
    "INT34": {("OC3", 2, "C"), ("OC3", 3, "C")},
    "INT35": {("PrevPerm", 3, "B"), ("PrevPerm", 4, "B")},
    "INT36": {("UASC", 2, "A"), ("UASC", 3, "A")},
}


@pytest.fixture(scope="module")
def faults(tmp_path_factory) -> list[dict]:
    folder: Path = tmp_path_factory.mktemp("int903") / "2024"
    folder.mkdir()
    for name, rows in ROWS.items():
        text = ",".join(COLUMNS[name]) + "\n" + "\n".join(rows) + "\n"
        (folder / f"{name.lower()}.csv").write_text(text, encoding="utf-8")
    result = validate_files(sorted(folder.glob("*.csv")), la_code="371", year=2024)
    assert not result.unreadable
    return result.result.faults.to_pylist()


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code, faults):
    got = {(f["table"], f["row"], f["child"]) for f in faults if f["rule"] == code}
    assert got == CASES[code]


def test_the_value_reported_is_the_tables_own():
    """The differing DOB is reported as the table wrote it (the Header's is on its own row)."""
    header = cells_of([(2, {"CHILD": "A", "SEX": "1", "DOB": "01/06/2010"})])
    oc2 = cells_of(
        [(2, {"CHILD": "A", "DOB": "2010-06-01"}), (3, {"CHILD": "A", "DOB": "01/06/2011"})]
    )
    issues = differs_from_header({"Header": header, "OC2": oc2}, {}, "here")
    assert [(i.rule, i.table, i.row, i.child_id, i.field, i.value) for i in issues] == [
        ("differs_from_header", "cla_health", 3, "A", "DOB", "01/06/2011")
    ]
    assert issues[0].message.startswith("OC2: ")
