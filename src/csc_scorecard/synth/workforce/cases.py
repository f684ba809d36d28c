"""Step 1: the periods each child's case is open and the service area that holds it."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from csc_scorecard.model.codes import code_group
from csc_scorecard.synth.workforce.calibration import Calibration
from csc_scorecard.synth.workforce.days import FAR, birthday

# 903 REC codes after which a young person is not a care leaver: adopted, died, care transferred
# to another authority, returned home / SGO / child arrangements order (standards.md 1.3, 1.5).
NOT_CARE_LEAVER_REC = {
    "E11",
    "E12",
    "E2",
    "E3",
    "E4A",
    "E4B",
    "E13",
    "E41",
    "E43",
    "E44",
    "E45",
    "E46",
    "E47",
    "E48",
}
SHORT_BREAKS = code_group("legal_status", "short_breaks")
# Priority of the services a child can be open to at once (lower wins the allocation).
PRIORITY = {"cla": 1, "cp": 2, "cin": 3, "assessment": 4, "care_leaver": 5, "family_support": 6}


@dataclass
class Case:
    """A period a child's case is open in one service area (end exclusive; None = still open)."""

    child_id: str
    area: str
    start: int
    end: int | None
    kind: str


class _Spans(defaultdict):
    """Each child's open periods: child -> [(start, stop, kind, area)] as ordinals."""

    def __init__(self) -> None:
        super().__init__(list)

    def add(self, child: str, start: date | None, stop: date | None, kind: str, area: str) -> None:
        if start is None:
            return
        s, e = start.toordinal(), (stop.toordinal() if stop else FAR)
        if e > s:
            self[child].append((s, e, kind, area))


def derive_cases(
    rows: dict[str, list[dict]], t0: int, end: int, cal: Calibration, rng: np.random.Generator
) -> list[Case]:
    """Periods of each child's open case and the service area that holds it.

    A child open to several services at once is held by one worker in the area of the most
    intensive one: looked after (Children in Care, or Disabled Children for category of need N2
    and short breaks), child protection plan (ACPS), child in need after assessment (ACPS or
    Disabled Children), assessment (Assessment), care leaver (Care Leavers) and family support
    (PAFSS). Referrals with no further action are dealt with in the front door and not allocated.
    """
    children = {c["child_id"]: c for c in rows["children"]}
    spans = _Spans()
    episodes = _care_and_protection(spans, rows)
    _referrals(spans, rows, children, cal, rng)
    _early_help(spans, rows, end, cal, rng)
    _care_leavers(spans, rows, children, episodes, cal)
    cases = []
    for child in sorted(spans):
        for s, e, kind, area in _resolve(spans[child]):
            if e <= t0 or s > end:
                continue
            cases.append(Case(child, area, s, None if e > end else e, kind))
    return cases


