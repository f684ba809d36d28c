"""SSDA903 out and back in: an authority -> CSV and XML returns -> ingest -> the same canonical rows.

The hand-made authority's extract date is 30 June 2024, so it has three returns: 2022-23 and
2023-24 (complete) and 2024-25 (in-year, to 30 June 2024). Each child is there for a reason:
- C1: placement change on 10 May 2023, so the 2022-23 return shows her first episode open and
  2023-24 shows it ended; a missing episode across 31 March 2023; her baby born 1 February 2024
  (MOTHER 0 in 2022-23, 1 after); social-worker episodes (only from 2023-24); OC2 in 2022-23.
- C2: UASC, new to care on 1 August 2022 (so PrevPerm in 2022-23, and not in the OC2 cohort
  although the simulation gave him a health row); left care on his 18th birthday, which is DUC.
- C3: a care leaver never looked after in these years: Header and OC3 only, each year.
- C4: adopted on 10 February 2023: AD1 and PlacedAdoption in 2022-23 for the same decision.
- C5: adoption decision of January 2022 reversed on 15 June 2023: PlacedAdoption with the
  reversal blank in 2022-23, filled in 2023-24, gone from 2024-25; SEX 1 until 2023-24, M after.
"""

from __future__ import annotations

import csv
from datetime import date as d
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import canonical

from csc_scorecard.ingest.run import ingest
from csc_scorecard.model.schema import table
from csc_scorecard.store import Store
from csc_scorecard.synth.authority import SynthConfig, SyntheticAuthority, generate
from csc_scorecard.synth.writers import ssda903


