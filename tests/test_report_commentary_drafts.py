"""Issue 16, item 3: draft commentary a reader trusts.

Each draft is written from what matters for the item (target met or not, direction of travel
under the materiality rule, every comparator, small numbers, the unit) rather than one template.
Built here from a one-item framework and hand-made figures, so each expected sentence can be
worked out by hand below; the fixture authority's drafts are checked in
``test_report_small_number_wording.py`` and ``test_report_narrative.py`` (every cite).
"""

from __future__ import annotations

import pytest

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.model.periods import Quarter
from csc_scorecard.numbers import count, display
from csc_scorecard.rating import make_reading, rate_framework
from csc_scorecard.rating.framework import parse_framework
from csc_scorecard.report.appendix_comparators import comparators_of
from csc_scorecard.report.commentary import AVERAGED_OVER, COUNTED_IN, draft, in_unit
from csc_scorecard.report.executive import materiality
from csc_scorecard.report.facts import Facts, figure_id
from csc_scorecard.report.model import Comparator, Figure
from csc_scorecard.report.subject import period_info
from csc_scorecard.wording import join

Q1, Q4, Y = "2022-Q1", "2021-Q4", "2021-Q1"


def _figure(measure, period, value, unit, n=None, d=None):
    return Figure(
        id=figure_id(measure, period),
        measure=measure,
        title=measure,
        unit=unit,
        period=period,
        value=value,
        numerator=n,
        denominator=d,
        status="ok",
        display=display(value, unit),
        numerator_display=count(n),
        denominator_display=count(d),
        source="case data",
    )


def _draft(item, values, *, rule=None, published=None):
    """Rate one item over Q1, Q4 and Q1 a year earlier and draft its commentary.

    ``values`` maps period -> (value, numerator, denominator)."""
    data = {"name": "F", "authority": "A", "groups": [{"id": "g", "title": "G", "items": [item]}]}
    if rule is not None:
        data["direction_of_travel"] = rule
    framework = parse_framework(data)
    key = item.get("measure") or item["id"]
    figures = {
        figure_id(key, p): _figure(key, p, v, item["unit"], n, d) for p, (v, n, d) in values.items()
    }
    readings = [
        make_reading(item["id"], p, v, numerator=n, denominator=d)
        for p, (v, n, d) in values.items()
    ]
    result = rate_framework(
        framework,
        readings,
        Q1,
        published={key: published.model_dump()} if published else None,
    )
    rated = result.item(item["id"])
    allowances, chance = materiality(framework)
    periods = {
        w: period_info(Quarter.parse(p))
        for w, p in (("current", Q1), ("previous", Q4), ("year_earlier", Y))
    }
    facts = Facts(
        figures,
        periods,
        {key: published} if published else {},
        {},
        "A",
        framework.small_number_threshold,
        allowances,
        chance,
    )
    year_earlier = figures.get(figure_id(key, Y))
    listed = comparators_of(rated, framework.item(item["id"]), published, year_earlier)
    sentences = draft(
        "/appendix/0/rows/0",
        rated,
        facts,
        figures.get(figure_id(key, Q1)),
        figures.get(figure_id(key, Q4)),
        year_earlier,
        listed,
    )
    return join(*sentences).text


ASSESS = {
    "id": "C01",
    "title": "Assessments completed within 45 working days",
    "measure": "assessments_within_45_working_days",
    "unit": "percent",
    "polarity": "higher_better",
    "target": 90,
    "tolerance": 75,
    "comparator": 84.8,
    "comparator_label": "Statistical neighbours, March 2021",
}


def test_a_fall_of_a_fifth_of_a_point_is_similar_not_a_deterioration():
    # The example: 86.9% -> 86.7% read "This is a deterioration". Without counts only
    # the 1-point allowance applies: 0.2 points is within it; 86.9% a year earlier likewise.
    text = _draft(ASSESS, {Q1: (86.7, None, None), Q4: (86.9, None, None), Y: (86.9, None, None)})
    assert text == (
        "At 86.7%, performance is short of the target of 90% but within the tolerance of 75%. "
        "This is similar to Q4 (86.9%) and Q1 2021/22 (86.9%). "
        "Changes of up to 1 percentage point are treated as no change. "
        "It is above the comparator (84.8%, Statistical neighbours, March 2021)."
    )


