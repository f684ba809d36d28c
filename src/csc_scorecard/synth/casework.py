"""Casework records a manager's daily lists need: visits, review due dates and who did each job.

`simulate(config, tables)` reads the children's and workforce tables already generated and
returns:
- `cla_visits`: statutory visits to looked-after children (Care Planning, Placement and Case
  Review (England) Regulations 2010, reg. 28(2)): within one week of each placement starting,
  then at intervals of not more than six weeks; a few are late;
- `cin_visits`: visits to children on child in need plans, which have no national timescale;
  the synthetic authority's local setting is at least every 20 working days (docs/ssd.md);
- `cp_visits` with `seen` filled in (every simulated CP visit saw the child);
- `cp_reviews` and `cla_reviews` with `due_date` (Working Together 2023: first CP review
  conference within 3 months of the initial conference, then at most every 6 months; Care
  Planning regs 2010 reg. 33: first CLA review within 20 working days of coming into care, the
  second within 3 months of the first, then at most every 6 months);
- `referrals`, `assessments`, `section47s` and `cin_plans` with the `worker_id` and `team_id`
  of the allocation open on the day the work started (`synth.workforce.allocation`).

Draws come from their own random stream, so adding these records leaves every other table
exactly as it was.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from csc_scorecard.synth.authority import SynthConfig
from csc_scorecard.synth.dates import Workdays, add_months_one
from csc_scorecard.synth.records import to_arrow
from csc_scorecard.synth.scalar_draws import ScalarDraws, scalar_draws

SEED_OFFSET = 2_003  # mixed with config.seed: independent of the children and workforce streams

LATE_SHARE = 0.03  # visits held after their timescale (a few percent, as in practice)
NOT_SEEN_SHARE = 0.02  # visits recorded where the child was not seen
SEEN_ALONE_SHARE = 0.7  # of children aged 4 and over
CLA_FIRST_DAYS = 7  # reg. 28(2)(a): within one week of the placement starting
CLA_GAP_DAYS = 42  # reg. 28(2)(b): then at intervals of not more than six weeks
CIN_GAP_WORKING_DAYS = 20  # the synthetic authority's local CIN visit setting
CLA_FIRST_REVIEW_WORKING_DAYS = 20
# Placement changes start a new placement; "L" (legal status change only) does not (903 RNE).
SAME_PLACEMENT = {"L"}
EVENT_DATES = {
    "referrals": "referral_date",
    "assessments": "start_date",
    "section47s": "start_date",
    "cin_plans": "start_date",
}


def simulate(config: SynthConfig, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    rng = np.random.default_rng(np.random.SeedSequence([config.seed, SEED_OFFSET]))
    workdays = Workdays(config.start.year - 12, config.end.year + 2)
    end = config.end
    since = date(config.first_year - 1, 4, 1)  # visits from a year before the first reported
    dob = _dob(tables)
    out: dict[str, pa.Table] = {}
    if "cla_episodes" in tables:
        out["cla_visits"] = _visits(
            "cla_visits", _cla_visits(tables["cla_episodes"], end, rng), dob, rng, since
        )
    if "cin_plans" in tables:
        out["cin_visits"] = _visits(
            "cin_visits", _cin_visits(tables["cin_plans"], end, workdays, rng), dob, rng, since
        )
    if "cp_visits" in tables:
        cp = tables["cp_visits"]
        out["cp_visits"] = cp.set_column(
            cp.column_names.index("seen"), "seen", pa.array([True] * cp.num_rows, pa.bool_())
        )
    if "cp_reviews" in tables:
        out["cp_reviews"] = _with_column(
            tables["cp_reviews"], "due_date", cp_review_due_dates(tables["cp_reviews"])
        )
    if "cla_reviews" in tables and "cla_episodes" in tables:
        due = cla_review_due_dates(tables["cla_reviews"], tables["cla_episodes"], workdays)
        out["cla_reviews"] = _with_column(tables["cla_reviews"], "due_date", due)
    allocations = _allocations(tables.get("case_allocations"))
    for name, column in EVENT_DATES.items():
        if name in tables and allocations:
            out[name] = _with_allocation(tables[name], column, allocations)
    return out


def _dob(tables: dict[str, pa.Table]) -> dict[str, date]:
    if "children" not in tables:
        return {}
    rows = tables["children"].select(["child_id", "date_of_birth"]).to_pylist()
    return {r["child_id"]: r["date_of_birth"] for r in rows if r["date_of_birth"]}


def _late(draws: ScalarDraws, on_time: int, late_by: tuple[int, int]) -> int:
    """A gap: usually within `on_time`, now and then late by a few days."""
    if draws.random() < LATE_SHARE:
        return on_time + draws.integers(*late_by)
    return draws.integers(max(1, on_time // 2), on_time + 1)


def placements(episodes: pa.Table) -> list[tuple[str, date, date | None]]:
    """(child, start, end) of each placement: consecutive 903 episodes joined while only the
    legal status changes (RNE L). `end` is the last episode's DEC (None while open)."""
    rows = sorted(
        episodes.select(["child_id", "decom", "rne", "dec"]).to_pylist(),
        key=lambda r: (r["child_id"], r["decom"]),
    )
    out: list[list] = []
    for r in rows:
        if r["decom"] is None:
            continue
        last = out[-1] if out else None
        joined = (
            last is not None
            and last[0] == r["child_id"]
            and last[2] == r["decom"]
            and r["rne"] in SAME_PLACEMENT
        )
        if joined:
            last[2] = r["dec"]
        else:
            out.append([r["child_id"], r["decom"], r["dec"]])
    return [(c, s, e) for c, s, e in out]


