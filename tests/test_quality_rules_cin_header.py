"""CIN census rule 100 (`quality/rules/cin/header.py`): the Header's ReferenceDate must be 31
March of its Year. The Header is scoped from what the store keeps of it (the load's census
period and the issues ingest records about ReferenceDate and Year: `quality.scope`
`census_header_sql`), so each case is a whole (one-child) census file read as `scorecard
validate` reads it.

The good Header: Year 2022, ReferenceDate 2022-03-31. Worked by hand, each change and whether
100 flags it (the Header's line is the ReferenceDate's, or the Year's):
- ReferenceDate 2022-07-21: not 31 March -> flagged, value 2022-07-21;
- ReferenceDate 2022-02-30: not a date -> flagged, value 2022-02-30;
- no ReferenceDate -> flagged (the census is taken to end 31 March 2022 from Year), no value;
- Year 2021 beside ReferenceDate 2022-03-31: 31 March 2021 is not the ReferenceDate -> flagged
  at the Year's line, value 2022-03-31;
- Year 20x2: not a year -> flagged;
- no Year beside ReferenceDate 2022-03-31: not flagged (ingest records nothing: the store cannot
  tell a missing Year from one that agrees; the D2I package flags it, docs/quality.md).
"""

from __future__ import annotations

import ibis
import pytest
from test_cin_census_ingest import HEADER, cin, line_of, save

from csc_scorecard.ingest.run import ingest
from csc_scorecard.measures.availability import rule_faults
from csc_scorecard.measures.context import Context, Settings
from csc_scorecard.model.periods import Quarter
from csc_scorecard.quality.rules import get
from csc_scorecard.quality.validate import validate_files
from csc_scorecard.store import Store

RULES = {"100"}  # the CIN rules this module works cases for (test_every_cin_rule_has_a_case)
GOOD_DATE = "<ReferenceDate>2022-03-31</ReferenceDate>"
CASES = {
    "good": (HEADER, None),
    "not 31 March": (HEADER.replace("2022-03-31", "2022-07-21"), ("ReferenceDate", "2022-07-21")),
    "not a date": (HEADER.replace("2022-03-31", "2022-02-30"), ("ReferenceDate", "2022-02-30")),
    "no ReferenceDate": (HEADER.replace(GOOD_DATE, ""), ("Year", None)),
    "another Year": (HEADER.replace("<Year>2022", "<Year>2021"), ("Year", "2022-03-31")),
    "Year not a year": (HEADER.replace("<Year>2022", "<Year>20x2"), ("Year", "2022-03-31")),
    "no Year": (HEADER.replace("<Year>2022</Year>", ""), None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_100_flags_the_headers_worked_out_by_hand(case, tmp_path):
    header, expected = CASES[case]
    text = cin(header=header)
    checked = validate_files([save(tmp_path, text)], la_code="371", year=2022)
    assert not checked.unreadable
    faults = [f for f in checked.result.faults.to_pylist() if f["rule"] == "100"]
    if expected is None:
        assert faults == []
        return
    element, value = expected
    line = line_of(text, f"<{element}>" if element == "ReferenceDate" else "<Year>")
    if case == "no ReferenceDate":
        line = line_of(text, "<Year>")  # the census period was taken from Year
    assert [(f["table"], f["row"], f["child"], f["field"], f["value"]) for f in faults] == [
        ("Header", line, None, "ReferenceDate", value)
    ]
    assert faults[0]["message"] == "Reference Date is incorrect"


def test_100_reads_the_census_header():
    assert get("cin", "100").needs == ("header",)


def test_a_header_fault_in_the_store_concerns_the_load(tmp_path):
    """A census ingested with ReferenceDate 21 July 2022: rule 100 flags its Header. The
    measures' reportability gives every kept fault the canonical table it concerns; the
    Header's is the load itself (`loads`), which no measure counts (before, it had none, and
    reading the faults failed)."""
    text = cin(header=HEADER.replace("2022-03-31", "2022-07-21"))
    with Store(tmp_path / "store.duckdb") as store:
        ingest(store, [save(tmp_path, text)])
        ctx = Context(
            ibis.duckdb.from_connection(store.con), ["371"], [Quarter.parse("2022-Q1")], Settings()
        )
        faults = rule_faults(ctx).to_pylist()
    assert [(f["table"], f["canonical"]) for f in faults if f["rule"] == "100"] == [
        ("Header", "loads")
    ]
