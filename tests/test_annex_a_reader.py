"""Reading Annex A workbooks others made: the liia-tools sample, SSD-style headings, title rows,
and workbooks that must be refused (with the store left as it was)."""

from __future__ import annotations

import zipfile
from datetime import date as d
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter
from conftest import PEER_FIXTURES, needs_peer_fixtures, peer_fixture

from csc_scorecard.ingest.formats import annex_a
from csc_scorecard.ingest.run import IngestRefused, ingest
from csc_scorecard.model.batch import FormatError

SAMPLE = PEER_FIXTURES / "liiatools-samples" / "Annex_A.xlsx"
TODAY = d(2024, 1, 1)


def workbook(path: Path, sheets: dict[str, list[list[object]]], *, start_row: int = 0) -> Path:
    """An .xlsx with the given rows per sheet (dates as real Excel dates), from `start_row`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(path) as book:
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        for name, rows in sheets.items():
            ws = book.add_worksheet(name)
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    if isinstance(value, d):
                        ws.write_datetime(
                            start_row + i, j, datetime(value.year, value.month, value.day), day
                        )
                    elif value is not None:
                        ws.write(start_row + i, j, value)
    return path


CONTACTS = [
    [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age",
        "Date of Contact",
        "Contact Source",
    ],
    ["A1", "b) Female", "a) WBRI", d(2012, 4, 1), 10, d(2022, 5, 3), "q) 6: Police"],
    ["A2", "a) Male", "k) APKN", d(2015, 1, 2), 7, d(2022, 6, 1), "p1) 5D: LA services"],
]


# -- the liia-tools sample -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return annex_a.read_workbook(peer_fixture(SAMPLE), la_code="301", today=TODAY)


def test_sample_is_recognised_and_dated_by_its_latest_event(sample):
    assert annex_a.ADAPTER.sniff(SAMPLE)
    # No date in the file name: the latest event date is a CP visit on 2 March 2021.
    assert (sample.source_format, sample.la_code) == ("annex_a", "301")
    assert (sample.period_start, sample.period_end) == (d(2020, 9, 2), d(2021, 3, 2))


def test_sample_rows_per_table(sample):
    counts = {name: t.num_rows for name, t in sample.tables.items()}
    assert counts == {
        "children": 48,
        "contacts": 5,
        "early_help_episodes": 5,
        "referrals": 11,
        "assessments": 5,
        "section47s": 5,
        "cp_plans": 7,
        "cp_visits": 7,
        "cp_reviews": 5,
        "cla_reviews": 5,
        "care_leaver_plans": 6,
        "adoptions": 5,
    }


def test_sample_values_decoded_from_ofsted_options(sample):
    contacts = sample.tables["contacts"].to_pylist()
    assert [(c["child_id"], c["contact_date"], c["contact_source"]) for c in contacts[:3]] == [
        ("9212044", d(2020, 9, 16), "6"),  # "q) 6: Police"
        ("11973218", d(2020, 9, 16), "6"),
        ("6217392", d(2020, 9, 16), "1B"),  # "b) 1B: Individual"
    ]
    children = {c["child_id"]: c for c in sample.tables["children"].to_pylist()}
    assert children["9212044"]["sex"] == "F"  # written "Female", without the option letter
    assert children["6217392"]["ethnicity"] == "NOBT"  # "s) NOBT": the letter is not trusted
    plan = sample.tables["cp_plans"].to_pylist()[0]
    assert (
        plan["initial_category"],
        plan["previous_plans"],
        plan["protection_last_six_months"],
    ) == ("PHY", 0, False)
    leaver = sample.tables["care_leaver_plans"].to_pylist()[0]
    # "Y: Other accommodation" + "a) Suitable" is OC3 code Y1; the as-at date is the extract date.
    assert (
        leaver["eligibility_category"],
        leaver["in_touch"],
        leaver["accommodation"],
        leaver["activity"],
    ) == ("former_relevant", "YES", "Y1", "F1")
    assert leaver["as_at_date"] == d(2021, 3, 2)
    reversed_ = [a for a in sample.tables["adoptions"].to_pylist() if a["decision_reversed_reason"]]
    assert [(a["child_id"], a["decision_reversed_reason"]) for a in reversed_] == [
        ("13782635", "RD2")
    ]


def test_sample_quality_findings(sample):
    found = {}
    for i in sample.issues:
        found.setdefault((i.rule, i.sheet, i.field), []).append(i.row)
    assert found == {
        # A made-up need code, on the row it sits on in Excel.
        ("unknown_code", "List 6", "Primary Need Code"): [2],
        # "CS Assessment Updated" is not a yes/no answer.
        (
            "invalid_boolean",
            "List 4",
            "Was the child assessed as requiring LA children's social care support?",
        ): [2, 3, 4, 5, 6],
        # List 10 reuses list 9's child ids with other birth dates and ethnicities.
        ("inconsistent_value", "List 10", "Date of Birth"): [2, 3, 4, 5, 6],
        ("inconsistent_value", "List 10", "Ethnicity"): [2, 3, 4, 5, 6],
    }
    first = next(i for i in sample.issues if i.rule == "inconsistent_value")
    assert (first.child_id, first.value, first.message) == (
        "7961370",
        "NOBT",
        "Ethnicity is NOBT here but OOTH on 'List 9'",
    )


@needs_peer_fixtures
def test_sample_ingests_into_a_store(store):
    result = ingest(store, [SAMPLE], la_code="301")
    assert [b.source_format for b in result.batches] == ["annex_a"]
    assert store.con.execute("SELECT count(*) FROM cp_plans WHERE la_code = '301'").fetchone() == (
        7,
    )
    assert store.con.execute("SELECT count(*) FROM dq_issues").fetchone() == (
        len(result.batches[0].issues),
    )


# -- other layouts ---------------------------------------------------------------------------


def test_title_rows_blank_rows_and_ssd_headings(tmp_path):
    # SSD extract headings (S4 aliases) on a sheet named with its title, below a title row and
    # two blank rows: issues must name the row as Excel numbers it.
    rows = [
        ["Ofsted Annex A - List 3: Referrals (six months to 30/06/2022)"],
        [],
        [
            "ChildUniqueID",
            "Gender",
            "Ethnicity",
            "DateOfBirth",
            "ReferralDate",
            "ReferralSource",
            "ReferralNFA",
        ],
        [
            "R1",
            "c) Not stated/recorded",
            "u) UNKNOWN",
            d(2010, 1, 1),
            d(2022, 3, 1),
            "a) 1A: Individual",
            "b) No",
        ],
        [None] * 7,
        ["R2", "d) Neither", "WBRI", "31/02/2011", "not a date", "10", "a) Yes"],
    ]
    path = workbook(
        tmp_path / "export" / "SSD_extract.xlsx",
        {"Cover": [["Annex A"]], "L3 Referrals": rows, "List 1": CONTACTS},
        start_row=2,
    )
    assert annex_a.ADAPTER.sniff(path)  # no "annex" in the name: found by its list sheets
    batch = annex_a.read_workbook(path, la_code="371", today=TODAY)
    referrals = sorted(batch.tables["referrals"].to_pylist(), key=lambda r: r["child_id"])
    assert [
        (r["child_id"], r["referral_source"], r["referral_nfa"], r["source_row"]) for r in referrals
    ] == [("R1", "1A", False, 6), ("R2", "10", True, 8)]
    children = {c["child_id"]: c for c in batch.tables["children"].to_pylist()}
    assert children["R1"]["sex"] == "U" and children["R2"]["sex"] == "U"
    found = sorted((i.rule, i.sheet, i.row, i.field) for i in batch.issues)
    assert found == [
        ("invalid_date", "L3 Referrals", 8, "Date of Birth"),  # 31 February
        ("invalid_date", "L3 Referrals", 8, "Date of Referral"),
        ("unknown_code", "L3 Referrals", 6, "Ethnicity"),  # S4's "u) UNKNOWN" is no DfE code
    ]
    # The extract date is the latest event: the list 1 contact on 1 June 2022.
    assert batch.period_end == d(2022, 6, 1)


def test_extract_date_from_the_file_name(tmp_path):
    path = workbook(tmp_path / "AnnexA_20220630.xlsx", {"List 1 - Contacts": CONTACTS})
    batch = annex_a.read_workbook(path, la_code="371", today=TODAY)
    assert (batch.period_start, batch.period_end) == (d(2021, 12, 30), d(2022, 6, 30))


def test_empty_and_adopter_sheets_are_accepted(tmp_path):
    sheets = {
        "List 1": CONTACTS,
        "List 2": [],
        "List 11": [["Individual adopter identifier"], ["X9"]],
    }
    batch = annex_a.read_workbook(
        workbook(tmp_path / "annex_a.xlsx", sheets), la_code="371", today=TODAY
    )
    assert set(batch.tables) == {"children", "contacts"}
    assert [(i.rule, i.sheet, i.severity) for i in batch.issues] == [
        ("empty_list", "List 2", "info")
    ]


# -- refused workbooks -----------------------------------------------------------------------


def truncated(tmp_path: Path) -> Path:
    good = workbook(tmp_path / "whole.xlsx", {"List 1": CONTACTS})
    cut = tmp_path / "bad" / "annex_a_2022-06-30.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return cut


def not_a_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "bad" / "annex_a.xlsx"
    path.write_text("Child Unique ID,Date of Contact\nA1,01/05/2022\n")
    return path


def missing_column(tmp_path: Path) -> Path:
    rows = [["Child Unique ID", "Gender", "Contact Source"], ["A1", "a) Male", "q) 6: Police"]]
    return workbook(tmp_path / "bad" / "annex_a.xlsx", {"List 1": rows})


def no_header(tmp_path: Path) -> Path:
    return workbook(tmp_path / "bad" / "annex_a.xlsx", {"List 1": [["something else"], ["A1"]]})


def duplicate_lists(tmp_path: Path) -> Path:
    return workbook(
        tmp_path / "bad" / "annex_a.xlsx", {"List 1": CONTACTS, "List 1 (old)": CONTACTS}
    )


def no_lists(tmp_path: Path) -> Path:
    return workbook(tmp_path / "bad" / "annex_a.xlsx", {"Contacts": CONTACTS})


def broken_member(tmp_path: Path) -> Path:
    """A complete zip whose worksheet XML is cut short."""
    good = workbook(tmp_path / "whole.xlsx", {"List 1": CONTACTS})
    bad = tmp_path / "bad" / "annex_a.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(
                item, data[: len(data) // 2] if item.filename.endswith("sheet1.xml") else data
            )
    return bad


@pytest.mark.parametrize(
    ("make", "message", "where"),
    [
        (truncated, "cannot be opened as an Excel workbook", {}),
        (not_a_workbook, "is not an Excel workbook", {}),
        (
            missing_column,
            "list 1 has no 'Date of Contact' column",
            {"sheet": "List 1", "line": 1, "field": "Date of Contact"},
        ),
        (no_header, "no header row for list 1", {"sheet": "List 1"}),
        (duplicate_lists, "two sheets look like list 1", {}),
        (no_lists, "has no Annex A list sheets", {}),
        (broken_member, "cannot read the sheet", {"sheet": "List 1"}),
    ],
    ids=lambda v: v.__name__ if callable(v) else None,
)
def test_refused_workbooks_leave_the_store_unchanged(tmp_path, store, make, message, where):
    good = workbook(tmp_path / "good" / "annex_a_2022-06-30.xlsx", {"List 1": CONTACTS})
    ingest(store, [good], la_code="371")
    (tmp_path / "bad").mkdir(exist_ok=True)
    bad = make(tmp_path)
    with pytest.raises(FormatError, match=message) as err:
        annex_a.read_workbook(bad, la_code="371", today=TODAY)
    assert {k: getattr(err.value, k) for k in where} == where
    with pytest.raises(IngestRefused):
        ingest(store, [good, bad], la_code="371")
    assert store.con.execute("SELECT count(*) FROM loads").fetchone() == (1,)
    assert store.con.execute("SELECT count(*) FROM contacts").fetchone() == (2,)


def test_no_authority_is_refused(tmp_path):
    path = workbook(tmp_path / "annex_a.xlsx", {"List 1": CONTACTS})
    with pytest.raises(FormatError, match="pass --la CODE"):
        annex_a.read_workbook(path, la_code=None)


def test_docstring_examples():
    import doctest

    failed, attempted = doctest.testmod(annex_a)
    assert (failed, attempted > 0) == (0, True)
