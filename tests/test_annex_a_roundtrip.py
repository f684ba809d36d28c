"""Annex A out and back in: a hand-made authority -> workbook -> ingest -> the same canonical rows.

The authority's extract date is 30 June 2022, so the six-month window starts 30 December 2021
(S4: DATEADD(MONTH, -6)) and the twelve-month window (list 10) starts 30 June 2021. Each record
below says whether it is inside a list's scope and why.
"""

from __future__ import annotations

from datetime import date as d

import fastexcel
import pyarrow as pa
import pytest
from conftest import canonical

from csc_scorecard.ingest.run import ingest
from csc_scorecard.store import Store
from csc_scorecard.synth.authority import SynthConfig, SyntheticAuthority
from csc_scorecard.synth.writers import annex_a


def authority() -> SyntheticAuthority:
    a = SyntheticAuthority(SynthConfig(size=0.01, last_year=2022, la_code="371"))
    t = a.tables
    t["children"] = canonical(
        "children",
        child_id=["C1", "C2", "C3", "C4", "C5", "C6", "C7"],
        sex=["M", "F", "U", "F", "M", None, "F"],
        ethnicity=["WBRI", "APKN", "BAFR", "WIRT", "MWBC", "NOBT", None],
        date_of_birth=[
            d(2010, 3, 1),
            d(2015, 7, 9),
            d(2004, 12, 31),
            d(2018, 1, 20),
            d(2003, 5, 5),
            None,
            d(2019, 2, 2),
        ],
        disabilities=["NONE", "MOB", None, "NONE", "NONE", None, None],
        uasc=[False, False, True, False, False, None, False],
    )
    t["contacts"] = canonical(
        "contacts",
        child_id=["C1", "C1", "C2", "C6"],
        contact_date=[
            d(2022, 1, 5),
            d(2021, 11, 1),
            d(2022, 6, 30),
            d(2021, 12, 30),
        ],  # 2nd: too old
        contact_source=["6", "2A", "5D", None],
    )
    t["early_help_episodes"] = canonical(
        "early_help_episodes",
        child_id=["C2", "C4", "C7"],
        assessment_start_date=[d(2022, 2, 1), d(2021, 3, 1), d(2021, 9, 1)],
        assessment_completion_date=[d(2022, 2, 20), d(2021, 4, 1), d(2021, 10, 1)],
        organisation=["Top Town Academy", "Family Hub North", "Family Hub South"],
        closure_date=[None, None, d(2022, 1, 15)],  # C4 finished long ago; C7 closed in the window
    )
    t["referrals"] = canonical(
        "referrals",
        child_id=["C1", "C1", "C2", "C3", "C4", "C5"],
        referral_date=[
            d(2022, 1, 5),
            d(2021, 7, 1),
            d(2022, 6, 30),
            d(2021, 2, 1),
            d(2022, 3, 3),
            d(2020, 1, 1),
        ],
        referral_source=["6", "8", "1A", "3A", "10", "2B"],
        referral_nfa=[False, False, True, False, False, False],
        primary_need_code=["N1", "N4", None, "N2", "N5", "N1"],
        closure_date=[None, d(2021, 12, 1), d(2022, 6, 30), None, d(2022, 5, 1), d(2021, 12, 29)],
        closure_reason=[None, "RC8", "RC8", None, "RC7", "RC4"],
    )
    t["assessments"] = canonical(
        "assessments",
        child_id=["C1", "C3", "C4"],
        start_date=[d(2022, 1, 6), d(2021, 5, 1), d(2022, 3, 4)],
        authorised_date=[d(2022, 2, 10), d(2021, 6, 1), None],  # C3 finished before the window
        child_seen_date=[d(2022, 1, 7), d(2021, 5, 2), None],
        further_support_needed=[True, False, None],
    )
    t["section47s"] = canonical(
        "section47s",
        child_id=["C1", "C4"],
        start_date=[d(2022, 1, 10), d(2021, 11, 20)],  # C4 started before the window, ICPC in it
        icpc_date=[d(2022, 1, 28), d(2022, 1, 3)],
        icpc_not_required=[False, False],
        icpc_resulted_in_plan=[True, False],
    )
    t["cp_plans"] = canonical(
        "cp_plans",
        child_id=["C1", "C4", "C4"],
        start_date=[d(2022, 1, 28), d(2019, 1, 1), d(2021, 6, 1)],
        end_date=[None, d(2019, 9, 1), d(2022, 2, 1)],
        initial_category=["NEG", "EMO", "PHY"],
        latest_category=["MUL", "EMO", "PHY"],
        previous_plans=[None, None, 1],
        protection_last_six_months=[None, None, False],
    )
    t["cp_visits"] = canonical(
        "cp_visits",
        child_id=["C1", "C1", "C1", "C4"],
        visit_date=[
            d(2022, 2, 3),
            d(2022, 6, 1),
            d(2022, 7, 2),
            d(2022, 1, 20),
        ],  # 7 July: after as-at
        seen_alone=[False, True, True, None],
    )
    t["cp_reviews"] = canonical(
        "cp_reviews",
        child_id=["C1", "C1"],
        plan_start_date=[d(2022, 1, 28), d(2022, 1, 28)],
        review_date=[d(2022, 4, 20), d(2022, 10, 20)],
    )
    t["cla_episodes"] = canonical(
        "cla_episodes",
        child_id=["C1", "C5", "C5", "C3"],
        decom=[d(2021, 12, 20), d(2019, 3, 1), d(2020, 8, 1), d(2020, 1, 1)],
        rne=["S", "S", "P", "S"],
        ls=["L2", "C2", "C2", "V2"],
        cin=["N1", "N1", "N1", "N2"],
        place=["U3", "U4", "K2", "P2"],
        place_provider=["PR1", "PR1", "PR4", "PR0"],
        dec=[d(2022, 1, 28), d(2020, 8, 1), None, d(2022, 3, 1)],
        rec=["E4A", "X1", None, "E5"],
        pl_post=["DN1 1AA", "DN2 2BB", "S1 1CC", None],
        urn=[None, None, "SC123456", None],
        pl_location=["IN", "IN", "OUT", "IN"],
    )
    t["cla_reviews"] = canonical(
        "cla_reviews",
        child_id=["C5", "C5", "C3"],
        review_date=[d(2021, 11, 1), d(2022, 5, 1), d(2021, 9, 9)],
    )
    t["missing_episodes"] = canonical(
        "missing_episodes",
        child_id=["C5", "C5"],
        missing_type=["M", "A"],
        start_date=[d(2021, 8, 1), d(2022, 4, 4)],
    )
    t["care_leaver_plans"] = canonical(
        "care_leaver_plans",
        child_id=["C5", "C3", "C3"],
        as_at_date=[d(2022, 6, 1), d(2022, 6, 1), d(2022, 3, 1)],  # the June snapshot is used
        eligibility_category=["former_relevant", "relevant", "relevant"],
        personal_adviser=["W9", "W8", "W8"],
        latest_pathway_plan_date=[d(2022, 4, 1), None, None],
        in_touch=["YES", "RHOM", "NO"],
        latest_contact_date=[d(2022, 6, 20), d(2022, 5, 2), None],
        accommodation=["U1", "0", "D2"],
        activity=["F2", "G6", None],
    )
    t["adoptions"] = canonical(
        "adoptions",
        child_id=["C7", "C2", "C6"],
        adm_decision_date=[d(2021, 2, 1), d(2019, 5, 1), d(2022, 1, 10)],
        entered_care_date=[d(2020, 10, 1), d(2018, 12, 1), None],
        placement_order_date=[d(2021, 4, 1), d(2019, 8, 1), None],
        matched_date=[d(2021, 7, 1), None, None],
        placed_date=[d(2021, 8, 1), None, None],
        adoption_order_date=[d(2022, 3, 1), None, None],
        decision_reversed_date=[None, d(2020, 3, 1), None],  # C2: reversed too long ago
        decision_reversed_reason=[None, "RD2", None],
    )
    t["teams"] = canonical("teams", team_id=["T1"], team_name=["Assessment Team 1"])
    t["worker_posts"] = canonical(
        "worker_posts", worker_id=["W1"], team_id=["T1"], start_date=[d(2020, 1, 1)]
    )
    t["case_allocations"] = canonical(
        "case_allocations", child_id=["C1"], worker_id=["W1"], start_date=[d(2022, 1, 5)]
    )
    return a