def _cla_visits(episodes: pa.Table, end: date, rng: np.random.Generator) -> list[tuple]:
    visits = []
    with scalar_draws(rng) as draws:  # numpy's numbers, one at a time, at Python speed
        for child, start, stop in placements(episodes):
            last_day = min(stop, end) if stop else end
            day = start + timedelta(days=_late(draws, CLA_FIRST_DAYS, (1, 6)))
            while day <= last_day:
                visits.append((child, day))
                day += timedelta(days=_late(draws, CLA_GAP_DAYS, (1, 15)))
    return visits


def _cin_visits(
    plans: pa.Table, end: date, workdays: Workdays, rng: np.random.Generator
) -> list[tuple]:
    visits = []
    with scalar_draws(rng) as draws:
        for p in plans.select(["child_id", "start_date", "end_date"]).to_pylist():
            if p["start_date"] is None:
                continue
            last_day = min(p["end_date"], end) if p["end_date"] else end
            gap = _late(draws, CIN_GAP_WORKING_DAYS // 2, (1, 8))
            day = _add_working(workdays, p["start_date"], gap)
            while day <= last_day:
                visits.append((p["child_id"], day))
                day = _add_working(workdays, day, _late(draws, CIN_GAP_WORKING_DAYS, (1, 10)))
    return visits


def _add_working(workdays: Workdays, day: date, n: int) -> date:
    return workdays.add_one(day, n)


def _visits(
    name: str, visits: list[tuple], dob: dict[str, date], rng: np.random.Generator, since: date
) -> pa.Table:
    """Visit rows (one per child and day, none before `since`) with seen and seen-alone flags."""
    visits = sorted({v for v in visits if v[1] >= since})
    n = len(visits)
    seen = rng.random(n) >= NOT_SEEN_SHARE
    alone_draw = rng.random(n) < SEEN_ALONE_SHARE
    old_enough = np.array(
        [c in dob and (d - dob[c]).days >= 4 * 365.25 for c, d in visits], dtype=bool
    )
    frame = {
        "child_id": np.array([c for c, _ in visits], dtype=object),
        "visit_date": np.array([d for _, d in visits], dtype="datetime64[D]"),
        "seen": seen,
        "seen_alone": seen & alone_draw & old_enough,
    }
    return to_arrow(name, frame)


def _with_column(t: pa.Table, name: str, values: list) -> pa.Table:
    return t.set_column(t.column_names.index(name), name, pa.array(values, pa.date32()))


def _add_months(day: date, months: int) -> date:
    return add_months_one(day, months)


def cp_review_due_dates(reviews: pa.Table) -> list[date | None]:
    """Each CP review conference's due date: 3 months after the plan started (the initial
    conference), then 6 months after the previous review (Working Together 2023, ch. 4)."""
    rows = reviews.select(["child_id", "plan_start_date", "review_date"]).to_pylist()
    order = sorted(
        range(len(rows)),
        key=lambda i: (rows[i]["child_id"], rows[i]["plan_start_date"], rows[i]["review_date"]),
    )
    due: list[date | None] = [None] * len(rows)
    previous: dict[tuple, date] = {}
    for i in order:
        r = rows[i]
        plan = (r["child_id"], r["plan_start_date"])
        if r["plan_start_date"] is None or r["review_date"] is None:
            continue
        due[i] = _add_months(previous[plan], 6) if plan in previous else _add_months(plan[1], 3)
        previous[plan] = r["review_date"]
    return due


def cla_review_due_dates(
    reviews: pa.Table, episodes: pa.Table, workdays: Workdays
) -> list[date | None]:
    """Each looked-after review's due date: 20 working days after the child came into care, the
    second 3 months after the first, then 6 months after the previous (Care Planning, Placement
    and Case Review (England) Regulations 2010, reg. 33)."""
    entries: dict[str, list[date]] = defaultdict(list)
    for e in episodes.select(["child_id", "decom", "rne"]).to_pylist():
        if e["rne"] == "S" and e["decom"] is not None:
            entries[e["child_id"]].append(e["decom"])
    for days in entries.values():
        days.sort()
    rows = reviews.select(["child_id", "review_date"]).to_pylist()
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["child_id"], rows[i]["review_date"]))
    due: list[date | None] = [None] * len(rows)
    held: dict[tuple, list[date]] = defaultdict(list)
    for i in order:
        child, day = rows[i]["child_id"], rows[i]["review_date"]
        starts = entries.get(child, [])
        k = bisect.bisect_right(starts, day) - 1 if day else -1
        if k < 0:
            continue
        period = (child, starts[k])
        before = held[period]
        if not before:
            due[i] = _add_working(workdays, starts[k], CLA_FIRST_REVIEW_WORKING_DAYS)
        else:
            due[i] = _add_months(before[-1], 3 if len(before) == 1 else 6)
        before.append(day)
    return due


