"""SSDA903 rules comparing the return with last year's (`quality/rules/ssda903/last_year.py`),
each on a tiny hand-made input and last year's return, with the rows it must flag worked out by
hand. This year is 2023-24 (1 April 2023 to 31 March 2024), last year 2022-23, unless a case
says otherwise. A case is (tables, last year's tables, expected {(DfE table, row)}, options);
rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, H, M, O, child, d, ep, mis, oc3

from csc_scorecard.quality.fixtures import flagged, run_on


def uasc(cid, ceased):
    """A UASC child born 1 June 2006 whose UASC status ceases on `ceased` (DUC)."""
    return child(cid, "2006-06-01", uasc=True, uasc_ceased_date=d(ceased))


def carried(column, a_now, a_last, b_both, c_now, c_last):
    """A's first episode this year has `a_now` where last year's open episode had `a_last`
    (flagged: row 1); B's has `b_both` both years; C's differs, but C's latest episode last
    year had ended (31 January 2023), so C's is not compared."""
    return (
        {
            E: [
                ep("A", "2022-05-01") | {column: a_now},
                ep("B", "2022-05-01") | {column: b_both},
                ep("C", "2023-06-01") | {column: c_now},
            ]
        },
        {
            E: [
                ep("A", "2021-01-01", "2022-05-01", rec="X1") | {column: "OLD"},
                ep("A", "2022-05-01", rne="P") | {column: a_last},
                ep("B", "2022-05-01") | {column: b_both},
                ep("C", "2022-05-01", "2023-01-31", rec="E13") | {column: c_last},
            ]
        },
        {("Episodes", 1)},
        {},
    )