def stored(store: Store, name: str, columns: list[str]) -> pa.Table:
    return store.read(name, "371").select(columns)


def as_rows(t: pa.Table) -> list[dict]:
    return sorted(t.to_pylist(), key=lambda r: tuple(str(v) for v in r.values()))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("annex_a")
    a = authority()
    files = annex_a.write(a, tmp / "out")
    store = Store(tmp / "store.duckdb")
    result = ingest(store, [tmp / "out"], la_code="371")
    yield a, files, store, result
    store.close()


def test_writes_one_workbook_with_eleven_lists(loaded):
    _a, files, _store, _result = loaded
    assert [f.name for f in files] == ["annex_a_2022-06-30.xlsx"]
    reader = fastexcel.read_excel(str(files[0]))
    assert reader.sheet_names == [f"List {n}" for n in range(1, 12)]
    list1 = reader.load_sheet("List 1", dtypes="string").to_arrow().to_pylist()
    assert [
        (r["Child Unique ID"], r["Gender"], r["Ethnicity"], r["Contact Source"]) for r in list1
    ] == [
        ("C6", None, "t) NOBT", None),
        ("C1", "a) Male", "a) WBRI", "q) 6: Police"),
        ("C2", "b) Female", "k) APKN", "p1) 5D: LA services"),
    ]
    adopters = reader.load_sheet("List 11", dtypes="string").to_arrow()
    assert adopters.num_rows == 0 and adopters.column_names[0] == "Individual adopter identifier"


