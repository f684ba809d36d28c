"""SSDA903 CSV in: tables recognised by their columns, tolerated mess, refused files, year rules.

Small hand-written returns in temporary folders; each test says what the file looks like and
what must come out.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from csc_scorecard.ingest import ssda903
from csc_scorecard.ingest.fields import load_spec
from csc_scorecard.ingest.formats.ssda903_csv import ADAPTER
from csc_scorecard.ingest.run import IngestRefused, ingest, read_all
from csc_scorecard.model.batch import FormatError
from csc_scorecard.model.codes import codes

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return folder


def basic(folder: Path, **extra: str | bytes) -> Path:
    """A two-child return for 2019-20: one episode ends in the year, one stays open."""
    return write(
        folder,
        {
            "header.csv": HEADER
            + "A1,1,01/02/2010,WBRI,A123456789012,,\nA2,2,2012-03-04,BAFR,UN1,0,\n",
            "episodes.csv": EPISODES
            + "A1,01/05/2019,S,C2,N1,U4,PR1,01/09/2019,E4A,,DN1 1AA,DN2 2BB,\n"
            + "A2,43500,S,V2,N4,U6,PR1,,,,DN1 1AA,DN2 2BB,\n",
            **extra,
        },
    )


def read(folder: Path, *, la_code: str | None = "371", year: int | None = None):
    (batch,) = read_all([folder], la_code=la_code, year=year)
    return batch


def rows(batch, name: str) -> list[dict]:
    return batch.tables[name].to_pylist()


# -- recognition and tolerance ------------------------------------------------------------------


def test_tables_are_recognised_by_their_columns_not_their_file_names(tmp_path):
    folder = write(
        tmp_path / "2020",
        {
            "a.csv": HEADER + "A1,1,01/02/2010,WBRI,A123456789012,,\n",
            "b.csv": "CHILD,DOB,REVIEW,REVIEW_CODE\nA1,01/02/2010,01/10/2019,PN1\n",
            "c.csv": EPISODES + "A1,01/05/2019,S,C2,N1,U4,PR1,,,,,,\n",
        },
    )
    assert all(ADAPTER.sniff(p) for p in folder.iterdir())
    batch = read(folder)
    assert batch.source_format == "ssda903"
    assert sorted(batch.tables) == ["children", "cla_episodes", "cla_reviews"]
    assert rows(batch, "cla_reviews") == [
        {"child_id": "A1", "review_date": date(2019, 10, 1), "review_code": "PN1", "source_row": 2}
    ]


def test_column_order_case_bom_spaces_blank_rows_and_date_styles_are_tolerated(tmp_path):
    # Header written by Excel: BOM, shuffled and lower-case columns, padded cells, a blank line,
    # Windows line ends, an ISO date, a DD/MM/YYYY date and an Excel serial (43500 = 04/02/2019).
    text = (
        "\ufeff upn , dob ,Child,ETHNIC,sex,MC_DOB,MOTHER\r\n"
        "  A123456789012 , 01/02/2010 , A1 , wbri , 1 ,,\r\n"
        ",,,,,,\r\n"
        "UN1,2012-03-04,A2,BAFR,2,,0\r\n"
    )
    folder = write(
        tmp_path / "2020",
        {"header.csv": text, "episodes.csv": EPISODES + "A1,43500,S,C2,N1,U4,PR1,,,,,,\n"},
    )
    batch = read(folder)
    assert rows(batch, "children") == [
        {
            "child_id": "A1", "sex": "M", "date_of_birth": date(2010, 2, 1), "ethnicity": "WBRI",
            "upn": "A123456789012", "mother": None, "mc_dob": None, "source_row": 2,
        },
        {
            "child_id": "A2", "sex": "F", "date_of_birth": date(2012, 3, 4), "ethnicity": "BAFR",
            "upn": "UN1", "mother": False, "mc_dob": None, "source_row": 4,
        },
    ]  # fmt: skip
    assert rows(batch, "cla_episodes")[0]["decom"] == date(2019, 2, 4)
    assert not [i for i in batch.issues if i.severity == "error"]


def test_windows_1252_text_is_read(tmp_path):
    folder = basic(tmp_path / "2020")
    (folder / "header.csv").write_bytes(
        (HEADER + "Zoë1,2,01/02/2010,WBRI,UN1,,\n").encode("cp1252")
    )
    assert [r["child_id"] for r in rows(read(folder), "children")] == ["Zoë1"]


def test_bad_values_are_loaded_with_issues_that_keep_the_raw_text(tmp_path):
    folder = basic(
        tmp_path / "2020",
        **{
            "reviews.csv": "CHILD,DOB,REVIEW,REVIEW_CODE\n"
            "A1,01/02/2010,31/09/2019,PN9\n"  # 31 September does not exist; PN9 is no code
            "A1,01/02/2010,01/10/19,PN1\n"  # two-digit year
        },
    )
    batch = read(folder)
    reviews = rows(batch, "cla_reviews")
    assert [r["review_date"] for r in reviews] == [None, None]
    assert reviews[0]["review_code"] == "PN9"  # unknown codes are kept as written
    found = {
        (i.rule, i.field, i.value, i.row, i.child_id)
        for i in batch.issues
        if i.table == "cla_reviews"
    }
    assert ("invalid_date", "REVIEW", "31/09/2019", 2, "A1") in found
    assert ("invalid_date", "REVIEW", "01/10/19", 3, "A1") in found
    assert ("unknown_code", "REVIEW_CODE", "PN9", 2, "A1") in found


def test_uasc_file_marks_its_children_and_others_are_not_uasc(tmp_path):
    folder = basic(
        tmp_path / "2020",
        **{
            "uasc.csv": "CHILD,SEX,DOB,DUC\nA2,2,04/03/2012,04/03/2030\nZ9,1,01/01/2005,01/01/2023\n"
        },
    )
    with (folder / "header.csv").open("a") as fh:
        fh.write("L3,1,01/01/2001,WBRI,UN2,,\n")  # a care leaver: in the Header, no episodes
    batch = read(folder)
    children = {r["child_id"]: r for r in rows(batch, "children")}
    assert (children["A1"]["uasc"], children["A1"]["uasc_ceased_date"]) == (False, None)
    assert (children["A2"]["uasc"], children["A2"]["uasc_ceased_date"]) == (True, date(2030, 3, 4))
    # The return gives no UASC information for care leavers (DfE rule 1014): unknown, not false.
    assert children["L3"]["uasc"] is None
    # A UASC row whose child is not in the Header is kept, and reported.
    assert children["Z9"]["uasc"] is True and children["Z9"]["sex"] is None
    orphan = [i for i in batch.issues if i.rule == "child_not_in_header"]
    assert [(i.child_id, i.table, i.row) for i in orphan] == [("Z9", "children", 3)]


def test_without_a_uasc_file_uasc_status_is_not_supplied(tmp_path):
    # The store then keeps what an earlier load said instead of overwriting it with false.
    assert "uasc" not in read(basic(tmp_path / "2020")).tables["children"].column_names


def test_ad1_and_placed_for_adoption_describe_one_decision(tmp_path):
    """A1's AD1 (line 2) and PlacedAdoption (line 2) rows are one decision, which keeps both
    lines; A2's decision is on PlacedAdoption line 3 only."""
    folder = basic(
        tmp_path / "2020",
        **{
            "ad1.csv": "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
            "A1,01/02/2010,01/01/2019,01/06/2019,1,2,mf,L11\n",
            "placed_for_adoption.csv": "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
            "A1,01/02/2010,01/01/2019,,\n"
            "A2,04/03/2012,01/02/2018,01/12/2019,RD3\n",
        },
    )
    assert rows(read(folder), "adoptions") == [
        {
            "child_id": "A1", "adm_decision_date": date(2019, 1, 1), "matched_date": date(2019, 6, 1),
            "foster_carer_adoption": True, "number_adopters": 2, "sex_adopters": "MF",
            "ls_adopters": "L11", "source_row": 2, "decision_reversed_date": None,
            "decision_reversed_reason": None, "ad1_row": 2, "placed_adoption_row": 2,
        },
        {
            "child_id": "A2", "adm_decision_date": date(2018, 2, 1), "matched_date": None,
            "foster_carer_adoption": None, "number_adopters": None, "sex_adopters": None,
            "ls_adopters": None, "source_row": 3, "decision_reversed_date": date(2019, 12, 1),
            "decision_reversed_reason": "RD3", "ad1_row": None, "placed_adoption_row": 3,
        },
    ]  # fmt: skip