def test_a_real_fall_is_a_deterioration_and_a_rise_on_the_year_says_so():
    text = _draft(ASSESS, {Q1: (86.7, None, None), Q4: (91.2, None, None), Y: (80, None, None)})
    assert text == (
        "At 86.7%, performance is short of the target of 90% but within the tolerance of 75%. "
        "This is a deterioration from Q4 (91.2%) but better than Q1 2021/22 (80%). "
        "It is above the comparator (84.8%, Statistical neighbours, March 2021)."
    )


def test_within_what_chance_moves_a_percentage_of_its_denominators_is_similar():
    # 102 of 120 (85%) -> 93 of 101 (92.1%): 7.1 points. Pooled p = 195/221 = 0.882;
    # chance moves it by 1.96 * sqrt(0.882 * 0.118 * (1/101 + 1/120)) = 8.5 points: similar.
    text = _draft(ASSESS, {Q1: (92.1, 93, 101), Q4: (85, 102, 120), Y: (92.1, 93, 101)})
    assert text == (
        "At 92.1%, performance meets the target of 90%. "
        "This is similar to Q4 (85%); it is the same as in Q1 2021/22 (92.1%). "
        "The change is within what chance alone can produce on 101 and 120 (95% confidence), "
        "so it is not counted as a change. "
        "It is above the comparator (84.8%, Statistical neighbours, March 2021)."
    )
    # Without the chance test the same change is an improvement.
    strict = _draft(
        ASSESS, {Q1: (92.1, 93, 101), Q4: (85, 102, 120), Y: (92.1, 93, 101)}, rule={"chance": None}
    )
    assert "This is an improvement on Q4 (85%); it is the same as in Q1 2021/22 (92.1%)." in strict


def test_small_numbers_lead_to_caution_and_name_what_is_counted():
    agency = {
        "id": "P22",
        "title": "% of FTE posts covered by agency staff",
        "measure": "agency_fte_rate",
        "unit": "percent",
        "polarity": "lower_better",
        "target": 8,
        "tolerance": 12,
    }
    # 4 of 31.6 FTE = 12.7%, beyond the 12% tolerance (lower is better): red. Numerator and
    # denominator are under 10, so small; 0 of 9.9 FTE a quarter ago.
    text = _draft(
        agency,
        {Q1: (12.7, 4, 31.6), Q4: (0, 0, 9.9), Y: (12.7, 4, 31.6)},
        rule={"chance": None},
    )
    assert text == (
        "At 12.7%, performance is outside the tolerance of 12% (target 8%). "
        "The figure is based on 4 of 31.6 full-time equivalent posts, so a change of one or two "
        "moves it a long way. "
        "This is a deterioration from Q4 (0%); it is the same as in Q1 2021/22 (12.7%). "
        "With numbers this small, the change should be read with caution."
    )


def test_the_unit_decides_the_wording():
    days = {
        "id": "P03",
        "title": "Length of intervention from family support services (days)",
        "unit": "days",
        "polarity": "lower_better",
        "target": 140,
        "tolerance": 180,
    }
    # An average of 882 days over 6 cases is 147 days: quoted as "6 cases", never "882 of 6".
    text = _draft(days, {Q1: (147, 882, 6), Q4: (156, 1560, 10), Y: (150, 1500, 10)})
    assert text == (
        "At 147 days, performance is short of the target of 140 days but within the tolerance "
        "of 180 days. The figure is an average over only 6 cases, so one case more or fewer "
        "moves it a long way. This is better than both Q4 (156) and Q1 2021/22 (150). "
        "With numbers this small, the change should be read with caution."
    )
    fte = {
        "id": "P24",
        "title": "First-time entrants",
        "unit": "rate_per_100000",
        "polarity": "lower_better",
        "target": 194,
        "comparator": 162,
        "comparator_label": "YJS comparator authority group",
    }
    text = _draft(fte, {Q1: (138, 30, 21739), Q4: (124, 27, 21739), Y: (138, 30, 21739)})
    assert text == (
        "At 138 per 100,000, performance meets the target of 194 per 100,000. "
        "This is a deterioration from Q4 (124); it is the same as in Q1 2021/22 (138). "
        "It is below the comparator (162 per 100,000, YJS comparator authority group)."
    )