def _allocations(t: pa.Table | None) -> dict[str, list[tuple]]:
    """Each child's allocations as (start, end, worker, team), in start order."""
    out: dict[str, list[tuple]] = defaultdict(list)
    if t is None:
        return out
    for a in t.select(["child_id", "start_date", "end_date", "worker_id", "team_id"]).to_pylist():
        if a["start_date"] is not None:
            out[a["child_id"]].append(
                (a["start_date"], a["end_date"] or date.max, a["worker_id"], a["team_id"])
            )
    for spans in out.values():
        spans.sort()
    return out


def _with_allocation(t: pa.Table, column: str, allocations: dict[str, list[tuple]]) -> pa.Table:
    """`worker_id` and `team_id` of the allocation open on each row's `column` date."""
    workers, teams = [], []
    for child, day in zip(
        t.column("child_id").to_pylist(), t.column(column).to_pylist(), strict=True
    ):
        worker = team = None
        if day is not None:
            for start, stop, w, tm in allocations.get(child, ()):
                if start > day:
                    break
                if day < stop:
                    worker, team = w, tm
        workers.append(worker)
        teams.append(team)
    t = t.set_column(t.column_names.index("worker_id"), "worker_id", pa.array(workers, pa.string()))
    return t.set_column(t.column_names.index("team_id"), "team_id", pa.array(teams, pa.string()))
