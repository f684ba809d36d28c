"""Run the DfE rules over a store's rows: one tidy table of faults.

Columns of the fault table (`fault_table.FAULT_COLUMNS`): rule, return, table, row, child, field,
value, message, then la_code, year (collection year ending 31 March), load_id and severity. Every
rule runs as SQL over the scoped tables (quality.scope), a statement at a time, and the faults
are sorted once in Arrow (`fault_table`): the rules that are plain row filters of one table share one
scan of it (`row_filter`, `fused_query`), every other rule is its own query, sent with
the cheap ones of a small store's run in UNION ALL statements (`_grouped`); the scoped
views two or more rules read are built as tables for the run (`_tables_of_run`). A rule whose
tables hold no rows for the return cannot run and is reported once, in `not_run`, never once
per row. A rule marked `any_rows` runs when any of its tables has rows, reading the empty ones
as empty (the scope creates every table it reads, rows or none).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from csc_scorecard.cache_files import cache_root, write_json
from csc_scorecard.quality import parallel
from csc_scorecard.quality import scope as scoping
from csc_scorecard.quality.fault_table import FAULT_SCHEMA, assembled
from csc_scorecard.quality.rules import (
    KEY,
    LAST,
    RETURNS,
    SCOPED,
    Return,
    Rule,
    derived_read,
    named,
    rules,
    table_label,
)
from csc_scorecard.quality.rules.ssda903.code_columns import CODE_COLUMNS, by_combination

if TYPE_CHECKING:
    from sqlglot import exp


@dataclass
class NotRun:
    ret: Return
    reason: str
    codes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        shown = ", ".join(self.codes)
        return f"{len(self.codes)} {self.ret} rule(s) not run: {self.reason} ({shown})"


@dataclass
class RuleResult:
    faults: pa.Table
    rules_run: list[Rule] = field(default_factory=list)
    not_run: list[NotRun] = field(default_factory=list)
    returns: list[Return] = field(default_factory=list)  # returns the store held rows for
    # wall seconds "prepare" (the scope) and "rules"; CPU seconds (this process, every
    # thread) "prepare_cpu" and "rules_cpu"
    seconds: dict[str, float] = field(default_factory=dict)
    # SQL statements the run sent that build or read rows: the scope's tables built for the
    # returns run (`Scope.built`: header, bad, the DERIVED tables), the run's tables
    # (`_tables_of_run`), each fused scan and each statement of one-rule queries (`rule_queries`)
    statements: int = 0


def run_rules(
    source: duckdb.DuckDBPyConnection,
    *,
    la_codes: Sequence[str] | None = None,
    load_ids: Sequence[int] | None = None,
    only: Iterable[Rule] | None = None,
    fuse: bool = True,
    previous: duckdb.DuckDBPyConnection | None = None,
    multi_year: bool = False,
    inputs: dict[str, pa.Table] | None = None,
) -> RuleResult:
    """Every rule (or `only` these) over the rows of `source` (a store connection); `fuse`
    False runs every rule as its own query (the same faults: `rule_queries`); with `previous`
    (a store holding last year's return), the rules reading it too; with `multi_year`, over the
    rows of a synthetic England's loads too (`quality.scope.MULTI_YEAR`); with `inputs`
    (`rules.INPUTS`: the Ofsted provider list), the rules reading them too."""
    chosen = list(only) if only is not None else rules()
    started, cpu = time.perf_counter(), time.process_time()
    with parallel.one_thread_each(source, scoping.rows_loaded):
        scope = scoping.build(
            source,
            la_codes=la_codes,
            load_ids=load_ids,
            needs=scope_needs(chosen),
            previous=previous,
            multi_year=multi_year,
            inputs=inputs,
            rules=chosen,
        )
        prepared, prepared_cpu = time.perf_counter(), time.process_time()
        try:
            result = run_in_scope(scope, chosen, fuse=fuse)
        finally:
            scope.close()
    result.seconds = {
        "prepare": prepared - started,
        "rules": time.perf_counter() - prepared,
        "prepare_cpu": prepared_cpu - cpu,
        "rules_cpu": time.process_time() - prepared_cpu,
    }
    return result


def scope_needs(chosen: Iterable[Rule]) -> set[tuple[Return, str]]:
    """What the chosen rules read, for `quality.scope.build`: the scoped tables of each rule's
    `needs`, and the derived tables (rules.DERIVED) its query names, which the scope builds only
    for a run of a rule reading them."""
    return {(r.ret, t) for r in chosen for t in (*r.needs, *derived_read(r.ret, r.sql))}


def run_in_scope(scope: scoping.Scope, chosen: list[Rule], *, fuse: bool = True) -> RuleResult:
    """The chosen rules over a scope already built (`run_rules` builds one; `quality.batches`
    narrows one to each group of authorities in turn)."""
    parts: list[pa.Table] = []
    result = RuleResult(faults=FAULT_SCHEMA.empty_table())
    for ret in RETURNS:
        mine = [r for r in chosen if r.ret == ret]
        if not mine or not scope.has(ret):
            continue
        result.returns.append(ret)
        result.statements += len(scope.built.get(ret, {}))
        scope.use(ret)
        missing: dict[str, NotRun] = {}
        runnable: list[Rule] = []
        for r in mine:
            empty = scope.blocked(r)
            if empty:
                # this year's empty tables are the reason; last year's only when they are all
                shown = [t for t in empty if not t.endswith(LAST)] or empty
                reason = "no " + " or ".join(table_label(ret, t) for t in shown) + " rows"
                missing.setdefault(reason, NotRun(ret, reason)).codes.append(r.code)
                continue
            runnable.append(r)
        with _tables_of_run(scope, ret, runnable) as built:
            found, sent = _all_faults(scope.con, runnable, fuse=fuse)
            parts.append(found)
        result.statements += built + sent
        result.rules_run.extend(runnable)
        result.not_run.extend(missing.values())
    if parts:  # each return's faults sorted by fault_table.ORDER; returns in RETURNS order
        result.faults = pa.concat_tables(parts)
    return result


@contextmanager
def _tables_of_run(scope: scoping.Scope, ret: Return, chosen: Sequence[Rule]) -> Iterator[int]:
    """The scoped views (`quality.scope`: views over the store, read in place) that two or more
    of the chosen rules read, built as tables for this run, in a schema of their own that the
    search path names before the scope's; dropped afterwards (the scope's views stay, for
    `Scope.restrict`). As views, every rule's statement would bind the view's query again and
    join the store's table to its loads again (docs/benchmarks.md). Readers are counted by
    statement: the row filters of one table are one scan of it (`rule_queries`), and a rule
    reading a view only through a derived table (built by the scope, before the run) does not
    read it here; nor does a view read in place because a copy costs more (`_in_place`).
    Yields how many it built."""
    readers = _statement_readers(chosen)
    views = scope.con.execute(
        "SELECT view_name FROM duckdb_views() WHERE database_name = ? AND schema_name = ?",
        [scope.catalog, scoping.schema(ret)],
    ).fetchall()
    shared = [v for (v,) in views if readers[v] > 1]
    shared = [v for v in shared if not _in_place(scope, ret, v, readers[v])]
    if not shared:
        yield 0
        return
    at = scope.schema(ret)
    run = f"{at}_run"
    scope.con.execute(f"CREATE SCHEMA {run}").fetchall()
    try:
        parallel.run_all(scope.con, [f"CREATE TABLE {run}.{n} AS FROM {at}.{n}" for n in shared])
        scope.con.execute(f"SET search_path = '{run},{at}'").fetchall()
        yield len(shared)
    finally:
        scope.con.execute(f"DROP SCHEMA {run} CASCADE").fetchall()
        scope.use(ret)


# A shared view is copied into a table of the run unless reading it in each statement costs
# less (`_in_place`): copying cost about 0.2 us a row, a statement reading the view instead
# 1-2 ms more (binding and joining it again) and, where the view holds every row of its store
# table, no more scanning. The benchmark's 101,000 episodes (each figure the statements that
# read the view, single thread, best of 5): reviews, 251,640 rows read by 4 statements, 36 ms
# to copy and 2 ms saved; oc2 and prevperm, 53,500 rows by 4, 14 and 10 ms to copy, 5 and 4
# saved; adoptions, 580 rows by 19, 3 ms to copy, 20 saved.
ROWS_PER_READER = 7_500
# A view over a store table of more rows than this is copied without being counted (counting
# reads it once: a synthetic England's tables hold millions of rows, of every authority).
COUNTED_ROWS = 1_000_000


def _in_place(scope: scoping.Scope, ret: Return, view: str, readers: int) -> bool:
    """Whether the run's statements read the scoped view `view` itself rather than a copy: it
    holds every row of its store table (a store of this return alone, as `scorecard validate`
    makes: reading it scans no more than reading a copy would) and more than ROWS_PER_READER
    rows a reader. A store table's estimated size counts every row ever added to it (a deleted
    one too, until a checkpoint): a view then holds fewer, and is copied."""
    stored = scope.con.execute(
        "SELECT estimated_size FROM duckdb_tables() "
        "WHERE database_name = ? AND schema_name = 'main' AND table_name = ?",
        [scope.store.strip('"'), SCOPED[ret].get(view, "")],  # the catalog's name, unquoted
    ).fetchall()
    if not stored or not ROWS_PER_READER * readers < stored[0][0] <= COUNTED_ROWS:
        return False
    rows = scope.con.execute(f"SELECT count(*) FROM {scope.schema(ret)}.{view}").fetchall()
    return rows[0][0] == stored[0][0]


def _statement_readers(chosen: Sequence[Rule]) -> Counter[str]:
    """How many of the run's statements read each table by name: one for all the row filters
    of a table (fused into one scan), one for each table another rule's query names."""
    readers: Counter[str] = Counter()
    scanned: set[str] = set()
    for r in chosen:
        shape = row_filter(r.sql)
        if shape is not None:
            scanned.add(shape[0])
            continue
        readers.update(named(r.sql))
    readers.update(scanned)
    return readers