def test_every_published_comparator_is_placed():
    rereferrals = {
        "id": "P01",
        "title": "Re-referrals within 12 months",
        "measure": "rereferrals_within_12_months",
        "unit": "percent",
        "polarity": "lower_better",
        "target": 22,
        "tolerance": 28,
    }
    published = Comparator(
        measure="rereferrals_within_12_months",
        year=2021,
        year_label="2021/22",
        england=21.5,
        statistical_neighbours=20.1,
        region=19.4,
        england_display="21.5%",
        statistical_neighbours_display="20.1%",
        region_display="19.4%",
    )
    text = _draft(
        rereferrals,
        {Q1: (20.9, None, None), Q4: (20.9, None, None), Y: (24.9, None, None)},
        published=published,
    )
    assert text == (
        "At 20.9%, performance meets the target of 22%. "
        "This is unchanged from Q4 (20.9%); it is better than Q1 2021/22 (24.9%). "
        "It is above statistical neighbours (20.1%) and the region (19.4%), and below England "
        "(21.5%) for 2021/22."
    )


@pytest.mark.parametrize(
    ("text", "unit", "after"),
    [("147", "days", " days"), ("26", "weeks", " weeks"), ("52", "rate_per_10000", " per 10,000")],
)
def test_in_unit(text, unit, after):
    assert in_unit(text, unit) == after
    assert in_unit(text + after, unit) == ""


def test_an_analyst_can_mark_a_figure_under_validation(tmp_path):
    from csc_scorecard.report.commentary import (
        CommentaryFileError,
        apply_status,
        read_commentary,
    )

    path = tmp_path / "commentary.csv"
    path.write_text(
        "measure,period,commentary,author,status\n"
        "C01,2022-Q1,Further data validation underway.,J Smith,under_validation\n"
        "C02,2022-Q1,Above comparator authorities.,J Smith,\n"
        "P08,2022-Q1,The system does not yet record it.,,not_reportable\n",
        encoding="utf-8",
    )
    notes = read_commentary(path)
    assert [c.status for c in notes.values()] == ["under_validation", None, "not_reportable"]
    figures = {
        figure_id(m, p): _figure(m, p, 86.7, "percent", 130, 150)
        for m in ("assessments_within_45_working_days", "C02")
        for p in (Q1, Q4)
    }
    marked = apply_status(figures, notes, {"C01": ["assessments_within_45_working_days"]})
    now = marked["assessments_within_45_working_days:2022-Q1"]
    assert (now.status, now.value, now.display, now.reason) == (
        "not_reportable",
        None,
        "",
        "Data is currently being validated: Further data validation underway.",
    )
    # Only the quarter marked, only the item marked.
    assert marked["assessments_within_45_working_days:2021-Q4"].status == "ok"
    assert marked["C02:2022-Q1"].status == "ok"
    # Rated, the item is not reportable with that reason, and the draft says so.
    text = _draft(ASSESS, {Q1: (86.7, None, None), Q4: (86.9, None, None)})
    assert text.startswith("At 86.7%")
    bad = tmp_path / "bad.csv"
    bad.write_text("measure,period,commentary,status\nC01,2022-Q1,x,checking\n", encoding="utf-8")
    with pytest.raises(CommentaryFileError, match=r"row 2, field status: 'checking' is not one"):
        read_commentary(bad)


def test_a_figure_under_validation_is_reported_as_the_seed_reports_it(tmp_path):
    import report_fixtures as rf

    from csc_scorecard.report.context import build_context
    from csc_scorecard.store import Store

    path = tmp_path / "commentary.csv"
    path.write_text(
        "measure,period,commentary,author,status\n"
        "C03,2022-Q1,Further data validation underway.,J Smith,under_validation\n",
        encoding="utf-8",
    )
    with Store(rf.store_path(), read_only=True) as store:
        ctx = build_context(
            store,
            rf.LA,
            rf.PERIOD,
            framework=rf.FRAMEWORK,
            commentary=path,
            synthetic=True,
            generated_at=rf.GENERATED_AT,
            run=rf.measure_run(),
            allow_commentary_numbers=True,
        )
    row = next(r for g in ctx.appendix for r in g.rows if r.item == "C03")
    why = "Data is currently being validated: Further data validation underway."
    assert (row.status, row.status_label, row.current, row.reason) == (
        "not_reportable",
        "Not reportable",
        "",
        why,
    )
    assert (row.commentary, row.commentary_kind) == ("Further data validation underway.", "analyst")
    summary = next(p for p in ctx.sections[0].paragraphs if "could not be reported" in p.text)
    assert f"C03 {row.title} could not be reported: {why}" in [b.text for b in summary.bullets]
    # Nor does the narrative or the data-quality section quote the figure.
    assert row.measure in {n.measure for n in ctx.data_quality.not_reportable}