CASES = {
    # RNE: A's P this year against L last year (flagged); a blank against a code differs too.
    "503A": carried("rne", "P", "L", "S", "S", "L"),
    "503B": carried("ls", "C2", "J1", "C1", "C2", "J1"),
    "503C": carried("cin", "N2", "N1", "N3", "N2", "N1"),
    "503E": carried("place_provider", "PR2", None, "PR1", "PR2", "PR1"),
    "503F": carried("urn", "SC111", "SC222", "SC333", "SC111", "SC222"),
    # PLACE: A's U2 against U1 (flagged). B's K3 against H5 is the code that replaced H5 in
    # 2023-24: not flagged. C's latest episode last year had ended.
    "503D": (
        {E: [ep("A", "2022-05-01", place="U2"), ep("B", "2022-05-01", place="K3")]},
        {E: [ep("A", "2022-05-01", place="U1"), ep("B", "2022-05-01", place="H5")]},
        {("Episodes", 1)},
        {},
    ),
    # Last year A's open episode began 1 May 2022, this year's first 1 June 2022 (flagged). B's
    # both begin 1 May 2022. C's last-year episode had ended.
    "502": (
        {E: [ep("A", "2022-06-01"), ep("B", "2022-05-01"), ep("C", "2022-06-01")]},
        {
            E: [
                ep("A", "2022-05-01"),
                ep("B", "2022-05-01"),
                ep("C", "2022-05-01", "2022-06-01", rec="E13"),
            ]
        },
        {("Episodes", 1)},
        {},
    ),
    # Episodes starting before 1 April 2023: A's (1 May 2022) is last year's latest (fine); B's
    # first (1 June 2022) is not last year's latest (1 May 2022): flagged. C's starts in the
    # year: not checked.
    "562": (
        {E: [ep("A", "2022-05-01"), ep("B", "2022-06-01"), ep("C", "2023-06-01")]},
        {E: [ep("A", "2022-05-01"), ep("B", "2022-05-01"), ep("C", "2022-05-01")]},
        {("Episodes", 2)},
        {},
    ),
    # A's episode began before the year and A has no episode last year (flagged); B has one;
    # C's episode began in the year.
    "NoE": (
        {E: [ep("A", "2022-05-01"), ep("B", "2022-05-01"), ep("C", "2023-06-01")]},
        {E: [ep("B", "2022-05-01")]},
        {("Episodes", 1)},
        {},
    ),
    # Care leavers: A has no episode in either year (flagged); B only last year; C this year.
    "1002": (
        {O: [oc3("A"), oc3("B"), oc3("C")], E: [ep("C", "2022-05-01", "2023-05-01", rec="E13")]},
        {E: [ep("B", "2020-05-01", "2022-05-01", rec="E13"), ep("C", "2022-05-01")]},
        {("OC3", 1)},
        {},
    ),
    # No episode this year: A's latest last year is open (flagged); B's ended. C has an
    # episode this year.
    "1010": (
        {O: [oc3("A"), oc3("B"), oc3("C")], E: [ep("C", "2022-05-01", "2023-05-01", rec="E13")]},
        {
            E: [
                ep("A", "2021-05-01", "2022-05-01", rec="X1"),
                ep("A", "2022-05-01", rne="P"),
                ep("B", "2022-05-01", "2022-09-01", rec="E13"),
                ep("C", "2022-05-01"),
            ]
        },
        {("OC3", 1)},
        {},
    ),
    # A was F last year, M now (flagged); B is M both years; C is not on last year's Header.
    "202": (
        {H: [child("A", sex="M"), child("B", sex="M"), child("C", sex="F")]},
        {H: [child("A", sex="F"), child("B", sex="M")]},
        {("Header", 1)},
        {},
    ),
    # A's ethnicity changed (flagged); B's is the same in other letters' case; C is new.
    "204": (
        {H: [child("A", ethnicity="WBRI"), child("B", ethnicity="wirt"), child("C")]},
        {H: [child("A", ethnicity="AINS"), child("B", ethnicity="WIRT")]},
        {("Header", 1)},
        {},
    ),
    # Last year A and B were mothers and C was not. A is not this year and has an episode
    # (flagged); B is not and has no episode this year; C now is (only a change from 1 counts).
    "207": (
        {
            H: [child("A", mother=False), child("B", mother=None), child("C", mother=True)],
            E: [ep("A", "2023-05-01"), ep("C", "2023-05-01")],
        },
        {H: [child("A", mother=True), child("B", mother=True), child("C", mother=False)]},
        {("Header", 1)},
        {},
    ),
    # A's UPN changed (flagged); B went from UN1 to UN3 and C from UN2 to a real UPN (both
    # allowed); D from a real UPN to UN1 (flagged); E blank both years (left to 442).
    "208": (
        {
            H: [
                child("A", upn="A123456789012"),
                child("B", upn="UN3"),
                child("C", upn="B123456789012"),
                child("D", upn="UN1"),
                child("E", upn=None),
            ]
        },
        {
            H: [
                child("A", upn="Z123456789012"),
                child("B", upn="UN1"),
                child("C", upn="UN2"),
                child("D", upn="C123456789012"),
                child("E", upn=None),
            ]
        },
        {("Header", 1), ("Header", 4)},
        {},
    ),
    "203": (
        {H: [child("A", "2010-06-02"), child("B", "2010-06-01"), child("C", "2011-01-01")]},
        {H: [child("A", "2010-06-01"), child("B", "2010-06-01")]},
        {("Header", 1)},
        {},
    ),
    # A's first child was born 1 May 2021 by last year's Header, 1 June 2021 by this year's
    # (flagged); B's agrees; C's was not given last year.
    "624": (
        {
            H: [
                child("A", mother=True, mc_dob=d("2021-06-01")),
                child("B", mother=True, mc_dob=d("2021-05-01")),
                child("C", mother=True, mc_dob=d("2021-05-01")),
            ]
        },
        {
            H: [
                child("A", mother=True, mc_dob=d("2021-05-01")),
                child("B", mother=True, mc_dob=d("2021-05-01")),
                child("C", mother=False),
            ]
        },
        {("Header", 1)},
        {},
    ),
    # Mothers now: A's child born 1 January 2023 (before the year) but A was not a mother last
    # year (flagged). B was a mother last year. C's child was born in the year (1 June 2023).
    "626": (
        {
            H: [
                child("A", mother=True, mc_dob=d("2023-01-01")),
                child("B", mother=True, mc_dob=d("2023-01-01")),
                child("C", mother=True, mc_dob=d("2023-06-01")),
            ]
        },
        {
            H: [
                child("A", mother=False),
                child("B", mother=True, mc_dob=d("2023-01-01")),
                child("C", mother=False),
            ]
        },
        {("Header", 1)},
        {},
    ),
    # 2025-26: A died by last year's OC3 and is in touch now (flagged); B DIED both years.
    "348": (
        {O: [oc3("A", "YES"), oc3("B", "DIED")]},
        {O: [oc3("A", "DIED"), oc3("B", "DIED")]},
        {("OC3", 1)},
        {"year": 2026},
    ),
    # Last year's open missing periods: A's began 1 March 2023, A's first this year 10 April
    # (flagged); B's first this year is the same 1 March period. C's last year had ended.
    "576": (
        {
            M: [
                mis("A", "2023-04-10", "2023-04-11"),
                mis("B", "2023-03-01", "2023-04-02"),
                mis("C", "2023-04-10"),
            ]
        },
        {
            M: [
                mis("A", "2023-03-01"),
                mis("B", "2023-03-01"),
                mis("C", "2023-03-01", "2023-03-02"),
            ]
        },
        {("Missing", 1)},
        {},
    ),
    # UASC both years, all born 1 June 2006 (18 on 1 June 2024). A's DUC last year, 1 May 2024,
    # is not the 18th birthday (flagged). B's is, both years. C's this year, 1 January 2025,
    # is after the year and not last year's (flagged). D's this year, 1 October 2023, is in
    # the year.
    "205B": (
        {
            H: [
                uasc("A", "2024-06-01"),
                uasc("B", "2024-06-01"),
                uasc("C", "2025-01-01"),
                uasc("D", "2023-10-01"),
            ]
        },
        {
            H: [
                uasc("A", "2024-05-01"),
                uasc("B", "2024-06-01"),
                uasc("C", "2024-06-01"),
                uasc("D", "2024-06-01"),
            ]
        },
        {("Header", 1), ("Header", 3)},
        {},
    ),
    # A is UASC now but was not last year (flagged); B was both years; C is not UASC now.
    "205D": (
        {H: [uasc("A", "2024-06-01"), uasc("B", "2024-06-01"), child("C", uasc=False)]},
        {H: [child("A", uasc=False), uasc("B", "2024-06-01"), child("C", uasc=True)]},
        {("Header", 1)},
        {},
    ),
    # UASC last year, not this year (all born 1 June 2006). A's DUC last year, 1 June 2023, is
    # after last year (1 April 2022-31 March 2023): flagged. B's, 1 October 2022, is in it. C's
    # is too, but C has a DUC this year as well (flagged). D is UASC both years (205B's). E had
    # no DUC last year and has no UASC entry now (flagged).
    "205A": (
        {
            H: [
                child("A", "2006-06-01", uasc=False),
                child("B", "2006-06-01", uasc=False),
                child("C", "2006-06-01", uasc=False, uasc_ceased_date=d("2022-10-01")),
                uasc("D", "2024-06-01"),
                child("E", "2006-06-01", uasc=None),
            ]
        },
        {
            H: [
                uasc("A", "2023-06-01"),
                uasc("B", "2022-10-01"),
                uasc("C", "2022-10-01"),
                uasc("D", "2024-06-01"),
                uasc("E", None),
            ]
        },
        {("Header", 1), ("Header", 3), ("Header", 5)},
        {},
    ),
    # Not UASC either year, yet a DUC: A's this year (flagged), B's last year (flagged). C was
    # UASC last year (205A's). D has no DUC. E is new this year, not UASC, with a DUC
    # (flagged).
    "205C": (
        {
            H: [
                child("A", uasc=False, uasc_ceased_date=d("2023-06-01")),
                child("B", uasc=False),
                child("C", "2006-06-01", uasc=False),
                child("D", uasc=False),
                child("E", uasc=False, uasc_ceased_date=d("2023-06-01")),
            ]
        },
        {
            H: [
                child("A", uasc=False),
                child("B", uasc=False, uasc_ceased_date=d("2022-06-01")),
                uasc("C", "2022-10-01"),
                child("D", uasc=None),
            ]
        },
        {("Header", 1), ("Header", 2), ("Header", 5)},
        {},
    ),
    # Care leavers, all born 1 January 2006 (14 on 1 January 2020, 16 on 1 January 2022) but
    # I (1 December 2006: 16 on 1 December 2022); days looked after after 14 over both years:
    # A 123 (1 May-1 September 2022): fine. B 61 (1 May-1 July 2022): flagged. C 45 + 45 = 90
    # (1 May-15 June 2022 and 2023), its 153-day short break (V3) left out: flagged. D 45 + 46
    # = 91 (to 16 June 2023): fine. E's episode from 1 February 2023, open last year, ended 20
    # April 2023 this year: 78 days, counted once (flagged). F's open episode from 31
    # December 2023 counts to 31 March 2024: 91 days, fine. G's 365 days ended in adoption
    # (E11): flagged. H has no Header row, so no DOB (flagged). I's 184 days (1 May-1 November
    # 2022) all ended before 16 (flagged). J and K have no episodes: J is 20 on 31 March 2024,
    # so 18 before last year began, and is not judged; K, born a day later, is (flagged).
    "1001": (
        {
            O: [oc3(c) for c in "ABCDEFGHIJK"],
            H: [child(c, "2006-01-01") for c in "ABCDEFG"]
            + [child("I", "2006-12-01"), child("J", "2004-03-31"), child("K", "2004-04-01")],
            E: [
                ep("C", "2023-05-01", "2023-06-15", rec="E13"),
                ep("D", "2023-05-01", "2023-06-16", rec="E13"),
                ep("E", "2023-02-01", "2023-04-20", rec="E13"),
                ep("F", "2023-12-31"),
                ep("G", "2022-05-01", "2023-05-01", rec="E11"),
                ep("H", "2022-05-01", "2023-05-01", rec="E13"),
            ],
        },
        {
            E: [
                ep("A", "2022-05-01", "2022-09-01", rec="E13"),
                ep("B", "2022-05-01", "2022-07-01", rec="E13"),
                ep("C", "2022-05-01", "2022-06-15", rec="E13"),
                ep("C", "2022-07-01", "2022-12-01", ls="V3", rec="E13"),
                ep("D", "2022-05-01", "2022-06-15", rec="E13"),
                ep("E", "2023-02-01"),
                ep("G", "2022-05-01"),
                ep("I", "2022-05-01", "2022-11-01", rec="E13"),
            ]
        },
        {("OC3", 2), ("OC3", 3), ("OC3", 5), ("OC3", 7), ("OC3", 8), ("OC3", 9), ("OC3", 11)},
        {},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, last, expected, options = CASES[code]
    assert flagged(tables, code, previous=last, **options) == expected


def test_without_last_years_return_the_rules_say_once_they_did_not_run():
    """The same input with no last year's return: nothing flagged, and 202 and NoE are listed
    once as not run, naming last year's tables."""
    tables = {H: [child("A")], E: [ep("A", "2022-05-01")]}
    result = run_on(tables, ["202", "NoE"])
    assert result.faults.num_rows == 0
    assert [sorted(n.codes) for n in result.not_run] == [["202"], ["NoE"]]
    reasons = [n.reason for n in result.not_run]
    assert reasons == [
        "no last year's children (header_last: validate --previous) rows",
        "no last year's cla_episodes (episodes_last: validate --previous) rows",
    ]
