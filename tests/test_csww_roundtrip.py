"""Workforce census out and back in: hand-made census tables -> XML -> ingest -> same rows."""

from __future__ import annotations

from datetime import date as d

import pyarrow as pa
import pytest
from conftest import canonical
from defusedxml.ElementTree import parse as safe_parse

from csc_scorecard.ingest.run import ingest
from csc_scorecard.store import Store
from csc_scorecard.synth.authority import SynthConfig, SyntheticAuthority
from csc_scorecard.synth.writers import csww


def authority() -> SyntheticAuthority:
    # 1 April 2019 to 30 June 2022: the 2019, 2020 and 2021 censuses fall inside; 2022 does not.
    a = SyntheticAuthority(SynthConfig(first_year=2019, last_year=2022, la_code="371"))
    a.tables["workforce_census_workers"] = canonical(
        "workforce_census_workers",
        collection_year=[2020, 2020, 2020, 2021, 2021, 2022],
        worker_id=["W1", "W2", "W3", "W1", "W4", "W1"],
        swe_no=[
            "SW0000000001",
            "SW0000000002",
            None,
            "SW0000000001",
            "SW0000000004",
            "SW0000000001",
        ],
        agency=[False, True, False, False, False, False],
        fte=[1.0, 0.8123456789, 1.0, 0.6, 1.0, 0.6],
        fte30=[1.0, 0.8123456789, None, 0.6, None, 0.6],
        date_of_birth=[
            d(1980, 2, 29),
            None,
            d(1990, 1, 1),
            d(1980, 2, 29),
            d(1995, 6, 6),
            d(1980, 2, 29),
        ],
        sex=["F", "M", "F", "F", "U", "F"],
        ethnicity=["WBRI", "BAFR", None, "WBRI", "WIRT", "WBRI"],
        qual_inst=[
            "University of Sheffield",
            None,
            None,
            "University of Sheffield",
            "Open University",
            None,
        ],
        qual_level=["2", None, "1", "2", "3", None],
        org_role=["3", "5", "5", "3", "5", "3"],
        role_start_date=[
            d(2015, 9, 1),
            d(2020, 1, 6),
            d(2019, 3, 1),
            d(2015, 9, 1),
            d(2021, 2, 1),
            d(2015, 9, 1),
        ],
        start_origin=["2", "4", "1", "2", "1", "2"],
        role_end_date=[None, None, None, None, d(2021, 8, 31), None],
        leaver_destination=[None, None, None, None, "1", None],
        reason_leave=[None, None, None, None, "1", None],
        cases30=[3, 19, 17, 4, None, 4],
        absent_at_30_sept=[False, False, False, True, False, False],
        working_days_lost=[2.5, 0.0, 11.125, 30.0, 1.0, 0.0],
        reason_absence=["SIC", None, "TRN", "MAT", "SIC", None],
        contract_weeks=[52.0, 38.25, 52.0, 52.0, 30.0, 52.0],
    )
    a.tables["workforce_census_la"] = canonical(
        "workforce_census_la",
        collection_year=[2019, 2020, 2021],
        vacancies_fte=[12.345, 10.5, 8.0],
        agency_fte=[9.0, 7.25, 6.5],
        agency_headcount=[10, 8, 7],
    )
    return a


def as_rows(t: pa.Table) -> list[dict]:
    return sorted(t.to_pylist(), key=lambda r: tuple(str(v) for v in r.values()))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("csww")
    a = authority()
    files = csww.write(a, tmp / "out")
    store = Store(tmp / "store.duckdb")
    result = ingest(store, [tmp / "out"], la_code="371")
    yield a, files, store, result
    store.close()


def test_one_file_per_30_september_in_range_with_data(loaded):
    _a, files, _store, _result = loaded
    # 2019 has only the LA-level block; 2022's 30 September is after the extract date.
    assert [f.name for f in files] == ["csww_2019.xml", "csww_2020.xml", "csww_2021.xml"]


def test_written_xml_follows_the_schema_layout(loaded):
    _a, files, *_ = loaded
    root = safe_parse(files[1]).getroot()
    assert [e.tag for e in root] == ["Header", "LALevelVacancies", "CSWWWorker", "CSWWWorker"]
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2020-09-30"
    assert root.findtext("Header/Source/LEA") == "371"
    second = root.findall("CSWWWorker")[1]
    assert [e.tag for e in second][:5] == [
        "AgencyWorker",
        "SWENo",
        "FTE",
        "GenderCurrent",
        "Ethnicity",
    ]
    assert second.findtext("FTE") == "0.812346" and second.findtext("GenderCurrent") == "1"
    assert root.findtext("LALevelVacancies/NumberOfVacancies") == "10.50"


