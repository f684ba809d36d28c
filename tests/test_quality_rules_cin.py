"""Each CIN census rule on a tiny hand-made input, with the rows it must flag worked out by hand.

Census year 2023-24: 1 April 2023 to the reference date 31 March 2024. A case is (tables,
expected {(DfE table, row)}); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

from datetime import date

import pytest

from csc_scorecard.quality.fixtures import flagged


def d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def ref(cid, referred="2023-05-01", closed=None, *, reason=None, source="1A", nfa=False):
    return {"child_id": cid, "referral_date": d(referred), "closure_date": d(closed),
            "closure_reason": reason, "referral_source": source, "referral_nfa": nfa}  # fmt: skip


def ass(cid, start, authorised=None, referred="2023-05-01"):
    return {"child_id": cid, "start_date": d(start), "authorised_date": d(authorised),
            "referral_date": d(referred)}  # fmt: skip


def s47(cid, start, icpc=None, referred="2023-05-01", *, not_required=False):
    return {"child_id": cid, "start_date": d(start), "icpc_date": d(icpc),
            "referral_date": d(referred), "icpc_not_required": not_required}  # fmt: skip


def plan(cid, start, end=None, referred="2023-05-01"):
    return {
        "child_id": cid,
        "start_date": d(start),
        "end_date": d(end),
        "referral_date": d(referred),
    }


def cpp(cid, start, end=None, *, referred="2023-05-01", initial="NEG", latest="NEG", previous=0):
    return {"child_id": cid, "start_date": d(start), "end_date": d(end), "referral_date": d(referred),
            "initial_category": initial, "latest_category": latest, "previous_plans": previous}  # fmt: skip


def kid(cid, dob="2015-01-01", *, sex="M", ethnicity="WBRI", expected=None, died=None):
    return {"child_id": cid, "date_of_birth": d(dob), "sex": sex, "ethnicity": ethnicity,
            "expected_date_of_birth": d(expected), "date_of_death": d(died)}  # fmt: skip


RF, AS, S4, PL, CP, CH = (
    "referrals",
    "assessments",
    "section47s",
    "cin_plans",
    "cp_plans",
    "children",
)
CD, AT, ST, PT, CT = (
    "CINdetails",
    "Assessments",
    "Section47",
    "CINPlanDates",
    "ChildProtectionPlans",
)

CASES = {
    # blank (unreadable) referral date (1); after 31 March 2024 (2); fine (3).
    "8600": ({RF: [ref("A", None), ref("B", "2024-04-01"), ref("C")]}, {(CD, 1), (CD, 2)}),
    "8620": (
        {
            RF: [
                ref("A", closed="2024-04-01", reason="RC1"),
                ref("B", closed="2023-06-01", reason="RC1"),
                ref("C", "2022-05-01", closed="2023-03-31", reason="RC1"),
            ]
        },
        {(CD, 1), (CD, 3)},
    ),
    "8630": (
        {
            RF: [
                ref("A", "2023-06-01", "2023-05-01", reason="RC1"),
                ref("B", closed="2023-05-01", reason="RC1"),
            ]
        },
        {(CD, 1)},
    ),
    # unknown source (1), blank source (2); before April 2013 not judged (3).
    "8866": (
        {RF: [ref("A", source="ZZ"), ref("B", source=None), ref("C", "2013-03-31", source=None)]},
        {(CD, 1), (CD, 2)},
    ),
    "8805": (
        {RF: [ref("A", closed="2023-06-01"), ref("B", closed="2023-06-01", reason="RC1")]},
        {(CD, 1)},
    ),
    "8810": (
        {RF: [ref("A", reason="RC1"), ref("B", closed="2023-06-01", reason="RC1")]},
        {(CD, 1)},
    ),
    "8640": (
        {
            RF: [
                ref("A", closed="2023-06-01", reason="RC99"),
                ref("B", closed="2023-06-01", reason="RC1"),
            ]
        },
        {(CD, 1)},
    ),
    # A has two open episodes (both flagged); B's second open one is an NFA referral.
    "8815": (
        {
            RF: [
                ref("A", "2023-05-01"),
                ref("A", "2023-08-01"),
                ref("B", "2023-05-01"),
                ref("B", "2023-08-01", nfa=True),
            ]
        },
        {(CD, 1), (CD, 2)},
    ),
    # A's second episode starts before the first closes (2); B's starts the day it closes.
    "8820": (
        {
            RF: [
                ref("A", "2023-05-01", "2023-09-01", reason="RC1"),
                ref("A", "2023-08-01"),
                ref("B", "2023-05-01", "2023-09-01", reason="RC1"),
                ref("B", "2023-09-01"),
            ]
        },
        {(CD, 2)},
    ),
    "1103": ({AS: [ass("A", "2023-04-30"), ass("B", "2023-05-01")]}, {(AT, 1)}),
    "8608": (
        {AS: [ass("A", "2023-06-01", "2023-05-31"), ass("B", "2023-06-01", "2023-06-01")]},
        {(AT, 1)},
    ),
    "8696": (
        {AS: [ass("A", "2023-02-01", "2023-03-31"), ass("B", "2023-06-01", "2023-07-01")]},
        {(AT, 1)},
    ),
    # open assessment started before the year (1); open and in the year (2); completed (3).
    "8736": (
        {
            AS: [
                ass("A", "2023-03-01", referred="2023-02-01"),
                ass("B", "2023-06-01"),
                ass("C", "2023-03-01", "2023-05-01", referred="2023-02-01"),
            ]
        },
        {(AT, 1)},
    ),
    "2889": ({S4: [s47("A", "2023-04-30"), s47("B", "2023-05-01")]}, {(ST, 1)}),
    "1104": (
        {S4: [s47("A", "2023-05-01", "2023-04-28"), s47("B", "2023-05-01", "2023-05-10")]},
        {(ST, 1)},
    ),
    # start after the conference (1); conference without a start (2).
    "8615": (
        {
            S4: [
                s47("A", "2023-05-20", "2023-05-10"),
                s47("B", None, "2023-05-10"),
                s47("C", "2023-05-02", "2023-05-10"),
            ]
        },
        {(ST, 1), (ST, 2)},
    ),
    "8715": (
        {S4: [s47("A", "2023-05-01", "2024-04-02"), s47("B", "2023-05-01", "2023-05-10")]},
        {(ST, 1)},
    ),
    # 2023-05-13 is a Saturday; 2023-05-15 a Monday.
    "8875": (
        {S4: [s47("A", "2023-05-01", "2023-05-13"), s47("B", "2023-05-01", "2023-05-15")]},
        {(ST, 1)},
    ),
    "4010": (
        {PL: [plan("A", None), plan("B", "2024-04-01"), plan("C", "2023-06-01")]},
        {(PT, 1), (PT, 2)},
    ),
    "4011": (
        {PL: [plan("A", "2023-06-01", "2023-05-31"), plan("B", "2023-06-01", "2023-06-01")]},
        {(PT, 1)},
    ),
    "4013": (
        {PL: [plan("A", "2023-01-01", "2023-03-31"), plan("B", "2023-06-01", "2023-07-01")]},
        {(PT, 1)},
    ),
    # A's second plan starts on the day the first ends (overlap: on or before); B's after.
    "4014": (
        {
            PL: [
                plan("A", "2023-06-01", "2023-07-01"),
                plan("A", "2023-07-01"),
                plan("B", "2023-06-01", "2023-07-01"),
                plan("B", "2023-07-02"),
            ]
        },
        {(PT, 2)},
    ),
    "4015": ({PL: [plan("A", "2023-04-30"), plan("B", "2023-05-01")]}, {(PT, 1)}),
    "1105": ({CP: [cpp("A", "2023-04-30"), cpp("B", "2023-05-01")]}, {(CT, 1)}),
    "8720": (
        {CP: [cpp("A", None), cpp("B", "2024-04-01"), cpp("C", "2023-06-01")]},
        {(CT, 1), (CT, 2)},
    ),
    "8925": (
        {CP: [cpp("A", "2023-06-01", "2023-05-31"), cpp("B", "2023-06-01", "2023-06-02")]},
        {(CT, 1)},
    ),
    "8930": (
        {CP: [cpp("A", "2023-01-01", "2023-03-31"), cpp("B", "2023-06-01", "2023-07-01")]},
        {(CT, 1)},
    ),
    "8935": (
        {CP: [cpp("A", "2023-06-01"), cpp("A", "2023-08-01"), cpp("B", "2023-06-01")]},
        {(CT, 1), (CT, 2)},
    ),
    "8940": (
        {
            CP: [
                cpp("A", "2023-06-01", "2023-09-01"),
                cpp("A", "2023-08-01", "2023-10-01"),
                cpp("B", "2023-06-01", "2023-07-01"),
                cpp("B", "2023-08-01"),
            ]
        },
        {(CT, 2)},
    ),
    "8840": (
        {CP: [cpp("A", "2023-06-01", "2023-06-01"), cpp("B", "2023-06-01", "2023-06-02")]},
        {(CT, 1)},
    ),
    "8730": ({CP: [cpp("A", "2023-06-01", previous=None), cpp("B", "2023-06-01")]}, {(CT, 1)}),
    "8905": (
        {
            CP: [
                cpp("A", "2023-06-01", initial="XXX"),
                cpp("B", "2023-06-01", initial=None),
                cpp("C", "2023-06-01"),
            ]
        },
        {(CT, 1), (CT, 2)},
    ),
    "8910": ({CP: [cpp("A", "2023-06-01", latest="XXX"), cpp("B", "2023-06-01")]}, {(CT, 1)}),
    "8841": (
        {
            "cp_reviews": [
                {
                    "child_id": "A",
                    "plan_start_date": d("2023-06-01"),
                    "review_date": d("2023-06-01"),
                },
                {
                    "child_id": "B",
                    "plan_start_date": d("2023-06-01"),
                    "review_date": d("2023-06-02"),
                },
            ]
        },
        {("Reviews", 1)},
    ),
    "8520": ({CH: [kid("A", "2024-04-01"), kid("B", "2024-03-31")]}, {("ChildIdentifiers", 1)}),
    "4180": ({CH: [kid("A", sex=None), kid("B")]}, {("ChildIdentifiers", 1)}),
    "4220": ({CH: [kid("A", ethnicity="XXXX"), kid("B")]}, {("ChildIdentifiers", 1)}),
    # the same LAchildID twice in one return: both rows.
    "8510": (
        {CH: [kid("A"), kid("A"), kid("B")]},
        {("ChildIdentifiers", 1), ("ChildIdentifiers", 2)},
    ),
    # both dates (1); neither (2); one (3).
    "8525Q": (
        {CH: [kid("A", expected="2015-01-01"), kid("B", None), kid("C")]},
        {("ChildIdentifiers", 1), ("ChildIdentifiers", 2)},
    ),
    # Two open plans in A's episode (both); B's second open plan is in another episode (2023-08-01).
    "4004": (
        {
            PL: [
                plan("A", "2023-06-01"),
                plan("A", "2023-07-01"),
                plan("A", "2023-05-02", "2023-05-20"),
                plan("B", "2023-06-01"),
                plan("B", "2023-09-01", referred="2023-08-01"),
            ]
        },
        {(PT, 1), (PT, 2)},
    ),
    "4012Q": (
        {PL: [plan("A", "2023-06-01", "2023-06-01"), plan("B", "2023-06-01", "2023-06-02")]},
        {(PT, 1)},
    ),
    # A: two open assessments in one episode (both); B: one open, one completed.
    "8896": (
        {
            AS: [
                ass("A", "2023-05-02"),
                ass("A", "2023-06-01"),
                ass("B", "2023-05-02"),
                ass("B", "2023-06-01", "2023-06-20"),
            ]
        },
        {(AT, 1), (AT, 2)},
    ),
    # A: two enquiries with no conference (both); B: the second needs none; C: one held.
    "8839": (
        {
            S4: [
                s47("A", "2023-05-02"),
                s47("A", "2023-06-01"),
                s47("B", "2023-05-02"),
                s47("B", "2023-06-01", not_required=True),
                s47("C", "2023-05-02"),
                s47("C", "2023-06-01", "2023-06-10"),
            ]
        },
        {(ST, 1), (ST, 2)},
    ),
    # No conference, one due, started before 1 April 2023 (1); the same but none needed (2);
    # conference held (3); started in the year (4).
    "8740": (
        {
            S4: [
                s47("A", "2023-03-20", referred="2023-03-01"),
                s47("B", "2023-03-20", referred="2023-03-01", not_required=True),
                s47("C", "2023-03-20", "2023-04-05", referred="2023-03-01"),
                s47("D", "2023-05-02"),
            ]
        },
        {(ST, 1)},
    ),
    # A's episode closed with an assessment not authorised (2); B's episode is still open (4);
    # C's closed episode has its assessment authorised (6).
    "8867": (
        {
            RF: [
                ref("A", closed="2023-07-01", reason="RC1"),
                ref("B"),
                ref("C", closed="2023-07-01", reason="RC1"),
            ],
            AS: [
                ass("A", "2023-05-02", "2023-05-20"),
                ass("A", "2023-06-01"),
                ass("B", "2023-05-02"),
                ass("C", "2023-05-02", "2023-06-01"),
            ],
        },
        {(AT, 2)},
    ),
    # Closed episodes: A neither conference nor flag (1), B both (2), C conference (3), D flag
    # (4); E's open episode is not judged (5).
    "8868": (
        {
            RF: [ref(c, closed="2023-07-01", reason="RC1") for c in "ABCD"] + [ref("E")],
            S4: [
                s47("A", "2023-05-02"),
                s47("B", "2023-05-02", "2023-05-10", not_required=True),
                s47("C", "2023-05-02", "2023-05-10"),
                s47("D", "2023-05-02", not_required=True),
                s47("E", "2023-05-02"),
            ],
        },
        {(ST, 1), (ST, 2)},
    ),
    # Referred 281 days before birth (A, 2023-05-01 + 281 = 2024-02-06); 280 days before
    # (B, born 2024-02-05) is not flagged; unborn C expected 2024-03-01 (305 days after).
    "8606": (
        {
            CH: [
                kid("A", "2024-02-06"),
                kid("B", "2024-02-05"),
                kid("C", None, expected="2024-03-01"),
            ],
            RF: [ref("A"), ref("B"), ref("C")],
        },
        {(CD, 1), (CD, 3)},
    ),
    # Born 1999-03-30 (A: over 25 at 31 March 2024, episode open); B the same age but closed
    # before the 25th birthday; C born 1999-03-31 (exactly 25 years: not over).
    "8775Q": (
        {
            CH: [kid("A", "1999-03-30"), kid("B", "1999-03-30"), kid("C", "1999-03-31")],
            RF: [
                ref("A", "2023-05-01"),
                ref("B", "2023-05-01", "2023-06-01", reason="RC1"),
                ref("C", "2023-05-01"),
            ],
        },
        {("ChildIdentifiers", 1)},
    ),
    # A's open episode of 1 May is not the latest (1 August): flagged; B's older open episode is
    # an NFA referral; C's older one is closed.
    "8816": (
        {
            RF: [
                ref("A", "2023-05-01"),
                ref("A", "2023-08-01"),
                ref("B", "2023-05-01", nfa=True),
                ref("B", "2023-08-01"),
                ref("C", "2023-05-01", "2023-07-01", reason="RC1"),
                ref("C", "2023-08-01"),
            ]
        },
        {(CD, 1)},
    ),
    # A's ReferralNFA blank (or unreadable); B's false.
    "8568": ({RF: [ref("A", nfa=None), ref("B")]}, {(CD, 1)}),
    # A plan in A's NFA episode (1); B's episode is not NFA (2); C's NFA episode is another one.
    "4000": (
        {
            RF: [
                ref("A", nfa=True),
                ref("B"),
                ref("C", "2023-05-01", nfa=True),
                ref("C", "2023-08-01"),
            ],
            PL: [
                plan("A", "2023-06-01"),
                plan("B", "2023-06-01"),
                plan("C", "2023-09-01", referred="2023-08-01"),
            ],
        },
        {(PT, 1)},
    ),
    "8832": (
        {
            RF: [ref("A", nfa=True), ref("B")],
            CP: [cpp("A", "2023-06-01"), cpp("B", "2023-06-01")],
        },
        {(CT, 1)},
    ),
    # died before birth (A), died with no birth date (B), died after birth (C), alive (D).
    "8535Q": (
        {
            CH: [
                kid("A", "2015-01-01", died="2014-12-31"),
                kid("B", None, died="2023-06-01"),
                kid("C", "2015-01-01", died="2023-06-01"),
                kid("D"),
            ]
        },
        {("ChildIdentifiers", 1), ("ChildIdentifiers", 2)},
    ),
    # A died 30 April, referred 1 May; B died on the day of referral; C alive.
    "8555Q": (
        {
            CH: [kid("A", died="2023-04-30"), kid("B", died="2023-05-01"), kid("C")],
            RF: [ref("A"), ref("B"), ref("C")],
        },
        {(CD, 1)},
    ),
    "4008": (
        {
            CH: [kid("A", died="2023-06-01"), kid("B", died="2023-06-01")],
            PL: [plan("A", "2023-06-02"), plan("B", "2023-06-01")],
        },
        {(PT, 1)},
    ),
    "4009Q": (
        {
            CH: [kid("A", died="2023-06-01"), kid("B", died="2023-06-01")],
            PL: [plan("A", "2023-05-02", "2023-06-02"), plan("B", "2023-05-02", "2023-06-01")],
        },
        {(PT, 1)},
    ),
    "8915": (
        {
            CH: [kid("A", died="2023-06-01"), kid("B", died="2023-06-01")],
            CP: [cpp("A", "2023-06-02"), cpp("B", "2023-06-01")],
        },
        {(CT, 1)},
    ),
    "8920": (
        {
            CH: [kid("A", died="2023-06-01"), kid("B", died="2023-06-01")],
            CP: [cpp("A", "2023-05-02", "2023-06-02"), cpp("B", "2023-05-02", "2023-06-01")],
        },
        {(CT, 1)},
    ),
    # A's second assessment starts (1 June) before the first is authorised (10 June); B's
    # starts after; C's first is open, so the second (1 June) starts while it is ongoing; D's
    # two rows are one assessment given twice.
    "8863Q": (
        {
            AS: [
                ass("A", "2023-05-02", "2023-06-10"),
                ass("A", "2023-06-01", "2023-06-20"),
                ass("B", "2023-05-02", "2023-05-20"),
                ass("B", "2023-06-01"),
                ass("C", "2023-05-02"),
                ass("C", "2023-06-01", "2023-06-20"),
                ass("D", "2023-05-02"),
                ass("D", "2023-05-02"),
            ]
        },
        {(AT, 2), (AT, 6)},
    ),
    # A's second enquiry starts before the first's conference; B's first needed no conference;
    # C's first is open (no conference, one due), so the second starts while it is ongoing.
    "8890": (
        {
            S4: [
                s47("A", "2023-05-02", "2023-06-10"),
                s47("A", "2023-06-01", "2023-06-20"),
                s47("B", "2023-05-02", not_required=True),
                s47("B", "2023-06-01", "2023-06-20"),
                s47("C", "2023-05-02"),
                s47("C", "2023-06-01", "2023-06-20"),
            ]
        },
        {(ST, 2), (ST, 6)},
    ),
    # A: open CIN plan and open protection plan in one episode (1); B's protection plan ended;
    # C's open protection plan is in another episode (referred 1 August).
    "4001": (
        {
            PL: [plan("A", "2023-06-01"), plan("B", "2023-06-01"), plan("C", "2023-06-01")],
            CP: [
                cpp("A", "2023-06-01"),
                cpp("B", "2023-05-02", "2023-05-30"),
                cpp("C", "2023-09-01", referred="2023-08-01"),
            ],
        },
        {(PT, 1)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code, ret="cin") == expected