def authority() -> SyntheticAuthority:
    config = SynthConfig(first_year=2022, last_year=2024, as_at=d(2024, 6, 30), la_code="371")
    t: dict[str, pa.Table] = {}
    t["children"] = canonical(
        "children",
        child_id=["C1", "C2", "C3", "C4", "C5"],
        sex=["F", "M", "F", "F", "M"],
        date_of_birth=[d(2008, 5, 1), d(2006, 1, 15), d(2004, 5, 20), d(2019, 3, 3), d(2015, 7, 7)],
        ethnicity=["WBRI", "OOTH", "BAFR", "MWBC", "WBRI"],
        upn=["A123456789012", "UN2", "B123456789012", "UN1", "C123456789012"],
        mother=[True, None, False, None, None],
        mc_dob=[d(2024, 2, 1), None, None, None, None],
        uasc=[False, True, False, False, False],
        uasc_ceased_date=[None, d(2024, 1, 15), None, None, None],
        former_upn=["X", None, None, None, None],  # not a 903 field: never written
    )
    episodes = [
        ("C1", d(2021, 6, 1), "S", "C2", "N1", "U4", "PR1", d(2023, 5, 10), "X1", "CARPL", None),
        ("C1", d(2023, 5, 10), "P", "C2", "N1", "K2", "PR4", None, None, None, "SC123456"),
        ("C2", d(2022, 8, 1), "S", "V2", "N8", "H5", "PR4", d(2024, 1, 15), "E5", None, "SC654321"),
        ("C3", d(2019, 1, 1), "S", "C2", "N1", "U6", "PR1", d(2022, 2, 1), "E8", None, None),
        ("C4", d(2020, 5, 1), "S", "C1", "N1", "U6", "PR1", d(2021, 2, 1), "X1", None, None),
        ("C4", d(2021, 2, 1), "L", "E1", "N1", "U6", "PR1", d(2022, 6, 1), "X1", "CARPL", None),
        ("C4", d(2022, 6, 1), "P", "E1", "N1", "A6", "PR1", d(2023, 2, 10), "E11", None, None),
        ("C5", d(2021, 9, 1), "S", "C2", "N1", "U6", "PR1", None, None, None, None),
    ]
    cols = ("child_id", "decom", "rne", "ls", "cin", "place", "place_provider", "dec", "rec",
            "reason_place_change", "urn")  # fmt: skip
    t["cla_episodes"] = canonical(
        "cla_episodes",
        **{c: [e[i] for e in episodes] for i, c in enumerate(cols)},
        home_post=["DN1 1AA"] * len(episodes),
        pl_post=["DN4 5PQ"] * len(episodes),
        pl_location=["IN"] * len(episodes),  # derived, not a 903 field
    )
    t["cla_reviews"] = canonical(
        "cla_reviews",
        child_id=["C1", "C1", "C5"],
        review_date=[d(2022, 9, 1), d(2023, 6, 1), d(2020, 1, 1)],  # C5's is before any return
        review_code=["PN1", "PN6", "PN1"],
    )
    t["missing_episodes"] = canonical(
        "missing_episodes", child_id=["C1"], missing_type=["M"],
        start_date=[d(2023, 3, 30)], end_date=[d(2023, 4, 2)],
    )  # fmt: skip
    t["cla_health"] = canonical(
        "cla_health",
        child_id=["C1", "C2", "C5", "C5"],
        collection_year=[2023, 2023, 2023, 2024],
        sdq_score=[12, 20, None, 8],
        sdq_reason=[None, None, "SDQ2", None],
        convicted=[False, False, None, None],
        immunisations=[True, True, True, False],
        teeth_check=[True, False, True, True],
        health_assessment=[True, True, True, True],
        substance_misuse=[False, False, False, False],
    )
    t["care_leavers"] = canonical(
        "care_leavers",
        child_id=["C3", "C3", "C3"],
        collection_year=[2023, 2024, 2025],
        in_touch=["YES", "NO", "YES"],
        activity=["F2", "G5", "F5"],
        accommodation=["D1", "0", "U1"],
    )
    t["adoptions"] = canonical(
        "adoptions",
        child_id=["C4", "C5"],
        adm_decision_date=[d(2021, 1, 10), d(2022, 1, 10)],
        entered_care_date=[d(2020, 5, 1), d(2021, 9, 1)],  # Annex A fields: not in the 903
        matched_date=[d(2022, 5, 15), None],
        placed_date=[d(2022, 6, 1), None],
        adoption_order_date=[d(2023, 2, 10), None],
        foster_carer_adoption=[False, None],
        number_adopters=[2, None],
        sex_adopters=["MF", None],
        ls_adopters=["L11", None],
        decision_reversed_date=[None, d(2023, 6, 15)],
        decision_reversed_reason=[None, "RD1"],
    )
    t["previous_permanence"] = canonical(
        "previous_permanence", child_id=["C1", "C2"], prev_perm=["P2", "Z1"],
        la_perm=["371", None], date_perm=["ZZ/05/2019", None],
    )  # fmt: skip
    t["cla_social_worker_episodes"] = canonical(
        "cla_social_worker_episodes",
        child_id=["C1", "C1"],
        sw_id=["SW001", "SW002"],
        sw_decom=[d(2022, 1, 1), d(2023, 8, 1)],
        sw_dec=[d(2023, 8, 1), None],
        sw_reason=["LEFTRL", "MANAGE"],
    )
    return SyntheticAuthority(config=config, tables=t)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[SyntheticAuthority, Path]:
    a = authority()
    out = tmp_path_factory.mktemp("out")
    ssda903.write(a, out)
    return a, out


