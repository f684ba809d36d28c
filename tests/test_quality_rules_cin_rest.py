"""The rest of the CIN census rules (issue 11), each on a tiny hand-made input with the rows it
must flag worked out by hand; the helpers and census year (2023-24: 1 April 2023 to 31 March
2024) are test_quality_rules_cin's. A case is (tables, expected {(DfE table, row)}); rows are
numbered from 1 in the order given, per table.
"""

from __future__ import annotations

import pytest

try:  # tests/ is not a package: pytest puts it on sys.path
    from test_quality_rules_cin import (
        AS,
        AT,
        CD,
        CH,
        CP,
        CT,
        PL,
        PT,
        RF,
        S4,
        ST,
        ass,
        cpp,
        d,
        kid,
        plan,
        ref,
        s47,
    )
    from test_quality_rules_cin import CASES as FIRST
    from test_quality_rules_cin_header import RULES as HEADER_RULES
except ImportError:  # tests/ made a package later
    from tests.test_quality_rules_cin import (
        AS,
        AT,
        CD,
        CH,
        CP,
        CT,
        PL,
        PT,
        RF,
        S4,
        ST,
        ass,
        cpp,
        d,
        kid,
        plan,
        ref,
        s47,
    )
    from tests.test_quality_rules_cin import CASES as FIRST
    from tests.test_quality_rules_cin_header import RULES as HEADER_RULES

from csc_scorecard.quality.fixtures import flagged, run_on
from csc_scorecard.quality.rules import rules

CI, RV, REVIEWS = "ChildIdentifiers", "Reviews", "cp_reviews"
UPN = "Y371601219750"  # check letter Y: (2*3 + 3*7 + 4*1 + ... + 13*0) % 23 = 21 = Y


def child(cid, **values):
    return {**kid(cid), **values}


def need(cid, code, *, nfa=False):
    return {**ref(cid, nfa=nfa), "primary_need_code": code}


def factors(cid, codes, authorised="2023-05-10", referred="2023-05-01"):
    return {**ass(cid, "2023-05-02", authorised, referred), "factors": codes}


