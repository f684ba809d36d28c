"""SSDA903 rules checking episodes' Ofsted URNs against Ofsted's provider list (219, 221, 224,
227, 228, 229, 1008: `quality/rules/ssda903/ofsted.py`), and the list's reader
(`quality/providers.py`, `scorecard validate --providers`).

Collection year 2023-24 (1 April 2023 to 31 March 2024), authority 371 (Doncaster). The list
(invented URNs):

    URN       authority  placement codes  provider codes  closed      postcode
    SC900001  Doncaster  K2               PR1/PR3         -           DN1 1AA
    SC900002  Leeds      K2/R3            PR4             30/09/2023  LS1 1AA

The episodes, one child each, all with URN (rows numbered from 1):

    row  child  URN       PLACE  PROVIDER  LS  DECOM       DEC         PL_POST
    1    A      SC900001  K2     PR1       C2  01/05/2023  -           dn1 1aa
    2    B      SC900002  R3     PR2       C2  01/05/2023  01/10/2023  LS1 1AB
    3    C      SC900002  K2     PR4       C2  15/10/2023  -           -
    4    D      SC900003  U1     PR1       C2  01/05/2023  -           -
    5    E      XXXXXXX   K2     PR1       C2  01/05/2023  -           -
    6    F      SC900001  K2     PR2       V3  01/05/2023  -           ZZ1 1ZZ

Worked by hand:
- 1008 (URN not on the list): D (SC900003) -> row 4. E's XXXXXXX is "no URN".
- 219 (PLACE not among the URN's placement codes): A K2 in [K2], B R3 in [K2, R3], C K2 in
  [K2, R3], F K2 in [K2]; D's URN has no codes -> row 4.
- 224 (PLACE_PROVIDER not among the URN's provider codes): B PR2 not in [PR4], D no codes,
  F PR2 not in [PR1, PR3] -> rows 2, 4, 6.
- 221 (PL_POST not the URN's postcode, for K1, K2, K3, R3, S1 and not a short break): A's
  "dn1 1aa" is DN11AA = DN11AA; B's LS11AB is not LS11AA -> row 2; C and D have no PL_POST,
  D is U1; F is a short break (V3).
- 227 (DECOM on or after the provider closed): only SC900002 closed (30/09/2023): B started
  01/05/2023, before; C started 15/10/2023, after -> row 3.
- 228 (DEC after the provider closed; open: 31 March after it): B ended 01/10/2023, after
  30/09/2023; C is open and 31/03/2024 is after -> rows 2, 3.
- 229 (PR1 where the provider is not in the authority, PR2 where it is): A PR1 at a Doncaster
  provider is right; D PR1 at a URN not on the list (no authority) -> row 4; B PR2 at a Leeds
  provider is right; F PR2 at a Doncaster provider -> row 6.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from test_quality_rules_903 import E, ep

from csc_scorecard.model.batch import FormatError
from csc_scorecard.quality.fixtures import run_on
from csc_scorecard.quality.providers import read_providers
from csc_scorecard.quality.rules import get
from csc_scorecard.quality.rules.ssda903 import ofsted

CODES = ["1008", "219", "221", "224", "227", "228", "229"]
EXPECTED = {
    "1008": [4],
    "219": [4],
    "221": [2],
    "224": [2, 4, 6],
    "227": [3],
    "228": [2, 3],
    "229": [4, 6],
}
LIST_CSV = """URN,Local authority,Placement code,Placement provider code,Deregistration date,Setting postcode
SC900001,Doncaster,K2,PR1/PR3,,DN1 1AA
SC900002,Leeds,K2/R3,PR4,30/09/2023,LS1 1AA
"""


def episodes() -> list[dict]:
    rows = [
        ("A", "SC900001", "K2", "PR1", "C2", "2023-05-01", None, "dn1 1aa"),
        ("B", "SC900002", "R3", "PR2", "C2", "2023-05-01", "2023-10-01", "LS1 1AB"),
        ("C", "SC900002", "K2", "PR4", "C2", "2023-10-15", None, None),
        ("D", "SC900003", "U1", "PR1", "C2", "2023-05-01", None, None),
        ("E", "XXXXXXX", "K2", "PR1", "C2", "2023-05-01", None, None),
        ("F", "SC900001", "K2", "PR2", "V3", "2023-05-01", None, "ZZ1 1ZZ"),
    ]
    return [
        ep(c, decom, dec, place=place, provider=provider, ls=ls) | {"urn": urn, "pl_post": post}
        for c, urn, place, provider, ls, decom, dec, post in rows
    ]


@pytest.fixture
def providers(tmp_path: Path):
    path = tmp_path / "providers.csv"
    path.write_text(LIST_CSV, encoding="utf-8")
    return read_providers([path])


def test_the_list_is_read_with_codes_split_postcodes_squeezed_and_authorities_numbered(
    providers,
):
    assert providers.to_pylist() == [
        {
            "urn": "SC900001", "la_name": "Doncaster", "la_code": "371", "place_codes": ["K2"],
            "provider_codes": ["PR1", "PR3"], "closed_date": None, "postcode": "DN11AA",
            "file": "providers.csv", "sheet": None, "row": 2,
        },
        {
            "urn": "SC900002", "la_name": "Leeds", "la_code": "383",
            "place_codes": ["K2", "R3"], "provider_codes": ["PR4"],
            "closed_date": date(2023, 9, 30), "postcode": "LS11AA", "file": "providers.csv",
            "sheet": None, "row": 3,
        },
    ]  # fmt: skip


@pytest.mark.parametrize("code", CODES)
def test_each_rule_flags_the_rows_worked_out_by_hand(code, providers):
    faults = run_on({E: episodes()}, [code], inputs={"providers": providers}).faults
    assert faults.column("row").to_pylist() == EXPECTED[code]
    assert set(faults.column("table").to_pylist()) <= {"Episodes"}


def test_the_rules_read_the_list_and_are_listed_once_as_not_run_without_it():
    assert all(get("ssda903", c).needs == ("episodes", "providers") for c in CODES)
    result = run_on({E: episodes()}, CODES)
    assert result.faults.num_rows == 0
    assert [(n.reason, sorted(n.codes)) for n in result.not_run] == [
        ("no Ofsted provider list (validate --providers) rows", sorted(CODES))
    ]


def test_229_leaves_out_supported_accommodation_and_parents_from_2025_26(providers):
    """D's PR1 U1 episode at an unknown URN is flagged every year; as K3 (supported
    accommodation) it is from 2025-26 not, and in 2024-25 it still is."""
    rows = episodes()[3:4]
    k3 = [rows[0] | {"place": "K3", "decom": date(2024, 5, 1)}]
    assert run_on({E: k3}, ["229"], year=2025, inputs={"providers": providers}).faults.num_rows
    k3 = [rows[0] | {"place": "K3", "decom": date(2025, 5, 1)}]
    assert not run_on({E: k3}, ["229"], year=2026, inputs={"providers": providers}).faults.num_rows


def test_221_compares_k3_from_2024_25_and_h5_in_2023_24(providers):
    """B's wrong postcode at SC900002 as H5 is flagged in 2023-24 only, as K3 from 2024-25."""
    b = episodes()[1]
    h5 = [b | {"place": "H5"}]
    assert run_on({E: h5}, ["221"], year=2024, inputs={"providers": providers}).faults.num_rows
    assert ofsted.POSTCODE_PLACES == "('K1', 'K2', 'R3', 'S1')"
    k3 = [b | {"place": "K3", "decom": date(2024, 5, 1), "dec": None}]
    assert run_on({E: k3}, ["221"], year=2025, inputs={"providers": providers}).faults.num_rows
    h5 = [b | {"place": "H5", "decom": date(2024, 5, 1), "dec": None}]
    assert not run_on({E: h5}, ["221"], year=2025, inputs={"providers": providers}).faults.num_rows


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, book.add_format({"num_format": "dd/mm/yyyy"}))
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def test_a_combined_workbook_with_a_supported_accommodation_sheet(tmp_path):
    """The combined list's two sheets: the SA sheet has no placement or provider codes, so its
    providers are K3 run by PR4; a numeric URN cell reads as its digits; a date cell as a
    date; a notes sheet without a URN column is left out."""
    path = _workbook(
        tmp_path / "providers.xlsx",
        {
            "Notes": [["About this list"], ["Invented providers"]],
            "Providers": [
                ["Provider type", "URN", "Local authority", "Placement code",
                 "Placement provider code", "Deregistration date", "Setting address postcode"],
                ["Children's Home", 1900001, "Bristol, City of", "K2", "PR4", None, "bs1 1aa"],
                ["Children's Home", None, "Leeds", "K2", "PR4", None, "LS1 1AA"],
            ],
            "SA providers": [
                ["URN", "Provider local authority", "Closed date", "Setting address postcode"],
                ["2900001", "St. Helens", date(2024, 1, 31), "WA10 1AA"],
            ],
        },
    )  # fmt: skip
    rows = read_providers([path]).to_pylist()
    assert [
        (r["urn"], r["la_code"], r["place_codes"], r["provider_codes"], r["closed_date"],
         r["postcode"], r["sheet"], r["row"])
        for r in rows
    ] == [
        ("1900001", "801", ["K2"], ["PR4"], None, "BS11AA", "Providers", 2),
        ("2900001", "342", ["K3"], ["PR4"], date(2024, 1, 31), "WA101AA", "SA providers", 2),
    ]  # fmt: skip


