"""Realistic data-quality faults in the workforce and finance records (SynthConfig.imperfections).

The kinds of fault the children's records get (`synth/imperfections.py`), on canonical tables:
a value left blank, a code that is not in its list, a date recorded late, a duplicated row. A
share `imperfections` of each named table's rows gets one fault, of a kind that table can have
(relative weights in workforce.yaml `imperfections`). A fault always changes something: only a
filled value is blanked, re-coded or moved. Key columns are never blanked or re-coded; a late
date may be part of the key (a supervision recorded after it was held) and is moved only when
that collides with no other record and stays on or before the extract date and before the end
of the record's period.

The workforce tables the finance simulation reads (workers' agency flag, worker_posts, teams,
workforce_census_la) are left as they are: finance is kept in a ledger, which does not share the
case system's typing errors, and spoiling them here would leak into the costs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from csc_scorecard.model.schema import table as table_spec
from csc_scorecard.synth.workforce.calibration import FaultSpec, calibration

KINDS = ("missing_value", "unknown_code", "late_recording", "duplicate_row")


@dataclass(frozen=True)
class Faults:
    """What can go wrong in one table's records."""

    missing_value: tuple[str, ...] = ()
    unknown_code: dict[str, str] = field(default_factory=dict)  # column -> unknown_codes pool
    # (date column, the column it must stay before, if any): the event looks later than it was
    late_recording: tuple[tuple[str, str | None], ...] = ()
    duplicate_row: bool = True

    def kinds(self) -> list[str]:
        has = {
            "missing_value": bool(self.missing_value),
            "unknown_code": bool(self.unknown_code),
            "late_recording": bool(self.late_recording),
            "duplicate_row": self.duplicate_row,
        }
        return [k for k in KINDS if has[k]]


WORKFORCE: dict[str, Faults] = {
    "workers": Faults(
        missing_value=("swe_no",),
        unknown_code={"leaving_reason": "csww_reason_leave"},
        duplicate_row=False,
    ),
    "worker_absences": Faults(
        missing_value=("reason",), unknown_code={"reason": "csww_reason_absence"}
    ),
    # An allocation entered some days after it began, or twice. (Not one left open after the
    # case closed: such ghosts pile up over the years and swamp every caseload measure.)
    "case_allocations": Faults(late_recording=(("start_date", "end_date"),)),
    "supervisions": Faults(
        missing_value=("supervisor_id",), late_recording=(("supervision_date", None),)
    ),
    "case_audits": Faults(
        missing_value=("grade", "team_id"), unknown_code={"grade": "audit_grade"}
    ),
    "workforce_census_workers": Faults(
        missing_value=("ethnicity", "qual_level", "date_of_birth"),
        unknown_code={"org_role": "csww_org_role", "reason_absence": "csww_reason_absence"},
    ),
    "cla_social_worker_episodes": Faults(
        missing_value=("sw_reason",), unknown_code={"sw_reason": "sw_reason"}
    ),
}


def spoil(
    tables: dict[str, pa.Table],
    share: float,
    targets: dict[str, Faults],
    rng: np.random.Generator,
    end: date,
) -> dict[str, pa.Table]:
    """`tables` with `share` of the rows of each table named in `targets` given one fault
    (unchanged when `share` is 0); `end` is the extract date no late date may pass."""
    if share <= 0:
        return tables
    spec = calibration().imperfections
    out = dict(tables)
    for name, faults in targets.items():
        t = out.get(name)
        if t is not None and t.num_rows:
            out[name] = _spoil_table(name, t, faults, share, spec, rng, end)
    return out


def _spoil_table(
    name: str,
    t: pa.Table,
    faults: Faults,
    share: float,
    spec: FaultSpec,
    rng: np.random.Generator,
    end: date,
) -> pa.Table:
    cols = {c: t.column(c).to_pylist() for c in t.column_names}
    n = t.num_rows
    key = table_spec(name).key
    keys = {tuple(cols[k][i] for k in key) for i in range(n)}
    kinds = faults.kinds()
    weights = np.array([spec.faults.get(k, 0.0) for k in kinds], dtype=float)
    hit = np.flatnonzero(rng.random(n) < share)
    drawn = rng.choice(len(kinds), size=hit.size, p=weights / weights.sum())
    duplicates = []

    def pick(options: list) -> object:
        return options[int(rng.integers(len(options)))]

    for row, k in zip(hit.tolist(), drawn.tolist(), strict=True):
        kind = kinds[k]
        if kind == "missing_value":
            filled = [c for c in faults.missing_value if cols[c][row] is not None]
            if filled:
                cols[pick(filled)][row] = None
        elif kind == "unknown_code":
            filled = [c for c in faults.unknown_code if cols[c][row] is not None]
            if filled:
                column = pick(filled)
                cols[column][row] = pick(spec.unknown_codes[faults.unknown_code[column]])
        elif kind == "late_recording":
            column, before = pick(list(faults.late_recording))
            late = _late(cols[column][row], before and cols[before][row], spec, rng, end)
            if late is not None and column in key:
                old = tuple(cols[c][row] for c in key)
                new = tuple(late if c == column else cols[c][row] for c in key)
                if new in keys:
                    continue
                keys.discard(old)
                keys.add(new)
            if late is not None:
                cols[column][row] = late
        elif kind == "duplicate_row":
            duplicates.append(row)
    for row in duplicates:
        for values in cols.values():
            values.append(values[row])
    return pa.table(cols, schema=t.schema)


def _late(
    day: date | None,
    before: date | None,
    spec: FaultSpec,
    rng: np.random.Generator,
    end: date,
) -> date | None:
    """`day` recorded some days late, or None when that would pass the extract date or the end
    of the record's period."""
    if day is None:
        return None
    d = spec.late_recording_days
    late = day + timedelta(days=max(1, round(d.median * math.exp(d.sigma * rng.standard_normal()))))
    if late > end or (before is not None and late >= before):
        return None
    return late
