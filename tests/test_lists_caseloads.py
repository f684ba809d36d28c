"""`caseloads` on a hand-made authority (D = Thursday 30 June 2022). Cases are the workforce
module's: children allocated on D, once per worker.

  W1 (Alpha, 1.0 FTE): C1, C2, C3 (C3 allocated to W1 twice: counted once); C7 handed over
     on D (not held) = 3 cases, 3.0 per FTE.
  W2 (Beta, 0.5 FTE): C4, C5 = 2 cases, 4.0 per FTE.
  W3 left on 31 May (no post on D) but still holds C6: 1 case, no FTE, no team.

Expected (highest per FTE first; no FTE last): W2, W1, W3.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from lists_fixtures import allocations, build, column, load_all

START = d(2022, 1, 1)


@pytest.fixture
def store(store):
    load_all(
        store,
        allocations(
            [
                ("C1", "W1", START, None),
                ("C2", "W1", START, None),
                ("C3", "W1", START, None),
                ("C3", "W1", d(2022, 2, 1), None),
                ("C7", "W1", START, d(2022, 6, 30)),
                ("C5", "W2", START, None),
                ("C4", "W2", START, None),
                ("C6", "W3", START, None),
            ]
        ),
    )
    return store


def test_caseloads_by_worker(store):
    r = build(store, "caseloads")
    assert column(r, "worker_id") == ["W2", "W1", "W3"]
    assert column(r, "cases") == [2, 3, 1]
    assert column(r, "cases_per_fte") == [4.0, 3.0, None]
    assert column(r, "children") == ["C4 C5", "C1 C2 C3", "C6"]
    assert column(r, "team_name") == ["Beta", "Alpha", None]
    assert column(r, "role") == ["social_worker", "social_worker", None]
    assert r.count == 3


def test_caseloads_for_a_team(store):
    assert column(build(store, "caseloads", team="Alpha"), "worker_id") == ["W1"]
