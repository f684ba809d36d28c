"""The care ladder's reads from the store: the year's budget lines and grants."""

from __future__ import annotations

from csc_scorecard.store import Store


def budgets(store: Store, la_code: str, fy: int) -> dict[str, dict]:
    cur = store.con.cursor()
    try:
        rows = cur.execute(
            """SELECT line, line_name, budget, budget_placements_start, budget_placements_end, budget_unit_cost
               FROM budget_lines WHERE la_code = ? AND financial_year = ? AND line IS NOT NULL ORDER BY line""",
            [la_code, fy],
        ).fetchall()
    finally:
        cur.close()
    keys = (
        "line",
        "line_name",
        "budget",
        "budget_placements_start",
        "budget_placements_end",
        "budget_unit_cost",
    )
    return {r[0]: dict(zip(keys, r, strict=True)) for r in rows}


def grants(store: Store, la_code: str, fy: int) -> list[dict]:
    cur = store.con.cursor()
    try:
        rows = cur.execute(
            """SELECT grant, line, amount, rate_per_night FROM grants
               WHERE la_code = ? AND financial_year = ? ORDER BY grant""",
            [la_code, fy],
        ).fetchall()
    finally:
        cur.close()
    return [dict(zip(("grant", "line", "amount", "rate_per_night"), r, strict=True)) for r in rows]


def per_night_grant(grants: list[dict], line: str) -> dict | None:
    return next((g for g in grants if g["line"] == line and g["rate_per_night"] is not None), None)
