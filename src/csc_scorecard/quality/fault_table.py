"""The fault table of a run of the DfE rules: its columns and order, and its assembly from the
rows the rules' queries found (`assembled`, which `quality.runner` calls once per return).

The queries give each fault row's rule as a number `i` (the rules numbered in code order) and
leave out the rule's own texts; here the rows are sorted by ORDER in Arrow, repeated rows left
out (`_in_order`), and each rule's code, return, message and severity added as a dictionary of
the run's few texts indexed per fault (`_coded`), its field too where its query gives none.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.cursor_pool import WORKERS, run_on_cursors
from csc_scorecard.quality.rules import Rule


def arrow_allocator() -> str:
    """Arrow's buffers from jemalloc, not pyarrow's default mimalloc, for the whole process
    (unless ARROW_DEFAULT_MEMORY_POOL names one, or this pyarrow has no jemalloc); the name of
    the allocator in use. Called when this module is imported, before any rule runs. Under
    mimalloc the first run of a process paid about 0.25-0.3 CPU s more for the same work: the
    903 benchmark's fault table assembled (1,255,240 faults) in 0.60-0.64 CPU s the first time
    against 0.28-0.36 under jemalloc, though with a third of the page faults (where mimalloc spends
    it was not found). A run over the benchmark's files,
    scope and rules, 3.31 / 3.05 CPU s against 2.94 / 2.80 (median of 3 runs in one process, A
    B B A under load 8-11); one query per rule 3.84 / 3.94 against 3.18 / 3.19. Every fault
    is the same: the allocator decides where buffers live, not what they hold."""
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:  # a pyarrow built without jemalloc keeps its default
            pass
    return pa.default_memory_pool().backend_name


arrow_allocator()

FAULT_COLUMNS = ["rule", "return", "table", "row", "child", "field", "value", "message"]
# The rule's own texts (code, return, message, severity) as dictionaries of the run's few texts
# with a small index on each fault: 1.26 million faults' messages are about 131 MB as text, 2.5 MB
# as indices. Arrow's kernels, DuckDB (VARCHAR) and to_pylist read them as the texts.
RULE_TEXT = pa.dictionary(pa.int16(), pa.string())
FAULT_SCHEMA = pa.schema(
    [
        ("rule", RULE_TEXT),
        ("return", RULE_TEXT),
        ("table", pa.string()),
        ("row", pa.int32()),
        ("child", pa.string()),
        ("field", pa.string()),
        ("value", pa.string()),
        ("message", RULE_TEXT),
        ("la_code", pa.string()),
        ("year", pa.int32()),
        ("load_id", pa.int32()),
        ("severity", RULE_TEXT),
    ]
)

# The same columns with every text plain: `Table.equals` compares a dictionary column as stored
# (its dictionary and indices), so tables of the same faults are compared cast to this.
PLAIN_FAULT_SCHEMA = pa.schema(
    [pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) else f for f in FAULT_SCHEMA]
)

# The order of the fault table (within a return): by authority, DfE table, row, rule, then the
# rest of the row (a rule over all years, such as 2887Q, can flag the same row in two) so that
# it never depends on the order DuckDB's threads give rows in.
ORDER = ("la_code", "table", "row", "rule", "field", "value", "child", "load_id", "year")


def assembled(found: pa.Table, ranked: Sequence[Rule], gives: Sequence[bool]) -> pa.Table:
    """The fault table of the rows the rules' queries `found` (`i`: the rule's index in
    `ranked`, the run's rules in code order, so ordering by `i` is ordering by the rule's code),
    sorted by ORDER; the code, return, message and severity added from `i`, each a dictionary of
    the few texts indexed by `i` (`_coded`: never copied); the field too, for the rules whose
    query gives none (`gives` False: NULL in every row of the rule, so it sorts the rule's rows
    as its one text would)."""
    columns, order = _order(found)
    at = pa.array(order)
    which = pc.take(columns["i"], at)
    meta = {
        "rule": [r.code for r in ranked],
        "return": [r.ret for r in ranked],
        "message": [r.message for r in ranked],
        "severity": [r.severity for r in ranked],
    }
    own = pa.array([_field(r) for r in ranked], pa.string())
    rule = which.to_numpy()

    def column(name: str) -> pa.Array:
        if name in meta:
            return _coded(meta[name], rule)
        if name == "field":
            return _own_field(columns[name], order, which, own, np.array(gives, dtype=bool))
        return pc.take(columns[name], at)

    return pa.table(_made(FAULT_SCHEMA.names, column), schema=FAULT_SCHEMA)


def _field(r: Rule) -> str:
    """The rule's first DfE field, which its faults report unless its query gives `field`."""
    return r.fields[0] if r.fields else ""


