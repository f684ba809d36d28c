"""The DfE-rules oracle detects known errors in other projects' fake statutory files.

The peer fixtures (`shared/data/peer-fixtures/`, README there) are data-to-insight's own fake 903
and CIN files, random by design: DfE rules 222, 193, 148 and 1012 fire thousands of times on the
903 CSVs. Where a rule is simple, the count is recounted here from the raw file with the standard
library, so a pass means the harness reads the package's verdicts correctly, not just that it ran.
"""

from __future__ import annotations

import csv
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

try:  # tests/ is not a package: pytest puts it on sys.path (rootdir-relative "prepend" import)
    from oracle import (
        OracleInputError,
        cin_ruleset,
        lac_ruleset,
        oracle_available,
        report_903,
        report_cin,
        validate_903,
        validate_cin,
    )
except ImportError:  # tests/ made a package later
    from tests.oracle import (
        OracleInputError,
        cin_ruleset,
        lac_ruleset,
        oracle_available,
        report_903,
        report_cin,
        validate_903,
        validate_cin,
    )

REPO = Path(__file__).resolve().parents[1]


def _peer_dir() -> Path:
    # CI lays shared/ beside the clone; a developer machine has it at /work/shared.
    for shared in (os.environ.get("CSC_SHARED_DIR"), REPO.parent / "shared", "/work/shared"):
        if shared and (Path(shared) / "data" / "peer-fixtures").is_dir():
            return Path(shared) / "data" / "peer-fixtures"
    pytest.skip("shared/data/peer-fixtures not found")


# ---------------------------------------------------------------------------------------------
# collection years (no venv needed)


@pytest.mark.parametrize(
    ("year", "lac", "cin"),
    [
        ("2023/24", "lac2023_24", "cin2023_24"),
        ("2023_24", "lac2023_24", "cin2023_24"),
        ("2023-2024", "lac2023_24", "cin2023_24"),
        ("2024", "lac2023_24", "cin2023_24"),  # one year = the year the collection ends
        ("2026/27", "lac2026_27", "cin2026_27"),
    ],
)
def test_collection_year_names_the_ruleset(year, lac, cin):
    assert lac_ruleset(year) == lac
    assert cin_ruleset(year) == cin


@pytest.mark.parametrize("year", ["2023/25", "23/24", "cin2023_24", "", "2023_24_25"])
def test_collection_year_rejects_nonsense(year):
    with pytest.raises(OracleInputError):
        lac_ruleset(year)


# ---------------------------------------------------------------------------------------------
# SSDA903


@pytest.fixture(scope="module")
def d2i_903() -> Path:
    if not oracle_available("903"):
        pytest.skip("903 oracle venv cannot be built here (scripts/oracle-env.sh 903)")
    return _peer_dir() / "d2i-903-fake"


@pytest.fixture(scope="module")
def csv_tables(d2i_903: Path) -> list[Path]:
    # placed_for_adoption_errors.csv is a second PlacedAdoption table; the package keeps one.
    return sorted(p for p in d2i_903.glob("*.csv") if p.name != "placed_for_adoption_errors.csv")


@pytest.fixture(scope="module")
def csv_report(csv_tables: list[Path]) -> dict:
    return report_903(csv_tables, "2023/24")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [
            {k: (v or "").strip().upper() for k, v in row.items()} for row in csv.DictReader(handle)
        ]


def _by_rule(failures: list[dict]) -> dict[str, dict]:
    return {f["rule"]: f for f in failures}


