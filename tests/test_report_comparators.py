"""Issue 12 items 8 and 10, issue 18 item 2: every comparator of an item, each labelled with its
year, basis and window; relative and incremental targets in words and on the charts; every
figure's window in words, in the report context and in every format (HTML, PDF, Word, Excel).

The fixture authority's store (`tests/report_fixtures.py`) publishes, for 2021/22 (the year to 31
March 2022, the latest on or before 30 June 2022): re-referrals England 21.5%, statistical
neighbours 22.4%, no regional figure; assessments within 45 working days England 84.5%,
neighbours 86.1%. The framework below is written here so every expected value is known:

* T1 re-referrals (lower is better), target "at or below the statistical-neighbour average",
  amber within 2 points: the neighbours' 22.4% sets the target 22.4% and the tolerance 24.4%.
  Four comparators, in the framework's order: neighbours 22.4% and England 21.5% (from the
  published data, so labelled 2021/22 in place of "latest published", and their window is the
  year to 31 March 2022), Barnsley 18.2% (a fixed value, 2020/21, no window known) and the
  region (not published: shown as such). The figure is on DfE's footing: the referrals of the
  12 months to 30 June 2022 (rereferrals_within_12_months_rolling_12_months; the quarter's
  rate carries no published comparator).
* T2 assessments within 45 working days over 12 months, fixed target, no comparators in the
  framework: the published neighbours (86.1%) then England (84.5%) are shown, the region (none)
  is not. The figure is the year to 30 June 2022, as DfE's is a year.
* T3 children looked after at the quarter end, "an additional 5 on a year earlier": the target
  is the Q1 2021/22 figure plus 5, a snapshot "at 30 June 2022".
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import openpyxl
import pytest
import report_fixtures as rf
from docx import Document
from pypdf import PdfReader

from csc_scorecard.model.periods import Quarter, window_phrase
from csc_scorecard.report import render
from csc_scorecard.report.context import build_context
from csc_scorecard.report.pdf import to_pdf
from csc_scorecard.store import Store

FRAMEWORK = """
name: Comparators and moving targets
authority: Test authority
groups:
  - id: g
    title: Benchmarked indicators
    items:
      - id: T1
        title: Re-referrals within 12 months
        measure: rereferrals_within_12_months_rolling_12_months
        unit: percent
        polarity: lower_better
        target: {relative_to: statistical_neighbours, tolerance: 2}
        comparators:
          - {id: statistical_neighbours, label: Statistical neighbours, year: latest published,
             basis: average of 10 neighbours (DfE)}
          - {id: england, label: England, year: latest published, basis: DfE CIN census}
          - {id: barnsley, label: Barnsley, year: 2020/21, basis: published outturn, value: 18.2}
          - {id: region, label: Yorkshire and the Humber, year: latest published,
             basis: DfE regional average}
      - id: T2
        title: Assessments within 45 working days
        measure: assessments_within_45_working_days_rolling_12_months
        unit: percent
        polarity: higher_better
        target: 90
        tolerance: 75
      - id: T3
        title: Children looked after
        measure: cla_at_period_end
        unit: count
        polarity: higher_better
        target: {increase_on: year_earlier, by: 5}