def test_dates_are_real_excel_dates(loaded):
    _a, files, *_ = loaded
    sheet = fastexcel.read_excel(str(files[0])).load_sheet("List 1").to_arrow()
    assert pa.types.is_timestamp(sheet.schema.field("Date of Contact").type)


def test_every_carried_table_comes_back_as_expected(loaded):
    a, _files, store, _result = loaded
    want = annex_a.expected(a)
    assert set(want) == {
        "children",
        "contacts",
        "early_help_episodes",
        "referrals",
        "assessments",
        "section47s",
        "cp_plans",
        "cp_visits",
        "cp_reviews",
        "cla_reviews",
        "care_leaver_plans",
        "adoptions",
    }
    for name, rows in want.items():
        assert as_rows(stored(store, name, rows.column_names)) == as_rows(rows), name


def test_list_scopes_worked_by_hand(loaded):
    a, *_ = loaded
    want = annex_a.expected(a)
    assert sorted(
        (r["child_id"], str(r["contact_date"])) for r in want["contacts"].to_pylist()
    ) == [("C1", "2022-01-05"), ("C2", "2022-06-30"), ("C6", "2021-12-30")]
    # C2 is still open (no closure); C7 closed in the window; C4 completed in 2021.
    assert sorted(r["child_id"] for r in want["early_help_episodes"].to_pylist()) == ["C2", "C7"]
    # C3's assessment was authorised before the window; C4's is still open.
    assert sorted(r["child_id"] for r in want["assessments"].to_pylist()) == ["C1", "C4"]
    assert sorted(r["child_id"] for r in want["section47s"].to_pylist()) == ["C1", "C4"]
    # One plan per child: C4's 2021 plan ended in the window; its 2019 plan counts as previous.
    plans = {r["child_id"]: r for r in want["cp_plans"].to_pylist()}
    assert plans["C4"]["start_date"] == d(2021, 6, 1) and plans["C4"]["previous_plans"] == 1
    assert plans["C1"]["previous_plans"] == 0
    assert plans["C1"]["protection_last_six_months"] is True  # EPO (L2) episode ended in January
    # The latest visit up to the extract date, not the one in July.
    assert sorted(
        (r["child_id"], r["visit_date"], r["seen_alone"]) for r in want["cp_visits"].to_pylist()
    ) == [("C1", d(2022, 6, 1), True), ("C4", d(2022, 1, 20), None)]
    assert want["cp_reviews"].to_pylist() == [
        {"child_id": "C1", "plan_start_date": d(2022, 1, 28), "review_date": d(2022, 4, 20)}
    ]
    # C5 is in care (latest review in the period), C1 ceased in January, C3 in March.
    assert sorted((r["child_id"], r["review_date"]) for r in want["cla_reviews"].to_pylist()) == [
        ("C3", d(2021, 9, 9)),
        ("C5", d(2022, 5, 1)),
    ]
    # C2's decision was reversed in 2020, outside the twelve months.
    assert sorted(r["child_id"] for r in want["adoptions"].to_pylist()) == ["C6", "C7"]


