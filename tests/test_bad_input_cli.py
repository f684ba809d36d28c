"""Bad input and odd use of the command line (issue 13's rules): a mistyped team or worker, an
output path that cannot be written. Each is refused in one line naming what is wrong, never a
Python traceback nor an empty result that reads as a real one.

The store: one open assessment on 30 June 2022, allocated to W1 of team T1 "Alpha"
(tests/lists_fixtures.py).
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from lists_fixtures import allocations, load_all
from measure_fixtures import LA
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.store import Store

RUN = CliRunner()


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = tmp_path_factory.mktemp("bad_input") / "store.duckdb"
    with Store(p) as s:
        load_all(
            s,
            {
                "assessments": canonical(
                    "assessments",
                    child_id=["C1"],
                    referral_date=[d(2022, 6, 1)],
                    start_date=[d(2022, 6, 1)],
                ),
                **allocations([("C1", "W1", d(2022, 6, 1), None)]),
            },
        )
    return p


def cli(*args):
    return RUN.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def lists(path, *args):
    return cli("lists", "open-assessments", "--date", "2022-06-30", "--store", path, *args)


def test_a_list_for_a_team_or_worker_the_store_lacks_is_refused_naming_those_it_holds(path):
    r = lists(path, "--team", "Alfa")
    assert r.exit_code == 2, r.output
    assert f"--team 'Alfa': the store holds no such team for LA {LA} (it holds T1, T2)" in r.output
    r = lists(path, "--worker", "W9")
    assert r.exit_code == 2, r.output
    assert f"--worker 'W9': the store holds no such worker for LA {LA} (it holds W1, W2, W3)" in (
        r.output
    )


def test_a_list_for_a_team_by_id_or_name_or_a_worker_it_holds_is_listed(path):
    for option in (["--team", "T1"], ["--team", "Alpha"], ["--worker", "W1"]):
        r = lists(path, *option)
        assert r.exit_code == 0, r.output
        assert ": 1 row" in r.output
    r = lists(path, "--team", "Beta")  # held, with nothing open: an empty list is the truth
    assert r.exit_code == 0 and ": 0 rows" in r.output


def test_a_drill_down_for_a_team_or_worker_the_store_lacks_is_refused(path):
    measure = "assessments_within_45_working_days"
    r = cli("drill", measure, "--period", "2022-Q1", "--store", path, "--team", "T9")
    assert r.exit_code == 2, r.output
    assert f"--team 'T9': the store holds no such team for LA {LA}" in r.output
    r = cli("drill", measure, "--period", "2022-Q1", "--store", path, "--worker", "W9")
    assert r.exit_code == 2, r.output
    assert f"--worker 'W9': the store holds no such worker for LA {LA}" in r.output


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_measures_out_to_a_folder_or_a_missing_folder_is_one_line_naming_it(path, tmp_path, fmt):
    for out, text in (
        (tmp_path, "is a folder, not a file"),
        (tmp_path / "absent" / f"m.{fmt}", "no such file or folder"),
    ):
        r = cli("measures", "--period", "2022-Q1", "--store", path, "--format", fmt, "--out", out)
        assert r.exit_code == 2, r.output
        assert r.output.strip() == f"Error: {out}: {text}"


# -- the framework, paper and narrative files: one line naming the file and line -------------


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            b"name: x\ngroups: [a\nunit: percent\n",
            3,
            (
                "not YAML (while parsing a flow sequence): expected ',' or ']', but got ':' "
                "(what it was reading begins on line 2)"
            ),
        ),
        (b"name: x\n\xffgroups:\n", 2, "not UTF-8 text (byte 0xFF): save it as UTF-8"),
    ],
)
def test_a_framework_that_is_not_yaml_or_not_utf8_is_one_line_naming_the_line(
    path, tmp_path, text, line, reason
):
    framework = tmp_path / "framework.yaml"
    framework.write_bytes(text)
    r = cli("measures", "--period", "2022-Q1", "--store", path, "--framework", framework)
    assert r.exit_code == 2, r.output
    assert r.output.strip() == f"error: {framework}, line {line}: cannot read framework: {reason}"


def test_a_paper_or_narrative_file_not_utf8_is_refused_naming_the_line(tmp_path):
    from csc_scorecard.report.paper import PaperError, read_narrative, read_paper

    paper, narrative = tmp_path / "paper.yaml", tmp_path / "narrative.md"
    paper.write_bytes(b"committee: x\n\x96\n")  # Windows-1252's en dash
    narrative.write_bytes(b"# Background\n\nOur \x93figures\x94.\n")
    with pytest.raises(PaperError) as err:
        read_paper(paper)
    assert str(err.value) == f"{paper}, line 2: not UTF-8 text (byte 0x96): save it as UTF-8"
    with pytest.raises(PaperError) as err:
        read_narrative(narrative, [])
    assert str(err.value) == f"{narrative}, line 3: not UTF-8 text (byte 0x93): save it as UTF-8"
    paper.write_text("committee: [x\nwards: y\n")
    with pytest.raises(PaperError, match=r"paper.yaml, line 2: not YAML \(while parsing a flow"):
        read_paper(paper)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b"spans: [16,\n", "line 2: not YAML (while parsing a flow node)"),
        (b"spans:\n  \x96\n", "line 2: not UTF-8 text (byte 0x96): save it as UTF-8"),
        (b"- 16\n", "expected a mapping of workforce settings"),
        (b"spans:\n  standard_cases: many\n", "spans.standard_cases: Input should be a valid"),
    ],
)
def test_caseload_settings_that_cannot_be_read_are_one_line_naming_the_file(
    path, tmp_path, text, reason
):
    settings = tmp_path / "settings.yaml"
    settings.write_bytes(text)
    r = cli("caseloads", "--date", "2022-06-30", "--store", path, "--settings", settings)
    assert r.exit_code == 2, r.output
    message = " ".join(r.output.replace("│", " ").split())
    assert f"Invalid value for --settings: {settings}" in message
    assert reason in message


@pytest.mark.parametrize(
    "command", [["synth", "--like", "372"], ["demo"], ["report", "--period", "2022-Q1", "--store"]]
)
@pytest.mark.parametrize("under", [False, True])
def test_an_out_folder_that_is_a_file_or_under_one_is_refused_before_any_work(
    path, tmp_path, command, under
):
    file = tmp_path / "extracts"
    file.write_text("kept")
    store = [path] if command[-1] == "--store" else []
    r = cli(*command, *store, "--out", file / "sub" if under else file)
    assert r.exit_code == 2, r.output
    assert f"Invalid value for --out: {file} exists and is not a folder" in " ".join(
        r.output.replace("│", " ").split()
    )
    assert file.read_text() == "kept"


# -- an SSD object that only completes another, given without it: refused, not 0 rows ---------


def test_an_ssd_placement_file_without_the_episodes_is_refused_not_loaded_as_nothing(tmp_path):
    folder = tmp_path / "ssd"
    folder.mkdir()
    (folder / "ssd_cla_placement.csv").write_text(
        "clap_cla_placement_id,clap_cla_placement_start_date,clap_cla_id\nP1,2022-01-05,E1\n"
    )
    store = tmp_path / "store.duckdb"
    r = cli("ingest", folder, "--la", LA, "--store", store)
    assert r.exit_code == 2, r.output
    assert (
        "ssd_cla_placement.csv: SSD object ssd_cla_placement completes ssd_cla_episodes, which "
        "is absent: its rows would load nowhere; give ssd_cla_episodes alongside it"
    ) in " ".join(r.output.split())
    assert not store.exists()


# -- damaged files: one line naming the file, line and field ------------------------------------


def test_a_903_csv_with_a_nul_byte_in_a_cell_names_its_line_and_field(tmp_path):
    folder = tmp_path / "2022"
    folder.mkdir()
    header = b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    (folder / "episodes.csv").write_bytes(
        header
        + b"PL_POST,URN\n1,01/05/2021,S,C2,N1,U1,PR1,,,,,,\n2,01/06/2021,S,C2,N\x002,U1,PR1,,,,,,\n"
    )
    r = cli("ingest", folder, "--la", LA, "--store", tmp_path / "store.duckdb")
    assert r.exit_code == 2, r.output
    assert (
        "episodes.csv, line 3, field 'CIN': holds a NUL byte (0x00), which no text holds: "
        "re-export the return"
    ) in r.output


def test_a_truncated_annex_a_workbook_is_one_line(tmp_path):
    import xlsxwriter

    whole = tmp_path / "whole.xlsx"
    book = xlsxwriter.Workbook(str(whole))
    book.add_worksheet("List 1").write_row(0, 0, ["Child Unique ID", "Gender"])
    book.close()
    cut = tmp_path / "annex_a.xlsx"
    cut.write_bytes(whole.read_bytes()[:400])
    r = cli("ingest", cut, "--la", LA, "--store", tmp_path / "store.duckdb")
    assert r.exit_code == 2, r.output
    lines = [line for line in r.output.splitlines() if "annex_a.xlsx" in line]
    assert lines == [
        (
            f"  {cut}: cannot be opened as an Excel workbook; is it complete? (Xlsx error: Zip "
            "error: invalid Zip archive: Could not find EOCD)"
        )
    ]


def test_an_xlsx_out_that_is_a_folder_is_one_line_not_xlsxwriter_s_traceback(path, tmp_path):
    r = cli("lists", "open-assessments", "--date", "2022-06-30", "--store", path, "--format",
            "xlsx", "--out", tmp_path)  # fmt: skip
    assert r.exit_code == 2, r.output
    assert r.output.splitlines()[-1] == f"Error: {tmp_path}: is a folder, not a file"


def test_an_error_wrapping_no_os_error_keeps_its_traceback():
    from csc_scorecard.cli import one_line

    assert one_line(ValueError("a bug")) is None
    assert one_line(RuntimeError(IsADirectoryError(21, "Is a directory", "x"))) == (
        "x: is a folder, not a file"
    )


def test_a_template_workbook_that_is_csv_text_is_one_line(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    book = folder / "budget_lines.xlsx"
    book.write_text("line,budget\nplacements,100\n")
    r = cli("ingest", folder, "--la", LA, "--store", tmp_path / "store.duckdb")
    assert r.exit_code == 2, r.output
    assert r.output.splitlines()[1:] == [
        (
            f"  {book}: cannot be read as an Excel workbook (Xlsx error: Zip error: invalid Zip "
            "archive: Could not find EOCD)"
        )
    ]
