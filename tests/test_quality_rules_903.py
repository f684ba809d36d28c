"""Each SSDA903 rule on a tiny hand-made input, with the rows it must flag worked out by hand.

Collection year 2023-24 (1 April 2023 to 31 March 2024) unless a case says otherwise. A case is
(tables, expected {(DfE table, row)}, issues); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

import pytest

from csc_scorecard.model.batch import Issue
from csc_scorecard.quality.fixtures import flagged
from csc_scorecard.quality.rules import rules


def d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def ep(child, decom, dec=None, *, rne="S", ls="C2", place="U1", rec=None, provider="PR1"):
    return {
        "child_id": child, "decom": d(decom), "dec": d(dec), "rne": rne, "ls": ls,
        "place": place, "rec": rec, "place_provider": provider,
    }  # fmt: skip


def child(cid, dob="2010-06-01", *, sex="M", ethnicity="WBRI", **more):
    return {"child_id": cid, "date_of_birth": d(dob), "sex": sex, "ethnicity": ethnicity, **more}


def bad(table, row, column, value):
    return Issue(
        rule="invalid_date", message="bad", table=table, row=row, column=column, value=value
    )


def mis(cid, start, end=None, kind="M"):
    return {"child_id": cid, "start_date": d(start), "end_date": d(end), "missing_type": kind}


def oc3(cid, in_touch="YES", activity="F1", accom="B1"):
    return {"child_id": cid, "collection_year": 2024, "in_touch": in_touch,
            "activity": activity, "accommodation": accom}  # fmt: skip


E, H, M, O, RV = "cla_episodes", "children", "missing_episodes", "care_leavers", "cla_reviews"

CASES = {
    # rows 2 has an unreadable DECOM (NULL + issue); row 1 fine.
    "141": (
        {E: [ep("A", "2023-05-01"), ep("B", None)]},
        {("Episodes", 2)},
        [bad(E, 2, "decom", "38/04/2023")],
    ),
    "147": (
        {E: [ep("A", "2023-05-01", None), ep("B", "2023-05-01", None)]},
        {("Episodes", 1)},
        [bad(E, 1, "dec", "31/02/2024")],
    ),
    # lower-case is upper-cased by ingest; 'Q' is no RNE code.
    "143": (
        {E: [ep("A", "2023-05-01", rne="Q"), ep("B", "2023-05-01", rne="S")]},
        {("Episodes", 1)},
    ),
    "144": (
        {E: [ep("A", "2023-05-01", ls="C2"), ep("B", "2023-05-01", ls="X9")]},
        {("Episodes", 2)},
    ),
    # K3 is only valid from 2024-25: invalid in 2023-24.
    "146": (
        {E: [ep("A", "2023-05-01", place="K3"), ep("B", "2023-05-01", place="U1")]},
        {("Episodes", 1)},
    ),
    # E43 is a historic code, not valid in a current return.
    "149": (
        {
            E: [
                ep("A", "2023-05-01", "2023-06-01", rec="E43"),
                ep("B", "2023-05-01", "2023-06-01", rec="E11"),
            ]
        },
        {("Episodes", 1)},
    ),
    # DEC without REC (1), REC without DEC (2), both (3), neither (4).
    "148": (
        {
            E: [
                ep("A", "2023-05-01", "2023-06-01"),
                ep("B", "2023-05-01", rec="E11"),
                ep("C", "2023-05-01", "2023-06-01", rec="E11"),
                ep("D", "2023-05-01"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
    ),
    # provider on a temporary placement (1); unknown provider (2); fine (3).
    "178": (
        {
            E: [
                ep("A", "2023-05-01", place="T1", provider="PR1"),
                ep("B", "2023-05-01", provider="PR9"),
                ep("C", "2023-05-01"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
    ),
    # A's first episode is open when the second starts; B's last episode may be open.
    "142": (
        {
            E: [
                ep("A", "2023-05-01"),
                ep("A", "2023-07-01", rne="P"),
                ep("B", "2023-05-01", "2023-07-01", rec="X1"),
                ep("B", "2023-07-01", rne="P"),
            ]
        },
        {("Episodes", 1)},
    ),
    "354": ({E: [ep("A", "2024-04-01"), ep("B", "2024-03-31")]}, {("Episodes", 1)}),
    "385": (
        {
            E: [
                ep("A", "2023-05-01", "2024-04-02", rec="E11"),
                ep("B", "2023-05-01", "2024-03-31", rec="E11"),
            ]
        },
        {("Episodes", 1)},
    ),
    "355": (
        {
            E: [
                ep("A", "2023-05-01", "2023-05-01", rec="E11"),
                ep("B", "2023-05-01", "2023-05-02", rec="E11"),
            ]
        },
        {("Episodes", 1)},
    ),
    "356": (
        {
            E: [
                ep("A", "2023-05-01", "2023-04-30", rec="E11"),
                ep("B", "2023-05-01", "2023-05-02", rec="E11"),
            ]
        },
        {("Episodes", 1)},
    ),
    # A's first episode starts in the year with RNE P; B's first began before the year.
    "357": (
        {E: [ep("A", "2023-05-01", rne="P"), ep("B", "2022-05-01", rne="P")]},
        {("Episodes", 1)},
    ),
    # A: X1 but the next starts later (1); B: E11 then a new episode the same day (3);
    # C: last episode ends X1 (5); D: correct X1 chain.
    "388": (
        {
            E: [
                ep("A", "2023-05-01", "2023-06-01", rec="X1"),
                ep("A", "2023-06-05", rne="P"),
                ep("B", "2023-05-01", "2023-06-01", rec="E11"),
                ep("B", "2023-06-01", rne="P"),
                ep("C", "2023-05-01", "2023-06-01", rec="X1"),
                ep("D", "2023-05-01", "2023-06-01", rec="X1"),
                ep("D", "2023-06-01", rne="P"),
            ]
        },
        {("Episodes", 1), ("Episodes", 3), ("Episodes", 5)},
    ),
    # A's second episode starts before the first ended.
    "501": (
        {
            E: [
                ep("A", "2023-05-01", "2023-07-01", rec="X1"),
                ep("A", "2023-06-01", rne="P"),
                ep("B", "2023-05-01", "2023-06-01", rec="X1"),
                ep("B", "2023-06-01", rne="P"),
            ]
        },
        {("Episodes", 2)},
    ),
    # RNE S the day the previous ended (2); RNE S a day later is a new period of care (4).
    "431": (
        {
            E: [
                ep("A", "2023-05-01", "2023-06-01", rec="E11"),
                ep("A", "2023-06-01"),
                ep("B", "2023-05-01", "2023-06-01", rec="E11"),
                ep("B", "2023-06-02"),
            ]
        },
        {("Episodes", 2)},
    ),
    # previous ended care (E11) and the next is not S (2).
    "432": (
        {
            E: [
                ep("A", "2023-05-01", "2023-06-01", rec="E11"),
                ep("A", "2023-07-01", rne="P"),
                ep("B", "2023-05-01", "2023-06-01", rec="E11"),
                ep("B", "2023-07-01"),
            ]
        },
        {("Episodes", 2)},
    ),
    # continuation (P) starting after the previous DEC (2); B's continuation is on time.
    "433": (
        {
            E: [
                ep("A", "2023-05-01", "2023-06-01", rec="X1"),
                ep("A", "2023-06-03", rne="P"),
                ep("B", "2023-05-01", "2023-06-01", rec="X1"),
                ep("B", "2023-06-01", rne="L"),
            ]
        },
        {("Episodes", 2)},
    ),
    "380": (
        {
            E: [
                ep("A", "2023-05-01", place="T1", rne="S", provider=None),
                ep("B", "2023-05-01", place="T1", rne="P", provider=None),
            ]
        },
        {("Episodes", 1)},
    ),
    "381": (
        {
            E: [
                ep("A", "2023-05-01", "2023-06-01", place="T1", rne="P", rec="E11", provider=None),
                ep("B", "2023-05-01", "2023-06-01", place="T1", rne="P", rec="X1", provider=None),
            ]
        },
        {("Episodes", 1)},
    ),
    "382": (
        {
            E: [
                ep("A", "2023-05-01", ls="V3", place="T1", rne="P", provider=None),
                ep("B", "2023-05-01", ls="V3", place="U1"),
            ]
        },
        {("Episodes", 1)},
    ),
    # 'X' is no sex code; blank is flagged too.
    "101": (
        {H: [child("A", sex="X"), child("B"), child("C", sex=None)]},
        {("Header", 1), ("Header", 3)},
    ),
    "102": ({H: [child("A", dob=None), child("B")]}, {("Header", 1)}),
    "103": (
        {H: [child("A", ethnicity="ZZZZ"), child("B"), child("C", ethnicity=None)]},
        {("Header", 1), ("Header", 3)},
    ),
    # DUC unreadable (1) or before 1 April 2023 (2).
    "104": (
        {H: [child("A"), child("B", uasc=True, uasc_ceased_date=d("2023-01-01")), child("C")]},
        {("Header", 1), ("Header", 2)},
        [bad(H, 1, "uasc_ceased_date", "99/99/2023")],
    ),
    "174": (
        {
            H: [
                child("A", sex="M", mc_dob=d("2023-01-01")),
                child("B", sex="F", mc_dob=d("2023-01-01")),
            ]
        },
        {("Header", 1)},
    ),
    "301": ({H: [child("A", dob="2024-04-01"), child("B", dob="2024-03-31")]}, {("Header", 1)}),
    # 25th birthday 31 March 2023 (before 1 April 2023): flagged; 1 April 2023 is not before.
    "351": ({H: [child("A", dob="1998-03-31"), child("B", dob="1998-04-01")]}, {("Header", 1)}),
    # A's first episode (row 1) is before the DOB: the episode and the Header row.
    "302": (
        {
            H: [child("A", dob="2023-06-01"), child("B", dob="2023-01-01")],
            E: [ep("A", "2023-05-01"), ep("A", "2023-07-01"), ep("B", "2023-05-01")],
        },
        {("Episodes", 1), ("Header", 1)},
    ),
    # started care on the 18th birthday (1); the day before (2).
    "352": (
        {
            H: [child("A", dob="2005-06-01"), child("B", dob="2005-06-02")],
            E: [ep("A", "2023-06-01"), ep("B", "2023-06-01")],
        },
        {("Episodes", 1)},
    ),
    "1004": ({M: [mis("A", None), mis("B", "2023-05-01")]}, {("Missing", 1)}),
    "1006": ({M: [mis("A", "2023-05-01", kind="X"), mis("B", "2023-05-01")]}, {("Missing", 1)}),
    # blank start (1) flagged; an unreadable start (2) is 1004's, not 564's.
    "564": (
        {M: [mis("A", None), mis("B", None), mis("C", "2023-05-01")]},
        {("Missing", 1)},
        [bad(M, 2, "start_date", "2023/13/45")],
    ),
    "565": ({M: [mis("A", "2023-05-01", kind=None), mis("B", "2023-05-01")]}, {("Missing", 1)}),
    "566": (
        {M: [mis("A", None, "2023-05-01", kind=None), mis("B", "2023-05-01", "2023-05-02")]},
        {("Missing", 1)},
    ),
    "567": (
        {M: [mis("A", "2023-05-02", "2023-05-01"), mis("B", "2023-05-01", "2023-05-01")]},
        {("Missing", 1)},
    ),
    "570": ({M: [mis("A", "2024-04-01"), mis("B", "2024-03-31")]}, {("Missing", 1)}),
    # A missing before care began (1); during care (2); C has no episodes: not judged.
    "581": (
        {
            E: [ep("A", "2023-05-01", "2023-08-01", rec="E11")],
            M: [mis("A", "2023-04-20"), mis("A", "2023-06-01"), mis("C", "2023-06-01")],
        },
        {("Missing", 1)},
    ),
    "586": (
        {
            H: [child("A", dob="2023-06-01"), child("B", dob="2010-01-01")],
            M: [mis("A", "2023-06-01"), mis("B", "2023-06-01")],
        },
        {("Missing", 1)},
    ),
    "131": (
        {O: [oc3("A", in_touch="MAYBE"), oc3("B"), oc3("C", in_touch=None)]},
        {("OC3", 1), ("OC3", 3)},
    ),
    # F3 is a legacy code, no longer valid.
    "132": ({O: [oc3("A", activity="F3"), oc3("B")]}, {("OC3", 1)}),
    # S1 is in the code list but DfE's rule does not accept it.
    "133": ({O: [oc3("A", accom="S1"), oc3("B"), oc3("C", accom="Q1")]}, {("OC3", 1), ("OC3", 3)}),
    "153": ({O: [oc3("A", activity=None), oc3("B"), oc3("C", None, None, None)]}, {("OC3", 1)}),
    "166": (
        {
            RV: [
                {"child_id": "A", "review_date": None, "review_code": "PN1"},
                {"child_id": "B", "review_date": d("2023-05-01"), "review_code": "PN1"},
            ]
        },
        {("Reviews", 1)},
    ),
    # A V3 break with RNE P (a change of placement inside it: 1) or blank (2); a V3 with RNE S
    # (3) and a V4 with RNE P (4, a series of short breaks may change placement) are fine.
    "366": (
        {
            E: [
                ep("A", "2023-05-01", "2023-05-03", ls="V3", rne="P"),
                ep("B", "2023-05-01", "2023-05-03", ls="V3", rne=None),
                ep("C", "2023-05-01", "2023-05-03", ls="V3", rne="S"),
                ep("D", "2023-05-01", "2023-05-03", ls="V4", rne="P"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
    ),
    # A has V3 (1) and V4 (2) breaks in 2023-24: both flagged, not A's C2 episode (3); B two V3s.
    "426": (
        {
            E: [
                ep("A", "2023-05-01", "2023-05-03", ls="V3"),
                ep("A", "2023-06-01", "2023-06-03", ls="V4"),
                ep("A", "2023-07-01", ls="C2"),
                ep("B", "2023-05-01", "2023-05-03", ls="V3"),
                ep("B", "2023-06-01", "2023-06-03", ls="V3"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
    ),
    # A has three T3 placements in the year (1, 2, 4: all flagged, not the U1 between); B two.
    "377": (
        {
            E: [
                ep("A", "2023-05-01", "2023-05-08", place="T3", rec="X1"),
                ep("A", "2023-05-08", "2023-07-01", place="T3", rec="X1"),
                ep("A", "2023-07-01", "2023-08-01", place="U1", rec="X1"),
                ep("A", "2023-08-01", "2023-08-08", place="T3", rec="X1"),
                ep("B", "2023-05-01", "2023-05-08", place="T3", rec="X1"),
                ep("B", "2023-06-01", "2023-06-08", place="T3", rec="X1"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2), ("Episodes", 4)},
    ),
    # Born 1 June 2005: 18 on 1 June 2023. Adopted (E11) ceasing that day (1) is flagged, the
    # day before (2) is not; E12 after 18 (3) flagged; E4A after 18 (4) is another rule's.
    "386": (
        {
            H: [child("A", dob="2005-06-01")],
            E: [
                ep("A", "2023-04-01", "2023-06-01", rec="E11"),
                ep("A", "2023-04-01", "2023-05-31", rec="E11"),
                ep("A", "2023-04-01", "2023-07-01", rec="E12"),
                ep("A", "2023-04-01", "2023-07-01", rec="E4A"),
            ],
        },
        {("Episodes", 1), ("Episodes", 3)},
    ),
    # Born 1 June 2009: 14 on 1 June 2023. Independent living (E5) ceasing the day before (1) is
    # flagged; on the birthday (2) not; E6 at 13 (3) flagged; open (4) not; B has no DOB (5) not.
    "387": (
        {
            H: [child("A", dob="2009-06-01"), child("B", dob=None)],
            E: [
                ep("A", "2023-04-01", "2023-05-31", rec="E5"),
                ep("A", "2023-04-01", "2023-06-01", rec="E5"),
                ep("A", "2023-04-01", "2023-05-01", rec="E6"),
                ep("A", "2023-04-01", None, rec=None),
                ep("B", "2023-04-01", "2023-05-01", rec="E5"),
            ],
        },
        {("Episodes", 1), ("Episodes", 3)},
    ),
    "353": ({E: [ep("A", "1991-10-13"), ep("B", "1991-10-14")]}, {("Episodes", 1)}),
    # Born 1 June 2013: 10 on 1 June 2023. J2 from the day before (1) is flagged with A's Header
    # row; J1 from the birthday (2) is not; C2 before it (3) is not.
    "358": (
        {
            H: [child("A", dob="2013-06-01")],
            E: [
                ep("A", "2023-05-31", "2023-06-01", ls="J2"),
                ep("A", "2023-06-01", "2023-07-01", ls="J1"),
                ep("A", "2023-04-01", "2023-05-31", ls="C2"),
            ],
        },
        {("Episodes", 1), ("Header", 1)},
    ),
    # Born 1 June 2007: 16 on 1 June 2023. E7 the day before (1) flagged; on the birthday (2)
    # not; E7 with no DEC (3) and B's E7 without a DOB (4) fail "DOB + 16 <= DEC": flagged.
    "389": (
        {
            H: [child("A", dob="2007-06-01"), child("B", dob=None)],
            E: [
                ep("A", "2023-04-01", "2023-05-31", rec="E7"),
                ep("A", "2023-04-01", "2023-06-01", rec="E7"),
                ep("A", "2023-04-01", None, rec="E7"),
                ep("B", "2023-04-01", "2023-05-01", rec="E7"),
            ],
        },
        {("Episodes", 1), ("Episodes", 3), ("Episodes", 4)},
    ),
    # Adopted from foster care (1) or a blank placement (2): flagged; from A4 (3) not.
    "390": (
        {
            E: [
                ep("A", "2023-04-01", "2023-06-01", rec="E11", place="U1"),
                ep("B", "2023-04-01", "2023-06-01", rec="E12", place=None),
                ep("C", "2023-04-01", "2023-06-01", rec="E11", place="A4"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
    ),
    # A5 under a care order (1) or a blank LS (2): flagged; A6 under E1 (3) and A3 (4) not.
    "408": (
        {
            E: [
                ep("A", "2023-04-01", place="A5", ls="C2"),
                ep("B", "2023-04-01", place="A5", ls=None),
                ep("C", "2023-04-01", place="A6", ls="E1"),
                ep("D", "2023-04-01", place="A3", ls="C2"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
    ),
    # A ceased at 18 (E15, 1) but has a later episode (2): 1 flagged; B's E2 is the last (3).
    "437": (
        {
            E: [
                ep("A", "2023-04-01", "2023-05-01", rec="E15"),
                ep("A", "2023-06-01", None),
                ep("B", "2023-04-01", "2023-05-01", rec="E2"),
            ]
        },
        {("Episodes", 1)},
    ),
    "445": (
        {E: [ep("A", "2006-01-01", ls="D1"), ep("B", "2005-12-31", ls="D1")]},
        {("Episodes", 1)},
    ),
    "446": (
        {E: [ep("A", "2005-11-30", ls="E1"), ep("B", "2005-12-01", ls="E1")]},
        {("Episodes", 1)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected, *issues = CASES[code]
    assert flagged(tables, code, issues=issues[0] if issues else None) == expected


def test_every_903_rule_has_a_case():
    """Every rule has a hand-worked case, here or in a test_quality_rules_903_*.py module."""
    cases = set(CASES)
    for path in sorted(Path(__file__).parent.glob("test_quality_rules_903_*.py")):
        more = set(importlib.import_module(path.stem).CASES)
        assert not cases & more, f"{path.name} repeats cases {sorted(cases & more)}"
        cases |= more
    assert sorted(r.code for r in rules("ssda903")) == sorted(cases)