def test_census_tables_come_back_as_expected(loaded):
    a, _files, store, _result = loaded
    for name, rows in csww.expected(a).items():
        got = store.read(name, "371").select(rows.column_names)
        assert as_rows(got) == as_rows(rows), name


def test_worked_values(loaded):
    _a, _files, store, _result = loaded
    workers = {
        (r["collection_year"], r["worker_id"]): r
        for r in store.read("workforce_census_workers", "371").to_pylist()
    }
    # No local id in the schema: the SWENo is the worker id. W3 has no SWENo, so is not a record.
    assert sorted(workers) == [
        (2020, "SW0000000001"),
        (2020, "SW0000000002"),
        (2021, "SW0000000001"),
        (2021, "SW0000000004"),
    ]
    assert workers[(2020, "SW0000000002")]["fte"] == 0.812346  # six decimal places, as DfE fixes
    assert (
        workers[(2021, "SW0000000004")]["sex"] == "U"
        and workers[(2021, "SW0000000004")]["reason_leave"] == "1"
    )
    assert workers[(2021, "SW0000000001")]["working_days_lost"] == 30.0
    assert workers[(2020, "SW0000000001")]["date_of_birth"] == d(1980, 2, 29)
    la = {r["collection_year"]: r for r in store.read("workforce_census_la", "371").to_pylist()}
    assert la[2019]["vacancies_fte"] == 12.35  # two decimal places (the schema's type)
    assert la[2021]["agency_headcount"] == 7


def test_each_census_is_a_load_for_its_year_to_30_september(loaded):
    _a, _files, store, result = loaded
    periods = [(b.source_format, b.la_code, b.period_start, b.period_end) for b in result.batches]
    assert periods == [
        ("csww", "371", d(2018, 10, 1), d(2019, 9, 30)),
        ("csww", "371", d(2019, 10, 1), d(2020, 9, 30)),
        ("csww", "371", d(2020, 10, 1), d(2021, 9, 30)),
    ]
    assert all(b.issues == [] for b in result.batches)
    assert store.con.execute("SELECT count(*) FROM dq_issues").fetchone() == (0,)


def simulated_workforce() -> SyntheticAuthority:
    """The workforce simulation (synth.workforce) run on 60 hand-made children's cases."""
    from csc_scorecard.synth import workforce

    a = SyntheticAuthority(SynthConfig(first_year=2019, last_year=2022, la_code="371"))
    ids = [f"K{i:03d}" for i in range(60)]
    starts = [d(2019, 4, 1 + i % 28).replace(month=4 + i % 9) for i in range(60)]
    a.tables["children"] = canonical(
        "children", child_id=ids, date_of_birth=[d(2008 + i % 10, 1 + i % 12, 1) for i in range(60)]
    )
    a.tables["referrals"] = canonical(
        "referrals",
        child_id=ids,
        referral_date=starts,
        closure_date=[None if i % 3 else d(2021, 5, 1) for i in range(60)],
    )
    a.tables["assessments"] = canonical(
        "assessments",
        child_id=ids,
        start_date=starts,
        authorised_date=[s.replace(day=28) for s in starts],
    )
    a.tables["cp_plans"] = canonical(
        "cp_plans",
        child_id=ids[:15],
        start_date=[d(2020, 1, 10)] * 15,
        end_date=[d(2021, 1, 10)] * 15,
    )
    a.tables.update(workforce.simulate(a.config, a.tables))
    return a


def test_simulated_workforce_census_round_trips(tmp_path):
    a = simulated_workforce()
    files = csww.write(a, tmp_path / "out")
    assert [f.name for f in files] == ["csww_2019.xml", "csww_2020.xml", "csww_2021.xml"]
    want = csww.expected(a)
    assert want["workforce_census_workers"].num_rows > 20
    with Store(tmp_path / "store.duckdb") as store:
        result = ingest(store, [tmp_path / "out"], la_code="371")
        for name, rows in want.items():
            got = store.read(name, "371").select(rows.column_names)
            assert as_rows(got) == as_rows(rows), name
    assert [i for b in result.batches for i in b.issues if i.severity == "error"] == []


def test_generated_authority_round_trips(tmp_path):
    pytest.importorskip("csc_scorecard.synth.children")
    from csc_scorecard.synth.authority import generate

    a = generate(SynthConfig(size=0.2))
    csww.write(a, tmp_path / "out")
    want = csww.expected(a)
    assert (
        want["workforce_census_workers"].num_rows > 0 and want["workforce_census_la"].num_rows == 6
    )
    with Store(tmp_path / "store.duckdb") as store:
        ingest(store, [tmp_path / "out"], la_code="371")
        for name, rows in want.items():
            assert as_rows(store.read(name, "371").select(rows.column_names)) == as_rows(rows), name