def csv_rows(out: Path, year: int, name: str) -> list[dict]:
    with (out / "ssda903" / str(year) / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_each_year_has_its_dfe_files_and_one_xml(written):
    _, out = written
    assert sorted(p.name for p in (out / "ssda903").iterdir()) == ["2023", "2024", "2025"]
    assert sorted(p.name for p in (out / "ssda903_xml").iterdir()) == [
        "2023.xml",
        "2024.xml",
        "2025.xml",
    ]
    names_2023 = sorted(p.name for p in (out / "ssda903" / "2023").iterdir())
    assert "social_worker.csv" not in names_2023 and len(names_2023) == 10
    with (out / "ssda903" / "2024" / "social_worker.csv").open() as fh:
        assert fh.readline().strip() == "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON"
    with (out / "ssda903" / "2024" / "episodes.csv").open() as fh:
        assert fh.readline().strip() == (
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
        )


def test_returns_carry_only_what_was_known_at_their_31_march(written):
    _, out = written
    c1 = [r for r in csv_rows(out, 2023, "episodes.csv") if r["CHILD"] == "C1"]
    assert [(r["DECOM"], r["DEC"], r["REC"], r["REASON_PLACE_CHANGE"]) for r in c1] == [
        ("01/06/2021", "", "", "")
    ]
    c1 = [r for r in csv_rows(out, 2024, "episodes.csv") if r["CHILD"] == "C1"]
    assert [(r["DECOM"], r["DEC"], r["REC"]) for r in c1] == [
        ("01/06/2021", "10/05/2023", "X1"),
        ("10/05/2023", "", ""),
    ]
    assert [(r["MIS_START"], r["MIS_END"]) for r in csv_rows(out, 2023, "missing.csv")] == [
        ("30/03/2023", "")
    ]
    assert [(r["MIS_START"], r["MIS_END"]) for r in csv_rows(out, 2024, "missing.csv")] == [
        ("30/03/2023", "02/04/2023")
    ]
    mother = {
        y: [
            (r["MOTHER"], r["MC_DOB"]) for r in csv_rows(out, y, "header.csv") if r["CHILD"] == "C1"
        ]
        for y in (2023, 2024)
    }
    assert mother == {2023: [("0", "")], 2024: [("1", "01/02/2024")]}
    assert [(r["CHILD"], r["DATE_PLACED_CEASED"], r["REASON_PLACED_CEASED"]) for r in csv_rows(out, 2023, "placed_for_adoption.csv")] == [
        ("C4", "", ""), ("C5", "", "")
    ]  # fmt: skip
    assert [(r["CHILD"], r["DATE_PLACED_CEASED"], r["REASON_PLACED_CEASED"]) for r in csv_rows(out, 2024, "placed_for_adoption.csv")] == [
        ("C5", "15/06/2023", "RD1")
    ]  # fmt: skip
    assert csv_rows(out, 2025, "placed_for_adoption.csv") == []


def test_cohorts_follow_the_dfe_rules(written):
    _, out = written
    # OC2: C2 started care in the year, so his health row is not returned.
    assert [r["CHILD"] for r in csv_rows(out, 2023, "oc2.csv")] == ["C1", "C5"]
    assert [r["CHILD"] for r in csv_rows(out, 2024, "oc2.csv")] == ["C5"]
    # OC3 every year for C3, who is in the Header but has no episodes and no MOTHER.
    for year, touch in ((2023, "YES"), (2024, "NO"), (2025, "YES")):
        assert [(r["CHILD"], r["IN_TOUCH"]) for r in csv_rows(out, year, "oc3.csv")] == [
            ("C3", touch)
        ]
        (c3,) = [r for r in csv_rows(out, year, "header.csv") if r["CHILD"] == "C3"]
        assert c3["MOTHER"] == ""
    assert not any(r["CHILD"] == "C3" for r in csv_rows(out, 2023, "episodes.csv"))
    # AD1 for the adoption in 2022-23; PrevPerm only for C2, who started care in it.
    assert [
        (r["CHILD"], r["DATE_INT"], r["SEX_ADOPTR"]) for r in csv_rows(out, 2023, "ad1.csv")
    ] == [("C4", "10/01/2021", "MF")]
    assert [r["CHILD"] for r in csv_rows(out, 2023, "previous_permanence.csv")] == ["C2"]
    # UASC with DUC (his 18th birthday) in both years he was looked after; not after.
    assert [(r["CHILD"], r["DUC"]) for r in csv_rows(out, 2023, "uasc.csv")] == [
        ("C2", "15/01/2024")
    ]
    assert [(r["CHILD"], r["DUC"]) for r in csv_rows(out, 2024, "uasc.csv")] == [
        ("C2", "15/01/2024")
    ]
    assert csv_rows(out, 2025, "uasc.csv") == []
    # SEX as each year's code list has it.
    sexes = {
        y: [r["SEX"] for r in csv_rows(out, y, "header.csv") if r["CHILD"] == "C5"]
        for y in (2024, 2025)
    }
    assert sexes == {2024: ["1"], 2025: ["M"]}


def test_expected_is_the_latest_return_version_of_each_record(written):
    a, _ = written
    want = ssda903.expected(a)
    episodes = {(r["child_id"], r["decom"]): r for r in want["cla_episodes"].to_pylist()}
    assert episodes[("C1", d(2021, 6, 1))]["dec"] == d(2023, 5, 10)
    assert ("C4", d(2020, 5, 1)) not in episodes  # ended before 2022-23
    assert "pl_location" not in want["cla_episodes"].column_names
    assert want["adoptions"].to_pylist() == [
        {
            "child_id": "C4", "adm_decision_date": d(2021, 1, 10), "matched_date": d(2022, 5, 15),
            "foster_carer_adoption": False, "number_adopters": 2, "sex_adopters": "MF",
            "ls_adopters": "L11", "decision_reversed_date": None, "decision_reversed_reason": None,
        },
        {
            "child_id": "C5", "adm_decision_date": d(2022, 1, 10), "matched_date": None,
            "foster_carer_adoption": None, "number_adopters": None, "sex_adopters": None,
            "ls_adopters": None, "decision_reversed_date": d(2023, 6, 15),
            "decision_reversed_reason": "RD1",
        },
    ]  # fmt: skip
    uasc = {r["child_id"]: (r["uasc"], r["uasc_ceased_date"]) for r in want["children"].to_pylist()}
    # C2's last return is 2023-24; C3's returns say nothing about UASC (care leaver, rule 1014).
    assert uasc == {
        "C1": (False, None), "C2": (True, d(2024, 1, 15)), "C3": (None, None),
        "C4": (False, None), "C5": (False, None),
    }  # fmt: skip
    assert sorted(r["child_id"] for r in want["previous_permanence"].to_pylist()) == ["C2"]
    assert [r["review_date"] for r in want["cla_reviews"].to_pylist()] == [
        d(2022, 9, 1),
        d(2023, 6, 1),
    ]
    assert sorted((r["child_id"], r["collection_year"]) for r in want["cla_health"].to_pylist()) == [
        ("C1", 2023), ("C5", 2023), ("C5", 2024)
    ]  # fmt: skip


def stored(store: Store, name: str, columns: list[str]) -> list[dict]:
    key = table(name).key
    got = store.read(name, "371").select(columns).to_pylist()
    return sorted(got, key=lambda r: tuple((r[k] is None, str(r[k])) for k in key))


def assert_round_trip(a: SyntheticAuthority, folder: Path, tmp_path: Path) -> None:
    want = ssda903.expected(a)
    with Store(tmp_path / f"{folder.name}.duckdb") as store:
        result = ingest(store, [folder], la_code=a.la_code)
        assert [b.period_end for b in result.batches] == [d(y, 3, 31) for y in a.collection_years()]
        assert not [i for b in result.batches for i in b.issues if i.severity != "info"]
        for name, rows in want.items():
            assert stored(store, name, rows.column_names) == stored_order(name, rows), name


def stored_order(name: str, rows: pa.Table) -> list[dict]:
    key = table(name).key
    return sorted(rows.to_pylist(), key=lambda r: tuple((r[k] is None, str(r[k])) for k in key))


@pytest.mark.parametrize("fmt", ["ssda903", "ssda903_xml"])
def test_ingesting_the_returns_gives_back_the_expected_rows(written, tmp_path, fmt):
    a, out = written
    assert_round_trip(a, out / fmt, tmp_path)


def test_synthetic_authority_round_trip(tmp_path):
    a = generate(SynthConfig(size=0.2))
    ssda903.write(a, tmp_path / "out")
    for fmt in ("ssda903", "ssda903_xml"):
        assert_round_trip(a, tmp_path / "out" / fmt, tmp_path)
    want = ssda903.expected(a)
    assert want["cla_episodes"].num_rows > 100 and want["children"].num_rows > 50