def test_lists_3_and_6_make_one_referral(loaded):
    _a, _files, store, _result = loaded
    rows = {
        (r["child_id"], str(r["referral_date"])): r
        for r in store.read("referrals", "371").to_pylist()
    }
    # C1's January referral is on list 3 (source, NFA) and list 6 (need): one row with both.
    assert rows[("C1", "2022-01-05")]["referral_source"] == "6"
    assert rows[("C1", "2022-01-05")]["primary_need_code"] == "N1"
    # C3's 2021 episode is still open: on list 6 only, so it has no referral source.
    assert rows[("C3", "2021-02-01")]["referral_source"] is None
    assert rows[("C3", "2021-02-01")]["primary_need_code"] == "N2"
    # C2's referral had no further action: on list 3, not a child in need on list 6.
    assert rows[("C2", "2022-06-30")]["referral_nfa"] is True
    assert rows[("C2", "2022-06-30")]["primary_need_code"] is None
    assert ("C5", "2020-01-01") not in rows  # closed the day before the window opened


def test_care_leavers_as_at_extract_date_with_accommodation_rejoined(loaded):
    _a, _files, store, _result = loaded
    rows = {r["child_id"]: r for r in store.read("care_leaver_plans", "371").to_pylist()}
    assert {r["as_at_date"] for r in rows.values()} == {d(2022, 6, 30)}
    assert (
        rows["C5"]["accommodation"] == "U1"
        and rows["C5"]["eligibility_category"] == "former_relevant"
    )
    assert rows["C3"]["accommodation"] == "0" and rows["C3"]["in_touch"] == "RHOM"


def test_load_covers_the_six_months_before_the_extract_date_without_issues(loaded):
    _a, _files, store, result = loaded
    (batch,) = result.batches
    assert (batch.source_format, batch.la_code) == ("annex_a", "371")
    assert (batch.period_start, batch.period_end) == (d(2021, 12, 30), d(2022, 6, 30))
    assert batch.issues == []
    assert store.con.execute("SELECT count(*) FROM cla_episodes").fetchone() == (
        0,
    )  # list 8 feeds no episodes


def test_reingesting_the_same_workbook_replaces_it(loaded, tmp_path):
    _a, files, _store, _result = loaded
    with Store(tmp_path / "again.duckdb") as s:
        ingest(s, files, la_code="371")
        ingest(s, files, la_code="371")
        assert s.con.execute("SELECT count(*) FROM loads").fetchone() == (1,)
        assert s.read("contacts", "371").num_rows == 3


def test_generated_authority_round_trips(tmp_path):
    pytest.importorskip("csc_scorecard.synth.children")
    from csc_scorecard.synth.authority import generate

    a = generate(SynthConfig(size=0.2))
    annex_a.write(a, tmp_path / "out")
    want = annex_a.expected(a)
    for name in ("contacts", "referrals", "assessments", "section47s", "cp_plans", "cla_reviews"):
        assert want[name].num_rows > 0, name
    with Store(tmp_path / "store.duckdb") as store:
        result = ingest(store, [tmp_path / "out"], la_code="371")
        for name, rows in want.items():
            assert as_rows(stored(store, name, rows.column_names)) == as_rows(rows), name
    assert [i for i in result.batches[0].issues if i.severity == "error"] == []
