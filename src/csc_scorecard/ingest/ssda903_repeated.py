"""The DOB and SEX a 903 return repeats outside its Header, checked against the Header's.

Every 903 table but Episodes repeats the child's DOB (UASC its SEX too); the canonical tables
keep the Header's only, so a different value elsewhere would be lost at load. It is kept here
instead, as one `differs_from_header` issue per differing row (the row's own value, its table
first in the message: "OC2: DOB ..."), which DfE checks INT11-INT18 and INT21 read through the
scoped tables (quality/rules/ssda903/integrity.py). Compared column-wise in DuckDB over the raw
cells: the 903 XML carries DOB and SEX once per child, so only CSV returns can differ.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from csc_scorecard.ingest.columns import cells_of
from csc_scorecard.ingest.duck import connection
from csc_scorecard.ingest.fields import load_spec
from csc_scorecard.model.batch import Issue

RULE = "differs_from_header"

# The tables DfE compares with the Header, and the repeated fields it compares (INT11-INT21).
REPEATED: dict[str, tuple[str, ...]] = {
    "AD1": ("DOB",),
    "DoLo": ("DOB",),
    "PlacedAdoption": ("DOB",),
    "Missing": ("DOB",),
    "OC2": ("DOB",),
    "OC3": ("DOB",),
    "PrevPerm": ("DOB",),
    "Reviews": ("DOB",),
    "UASC": ("DOB", "SEX"),
}

# A DOB as the 903 writes it (CSV dd/mm/yyyy, or ISO); a value that is neither is not compared.
_DATE = "try_strptime(trim({}), ['%d/%m/%Y', '%Y-%m-%d'])::DATE"
# SEX as the Header converts it (1/2 to 2023-24, M/F/U after: ingest/specs/ssda903.yaml).
_SEX = "CASE upper(trim({0})) WHEN '1' THEN 'M' WHEN '2' THEN 'F' ELSE upper(trim({0})) END"
_NORM = {"DOB": _DATE, "SEX": _SEX}


def differs_from_header(
    tables: dict[str, pa.Table | list], files: dict[str, str], where: str
) -> list[Issue]:
    """An issue for every row of a REPEATED table whose DOB (or SEX) is a valid value different
    from a Header row's for the same child. `tables`: each DfE table's raw cells (a text column
    per field and `source_row`, or the raw records); `files`: the file each came from."""
    if "Header" not in tables:
        return []
    spec = load_spec("ssda903")
    header = _cells(tables["Header"])
    # Every table's cells of one field in one Arrow table, numbered by check (k), and one
    # statement for all: a statement and a registered table a check cost ~2 ms CPU each,
    # 20-30 ms a return. Rows come in the order of the tables, their fields and their rows.
    checks: list[tuple[str, str]] = []
    parts: dict[str, list[pa.Table]] = {field: [] for field in _NORM}
    for name, fields in REPEATED.items():
        if (cells := tables.get(name)) is None:
            continue
        cells = _cells(cells)
        for field in fields:
            if field not in cells.column_names or field not in header.column_names:
                continue
            k = np.full(cells.num_rows, len(checks), np.int64)
            parts[field].append(
                pa.table(
                    {
                        "k": pa.Array.from_buffers(pa.int64(), len(k), [None, pa.py_buffer(k)]),
                        "source_row": cells["source_row"].cast(pa.int64()),
                        "CHILD": cells["CHILD"].cast(pa.string()),
                        "v": cells[field].cast(pa.string()),
                    }
                )
            )
            checks.append((name, field))
    if not checks:
        return []
    con = connection()
    views = {"_header": header} | {f"_{f}": pa.concat_tables(p) for f, p in parts.items() if p}
    for view, cells in views.items():
        con.register(view, cells)
    try:
        rows = con.execute(
            " UNION ALL ".join(
                f"""(SELECT DISTINCT t.k, t.source_row, trim(t.CHILD), trim(t.v)
                FROM _{field} t JOIN _header h ON trim(h.CHILD) = trim(t.CHILD)
                WHERE {norm.format("t.v")} <> {norm.format("h." + field)})"""
                for field, norm in _NORM.items()
                if parts[field]
            )
            + " ORDER BY 1, 2"
        ).fetchall()
    finally:
        for view in views:
            con.unregister(view)
    return [
        Issue(
            rule=RULE,
            message=f"{name}: {field} is not the Header's {field} for this child",
            table=spec.tables[name].canonical,
            file=files.get(name, where),
            row=row,
            child_id=child,
            field=field,
            value=value,
            severity="warning",
        )
        for k, row, child, value in rows
        for name, field in (checks[k],)
    ]


def _cells(t: pa.Table | list) -> pa.Table:
    return t if isinstance(t, pa.Table) else cells_of(t)