def _years(r: Rule) -> list[str]:
    """SQL conditions keeping the rows of the collection years the rule applies to."""
    first, last = r.years
    years = []
    if first is not None:
        years.append(f"year(cy_end) >= {int(first)}")
    if last is not None:
        years.append(f"year(cy_end) <= {int(last)}")
    return years


# The `field` of a fault row whose rule's query gives none: NULL in the query, the rule's own
# field (`fault_table._field`) filled in by `fault_table.assembled` after the sort, as its
# code and message are; a text repeated on every fault row cost DuckDB about a tenth of the
# fused scans.
NO_FIELD = "CAST(NULL AS VARCHAR)"


def fault_query(r: Rule, columns: Sequence[str], index: int = 0) -> str:
    """The rule's query wrapped to give the row-level fault columns (filtered to its years);
    `i` numbers the rule within one run, and the rule's code, return, message and severity are
    added from it afterwards, so the query never carries them per row; so is its field, when
    the query gives none (`NO_FIELD`). Its rows are not made distinct here: `fault_table` leaves
    out a row repeated in every column (`_in_order`)."""
    value = "value" if "value" in columns else r.column
    field_expr = "field" if "field" in columns else NO_FIELD
    years = _years(r)
    where = f"WHERE {' AND '.join(years)}" if years else ""
    return f"""SELECT {int(index)} AS i, _table AS "table", CAST("row" AS INTEGER) AS "row",
        child_id AS child, {field_expr} AS field, CAST({value} AS VARCHAR) AS value, la_code,
        CAST(year(cy_end) AS INTEGER) AS year, CAST(load_id AS INTEGER) AS load_id
    FROM ({r.sql}) q {where}"""


