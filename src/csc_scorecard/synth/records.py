"""Column-oriented record sets used while simulating, and their conversion to canonical tables.

A `Frame` is a plain dict of equal-length numpy arrays (dates as `datetime64[D]` with NaT for
null, codes as object arrays with None for null). `to_arrow` types a frame exactly as
`schema.table(name)` declares the table's data columns.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from csc_scorecard.model import schema

Frame = dict[str, np.ndarray]


def length(frame: Frame) -> int:
    return len(next(iter(frame.values()))) if frame else 0


def take(frame: Frame, index: np.ndarray) -> Frame:
    """Rows `index` (integer positions or a boolean mask) of every column."""
    return {name: values[index] for name, values in frame.items()}


def concat(frames: list[Frame]) -> Frame:
    """Stack frames with the same columns (empty frames are skipped)."""
    frames = [f for f in frames if f and length(f)]
    if not frames:
        return {}
    names = list(frames[0])
    return {name: np.concatenate([f[name] for f in frames]) for name in names}


def sort(frame: Frame, *keys: str) -> Frame:
    """Rows ordered by `keys` (first key most significant); NaT sorts last."""
    if not length(frame):
        return frame
    order = np.lexsort([_sortable(frame[k]) for k in reversed(keys)])
    return take(frame, order)


def _sortable(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "M":
        as_int = values.astype(np.int64)
        return np.where(np.isnat(values), np.iinfo(np.int64).max, as_int)
    if values.dtype == object:
        return np.where(filled(values), values, "").astype(str)
    return values


def strings(n: int, value: str | None = None) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out[:] = value
    return out


def to_arrow(table_name: str, frame: Frame) -> pa.Table:
    """The canonical table `table_name` from `frame` (missing columns become all-null)."""
    spec = schema.table(table_name)
    n = length(frame)
    arrays = []
    for column in spec.data_columns:
        arrow_type = schema.ARROW_TYPES[column.type]
        values = frame.get(column.name)
        if values is None:
            arrays.append(pa.nulls(n, type=arrow_type))
        elif column.type == "DATE":
            arrays.append(pa.array(np.asarray(values, "datetime64[D]"), type=arrow_type))
        else:
            arrays.append(pa.array(values, type=arrow_type, from_pandas=True))
    names = [c.name for c in spec.data_columns]
    return pa.Table.from_arrays(
        arrays, schema=pa.schema(list(zip(names, [a.type for a in arrays])))
    )


def filled(values: np.ndarray) -> np.ndarray:
    """Element-wise "not null" for object arrays (codes, postcodes) that use None for null."""
    return np.not_equal(values, None)
