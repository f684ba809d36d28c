"""The rest of the CIN census rules (issue 11), each on a tiny hand-made input with the rows it
must flag worked out by hand; the helpers and census year (2023-24: 1 April 2023 to 31 March
2024) are test_quality_rules_cin's. A case is (tables, expected {(DfE table, row)}); rows are
numbered from 1 in the order given, per table.
"""

from __future__ import annotations

import pytest

try:  # tests/ is not a package: pytest puts it on sys.path
    from test_quality_rules_cin import AS, AT, CD, RF, S4, ST, ass, d, ref, s47
    from test_quality_rules_cin import CASES as FIRST
except ImportError:  # tests/ made a package later
    from tests.test_quality_rules_cin import AS, AT, CD, RF, S4, ST, ass, d, ref, s47
    from tests.test_quality_rules_cin import CASES as FIRST

from csc_scorecard.quality.fixtures import flagged, run_on
from csc_scorecard.quality.rules import rules

CASES = {
    # A: NFA with an ICPC date on the episode and no other group (1). B: NFA with an assessment
    # (2, and assessment 1) and a section 47 enquiry (section 47 row 1). C: an episode that is not
    # NFA with the same activity: nothing.
    "8831": (
        {
            RF: [
                {**ref("A", nfa=True), "icpc_date": d("2023-06-01")},
                ref("B", nfa=True),
                ref("C"),
            ],
            AS: [ass("B", "2023-05-02"), ass("C", "2023-05-02")],
            S4: [s47("B", "2023-05-03"), s47("C", "2023-05-03")],
        },
        {(CD, 1), (CD, 2), (AT, 1), (ST, 1)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code, ret="cin") == expected


def test_every_cin_rule_has_a_case():
    assert sorted(r.code for r in rules("cin")) == sorted({*FIRST, *CASES})


def test_a_rule_over_any_of_its_tables_runs_where_the_others_are_empty():
    """8831 reads referrals, assessments and section 47s and is marked any_rows: on a return
    with no Assessments and no Section47 it still runs (the NFA episode with an ICPC date is
    flagged) and is not listed as not run; 4000 (referrals and plans, not any_rows) is."""
    icpc = d("2023-06-01")
    result = run_on({RF: [{**ref("A", nfa=True), "icpc_date": icpc}]}, ["8831", "4000"], ret="cin")
    assert result.faults.column("rule").to_pylist() == ["8831"]
    assert [r.code for r in result.rules_run] == ["8831"]
    assert [(n.codes, n.reason) for n in result.not_run] == [
        (["4000"], "no cin_plans (plans) rows")
    ]