def test_oc2_and_oc3_rows_carry_the_collection_year(tmp_path):
    folder = basic(
        tmp_path / "2020",
        **{
            "oc2.csv": ",".join(ssda903.COLUMNS["OC2"]) + "\nA2,04/03/2012,14,,0,,1,1,1,0,,\n",
            "oc3.csv": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nB7,01/05/2001,yes,F2,D1\n",
            "previous_permanence.csv": "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\nA1,01/02/2010,P2,371,ZZ/05/2015\n",
        },
    )
    batch = read(folder)
    (health,) = rows(batch, "cla_health")
    assert (health["child_id"], health["collection_year"], health["sdq_score"]) == ("A2", 2020, 14)
    assert (health["convicted"], health["immunisations"], health["substance_misuse"]) == (
        False,
        True,
        False,
    )
    (leaver,) = rows(batch, "care_leavers")
    assert (leaver["collection_year"], leaver["in_touch"], leaver["accommodation"]) == (
        2020,
        "YES",
        "D1",
    )
    # Partial permanence dates are kept as written (standards.md 1.1).
    assert rows(batch, "previous_permanence")[0]["date_perm"] == "ZZ/05/2015"


def test_dolo_file_loads_into_dolo_orders_keeping_a_bad_date_raw(tmp_path):
    """DoLo (2026-27 on) -> dolo_orders: A1's order of 1 June 2019 is open; the end date of its second row (line 3)
    31/02/2020 is no date, so it loads blank with an invalid_date issue holding the text."""
    folder = basic(
        tmp_path / "2020",
        **{
            "DoLo.csv": "CHILD,DOB,DOLO_START,DOLO_END\n"
            "A1,01/02/2010,01/06/2019,\nA1,01/02/2010,01/07/2019,31/02/2020\n"
        },
    )
    batch = read(folder)
    assert sorted(batch.tables) == ["children", "cla_episodes", "dolo_orders"]
    assert [
        (r["child_id"], r["start_date"], r["end_date"]) for r in rows(batch, "dolo_orders")
    ] == [
        ("A1", date(2019, 6, 1), None),
        ("A1", date(2019, 7, 1), None),
    ]
    (bad,) = [i for i in batch.issues if i.table == "dolo_orders"]
    assert (bad.rule, bad.row, bad.column, bad.value) == (
        "invalid_date",
        3,
        "end_date",
        "31/02/2020",
    )
    assert not [i for i in batch.issues if i.rule == "table_not_loaded"]


