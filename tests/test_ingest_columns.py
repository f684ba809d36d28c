"""The columnar 903 CSV reader gives exactly what the row-by-row reader gave.

`read_columns` + `convert_columns` (DuckDB splits the lines and types the cells) against
`read_table` + `convert_rows` (Python's csv module, then one Python call per cell): for every file,
the canonical rows (values and Arrow types) and the data-quality issues (rule, message, raw
value, row, child, severity, in order) must be identical, and an unreadable file must be refused
with the same one-line message. Files: the peer fixtures (D2I's fake 903, cscsynth, liiatools),
a synthetic return written with 5% imperfections (`scorecard synth --imperfections 0.05`), and
hand-written files holding every kind of odd cell, both plain (split in DuckDB) and quoted
(split by the csv module). The 903 XML reader's records, typed column-wise, are compared with the
same records typed cell by cell, on the D2I fake XML and the synthetic imperfect XML returns.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from csc_scorecard.ingest import ssda903
from csc_scorecard.ingest.columns import convert_columns
from csc_scorecard.ingest.fields import convert_rows, load_spec
from csc_scorecard.ingest.formats import ssda903_csv, ssda903_xml
from csc_scorecard.ingest.run import read_all
from csc_scorecard.model.batch import FormatError
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import write_all

PEERS = Path(__file__).resolve().parents[2] / "shared" / "data" / "peer-fixtures"
PEER_FOLDERS = [
    PEERS / "d2i-903-fake",
    PEERS / "cscsynth-903-5k",
    PEERS / "liiatools-samples",
]
SPEC = load_spec("ssda903")


def _read(path: Path, columnar: bool):
    """(table, Converted) by the columnar reader or the row-by-row one; the table's name alone
    for a table not loaded; None for an empty file."""
    read, typed = (
        (ssda903_csv.read_columns, convert_columns)
        if columnar
        else (ssda903_csv.read_table, convert_rows)
    )
    found = read(path)
    if found is None or found[0] in ssda903.NOT_LOADED:
        return found and found[0]
    return found[0], typed(found[1], SPEC.tables[found[0]], file=str(path))


def assert_same(path: Path) -> int:
    """Both readers on one file: same table, rows, issues, or the same refusal. Returns the
    number of issues, so a caller can check the file did exercise the bad-value paths."""
    try:
        old = _read(path, columnar=False)
    except FormatError as err:
        with pytest.raises(FormatError) as new:
            _read(path, columnar=True)
        assert str(new.value) == str(err)
        return 0
    new = _read(path, columnar=True)
    if not isinstance(old, tuple):
        assert new == old
        return 0
    assert new[0] == old[0]
    a, b = old[1], new[1]
    assert b.rows.schema == a.rows.schema, path
    assert b.rows.to_pylist() == a.rows.to_pylist(), path
    assert b.issues == a.issues, path
    return len(a.issues)


def _csvs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.csv") if ssda903_csv.ADAPTER.sniff(p))


@pytest.mark.parametrize(
    "path",
    [p for f in PEER_FOLDERS for p in _csvs(f)],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_peer_fixture_files_read_the_same(path):
    assert_same(path)


@pytest.fixture(scope="module")
def imperfect(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth-imperfect")
    write_all(
        generate(SynthConfig(size=0.2, first_year=2021, last_year=2023, imperfections=0.05)), out
    )
    return out / "ssda903"


def test_synthetic_imperfect_returns_read_the_same(imperfect):
    files = _csvs(imperfect)
    assert len(files) >= 30  # three years of a dozen tables
    issues = sum(assert_same(p) for p in files)
    assert issues > 50  # the imperfections did produce bad values


HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
# Every kind of cell the value engine tells apart, one a line (the line's comment says which).
ODD_HEADER_ROWS = [
    "A1,1,01/02/2010,WBRI,UPN1,,",  # ordinary, old 1/2 sex code mapped to M
    "A2,m, 2010-02-01 ,wbri,UPN2,1,03/03/1990",  # lower-case codes, padded ISO date
    "A3,F,1/2/2010,WBRI,n/a,0,",  # blank mandatory UPN written n/a; one-digit day and month
    "A4,F,31/02/2010,WBRI,UPN4,yes,",  # not a real date
    "A5,F,40000,WBRI,UPN5,TRUE,",  # Excel serial
    "A6,F,01/02/2010 10:30,WBRI,UPN6,maybe,",  # a date with a time of day; not a yes/no
    "A7,X,01/02/3010,ZZZZ,UPN7,,",  # unknown codes; a future date of birth
    "A8,F,01/02/1850,WBRI,UPN8,,",  # implausible year
    ",F,01/02/2010,WBRI,UPN9,,",  # blank child
    "A10,F,01/02/2010,WBRI,UP\x1b[31mN10,,",  # an escape sequence in a cell
    "A11,F,01/02/2010,WBRI,Zoë,,",  # non-ASCII text
    "A12,F,NULL,WBRI,UPN12,,",  # a blank mandatory date
    "A13,F,01/02/2010",  # a short row: the last four cells are missing, not empty
    "A14,F,01/02/2010,WBRI,UPN14,,,,",  # trailing empty cells past the header
    "A1,1,01/02/2010,WBRI,UPN1,,",  # a duplicate of the first child
    "A15,F,01-02-2010,WBRI,UPN15,N,01.02.1995",  # other separators
    "A16,F,2010-2-30,WBRI,UPN16,,",  # ISO, not a real date
    "A17,F,0,WBRI,UPN17,,",  # 0 is no Excel date
    "A18,F,01/02/2010,WBRI,\tUPN18\t,,",  # tabs around a value
    "A19,F,2010-02-01 00:00:00,WBRI,UPN19,,",  # a workbook's date and time: the time ignored
    "A20,F,2010-02-01T10:30:00.5Z,WBRI,UPN20,,2010-02-01 10:30+01:00",  # ISO times, zones
    "A21,F,2010-02-01 noon,WBRI,UPN21,,01/02/2010T10:30",  # not a time; T only after ISO
    "A22,F,2010-02-30 00:00:00,WBRI,UPN22,,1/2/1850 00:00",  # no such day; implausible year
]
OC2 = "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED"
ODD_OC2_ROWS = [
    "A1,01/02/2010,12,,1,0,1,0,1,0,1,0",
    "A2,01/02/2010,NaN,SDQ1,y,n,Y,N,t,f,1.0,0.0",  # NaN in a number is a bad value
    "A3,01/02/2010,41,sdq9,,,,,,,,",  # out of range; unknown reason
    "A4,01/02/2010,12.0,,,,,,,,,",  # a whole number written with .0
    "A5,01/02/2010,-3,,,,,,,,,",  # negative
    "A6,01/02/2010,007,,,,,,,,,",  # leading zeros
    "A7,01/02/2010,n/a,,,,,,,,,",  # a blank number
    "A8,01/02/2010,1e1,,,,,,,,,",  # exponent
    "A9,01/02/2010,99999999999,,,,,,,,,",  # past the 32-bit range and the plausible one
]


def _write(path: Path, header: str, rows: list[str], *, quoted: bool, crlf: bool) -> Path:
    end = "\r\n" if crlf else "\n"
    lines = ["", "  ,  ", header, *rows[:3], ",,,", *rows[3:], ""]  # blank rows tolerated
    if quoted:  # one quoted cell makes the file go through the csv module
        lines[3] = '"' + lines[3].split(",")[0] + '",' + ",".join(lines[3].split(",")[1:])
    path.write_text("\ufeff" + end.join(lines), encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_every_kind_of_odd_cell_reads_the_same(tmp_path, quoted, crlf, monkeypatch):
    header = _write(tmp_path / "header.csv", HEADER, ODD_HEADER_ROWS, quoted=quoted, crlf=crlf)
    oc2 = _write(tmp_path / "oc2.csv", OC2, ODD_OC2_ROWS, quoted=quoted, crlf=crlf)
    row_by_row = []
    monkeypatch.setattr(
        ssda903_csv,
        "_read_rows",
        lambda path, text, real=ssda903_csv._read_rows: row_by_row.append(path) or real(path, text),
    )
    assert assert_same(header) >= 15 and assert_same(oc2) >= 5
    # plain files are split in DuckDB; the old reader's calls go through _read_rows too
    assert row_by_row.count(header) == (2 if quoted else 1)


def test_the_odd_cells_come_out_as_the_value_engine_decides(tmp_path):
    """Spot checks, worked by hand, that the columnar path is not merely consistent."""
    path = _write(tmp_path / "header.csv", HEADER, ODD_HEADER_ROWS, quoted=False, crlf=False)
    name, cells, _ = ssda903_csv.read_columns(path)
    out = convert_columns(cells, SPEC.tables[name], file=str(path))
    # lines: 1 and 2 blank, 3 the header, 4-6 the first three rows, 7 blank (",,,"), then 8 on
    rows = {r["source_row"]: r for r in out.rows.to_pylist()}
    assert rows[4]["sex"] == "M" and rows[5]["sex"] == "M" and rows[5]["ethnicity"] == "WBRI"
    assert str(rows[5]["date_of_birth"]) == "2010-02-01" and rows[5]["mother"] is True
    assert str(rows[9]["date_of_birth"]) == "2009-07-06"  # Excel day 40000 (1899-12-30 + 40000)
    assert rows[23]["upn"] == "UPN18" and rows[17]["upn"] is None
    issues = {(i.row, i.field): (i.rule, i.value, i.child_id) for i in out.issues}
    assert issues[(6, "UPN")] == ("missing_value", "n/a", "A3")
    assert str(rows[10]["date_of_birth"]) == "2010-02-01"  # the time of day is ignored
    assert issues[(10, "MOTHER")] == ("invalid_boolean", "maybe", "A6")
    assert issues[(11, "SEX")] == ("unknown_code", "X", "A7")
    assert issues[(11, "DOB")] == ("implausible_date", "01/02/3010", "A7")
    assert issues[(13, "CHILD")] == ("missing_value", "", None)
    assert issues[(16, "DOB")] == ("missing_value", "NULL", "A12")
    assert issues[(17, "UPN")] == ("missing_value", None, "A13")  # a cell the row lacks
    assert (18, "UPN") not in issues  # cells past the header are ignored
    assert issues[(4, "child_id")] == issues[(19, "child_id")] == ("duplicate_key", "A1", "A1")
    assert str(rows[24]["date_of_birth"]) == str(rows[25]["date_of_birth"]) == "2010-02-01"
    assert not {(24, "DOB"), (25, "DOB"), (25, "MC_DOB")} & set(issues)
    assert issues[(26, "MC_DOB")][:2] == ("invalid_date", "01/02/2010T10:30")
    assert issues[(27, "MC_DOB")][0] == "implausible_date"
    assert issues[(26, "DOB")][:2] == ("invalid_date", "2010-02-01 noon")
    assert issues[(27, "DOB")][0] == "invalid_date"


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        (HEADER + "\n\nA1,1,01/02/2010,WBRI,UN1,,\nA2,2,01/02/2010,WBRI,UN1,,,x\n", 4, "8 values"),
        (HEADER + "\nA1,1,01/02/2010,WBRI,UN1,,,  ,\n", None, None),  # blank extras are fine
        ("CHILD,DOB,DOB,ETHNIC,UPN,SEX\n", 1, "more than once"),
        ("\n\nCHILD,SEX,DOB,ETHNIC,UPN,REVIEW\n", 3, "Header and Reviews"),
        ("CHILD,SEX,DOB,ETHNIC\nA1,1,01/02/2010,WBRI\n", 1, "lacks mandatory column(s) UPN"),
        ("CHILD,NOTHING\n", 1, "not those of any SSDA903 table"),
    ],
)
@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_unreadable_files_are_refused_the_same_way(tmp_path, content, line, words, quoted):
    if quoted:
        content = content.replace("A1,", '"A1",')
    path = tmp_path / "header.csv"
    path.write_text(content, encoding="utf-8", newline="")
    assert_same(path)
    if words is None:
        return
    with pytest.raises(FormatError) as err:
        ssda903_csv.read_columns(path)
    assert err.value.line == line and words in err.value.reason
    assert Path(err.value.file) == path and "\n" not in str(err.value)


def test_a_return_reads_the_same_through_the_adapter(imperfect):
    """Whole batches: the adapter (columnar) against the same return converted row by row."""
    folder = imperfect / "2023"
    (batch,) = read_all([folder], la_code="371")
    raw = ssda903.RawReturn(where=folder, files=[str(p) for p in sorted(folder.glob("*.csv"))])
    for path in sorted(folder.glob("*.csv")):
        name, records, _ = ssda903_csv.read_table(path)
        raw.records[name] = records
        raw.table_files[name] = str(path)
    raw.name_year, raw.name_source = 2023, "2023"
    old = ssda903.build_batch(raw, la_code="371", year=None)
    assert (batch.period_start, batch.period_end) == (old.period_start, old.period_end)
    assert batch.tables.keys() == old.tables.keys()
    for name, rows in old.tables.items():
        assert batch.tables[name].equals(rows), name
    assert batch.issues == old.issues
    assert isinstance(batch.tables["cla_episodes"], pa.Table) and batch.issues


@pytest.mark.parametrize(
    "xml",
    [PEERS / "d2i-903-fake" / "fake_903.xml", "synth:2022", "synth:2023", "synth:2024"],
    ids=lambda x: Path(str(x)).name,
)
def test_xml_returns_read_the_same(xml, imperfect, monkeypatch):
    """The 903 XML reader's records typed column-wise against the same records typed cell by
    cell (`convert_rows`, what `build_batch` did with row-wise records): whole batches equal."""
    path = imperfect.parent / "ssda903_xml" / f"{xml[6:]}.xml" if isinstance(xml, str) else xml
    year = 2018 if path.name == "fake_903.xml" else None  # its dates place it in 2017-18

    def batch():
        return ssda903.build_batch(ssda903_xml.read_return(path), la_code="371", year=year)

    new = batch()
    monkeypatch.setattr(ssda903_xml, "cells_of", lambda records: records)  # rows, as before
    monkeypatch.setattr(ssda903, "convert", convert_rows)  # typed cell by cell
    old = batch()
    assert (new.period_start, new.period_end) == (old.period_start, old.period_end)
    assert new.tables.keys() == old.tables.keys()
    for name, rows in old.tables.items():
        assert new.tables[name].schema == rows.schema, name
        assert new.tables[name].to_pylist() == rows.to_pylist(), name
    assert new.issues == old.issues
    assert sum(t.num_rows for t in new.tables.values()) > 100


@pytest.mark.parametrize("folder", ["cin_census", "templates", "csww", "annex_a"])
def test_other_readers_give_the_same_batches_typed_by_column(folder, imperfect, monkeypatch):
    """`fields.convert` types records of text cells column-wise (`convert_columns`); with that
    turned off (every record typed by `convert_rows`) the CIN census, template, CSWW and Annex A
    readers give the same batches from the synthetic imperfect returns: rows and issues."""
    from csc_scorecard.ingest import fields

    typed: list[int] = []
    real = fields.convert_rows
    monkeypatch.setattr(fields, "convert_rows", lambda *a, **k: typed.append(1) or real(*a, **k))
    new = read_all([imperfect.parent / folder], la_code="371")
    by_rows = len(typed)
    monkeypatch.setattr(fields, "COLUMNAR_FROM_ROWS", 10**9)
    old = read_all([imperfect.parent / folder], la_code="371")
    if folder in ("cin_census", "templates"):
        assert len(typed) - by_rows > by_rows  # most of their tables were typed by column
    assert len(new) == len(old) and sum(len(b.tables) for b in old) > 0
    for a, b in zip(old, new, strict=True):
        assert b.tables.keys() == a.tables.keys()
        for name, rows in a.tables.items():
            assert b.tables[name].schema == rows.schema, name
            assert b.tables[name].to_pylist() == rows.to_pylist(), name
        assert b.issues == a.issues