def _wrapped(
    con: duckdb.DuckDBPyConnection, r: Rule, index: int, schema: tuple | None = None
) -> str:
    return fault_query(r, output_columns(con, r, schema), index)


# Scoped tables have no `value` or `field` column of their own (bar `bad`, the raw texts), so a
# query that names neither word and does not read `bad` returns neither: it need not be bound.
_MAY_GIVE_VALUE = re.compile(r"\b(value|field|bad)\b", re.IGNORECASE)
_BOUND: dict[tuple[str, tuple], tuple[str, ...]] = {}  # (sql, scope schema) -> value/field


def output_columns(
    con: duckdb.DuckDBPyConnection, r: Rule, schema: tuple | None = None
) -> tuple[str, ...]:
    """Which of `value` and `field` the rule's query returns (what `fault_query` needs of its
    columns). Decided from the text when it names neither and reads no `bad`; else by binding
    the query (not running it), once per process for the same scoped tables (`schema`:
    `scope_schema`, their columns and types). Binding every rule cost 0.2-0.3 s a run. A query
    that binds without the KEY columns is refused (tests/test_quality_fused.py binds every
    rule)."""
    sql = r.sql
    if not _MAY_GIVE_VALUE.search(sql):
        return ()
    key = (sql, scope_schema(con) if schema is None else schema)
    if key not in _BOUND:
        kept_key = "bound " + _schema_digest(key[1]) + " " + sql
        found = _kept_shapes().get(kept_key)
        if found is None:
            columns = con.sql(sql).columns  # binds the query, does not run it
            missing = [c for c in KEY.replace(" ", "").split(",") if c not in columns]
            if missing:
                raise ValueError(f"rule {r.code}: its query does not return {missing}")
            found = [c for c in columns if c in ("value", "field")]
            _keep_shape(kept_key, found)
        _BOUND[key] = tuple(found)
    return _BOUND[key]