def test_an_empty_file_beside_903_tables_is_part_of_the_return(tmp_path):
    folder = basic(tmp_path / "2020", **{"ad1.csv": "\n"})
    assert ADAPTER.sniff(folder / "ad1.csv")
    batch = read(folder)
    assert [(i.rule, Path(i.file).name) for i in batch.issues if i.rule == "empty_file"] == [
        ("empty_file", "ad1.csv")
    ]
    # ... but an empty CSV on its own is nobody's, and the ingest says so.
    lonely = write(tmp_path / "other", {"notes.csv": ""})
    assert not ADAPTER.sniff(lonely / "notes.csv")


def test_files_that_are_not_903_tables_are_not_claimed(tmp_path):
    folder = write(
        tmp_path / "x",
        {
            "teams.csv": "team_id,team_name\nT1,Assessment\n",
            "partial.csv": "CHILD,SEX,DOB\nA1,1,01/02/2010\n",  # only shared columns
            "episodes.txt": EPISODES,
        },
    )
    assert not any(ADAPTER.sniff(p) for p in folder.iterdir())


def test_code_lists_and_spec_are_complete():
    spec = load_spec("ssda903")
    assert set(spec.tables) == set(ssda903.COLUMNS) - set(ssda903.NOT_LOADED)
    for name, tspec in spec.tables.items():
        # Every field the spec reads is a DfE column of that table (UASC is the adapter's flag).
        assert set(tspec.columns) - {"UASC"} <= set(ssda903.COLUMNS[name]), name
    assert len(codes("ethnicity")) == 20 and set(codes("sex")) == {"M", "F", "U"}
    assert codes("cin_903") == {f"N{i}": codes("cin_903")[f"N{i}"] for i in range(1, 9)}
    assert len(codes("accommodation")) == 33  # 16 letters x suitable/unsuitable, and 0


# -- the collection year ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "year"),
    [("2020", 2020), ("2019-20", 2020), ("ssda903_2019_2020", 2020), ("201920", 2020)],
)
def test_year_from_the_folder_name(tmp_path, folder, year):
    batch = read(basic(tmp_path / folder))
    assert (batch.period_start, batch.period_end) == (date(year - 1, 4, 1), date(year, 3, 31))
    assert not [i for i in batch.issues if i.rule == "collection_year"]


def test_year_argument_contradicted_by_the_dates_is_refused_naming_both_years(tmp_path):
    # The episode ends in September 2019, after 31 March 2019: it cannot be the 2018-19 return.
    with pytest.raises(IngestRefused) as err:
        read(basic(tmp_path / "2020"), year=2019)
    assert "--year 2019 says 2018-19" in str(err.value)
    assert "place this return in 2019-20: nothing was loaded" in str(err.value)


