"""SSDA903 OC2 item rules (SDQ score and reason, the 0/1 health and substance misuse items, who
should have them), each on a tiny hand-made input with the rows it must flag worked out by hand
(`quality/rules/ssda903/oc2_items.py`).

Collection year 2023-24 (1 April 2023 to 31 March 2024). "Looked after continuously": a single
episode open since 1 January 2021 (`cla`); not: one starting 1 June 2023 (`new`). Children are
born 1 June 2012 (11 all year) unless a case says otherwise. A case is (tables, expected
{(DfE table, row)}, issues); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, H, child, ep
from test_quality_rules_903_oc2 import OC2, cla, new, oc2

from csc_scorecard.model.batch import Issue
from csc_scorecard.quality.fixtures import flagged

# The four items every child looked after for 12 months has, all given.
CORE = {"immunisations": True, "teeth_check": True, "health_assessment": True,
        "substance_misuse": False}  # fmt: skip


def issue(rule, row, column, value):
    return Issue(rule, "bad", table=OC2, row=row, column=column, value=value)


def two(a, b, *, eps=(cla, cla), dob=("2012-06-01", "2012-06-01")):
    """Children A (OC2 row 1, flagged) and B (row 2), with episodes `eps`, born on `dob`."""
    return (
        {
            H: [child("A", dob=dob[0]), child("B", dob=dob[1])],
            E: [eps[0]("A"), eps[1]("B")],
            OC2: [oc2("A", **a), oc2("B", **b)],
        },
        {("OC2", 1)},
    )


CASES = {
    # A's score was 45 (out of range: NULL + issue); B's 40 is the top of the scale.
    "180": (*two({}, {"sdq_score": 40}), [issue("out_of_range", 1, "sdq_score", "45")]),
    # A's TEETH_CHECK was "maybe"; B's items are 0/1.
    "181": (*two({}, {"teeth_check": True}), [issue("invalid_boolean", 1, "teeth_check", "maybe")]),
    # SDQ6 is no reason code; SDQ5 is.
    "196": two({"sdq_reason": "SDQ6"}, {"sdq_reason": "SDQ5"}),
    # A has a score and a reason; B only a score.
    "197a": two({"sdq_score": 12, "sdq_reason": "SDQ4"}, {"sdq_score": 12}),
    # Received an intervention (A) with the offered item given; B received one, offered blank.
    "158": two(
        {"substance_misuse": True, "intervention_received": True, "intervention_offered": True},
        {"substance_misuse": True, "intervention_received": True},
    ),
    # A misuse, no intervention received, offered blank; B has offered given.
    "159": two(
        {"substance_misuse": True, "intervention_received": False},
        {"substance_misuse": True, "intervention_received": False, "intervention_offered": True},
    ),
    # A misuse with received blank; B with it given.
    "192": two(
        {"substance_misuse": True},
        {"substance_misuse": True, "intervention_received": False},
    ),
    # A: no misuse but an intervention offered; B: misuse and an intervention received.
    "193": two(
        {"substance_misuse": False, "intervention_offered": False},
        {"substance_misuse": True, "intervention_received": True},
    ),
    # A has a conviction item but no teeth check; B has the four core items and the conviction.
    "182": two(CORE | {"teeth_check": None, "convicted": False}, CORE | {"convicted": False}),
    # A score for A, in care only from June (not continuously); B looked after all year.
    "185": two({"sdq_score": 10}, {"sdq_score": 10}, eps=(new, cla)),
    # A reason for A, in care only from June; B looked after all year.
    "198": two({"sdq_reason": "SDQ2"}, {"sdq_reason": "SDQ2"}, eps=(new, cla)),
    # A health item for A, in care only from June; B looked after all year.
    "190": two({"health_check": True}, {"health_check": True}, eps=(new, cla)),
    # A (11) has neither score nor reason; B (born 1 June 2019: 3 on 1 April 2023) needs none.
    "186": two({}, {}, dob=("2012-06-01", "2019-06-01")),
    # A turns 4 on 1 June 2024 (after 31 March) and has a score; B turned 4 on 1 March 2024.
    "188": two({"sdq_score": 8}, {"sdq_score": 8}, dob=("2020-06-01", "2020-03-01")),
    # A (OC2 row 1) lacks the immunisations item; C has no OC2 row: its first episode
    # (Episodes row 4; a placement change on 1 June continues it) is flagged; B has every item;
    # D has no OC2 row but came into care in June.
    "191": (
        {
            H: [child("A"), child("B"), child("C"), child("D")],
            E: [
                cla("A"),
                cla("B"),
                new("D"),
                ep("C", "2021-01-01", "2023-06-01", rec="X1"),
                ep("C", "2023-06-01", rne="P", place="U3"),
            ],
            OC2: [oc2("A", **(CORE | {"immunisations": None})), oc2("B", **CORE)],
        },
        {("OC2", 1), ("Episodes", 4)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected, *issues = CASES[code]
    assert flagged(tables, code, issues=issues[0] if issues else None) == expected