# What `row_filter` and `output_columns` found for each rule query, kept on disk between
# processes (beside the compiled measure SQL: `cache_files.cache_root`, which also turns
# it off): parsing every rule with sqlglot (and importing it) and binding the 45 queries that may
# give `value` cost a new process about 0.35 CPU s. Each answer is keyed by the query's whole
# text (and for a binding, a hash of the scoped tables' columns and types); the file by the
# DuckDB and sqlglot versions and this module's source, which decide every answer. A file that
# cannot be read or does not parse is ignored and rewritten; it is written whole (renamed into
# place), so a process never reads half of one. Beside them, the seconds each run's query
# first took ("took " and a hash of its text: `_longest_first`'s order, never its rows).
_SHAPES: dict[str, object] = {}
_SHAPES_NEW: list[str] = []


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:32]


@cache
def _schema_digest(schema: tuple) -> str:
    return _digest(schema)


@cache
def _shapes_path() -> Path | None:
    from importlib.metadata import version as installed

    root = cache_root()
    if root is None:
        return None
    source = Path(__file__).read_bytes()
    basis = (duckdb.__version__, installed("sqlglot"), hashlib.sha256(source).hexdigest())
    return root / "rule-shapes" / f"{_digest(basis)}.json"


@cache
def _kept_shapes() -> dict[str, object]:
    path = _shapes_path()
    if path is not None:
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(kept, dict):
                _SHAPES.update(kept)
        except (OSError, ValueError):
            pass
    return _SHAPES


def _keep_shape(key: str, found: object) -> None:
    _kept_shapes()[key] = found
    _SHAPES_NEW.append(key)


def _save_shapes() -> None:
    """Write the kept answers when this process found new ones. A cache that cannot be written
    is no fault: the answers are found again next time."""
    path = _shapes_path()
    if not _SHAPES_NEW or path is None:
        return
    _SHAPES_NEW.clear()
    write_json(path, _SHAPES)


def scope_schema(con: duckdb.DuckDBPyConnection) -> tuple:
    """The columns and types of the tables of the schemas in the search path (the scope's
    schema in use, and the run's tables: `_tables_of_run`), which are all a rule query reads."""
    return tuple(
        con.execute(
            """SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns()
            WHERE list_contains(current_schemas(false), schema_name)
            ORDER BY schema_name, table_name, column_index"""
        ).fetchall()
    )