def test_year_inferred_from_episode_dates_when_nothing_names_it(tmp_path):
    batch = read(basic(tmp_path / "returns"))
    assert batch.period_end == date(2020, 3, 31)
    (note,) = [i for i in batch.issues if i.rule == "collection_year"]
    assert note.severity == "info" and "2019-20 inferred" in note.message


def test_a_folder_named_by_the_start_year_is_corrected_by_the_dates(tmp_path):
    # Episodes end in September 2019, after 31 March 2019: "2019" cannot be the year ending.
    batch = read(basic(tmp_path / "2019"))
    assert batch.period_end == date(2020, 3, 31)
    (warn,) = [i for i in batch.issues if i.rule == "collection_year"]
    assert warn.severity == "warning" and "'2019' names 2018-19" in warn.message


def test_a_few_stray_dates_do_not_move_the_inferred_year():
    import pyarrow as pa

    dates = [date(2017, 6, 1)] * 300 + [date(2018, 4, 1)]  # one DEC typed a day late
    assert ssda903.infer_year({"cla_episodes": pa.table({"decom": dates})}) == 2018


def test_no_dates_and_no_year_is_refused_asking_for_year(tmp_path):
    folder = write(tmp_path / "returns", {"header.csv": HEADER + "A1,1,01/02/2010,WBRI,UN1,,\n"})
    with pytest.raises(IngestRefused) as err:
        read(folder)
    assert "--year" in str(err.value)


# -- refused files -----------------------------------------------------------------------------


def refusal(folder: Path, **kwargs) -> FormatError:
    with pytest.raises(IngestRefused) as err:
        read_all([folder], la_code=kwargs.get("la_code", "371"), year=kwargs.get("year"))
    (error,) = err.value.errors
    return error


def test_missing_mandatory_column_is_refused_naming_file_line_and_field(tmp_path):
    folder = basic(tmp_path / "2020")
    (folder / "episodes.csv").write_text(
        EPISODES.replace("DECOM,", "") + "A1,S,C2,N1,U4,PR1,,,,,,\n"
    )
    error = refusal(folder)
    assert (Path(error.file).name, error.line, error.field) == ("episodes.csv", 1, "DECOM")
    assert "Episodes" in error.reason


def test_la_code_is_required(tmp_path):
    error = refusal(basic(tmp_path / "2020"), la_code=None)
    assert "--la" in error.reason


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ((HEADER + "A1,1,01/02/2010,WBRI,UN1,,\n").encode("utf-16"), None, "UTF-16"),
        (
            HEADER.encode() + b"A1,1,01/02/2010,WBRI,UN1,,\nA\x81\xff2,2,01/02/2010,WBRI,UN1,,\n",
            3,
            "Windows-1252",
        ),
        (
            (HEADER + "A1,1,01/02/2010,WBRI,UN1,,\nA2,2,01/02/2010,WBRI,UN1,,,x\n").encode(),
            3,
            "8 values",
        ),
        ((b"CHILD,DOB,DOB,ETHNIC,UPN,SEX\n"), 1, "more than once"),
        ((b"CHILD,SEX,DOB,ETHNIC,UPN,REVIEW\n"), 1, "Header and Reviews"),
    ],
)
def test_unreadable_csv_is_refused_with_line(tmp_path, content, line, words):
    folder = basic(tmp_path / "2020")
    (folder / "header.csv").write_bytes(content)
    error = refusal(folder)
    assert Path(error.file).name == "header.csv" and error.line == line and words in error.reason


def test_two_files_for_one_table_are_refused(tmp_path):
    folder = basic(
        tmp_path / "2020", **{"header_copy.csv": HEADER + "A9,1,01/02/2010,WBRI,UN1,,\n"}
    )
    error = refusal(folder)
    assert "Header" in error.reason and "one file per table" in error.reason


def test_refused_return_changes_nothing_in_the_store(tmp_path, store):
    ingest(store, [basic(tmp_path / "2020")], la_code="371")
    before = store.con.execute("SELECT load_id, row_count FROM loads").fetchall()
    bad = basic(tmp_path / "2021")
    (bad / "episodes.csv").write_text("CHILD,RNE\nA1,S\n")  # no DECOM: refused
    with pytest.raises(IngestRefused):
        ingest(store, [bad, basic(tmp_path / "2022")], la_code="371")
    assert store.con.execute("SELECT load_id, row_count FROM loads").fetchall() == before
    assert store.read("cla_episodes", "371").num_rows == 2