"""

T1_COMPARATORS = [
    # id, heading, note, display
    (
        "statistical_neighbours",
        "Statistical neighbours 2021/22",
        "average of 10 neighbours (DfE), year to 31 March 2022",
        "22.4%",
    ),
    ("england", "England 2021/22", "DfE CIN census, year to 31 March 2022", "21.5%"),
    ("barnsley", "Barnsley 2020/21", "published outturn", "18.2%"),
    ("region", "Yorkshire and the Humber latest published", "DfE regional average", ""),
]


@cache
def _context(publication: bool = False):
    folder = Path(rf.store_path()).parent
    path = folder / "comparators-framework.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    with Store(rf.store_path(), read_only=True) as store:
        return build_context(
            store,
            rf.LA,
            rf.PERIOD,
            framework=path,
            synthetic=True,
            generated_at=rf.GENERATED_AT,
            run=rf.measure_run(),
            publication=publication,
            allow_commentary_numbers=publication,  # the fixture's manual commentary says "2"
        )


def _rows(context):
    return {r.item: r for g in context.appendix for r in g.rows}


def test_every_comparator_with_its_year_basis_and_window():
    rows = _rows(_context())
    t1 = rows["T1"]
    assert [(c.id, c.heading, c.note, c.display) for c in t1.comparators] == T1_COMPARATORS
    # The headline "Comparator" column is the first with a value.
    assert (t1.comparator, t1.comparator_label) == ("22.4%", "Statistical neighbours 2021/22")
    t2 = rows["T2"]
    assert [(c.heading, c.display, c.window, c.source) for c in t2.comparators] == [
        ("Statistical neighbours 2021/22", "86.1%", "year to 31 March 2022", "published"),
        ("England 2021/22", "84.5%", "year to 31 March 2022", "published"),
    ]


def test_figure_windows_in_words():
    rows = _rows(_context())
    assert rows["T1"].window == "year to 30 June 2022"
    assert rows["T2"].window == "year to 30 June 2022"
    assert rows["T3"].window == "at 30 June 2022"
    figure = _context().figures[rows["T2"].figure]
    assert rows["T2"].window == window_phrase(figure.window_start, figure.window_end)


def test_moving_targets_in_words_and_rated_against_them():
    context = _context()
    rows = _rows(context)
    t1 = rows["T1"]
    assert (t1.target, t1.target_words) == (
        "22.4% (24.4%)",
        "at or below Statistical neighbours 2021/22 (22.4%)",
    )
    value = context.figures[t1.figure].value
    expected = "green" if round(value, 1) <= 22.4 else "amber" if round(value, 1) <= 24.4 else "red"
    assert t1.rag == expected
    t3 = rows["T3"]
    year_earlier = Quarter.parse(rf.PERIOD).same_quarter_last_year()
    before = context.figures[f"cla_at_period_end:{year_earlier}"].value
    assert t3.target == f"{before + 5:,.0f}"
    assert t3.target_words == f"an additional 5 on a year earlier ({before:,.0f})"


def test_moving_targets_are_drawn_quarter_by_quarter():
    """T1's target is the neighbours' 22.4% (tolerance 24.4%) in every quarter charted; T3's is
    each quarter's figure a year earlier plus 5, for the quarters whose year-earlier figure is
    in the report."""
    context = _context()
    charts = {c.id: c for c in context.trends}
    t1 = charts["trend-T1"]
    assert t1.target is None  # no one line: the stepped target line instead
    targets = {p.x: p.y for p in t1.moving_target if p.series == "target"}
    tolerances = {p.x: p.y for p in t1.moving_target if p.series == "tolerance"}
    charted = {p.x for p in t1.data}
    assert set(targets) == charted and set(targets.values()) == {22.4}
    assert set(tolerances.values()) == {24.4}
    assert t1.target_words == "at or below Statistical neighbours 2021/22 (22.4%)"
    assert "Target line (at or below Statistical neighbours 2021/22 (22.4%)): 22.4% in" in (
        t1.alt_text
    )
    assert t1.svg.count('stroke="#2e7d32"') >= 1  # drawn in the target's colour
    t3 = charts["trend-T3"]
    steps = {p.x: p.y for p in t3.moving_target if p.series == "target"}
    for q in [Quarter.parse(p) for p in context.trend_periods]:
        earlier = context.figures.get(f"cla_at_period_end:{q.same_quarter_last_year()}")
        if earlier is not None and earlier.value is not None:
            assert steps[q.label] == earlier.value + 5
        else:
            assert q.label not in steps
    assert steps  # at least the quarters a year into the trend


def test_every_format_prints_every_comparator_target_words_and_window(tmp_path):
    context = _context()
    t1 = _rows(context)["T1"]
    wanted = [t1.target_words, t1.window]
    for _, heading, note, display in T1_COMPARATORS:
        wanted += [heading, *([note] if note else []), display or "not published"]

    page = render(context, "html", tmp_path / "r.html").read_text(encoding="utf-8")
    row = page[page.index('data-item="T1"') :]
    row = row[: row.index("</tr>")]
    assert [w for w in wanted if w not in row] == []

    doc = Document(str(render(context, "docx", tmp_path / "r.docx")))
    cells = next(r.cells for t in doc.tables for r in t.rows if r.cells and r.cells[0].text == "T1")
    text = "\n".join(c.text for c in cells)
    assert [w for w in wanted if w not in text] == []

    wb = openpyxl.load_workbook(render(context, "xlsx", tmp_path / "r.xlsx"))
    sheet = wb["Benchmarked indicators"]
    found = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "T1")
    text = "\n".join(str(v) for v in found if v is not None)
    assert [w for w in wanted if w not in text] == []

    pdf = PdfReader(io.BytesIO(to_pdf(context)))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    # Table cells wrap in the PDF: compare without spaces.
    squeezed = text.replace(" ", "")
    assert [w for w in wanted if w.replace(" ", "") not in squeezed] == []


@pytest.mark.parametrize("fmt", ["html"])
def test_publication_report_keeps_comparators(fmt, tmp_path):
    """Comparators and windows are not child-level: a publication report prints them too."""
    rows = _rows(_context(publication=True))
    assert [(c.heading, c.display) for c in rows["T1"].comparators] == [
        (h, d) for _, h, _, d in T1_COMPARATORS
    ]
    page = render(_context(publication=True), fmt, tmp_path / "p.html").read_text("utf-8")
    assert "Barnsley 2020/21" in page and "year to 31 March 2022" in page


def test_a_target_set_from_a_suppressed_figure_is_not_given_away():
    """A publication report suppresses a year-earlier count of 3: the target "an additional 5
    on a year earlier (3)" = 8 would give it away, so target and words show the symbol; so does
    an own-year-earlier comparator. The rating (8 against 8: green) is unchanged."""
    from csc_scorecard.rating import make_reading, rate_framework
    from csc_scorecard.rating.framework import parse_framework
    from csc_scorecard.report.appendix import _without_suppressed
    from csc_scorecard.report.model import Figure

    framework = parse_framework(
        {
            "name": "F",
            "authority": "A",
            "groups": [
                {
                    "id": "g",
                    "title": "G",
                    "items": [
                        {
                            "id": "K1",
                            "title": "Foster carers approved",
                            "unit": "count",
                            "polarity": "higher_better",
                            "target": {"increase_on": "year_earlier", "by": 5},
                            "comparators": [
                                {
                                    "id": "own_year_earlier",
                                    "label": "A year earlier",
                                    "year": "Q1 2021/22",
                                    "basis": "own figure",
                                }
                            ],
                        }
                    ],
                }
            ],
        }
    )
    readings = [make_reading("K1", "2021-Q1", 3), make_reading("K1", "2022-Q1", 8)]
    item = rate_framework(framework, readings, "2022-Q1").item("K1")
    assert (item.target_display, item.target_rule, item.status.value) == (
        "8",
        "an additional 5 on a year earlier (3)",
        "green",
    )
    suppressed = Figure(
        id="K1:2021-Q1",
        measure="K1",
        title="Foster carers approved",
        unit="count",
        period="2021-Q1",
        status="suppressed",
        display="c",
        source="case data",
    )
    shown = _without_suppressed(
        item, framework.item("K1"), {"previous": None, "year_earlier": suppressed}
    )
    assert (shown.target, shown.target_display, shown.target_rule, shown.status.value) == (
        None,
        "c",
        "an additional 5 on a year earlier (c)",
        "green",
    )
    assert [(c.value, c.display) for c in shown.comparators] == [(None, "c")]
    # In the appendix: the symbol for the target, and no draft sentence quoting a target.
    from csc_scorecard.report.appendix import build
    from csc_scorecard.report.facts import Facts
    from csc_scorecard.report.subject import period_info

    now = suppressed.model_copy(
        update={
            "id": "K1:2022-Q1",
            "period": "2022-Q1",
            "status": "ok",
            "display": "8",
            "value": 8.0,
        }
    )
    q = Quarter.parse("2022-Q1")
    periods = {
        "current": period_info(q),
        "previous": period_info(q.previous()),
        "year_earlier": period_info(q.same_quarter_last_year()),
    }
    facts = Facts({f.id: f for f in (now, suppressed)}, periods, {}, {}, "A")
    row = build(rate_framework(framework, readings, "2022-Q1"), framework, facts, {}, {}, {})[
        0
    ].rows[0]
    assert (row.target, row.target_text, row.target_words, row.rag) == (
        "c",
        "",
        "an additional 5 on a year earlier (c)",
        "green",
    )
    assert [(c.heading, c.display) for c in row.comparators] == [("A year earlier Q1 2021/22", "c")]
    assert "target" not in row.commentary and "3" not in row.commentary, row.commentary
    # Not suppressed: unchanged.
    plain = suppressed.model_copy(update={"status": "ok", "display": "3", "value": 3.0})
    assert (
        _without_suppressed(item, framework.item("K1"), {"previous": None, "year_earlier": plain})
        == item
    )
