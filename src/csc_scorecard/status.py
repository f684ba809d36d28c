"""A summary of what a store holds: per table and authority, rows, date span and issues; loads."""

from __future__ import annotations

from typing import Any

from csc_scorecard.model.schema import tables
from csc_scorecard.store import Store


def store_status(store: Store, latest_loads: int = 20) -> dict[str, Any]:
    con = store.con
    out: dict[str, Any] = {"authorities": store.authorities(), "tables": [], "loads": []}
    issues = dict(
        con.execute(
            "SELECT coalesce(la_code, '') || '|' || table_name, count(*) FROM dq_issues GROUP BY ALL"
        ).fetchall()
    )
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
                    "issues": issues.get(f"{la_code or ''}|{t.name}", 0),
                }
            )
    for load_id, fmt, la, start, end, files, at, n, k in con.execute(
        "SELECT load_id, source_format, la_code, period_start, period_end, files, loaded_at, "
        "row_count, issue_count FROM loads ORDER BY load_id DESC LIMIT ?",
        [latest_loads],
    ).fetchall():
        out["loads"].append(
            {
                "load_id": load_id,
                "source_format": fmt,
                "la_code": la,
                "period": f"{start:%d/%m/%Y}-{end:%d/%m/%Y}" if start else "-",
                "files": files,
                "loaded_at": at,
                "row_count": n,
                "issue_count": k,
            }
        )
    return out