# DfE 903 rule 222: no URN for placement types without an Ofsted registration. 2023-24 dropped
# H5 from the list (lac_validator/rules/lac2023_24/rule_222.py); 2022-23 still had it.
URN_FREE_PLACEMENTS = {"P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}


def _breaks_222(place: str, urn: str, urn_free: set[str]) -> bool:
    return place in urn_free and urn not in ("", "XXXXXXX")


@pytest.mark.oracle
def test_903_reads_every_peer_table(csv_report):
    # Row counts as the peer README states them: ~2,675 children, 5,050 episodes, 12,582 reviews.
    assert csv_report["file_format"] == "csv"
    assert csv_report["ruleset"] == "lac2023_24"
    assert csv_report["collection_year"] == "2024"
    tables = csv_report["tables"]
    assert (tables["Header"], tables["Episodes"], tables["Reviews"]) == (2675, 5050, 12582)
    assert set(tables) >= {"AD1", "Missing", "OC2", "OC3", "PlacedAdoption", "PrevPerm", "UASC"}
    assert csv_report["rules_run"] > 300
    assert csv_report["crashed"] == []


@pytest.mark.oracle
def test_903_failures_agree_with_a_recount_of_the_csvs(csv_report, d2i_903):
    failures = _by_rule(csv_report["failures"])
    episodes = _rows(d2i_903 / "episodes.csv")
    oc2 = _rows(d2i_903 / "oc2.csv")

    breaks_222 = [
        e["CHILD"] for e in episodes if _breaks_222(e["PLACE"], e["URN"], URN_FREE_PLACEMENTS)
    ]
    # 148: date and reason episode ceased must both be present or both blank.
    breaks_148 = [e["CHILD"] for e in episodes if bool(e["DEC"]) != bool(e["REC"])]
    # 193: no substance misuse, yet an intervention item is completed.
    breaks_193 = [
        r["CHILD"]
        for r in oc2
        if r["SUBSTANCE_MISUSE"] in ("", "0")
        and (r["INTERVENTION_RECEIVED"] or r["INTERVENTION_OFFERED"])
    ]
    for code, recount in (("222", breaks_222), ("148", breaks_148), ("193", breaks_193)):
        found = failures[code]
        assert found["count"] == len(recount) > 1000, code
        assert found["children"] == len(set(recount)), code
        assert found["type"] == "error" and found["origin"] == "dfe"
        assert found["examples"] and set(found["examples"]) <= set(recount), code
        assert found["description"]
    assert failures["222"]["tables"] == {"Episodes": len(breaks_222)}
    assert failures["222"]["fields"] == ["URN"]

    # 1012: OC3 children with no episode this year must have no other data; it spans six tables.
    assert failures["1012"]["count"] > 1000
    assert {"OC2", "Reviews", "PrevPerm"} <= set(failures["1012"]["tables"])


@pytest.mark.oracle
def test_903_marks_the_packages_own_warning_as_a_query(csv_report):
    failures = _by_rule(csv_report["failures"])
    # EPI ("WARNING: Episodes need to be loaded for this child") is the tool's, not a DfE error.
    assert failures["EPI"]["type"] == "query" and failures["EPI"]["origin"] == "tool"
    assert {f["type"] for f in csv_report["failures"]} == {"error", "query"}
    counts = [f["count"] for f in csv_report["failures"]]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.oracle
def test_903_skips_rules_whose_inputs_were_not_given(csv_report):
    skipped = set(csv_report["skipped"])
    # Last year's episodes (NoE, 1001, 1002, 202-208) and Ofsted's URN lists (1008, 219-229).
    assert {"NoE", "1001", "202", "1008", "219", "229"} <= skipped
    assert not skipped & {f["rule"] for f in csv_report["failures"]}


@pytest.mark.oracle
def test_903_xml_return_with_the_previous_years_rules(d2i_903, tmp_path):
    # A copy without postcodes: looking up this file's random postcodes in the ONS directory
    # costs ~6 s, and rule 222 does not read them (392b, "no postcodes recorded", then fires).
    xml = tmp_path / "fake_903_no_postcodes.xml"
    text = (d2i_903 / "fake_903.xml").read_text(encoding="ascii")
    xml.write_text(re.sub(r"<(PL_POST|HOME_POST)>[^<]*</\1>", "", text), encoding="ascii")
    report = report_903([xml], "lac2022_23")
    assert report["file_format"] == "xml"
    assert "392b" in _by_rule(report["failures"])
    root = ET.parse(xml).getroot()
    children = root.findall("CHILD")
    assert report["tables"]["Header"] == len(children) == 253
    episodes = [(c.findtext("HEADER/CHILDID"), e) for c in children for e in c.findall("EPISODE")]
    assert report["tables"]["Episodes"] == len(episodes)

    # Under 2022-23 rules H5 placements break 222 too.
    urn_free = URN_FREE_PLACEMENTS | {"H5"}
    recount = [
        child
        for child, e in episodes
        if _breaks_222(
            (e.findtext("PL") or "").upper(), (e.findtext("URN") or "").upper(), urn_free
        )
    ]
    assert any((e.findtext("PL") or "") == "H5" and e.findtext("URN") for _, e in episodes)
    assert _by_rule(report["failures"])["222"]["count"] == len(recount)


@pytest.mark.oracle
def test_903_no_failing_rule_gives_an_empty_list(d2i_903, tmp_path):
    # The package's own report (create_issue_df) raises "No objects to concatenate" here.
    # A blank file (as some exporters write for an empty AD1 table) is left out, not refused.
    blank = tmp_path / "ad1.csv"
    blank.write_text("\n")
    report = report_903([d2i_903 / "DoLo.csv", blank], "2023/24")
    assert report["failures"] == [] and report["crashed"] == []
    assert report["tables"] == {"DoLo": 1}
    assert report["ignored_files"] == [str(blank)]


@pytest.mark.oracle
def test_903_refuses_ambiguous_input_naming_the_file(d2i_903, tmp_path):
    with pytest.raises(OracleInputError, match="both the PlacedAdoption table"):
        validate_903(
            [d2i_903 / "placed_for_adoption.csv", d2i_903 / "placed_for_adoption_errors.csv"],
            "2024",
        )
    short = tmp_path / "missing_spells.csv"
    short.write_text("CHILD,DOB,MISSING,MIS_START\n1,01/01/2010,M,01/01/2023\n")
    with pytest.raises(OracleInputError, match=r"missing_spells\.csv.*nearest is Missing.*MIS_END"):
        validate_903([d2i_903 / "header.csv", short], "2024")
    # The package's rulesets start at 2022-23.
    with pytest.raises(OracleInputError, match="unknown 903 ruleset 'lac2021_22'"):
        validate_903([d2i_903 / "header.csv"], "2021/22")


# ---------------------------------------------------------------------------------------------
# CIN census


@pytest.fixture(scope="module")
def d2i_cin() -> Path:
    if not oracle_available("cin"):
        pytest.skip("CIN oracle venv cannot be built here (scripts/oracle-env.sh cin)")
    return _peer_dir() / "d2i-cin-fake"


# UPN check letter (DfE, "Unique pupil numbers (UPN): a guide for schools and local
# authorities"): digits 2-13 weighted 2-13, sum mod 23 indexes this alphabet.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _bad_check_letter(upn: str) -> bool:
    if len(upn) != 13 or not upn[1:].isdigit():
        return False
    return UPN_LETTERS[sum(int(d) * w for d, w in zip(upn[1:], range(2, 14))) % 23] != upn[0]


@pytest.mark.oracle
def test_cin_failures_agree_with_a_recount_of_the_xml(d2i_cin):
    xml = d2i_cin / "fake_CIN_data.xml"
    report = report_cin(xml, "2022/23")
    assert report["ruleset"] == "cin2022_23" and report["crashed"] == []
    children = ET.parse(xml).getroot().findall("Children/Child")
    assert report["tables"]["ChildIdentifiers"] == len(children) == 332

    bad_upn = [
        c.findtext("ChildIdentifiers/LAchildID")
        for c in children
        if _bad_check_letter(c.findtext("ChildIdentifiers/UPN") or "")
    ]
    failures = _by_rule(report["failures"])
    assert failures["1510"]["count"] == failures["1510"]["children"] == len(bad_upn) == 320
    assert set(failures["1510"]["examples"]) <= set(bad_upn)
    assert failures["1510"]["type"] == "error"
    assert failures["1510"]["tables"] == {"ChildIdentifiers": 320}
    # DfE CIN queries carry a Q suffix and RuleType.QUERY in the package.
    assert failures["8569Q"]["type"] == "query" and failures["8569Q"]["count"] > 100
    assert all(
        f["type"] == ("query" if f["rule"].endswith("Q") else "error") for f in report["failures"]
    )
    # 2887Q is a whole-return query (fewer than 8 disability codes used): no table, no child.
    assert failures["2887Q"]["tables"] == {} and failures["2887Q"]["count"] == 1


@pytest.mark.oracle
def test_cin_reference_date_rule_fires_only_on_the_broken_header(d2i_cin):
    # Rule 100: ReferenceDate must be 31 March of the header's Year.
    broken = _by_rule(validate_cin(d2i_cin / "CIN_header_issues_100.xml", "2022/23"))
    assert broken["100"]["children"] == 0 and broken["100"]["count"] == 1
    assert broken["100"]["tables"] == {"Header": 1}
    assert broken["100"]["description"] == "Reference Date is incorrect"
    sound = _by_rule(validate_cin(d2i_cin / "CIN_Census_2021.xml", "2022/23"))
    assert "100" not in sound
    # Both files hold the same child, so the child-level findings agree.
    child_level = {code for code, f in sound.items() if f["children"]}
    assert child_level == {code for code, f in broken.items() if f["children"]}


@pytest.mark.oracle
def test_cin_refuses_a_namespaced_file(d2i_cin, tmp_path):
    text = (d2i_cin / "CIN_Census_2021.xml").read_text()
    namespaced = tmp_path / "namespaced.xml"
    namespaced.write_text(
        text.replace("<Message>", '<Message xmlns="http://www.dfe.gov.uk/CIN">', 1)
    )
    with pytest.raises(OracleInputError, match="has no child Header or Children"):
        validate_cin(namespaced, "2023/24")
