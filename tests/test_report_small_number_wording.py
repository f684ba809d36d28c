"""Issue 12, defect 4: the small-number sentence of draft commentary follows the item's unit.

An average of days is a total of days over a number of children: "based on 2,209 of 8" (days
of children) is wrong; it is "an average over only 8 children". A rate counts children in a
population of thousands: only the children are quoted. Fixture authority: tests/report_fixtures.py.
"""

from __future__ import annotations

import report_fixtures as rf


def _drafted():
    rows = [r for g in rf.report_context().appendix for r in g.rows]
    return {r.item: r for r in rows if r.small_numbers and r.commentary_kind == "draft"}


def test_each_unit_has_its_own_small_number_sentence():
    rows = _drafted()
    by_unit = {
        unit: [r for r in rows.values() if r.unit == unit]
        for unit in ("percent", "days", "rate_per_100000")
    }
    assert all(by_unit.values()), {u: len(r) for u, r in by_unit.items()}
    counted_in = {"P22": " full-time equivalent posts", "P23": " full-time equivalent staff"}
    counted_in |= {"C10": " audits", "P21": " audits", "C11": " staff"}
    for r in by_unit["percent"]:
        assert (
            f"The figure is based on {r.numerator} of {r.denominator}"
            f"{counted_in.get(r.item, '')}, so a change of one or two moves it a long way."
        ) in r.commentary, r.commentary
    for r in by_unit["days"]:
        # P03 is family support interventions: an average over cases, not children.
        assert (
            f"The figure is an average over only {r.denominator} cases, so one case more or "
            "fewer moves it a long way."
        ) in r.commentary, r.commentary
        assert f"based on {r.numerator} of" not in r.commentary
    for r in by_unit["rate_per_100000"]:
        sentence = (
            f"The figure counts only {r.numerator} children, so a change of one or two moves it "
            "a long way."
        )
        assert sentence in r.commentary, r.commentary
        assert r.denominator not in sentence


def test_a_count_of_full_time_equivalents_keeps_its_decimal():
    p22 = _drafted()["P22"]  # agency FTE of 31.6 FTE social worker posts filled
    assert (p22.numerator, p22.denominator) == ("4", "31.6")
    assert "based on 4 of 31.6 full-time equivalent posts" in p22.commentary


def test_the_averaged_figure_cites_the_denominator():
    p03 = _drafted()["P03"]  # average days, 6 cases in the fixture
    sentence = next(s for s in p03.commentary_sentences if s.text.startswith("The figure is"))
    assert [c.ref.rsplit("/", 1)[-1] for c in sentence.cites] == ["denominator"]