def _empty_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names a rule query reads (the search path's schemas, each `catalog.schema`: the
    first holding a name is the one read) that are tables holding no row. A table's estimated
    size counts every row ever added to it (a deleted one too, until a checkpoint), so 0 is
    exact; a view is never counted empty."""
    return {name for name, rows in _table_rows(con).items() if rows == 0}


def _table_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """Each name a rule query reads (as `_empty_tables`) with its table's estimated size
    (None: a view)."""
    path = con.execute("SELECT current_setting('search_path')").fetchall()[0][0].split(",")
    catalogs = sorted({p.split(".")[0] for p in path})
    found = con.execute(
        """SELECT table_name, database_name || '.' || schema_name, estimated_size
            FROM duckdb_tables() WHERE list_contains($1, database_name)
        UNION ALL SELECT view_name, database_name || '.' || schema_name, NULL
            FROM duckdb_views() WHERE list_contains($1, database_name)""",
        [catalogs],
    ).fetchall()
    first: dict[str, tuple[int, int | None]] = {}
    for name, schema, rows in found:
        if schema in path:
            at = path.index(schema)
            if name not in first or at < first[name][0]:
                first[name] = (at, rows)
    return {name: rows for name, (_, rows) in first.items()}


# Words whose presence rules a query out of fusing before it is parsed (parsing every rule's
# SQL costs more than it saves); what is left is decided by parsing (`row_filter`). DISTINCT
# followed by FROM is the comparison `IS [NOT] DISTINCT FROM`, which a row filter may hold.
_NOT_A_FILTER = re.compile(
    r"\b(JOIN|UNION|WITH|OVER|QUALIFY|GROUP|DISTINCT(?!\s+FROM)|EXISTS|LIMIT)\b|\(\s*SELECT",
    re.IGNORECASE,
)


@cache
def row_filter(sql: str) -> tuple[str, str] | None:
    """(table, condition) when `sql` is a plain row filter of one table, `SELECT * FROM t
    [alias] WHERE condition` (or `alias.*`) with no subquery, window, join, grouping or
    DISTINCT: the rules that can share one scan of `t` (`fused_query`). None for anything else,
    which then runs as its own query. The condition comes back with its column references
    unqualified (only `t` is in scope) and rendered by sqlglot for DuckDB. Kept
    between processes (`_kept_shapes`)."""
    key = "filter " + sql
    kept = _kept_shapes()
    if key in kept:
        found = kept[key]
        return (found[0], found[1]) if isinstance(found, list) else None
    shape = _row_filter(sql)
    _keep_shape(key, list(shape) if shape else None)
    return shape


def _row_filter(sql: str) -> tuple[str, str] | None:
    """`row_filter` worked out by parsing `sql`."""
    if _NOT_A_FILTER.search(sql):
        return None
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError:
        return None
    if not isinstance(tree, exp.Select) or {k for k, v in tree.args.items() if v} - _FILTER_ARGS:
        return None
    source = tree.args.get("from") or tree.args.get("from_")
    where = tree.args.get("where")
    if source is None or where is None or not isinstance(source.this, exp.Table):
        return None
    table = source.this
    if table.args.get("db") or table.args.get("catalog"):
        return None
    alias = table.alias_or_name
    star = tree.expressions
    if len(star) != 1 or not (
        isinstance(star[0], exp.Star)
        or (
            isinstance(star[0], exp.Column)
            and isinstance(star[0].this, exp.Star)
            and star[0].table in ("", alias)
        )
    ):
        return None
    condition = where.this.copy()
    if any(condition.find_all(exp.Subquery, exp.Exists, exp.Window, exp.AggFunc, exp.Select)):
        return None
    for column in condition.find_all(exp.Column):
        if column.table not in ("", alias):
            return None
        column.set("table", None)
    return table.name, _in_turn(condition)


def _in_turn(condition: exp.Expression) -> str:
    """The condition as DuckDB SQL, its top-level AND terms tested in the order written, each
    only on the rows the ones before it kept (nested CASE): a rule's own query may rely on an
    earlier term guarding a later one (a regular expression before a CAST of the same text),
    which DuckDB's filter honours but an AND in the fused query's projection does not. True
    exactly where the AND is true."""
    from sqlglot import exp

    terms = list(condition.flatten()) if isinstance(condition, exp.And) else [condition]
    text = terms[-1].sql(dialect="duckdb")
    for term in reversed(terms[:-1]):
        text = f"CASE WHEN {term.sql(dialect='duckdb')} THEN ({text}) ELSE false END"
    return text


_FILTER_ARGS = {"expressions", "from", "from_", "where", "kind", "hint"}


def fused_query(
    table: str, chosen: Sequence[tuple[int, Rule, str]], rows: int | None = None
) -> str:
    """The fault rows of several row-filter rules over `table` from one scan of it: each row
    gets the numbers `i` of the rules whose condition (and years) it meets, one fault row per
    rule, with the same columns and values as each rule's `fault_query` (a row filter's query
    gives no `field`: `NO_FIELD`). `rows`: the table's rows, when known, for `_sparse`."""
    hits, values, coded, met_any = [], [], [], []
    codes = CODE_COLUMNS.get(table, ()) if chosen and chosen[0][1].ret == "ssda903" else ()
    for i, r, condition in chosen:
        # no coalesce(..., false): CASE WHEN takes NULL for false (episodes_pc's scan 0.10 ->
        # 0.075 CPU s without it); the years first, so a rule of later years than the rows
        # tests no row (a conjunction tests its second term only where the first holds)
        met = " AND ".join([*_years(r), f"({condition})"])
        hit = f"CASE WHEN {met} THEN {int(i)} END"
        if codes and by_combination(met, codes):  # once per combination of the codes
            coded.append(hit)
        else:
            hits.append(hit)
            met_any.append(f"({met})")
        values.append(f"WHEN {int(i)} THEN CAST({r.column} AS VARCHAR)")
    listed = f"list_filter([{', '.join(hits)}], lambda x: x IS NOT NULL)"
    source = table
    if coded:  # each row joined to its combination's rule numbers (rules/ssda903/code_columns)
        listed = f"list_concat(k.coded, {listed})"
        same = " AND ".join(f"k.k_{c} IS NOT DISTINCT FROM t.{c}" for c in codes)
        source = f"""{table} t JOIN (SELECT {", ".join(f"{c} AS k_{c}" for c in codes)},
            list_filter([{", ".join(coded)}], lambda x: x IS NOT NULL) AS coded
            FROM (SELECT DISTINCT {", ".join(codes)} FROM {table})) k ON {same}"""
        met_any.insert(0, "len(k.coded) > 0")  # its combination meets a rule: no test again
    # Every row gets its list, and unnest gives a row meeting no rule (an empty list) no fault
    # row; where few rows meet any rule, the OR of the conditions (a coded rule's read from
    # its combination's list) first leaves out the rows meeting none, before any list is
    # made, at the cost of testing each condition twice on the rows that meet one (`_sparse`).
    # A CIN table's rows seldom meet a row filter (a synthetic England's first CIN group:
    # 1,222 of 2.0 M children, none of 2.5 M referrals): that group's scans, single thread,
    # A B B A x3, CPU s median: child 0.607 -> 0.461, referrals 0.180 -> 0.160, assessments
    # 0.157 -> 0.130, s47 0.114 -> 0.097 (cpp, plans, cpreviews 1-3 ms less). A 903 table's
    # often do (the benchmark's episodes: 2.1 fault rows a row), so there the choice is made
    # from what the same scan returned last time (`_sparse`; the table's size in the text, so
    # a store of another size keeps its own). A synthetic England's 903 tables (0.12 fault
    # rows a row or fewer), two threads, CPU ms median, no WHERE -> WHERE: episodes 439 ->
    # 409, episodes_n 560 -> 476, episodes_h 246 -> 195, episodes_pc 180 -> 144, header 147
    # -> 117 (the 903 scans 1,724 -> 1,471), the same rows.
    cin = bool(chosen) and chosen[0][1].ret == "cin"
    sized = f"/* {table}: {_size_class(rows)} */ " if rows and not cin else ""

    def scan(where: str) -> str:
        return f"""{sized}SELECT i, _table AS "table", CAST("row" AS INTEGER) AS "row",
        child_id AS child, {NO_FIELD} AS field,
        CASE i {" ".join(values)} END AS value, la_code,
        CAST(year(cy_end) AS INTEGER) AS year, CAST(load_id AS INTEGER) AS load_id
    FROM (SELECT *, unnest({listed}) AS i FROM {source}{where})"""

    where = f" WHERE {' OR '.join(met_any)}"
    return scan(where) if cin or _sparse([scan(""), scan(where)], rows) else scan("")