def review(cid, plan_start, day):
    return {"child_id": cid, "plan_start_date": d(plan_start), "review_date": d(day)}


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
    # identifiers.py -------------------------------------------------------------------------
    "8500": ({CH: [child(""), child("B")]}, {(CI, 1)}),
    # 21 characters (1), 20 (2); census 2024-25 on.
    "1570": ({CH: [child("A" * 21), child("B" * 20)]}, {(CI, 1)}, {"year": 2025}),
    "1580": ({CH: [child("AB-1"), child("AB1")]}, {(CI, 1)}, {"year": 2025}),
    # B has no CINdetails.
    "8590": ({CH: [child("A"), child("B")], RF: [ref("A")]}, {(CI, 2)}),
    # wrong check letter (1); right (2); not 12 digits after the letter, not judged (3).
    "1510": (
        {
            CH: [
                child("A", upn="A371601219750"),
                child("B", upn=UPN),
                child("C", upn="A37160121975X"),
            ]
        },
        {(CI, 1)},
    ),
    # A and B share a UPN; C and D share UPNunknown UN2, which is no UPN.
    "1520": (
        {
            CH: [
                child("A", upn=UPN),
                child("B", upn=UPN),
                child("C", upn="UN2"),
                child("D", upn="UN2"),
            ]
        },
        {(CI, 1), (CI, 2)},
    ),
    # 999 is no LA code (1); 371 is (2); 942 is one from 2023-24 (3).
    "1530": (
        {
            CH: [
                child("A", upn="Y999601219750"),
                child("B", upn=UPN),
                child("C", upn="Y942601219750"),
            ]
        },
        {(CI, 1)},
    ),
    # X at character 6 (1); fine (2); too short to have characters 5-12 (3).
    "1540": (
        {CH: [child("A", upn="Y3716X1219750"), child("B", upn=UPN), child("C", upn="Y37")]},
        {(CI, 1), (CI, 3)},
    ),
    # I at character 13 (1); A is allowed (2).
    "1550": (
        {CH: [child("A", upn="Y37160121975I"), child("B", upn="Y37160121975A")]},
        {(CI, 1)},
    ),
    # a letter at the end (1), a digit first (2); letter and 12 digits (3).
    "1560Q": (
        {
            CH: [
                child("A", former_upn="Y37160121975A"),
                child("B", former_upn="1371601219750"),
                child("C", former_upn=UPN),
            ]
        },
        {(CI, 1), (CI, 2)},
    ),
    # Census 2023-24: school age is born on or before 31 March 2018. A: born that day, no UPN,
    # further action (1). B: born a day later. C: UN1 (not of school age) at 14 (3). D: UN2.
    # E: no UPN, but only a referral with no further action.
    "8770Q": (
        {
            CH: [
                child("A", date_of_birth=d("2018-03-31")),
                child("B", date_of_birth=d("2018-04-01")),
                child("C", date_of_birth=d("2010-01-01"), upn="UN1"),
                child("D", date_of_birth=d("2010-01-01"), upn="UN2"),
                child("E", date_of_birth=d("2010-01-01")),
            ],
            RF: [ref("A"), ref("B"), ref("C"), ref("D"), ref("E", nfa=True)],
        },
        {(CI, 1), (CI, 3)},
    ),
    # A: UN7 with a referral going on to further action (1); B: UN7, every referral NFA.
    "8772": (
        {CH: [child("A", upn="UN7"), child("B", upn="UN7")], RF: [ref("A"), ref("B", nfa=True)]},
        {(CI, 1)},
    ),
    # unborn and sex M (1); unborn and U (2); born (3).
    "8750": (
        {
            CH: [
                kid("A", None, expected="2024-05-01"),
                kid("B", None, sex="U", expected="2024-05-01"),
                kid("C", sex="M", expected="2024-05-01"),
            ]
        },
        {(CI, 1)},
    ),
    # reference date 31 March 2024: on or before 1 March 2024 (1), or on or after 31 December
    # 2024 (3), is outside; 2 March (2) and 30 December (4) are inside.
    "8530Q": (
        {
            CH: [
                kid("A", None, expected="2024-03-01"),
                kid("B", None, expected="2024-03-02"),
                kid("C", None, expected="2024-12-31"),
                kid("D", None, expected="2024-12-30"),
            ]
        },
        {(CI, 1), (CI, 3)},
    ),
    "8545Q": (
        {
            CH: [
                kid("A", died="2023-03-31"),
                kid("B", died="2023-04-01"),
                kid("C", died="2024-04-01"),
            ]
        },
        {(CI, 1), (CI, 3)},
    ),
    # A: closed RC2 (died), no date of death: the episode and the child; B has a date of death.
    "8585Q": (
        {
            CH: [kid("A"), kid("B", died="2023-06-01")],
            RF: [
                ref("A", closed="2023-06-01", reason="RC2"),
                ref("B", closed="2023-06-01", reason="RC2"),
            ],
        },
        {(CD, 1), (CI, 1)},
    ),
    # plans.py -------------------------------------------------------------------------------
    # A: the same ICPC date on the episode and its enquiry (both); B: different days.
    "2884": (
        {
            RF: [
                {**ref("A"), "icpc_date": d("2023-06-01")},
                {**ref("B"), "icpc_date": d("2023-06-01")},
            ],
            S4: [s47("A", "2023-05-10", "2023-06-01"), s47("B", "2023-05-10", "2023-06-02")],
        },
        {(CD, 1), (ST, 1)},
    ),
    # A: plan starts on its enquiry's ICPC. B: not (2). C: no enquiry, starts on the episode's
    # ICPC. D: no enquiry, no ICPC (4). E: started before the census year, not judged.
    "2885": (
        {
            RF: [
                ref("A"),
                ref("B"),
                {**ref("C"), "icpc_date": d("2023-06-01")},
                ref("D"),
                ref("E"),
            ],
            S4: [s47("A", "2023-05-10", "2023-06-01"), s47("B", "2023-05-10", "2023-06-01")],
            CP: [
                cpp("A", "2023-06-01"),
                cpp("B", "2023-06-05"),
                cpp("C", "2023-06-01"),
                cpp("D", "2023-06-05"),
                cpp("E", "2023-03-01", referred="2023-02-01"),
            ],
        },
        {(CT, 2), (CT, 4)},
    ),
    # A: CIN plan starts inside the protection plan (both). B: starts the day it ends.
    # C: starts while the protection plan is still open (both).
    "4016": (
        {
            PL: [plan("A", "2023-07-01"), plan("B", "2023-09-01"), plan("C", "2023-10-01")],
            CP: [
                cpp("A", "2023-06-01", "2023-09-01"),
                cpp("B", "2023-06-01", "2023-09-01"),
                cpp("C", "2023-06-01"),
            ],
        },
        {(PT, 1), (CT, 1), (PT, 3), (CT, 3)},
    ),
    # A: protection plan starts inside the CIN plan (both). B: starts the day it ends.
    "4017": (
        {
            PL: [plan("A", "2023-06-01", "2023-09-01"), plan("B", "2023-06-01", "2023-09-01")],
            CP: [cpp("A", "2023-07-01"), cpp("B", "2023-09-01")],
        },
        {(CT, 1), (PT, 1)},
    ),
    # A's CIN plan runs 1 May to 1 December; its protection plan 1 June to 1 September. The
    # review on 1 August is flagged (1); the one on 1 September is the plan's end day (2).
    # B's CIN plan is open: not judged (3).
    "4003": (
        {
            PL: [plan("A", "2023-05-01", "2023-12-01"), plan("B", "2023-05-01")],
            CP: [cpp("A", "2023-06-01", "2023-09-01"), cpp("B", "2023-06-01")],
            REVIEWS: [
                review("A", "2023-06-01", "2023-08-01"),
                review("A", "2023-06-01", "2023-09-01"),
                review("B", "2023-06-01", "2023-08-01"),
            ],
        },
        {(RV, 1)},
    ),
    # A: closed after assessment (RC8) with a CIN plan (both). B: RC8 with an ICPC date (2).
    # C: closed RC1 with a plan.
    "2990": (
        {
            RF: [
                ref("A", closed="2023-09-01", reason="RC8"),
                {**ref("B", closed="2023-09-01", reason="RC8"), "icpc_date": d("2023-06-01")},
                ref("C", closed="2023-09-01", reason="RC1"),
            ],
            PL: [plan("A", "2023-06-01", "2023-08-01"), plan("C", "2023-06-01", "2023-08-01")],
        },
        {(CD, 1), (PT, 1), (CD, 2)},
    ),
    "2991Q": (
        {S4: [s47("A", "2023-05-10"), s47("B", "2023-05-10")], AS: [ass("B", "2023-05-02")]},
        {(ST, 1)},
    ),
    "8825Q": (
        {
            RF: [
                ref("A", closed="2023-09-01", reason="RC8"),
                ref("B", closed="2023-09-01", reason="RC9"),
            ],
            AS: [ass("B", "2023-05-02", "2023-06-01")],
        },
        {(CD, 1)},
    ),
    # A: assessment authorised the day after closure (1). B: protection plan ends the closure
    # day. C: the episode's ICPC after closure (3).
    "8565": (
        {
            RF: [
                ref("A", closed="2023-06-01", reason="RC1"),
                ref("B", closed="2023-06-01", reason="RC1"),
                {**ref("C", closed="2023-06-01", reason="RC1"), "icpc_date": d("2023-06-05")},
            ],
            AS: [ass("A", "2023-05-02", "2023-06-02")],
            CP: [cpp("B", "2023-05-10", "2023-06-01")],
        },
        {(CD, 1), (CD, 3)},
    ),
    "8842Q": (
        {REVIEWS: [review("A", "2023-06-01", None), review("A", "2023-06-01", "2023-08-01")]},
        {(RV, 1)},
    ),
    # 3 June 2023 is a Saturday (1); 5 June a Monday.
    "8870Q": (
        {
            S4: [
                {**s47("A", "2023-05-10"), "icpc_target_date": d("2023-06-03")},
                {**s47("B", "2023-05-10"), "icpc_target_date": d("2023-06-05")},
            ]
        },
        {(ST, 1)},
    ),
    # factors.py -----------------------------------------------------------------------------
    # A: no disability, further action (1). B: an unknown code (2). C: NONE. D: only an NFA
    # referral. E: unborn.
    "8540": (
        {
            CH: [
                child("A"),
                child("B", disabilities="XYZ"),
                child("C", disabilities="NONE"),
                child("D"),
                kid("E", None, expected="2024-05-01"),
            ],
            RF: [ref("A"), ref("B"), ref("C"), ref("D", nfa=True), ref("E")],
        },
        {(CI, 1), (CI, 2)},
    ),
    # A: NONE and MOB (1). B: NONE. C written twice, NONE on one record and MOB on the other
    # (both records).
    "8790": (
        {
            CH: [
                child("A", disabilities="NONE MOB"),
                child("B", disabilities="NONE"),
                child("C", disabilities="NONE"),
                child("C", disabilities="MOB"),
            ]
        },
        {(CI, 1), (CI, 3), (CI, 4)},
    ),
    "8794": (
        {CH: [child("A", disabilities="MOB MOB"), child("B", disabilities="MOB HAND")]},
        {(CI, 1)},
    ),
    # factors on an assessment not authorised (1); on an authorised one (2).
    "8614": ({AS: [factors("A", "1A", authorised=None), factors("B", "1A")]}, {(AT, 1)}),
    "8869": ({AS: [factors("A", "21 1A"), factors("B", "21")]}, {(AT, 1)}),
    "8898": ({AS: [factors("A", "1A 1A"), factors("B", "1A 2A")]}, {(AT, 1)}),
    # authorised in the census year with no factors (1) or an unknown one (2); authorised
    # before 1 April 2023 (3); a known factor (4).
    "8897Q": (
        {
            AS: [
                factors("A", None),
                factors("B", "ZZ"),
                factors("C", None, authorised="2023-03-10", referred="2023-03-01"),
                factors("D", "1A"),
            ]
        },
        {(AT, 1), (AT, 2)},
    ),
    # A: the only assessment says 21, the episode closed RC1 (1). B: closed RC8.
    # C: two assessments.
    "8873Q": (
        {
            RF: [
                ref("A", closed="2023-09-01", reason="RC1"),
                ref("B", closed="2023-09-01", reason="RC8"),
                ref("C", closed="2023-09-01", reason="RC1"),
            ],
            AS: [factors("A", "21"), factors("B", "21"), factors("C", "21"), factors("C", "1A")],
        },
        {(AT, 1)},
    ),
    "8945Q": ({AS: [factors("A", "18A"), factors("B", "18B")]}, {(AT, 1)}, {"year": 2025}),
    "8950Q": ({AS: [factors("A", "19A 1A"), factors("B", "19B")]}, {(AT, 1)}, {"year": 2025}),
    # episodes.py / nfa_death.py -------------------------------------------------------------
    "8650": ({RF: [need("A", "N99"), need("B", "N1"), need("C", None)]}, {(CD, 1)}),
    # further action with no primary need (1); with one (2); NFA with none (3).
    "8610": ({RF: [need("A", None), need("B", "N1"), need("C", None, nfa=True)]}, {(CD, 1)}),
    # working_days.py
    # 1 April 2023 is a Saturday: one working day before it is Thursday 30 March. NFA referred
    # 29 March (1); 30 March (2); further action referred 29 March (3).
    "8569Q": (
        {
            RF: [
                ref("A", "2023-03-29", nfa=True),
                ref("B", "2023-03-30", nfa=True),
                ref("C", "2023-03-29"),
            ]
        },
        {(CD, 1)},
    ),
    # return_level.py: one fault per authority and census year, no child and no row.
    # Codes other than NONE: AUT, HAND (2, not more than 7: flagged); 8 codes: not flagged.
    "2887Q": (
        {CH: [child("A", disabilities="AUT HAND"), child("B", disabilities="NONE")]},
        {(CI, None)},
    ),
    # A and C one code each, B NONE (flagged); with A two codes, not flagged (below).
    "2888Q": (
        {
            CH: [
                child("A", disabilities="AUT"),
                child("B", disabilities="NONE"),
                child("C", disabilities="HAND"),
            ]
        },
        {(CI, None)},
    ),
    # 1 of 2 children (50%, over 2%) with sex U and no expected birth date: flagged; an unborn
    # child with sex U (expected date given) is not counted (below).
    "2886Q": ({CH: [kid("A", sex="U"), kid("B")]}, {(CI, None)}),
    # Two plans start in the census year, one initial conference (on the episode): flagged.
    "2883": (
        {
            CP: [cpp("A", "2023-06-01"), cpp("B", "2023-07-01")],
            RF: [{**ref("A"), "icpc_date": d("2023-05-30")}],
        },
        {(CT, None)},
    ),
    # working_days.py: 31 March 2024 is a Sunday and 29 March Good Friday, so 45 working days
    # before the reference date is Thursday 25 January 2024 (45 working days after it, up to
    # 31 March) and 15 before it is Thursday 7 March.
    # open assessment started 24 January (1); 25 January (2); authorised (3).
    "8670Q": (
        {
            AS: [
                ass("A", "2024-01-24"),
                ass("B", "2024-01-25"),
                ass("C", "2024-01-24", "2024-02-01"),
            ]
        },
        {(AT, 1)},
    ),
    # no ICPC, ICPC required, started 6 March (1); 7 March (2); ICPC not required (3).
    "8675Q": (
        {
            S4: [
                s47("A", "2024-03-06"),
                s47("B", "2024-03-07"),
                s47("C", "2024-03-06", not_required=True),
            ]
        },
        {(ST, 1)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected, *options = CASES[code]
    assert flagged(tables, code, ret="cin", **(options[0] if options else {})) == expected


def test_working_days_in_sql_are_the_calendars():
    """The rules' SQL calendar gives add_working_days(X, -N) for every reference date and
    census-year start the holiday data covers."""
    import duckdb

    from csc_scorecard.quality.rules.cin.working_days import calendar_cte, working_days_before
    from csc_scorecard.reference.calendar import add_working_days, bank_holidays

    bh = bank_holidays()
    anchors = [d(f"{y}-03-31") for y in range(bh.first_year + 1, bh.last_year + 1)]
    anchors += [d(f"{y}-04-01") for y in range(bh.first_year + 1, bh.last_year)]
    con = duckdb.connect()
    for anchor in anchors:
        for n in (1, 15, 45):
            cutoff = working_days_before(f"DATE '{anchor}'", n)
            sql = f"WITH {calendar_cte()} SELECT {cutoff}"
            assert con.execute(sql).fetchall()[0][0] == add_working_days(anchor, -n), (anchor, n)


def test_every_cin_rule_has_a_case():
    assert sorted(r.code for r in rules("cin")) == sorted({*FIRST, *CASES, *HEADER_RULES})


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


def test_whole_return_rules_pass_a_return_that_meets_them():
    """2887Q: 8 different codes (not 7 or fewer); 2888Q: a child with two codes; 2883: as many
    initial conferences (one on the episode, one on an enquiry) as plans starting."""
    eight = "AUT BEH COMM CON DDA HAND HEAR INC"
    assert flagged({CH: [child("A", disabilities=eight)]}, "2887Q", ret="cin") == set()
    two = {CH: [child("A", disabilities="AUT VIS"), child("C", disabilities="HAND")]}
    assert flagged(two, "2888Q", ret="cin") == set()
    tables = {
        CP: [cpp("A", "2023-06-01"), cpp("B", "2023-07-01")],
        RF: [{**ref("A"), "icpc_date": d("2023-05-30")}],
        S4: [s47("B", "2023-06-10", "2023-06-25")],
    }
    assert flagged(tables, "2883", ret="cin") == set()
    unborn = {CH: [kid("A", None, sex="U", expected="2024-05-01"), kid("B")]}
    assert flagged(unborn, "2886Q", ret="cin") == set()
