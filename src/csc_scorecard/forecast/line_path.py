"""A care-ladder line's expected path to 31 March: the count stepped day by day from the line's
start rate and end hazard (with placements stepping down between lines), and the rates that
reach a scenario's year-end target."""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel, ConfigDict

from csc_scorecard.forecast.ledger import DAYS_A_YEAR
from csc_scorecard.forecast.scenarios import StepDown


class LinePath(BaseModel):
    """Expected nights on a line from the day after the as-at date to 31 March."""

    model_config = ConfigDict(extra="forbid")

    existing_nights: float
    new_nights: float
    year_end: float


def expected_path(
    n0: float,
    start_rate: float,
    end_hazard: float,
    days: int,
    moves_out: np.ndarray | None = None,
    moves_in: np.ndarray | None = None,
) -> LinePath:
    """Step the expected count day by day: survivors of today's placements and new ones.

    `moves_out` / `moves_in` give placements stepping down off / onto the line on each day;
    moves out are taken from today's and new placements in proportion and never exceed those
    present, so the path (and every forecast built on it) stays non-negative.

    >>> p = expected_path(10, 0.0, 0.0, 30); (p.existing_nights, p.new_nights, p.year_end)
    (300.0, 0.0, 10.0)
    >>> round(expected_path(0, 1.0, 0.0, 3).new_nights, 1)  # one a day: 1 + 2 + 3 nights
    6.0
    """
    q = math.exp(-end_hazard)
    existing, new = float(n0), 0.0
    ex_nights = new_nights = 0.0
    for d in range(days):
        existing *= q
        new = new * q + start_rate + (0.0 if moves_in is None else float(moves_in[d]))
        if moves_out is not None and moves_out[d] > 0 and existing + new > 0:
            present = existing + new
            keep = 1 - min(float(moves_out[d]), present) / present
            existing, new = existing * keep, new * keep
        ex_nights += existing
        new_nights += new
    return LinePath(existing_nights=ex_nights, new_nights=new_nights, year_end=existing + new)


def rate_for_target(n0: float, target: float, end_hazard: float, days: int) -> tuple[float, float]:
    """(start rate, end hazard) that take the expected count from n0 to `target` in `days`.

    Keeps the line's end hazard and solves for the start rate; when the count would stay above
    the target even with no starts, the end hazard is raised instead (placements managed to an
    end). A target of nought is read as half a placement: an expected count falling at a
    constant hazard never reaches zero.

    >>> s, h = rate_for_target(10, 10, 0.01, 100); round(s, 4), h  # steady state: s = n0(1-q)
    (0.0995, 0.01)
    >>> s, h = rate_for_target(57, 40, 0.0, 274); s, round(57 * math.exp(-h * 274), 6)
    (0.0, 40.0)
    """
    if days <= 0:
        return 0.0, end_hazard
    gone_day, gone_all = -math.expm1(-end_hazard), -math.expm1(-end_hazard * days)  # 1-q, 1-q^days
    if gone_all > 0:
        start = (target - n0 * (1 - gone_all)) * gone_day / gone_all
    else:
        start = (target - n0) / days
    if start >= 0:
        return start, end_hazard
    goal = max(target, 0.5) if n0 > 0 else 0.0
    if n0 <= goal:
        return 0.0, end_hazard
    return 0.0, math.log(n0 / goal) / days


def moves(step: StepDown, n_from: float, days_left: int) -> np.ndarray:
    """Placements moved off the line on each remaining day: an even spread over the step-down's
    months (or to 31 March), never more than the line holds today."""
    k = min(step.placements if step.placements is not None else step.share * n_from, n_from)
    span = days_left if step.within_months is None else round(step.within_months * DAYS_A_YEAR / 12)
    per_day = np.zeros(max(days_left, 0))
    if k > 0 and span > 0 and days_left > 0:
        per_day[: min(span, days_left)] = k / span
    return per_day
