"""Many authorities in one store (issue 14 item 2): the report's regional comparison section,
and `--la all` / lists / `--region` on report, caseloads and forecast, on a small synthetic
England (Rotherham 372 and Hartlepool 805, 2021/22)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.model.periods import Quarter
from csc_scorecard.reference.load import import_reference
from csc_scorecard.report import regional
from csc_scorecard.report.comparison import comparison
from csc_scorecard.report.context import build_context
from csc_scorecard.store import Store
from csc_scorecard.synth import england

SPAN = england.Span(2021, 2021)
PERIOD = Quarter(2021, 4)


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    path = tmp_path_factory.mktemp("region") / "two.duckdb"
    with Store(path) as db:
        import_reference(db)
        england.write_store(db, ["372", "805"], SPAN, seed=5)
    return path


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_regional_section_ranks_the_authority_as_scorecard_compare_does(path):
    with Store(path) as db:
        context = build_context(db, "805", PERIOD)
        expected = {
            r["title"]: r
            for r in comparison(db, ["372", "805"], PERIOD).to_pylist()
            if r["la_code"] == "805" and r["rank"] is not None
        }
    (found,) = [s for s in context.sections if s.id == "regional_comparison"]
    (table,) = found.tables
    # 372 is in Yorkshire and The Humber, 805 in the North East: no other authority of 805's
    # region is held, so the group is every authority in the store.
    assert table.title == "Q4 2021/22: rank among the 2 authorities in the store"
    assert table.columns == regional.COLUMNS
    assert {row[0] for row in table.rows} == set(expected)
    for row in table.rows:
        r = expected[row[0]]
        assert row[2] == f"{r['rank']} of 2" and row[3] == r["quartile"]
        assert row[3] == ("A" if r["rank"] == 1 else "C")  # two authorities: ranks 1 and 2
    # The quarter's figure and its 12-month variant (DfE's footing, issue 18) are both ranked.
    for title in (
        "Re-referrals within 12 months (quarter)",
        "Re-referrals within 12 months (rolling 12 months)",
    ):
        assert expected[title]["polarity"] == "lower_better"


def test_no_regional_section_when_the_store_holds_one_authority(tmp_path):
    with Store(tmp_path / "one.duckdb") as db:
        import_reference(db)
        england.write_store(db, ["805"], SPAN, seed=5)
        context = build_context(db, "805", PERIOD)
        assert regional.section(db, "805", PERIOD, "Regional comparison", publication=False) is None
    assert "regional_comparison" not in {s.id for s in context.sections}
    assert "regional_comparison" not in {s.id for s in context.omitted}


def test_report_for_every_authority_writes_one_report_each(path, tmp_path):
    result = invoke(
        "report", "--period", "2021-Q4", "--store", str(path), "--la", "all",
        "--formats", "json", "--out", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "372_2021-Q4_performance_report.json",
        "805_2021-Q4_performance_report.json",
    ]
    rotherham = json.loads((tmp_path / written[0]).read_text())
    assert rotherham["authority"]["la_code"] == "372"


def test_caseloads_and_forecast_for_a_region_or_a_list(path):
    result = invoke(
        "caseloads", "--date", "2021-06-30", "--store", str(path), "--region", "North East",
        "--json",
    )  # fmt: skip
    # the synthetic England holds no case allocations: every caseload would read 0 (it gave
    # '0 case holders, 0 cases' for each authority), so the command is refused in one line
    assert result.exit_code != 0
    assert (
        "the store holds no case_allocations rows for LA 805: who holds each case is not known"
        in (result.output)
    )
    result = invoke(
        "caseloads", "--date", "2021-06-30", "--store", str(path), "--la", "all", "--json"
    )
    assert result.exit_code != 0 and "no case_allocations rows for LA 372" in result.output
    result = invoke(
        "forecast", "--period", "2021-Q4", "--store", str(path), "--la", "372,805",
        "--format", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    codes = {line.split(",")[0] for line in result.output.splitlines()[1:]}
    assert codes == {'"372"', '"805"'}


@pytest.mark.parametrize(
    "args",
    [
        ("lists", "overdue-visits", "--date", "2021-06-30"),
        ("drill", "referrals", "--period", "2021-Q4"),
    ],
)
def test_child_level_commands_refuse_several_authorities_in_one_line(path, args):
    result = invoke(*args, "--store", str(path), "--la", "all")
    assert result.exit_code == 2
    assert "works on one authority at a time" in " ".join(result.output.split())