# A fused 903 scan keeps only the rows meeting a rule first (`fused_query`) when, the last
# time it ran, it returned fewer than SPARSE fault rows a row of a table of SPARSE_ROWS rows
# or more (a small table's scan costs mostly its planning, which the WHERE adds to). The
# benchmark's 101,000 episodes, single thread, CPU ms median of 6, no WHERE -> WHERE, at
# fault rows a row: header_c (0.02) 6.8 -> 6.2, header (0.11) 27.7 -> 23.9, episodes_b
# (0.15) 16.1 -> 13.4, header_eo (0.20) 7.1 -> 6.4, episodes_h (0.27) 32.1 -> 33.9, header_x
# (0.36) 9.7 -> 8.1, episodes_pcu (0.8) 24.5 -> 25.8, episodes_n (0.87) 92 -> 107, episodes
# (2.1) 141 -> 145, episodes_pc (2.7) 81 -> 94; oc3_b (1,060 rows, none) 5.5 -> 6.1.
SPARSE = 0.25
SPARSE_ROWS = 10_000


def _size_class(rows: int) -> str:
    """A table's size as the fused scan's text names it: its rows' power of two."""
    return f"about 2^{max(rows - 1, 1).bit_length()} rows"


def _sparse(forms: Sequence[str], rows: int | None) -> bool:
    """Whether a fused scan (any of its `forms`, the texts it is sent as) returned fewer than
    SPARSE fault rows a row of its table's `rows` the last time it ran (`_longest_first` keeps
    each statement's rows); False for a scan never run, or a table under SPARSE_ROWS rows."""
    if rows is None or rows < SPARSE_ROWS:
        return False
    kept = _kept_shapes()
    found = [kept.get("rows " + _digest(q)) for q in forms]
    last = next((n for n in found if n is not None), None)
    return last is not None and float(last) < SPARSE * rows  # type: ignore[arg-type]


