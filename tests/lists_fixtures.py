"""Two teams and three workers shared by the hand-made list fixtures (tests/test_lists_*.py).

  T1 "Alpha": W1, social worker, 1.0 FTE, qualified, from 2020
  T2 "Beta":  W2, social worker, 0.5 FTE, qualified, from 2020
  W3 left on 31 May 2022 (post T1 2020 - 31 May 2022)
The list date D is Thursday 30 June 2022. Bank holidays near it: 15 and 18 April (Easter),
2 May, 2 and 3 June 2022 (Jubilee).
"""

from __future__ import annotations

from datetime import date as d

from conftest import canonical
from measure_fixtures import LA, load

from csc_scorecard import lists

D = d(2022, 6, 30)


def staff() -> dict:
    return {
        "teams": canonical(
            "teams", team_id=["T1", "T2"], team_name=["Alpha", "Beta"], front_line=[True, True]
        ),
        "workers": canonical(
            "workers",
            worker_id=["W1", "W2", "W3"],
            qualified=[True, True, True],
            start_date=[d(2020, 1, 1)] * 3,
            leave_date=[None, None, d(2022, 5, 31)],
        ),
        "worker_posts": canonical(
            "worker_posts",
            worker_id=["W1", "W2", "W3"],
            team_id=["T1", "T2", "T1"],
            role=["social_worker"] * 3,
            fte=[1.0, 0.5, 1.0],
            start_date=[d(2020, 1, 1)] * 3,
            end_date=[None, None, d(2022, 5, 31)],
        ),
    }


def columns(rows: list[tuple], names: list[str]) -> dict[str, list]:
    """Row tuples as named column lists, for `conftest.canonical`."""
    return dict(zip(names, (list(c) for c in zip(*rows, strict=True)), strict=True))


def allocations(rows: list[tuple]) -> dict:
    """case_allocations from (child, worker, start, end[, team holding the case]) rows."""
    names = ["child_id", "worker_id", "start_date", "end_date", "team_id"][: len(rows[0])]
    return {"case_allocations": canonical("case_allocations", **columns(rows, names))}


def load_all(store, tables: dict) -> None:
    load(store, {**staff(), **tables})


def column(result: lists.ListResult, name: str) -> list:
    return result.rows.column(name).to_pylist()


def build(store, name: str, **kw) -> lists.ListResult:
    return lists.build(name, store, LA, D, **kw)