def test_an_unreadable_list_is_refused_with_its_file_row_and_field(tmp_path):
    path = tmp_path / "providers.csv"
    path.write_text(LIST_CSV.replace("30/09/2023", "31/09/2023"), encoding="utf-8")
    with pytest.raises(FormatError) as refused:
        read_providers([path])
    assert str(refused.value) == (
        f"{path}, line 3, field 'deregistration date': '31/09/2023' is not a real calendar date"
    )
    path.write_text("URN,Local authority\nSC1,Leeds\n", encoding="utf-8")
    with pytest.raises(FormatError, match="no 'placement code' or 'provider code' column"):
        read_providers([path])
    path.write_text("Name,Town\nA,B\n", encoding="utf-8")
    with pytest.raises(FormatError, match="not an Ofsted provider list: no URN column"):
        read_providers([path])


def test_validate_takes_the_list_and_names_an_unreadable_one_on_one_line(tmp_path):
    """`scorecard validate --providers`: D's unknown URN (SC900003) is 1008 at line 5 of the
    episodes file (the header is line 1); without the list the seven rules are not run, once;
    a list with an impossible closing date is named with its line and field, and the rules do
    not run."""
    from typer.testing import CliRunner

    from csc_scorecard.cli import app

    episodes_csv = tmp_path / "episodes.csv"
    episodes_csv.write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        "PL_POST,URN\n"
        + "".join(
            f"{c},01/05/2023,S,C2,N1,{p},{pr},,,,,,{u}\n"
            for c, p, pr, u in [
                ("A", "K2", "PR1", "SC900001"),
                ("B", "R3", "PR4", "SC900002"),
                ("C", "K2", "PR4", "SC900002"),
                ("D", "U1", "PR1", "SC900003"),
            ]
        ),
        encoding="utf-8",
    )
    good = tmp_path / "providers.csv"
    good.write_text(LIST_CSV, encoding="utf-8")
    args = ["validate", str(episodes_csv), "--la", "371", "--year", "2024", "--format", "csv"]
    runner = CliRunner()
    given = runner.invoke(app, [*args, "--providers", str(good)])
    assert given.exit_code == 0, given.output
    lines = given.output.splitlines()
    assert (
        "1008,ssda903,Episodes,5,D,URN,SC900003,Ofsted Unique Reference Number (URN) is not valid."
        in lines
    )
    assert not [line for line in lines if "not run" in line and "providers" in line]
    without = runner.invoke(app, args)
    assert without.output.count("Ofsted provider list (validate --providers)") == 1
    assert not [line for line in without.output.splitlines() if line.startswith("1008,")]
    broken = tmp_path / "broken.csv"
    broken.write_text(LIST_CSV.replace("30/09/2023", "31/09/2023"), encoding="utf-8")
    refused = runner.invoke(app, [*args, "--providers", str(broken)])
    assert f"provider list: {broken}, line 3, field 'deregistration date'" in refused.output
    assert "Traceback" not in refused.output
    assert not [line for line in refused.output.splitlines() if line.startswith("1008,")]


CASES = EXPECTED  # the hand-worked cases by rule, as test_every_903_rule_has_a_case reads them