def rule_queries(
    con: duckdb.DuckDBPyConnection, chosen: Sequence[Rule], *, fuse: bool = True
) -> list[str]:
    """The statements giving every chosen rule's fault rows (`i` = its index in `chosen`): the
    row-filter rules over one table fused into one scan of it (`fused_query`), every other rule
    its own `fault_query`, the cheap ones joined in statements (`_grouped`) when DuckDB runs
    each statement on one thread (a small store's run); with `fuse` False, every rule's query
    a statement of its own. The order of the rows is not the point:
    `fault_table.assembled` sorts them."""
    return _queries(con, chosen, fuse=fuse)[0]


def _queries(
    con: duckdb.DuckDBPyConnection, chosen: Sequence[Rule], *, fuse: bool = True
) -> tuple[list[str], list[bool]]:
    """`rule_queries`, and for each chosen rule whether its fault rows' `field` is its query's
    own (a rule run alone whose query returns `field`), else NULL (`NO_FIELD`)."""
    filters: dict[str, list[tuple[int, Rule, str]]] = {}
    alone: list[str] = []
    gives = [False] * len(chosen)
    schema = scope_schema(con)
    # tables with a `value` or `field` column of their own (`bad`), whose row filters say
    # which of them a fault reports only when run alone
    own = {t for _, t, c, _ in schema if c in ("value", "field")}
    for i, r in enumerate(chosen):
        shape = row_filter(r.sql) if fuse else None
        if shape is None or shape[0] in own:
            columns = output_columns(con, r, schema)
            gives[i] = "field" in columns
            alone.append(fault_query(r, columns, i))
            continue
        filters.setdefault(shape[0], []).append((i, r, shape[1]))
    _save_shapes()
    # a row filter of an empty table finds no row: not sent (the benchmark's integrity_x, 24
    # rules' one scan, ~0.02 CPU s of planning and set-up a run)
    sizes = _table_rows(con)
    for table in {t for t, n in sizes.items() if n == 0} & filters.keys():
        del filters[table]
    # a table's one row filter runs as its own query: DuckDB filters the scan (the fused
    # form computes a list for every row: reviews' one rule 0.011 -> 0.001 CPU s)
    fused = [fused_query(t, rs, sizes.get(t)) for t, rs in filters.items() if len(rs) > 1]
    single = [fault_query(r, (), i) for rs in filters.values() if len(rs) == 1 for i, r, _ in rs]
    # grouped only where each statement runs on one DuckDB thread (a small store's run:
    # `parallel.one_thread_each`); over a synthetic England the groups cost wall time
    # (51.9 -> 86.1-94.2 s, the same CPU)
    one = con.execute("SELECT current_setting('threads')").fetchall()[0][0] == 1
    return fused + (_grouped(single + alone) if fuse and one else single + alone), gives


