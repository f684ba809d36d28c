"""The children's homes pipeline (seed paras 43-44): the register at a date, slippage against the
first plan, changes since the last quarter, and the sentences that report them.

`homes_pipeline` holds one snapshot of the register per `as_at_date` (tables.yaml). The register
for a quarter is the latest snapshot on or before its end; "the last quarter" is the latest
snapshot on or before the previous quarter's end; a home's first plan is the planned opening in
the earliest snapshot that lists it. Slippage is counted in whole months between planned
opening dates. New places are the beds of homes still in development (not open, not
withdrawn); beds of withdrawn proposals are reported as places still to be replaced (para 43:
"an alternative to be found for Tickhill").

The sentences that report the pipeline are the report's (report/sections/finance/pipeline_paragraphs.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.store import Store

ACTIVE = ("proposed", "approved", "purchased", "works", "registering")


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Home(_Result):
    home_id: str
    name: str
    beds: int | None
    status: str | None
    planned_opening: date | None
    first_planned_opening: date | None
    slippage_months: int | None = Field(description="planned opening now against the first plan")
    moved_since_last_quarter_months: int | None
    actual_opening: date | None
    capital_cost: float | None
    works_cost: float | None
    manager_recruited: bool | None
    risks: str | None
    in_development: bool


class Change(_Result):
    home_id: str
    name: str
    kind: str = Field(
        description="added, status, opening_moved, works_cost, manager_recruited, removed"
    )
    before: str | None
    after: str | None


class Pipeline(_Result):
    la_code: str
    as_at: date = Field(description="date of the snapshot reported")
    previous_as_at: date | None
    homes: list[Home]
    changes: list[Change]
    homes_in_development: int
    new_places: int
    withdrawn_places: int = Field(description="beds of withdrawn proposals, to be replaced")
    opened_since_last_quarter: int
    managers_to_recruit: int


def months_between(a: date, b: date) -> int:
    """Whole calendar months from a to b.

    >>> months_between(date(2022, 10, 1), date(2023, 3, 1)), months_between(date(2022, 6, 1), date(2022, 6, 30))
    (5, 0)
    """
    return (b.year - a.year) * 12 + b.month - a.month


def _snapshot_dates(store: Store, la_code: str) -> list[date]:
    cur = store.con.cursor()
    try:
        return [
            r[0]
            for r in cur.execute(
                "SELECT DISTINCT as_at_date FROM homes_pipeline WHERE la_code = ? AND as_at_date IS NOT NULL ORDER BY 1",
                [la_code],
            ).fetchall()
        ]
    finally:
        cur.close()


def _snapshot(store: Store, la_code: str, day: date) -> dict[str, dict]:
    keys = (
        "home_id",
        "name",
        "beds",
        "status",
        "planned_opening",
        "actual_opening",
        "capital_cost",
        "works_cost",
        "manager_recruited",
        "risks",
    )
    cur = store.con.cursor()
    try:
        rows = cur.execute(
            f"SELECT {', '.join(keys)} FROM homes_pipeline WHERE la_code = ? AND as_at_date = ? ORDER BY home_id",
            [la_code, day],
        ).fetchall()
    finally:
        cur.close()
    return {r[0]: dict(zip(keys, r, strict=True)) for r in rows}


def homes_pipeline(
    store: Store, la_code: str, as_at: date, previous: date | None = None
) -> Pipeline | None:
    """The register at `as_at` against the one at `previous` (default: three months earlier)."""
    dates = _snapshot_dates(store, la_code)
    current = max((d for d in dates if d <= as_at), default=None)
    if current is None:
        return None
    prev_cut = previous or _three_months_before(as_at)
    before = max((d for d in dates if d <= prev_cut and d < current), default=None)
    now = _snapshot(store, la_code, current)
    last = _snapshot(store, la_code, before) if before else {}
    first_plan: dict[str, date | None] = {}
    for d in dates:
        if d > current:
            break
        for hid, row in _snapshot(store, la_code, d).items():
            if hid not in first_plan and row["planned_opening"] is not None:
                first_plan[hid] = row["planned_opening"]
    homes = []
    for hid, row in sorted(
        now.items(), key=lambda kv: (_order(kv[1]), kv[1]["planned_opening"] or date.max, kv[0])
    ):
        planned, first = row["planned_opening"], first_plan.get(hid)
        prior = last.get(hid, {}).get("planned_opening")
        homes.append(
            Home(
                home_id=hid,
                name=row["name"] or hid,
                beds=row["beds"],
                status=row["status"],
                planned_opening=planned,
                first_planned_opening=first,
                slippage_months=months_between(first, planned) if planned and first else None,
                moved_since_last_quarter_months=months_between(prior, planned)
                if planned and prior
                else None,
                actual_opening=row["actual_opening"],
                capital_cost=row["capital_cost"],
                works_cost=row["works_cost"],
                manager_recruited=row["manager_recruited"],
                risks=row["risks"],
                in_development=(row["status"] or "proposed") in ACTIVE,
            )
        )
    changes = _changes(last, now) if before else []
    active = [h for h in homes if h.in_development]
    return Pipeline(
        la_code=la_code,
        as_at=current,
        previous_as_at=before,
        homes=homes,
        changes=changes,
        homes_in_development=len(active),
        new_places=sum(h.beds or 0 for h in active),
        withdrawn_places=sum(h.beds or 0 for h in homes if h.status == "withdrawn"),
        opened_since_last_quarter=sum(
            1 for c in changes if c.kind == "status" and c.after == "open"
        ),
        managers_to_recruit=sum(1 for h in active if not h.manager_recruited),
    )


def _order(row: dict) -> int:
    status = row["status"] or "proposed"
    return 0 if status in ACTIVE else (1 if status == "open" else 2)


def _three_months_before(d: date) -> date:
    """The same point a quarter earlier, month ends kept as month ends.

    >>> _three_months_before(date(2022, 6, 30)), _three_months_before(date(2022, 5, 15))
    (datetime.date(2022, 3, 31), datetime.date(2022, 2, 15))
    """
    if (d + timedelta(days=1)).day == 1:
        return d + timedelta(days=1) - relativedelta(months=3) - timedelta(days=1)
    return d - relativedelta(months=3)


def _changes(last: dict[str, dict], now: dict[str, dict]) -> list[Change]:
    out = []
    for hid, row in now.items():
        name = row["name"] or hid
        old = last.get(hid)
        if old is None:
            out.append(
                Change(home_id=hid, name=name, kind="added", before=None, after=row["status"])
            )
            continue
        if old["status"] != row["status"]:
            out.append(
                Change(
                    home_id=hid, name=name, kind="status", before=old["status"], after=row["status"]
                )
            )
        if old["planned_opening"] != row["planned_opening"] and row["status"] in ACTIVE:
            out.append(
                Change(
                    home_id=hid,
                    name=name,
                    kind="opening_moved",
                    before=_iso(old["planned_opening"]),
                    after=_iso(row["planned_opening"]),
                )
            )
        if (old["works_cost"] or 0) != (row["works_cost"] or 0):
            out.append(
                Change(
                    home_id=hid,
                    name=name,
                    kind="works_cost",
                    before=_num(old["works_cost"]),
                    after=_num(row["works_cost"]),
                )
            )
        if not old["manager_recruited"] and row["manager_recruited"]:
            out.append(
                Change(home_id=hid, name=name, kind="manager_recruited", before="no", after="yes")
            )
    for hid, old in last.items():
        if hid not in now:
            out.append(
                Change(
                    home_id=hid,
                    name=old["name"] or hid,
                    kind="removed",
                    before=old["status"],
                    after=None,
                )
            )
    return out


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _num(v: float | None) -> str | None:
    return None if v is None else f"{v:.0f}"
