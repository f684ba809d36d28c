"""Realistic data-quality faults for the data-quality rules to find (SynthConfig.imperfections).

A share of the records of each table gets one fault: a value left blank, a code that is not in
the DfE list, a date recorded late (the event looks later than it was), a duplicated row, or an
impossible date (an assessment authorised before it started, an episode ending before it began).
Key columns are never altered, so faults stay attached to the record they spoil.
"""

from __future__ import annotations

import numpy as np

from csc_scorecard.synth import draws
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.records import Frame, concat

# Which columns each kind of fault may touch, per table. Impossible dates move the first column
# of a pair to before the second.
TARGETS: dict[str, dict[str, object]] = {
    "children": {
        "missing_value": ["ethnicity", "sex", "upn"],
        "unknown_code": {"ethnicity": "ethnicity"},
    },
    "contacts": {"missing_value": [], "unknown_code": {}},
    "referrals": {
        "missing_value": ["referral_source", "primary_need_code"],
        "unknown_code": {"referral_source": "referral_source", "closure_reason": "closure_reason"},
        "impossible_date": [("closure_date", "referral_date")],
    },
    "assessments": {
        "missing_value": ["authorised_date", "factors"],
        "late_recording": ["authorised_date"],
        "impossible_date": [("authorised_date", "start_date")],
    },
    "section47s": {
        "missing_value": ["icpc_target_date"],
        "late_recording": ["icpc_date"],
        "impossible_date": [("icpc_date", "start_date")],
    },
    "cp_plans": {
        "missing_value": ["initial_category", "latest_category"],
        "unknown_code": {"initial_category": "initial_category"},
        "impossible_date": [("end_date", "start_date")],
    },
    "cp_visits": {"late_recording": ["visit_date"]},
    "cp_reviews": {"late_recording": ["review_date"]},
    "cla_episodes": {
        "missing_value": ["place_provider", "pl_post", "cin"],
        "unknown_code": {"rne": "rne", "ls": "ls", "place": "place", "rec": "rec"},
        "impossible_date": [("dec", "decom")],
    },
    "cla_reviews": {"late_recording": ["review_date"], "missing_value": ["review_code"]},
}


def apply(
    ctx: Context, frames: dict[str, Frame], key_columns: dict[str, tuple[str, ...]]
) -> dict[str, Frame]:
    """Spoil `ctx.config.imperfections` of the records of each table named in TARGETS."""
    share = ctx.config.imperfections
    if share <= 0:
        return frames
    rng, cal = ctx.rng, ctx.cal.imperfections
    out = dict(frames)
    for table, targets in TARGETS.items():
        frame = out.get(table)
        if not frame:
            continue
        frame = {k: v.copy() for k, v in frame.items()}
        n = len(next(iter(frame.values())))
        hit = np.flatnonzero(rng.random(n) < share)
        kinds = draws.choice(rng, len(hit), cal.faults)
        duplicates = []
        for kind in cal.faults:
            rows = hit[kinds == kind]
            if not rows.size:
                continue
            if kind == "duplicate_row":
                duplicates.append({k: v[rows] for k, v in frame.items()})
            elif kind == "missing_value" and targets.get("missing_value"):
                _blank(rng, frame, rows, targets["missing_value"], key_columns[table])
            elif kind == "unknown_code" and targets.get("unknown_code"):
                _unknown(rng, frame, rows, targets["unknown_code"], cal.unknown_codes)
            elif kind == "late_recording" and targets.get("late_recording"):
                column = rng.choice(targets["late_recording"])
                late = draws.days(rng, rows.size, cal.late_recording_days)
                frame[column][rows] = frame[column][rows] + late
            elif kind == "impossible_date" and targets.get("impossible_date"):
                moved, before = targets["impossible_date"][
                    rng.integers(len(targets["impossible_date"]))
                ]
                ok = rows[~np.isnat(frame[moved][rows]) & ~np.isnat(frame[before][rows])]
                frame[moved][ok] = frame[before][ok] - rng.integers(1, 30, ok.size).astype(
                    "timedelta64[D]"
                )
        out[table] = concat([frame, *duplicates])
    return out


def _blank(rng, frame: Frame, rows: np.ndarray, columns: list[str], keys: tuple[str, ...]) -> None:
    columns = [c for c in columns if c not in keys]
    which = rng.integers(len(columns), size=rows.size)
    for j, column in enumerate(columns):
        target = rows[which == j]
        values = frame[column]
        if values.dtype.kind == "M":
            values[target] = np.datetime64("NaT")
        else:
            values[target] = None


def _unknown(
    rng, frame: Frame, rows: np.ndarray, columns: dict[str, str], codes: dict[str, list[str]]
) -> None:
    names = list(columns)
    which = rng.integers(len(names), size=rows.size)
    for j, column in enumerate(names):
        target = rows[which == j]
        pool = codes.get(columns[column], ["ZZ"])
        frame[column][target] = rng.choice(np.array(pool, dtype=object), size=target.size)
