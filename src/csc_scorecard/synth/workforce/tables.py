"""The simulation's objects as canonical tables (tables.yaml data columns, typed)."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from csc_scorecard.model.schema import table as table_spec
from csc_scorecard.synth.workforce.allocation import Allocation
from csc_scorecard.synth.workforce.calibration import area_name
from csc_scorecard.synth.workforce.days import to_date
from csc_scorecard.synth.workforce.establishment import Team
from csc_scorecard.synth.workforce.roles import MANAGER_ROLES
from csc_scorecard.synth.workforce.staffing import Worker

EPOCH = date(1970, 1, 1).toordinal()  # Arrow's date32 counts days from 1 January 1970


def arrow(name: str, rows: list[dict]) -> pa.Table:
    """A canonical table (data columns only, typed per tables.yaml) from row dicts."""
    spec = table_spec(name)
    schema = pa.schema([f for f in spec.arrow_schema() if f.name in spec.data_column_names])
    return pa.table(
        {f.name: pa.array([r.get(f.name) for r in rows], type=f.type) for f in schema},
        schema=schema,
    )


def teams_table(teams: list[Team], workers: list[Worker], end: int) -> pa.Table:
    """Each team with its manager at the extract date (else its most recent one)."""
    best: dict[str, tuple[tuple[int, int], str]] = {}
    for w in workers:
        for p in w.posts:
            if p.role in MANAGER_ROLES and p.start <= end:
                rank = (1 if p.end is None or p.end >= end else 0, p.start)
                if p.team.team_id not in best or rank > best[p.team.team_id][0]:
                    best[p.team.team_id] = (rank, w.worker_id)
    rows = [
        {
            "team_id": t.team_id,
            "team_name": t.name,
            "service_area": area_name(t.area),
            "front_line": t.front_line,
            "manager_worker_id": best[t.team_id][1] if t.team_id in best else None,
        }
        for t in teams
    ]
    return arrow("teams", rows)


def workers_table(workers: list[Worker], end: int) -> pa.Table:
    rows = [
        {
            "worker_id": w.worker_id,
            "swe_no": w.swe_no,
            "agency": w.agency,
            "qualified": w.qualified,
            "asye_start_date": to_date(w.asye_start),
            "start_date": to_date(w.start),
            "leave_date": to_date(w.leave) if w.leave is not None and w.leave <= end else None,
            "leaving_reason": w.leaving_reason if w.leave is not None else None,
        }
        for w in workers
        if w.start <= end
    ]
    return arrow("workers", rows)


def posts_table(workers: list[Worker], end: int) -> pa.Table:
    rows = [
        {
            "worker_id": w.worker_id,
            "team_id": p.team.team_id,
            "role": p.role,
            "fte": p.fte,
            "start_date": to_date(p.start),
            "end_date": to_date(p.end) if p.end is not None and p.end <= end else None,
        }
        for w in workers
        for p in w.posts
        if p.start <= end
    ]
    return arrow("worker_posts", rows)


def absences_table(workers: list[Worker], end: int) -> pa.Table:
    rows = [
        {
            "worker_id": w.worker_id,
            "start_date": to_date(a.start),
            "end_date": to_date(a.end) if a.end <= end else None,
            "reason": a.reason,
        }
        for w in workers
        for a in w.absences
        if a.start <= end
    ]
    return arrow("worker_absences", rows)


def allocations_table(allocations: list[Allocation]) -> pa.Table:
    """A column at a time (about 80,000 allocations): the dates from their day numbers."""
    spec = table_spec("case_allocations")
    schema = pa.schema([f for f in spec.arrow_schema() if f.name in spec.data_column_names])
    columns = {
        "child_id": [a.child_id for a in allocations],
        "worker_id": [a.worker.worker_id for a in allocations],
        "start_date": _dates([a.start for a in allocations]),
        "end_date": _dates([a.end for a in allocations]),
        "team_id": [a.team.team_id for a in allocations],
        "reason": [a.reason for a in allocations],
    }
    return pa.table({f.name: pa.array(columns[f.name], type=f.type) for f in schema}, schema=schema)


def _dates(days: list[int | None]) -> pa.Array:
    """Day numbers (`date.toordinal`, None for none) as an Arrow date32 array."""
    return pa.array([None if d is None else d - EPOCH for d in days], pa.int32()).cast(pa.date32())


def with_personal_advisers(plans: pa.Table, allocations: list[Allocation]) -> pa.Table:
    """Annex A list 9's allocated personal adviser: the care leaver's worker at the extract date."""
    by_child: dict[str, list[Allocation]] = {}
    for a in allocations:
        if a.area == "care_leavers":
            by_child.setdefault(a.child_id, []).append(a)
    rows = plans.to_pylist()
    for r in rows:
        if r["as_at_date"] is None:
            continue
        day = r["as_at_date"].toordinal()
        for a in by_child.get(r["child_id"], []):
            if a.start <= day and (a.end is None or a.end > day):
                r["personal_adviser"] = a.worker.worker_id
    return pa.Table.from_pylist(rows, schema=plans.schema)