def _care_and_protection(spans: _Spans, rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Periods looked after (short breaks: child in need) and on a CP plan; returns each
    child's episodes of care."""
    episodes: dict[str, list[dict]] = defaultdict(list)
    for ep in rows["cla_episodes"]:
        episodes[ep["child_id"]].append(ep)
        if ep["ls"] in SHORT_BREAKS:
            spans.add(ep["child_id"], ep["decom"], ep["dec"], "cin", "disabled_children")
        else:
            area = "disabled_children" if ep["cin"] == "N2" else "children_in_care"
            spans.add(ep["child_id"], ep["decom"], ep["dec"], "cla", area)
    for plan in rows["cp_plans"]:
        spans.add(plan["child_id"], plan["start_date"], plan["end_date"], "cp", "acps")
    return episodes


def _referrals(
    spans: _Spans,
    rows: dict[str, list[dict]],
    children: dict[str, dict],
    cal: Calibration,
    rng: np.random.Generator,
) -> None:
    """Each referral not closed with no further action: assessment, then child in need until
    closure, then (where no early help is recorded) family support for some."""

    def disabled(child: str) -> bool:
        d = (children.get(child) or {}).get("disabilities")
        return bool(d) and d.strip().upper() != "NONE"

    authorised: dict[tuple[str, date], list[date]] = defaultdict(list)
    for a in rows["assessments"]:
        if a["referral_date"] is not None and a["authorised_date"] is not None:
            authorised[(a["child_id"], a["referral_date"])].append(a["authorised_date"])
    have_assessments = bool(rows["assessments"])
    fs = cal.family_support_days
    for ref in rows["referrals"]:
        child, start, stop = ref["child_id"], ref["referral_date"], ref["closure_date"]
        if ref["referral_nfa"] or start is None or (stop is not None and stop <= start):
            continue
        done = authorised.get((child, start))
        if done:
            assessed = max(done)
        elif have_assessments:  # none authorised: held in assessment to the 45-working-day limit
            assessed = date.fromordinal(start.toordinal() + 63)
        else:  # no assessment records: single assessments take 10-45 days (standards.md 5.1)
            assessed = date.fromordinal(start.toordinal() + int(rng.integers(10, 46)))
        if stop is not None and assessed > stop:
            assessed = stop
        spans.add(child, start, assessed, "assessment", "assessment")
        if stop is None or assessed < stop:
            area = "disabled_children" if disabled(child) else "acps"
            spans.add(child, assessed, stop, "cin", area)
        if (
            not rows["early_help_episodes"]
            and stop is not None
            and rng.random() < cal.step_down_share
        ):
            days = int(fs.median * math.exp(fs.sigma * rng.standard_normal()))
            spans.add(
                child,
                stop,
                date.fromordinal(stop.toordinal() + max(days, 14)),
                "family_support",
                "family_support",
            )


def _early_help(
    spans: _Spans, rows: dict[str, list[dict]], end: int, cal: Calibration, rng: np.random.Generator
) -> None:
    """Early help closures come from local templates; where none are recorded (Annex A list 2
    has only start and completion), each episode is given a typical length."""
    fs = cal.family_support_days
    closures_recorded = any(eh["closure_date"] for eh in rows["early_help_episodes"])
    for eh in rows["early_help_episodes"]:
        start = eh["assessment_start_date"]
        if start is None:
            continue
        stop = eh["closure_date"]
        if stop is None and not closures_recorded:
            base = eh["assessment_completion_date"] or start
            days = int(fs.median * math.exp(fs.sigma * rng.standard_normal()))
            stop = date.fromordinal(base.toordinal() + max(days, 14))
            stop = None if stop.toordinal() > end else stop
        spans.add(eh["child_id"], start, stop, "family_support", "family_support")


def _care_leavers(
    spans: _Spans,
    rows: dict[str, list[dict]],
    children: dict[str, dict],
    episodes: dict[str, list[dict]],
    cal: Calibration,
) -> None:
    """Care leavers: from leaving care while entitled, and on the care leaver list at a date
    they are not looked after (e.g. relevant children who went home, or whose time in care
    predates the extract): a personal adviser then."""
    plans: dict[str, list[date]] = defaultdict(list)
    for p in rows["care_leaver_plans"]:
        plans[p["child_id"]].append(p["as_at_date"])
    for child in sorted(episodes.keys() | plans.keys()):
        eps = episodes.get(child, [])
        span = _care_leaver_span(children.get(child), eps, plans.get(child, []), cal)
        if span:
            spans[child].append((*span, "care_leaver", "care_leavers"))
        for d in sorted(x for x in plans.get(child, []) if x is not None):
            day = d.toordinal()
            if span and span[0] <= day < span[1]:
                continue
            if any(e["decom"] <= d and (e["dec"] is None or e["dec"] > d) for e in eps):
                continue
            left = [e["dec"].toordinal() for e in eps if e["dec"] is not None and e["dec"] <= d]
            spans[child].append(
                (max(left) if left else day - 182, day + 1, "care_leaver", "care_leavers")
            )


def _care_leaver_span(
    child: dict | None, eps: list[dict], plan_dates: list[date], cal: Calibration
) -> tuple[int, int] | None:
    """From leaving care to the personal adviser's last involvement, for an eligible care leaver.

    Eligible (standards.md 1.5, OC3 cohort): looked after for at least 13 weeks after the 14th
    birthday, still looked after on or after the 16th birthday, not adopted, not returned home.
    """
    if not eps or not child or child.get("date_of_birth") is None:
        return None
    if any(e["dec"] is None for e in eps):
        return None
    last = max(eps, key=lambda e: e["dec"])
    if last["rec"] in NOT_CARE_LEAVER_REC:
        return None
    dob = child["date_of_birth"]
    at14, at16 = birthday(dob, 14), birthday(dob, 16)
    days_after_14 = sum(
        max(0, e["dec"].toordinal() - max(e["decom"].toordinal(), at14))
        for e in eps
        if e["ls"] not in SHORT_BREAKS
    )
    if days_after_14 < 91 or last["dec"].toordinal() < at16:
        return None
    until = birthday(dob, cal.care_leaver_until_age)
    later = [d.toordinal() + 1 for d in plan_dates if d is not None]
    until = min(max([until, *later]), birthday(dob, 25))
    start = last["dec"].toordinal()
    return (start, until) if until > start else None


def _resolve(spans: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Split overlapping service periods into one run per service area, highest priority first."""
    points = sorted({p for s, e, _, _ in spans for p in (s, e)})
    runs: list[list[Any]] = []
    for a, b in itertools.pairwise(points):
        active = [(PRIORITY[k], area, k) for s, e, k, area in spans if s <= a < e]
        if not active:
            continue
        _, area, kind = min(active)
        if runs and runs[-1][1] == a and runs[-1][3] == area:
            runs[-1][1] = b
        else:
            runs.append([a, b, kind, area])
    return [tuple(r) for r in runs]


def per_year(rows: list[dict], column: str, t0: int, end: int) -> float:
    """How many of `rows` have `column` within the extract, a year."""
    n = sum(1 for r in rows if r[column] is not None and t0 <= r[column].toordinal() <= end)
    return n * 365.25 / max(end - t0 + 1, 1)