def _coded(texts: list[str], rule: np.ndarray) -> pa.DictionaryArray:
    """The rules' `texts` (one per rule, in rule order) for faults of rules `rule`: a dictionary
    of the distinct texts (unique, as pandas' categories must be) indexed per fault. Every
    index is one of the texts' by construction, so Arrow does not check them again (1.5 ms a
    column of 1.26 million faults)."""
    distinct = {text: k for k, text in enumerate(dict.fromkeys(texts))}
    code = np.array([distinct[text] for text in texts], dtype=np.int16)
    dictionary = pa.array(list(distinct), pa.string())
    return pa.DictionaryArray.from_arrays(code[rule], dictionary, safe=False)


# The fault table's columns made largest first (`_made`): the texts copied per fault, then the
# rules' own (`_coded`: an index per fault).
_LARGEST_FIRST = ("child", "field", "value", "table", "la_code", "message", "return", "severity")


def _made(names: Sequence[str], column: Callable[[str], pa.Array]) -> dict[str, pa.Array]:
    """`column(name)` for each of `names`, on WORKERS threads at once (`cursor_pool`: Arrow's
    kernels let go of the GIL), largest first; in the order of `names`. Building the sorted
    table is the serial tail of a run, after every rule statement, while the second core idles:
    its takes copy every text of every fault row (most in the first run of a process, whose
    memory is new)."""
    todo = sorted(names, key=lambda n: _LARGEST_FIRST.index(n) if n in _LARGEST_FIRST else 99)
    made = run_on_cursors([None] * WORKERS, len(todo), lambda _, k: column(todo[k]))
    by_name = dict(zip(todo, made, strict=True))
    return {name: by_name[name] for name in names}


def _own_field(
    field: pa.Array, order: np.ndarray, which: pa.Array, own: pa.Array, gives: np.ndarray
) -> pa.Array:
    """The faults' `field` in their order (`order`: the found rows' positions, `which` their
    rules): the query's where the rule's query gives one, else the rule's own, in one take
    from the found rows' fields followed by the rules' own (taking both and choosing between
    them by rule, with `if_else`, made four arrays of 1.26 million rows for one)."""
    rule = which.to_numpy()
    return pc.take(pa.concat_arrays([field, own]), np.where(gives[rule], order, len(field) + rule))


def _in_order(found: pa.Table) -> dict[str, pa.Array]:
    """The columns of the fault rows sorted by ORDER (`rule` is `i`), nulls last, each one
    array. The first four keys (authority, table, row, rule) are packed into one integer and
    sorted by numpy; only the rows sharing those four with another row (few: a rule flagging
    one row in two fields or years) are sorted again by the rest. Text keys are ranked among
    their distinct values (a dense rank, in byte order, as DuckDB compares text). 1.26 million
    faults: 0.09 CPU s to order against 0.19 sorting all nine keys (0.10 of it ranking the
    child, value and field texts of every row), and DuckDB's ORDER BY 0.55.

    A row equal to the one before it in every column is left out (the queries' rows are not
    made distinct: `runner.fault_query`): sorted by every column, equal rows are neighbours, and only
    the rows sharing the packed keys with the one before need comparing on the rest. DuckDB's
    DISTINCT over every fault row cost about a fifth of the queries' CPU."""
    columns, order = _order(found)
    at = pa.array(order)
    return {name: pc.take(column, at) for name, column in columns.items()}


def _order(found: pa.Table) -> tuple[dict[str, pa.Array], np.ndarray]:
    """`_in_order`'s columns of `found` (each one array) and the positions of its rows in
    their order, repeated rows left out; `assembled` takes the columns itself (`_made`)."""
    columns = {name: found.column(name).combine_chunks() for name in found.column_names}
    if found.num_rows == 0:
        return columns, np.arange(0, dtype=np.int64)
    packed = _packed(columns)
    if packed is None:  # too many authorities, tables or rules to pack: all nine keys
        order = _sort(columns, range(found.num_rows)).to_numpy()
        after = np.arange(1, len(order))  # every row may equal the one before it
        rest = list(columns)
    else:
        order = np.argsort(packed, kind="stable")
        ranked = packed[order]
        same = np.zeros(len(order), dtype=bool)
        same[1:] = ranked[1:] == ranked[:-1]
        tied = same.copy()
        tied[:-1] |= same[1:]
        if tied.any():
            rows = order[tied]  # grouped by the packed keys, in their order
            order[tied] = rows[_sort(columns, rows).to_numpy()]
        after = np.flatnonzero(same)
        rest = [name for name in columns if name not in _BITS]
    if len(after):
        keep = np.ones(len(order), dtype=bool)
        keep[after] = ~_equal(columns, rest, order[after], order[after - 1])
        order = order[keep]
    return columns, order


