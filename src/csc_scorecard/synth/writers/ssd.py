"""The synthetic authority as a Standard Safeguarding Dataset: `ssd/ssd_<object>.csv`.

The same children, workers and teams as the statutory returns, with the SSD's own identifiers
(referral, assessment, plan, CLA and placement ids) generated here and the field names of the
specification (data-to-insight/ssd-data-model). Dates are written as SQL Server exports them
(YYYY-MM-DD), flags as Y/N. The JSON-in-text fields use the specification's shapes: outcome
objects with every key present, assessment factors mostly as a JSON array and every fifth
assessment as the planned object of Yes/No per code, so the reader meets both.

Each episode of care gets a placement row of its own (a placement spanning several episodes is
equally valid SSD, and the reader handles both); legal statuses are the 903 episodes' LS joined
into spans. Care leavers are the latest snapshot, as an SSD holds them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from csc_scorecard.ingest.fields import load_spec
from csc_scorecard.model.schema import table
from csc_scorecard.synth.authority import SyntheticAuthority
from csc_scorecard.synth.writers.csv_out import dict_columns, write_csv
from csc_scorecard.synth.writers.ssd_care import latest_care_leavers, table_rows
from csc_scorecard.synth.writers.ssd_objects import objects

FOLDER = "ssd"


def _cell(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    if v is None:
        return ""
    return v


def write(authority: SyntheticAuthority, out_dir: Path) -> list[Path]:
    folder = out_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, rows in objects(authority).items():
        header = list(rows[0]) if rows else _header(name)
        path = folder / f"{name}.csv"
        files.append(write_csv(path, header, dict_columns(rows, header), _cell))
    return files


def _header(name: str) -> list[str]:
    """An empty object's header: the fields its spec entry (or the adapter) reads."""
    from csc_scorecard.ingest.formats.ssd import AUXILIARY

    if name in AUXILIARY:
        return AUXILIARY[name]
    return [f for f in load_spec("ssd").tables[name].columns if not f.startswith("derived_")]


def expected(authority: SyntheticAuthority) -> dict[str, pa.Table]:
    """The canonical rows and columns the SSD carries (what ingesting it must give back)."""
    spec = load_spec("ssd")
    out: dict[str, pa.Table] = {}
    for tspec in spec.tables.values():
        name = tspec.canonical
        columns = [c.name for c in table(name).data_columns if c.name in carried(tspec)]
        source = authority.tables.get(name)
        if name == "permanence_orders":
            rows = [
                {
                    "child_id": r["child_id"],
                    "order_date": r["adoption_order_date"],
                    "order_type": "Adoption order",
                }
                for r in table_rows(authority, "adoptions")
                if r["adoption_order_date"]
            ]
        elif name == "care_leaver_plans":
            rows = latest_care_leavers(authority)
            as_at = extract_date(authority)
            rows = [{**r, "as_at_date": as_at} for r in rows]
        elif source is None:
            continue
        else:
            rows = source.to_pylist()
        schema = table(name).arrow_schema()
        out[name] = pa.table(
            {c: pa.array([r.get(c) for r in rows], type=schema.field(c).type) for c in columns}
        )
    return out


def carried(tspec: Any) -> set[str]:
    return {f.to for f in tspec.columns.values()}


def extract_date(authority: SyntheticAuthority) -> date | None:
    """The date the reader takes as the dump's extract date: its latest event (docs/ssd.md)."""
    found = [
        d
        for name, column in (
            ("contacts", "contact_date"),
            ("referrals", "referral_date"),
            ("cin_visits", "visit_date"),
            ("cp_visits", "visit_date"),
            ("cla_visits", "visit_date"),
            ("case_allocations", "start_date"),
        )
        for d in (
            authority.tables[name].column(column).to_pylist() if name in authority.tables else []
        )
        if d is not None
    ]
    return max(found, default=None)
