"""`reviews-due` on a hand-made authority (D = Thursday 30 June 2022; looking 14 days ahead,
to 14 July).

Child protection (first review due 3 months after the plan start, then 6 months after the
review before):
  P1 C1 from 5 Apr 2022, no review: due 5 Jul (5 days ahead): listed.
  P2 C2 from 20 Mar 2022, no review: due 20 Jun: 10 days overdue.
  P3 C3 from 1 Jun 2021, reviewed 1 Sep 2021 and 1 Mar 2022: due 1 Sep 2022: not listed.
  P4 C4 from 10 Jan 2021, reviewed 9 Apr 2021 and 5 Jan 2022: due 5 Jul (5 ahead): listed.
  P5 C5 from 15 Jan 2022, ended 1 Jun 2022: not open.
  P6 C6 from 1 Dec 2021, reviewed 1 Mar 2022 with no plan start recorded (matched by date):
     due 1 Sep: not listed.
Looked after (first review by the 20th working day of the period of care, second 3 months
after the first, then 6-monthly; the store's review history begins 29 Jan 2021, C12's first):
  C10 started (RNE S) Wed 1 Jun 2022, no review: Jun 6-10 (5), 13-17 (10), 20-24 (15), 27-30
      (19), Jul 1 (20): due 1 Jul (1 ahead).
  C11 started 10 Jan 2022, first review 4 Feb: second due 4 May: 57 days overdue.
  C12 started 4 Jan 2021, before the history: reviews 29 Jan 2021, 20 Apr 2021, 10 Jan 2022;
      the last review + 6 months = 10 Jul (10 ahead).
  C13 started 1 May 2015, before the history, no review in the store: taken as due 6 months
      after the history begins, 29 Jul 2021: 336 days overdue.
  C14 a short break (LS V3) from 1 Jun 2022: not looked after for these purposes.
  C15 started 1 Mar 2022, episode ended 1 May with X1 and a new placement (RNE P) from 1 May:
      one period of care from 1 Mar. First due by the 20th working day, 29 Mar (Mar 2-4 = 3,
      7-11 = 8, 14-18 = 13, 21-25 = 18, 28-29 = 20); held 25 Mar; second due 25 Jun: 5 overdue.
  C16 started 1 Jan 2022, ceased 15 Jun (REC E11): not looked after on D.

Expected (earliest due first; C1 and C4 tie at 5 days, by child id):
  C13 -336, C11 -57, C2 -10, C15 -5, C10 1, C1 5, C4 5, C12 10.
With no days ahead, only the overdue: C13, C11, C2, C15.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from lists_fixtures import allocations, build, column, columns, load_all

from csc_scorecard.errors import BadInput

PLANS = [
    ("C1", d(2022, 4, 5), None),
    ("C2", d(2022, 3, 20), None),
    ("C3", d(2021, 6, 1), None),
    ("C4", d(2021, 1, 10), None),
    ("C5", d(2022, 1, 15), d(2022, 6, 1)),
    ("C6", d(2021, 12, 1), None),
]
CP_REVIEWS = [
    ("C3", d(2021, 6, 1), d(2021, 9, 1)),
    ("C3", d(2021, 6, 1), d(2022, 3, 1)),
    ("C4", d(2021, 1, 10), d(2021, 4, 9)),
    ("C4", d(2021, 1, 10), d(2022, 1, 5)),
    ("C6", None, d(2022, 3, 1)),
]
EPISODES = [
    # child, decom, rne, ls, dec, rec
    ("C10", d(2022, 6, 1), "S", "C2", None, None),
    ("C11", d(2022, 1, 10), "S", "C2", None, None),
    ("C12", d(2021, 1, 4), "S", "C2", None, None),
    ("C13", d(2015, 5, 1), "S", "C2", None, None),
    ("C14", d(2022, 6, 1), "S", "V3", None, None),
    ("C15", d(2022, 3, 1), "S", "V2", d(2022, 5, 1), "X1"),
    ("C15", d(2022, 5, 1), "P", "V2", None, None),
    ("C16", d(2022, 1, 1), "S", "C2", d(2022, 6, 15), "E11"),
]
CLA_REVIEWS = [
    ("C11", d(2022, 2, 4)),
    ("C12", d(2021, 1, 29)),
    ("C12", d(2021, 4, 20)),
    ("C12", d(2022, 1, 10)),
    ("C15", d(2022, 3, 25)),
]


@pytest.fixture
def store(store):
    load_all(
        store,
        {
            "cp_plans": canonical(
                "cp_plans", **columns(PLANS, ["child_id", "start_date", "end_date"])
            ),
            "cp_reviews": canonical(
                "cp_reviews", **columns(CP_REVIEWS, ["child_id", "plan_start_date", "review_date"])
            ),
            "cla_episodes": canonical(
                "cla_episodes",
                **columns(EPISODES, ["child_id", "decom", "rne", "ls", "dec", "rec"]),
            ),
            "cla_reviews": canonical(
                "cla_reviews", **columns(CLA_REVIEWS, ["child_id", "review_date"])
            ),
            **allocations([("C11", "W2", d(2022, 1, 10), None), ("C1", "W1", d(2022, 4, 5), None)]),
        },
    )
    return store


def test_reviews_due_and_overdue(store):
    r = build(store, "reviews-due")
    assert column(r, "child_id") == ["C13", "C11", "C2", "C15", "C10", "C1", "C4", "C12"]
    assert column(r, "days_to_due") == [-336, -57, -10, -5, 1, 5, 5, 10]
    assert column(r, "kind") == ["CLA", "CLA", "CP", "CLA", "CLA", "CP", "CP", "CLA"]
    assert column(r, "overdue") == [True] * 4 + [False] * 4
    assert column(r, "due_date")[3:5] == [d(2022, 6, 25), d(2022, 7, 1)]
    assert column(r, "since")[3] == d(2022, 3, 1)  # C15's period of care, not its placement
    assert column(r, "last_review")[:3] == [None, d(2022, 2, 4), None]
    assert r.count == 8


def test_days_ahead_and_team(store):
    assert column(build(store, "reviews-due", days_ahead=0), "child_id") == [
        "C13",
        "C11",
        "C2",
        "C15",
    ]
    assert column(build(store, "reviews-due", team="Beta"), "child_id") == ["C11"]
    assert column(build(store, "reviews-due", worker="W1"), "child_id") == ["C1"]


def test_fewer_than_0_days_ahead_is_refused_not_a_list_without_the_overdue(store):
    """days_ahead -5 listed nobody, the 4 overdue reviews too (`scorecard lists reviews-due
    --days -5`: '0 rows', exit 0)."""
    with pytest.raises(ValueError, match=r"^days_ahead -5: a number of days, 0 to 366$"):
        build(store, "reviews-due", days_ahead=-5)


def test_more_than_a_year_ahead_is_refused_not_a_failure(store):
    """Reviews fall due at least every six months: a year ahead lists every open plan. 10**20
    days failed inside DuckDB (ConversionException: out of range for INT32), a traceback from
    `scorecard lists reviews-due --days` and a 500 page on the dashboard."""
    assert build(store, "reviews-due", days_ahead=366).days_ahead == 366
    for ahead in (367, 10**20):
        with pytest.raises(BadInput) as refused:
            build(store, "reviews-due", days_ahead=ahead)
        assert str(refused.value) == f"days_ahead {ahead}: a number of days, 0 to 366"
