"""Reading workforce census XML: the liia-tools sample, header fallbacks, and refused files."""

from __future__ import annotations

from datetime import date as d
from pathlib import Path

import pytest
from conftest import PEER_FIXTURES, needs_peer_fixtures

from csc_scorecard.ingest.formats import csww
from csc_scorecard.ingest.run import IngestRefused, ingest
from csc_scorecard.model.batch import FormatError

SAMPLE = PEER_FIXTURES / "liiatools-samples" / "social_work_workforce_2022.xml"

HEADER = """<Header><CollectionDetails><Collection>CSWW</Collection><Year>2021</Year>
<ReferenceDate>2021-09-30</ReferenceDate></CollectionDetails><Source><LEA>371</LEA></Source></Header>"""
LA = "<LALevelVacancies><NumberOfVacancies>4.00</NumberOfVacancies><NoAgencyFTE>2.50</NoAgencyFTE><NoAgencyHeadcount>3</NoAgencyHeadcount></LALevelVacancies>"
WORKER = "<CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW1234567890</SWENo><GenderCurrent>2</GenderCurrent><OrgRole>5</OrgRole><Cases30>18</Cases30></CSWWWorker>"


def census(tmp_path: Path, body: str, name: str = "census.xml", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<Message>{header}{body}</Message>\n')
    return path


@needs_peer_fixtures
def test_liiatools_sample_loads_every_worker():
    batch = csww.read_census(SAMPLE)
    assert (batch.la_code, batch.period_start, batch.period_end) == (
        "301",
        d(2021, 10, 1),
        d(2022, 9, 30),
    )
    la = batch.tables["workforce_census_la"].to_pylist()
    assert [
        (r["vacancies_fte"], r["agency_fte"], r["agency_headcount"], r["collection_year"])
        for r in la
    ] == [(79.68, 59.82, 71, 2022)]
    workers = batch.tables["workforce_census_workers"]
    assert workers.num_rows == 30
    first = workers.to_pylist()[0]
    assert first["worker_id"] == first["swe_no"] == "Oz2054309383"
    assert (first["agency"], first["fte"], first["sex"], first["ethnicity"]) == (
        True,
        0.521371,
        "M",
        "REFU",
    )
    assert (first["cases30"], first["reason_absence"], first["source_row"]) == (72, "TRN", 20)
    # GenderCurrent 0 (not known, 6) and 9 (not specified, 6) both read as U; all 30 records are clean.
    sexes = workers.column("sex").to_pylist()
    assert (sexes.count("M"), sexes.count("F"), sexes.count("U"), sexes.count(None)) == (
        5,
        3,
        12,
        10,
    )
    assert batch.issues == []


@needs_peer_fixtures
def test_adapter_claims_census_files_only(tmp_path):
    assert csww.ADAPTER.sniff(SAMPLE)
    cin = PEER_FIXTURES / "liiatools-samples" / "cin-2022.xml"
    assert not csww.ADAPTER.sniff(cin)
    assert not csww.ADAPTER.sniff(PEER_FIXTURES / "liiatools-samples" / "Annex_A.xlsx")


def test_header_fallbacks_and_alternatives(tmp_path):
    # No header at all: the authority from la_code=, the year from the file name.
    body = LA + WORKER.replace(
        "<GenderCurrent>2</GenderCurrent>", "<Sex>M</Sex><WorkerID>L-77</WorkerID>"
    )
    batch = csww.read_census(census(tmp_path, body, "csww_2020.xml", header=""), la_code="371")
    assert (batch.la_code, batch.period_end) == ("371", d(2020, 9, 30))
    (worker,) = batch.tables["workforce_census_workers"].to_pylist()
    assert (worker["worker_id"], worker["swe_no"], worker["sex"], worker["collection_year"]) == (
        "L-77",
        "SW1234567890",
        "M",
        2020,
    )


def test_disagreements_repeats_and_bad_values_are_issues(tmp_path):
    worker = WORKER.replace(
        "<OrgRole>5</OrgRole>", "<OrgRole>7</OrgRole><QualInst>A</QualInst><QualInst>B</QualInst>"
    )
    worker = worker.replace("<Cases30>18</Cases30>", "<Cases30>18</Cases30><Cases30>19</Cases30>")
    path = census(tmp_path, LA + worker + worker)
    batch = csww.read_census(path, la_code="372", year=2022)
    assert batch.la_code == "371" and batch.period_end == d(2021, 9, 30)  # the file wins
    found = sorted((i.rule, i.field, i.value) for i in batch.issues)
    assert found == [
        ("duplicate_key", "worker_id", "SW1234567890"),
        ("header_mismatch", "LEA", "371"),
        ("header_mismatch", "Year", "2021"),
        ("repeated_element", "Cases30", "19"),
        ("repeated_element", "Cases30", "19"),
        ("unknown_code", "OrgRole", "7"),
        ("unknown_code", "OrgRole", "7"),
    ]
    rows = batch.tables["workforce_census_workers"].to_pylist()
    assert rows[0]["qual_inst"] == "A; B" and rows[0]["cases30"] == 18
    # The header spans lines 2-3 and the body follows on line 3: both workers start there.
    assert [i.row for i in batch.issues if i.rule == "unknown_code"] == [3, 3]


def test_missing_la_block_is_an_issue_not_a_refusal(tmp_path):
    batch = csww.read_census(census(tmp_path, WORKER))
    assert "workforce_census_la" not in batch.tables
    assert [(i.rule, i.field) for i in batch.issues] == [("missing_element", "LALevelVacancies")]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            '<?xml version="1.0"?>\n<!DOCTYPE Message [<!ENTITY x "boom">]>\n<Message>'
            + HEADER
            + LA
            + WORKER
            + "</Message>",
            "declares a DTD or entities",
        ),
        ('<?xml version="1.0"?>\n<Message>' + HEADER + LA + WORKER[:60], "is not well-formed XML"),
        ('<?xml version="1.0"?>\n<Return>' + LA + "</Return>", "root element is <Return>"),
        (
            '<?xml version="1.0"?>\n<Message>'
            + HEADER.replace(">CSWW<", ">CIN<")
            + LA
            + "</Message>",
            "is a CIN return",
        ),
        (
            '<?xml version="1.0"?>\n<Message>' + HEADER + "</Message>",
            "has no <CSWWWorker> or <LALevelVacancies>",
        ),
        (
            '<?xml version="1.0"?>\n<Message>'
            + HEADER
            + WORKER.replace("<SWENo>SW1234567890</SWENo>", "")
            + "</Message>",
            "<CSWWWorker> has no <SWENo>",
        ),
    ],
    ids=["dtd", "truncated", "root", "collection", "empty", "no-swe-number"],
)
def test_refused_files_leave_the_store_unchanged(tmp_path, store, text, reason):
    good = census(tmp_path, LA + WORKER, "csww_2021.xml")
    ingest(store, [good])
    before = store.con.execute("SELECT count(*) FROM workforce_census_workers").fetchone()
    bad = tmp_path / "bad" / "census_bad.xml"
    bad.parent.mkdir()
    bad.write_text(text)
    # The bad file is refused on its own and alongside a good one: nothing of either is stored.
    with pytest.raises(FormatError, match=reason.replace("(", r"\(").replace("<", "<")):
        csww.read_census(bad, la_code="371")
    with pytest.raises(IngestRefused):
        ingest(store, [bad, good.with_name("csww_2021.xml")], la_code="371")
    assert store.con.execute("SELECT count(*) FROM workforce_census_workers").fetchone() == before
    assert store.con.execute("SELECT count(*) FROM loads").fetchone() == (1,)


def test_no_authority_anywhere_is_refused(tmp_path):
    path = census(
        tmp_path,
        LA + WORKER,
        header="<Header><CollectionDetails><Year>2021</Year></CollectionDetails></Header>",
    )
    with pytest.raises(FormatError, match="no <LEA>"):
        csww.read_census(path)
