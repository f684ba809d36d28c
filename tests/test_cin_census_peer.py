"""Other projects' CIN census files: each loads with its faults recorded, or is refused clearly.

d2i-cin-fake (data-to-insight's validator fixtures) are deliberately faulty; the liia-tools files
are a 2021-22 sample and 2,000 generated children. See shared/data/peer-fixtures/README.md.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from conftest import PEER_FIXTURES

from csc_scorecard.ingest.formats.cin_census import ADAPTER, read_return
from csc_scorecard.ingest.run import IngestRefused, ingest

D2I = PEER_FIXTURES / "d2i-cin-fake"
LIIA = PEER_FIXTURES / "liiatools-samples" / "cin-2022.xml"
GENERATOR = PEER_FIXTURES / "liiatools-cin-generator-2000-children.xml"

pytestmark = pytest.mark.skipif(not D2I.is_dir(), reason="shared peer fixtures not present")

# file -> (LA, census end, rows per table, issues by (rule, field))
OUTCOMES = {
    "CIN2rows.xml": (
        "201",
        date(2024, 3, 31),
        {
            "children": 1,
            "referrals": 1,
            "assessments": 1,
            "cin_plans": 1,
            "section47s": 1,
            "cp_plans": 2,
            "cp_reviews": 2,
        },
        # the same plan twice, with the same review
        {
            ("duplicate_key", "child_id,start_date"): 2,
            ("duplicate_key", "child_id,plan_start_date,review_date"): 2,
            ("alternative_ignored", "UPNunknown"): 1,
            ("reference_date", "Year"): 1,
        },
    ),
    "CIN_Census_2021.xml": (
        "201",
        date(2023, 3, 31),
        {
            "children": 1,
            "referrals": 1,
            "assessments": 1,
            "cin_plans": 1,
            "section47s": 1,
            "cp_plans": 1,
            "cp_reviews": 1,
        },
        {
            ("alternative_ignored", "UPNunknown"): 1,
            ("implausible_date", "ExpectedPersonBirthDate"): 1,
        },
    ),
    "CIN_Census_2021_copy.xml": (
        "201",
        date(2024, 3, 31),
        {
            "children": 1,
            "referrals": 1,
            "assessments": 1,
            "cin_plans": 1,
            "section47s": 1,
            "cp_plans": 1,
            "cp_reviews": 1,
        },
        {("alternative_ignored", "UPNunknown"): 1, ("reference_date", "Year"): 1},
    ),
    "CIN_Census_2021_no_assessment_factors.xml": (
        "201",
        date(2024, 3, 31),
        {
            "children": 1,
            "referrals": 1,
            "assessments": 1,
            "cin_plans": 1,
            "section47s": 1,
            "cp_plans": 1,
            "cp_reviews": 1,
        },
        {("alternative_ignored", "UPNunknown"): 1, ("reference_date", "Year"): 1},
    ),
    "CIN_Census_2024.xml": (
        "201",
        date(2024, 3, 31),
        {
            "children": 2,
            "referrals": 2,
            "assessments": 2,
            "cin_plans": 1,
            "section47s": 1,
            "cp_plans": 1,
            "cp_reviews": 1,
        },
        {
            ("alternative_ignored", "UPNunknown"): 1,
            ("reference_date", "Year"): 1,
            ("schema_year", "Sex"): 1,
            ("empty_group", "FactorsIdentifiedAtAssessment"): 1,
            ("unknown_code", "AssessmentFactors"): 1,
        },
    ),
    "CIN_Census_2026.xml": (
        "201",
        date(2024, 3, 31),
        {
            "children": 2,
            "referrals": 2,
            "assessments": 2,
            "cin_plans": 1,
            "section47s": 1,
            "cp_plans": 1,
            "cp_reviews": 1,
        },
        {
            ("alternative_ignored", "UPNunknown"): 1,
            ("reference_date", "Year"): 1,
            ("schema_year", "Sex"): 1,
            ("empty_group", "FactorsIdentifiedAtAssessment"): 1,
            ("unknown_code", "AssessmentFactors"): 1,
        },
    ),
    "CIN_header_issues_100.xml": (
        "201",
        date(2023, 3, 28),
        {
            "children": 1,
            "referrals": 1,
            "assessments": 1,
            "cin_plans": 1,
            "section47s": 1,
            "cp_plans": 1,
            "cp_reviews": 1,
        },
        {
            ("alternative_ignored", "UPNunknown"): 1,
            ("reference_date", "ReferenceDate"): 1,
            ("implausible_date", "ExpectedPersonBirthDate"): 1,
        },
    ),
    "CIN_la_issues_2887Q.xml": (
        "201",
        date(2023, 3, 31),
        {
            "children": 1,
            "referrals": 1,
            "assessments": 1,
            "cin_plans": 1,
            "section47s": 1,
            "cp_plans": 1,
            "cp_reviews": 1,
        },
        {
            ("alternative_ignored", "UPNunknown"): 1,
            ("implausible_date", "ExpectedPersonBirthDate"): 1,
        },
    ),
    "fake_CIN_data.xml": (
        "975",
        date(2022, 7, 21),
        {
            "children": 332,
            "referrals": 402,
            "assessments": 0,
            "cin_plans": 0,
            "section47s": 0,
            "cp_plans": 0,
            "cp_reviews": 0,
        },
        {("reference_date", "ReferenceDate"): 1},
    ),
}


def test_every_d2i_file_is_covered():
    assert sorted(p.name for p in D2I.glob("*.xml")) == sorted(OUTCOMES)


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_d2i_file_loads_with_its_faults_recorded(store, name):
    la, end, counts, issues = OUTCOMES[name]
    path = D2I / name
    assert ADAPTER.sniff(path)
    batch = read_return(path)
    assert (batch.la_code, batch.period_end) == (la, end)
    assert {t: rows.num_rows for t, rows in batch.tables.items()} == counts
    assert Counter((i.rule, i.field) for i in batch.issues) == issues
    store.load([batch])
    stored = {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counts}
    assert stored == counts
    assert store.con.execute("SELECT count(*) FROM dq_issues").fetchone()[0] == len(batch.issues)


def test_d2i_values_as_written():
    batch = read_return(D2I / "CIN_Census_2024.xml")
    kids = {r["child_id"]: r for r in batch.tables["children"].to_pylist()}
    # <Sex>1</Sex> in a 2023-24 return is read through the GenderCurrent codes, and flagged
    assert (kids["DfEX0000001"]["sex"], kids["child_fails_assessments"]["sex"]) == ("M", "M")
    assert kids["DfEX0000001"]["disabilities"] == "HAND HEAR"
    assert kids["child_fails_assessments"]["disabilities"] == "NONE"
    factors = {r["child_id"]: r["factors"] for r in batch.tables["assessments"].to_pylist()}
    assert factors == {"DfEX0000001": "1C RB 6B", "child_fails_assessments": None}
    bad_code = next(i for i in batch.issues if i.rule == "unknown_code")
    assert (bad_code.value, bad_code.row) == ("RB", 46)
    old = read_return(D2I / "CIN_Census_2021.xml")
    kid = old.tables["children"].to_pylist()[0]
    assert (kid["date_of_birth"], kid["expected_date_of_birth"], kid["date_of_death"]) == (
        date(1965, 3, 27),
        None,
        date(1980, 10, 8),
    )


def test_the_d2i_folder_as_one_ingest_is_refused_for_duplicate_years(store):
    with pytest.raises(IngestRefused) as err:
        ingest(store, [D2I])
    [error] = err.value.errors
    assert "second CIN census return for LA 201" in error.reason
    assert store.con.execute("SELECT count(*) FROM loads").fetchone() == (0,)


def test_liia_sample_loads_every_table():
    batch = read_return(LIIA)
    assert (batch.la_code, batch.period_start, batch.period_end) == (
        "201",
        date(2021, 4, 1),
        date(2022, 3, 31),
    )
    rows = {t: r.to_pylist() for t, r in batch.tables.items()}
    assert rows["referrals"][0] | {"source_row": None} == {
        "child_id": "DfEX0000001",
        "referral_date": date(1970, 10, 6),
        "referral_source": "1A",
        "primary_need_code": "N4",
        "closure_date": date(1971, 2, 27),
        "closure_reason": "RC1",
        "icpc_date": date(1970, 12, 6),
        "referral_nfa": False,
        "source_row": None,
    }
    assert rows["section47s"][0]["icpc_date"] == date(1970, 6, 17)
    assert rows["cp_plans"][0]["previous_plans"] == 10
    assert rows["cin_plans"][0]["end_date"] == date(1971, 1, 26)
    assert rows["assessments"][0]["factors"] == "2A 2B"
    assert [(i.rule, i.field) for i in batch.issues] == [("alternative_ignored", "UPNunknown")]


def test_generated_2000_children_load(store):
    result = ingest(store, [GENERATOR])
    [batch] = result.batches
    assert (batch.la_code, batch.period_end) == ("201", date(2026, 3, 31))
    counts = store.con.execute(
        "SELECT (SELECT count(*) FROM children), (SELECT count(*) FROM referrals),"
        " (SELECT count(*) FROM referrals WHERE closure_date IS NULL),"
        " (SELECT count(*) FROM referrals WHERE icpc_date IS NOT NULL)"
    ).fetchone()
    assert counts == (1999, 2427, 2427 - 1635, 2051)
    assert store.con.execute(
        "SELECT sex, count(*) FROM children GROUP BY ALL ORDER BY 1"
    ).fetchall() == [(s, n) for s, n in _gender_counts()]
    # GenderCurrent in a 2025-26 return: one return-level warning, not one per child
    assert store.con.execute("SELECT rule, field FROM dq_issues").fetchall() == [
        ("schema_year", "GenderCurrent")
    ]


def _gender_counts() -> list[tuple[str, int]]:
    """Recount GenderCurrent from the raw text (1 -> M, 2 -> F, 0 and 9 -> U)."""
    import re

    raw = Counter(re.findall(r"<GenderCurrent>(\d)</GenderCurrent>", GENERATOR.read_text()))
    mapped = Counter({"M": raw["1"], "F": raw["2"], "U": raw["0"] + raw["9"]})
    return sorted(mapped.items())
