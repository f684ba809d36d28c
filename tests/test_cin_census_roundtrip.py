"""CIN census writer -> reader: which records each census year carries, and the round trip.

The hand-made authority below covers census years 2020 to 2026 (first_year 2019, extract date
30 June 2025, so 2026 is the in-year return). What each child tests is in its comment.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pyarrow as pa
import pytest

from csc_scorecard.ingest.run import ingest
from csc_scorecard.model.schema import table
from csc_scorecard.synth.authority import SynthConfig, SyntheticAuthority
from csc_scorecard.synth.writers import cin_census

D = date


def rows(name: str, *records: dict) -> pa.Table:
    schema = pa.schema([table(name).arrow_schema().field(c) for c in table(name).data_column_names])
    return pa.Table.from_pylist([dict(r) for r in records], schema=schema)


def child(cid, sex, dob, **more) -> dict:
    return {"child_id": cid, "sex": sex, "date_of_birth": dob, "ethnicity": "WBRI", **more}


def small_authority() -> SyntheticAuthority:
    a = SyntheticAuthority(SynthConfig(first_year=2019, last_year=2025, as_at=D(2025, 6, 30)))
    a.tables["children"] = rows(
        "children",
        # C1: one episode over three years with assessment, S47, CP plan and a CIN plan that
        # ends before CIN plans were collected (2021-22), so no return carries it.
        child("C1", "F", D(2012, 2, 3), upn="A123456789012", disabilities="NONE"),
        # C2: referred before birth; unborn at 31 March 2020 (expected DOB, sex unknown).
        child("C2", "M", D(2020, 4, 28), expected_date_of_birth=D(2020, 5, 1), upn="UN1"),
        # C3: a referral with no further action.
        child("C3", "F", D(2015, 7, 1), upn="UN7", disabilities="LD  AUT"),
        # C4: S47 across 31 March 2021, then a CP plan still open at the extract date.
        child("C4", "M", D(2009, 9, 9), former_upn="B123456789012"),
        # C5: transfer-in conference recorded on the episode; died in 2022-23.
        child("C5", "U", D(2017, 1, 5), date_of_death=D(2022, 9, 10), ethnicity="AIND"),
        # C6: closed before the first census year: never returned.
        child("C6", "F", D(2010, 1, 1)),
    )
    a.tables["referrals"] = rows(
        "referrals",
        {
            "child_id": "C1",
            "referral_date": D(2019, 5, 10),
            "referral_source": "2A",
            "referral_nfa": False,
            "primary_need_code": "N1",
            "closure_date": D(2021, 1, 31),
            "closure_reason": "RC7",
        },
        {
            "child_id": "C2",
            "referral_date": D(2020, 2, 10),
            "referral_source": "3B",
            "referral_nfa": False,
            "primary_need_code": "N1",
        },
        {
            "child_id": "C3",
            "referral_date": D(2021, 11, 3),
            "referral_source": "6",
            "referral_nfa": True,
            "closure_date": D(2021, 11, 3),
            "closure_reason": "RC7",
        },
        {
            "child_id": "C4",
            "referral_date": D(2021, 3, 20),
            "referral_source": "5D",
            "referral_nfa": False,
            "primary_need_code": "N4",
        },
        {
            "child_id": "C5",
            "referral_date": D(2022, 1, 20),
            "referral_source": "5C",
            "referral_nfa": False,
            "primary_need_code": "N1",
            "icpc_date": D(2022, 2, 2),
            "closure_date": D(2022, 9, 10),
            "closure_reason": "RC2",
        },
        {
            "child_id": "C6",
            "referral_date": D(2018, 1, 5),
            "referral_source": "1A",
            "referral_nfa": False,
            "primary_need_code": "N5",
            "closure_date": D(2019, 3, 1),
            "closure_reason": "RC7",
        },
    )
    a.tables["assessments"] = rows(
        "assessments",
        {
            "child_id": "C1",
            "referral_date": D(2019, 5, 10),
            "start_date": D(2019, 5, 13),
            "authorised_date": D(2019, 6, 20),
            "factors": "4B 3B",
            "child_seen_date": D(2019, 5, 14),
        },
        {
            "child_id": "C2",
            "referral_date": D(2020, 2, 10),
            "start_date": D(2020, 2, 11),
            "internal_review_date": D(2020, 3, 1),
            "authorised_date": D(2020, 4, 15),
            "factors": "2B",
        },
        # no episode of this referral date: cannot be placed in the XML, so never returned
        {"child_id": "C4", "referral_date": D(2020, 1, 1), "start_date": D(2020, 1, 2)},
    )
    a.tables["section47s"] = rows(
        "section47s",
        {
            "child_id": "C1",
            "referral_date": D(2019, 5, 10),
            "start_date": D(2019, 6, 1),
            "icpc_target_date": D(2019, 6, 21),
            "icpc_date": D(2019, 6, 20),
            "icpc_not_required": False,
            "icpc_resulted_in_plan": True,
        },
        {
            "child_id": "C4",
            "referral_date": D(2021, 3, 20),
            "start_date": D(2021, 3, 25),
            "icpc_target_date": D(2021, 4, 16),
            "icpc_date": D(2021, 4, 9),
            "icpc_not_required": False,
        },
    )
    a.tables["cp_plans"] = rows(
        "cp_plans",
        {
            "child_id": "C1",
            "referral_date": D(2019, 5, 10),
            "start_date": D(2019, 6, 20),
            "end_date": D(2020, 8, 14),
            "initial_category": "NEG",
            "latest_category": "EMO",
            "previous_plans": 0,
        },
        {
            "child_id": "C4",
            "referral_date": D(2021, 3, 20),
            "start_date": D(2021, 4, 9),
            "initial_category": "PHY",
            "latest_category": "PHY",
            "previous_plans": 1,
        },
    )
    a.tables["cp_reviews"] = rows(
        "cp_reviews",
        *(
            {"child_id": "C1", "plan_start_date": D(2019, 6, 20), "review_date": d}
            for d in (D(2019, 9, 19), D(2020, 3, 5), D(2020, 8, 14))
        ),
        *(
            {"child_id": "C4", "plan_start_date": D(2021, 4, 9), "review_date": d}
            for d in (D(2021, 7, 2), D(2022, 1, 7), D(2025, 7, 4))
        ),  # the last is after the extract
    )
    a.tables["cin_plans"] = rows(
        "cin_plans",
        {
            "child_id": "C1",
            "referral_date": D(2019, 5, 10),
            "start_date": D(2020, 8, 14),
            "end_date": D(2021, 1, 31),
        },
        {"child_id": "C2", "referral_date": D(2020, 2, 10), "start_date": D(2021, 6, 1)},
    )
    return a


@pytest.fixture(scope="module")
def authority() -> SyntheticAuthority:
    return small_authority()


@pytest.fixture(scope="module")
def written(authority, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    cin_census.write(authority, out)
    return out


def xml(written: Path, year: int) -> ET.Element:
    return ET.parse(written / "cin_census" / f"cin_{year}.xml").getroot()


def by_id(root: ET.Element) -> dict[str, ET.Element]:
    return {c.findtext("ChildIdentifiers/LAchildID"): c for c in root.iter("Child")}


def test_one_return_per_census_year(written):
    assert sorted(p.name for p in (written / "cin_census").iterdir()) == [
        f"cin_{y}.xml" for y in range(2020, 2027)
    ]
    root = xml(written, 2026)
    assert root.findtext("Header/CollectionDetails/Year") == "2026"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    assert root.findtext("Header/Source/LEA") == "371"
    assert root.findtext("Header/Source/DateTime") == "2025-06-30T18:00:00"


def test_each_return_carries_the_episodes_open_in_its_year(written):
    assert sorted(by_id(xml(written, 2020))) == ["C1", "C2"]
    assert sorted(by_id(xml(written, 2021))) == ["C1", "C2", "C4"]
    assert sorted(by_id(xml(written, 2022))) == ["C2", "C3", "C4", "C5"]
    assert sorted(by_id(xml(written, 2023))) == ["C2", "C4", "C5"]


def test_values_after_the_census_end_are_not_yet_known(written):
    c1_2020 = by_id(xml(written, 2020))["C1"]
    assert c1_2020.find("CINdetails/CINclosureDate") is None
    assert c1_2020.find("CINdetails/ChildProtectionPlans/CPPendDate") is None
    assert [r.text for r in c1_2020.iter("CPPreviewDate")] == ["2019-09-19", "2020-03-05"]
    c1_2021 = by_id(xml(written, 2021))["C1"]
    assert c1_2021.findtext("CINdetails/CINclosureDate") == "2021-01-31"
    # the assessment and S47 were completed in 2019-20: not returned again
    assert (
        c1_2021.find("CINdetails/Assessments") is None
        and c1_2021.find("CINdetails/Section47") is None
    )
    assert [r.text for r in c1_2021.iter("CPPreviewDate")] == ["2020-08-14"]
    # an unborn child: expected date of birth and GenderCurrent 0; an open assessment, no factors
    c2_2020 = by_id(xml(written, 2020))["C2"]
    assert c2_2020.find("ChildIdentifiers/PersonBirthDate") is None
    assert c2_2020.findtext("ChildIdentifiers/ExpectedPersonBirthDate") == "2020-05-01"
    assert c2_2020.findtext("ChildIdentifiers/GenderCurrent") == "0"
    assert c2_2020.find("CINdetails/Assessments/AssessmentAuthorisationDate") is None
    assert c2_2020.find("CINdetails/Assessments/FactorsIdentifiedAtAssessment") is None
    c2_2021 = by_id(xml(written, 2021))["C2"]
    assert c2_2021.findtext("ChildIdentifiers/PersonBirthDate") == "2020-04-28"
    assert c2_2021.findtext("ChildIdentifiers/GenderCurrent") == "1"
    assert [f.text for f in c2_2021.iter("AssessmentFactors")] == ["2B"]
    # S47 started in 2020-21, conference in 2021-22: in both returns, the date only in the later
    s47_2021 = by_id(xml(written, 2021))["C4"].find("CINdetails/Section47")
    s47_2022 = by_id(xml(written, 2022))["C4"].find("CINdetails/Section47")
    assert (
        s47_2021.find("DateOfInitialCPC") is None
        and s47_2021.findtext("ICPCnotRequired") == "false"
    )
    assert s47_2022.findtext("DateOfInitialCPC") == "2021-04-09"
    # the episode-level conference only in its own year
    assert by_id(xml(written, 2022))["C5"].findtext("CINdetails/DateOfInitialCPC") == "2022-02-02"
    assert by_id(xml(written, 2023))["C5"].find("CINdetails/DateOfInitialCPC") is None
    assert (
        by_id(xml(written, 2023))["C5"].findtext("ChildIdentifiers/PersonDeathDate") == "2022-09-10"
    )


def test_schema_follows_the_census_year(written):
    assert all(c.find("ChildIdentifiers/Sex") is None for c in xml(written, 2024).iter("Child"))
    c4_2025 = by_id(xml(written, 2025))["C4"]
    assert c4_2025.findtext("ChildIdentifiers/Sex") == "M"
    assert c4_2025.find("ChildIdentifiers/GenderCurrent") is None
    # CINPlanDates from 2021-22 only
    assert xml(written, 2021).find(".//CINPlanDates") is None
    assert (
        by_id(xml(written, 2022))["C2"].findtext("CINdetails/CINPlanDates/CINPlanStartDate")
        == "2021-06-01"
    )
    # element order inside CINdetails as in the XSD sequence
    order = [e.tag for e in by_id(xml(written, 2022))["C4"].find("CINdetails")]
    assert order == [
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "Section47",
        "ReferralNFA",
        "ChildProtectionPlans",
    ]
    ids = [e.tag for e in by_id(xml(written, 2021))["C2"].find("ChildIdentifiers")]
    assert ids == ["LAchildID", "UPNunknown", "PersonBirthDate", "GenderCurrent"]


def test_expected_is_each_record_as_last_returned(authority):
    exp = {name: t.to_pylist() for name, t in cin_census.expected(authority).items()}
    assert set(exp["children"][0]) == {
        "child_id",
        "sex",
        "date_of_birth",
        "expected_date_of_birth",
        "date_of_death",
        "ethnicity",
        "upn",
        "former_upn",
        "disabilities",
    }
    kids = {r["child_id"]: r for r in exp["children"]}
    assert sorted(kids) == ["C1", "C2", "C3", "C4", "C5"]
    assert (kids["C2"]["date_of_birth"], kids["C2"]["sex"]) == (D(2020, 4, 28), "M")
    assert kids["C3"]["disabilities"] == "LD AUT"
    assert [(r["child_id"], r["start_date"]) for r in exp["cin_plans"]] == [("C2", D(2021, 6, 1))]
    assert {
        (r["child_id"], r["start_date"], r["authorised_date"], r["factors"])
        for r in exp["assessments"]
    } == {
        ("C1", D(2019, 5, 13), D(2019, 6, 20), "4B 3B"),
        ("C2", D(2020, 2, 11), D(2020, 4, 15), "2B"),
    }
    assert sorted(r["review_date"] for r in exp["cp_reviews"] if r["child_id"] == "C4") == [
        D(2021, 7, 2),
        D(2022, 1, 7),
    ]
    # values a later return leaves out are kept from the earlier one (the store never blanks):
    # the 2021-22 episode-level ICPC, and the expected date of birth from before the birth
    assert {r["child_id"]: r["icpc_date"] for r in exp["referrals"]}["C5"] == D(2022, 2, 2)
    assert kids["C2"]["expected_date_of_birth"] == D(2020, 5, 1)


def _sorted(records) -> list[tuple]:
    return sorted(records, key=lambda r: tuple((v is None, v) for v in r))


def test_round_trip_through_the_store(store, authority, written):
    result = ingest(store, [written / "cin_census"], la_code="371")
    assert [b.period_end for b in result.batches] == [D(y, 3, 31) for y in range(2020, 2027)]
    for name, want in cin_census.expected(authority).items():
        cols = ", ".join(want.column_names)
        got = store.con.execute(f"SELECT {cols} FROM {name}").fetchall()
        assert _sorted(got) == _sorted(tuple(r.values()) for r in want.to_pylist()), name
    assert store.con.execute("SELECT rule, message FROM dq_issues").fetchall() == []
    loads = store.con.execute(
        "SELECT source_format, la_code, period_start, period_end FROM loads ORDER BY load_id"
    ).fetchall()
    assert loads[0] == ("cin_census", "371", D(2019, 4, 1), D(2020, 3, 31))
    # source_row points at the element's line in the latest return carrying the record
    line = store.con.execute("SELECT source_row FROM referrals WHERE child_id = 'C4'").fetchone()[0]
    text = (written / "cin_census" / "cin_2026.xml").read_text().splitlines()
    assert text[line - 1].strip() == "<CINdetails>"
    assert "2021-03-20" in text[line]


def test_imperfect_values_round_trip_as_issues(store, tmp_path):
    a = small_authority()
    kids = a.tables["children"].to_pylist()
    kids[0]["ethnicity"] = "XXXX"  # unknown code, kept verbatim
    refs = a.tables["referrals"].to_pylist()
    refs[1]["referral_source"] = None  # mandatory, blank
    a.tables["children"] = rows("children", *kids)
    a.tables["referrals"] = rows("referrals", *refs)
    cin_census.write(a, tmp_path)
    ingest(store, [tmp_path], la_code="371")
    for name, want in cin_census.expected(a).items():
        got = store.con.execute(f"SELECT {', '.join(want.column_names)} FROM {name}").fetchall()
        assert _sorted(got) == _sorted(tuple(r.values()) for r in want.to_pylist()), name
    issues = store.con.execute(
        "SELECT DISTINCT rule, child_id, field, value FROM dq_issues ORDER BY ALL"
    ).fetchall()
    assert issues == [
        ("missing_value", "C2", "ReferralSource", None),
        ("unknown_code", "C1", "Ethnicity", "XXXX"),
    ]


@functools.cache
def generated() -> SyntheticAuthority:
    """The simulated authority at a fifth of full size (shared with the oracle test)."""
    from csc_scorecard.synth.authority import generate

    return generate(SynthConfig(size=0.2))


def test_round_trip_of_the_simulated_authority(store, tmp_path):
    pytest.importorskip("csc_scorecard.synth.children")
    authority = generated()
    files = cin_census.write(authority, tmp_path)
    assert [f.name for f in files] == [f"cin_{y}.xml" for y in authority.collection_years()]
    ingest(store, [tmp_path / "cin_census"], la_code=authority.la_code)
    want = cin_census.expected(authority)
    assert (
        want["children"].num_rows > 100 and want["referrals"].num_rows > want["children"].num_rows
    )
    for name, rows in want.items():
        got = store.con.execute(f"SELECT {', '.join(rows.column_names)} FROM {name}").fetchall()
        assert _sorted(got) == _sorted(tuple(r.values()) for r in rows.to_pylist()), name
    issues = store.con.execute("SELECT rule, count(*) FROM dq_issues GROUP BY ALL").fetchall()
    assert issues == [], issues  # imperfections default to 0: a clean simulation loads clean


def test_an_authority_without_children_in_need_writes_nothing(tmp_path):
    empty = SyntheticAuthority(SynthConfig(first_year=2021, last_year=2022))
    assert cin_census.write(empty, tmp_path) == []
    assert {name: t.num_rows for name, t in cin_census.expected(empty).items()} == dict.fromkeys(
        cin_census.TABLES, 0
    )
