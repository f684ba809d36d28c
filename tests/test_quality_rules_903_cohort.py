"""SSDA903 rules on the OC3 (care leavers) cohort, each on a tiny hand-made input with the rows
it must flag worked out by hand (`quality/rules/ssda903/oc3_cohort.py`).

Collection year 2023-24 (1 April 2023 to 31 March 2024). A case is (tables, expected
{(DfE table, row)}); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, H, O, child, d, ep, oc3

from csc_scorecard.quality.fixtures import flagged

AD = "adoptions"


def ad1(cid, decided="2023-01-01", matched="2023-02-01"):
    return {
        "child_id": cid,
        "adm_decision_date": d(decided),
        "matched_date": d(matched),
        "foster_carer_adoption": False,
        "number_adopters": 2,
        "sex_adopters": "MF",
        "ls_adopters": "L0",
    }


CASES = {
    # A died in care (E2) and has an OC3 row (1); B was adopted (2).
    "1000": (
        {
            E: [
                ep("A", "2023-05-01", "2023-06-01", rec="E2"),
                ep("B", "2023-05-01", "2023-06-01", rec="E11"),
            ],
            O: [oc3("A", "DIED", "0", "0"), oc3("B")],
        },
        {("OC3", 1)},
    ),
    # Born 1 June 2006: 17 on 1 June 2023, still 17 on 31 March 2024. A was in care across the
    # birthday (episode 1 May to 1 September 2023) and has OC3 data: flagged. B's care ended the
    # day before the birthday; C was in care on it but its OC3 row is blank.
    "1007": (
        {
            H: [
                child("A", dob="2006-06-01"),
                child("B", dob="2006-06-01"),
                child("C", dob="2006-06-01"),
            ],
            E: [
                ep("A", "2023-05-01", "2023-09-01", rec="E11"),
                ep("B", "2023-05-01", "2023-05-31", rec="E11"),
                ep("C", "2023-05-01", "2023-09-01", rec="E11"),
            ],
            O: [oc3("A"), oc3("B"), oc3("C", None, None, None)],
        },
        {("OC3", 1)},
    ),
    # A's last episode ended E3 (care transferred to another authority): flagged. B's E3
    # episode is followed by another, so it is not B's last.
    "1011": (
        {
            E: [
                ep("A", "2023-04-01", "2023-05-01", rne="S", rec="X1"),
                ep("A", "2023-05-01", "2023-06-01", rne="P", rec="E3"),
                ep("B", "2023-04-01", "2023-05-01", rec="E3"),
                ep("B", "2023-07-01"),
            ],
            O: [oc3("A"), oc3("B")],
        },
        {("OC3", 1)},
    ),
    # A is UASC, left care in 2022 (no episode open in 2023-24) and has OC3 data: the OC3 row
    # and the Header row holding the UASC status. B, UASC too, is looked after in the year.
    "1014": (
        {
            H: [child("A", uasc=True), child("B", uasc=True)],
            E: [ep("A", "2021-01-01", "2022-01-01", rec="E11"), ep("B", "2023-05-01")],
            O: [oc3("A"), oc3("B")],
        },
        {("OC3", 1), ("Header", 1)},
    ),
    # Born 1 June 2006: 17 at 31 March 2024. A's episode ceased 1 July 2023, after the 17th
    # birthday: flagged. B's ceased 1 May 2023, before it.
    "1016": (
        {
            H: [child("A", dob="2006-06-01"), child("B", dob="2006-06-01")],
            E: [
                ep("A", "2023-04-01", "2023-07-01", rec="E11"),
                ep("B", "2023-04-01", "2023-05-01", rec="E11"),
            ],
            O: [oc3("A"), oc3("B")],
        },
        {("OC3", 1)},
    ),
    # DIED with an activity (1) and RHOM with a blank activity (3) are flagged; DIED with 0 and
    # 0 (2) is right.
    "344": (
        {
            O: [
                oc3("A", "DIED", "F1", "0"),
                oc3("B", "DIED", "0", "0"),
                oc3("C", "RHOM", None, "0"),
            ]
        },
        {("OC3", 1), ("OC3", 3)},
    ),
    "345": (
        {O: [oc3("A", "YES", "0", "B1"), oc3("B", "YES", "F1", "B1"), oc3("C", "NO", "0", "0")]},
        {("OC3", 1)},
    ),
    # A's 17th birthday (1 June 2023) is in the year and A lives with former foster carers (Z1):
    # flagged. B turned 18 in the year (staying put): fine.
    "3001": (
        {
            H: [child("A", dob="2006-06-01"), child("B", dob="2005-06-01")],
            O: [oc3("A", accom="Z1"), oc3("B", accom="Z1")],
        },
        {("OC3", 1)},
    ),
    # A turns 17 on 1 June 2024, after the year: flagged. B turns 17 on 31 March 2024.
    "391": (
        {
            H: [child("A", dob="2007-06-01"), child("B", dob="2007-03-31")],
            O: [oc3("A"), oc3("B")],
        },
        {("OC3", 1)},
    ),
    # A was adopted in the year (AD1) and has a completed OC3 row: the AD1 row is flagged.
    # B was adopted and has no OC3 row.
    "134": (
        {AD: [ad1("A"), ad1("B")], O: [oc3("A")]},
        {("AD1", 1)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code) == expected