def _equal(
    columns: dict[str, pa.Array], names: list[str], a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Whether rows `a` and `b` (positions, pairwise) are equal in the named columns, two
    NULLs counting as equal (as DISTINCT counts them)."""
    equal = np.ones(len(a), dtype=bool)
    at, bt = pa.array(a), pa.array(b)
    for name in names:
        x, y = pc.take(columns[name], at), pc.take(columns[name], bt)
        both = pc.or_(pc.fill_null(pc.equal(x, y), False), pc.and_(pc.is_null(x), pc.is_null(y)))
        equal &= both.to_numpy(zero_copy_only=False)
    return equal


_BITS = {"la_code": 12, "table": 7, "row": 33, "i": 11}  # 63 bits: a non-negative int64


def _packed(columns: dict[str, pa.Array]) -> np.ndarray | None:
    """ORDER's first four keys packed into one int64 per row (nulls last), or None when a key
    does not fit its bits (_BITS) or is negative."""
    packed = np.zeros(len(columns["i"]), dtype=np.int64)
    for name, bits in _BITS.items():
        values = _key(columns[name], 2**bits - 1)
        if values is None:
            return None
        packed <<= bits  # in place: 1.26 million faults' four keys made no temporary arrays
        packed |= values
    return packed


def _key(column: pa.Array, null: int) -> np.ndarray | None:
    """The column as one of the packed keys (int64): a text by its dense rank, an integer as
    it is, NULL as `null` (the largest its bits hold: after every value); None when a value is
    negative or not below `null`. A text of long runs (a fault's authority and table) is ranked
    by its runs' texts and the ranks repeated over the runs (`_rank`), not taken row by row
    (the benchmark's 1.26 million faults: the four keys 48 -> 22 ms CPU, warm)."""
    if pa.types.is_string(column.type):
        runs = pc.run_end_encode(column)
        if len(runs.values) * 4 > len(column):  # short runs: hashing every text costs less
            rank = _dense_rank(column)
            lengths = None
        else:
            rank = _dense_rank(runs.values)
            lengths = np.diff(runs.run_ends.to_numpy(), prepend=0)
        if (pc.max(rank).as_py() or 0) >= null:  # dense ranks: one fewer than the texts
            return None
        values = rank.fill_null(null).to_numpy().astype(np.int64)
        return values if lengths is None else np.repeat(values, lengths)
    low, high = pc.min_max(column).values()
    if (low.as_py() or 0) < 0 or (high.as_py() or 0) >= null:
        return None
    if not column.null_count:
        return column.to_numpy().astype(np.int64)
    values = column.fill_null(0).to_numpy().astype(np.int64)  # `null` may not fit its type
    values[column.is_null().to_numpy(zero_copy_only=False)] = null
    return values


def _sort(columns: dict[str, pa.Array], rows: Sequence[int] | np.ndarray) -> pa.Array:
    """The order of `rows` (positions in `columns`) by all of ORDER, nulls last."""
    at = pa.array(rows, pa.int64())
    keys = {}
    for name in ORDER:
        column = pc.take(columns["i" if name == "rule" else name], at)
        keys[name] = _rank(column) if pa.types.is_string(column.type) else column
    return pc.sort_indices(pa.table(keys), sort_keys=[(k, "ascending", "at_end") for k in keys])


def _rank(column: pa.Array) -> pa.Array:
    """Each text's dense rank among the column's distinct texts, in byte order (null: null).
    A column of long runs of one text (a fault's authority and table: each query's rows come
    a table and an authority at a time) is ranked by its runs' texts, not by hashing every
    row's (1.26 million faults: 6 ms a column against 22)."""
    runs = pc.run_end_encode(column)
    if len(runs.values) * 4 > len(column):  # short runs: hashing every text costs less
        return _dense_rank(column)
    ends = runs.run_ends.to_numpy()
    return pc.take(
        _dense_rank(runs.values), np.repeat(np.arange(len(ends)), np.diff(ends, prepend=0))
    )


def _dense_rank(column: pa.Array) -> pa.Array:
    """`_rank` by hashing every text."""
    encoded = pc.dictionary_encode(column)
    rank = pc.rank(encoded.dictionary, sort_keys=[("", "ascending")], tiebreaker="dense")
    return pc.take(rank, encoded.indices)
