"""`care-leavers` on a hand-made authority (D = Thursday 30 June 2022). Rows come from the
latest list 9 extract dated on or before D (30 June); L8 is only in the 31 March extract and a
31 July extract is after D, so both are ignored. A review is out of date more than 6 months
after the latest pathway plan date, or when recorded as not signed off; not in touch is NO,
REFU or not recorded; no recent contact is none within 8 weeks (56 days) of D.

  L1 former relevant, plan 1 May 2022 signed off, YES, contact 20 Jun: not listed.
  L2 former relevant, plan 15 Dec 2021 (due 15 Jun: 15 days overdue), YES, contact 1 Jun.
  L3 relevant, plan 1 Feb 2022 (due 1 Aug) but not signed off: out of date, 0 days overdue;
     YES, contact 29 Jun.
  L4 qualifying (no pathway plan expected), NO, contact 10 Jan: not in touch; no recent contact.
  L5 eligible, no plan, contact or in-touch recorded: all three reasons; no overdue days.
  L6 former relevant, plan 1 Apr 2022, REFU, contact 1 Jun: not in touch.
  L7 former relevant, plan 1 Jan 2022 (due 1 Jul, in date), YES, contact 1 Apr (8 weeks on is
     27 May): no recent contact.

Expected (most reasons, then longest overdue plan, no plan date first): L5 (3 reasons),
L4 (2), then one reason each: L2 (15 days), L3 (0), L6, L7 (no overdue plan; by id).
L2 has personal adviser W1 (Alpha); the others W2 (Beta).
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from lists_fixtures import build, column, columns, load_all
from measure_fixtures import LA

from csc_scorecard.errors import NotFound
from csc_scorecard.store import Store

ROWS = [
    # child, as_at, category, plan, signed off, in touch, contact, adviser
    ("L1", d(2022, 6, 30), "former_relevant", d(2022, 5, 1), True, "YES", d(2022, 6, 20), "W2"),
    ("L2", d(2022, 6, 30), "former_relevant", d(2021, 12, 15), None, "YES", d(2022, 6, 1), "W1"),
    ("L3", d(2022, 6, 30), "relevant", d(2022, 2, 1), False, "YES", d(2022, 6, 29), "W2"),
    ("L4", d(2022, 6, 30), "qualifying", None, None, "NO", d(2022, 1, 10), "W2"),
    ("L5", d(2022, 6, 30), "eligible", None, None, None, None, "W2"),
    ("L6", d(2022, 6, 30), "former_relevant", d(2022, 4, 1), None, "REFU", d(2022, 6, 1), "W2"),
    ("L7", d(2022, 6, 30), "former_relevant", d(2022, 1, 1), None, "YES", d(2022, 4, 1), "W2"),
    ("L8", d(2022, 3, 31), "former_relevant", None, None, "NO", None, "W2"),
    ("L1", d(2022, 7, 31), "former_relevant", None, None, "NO", None, "W2"),
]
NAMES = [
    "child_id",
    "as_at_date",
    "eligibility_category",
    "latest_pathway_plan_date",
    "pathway_plan_signed_off",
    "in_touch",
    "latest_contact_date",
    "personal_adviser",
]


@pytest.fixture
def store(store):
    load_all(store, {"care_leaver_plans": canonical("care_leaver_plans", **columns(ROWS, NAMES))})
    return store


def test_care_leavers_needing_action(store):
    r = build(store, "care-leavers")
    assert column(r, "child_id") == ["L5", "L4", "L2", "L3", "L6", "L7"]
    assert column(r, "reasons") == [
        "pathway plan review out of date; not in touch; no recent contact",
        "not in touch; no recent contact",
        "pathway plan review out of date",
        "pathway plan review out of date",
        "not in touch",
        "no recent contact",
    ]
    assert column(r, "days_plan_overdue") == [None, None, 15, 0, None, None]
    assert column(r, "plan_review_due")[2:4] == [d(2022, 6, 15), d(2022, 8, 1)]
    assert column(r, "as_at_date") == [d(2022, 6, 30)] * 6


def test_care_leavers_by_adviser(store):
    assert column(build(store, "care-leavers", worker="W1"), "child_id") == ["L2"]
    assert column(build(store, "care-leavers", team="Beta"), "child_id") == [
        "L5",
        "L4",
        "L3",
        "L6",
        "L7",
    ]


@pytest.fixture
def bare(tmp_path):
    """The two teams' staff and no list 9 extract."""
    with Store(tmp_path / "bare.duckdb") as s:
        load_all(s, {})
        yield s


def test_no_list_9_extract_is_refused_not_an_empty_list(bare):
    """No care_leaver_plans rows: every care leaver would read as in date and in touch (the
    demo's list for 16 May 2022, before its one extract of 30 June, had 0 rows and no word why)."""
    with pytest.raises(NotFound) as refused:
        build(bare, "care-leavers")
    assert str(refused.value) == (
        f"the store holds no care_leaver_plans rows for LA {LA}: no care leaver's pathway plan "
        "or contact is known, so the list would be empty; load them (an Ofsted Annex A list 9 "
        "extract, or a Standard Safeguarding Dataset)"
    )


def test_a_date_before_the_first_list_9_extract_is_refused(bare):
    """Only a 31 July 2022 extract: on 30 June no extract says who needed action."""
    later = [r for r in ROWS if r[1] == d(2022, 7, 31)]
    load_all(bare, {"care_leaver_plans": canonical("care_leaver_plans", **columns(later, NAMES))})
    with pytest.raises(NotFound) as refused:
        build(bare, "care-leavers")
    assert str(refused.value) == (
        f"the first Annex A list 9 extract in the store for LA {LA} is dated 31 July 2022, after "
        "30 June 2022: the list would be empty; give a date on or after it"
    )
