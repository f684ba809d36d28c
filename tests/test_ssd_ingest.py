"""Standard Safeguarding Dataset ingest from a folder of dumps.

Round trip: the synthetic authority written as SSD (synth/writers/ssd.py) and read back gives
the canonical rows the writer says it carries, table by table. Then the format's rules on
small hand-made dumps: JSON shapes, refusals naming file and field with nothing stored, bad
values kept with an issue, involvements that are not allocations, Parquet dumps.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from csc_scorecard.ingest import ssd_json
from csc_scorecard.ingest.run import IngestRefused, ingest, read_all
from csc_scorecard.ingest.values import BadValue
from csc_scorecard.store import Store
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import ssd as ssd_writer

LA = "371"


@pytest.fixture(scope="module")
def authority():
    return generate(SynthConfig(size=0.05, first_year=2020, last_year=2022))


@pytest.fixture(scope="module")
def dump(authority, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ssd")
    ssd_writer.write(authority, out)
    return out / "ssd"


def rows_of(t: pa.Table) -> list[tuple]:
    return sorted((tuple(r.values()) for r in t.to_pylist()), key=str)


def test_round_trip_gives_back_every_table(authority, dump):
    [batch] = read_all([dump], la_code=LA)
    assert batch.source_format == "ssd"
    assert batch.issues == []
    expected = ssd_writer.expected(authority)
    assert set(expected) <= set(batch.tables)
    for name, want in expected.items():
        got = batch.tables[name].select(want.column_names)
        assert rows_of(got) == rows_of(want), name
    # the objects the brief names all carry rows at this scale
    for name in ("cin_visits", "cla_visits", "legal_statuses", "case_allocations", "teams"):
        assert batch.tables[name].num_rows > 10, name


def test_round_trip_through_the_store(dump, tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        ingest(store, [dump], la_code=LA)
        ingest(store, [dump], la_code=LA)  # a reload replaces, never doubles
        loads = store.con.execute("SELECT source_format, count(*) FROM loads GROUP BY 1").fetchall()
        assert loads == [("ssd", 1)]
        visits = store.read("cla_visits", LA)
        assert visits.num_rows == len(read_csv(dump / "ssd_cla_visits.csv"))


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_object(folder: Path, name: str, rows: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


ASSESSMENT = {
    "cina_assessment_id": "A1",
    "cina_person_id": "P1",
    "cina_referral_id": "R1",
    "cina_assessment_start_date": "2022-01-04",
    "cina_assessment_auth_date": "2022-02-10 00:00:00.000",
    "cina_assessment_outcome_json": '{ NFA_FLAG: "N", TOTAL_NO_OF_OUTCOMES: , COMMENTS: "" }',
    "cina_assessment_outcome_nfa": "",
    "cina_assessment_team": "T1",
    "cina_assessment_worker_id": "W1",
}
REFERRAL = {
    "cine_referral_id": "R1",
    "cine_person_id": "P1",
    "cine_referral_date": "2022-01-03",
    "cine_referral_source_code": "1A",
}


def test_assessment_links_referral_factors_and_outcome(tmp_path):
    """The referral date comes through cina_referral_id; factors from ssd_assessment_factors in
    either JSON shape; further support = not NFA, here from the bare-key outcome JSON."""
    folder = tmp_path / "d"
    write_object(folder, "ssd_cin_episodes", [REFERRAL])
    write_object(folder, "ssd_cin_assessments", [ASSESSMENT])
    write_object(
        folder,
        "ssd_assessment_factors",
        [
            {"cinf_table_id": "F1", "cinf_assessment_id": "A1", "cinf_assessment_factors_json": '["1B", "3A"]'},
            {"cinf_table_id": "F2", "cinf_assessment_id": "A1", "cinf_assessment_factors_json": '{"21": "No", "4B": "Yes"}'},
        ],
    )  # fmt: skip
    [batch] = read_all([folder], la_code=LA)
    [row] = batch.tables["assessments"].to_pylist()
    assert row["referral_date"] == date(2022, 1, 3)
    assert row["authorised_date"] == date(2022, 2, 10)
    assert row["factors"] == "1B 3A 4B"
    assert row["further_support_needed"] is True
    assert (row["team_id"], row["worker_id"]) == ("T1", "W1")


def test_json_shapes():
    assert ssd_json.factor_codes('["1A","2B"]') == "1A 2B"
    assert ssd_json.factor_codes('{"1A": "Yes", "2B": "No"}') == "1A"
    assert ssd_json.factor_codes("1a;2b") == "1A 2B"
    assert ssd_json.factor_codes(" ") is None
    assert (
        ssd_json.flag(ssd_json.parse('{"CP_CONFERENCE_FLAG": "N"}'), "CP_CONFERENCE_FLAG") is False
    )
    with pytest.raises(BadValue):
        ssd_json.parse("{NFA_FLAG: Y")


def test_bad_values_load_with_the_raw_value_kept(tmp_path):
    folder = tmp_path / "d"
    write_object(folder, "ssd_cin_episodes", [REFERRAL])
    bad = {
        **ASSESSMENT,
        "cina_assessment_auth_date": "31/02/2022",
        "cina_assessment_outcome_json": "{NFA",
    }
    write_object(folder, "ssd_cin_assessments", [bad])
    write_object(folder, "ssd_assessment_factors", [{"cinf_table_id": "F1", "cinf_assessment_id": "A1", "cinf_assessment_factors_json": '["1B", "99Z"]'}])  # fmt: skip
    with Store(tmp_path / "s.duckdb") as store:
        ingest(store, [folder], la_code=LA)
        [row] = store.read("assessments", LA).to_pylist()
        assert row["authorised_date"] is None and row["factors"] == "1B 99Z"
        issues = store.con.execute(
            "SELECT rule, field, value, row, table_name FROM dq_issues ORDER BY field"
        ).fetchall()
    assert issues == [
        ("invalid_date", "cina_assessment_auth_date", "31/02/2022", 2, "assessments"),
        ("invalid_json", "cina_assessment_outcome_json", "{NFA", 2, "assessments"),
        ("unknown_code", "derived_factors", "1B 99Z", 2, "assessments"),
    ]


def test_missing_required_field_refused_naming_file_and_field(tmp_path):
    folder = tmp_path / "d"
    write_object(folder, "ssd_cin_episodes", [REFERRAL])
    no_start = {k: v for k, v in ASSESSMENT.items() if k != "cina_assessment_start_date"}
    path = write_object(folder, "ssd_cin_assessments", [no_start])
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(IngestRefused) as refused:
            ingest(store, [folder], la_code=LA)
        [err] = refused.value.errors
        assert err.file == str(path) and err.field == "cina_assessment_start_date"
        assert "needs fields ['cina_assessment_start_date']" in str(err)
        assert store.con.execute("SELECT count(*) FROM loads").fetchone() == (0,)
        assert store.con.execute("SELECT count(*) FROM referrals").fetchone() == (0,)


def test_unreadable_dump_and_missing_link_object_are_refused(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "ssd_cla_visits.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(IngestRefused, match=r"ssd_cla_visits.parquet: cannot be read as Parquet"):
        read_all([folder], la_code=LA)
    other = tmp_path / "e"
    write_object(other, "ssd_cla_reviews", [{"clar_cla_review_id": "1", "clar_cla_id": "C1", "clar_cla_review_date": "2022-01-01"}])  # fmt: skip
    with pytest.raises(
        IngestRefused, match=r"ssd_cla_reviews links to its child through ssd_cla_episodes"
    ):
        read_all([other], la_code=LA)


def test_parquet_dumps_read_as_csv_ones(dump, tmp_path):
    folder = tmp_path / "pq"
    folder.mkdir()
    for name in ("ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status", "ssd_cla_visits"):
        rows = read_csv(dump / f"{name}.csv")
        pq.write_table(pa.Table.from_pylist(rows), folder / f"{name}.parquet")
    [from_parquet] = read_all([folder], la_code=LA)
    [from_csv] = read_all([dump], la_code=LA)
    for name in ("cla_episodes", "cla_visits", "legal_statuses"):
        cols = [c for c in from_csv.tables[name].column_names if c != "source_row"]
        assert rows_of(from_parquet.tables[name].select(cols)) == rows_of(
            from_csv.tables[name].select(cols)
        )


def test_only_allocated_workers_become_allocations(tmp_path):
    folder = tmp_path / "d"
    base = {
        "invo_person_id": "P1",
        "invo_professional_team": "T1",
        "invo_involvement_start_date": "2022-01-04",
        "invo_involvement_end_date": "",
        "invo_worker_change_reason": "",
    }
    write_object(
        folder,
        "ssd_involvements",
        [
            {**base, "invo_involvements_id": "1", "invo_professional_id": "W1", "invo_professional_role_id": "Allocated Social Worker"},
            {**base, "invo_involvements_id": "2", "invo_professional_id": "W2", "invo_professional_role_id": "IRO"},
        ],
    )  # fmt: skip
    [batch] = read_all([folder], la_code=LA)
    assert batch.tables["case_allocations"].column("worker_id").to_pylist() == ["W1"]
    [note] = batch.issues
    assert (note.rule, note.severity) == ("not_an_allocation", "info")
    assert "IRO (1)" in note.message


def test_names_are_never_read(tmp_path):
    """Data minimisation: a person's names in the dump reach no canonical column or issue."""
    folder = tmp_path / "d"
    write_object(
        folder,
        "ssd_person",
        [{"pers_person_id": "P1", "pers_forename": "Ada", "pers_surname": "Lovelace", "pers_sex": "F", "pers_dob": "2010-05-01"}],
    )  # fmt: skip
    [batch] = read_all([folder], la_code=LA)
    text = json.dumps(batch.tables["children"].to_pylist(), default=str)
    assert "Ada" not in text and "Lovelace" not in text
    assert batch.tables["children"].column("sex").to_pylist() == ["F"]


def test_field_names_match_whatever_their_case(tmp_path):
    """SQL Server exports may keep upper-case column names; links still resolve."""
    folder = tmp_path / "d"
    write_object(folder, "ssd_cin_episodes", [{k.upper(): v for k, v in REFERRAL.items()}])
    write_object(folder, "ssd_cin_assessments", [{k.upper(): v for k, v in ASSESSMENT.items()}])
    [batch] = read_all([folder], la_code=LA)
    [row] = batch.tables["assessments"].to_pylist()
    assert (row["child_id"], row["referral_date"]) == ("P1", date(2022, 1, 3))
