"""The finance section end to end on the synthetic authority (size 0.2), loaded through ingest:
the finance templates (budget_lines, placement_costs, grants, agency_costs, homes_pipeline) and
the workforce templates as the synthetic writers produce them, and the SSDA903 extracts."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.forecast import backtest, forecast_outturn
from csc_scorecard.ingest.run import ingest
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.report.sections.finance.section import finance_section, tidy
from csc_scorecard.store import Store
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import ssda903, templates

LA = "371"
FINANCE = ("budget_lines", "placement_costs", "grants", "agency_costs", "homes_pipeline")


@pytest.fixture(scope="module")
def authority():
    return generate(SynthConfig(size=0.2))


@pytest.fixture(scope="module")
def db_path(authority, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic")
    templates.write(authority, root)
    ssda903.write(authority, root)
    path = root / "store.duckdb"
    with Store(path) as s:
        ingest(s, [root / "templates", root / "ssda903"], la_code=LA)
    return path


@pytest.fixture(scope="module")
def db(db_path):
    with Store(db_path, read_only=True) as s:
        yield s


@pytest.fixture(scope="module")
def section(db):
    return finance_section(db, LA, "2022-Q1", simulations=60)


def _resolve(doc, ref: str):
    node = doc
    for part in ref.strip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def test_section_paragraphs_follow_the_seed(section):
    ids = [(p.id, p.seed_paragraph) for p in section.paragraphs]
    assert ids == [
        ("summary", 36), ("care_ladder", 37), ("group:ooa", 38), ("group:fostering", 39),
        ("group:sixteen_plus", 40), ("group:uasc", 41), ("staffing", 42), ("projection", None),
        ("homes", 43), ("homes_total", 44), ("inspections", None),
    ]  # fmt: skip
    total = section.outturn.total_variance
    words = "overspend" if total >= 0 else "underspend"
    assert section.paragraph("summary").text.startswith(
        f"The forecast outturn at month 3 is an {words} of {section.figures['total:variance'].display} "
        "against the 2022/23 budget."
    )
    assert "offset by additional funding of" in section.paragraph("care_ladder").text
    assert "nights at £114 a night" in section.paragraph("group:uasc").text
    assert section.paragraph("homes").bullets


def test_variance_table_adds_up(section):
    rows = {r.id: r for r in section.variance_table}
    groups = [r for r in section.variance_table if r.kind == "group"]
    offsets = [r for r in section.variance_table if r.kind == "offset"]
    staffing = [r for r in section.variance_table if r.kind == "staffing"]
    ladder = rows["care_ladder"].variance
    assert ladder == pytest.approx(
        sum(r.variance for r in groups) + sum(r.variance for r in offsets)
    )
    assert rows["total"].variance == pytest.approx(ladder + sum(r.variance for r in staffing))
    assert rows["total"].forecast - rows["total"].budget == pytest.approx(rows["total"].variance)
    assert {r.id for r in staffing} == {"staffing:agency_staff", "staffing:staffing"}
    chart = {p.id: p.variance for p in section.charts.variance_by_line}
    assert chart["group:ooa"] == pytest.approx(rows["group:ooa"].variance)


def test_every_cite_points_at_its_value(section):
    doc = section.model_dump(mode="json")
    n = 0
    for p in section.paragraphs:
        for s in [*p.sentences, *p.bullets]:
            for c in s.cites:
                assert s.text[c.start : c.end] == c.text
                found = _resolve(doc, c.ref)
                if isinstance(found, float) and c.value is not None:
                    assert found == pytest.approx(c.value)
                else:
                    assert found == c.value, c.ref
                n += 1
    assert n > 60


def test_every_digit_is_inside_a_cite(section):
    for p in section.paragraphs:
        for s in [*p.sentences, *p.bullets]:
            covered = set()
            for c in s.cites:
                covered |= set(range(c.start, c.end))
            stray = [m.start() for m in re.finditer(r"\d", s.text) if m.start() not in covered]
            assert not stray, s.text


def test_figures_carry_the_scenario_and_display_the_value(section):
    assert section.figures and all(f.scenario == "base" for f in section.figures.values())
    assert section.figures["total:variance"].value == pytest.approx(section.outturn.total_variance)
    assert section.figures["group:uasc:starts_in_history"].unit == "count"
    table = tidy(section)
    assert set(table.column("scenario").to_pylist()) == {"base"}
    expected_rows = (
        len(section.figures) + 3 * len(section.variance_table) + len(section.charts.projection)
    )
    assert table.num_rows == expected_rows
    kinds = set(table.column("kind").to_pylist())
    assert {
        "figure",
        "variance_table:variance",
        "projection:actual",
        "projection:projected",
    } <= kinds


def test_publication_leaves_out_packages_and_small_counts(db, section):
    assert section.high_cost_packages and section.high_cost_packages[0].child_id
    public = finance_section(db, LA, "2022-Q1", publication=True, simulations=60)
    assert public.high_cost_packages is None
    assert all(not g.top_packages for g in public.outturn.groups)
    assert '"child_id"' not in public.model_dump_json()
    small = [f for f in public.figures.values() if f.unit == "count" and f.status == "suppressed"]
    assert all(f.display == "c" and f.value is None for f in small)
    assert all(
        not (f.unit == "count" and f.value is not None and 1 <= round(f.value) <= 5)
        for f in public.figures.values()
    )


def test_scenario_name_on_every_figure_and_its_effect(db, section):
    uplift = finance_section(db, LA, "2022-Q1", scenario="fee_uplift", simulations=60)
    assert uplift.scenario == "fee_uplift"
    assert {f.scenario for f in uplift.figures.values()} == {"fee_uplift"}
    assert uplift.projection.scenario == "fee_uplift"
    assert uplift.outturn.care_ladder_variance > section.outturn.care_ladder_variance
    assert "fee_uplift scenario" in uplift.paragraph("summary").text


def test_ingested_templates_give_the_forecast_of_the_canonical_tables(authority, db, tmp_path):
    with Store(tmp_path / "direct.duckdb") as direct:
        tables = {n: authority.tables[n] for n in (*FINANCE, "workers", "worker_posts", "teams")}
        direct.load([LoadBatch("synthetic", LA, None, None, ["synthetic"], tables=tables)])
        a = forecast_outturn(direct, LA, "2022-Q1")
    b = forecast_outturn(db, LA, "2022-Q1")
    assert a.total_variance == pytest.approx(b.total_variance, abs=0.01)
    assert [ln.forecast for ln in a.lines] == pytest.approx([ln.forecast for ln in b.lines])


def test_backtest_on_the_synthetic_authority(db):
    bt = backtest(db, LA, months=6, simulations=30)
    assert bt.origins == [
        date(2021, 3, 31),
        date(2021, 6, 30),
        date(2021, 9, 30),
        date(2021, 12, 31),
    ]
    total = bt.error("total", 6)
    assert total.cases == 4 and total.mape is not None and total.naive_mape is not None
    assert total.mape < 25  # a sanity bound, not a target: the synthetic flows are stable
    # Fitting used only what was known at each origin: the projection's first month starts from
    # the children actually looked after at the origin (the naive forecast).
    first = [p for p in bt.points if p.group == "total" and p.horizon == 1]
    assert all(abs(p.projected - p.naive) < 0.1 * p.naive for p in first)


def test_cli_forecast_and_project(db_path, section):
    runner = CliRunner()
    res = runner.invoke(
        app, ["forecast", "--period", "2022-Q1", "--store", str(db_path), "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["scenario"] == "base"
    assert data["figures"]["total:variance"]["value"] == pytest.approx(
        section.outturn.total_variance
    )
    res = runner.invoke(app, ["forecast", "--period", "2022-Q1", "--store", str(db_path)])
    assert (
        res.exit_code == 0
        and "Care ladder" in res.output
        and section.figures["total:variance"].display in res.output
    )
    res = runner.invoke(app, ["project", "--from", "2022-06-30", "--months", "3", "--store", str(db_path),
                              "--format", "csv", "--simulations", "20"])  # fmt: skip
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[0].startswith('"date","group","mean"')
    assert len(lines) == 1 + 3 * (len(section.projection.groups) + 1)
    assert '2022-09-30,"total"' in res.output