# How many one-rule queries `_grouped` joins into one statement at most, and the wall seconds
# a query took when last timed alone below which it is cheap enough to join one.
GROUP = 16
CHEAP = 0.05


def _grouped(
    queries: Sequence[str], took: Sequence[float | None] | None = None, size: int | None = None
) -> list[str]:
    """The one-rule queries (`fault_query`) that are cheap (`took`: each one's kept seconds,
    `_longest_first`; by default those kept, below CHEAP) joined by UNION ALL, `size` (GROUP)
    to a statement; the others, and those never timed, each a statement of its own. Each
    statement sent costs its own set-up, planning and result, which several small queries
    share (the 903 benchmark's 32 cheapest one-rule statements 345.6 -> 297.4 ms CPU in groups
    of 8 or 16, single thread); a long query gains nothing, and joined to others it holds
    their rows too (the synthetic England's peak 2.4 -> 3.0 GB with every one-rule query in
    groups of 16). Not all in one: DuckDB's planning of a UNION ALL grows faster than the
    statement (`_all_faults`). Every query gives the same columns, so the rows are those of the
    queries one by one."""
    size = GROUP if size is None else size
    if took is None:
        kept = _kept_shapes()
        took = [kept.get("took " + _digest(q)) for q in queries]  # type: ignore[misc]
    small = [t is not None and float(t) < CHEAP for t in took]
    cheap = [q for q, c in zip(queries, small, strict=True) if c]
    alone = [q for q, c in zip(queries, small, strict=True) if not c]
    if size <= 1:
        return list(queries)
    groups = [cheap[k : k + size] for k in range(0, len(cheap), size)]
    return alone + [
        g[0] if len(g) == 1 else "\nUNION ALL\n".join(f"({q})" for q in g) for g in groups
    ]


def _all_faults(
    con: duckdb.DuckDBPyConnection, chosen: list[Rule], *, fuse: bool = True
) -> tuple[pa.Table, int]:
    """Every rule's faults, each statement of `rule_queries` sent on its own, then put in
    order as one table (`fault_table.assembled`), the rules numbered (`i`) in code order.
    Not one statement of all the queries joined by UNION ALL: DuckDB's planning grows
    faster than the statement (334 rules: 10.8 CPU s to plan the union, 2.9 s to plan its
    parts one by one; the whole run 10-15 CPU s against 6: docs/benchmarks.md); the cheap
    one-rule queries go GROUP to a statement (`_grouped`). With the number of statements sent."""
    if not chosen:
        return FAULT_SCHEMA.empty_table(), 0
    ranked = sorted(chosen, key=lambda r: r.code)
    queries, gives = _queries(con, ranked, fuse=fuse)
    found = pa.concat_tables(_longest_first(con, queries))
    return assembled(found, ranked, gives), len(queries)


def _longest_first(con: duckdb.DuckDBPyConnection, queries: Sequence[str]) -> list[pa.Table]:
    """Each statement's rows, in the order of `queries`, sent the longest first as a run before
    timed them (kept between processes with the rule shapes: `_kept_shapes`), those
    never timed before them all. The workers take the next query as each finishes, so a long
    one sent last kept one of them busy while the other idled (the 903 benchmark's rule 238,
    last in code order: 0.05-0.14 s of two workers' 1.9-2.2 s). The rows do not depend on the
    order: `fault_table.assembled` sorts them."""
    kept = _kept_shapes()
    keys = ["took " + _digest(q) for q in queries]
    took = [kept.get(k) for k in keys]
    order = sorted(
        range(len(queries)), key=lambda k: -math.inf if took[k] is None else -float(took[k])
    )
    seconds = [0.0] * len(queries)
    found = parallel.run_all(con, [queries[k] for k in order], rows=True, seconds=seconds)
    for at, k in enumerate(order):
        if took[k] is None:
            _keep_shape(keys[k], round(seconds[at], 4))
        counted = "rows " + keys[k][len("took ") :]  # what it returned (`_sparse`)
        if kept.get(counted) != found[at].num_rows:
            _keep_shape(counted, found[at].num_rows)
    _save_shapes()
    rows: list[pa.Table] = [pa.table({})] * len(queries)
    for at, k in enumerate(order):
        rows[k] = found[at]
    return rows
