"""Joining what several Annex A lists say about one record: a child's demographics on every
list (one row per child, disagreements reported), a referral on lists 3 and 6 (one row per
episode).
"""

from __future__ import annotations

import pyarrow as pa

from csc_scorecard.ingest.fields import TableSpec, load_spec
from csc_scorecard.ingest.formats.annex_a_lists import SOURCE_FORMAT
from csc_scorecard.model.batch import Issue


def distinct_children(records: list[tuple[int, dict]], spec: TableSpec) -> list[tuple[int, dict]]:
    """A list's rows reduced to the first row of each distinct demographic record: a child with
    ten contacts is described, and any fault in the description reported, once per list."""
    fields = list(spec.columns)
    seen: set[tuple] = set()
    out = []
    for row, rec in records:
        key = tuple(rec.get(f) for f in fields)
        if key not in seen:
            seen.add(key)
            out.append((row, rec))
    return out


def one_row_per_child(parts: list[tuple[pa.Table, str]], file: str) -> tuple[pa.Table, list[Issue]]:
    """Children's demographics from every list, one row per child: the first list that fills a
    column wins; a child described differently on two lists is a data-quality warning."""
    heading = {f.to: src for src, f in load_spec(SOURCE_FORMAT).tables["children"].columns.items()}
    merged: dict[str, dict] = {}
    found_on: dict[tuple[str, str], str] = {}  # (child, column) -> sheet its value came from
    issues: list[Issue] = []
    for rows, sheet in parts:
        for rec in rows.to_pylist():
            child = rec["child_id"]
            if child is None:
                continue
            have = merged.setdefault(child, {"child_id": child, "source_row": rec["source_row"]})
            for col, value in rec.items():
                if col in ("child_id", "source_row") or value is None:
                    continue
                old = have.get(col)
                if old is None:
                    have[col] = value
                    found_on[(child, col)] = sheet
                elif old != value:
                    issues.append(
                        Issue(
                            rule="inconsistent_value",
                            message=f"{heading[col]} is {value} here but {old} on "
                            f"{found_on[(child, col)]!r}",
                            table="children",
                            file=file,
                            sheet=sheet,
                            row=rec["source_row"],
                            child_id=child,
                            field=heading[col],
                            value=str(value),
                            severity="warning",
                        )
                    )
    schema = parts[0][0].schema
    records = [{c: m.get(c) for c in schema.names} for m in merged.values()]
    return pa.Table.from_pylist(records, schema=schema), issues


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
