"""A summary of what a store holds: per table and authority, rows, date span and issues; loads."""

from __future__ import annotations

from typing import Any

from csc_scorecard.model.schema import tables
from csc_scorecard.store import Store


def store_status(store: Store, latest_loads: int = 20) -> dict[str, Any]:
    con = store.con
    out: dict[str, Any] = {"authorities": store.authorities(), "tables": [], "loads": []}
    issues = store.issue_counts()
    for t in tables().values():
        dates = [c.name for c in t.data_columns if c.type == "DATE"]
        lo = f"least({', '.join(f'min({d})' for d in dates)})" if dates else "NULL"
        hi = f"greatest({', '.join(f'max({d})' for d in dates)})" if dates else "NULL"
        la = "la_code" if t.la_scoped else "NULL"
        rows = con.execute(
            f'SELECT {la}, count(*), {lo}, {hi} FROM "{t.name}" GROUP BY ALL ORDER BY 1'
        ).fetchall()
        for la_code, count, first, last in rows:
            out["tables"].append(
                {
                    "table": t.name,
                    "la_code": la_code,
                    "rows": count,
                    "first_date": first,
                    "last_date": last,
                    "issues": issues.get((la_code or "", t.name), 0),
                }
            )
    for load in store.latest_loads(latest_loads):
        out["loads"].append(
            {
                "load_id": load.load_id,
                "source_format": load.source_format,
                "la_code": load.la_code,
                "period": load.period,
                "files": load.files,
                "loaded_at": load.loaded_at,
                "row_count": load.row_count,
                "issue_count": load.issue_count,
                "extracted": load.extracted,
            }
        )
    return out
