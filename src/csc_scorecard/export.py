"""`scorecard export`: the store as a Parquet lake (layout: model/lake.py, docs/schema.md).

The lake is written beside its destination and renamed into place when complete, so a reader
never sees half a lake and a failed export leaves any earlier lake as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from csc_scorecard.model.lake import (
    MANIFEST,
    SYSTEM_TABLES,
    LakeError,
    Manifest,
    TableEntry,
    is_lake,
    schema_version,
    year_column,
)
from csc_scorecard.model.schema import tables
from csc_scorecard.store import Store
from csc_scorecard.store.bookkeeping import authority_filter

# Tables with more rows than this are also partitioned by year (a setting: `--year-partition-rows`).
YEAR_PARTITION_ROWS = 1_000_000


def export_lake(
    store: Store,
    out: Path,
    *,
    la_codes: Sequence[str] | None = None,
    year_partition_rows: int = YEAR_PARTITION_ROWS,
) -> Manifest:
    """Write every canonical, reference and system table of the store (or of `la_codes`) to `out`.

    Canonical tables are partitioned by `la_code`, and by year when larger than
    `year_partition_rows`; reference tables (populations, neighbours, comparators, calendar) are
    written whole, since comparing one authority needs the others' figures; load history and
    data-quality issues go with the authorities' rows so the lake can be ingested back.
    """
    out = Path(out)
    if out.exists() and not (out.is_dir() and (is_lake(out) or not any(out.iterdir()))):
        raise LakeError(f"{out}: exists and is not an earlier lake; choose an empty folder")
    known = store.authorities()
    chosen = list(la_codes) if la_codes else known
    unknown = [la for la in chosen if la not in known]
    if unknown:
        raise LakeError(f"no data for authority {', '.join(unknown)} in {store.path}")
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        entries = {
            name: _write_table(store, work, name, chosen, year_partition_rows)
            for name in (*tables(), *SYSTEM_TABLES)
        }
        loads = [load.load_id for load in store.loads(chosen)]
        manifest = Manifest(
            schema_version=schema_version(),
            created_at=datetime.now().replace(microsecond=0),
            authorities=sorted(chosen),
            loads=loads,
            tables=entries,
        )
        (work / MANIFEST).write_text(manifest.model_dump_json(indent=1) + "\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        work.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


def _write_table(
    store: Store, folder: Path, name: str, chosen: Sequence[str], year_rows: int
) -> TableEntry:
    spec = tables().get(name)
    canonical = spec is not None and spec.kind == "canonical"
    where, params = "", []
    if canonical or name in SYSTEM_TABLES:
        where, params = f" WHERE {authority_filter(chosen)}", list(chosen)
    source = f'SELECT * FROM "{name}"{where}'
    with store.con.cursor() as cur:
        rows = cur.execute(f"SELECT count(*) FROM ({source})", params).fetchone()[0]
        columns = [d[0] for d in cur.execute(f"{source} LIMIT 0", params).description]
        target = folder / name
        target.mkdir()
        partition: list[str] = []
        if canonical and rows:
            partition = ["la_code"]
            by_year = year_column(spec) if rows > year_rows else None
            if by_year:
                source = f'SELECT *, year("{by_year}") AS "year" FROM ({source})'
                partition.append("year")
        if partition:
            cur.execute(
                f"COPY ({source}) TO {_literal(target)} (FORMAT parquet, PARTITION_BY "
                f"({', '.join(partition)}), WRITE_PARTITION_COLUMNS true)",
                params,
            ).fetchall()
        else:
            cur.execute(
                f"COPY ({source}) TO {_literal(target / 'data_0.parquet')} (FORMAT parquet)", params
            ).fetchall()
    return TableEntry(rows=rows, columns=columns, partitioned_by=partition)


def _literal(path: Path) -> str:
    """A path as a SQL string literal (COPY takes no parameter for its target)."""
    return "'" + str(path).replace("'", "''") + "'"
