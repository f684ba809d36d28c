"""Joining what several Annex A lists say about one record: a child's demographics on every
list (one row per child, disagreements reported), a referral on lists 3 and 6 (one row per
episode).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.ingest.fields import TableSpec, load_spec
from csc_scorecard.ingest.formats.annex_a_lists import SOURCE_FORMAT
from csc_scorecard.model.batch import Issue


def distinct_children(cells: pa.Table, spec: TableSpec) -> pa.Table:
    """A list's rows reduced to the first row of each distinct demographic record: a child with
    ten contacts is described, and any fault in the description reported, once per list."""
    key = np.zeros(cells.num_rows, np.int64)
    for name in spec.columns:
        if name in cells.column_names:  # a field the list lacks is blank in every record
            codes = _codes(cells.column(name))
            key = np.unique(key * (codes.max(initial=0) + 1) + codes, return_inverse=True)[1]
    first = np.sort(np.unique(key, return_index=True)[1])
    return cells.take(pa.array(first, pa.int64()))


def one_row_per_child(parts: list[tuple[pa.Table, str]], file: str) -> tuple[pa.Table, list[Issue]]:
    """Children's demographics from every list, one row per child: the first list that fills a
    column wins; a child described differently on two lists is a data-quality warning.

    Worked over the lists' rows stacked in order: a child's row is its first, each column's
    value the first one given; a later row giving another value is reported, naming the list
    the first came from."""
    heading = {f.to: src for src, f in load_spec(SOURCE_FORMAT).tables["children"].columns.items()}
    schema = parts[0][0].schema
    rows = pa.concat_tables([t for t, _ in parts])
    sheet_of = np.repeat(np.arange(len(parts)), [t.num_rows for t, _ in parts])
    given = np.flatnonzero(rows.column("child_id").is_valid().to_numpy(zero_copy_only=False))
    rows, sheet_of = rows.take(pa.array(given, pa.int64())), sheet_of[given]
    child = _codes(rows.column("child_id"))
    firsts = np.sort(np.unique(child, return_index=True)[1])  # each child's first row
    place = np.empty(child.max(initial=-1) + 1, np.int64)
    place[child[firsts]] = np.arange(len(firsts))
    merged = {"child_id": rows.column("child_id").take(pa.array(firsts, pa.int64()))}
    found = []  # (row, column number, column, row of the value kept)
    for number, col in enumerate(schema.names):
        if col in ("child_id", "source_row"):
            continue
        values = rows.column(col).combine_chunks()
        filled = np.flatnonzero(values.is_valid().to_numpy(zero_copy_only=False))
        kept = np.full(len(firsts), -1, np.int64)  # per child, the row whose value it keeps
        owners, first = np.unique(child[filled], return_index=True)
        kept[place[owners]] = filled[first]
        merged[col] = values.take(pa.array(kept, mask=kept < 0))
        keeper = kept[place[child[filled]]]
        differ = pc.not_equal(values.take(pa.array(filled)), values.take(pa.array(keeper)))
        differ = differ.to_numpy(zero_copy_only=False) & (filled != keeper)
        for row in filled[differ].tolist():
            found.append((row, number, col, int(kept[place[child[row]]])))
    merged["source_row"] = rows.column("source_row").take(pa.array(firsts, pa.int64()))
    issues = []
    source_rows = rows.column("source_row")
    for row, _, col, keep in sorted(found):
        value, old = rows.column(col)[row].as_py(), rows.column(col)[keep].as_py()
        issues.append(
            Issue(
                rule="inconsistent_value",
                message=f"{heading[col]} is {value} here but {old} on {parts[sheet_of[keep]][1]!r}",
                table="children",
                file=file,
                sheet=parts[sheet_of[row]][1],
                row=source_rows[row].as_py(),
                child_id=rows.column("child_id")[row].as_py(),
                field=heading[col],
                value=str(value),
                severity="warning",
            )
        )
    return pa.table({c: merged[c] for c in schema.names}, schema=schema), issues


def _codes(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Each value's number among the column's distinct values (blank its own)."""
    encoded = pc.dictionary_encode(values, null_encoding="encode")
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    return encoded.indices.to_numpy().astype(np.int64)


def join_referrals(list3: pa.Table | None, list6: pa.Table | None) -> pa.Table:
    """One referrals row per episode: list 3 gives source and NFA, list 6 need and closure.

    A list 6 episode and a list 3 referral with the same child and referral date are one record;
    each list 6 row takes at most one list 3 row, so duplicates inside a list stay visible.
    """
    parts = [t for t in (list6, list3) if t is not None]
    if len(parts) == 1:
        return parts[0]
    names = list(dict.fromkeys(list6.column_names + list3.column_names))
    out = [{c: r.get(c) for c in names} for r in list6.to_pylist()]
    open_by_key: dict[tuple, list[dict]] = {}
    for row in out:
        if row["referral_date"] is not None:
            open_by_key.setdefault((row["child_id"], row["referral_date"]), []).append(row)
    for r in list3.to_pylist():
        waiting = open_by_key.get((r["child_id"], r["referral_date"]))
        if r["referral_date"] is not None and waiting:
            target = waiting.pop(0)
            for c in list3.column_names:
                if c != "source_row":
                    target[c] = r[c]
        else:
            out.append({c: r.get(c) for c in names})
    schema = pa.schema(
        [list6.schema.field(c) if c in list6.column_names else list3.schema.field(c) for c in names]
    )
    return pa.Table.from_pylist(out, schema=schema)
