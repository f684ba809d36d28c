"""SSDA903 rule 105 (`quality/rules/ssda903/uasc_xml.py`): the UASC an XML return gives for
every child, on a hand-made input and on a hand-written XML return read as ingest reads it.
Collection year 2023-24. A case is (tables, expected {(DfE table, row)}, issues); rows are
numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import H, child

from csc_scorecard.model.batch import Issue
from csc_scorecard.quality.fixtures import flagged
from csc_scorecard.quality.validate import validate_files


def recorded(rule: str, row: int, cid: str, value: str | None) -> Issue:
    """What ingest records about row `row`'s UASC (the raw text, or a blank in XML)."""
    return Issue(
        rule=rule,
        message="recorded",
        table=H,
        row=row,
        child_id=cid,
        field="UASC",
        column="uasc",
        value=value,
    )


CASES = {
    # A's UASC was "2" (not 0/1: flagged), B's blank in an XML return (flagged), C's 1, D's 0
    # (nothing recorded). A `missing_value` on another column (D's DOB) is not 105's.
    "105": (
        {
            H: [
                child("A", uasc=None),
                child("B", uasc=None),
                child("C", uasc=True),
                child("D", uasc=False),
            ]
        },
        {("Header", 1), ("Header", 2)},
        [
            recorded("invalid_boolean", 1, "A", "2"),
            recorded("missing_value", 2, "B", None),
            Issue(
                rule="missing_value",
                message="recorded",
                table=H,
                row=4,
                child_id="D",
                field="DOB",
                column="date_of_birth",
            ),
        ],
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected, issues = CASES[code]
    assert flagged(tables, code, issues=issues) == expected


def _child(cid: str, uasc: str | None) -> str:
    """A <CHILD> looked after from 1 June 2023, with `uasc` as its UASC leaf (None: none)."""
    leaf = "" if uasc is None else f"<UASC>{uasc}</UASC>"
    return f"""  <CHILD>
    <HEADER>
      <CHILDID>{cid}</CHILDID><SEX>1</SEX><DOB>01/06/2010</DOB><ETHNIC>WBRI</ETHNIC>
      <UPN>UN1</UPN>{leaf}
    </HEADER>
    <EPISODE><DECOM>01/06/2023</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>
      <PLACE_PROVIDER>PR1</PLACE_PROVIDER></EPISODE>
  </CHILD>
"""


def test_105_flags_a_blank_or_invalid_uasc_read_from_an_xml_return(tmp_path):
    """Children X1-X6 (Headers on lines 4, 12, ... 44): UASC blank (<UASC />: flagged), 0, 1,
    2 (flagged), "yes" (read as a yes, as ingest reads any yes/no field: not flagged), and no
    UASC element (flagged). The blank and absent ones are read as not UASC, with a
    `missing_value` warning that 105 reports; the same children in a CSV return (a UASC file
    lists the UASC children) have no UASC field to check."""
    leaves = {"X1": "", "X2": "0", "X3": "1", "X4": "2", "X5": "yes", "X6": None}
    body = "".join(_child(c, v) for c, v in leaves.items())
    path = tmp_path / "ssda903_2024.xml"
    path.write_text(f'<?xml version="1.0"?>\n<EXPSSDA903>\n{body}</EXPSSDA903>\n')
    result = validate_files([path], la_code="371", year=2024)
    assert not result.unreadable
    faults = [f for f in result.result.faults.to_pylist() if f["rule"] == "105"]
    assert sorted((f["child"], f["table"], f["row"], f["value"]) for f in faults) == [
        ("X1", "Header", 4, None),
        ("X4", "Header", 28, "2"),
        ("X6", "Header", 44, None),
    ]
    issues = [i for load in result.loads for i in load.issues]
    warned = [i for i in issues if i.rule == "missing_value" and i.field == "UASC"]
    assert sorted((i.child_id, i.row, i.severity) for i in warned) == [
        ("X1", 4, "warning"),
        ("X6", 44, "warning"),
    ]