def test_every_framework_comparator_and_the_councils_own_outturn_are_placed():
    # Re-referrals 23.1% (lower is better, target 22%, no tolerance: red). The framework lists
    # England 25% (2021/22), statistical neighbours 23.1% (2020/21), Barnsley 18.2% (2020/21)
    # and the council's own figure a year earlier (24.9%, which the travel sentence already
    # places: not said twice). DfE's files give the council's own 2021/22 outturn, 20.3%.
    # Placed on the printed values: below England, in line with the neighbours, above
    # Barnsley and above the outturn; each comparator keeps its own year, as they differ.
    item = {
        "id": "D03",
        "title": "Re-referrals within 12 months",
        "measure": "rereferrals_within_12_months",
        "unit": "percent",
        "polarity": "lower_better",
        "target": 22,
        "comparators": [
            {"id": "england", "label": "England", "year": "2021/22", "basis": "DfE", "value": 25},
            {
                "id": "statistical_neighbours",
                "label": "Statistical neighbours",
                "year": "2020/21",
                "basis": "DfE",
                "value": 23.1,
            },
            {
                "id": "barnsley",
                "label": "Barnsley",
                "year": "2020/21",
                "basis": "DfE",
                "value": 18.2,
            },
            {"id": "own_year_earlier", "label": "A year earlier", "year": "Q1", "basis": "own"},
        ],
    }
    published = Comparator(
        measure="rereferrals_within_12_months",
        year=2022,
        year_label="2021/22",
        outturn=20.3,
        outturn_display="20.3%",
    )
    values = {Q1: (23.1, None, None), Q4: (23.1, None, None), Y: (24.9, None, None)}
    text = _draft(item, values, published=published, rule={"chance": None})
    assert text == (
        "At 23.1%, performance is short of the target of 22%. "
        "This is unchanged from Q4 (23.1%); it is better than Q1 2021/22 (24.9%). "
        "It is below England (25%, 2021/22), in line with statistical neighbours (23.1%, "
        "2020/21), above Barnsley (18.2%, 2020/21), and above the 2021/22 outturn of 20.3%."
    )
    # With one year for all, it is said once; the year-earlier comparator is placed when no
    # travel sentence has placed it (no figure a year earlier to compare with).
    same_year = {**item, "comparators": [{**c, "year": "2021/22"} for c in item["comparators"][:2]]}
    text = _draft(same_year, {Q1: (23.1, None, None)})
    assert text.endswith(
        "It is below England (25%) and in line with statistical neighbours (23.1%) for 2021/22."
    )


def test_a_derived_item_is_drafted_from_its_printed_value():
    # A derived item has no figure of its own; the draft quotes the value the row prints.
    item = {
        "id": "D10",
        "title": "Children in care, excluding UASC",
        "derived": {
            "operation": "difference",
            "of": ["cla_at_period_end", "cla_uasc_at_period_end"],
        },
        "unit": "count",
        "polarity": "information",
    }
    data = {"name": "F", "authority": "A", "groups": [{"id": "g", "title": "G", "items": [item]}]}
    framework = parse_framework(data)
    readings = [
        make_reading("cla_at_period_end", Q1, 34.0),
        make_reading("cla_uasc_at_period_end", Q1, 4.0),
    ]
    rated = rate_framework(framework, readings, Q1).item("D10")
    periods = {
        w: period_info(Quarter.parse(p))
        for w, p in (("current", Q1), ("previous", Q4), ("year_earlier", Y))
    }
    facts = Facts({}, periods, {}, {}, "A")
    sentences = draft("/appendix/0/rows/0", rated, facts, None, None, None, [])
    assert join(*sentences).text == "The figure is 30, reported for information."
    assert [(c.text, c.ref) for c in sentences[0].cites] == [("30", "/appendix/0/rows/0/current")]


def test_what_is_counted_is_named_for_measures_the_catalogue_has():
    # AVERAGED_OVER named adoption_days_court_to_match, a measure the catalogue never had: P15
    # (adoption_days_authority_to_match) read "an average over only 7 cases, so one case more
    # or fewer" in the demo paper, where P14 beside it said "8 children".
    assert set(AVERAGED_OVER) | set(COUNTED_IN) <= set(catalogue())
    match = {
        "id": "P15",
        "title": "Days between court authority to place and a match",
        "measure": "adoption_days_authority_to_match",
        "unit": "days",
        "polarity": "lower_better",
        "target": 121,
    }
    text = _draft(match, {Q1: (104.3, 730, 7)})
    assert (
        "The figure is an average over only 7 children, so one child more or fewer moves it a "
        "long way." in text
    )
