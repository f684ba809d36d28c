"""The report context for the fixture authority (`tests/report_fixtures.py`, the synthetic
authority at 5% scale): a golden snapshot, fidelity to the measure run, determinism, the JSON
round trip, sections left out with their reasons, and an appendix whose colours match the
printed figures.

The golden snapshot (`tests/golden/report_context/`) is the whole context with the SVG text
and the machine-specific fields (load times, temporary paths, version) blanked, cut into small
JSON files by section, appendix row, chart and measure (`golden_files.py`) so a change reads as
a short diff. It changes when a measure, the synthetic authority or the report changes on
purpose; regenerate it with

    SCORECARD_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_report_context.py

and review the diff like any other change.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path, PurePath

import golden_files
import pytest
import report_fixtures as rf

from csc_scorecard.model.periods import Quarter
from csc_scorecard.rating import Polarity, load_framework, parse_value, rate
from csc_scorecard.report.commentary import CommentaryFileError, read_commentary
from csc_scorecard.report.context import build_context
from csc_scorecard.report.framework_rating import figure_key
from csc_scorecard.report.model import Figure, LoadRecord, ReportContext
from csc_scorecard.report.provenance import is_synthetic
from csc_scorecard.store import Store

GOLDEN = Path(__file__).parent / "golden" / "report_context"


def snapshot(context: ReportContext) -> dict:
    data = json.loads(context.model_dump_json())

    def scrub(node):
        if isinstance(node, dict):
            return {k: ("<svg>" if k == "svg" else scrub(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [scrub(v) for v in node]
        return node

    data = scrub(data)
    for load in data["provenance"]["loads"]:
        load["loaded_at"] = "<loaded_at>"
        load["files"] = [PurePath(f).name for f in load["files"]]
    version = data["provenance"]["software_version"]
    data["provenance"]["software_version"] = "<version>"
    data["provenance"]["statement"] = data["provenance"]["statement"].replace(version, "<version>")
    for table in data["provenance"]["tables"]:
        if table["id"] == "loads":  # the load time, as loaded_at above
            loaded = table["columns"].index("Loaded")
            for row in table["rows"]:
                row[loaded] = "<loaded_at>"
    # Definition texts belong to the catalogue (checked by its own tests); keep the titles.
    data["definitions"] = {k: v["title"] for k, v in data["definitions"].items()}
    return data


def _differences(a, b, path="") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}/{k}: {'added' if k in a else 'removed'}")
            else:
                out.extend(_differences(a[k], b[k], f"{path}/{k}"))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _differences(x, y, f"{path}/{i}")
        ]
    return [] if a == b else [f"{path}: {b!r} -> {a!r}"[:300]]


def test_golden_snapshot():
    current = golden_files.parts(snapshot(rf.report_context()))
    if os.environ.get("SCORECARD_UPDATE_GOLDEN"):
        golden_files.write(GOLDEN, current)
    assert GOLDEN.is_dir(), "no golden snapshot: run with SCORECARD_UPDATE_GOLDEN=1"
    golden = golden_files.read(GOLDEN)
    differences = [f"{name}: file added" for name in sorted(set(current) - set(golden))]
    differences += [f"{name}: file removed" for name in sorted(set(golden) - set(current))]
    for name in sorted(set(current) & set(golden)):
        differences += _differences(current[name], golden[name], name)
    assert not differences, (
        f"{len(differences)} differences from {GOLDEN.name}/ (SCORECARD_UPDATE_GOLDEN=1 to accept):\n"
        + "\n".join(differences[:25])
    )


def test_golden_files_are_small_enough_to_review():
    """No file of the snapshot is one a reviewer would scroll past: the cut keeps them small."""
    sizes = {p.name: p.stat().st_size for p in GOLDEN.rglob("*.json")}
    assert len(sizes) > 100
    assert max(sizes.values()) < 40_000, max(sizes, key=sizes.get)


def test_the_cut_is_lossless_and_keyed_by_what_it_holds():
    value = {
        "figures": {
            f"m{i % 3}:2022-Q{i % 4 + 1}:{i}": {"value": i, "text": "x" * 400} for i in range(60)
        },
        "sections": [
            {"id": "summary", "text": "y" * 15_000},
            {"id": "demand", "text": "z" * 15_000},
        ],
        "title": "t",
    }
    files = golden_files.parts(value)
    assert sorted(files) == [
        "_",
        "figures/m0",
        "figures/m1",
        "figures/m2",
        "sections/000-summary",
        "sections/001-demand",
    ]
    assert files["_"] == {"title": "t"}
    assert files["sections/001-demand"] == {"id": "demand", "text": "z" * 15_000}
    assert sum(len(v) for k, v in files.items() if k.startswith("figures/")) == 60


def test_figures_equal_the_measure_run():
    context, run = rf.report_context(), rf.measure_run()
    checked = 0
    for row in run.rows:
        fid = (
            f"{row['measure']}:{row['period']}"
            if row["dimension"] is None
            else f"{row['measure']}:{row['dimension']}:{row['period']}"
        )
        figure = context.figures.get(fid)
        if figure is None:
            assert row["period"] not in {
                context.period.id,
                context.previous.id,
                context.year_earlier.id,
            }, fid
            continue
        assert figure.status == row["status"], fid
        if row["status"] == "ok":
            # The context keeps 12 significant digits (run_figures._stable).
            assert math.isclose(figure.value, row["value"], rel_tol=1e-11), fid
            assert figure.numerator == pytest.approx(row["numerator"], rel=1e-11), fid
            checked += 1
    assert checked > 150


def test_same_data_gives_the_same_context():
    with Store(rf.store_path(), read_only=True) as store:
        again = build_context(
            store,
            rf.LA,
            rf.PERIOD,
            framework=rf.FRAMEWORK,
            synthetic=True,
            generated_at=rf.GENERATED_AT,
            run=rf.measure_run(),
        )
    assert again == rf.report_context()


def test_json_round_trip():
    context = rf.report_context()
    assert ReportContext.model_validate_json(context.model_dump_json()) == context


def test_sections_follow_the_seed_and_leave_out_what_has_no_data():
    context = rf.report_context()
    ids = [s.id for s in context.sections]
    assert ids[0] == "summary" and ids[-1] == "data_quality"
    assert ids.index("demand") < ids.index("staffing") < ids.index("placements_strategy")
    demand = next(s for s in context.sections if s.id == "demand")
    assert [s.id for s in demand.subsections][:8] == [
        "referrals",
        "assessments",
        "children_in_need",
        "child_protection",
        "children_in_care",
        "care_proceedings",
        "adoption",
        "care_leavers",
    ]
    staffing = next(s for s in context.sections if s.id == "staffing")
    assert [s.id for s in staffing.subsections] == ["supervision", "caseloads", "workforce"]
    assert not context.omitted  # the fixture authority has every extract the sections need
    numbers = [p.number for p in context.paragraphs()]
    assert numbers == list(range(1, len(numbers) + 1))


def test_staffing_and_finance_sections_come_from_their_layers():
    """One source per sentence: the staffing paragraphs are report.sections.staffing's, the
    finance and placements-strategy ones report.sections.finance's, nested and cited in the
    context; the variance table, the homes register and the four charts come with them."""
    context = rf.report_context()
    sections = {s.id: s for s in context.sections}
    staffing = {s.id: s for s in sections["staffing"].subsections}
    written = [p.text for s in staffing.values() for p in s.paragraphs]
    assert sorted(written) == sorted(p.text for p in context.staffing.paragraphs)
    assert all(
        c.ref.startswith("/staffing/")
        for s in staffing.values()
        for p in s.paragraphs
        for c in (x for sentence in p.sentences for x in sentence.cites)
    )
    assert [c.id for c in staffing["caseloads"].charts] == [
        "staffing-caseload-distribution",
        "staffing-team-manager-spans",
    ]
    spans = staffing["caseloads"].charts[1]
    assert spans.comparator == context.staffing.spans.standard_cases == 100
    assert "Reference line: Standard 100" in spans.alt_text and spans.svg.startswith("<svg")

    finance, strategy = sections["finance"], sections["placements_strategy"]
    assert context.finance.scenario == "base" and context.finance.high_cost_packages
    assert f"on the {context.finance.scenario} scenario" in finance.paragraphs[0].text
    assert f"under the {context.finance.scenario} scenario" in strategy.paragraphs[-1].text
    table = finance.tables[0]
    assert table.columns == ["Line", "Budget", "Forecast outturn", "Variance"]
    total = next(r for r in context.finance.variance_table if r.kind == "total")
    assert [
        total.name,
        total.budget_display,
        total.forecast_display,
        total.variance_display,
    ] in table.rows
    variance = finance.charts[0]
    assert variance.id == "finance-variance-by-line"
    assert [p.y for p in variance.data] == sorted(
        (p.variance for p in context.finance.charts.variance_by_line), reverse=True
    )
    assert [c.id for c in strategy.charts] == ["finance-placement-projection"]
    band = [p for p in strategy.charts[0].data if p.series.startswith("likely range")]
    assert band and all(p.y is not None for p in band)
    homes = strategy.tables[0]
    assert homes.id == "homes_pipeline" and len(homes.rows) == len(context.finance.pipeline.homes)
    assert strategy.paragraphs[0].text.startswith("On current flows into, within and out of care")
    assert all(
        c.ref.startswith("/finance/")
        for s in (finance, strategy)
        for p in s.paragraphs
        for c in (x for sentence in (*p.sentences, *p.bullets) for x in sentence.cites)
    )


def test_published_report_leaves_out_worker_and_package_lists():
    context = rf.report_context(publication=True)
    assert context.staffing.publication and context.staffing.workers is None
    assert context.staffing.supervision.overdue is None
    assert context.finance.publication and context.finance.high_cost_packages is None
    assert all(not g.top_packages for g in context.finance.outturn.groups)
    text = context.model_dump_json()
    internal = rf.report_context()
    assert internal.staffing.workers
    assert not any(f'"{w.worker_id}"' in text for w in internal.staffing.workers)
    assert internal.finance.high_cost_packages
    assert not any(f'"{p.placement_id}"' in text for p in internal.finance.high_cost_packages)


def test_omitted_section_names_the_empty_tables(tmp_path):
    """With only referrals loaded, staffing and the homes register are left out, saying why."""
    with Store(tmp_path / "s.duckdb") as store:
        store.load(rf.reference_batches())
        with Store(rf.store_path(), read_only=True) as source:
            referrals = source.read("referrals", rf.LA).drop_columns(["la_code", "load_id"])
        from csc_scorecard.model.batch import LoadBatch

        store.load(
            [
                LoadBatch(
                    "cin_census", rf.LA, None, None, ["cin.xml"], tables={"referrals": referrals}
                )
            ]
        )
        context = build_context(store, rf.LA, rf.PERIOD, generated_at=rf.GENERATED_AT)
    omitted = {o.id: o.reason for o in context.omitted}
    assert omitted["staffing"] == (
        "the store holds no workers, worker posts, case allocations, supervisions or case audits for this authority"
    )
    assert omitted["placements_strategy"] == "the store holds no homes pipeline for this authority"
    summary = next(s for s in context.sections if s.id == "summary")
    assert any(
        p.text.startswith(
            "The Staffing related measures section is not included: the store holds no workers"
        )
        for p in summary.paragraphs
    )
    referrals = next(
        s
        for s in next(s for s in context.sections if s.id == "demand").subsections
        if s.id == "referrals"
    )
    assert (
        referrals.figures[0].current_display == context.figures["referrals:2022-Q1"].display != ""
    )


def test_appendix_colour_matches_the_printed_figure():
    context = rf.report_context()
    framework = load_framework(rf.FRAMEWORK)
    rows = [r for g in context.appendix for r in g.rows]
    assert [len(g.rows) for g in context.appendix] == [11, 25]
    rated = 0
    for row in rows:
        item = framework.item(row.item)
        assert row.target == {"C01": "90% (75%)"}.get(row.item, row.target)
        if row.rag is None:
            continue
        printed = parse_value(row.current).value
        assert (
            rate(printed, item.target, item.tolerance, Polarity(item.polarity)).value == row.rag
        ), row.item
        rated += 1
    assert rated >= 20
    c01 = next(r for r in rows if r.item == "C01")
    assert c01.current == context.figures["assessments_within_45_working_days:2022-Q1"].display
    assert (c01.comparator, c01.comparator_label, c01.comparator_source) == (
        "84.8%",
        "Statistical neighbours, March 2021",
        "framework",
    )
    p01 = next(r for r in rows if r.item == "P01")
    assert p01.comparator_source == "framework" and p01.comparator == "21.8%"
    assert context.performance.summary.total == 36


def test_analyst_commentary_replaces_the_draft(tmp_path):
    path = tmp_path / "commentary.csv"
    path.write_text(
        "measure,period,commentary,author\n"
        "C01,2022-Q1,This is above national and local comparator data.,J Smith\n"
        'rereferrals_within_12_months,2022-Q1,"Re-referrals rose, as expected after validation.",\n'
        "C02,2021-Q4,Last quarter's words are not used.,\n",
        encoding="utf-8",
    )
    with Store(rf.store_path(), read_only=True) as store:
        context = build_context(
            store,
            rf.LA,
            rf.PERIOD,
            framework=rf.FRAMEWORK,
            commentary=path,
            generated_at=rf.GENERATED_AT,
            run=rf.measure_run(),
        )
    rows = {r.item: r for g in context.appendix for r in g.rows}
    assert (rows["C01"].commentary, rows["C01"].commentary_kind, rows["C01"].commentary_author) == (
        "This is above national and local comparator data.",
        "analyst",
        "J Smith",
    )
    assert (rows["P01"].commentary_kind, rows["P01"].commentary_sentences) == ("analyst", [])
    assert rows["C02"].commentary_kind == "draft" and rows["C02"].commentary_sentences
    assert context.provenance.commentary_file == "commentary.csv"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "measure,period,note\nC01,2022-Q1,x\n",
            "missing column(s) commentary; unknown column(s) note",
        ),
        ("measure,period,commentary\nC01,2022-Q5,x\n", "row 2, field period"),
        (
            "measure,period,commentary\nC01,2022-Q1,x\nC01,2022-Q1,y\n",
            "rows 2 and 3 both give commentary for C01 in 2022-Q1",
        ),
        ("measure,period,commentary\n,2022-Q1,x\n", "row 2, field measure: blank"),
    ],
)
def test_commentary_file_errors_name_the_row(tmp_path, text, message):
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommentaryFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_commentary(path)


def test_without_a_framework_every_measure_is_for_information():
    context = rf.report_context(framework=False)
    assert context.performance.framework is None
    statuses = {r.status for g in context.appendix for r in g.rows}
    assert (
        statuses <= {"information", "not_available", "not_reportable"} and "information" in statuses
    )
    assert [g.title for g in context.appendix][:2] == ["Demand and activity", "Child protection"]
    assert context.paragraphs()[1].text.startswith("No performance framework was supplied")


def test_manual_value_under_an_item_id_fills_a_gap():
    """A manual value named by the item id is used only where the measure has no value."""

    def fig(fid: str, status: str) -> Figure:
        measure, period = fid.rsplit(":", 1)
        return Figure(
            id=fid,
            measure=measure,
            title="t",
            unit="percent",
            period=period,
            status=status,
            display="",
            source="s",
        )

    item = load_framework(rf.FRAMEWORK).item("C09")
    figures = {
        f.id: f
        for f in (
            fig("adoption_within_14_months:2022-Q1", "not_available"),
            fig("C09:2022-Q1", "ok"),
            fig("adoption_within_14_months:2021-Q4", "ok"),
            fig("C09:2021-Q4", "ok"),
        )
    }
    assert figure_key(item, figures, "2022-Q1") == "C09"
    assert figure_key(item, figures, "2021-Q4") == "adoption_within_14_months"
    assert figure_key(item, figures, "2021-Q3") == "C09"
    # The fixture supplies C09 = 50% (1 of 2) from the adoption agency: the report shows it only
    # when the case data has no value for the quarter.
    context = rf.report_context()
    row = next(r for g in context.appendix for r in g.rows if r.item == "C09")
    if context.figures["adoption_within_14_months:2022-Q1"].status == "ok":
        assert row.figure == "adoption_within_14_months:2022-Q1"
    else:
        assert (row.figure, row.current, row.numerator, row.denominator) == (
            "C09:2022-Q1",
            "50%",
            "1",
            "2",
        )
        assert (row.commentary_kind, row.commentary_author) == (
            "analyst",
            "Regional adoption agency",
        )
        assert row.rag == "red" and row.small_numbers


def test_synthetic_marker_is_detected(tmp_path):
    (tmp_path / "extracts" / "cin_census").mkdir(parents=True)
    record = LoadRecord(
        load_id=1,
        source_format="cin_census",
        name="CIN census",
        files=[str(tmp_path / "extracts" / "cin_census" / "cin_2022.xml")],
        period_start=None,
        period_end=None,
        loaded_at="2022-07-01T00:00:00",
        rows=1,
        issues=0,
    )
    assert not is_synthetic([record])
    (tmp_path / "extracts" / "SYNTHETIC").write_text("scorecard synth\n")
    assert is_synthetic([record])


def test_a_run_for_another_quarter_is_refused():
    with (
        Store(rf.store_path(), read_only=True) as store,
        pytest.raises(ValueError, match="not 371 2021-Q4"),
    ):
        build_context(store, rf.LA, Quarter.parse("2021-Q4"), run=rf.measure_run())


def test_a_relative_file_name_finds_its_marker_from_the_store_s_folder(tmp_path, monkeypatch):
    """`scorecard demo --out demo` records its files as `demo/extracts/...` (relative to where
    it ran); a report of demo/scorecard.duckdb run from another folder found no marker and
    lost its SYNTHETIC DATA banner. The name is also looked for from the store's folder and
    those above it."""
    demo = tmp_path / "demo"
    (demo / "extracts" / "cin_census").mkdir(parents=True)
    (demo / "extracts" / "SYNTHETIC.txt").write_text("scorecard synth\n")
    record = LoadRecord(
        load_id=1,
        source_format="cin_census",
        name="CIN census",
        files=["demo/extracts/cin_census/cin_2022.xml"],
        period_start=None,
        period_end=None,
        loaded_at="2022-07-01T00:00:00",
        rows=1,
        issues=0,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert not is_synthetic([record])
    assert is_synthetic([record], demo / "scorecard.duckdb")
    monkeypatch.chdir(tmp_path)  # where the demo ran: found from the working folder, as before
    assert is_synthetic([record])
