"""The tables the DfE rules read: each return's rows of the canonical store, in DfE shape.

The store merges returns across years (a row with the same natural key in a later load replaces
the earlier one, and a blank never erases a value), so "the current return" is not a file any
more. A rule is evaluated on each row against the collection year of the load that last wrote
it (`loads.period_start`/`period_end` -> `cy_start`/`cy_end`): an episode open across 31 March
that two annual returns both carry is checked once, as the later return has it. Rules that look
across a child's rows (previous episode, first episode, overlaps) see every row of that return
in the store, which for a store of several years is more history than one return holds
(docs/quality.md, "Scope").

Which rows belong to a return: rows whose load is of that return's format (`ssda903`,
`cin_census`); children (shared by both returns and by Annex A) belong to a return when their
row was loaded from it or the child has any row of that return, and take the collection year of
the authority's latest load of the return when their own load is of another format.

A synthetic England (`scorecard synth --england`) holds one load per authority covering many
years of both returns (source format MULTI_YEAR), written from canonical rows, not from
returns. With `multi_year` (`scorecard quality`), its rows are scoped by the same rule: each
row takes the collection year (1 April-31 March) of the last return that would carry it,
worked out from the row's own dates (CARRIED_UNTIL: an episode, plan or episode of need is
carried while open, so its end date's year, or the load's last year when still open; an
assessment, enquiry or review in the year of its latest event), and a row that ended before
the load's first year is in no return. A child takes the latest year of its rows of the return.

Every scoped table has `_table` (the DfE table name, used in fault rows), `la_code`, `load_id`,
`row` (the row or element number in the source file), `child_id`, `cy_start`, `cy_end`, then
the canonical data columns (the CIN census's only those a CIN rule reads: `scope_sql.unread`;
its `child` also `upn_check`, the UPN's check letter,
rules/cin/identifiers.py, and what the rules read of the child's episodes of need,
`CHILD_FACTS`). `bad` holds the raw text of values ingest could not read (invalid
dates, implausible dates): a date rule tells "blank" from "not a valid date" with it; and the
903 rows ingest found for a child the Header lacks, or with a DOB or SEX unlike the Header's
(`child_not_in_header`, `differs_from_header`, the DfE table first in `message`), which the
canonical tables cannot show (DfE checks INT01-INT21); and the children of an XML 903 return
with a blank UASC (`missing_value` on `uasc`), whom the store reads as not UASC (rule 105).

Last year's return, when given (`scorecard validate --previous`: a second store holding it), is
scoped the same way into `<table>_last` tables (`episodes_last`, `header_last`, ...: every row
of that store's loads of the return) for the rules that compare the two years. It is never
taken from the store itself: the store merges returns (an episode open across 31 March is one
row, last written by the later return), so last year's return as sent is not kept there.

The scoped tables are views over the store's own tables in a private catalog (`Scope`), read in
place: nothing is copied out of the store, written to it or locked in it. A run over many
authorities can go a group of them at a time (`Scope.restrict`, `quality.batches`), so memory is
bounded by the largest group, not by the store.
"""

from __future__ import annotations

import inspect
import itertools
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from csc_scorecard.quality import parallel
from csc_scorecard.quality.rules import (
    DERIVED,
    HEADERS,
    INPUTS,
    LAST,
    RETURNS,
    SCOPED,
    Return,
    Rule,
    derived_bases,
    derived_read,
    named,
)
from csc_scorecard.quality.rules.cin.child import CHILD_REPEATS, child_repeats
from csc_scorecard.quality.rules.sql import EPISODES_N
from csc_scorecard.quality.rules.ssda903 import derived_b, derived_c
from csc_scorecard.quality.rules.ssda903.derived import (
    EPISODES_H,
    HEADER_X,
    episodes_h,
    episodes_with_neighbours,
    header_x,
)
from csc_scorecard.quality.rules.ssda903.integrity import INTEGRITY_X, integrity_x
from csc_scorecard.quality.rules.ssda903.postcodes import (
    EPISODES_PC,
    EPISODES_PC_LAST,
    EPISODES_PCU,
    located,
    located_last,
    located_uasc,
)

# MULTI_YEAR and SOURCE_FORMAT: what quality.history, quality.fixtures and commands/quality.py
# import of the scope
from csc_scorecard.quality.scope_sql import (  # noqa: F401
    CHILDREN_VIEW,
    DFE_TABLE,
    MULTI_YEAR,
    SOURCE_FORMAT,
    census_header_sql,
    children_sql,
    ident,
    lit,
    loads_sql,
    table_sql,
    unread,
)

# The scoped tables built as tables (`Scope.built`) before the derived tables, as most of them
# read it: as a view, each read joined the store's rows to their loads again, and the run copied
# it for its rules after all (`runner._tables_of_run`).
BUILT_FIRST: dict[Return, tuple[str, ...]] = {"ssda903": ("episodes",), "cin": ("referrals",)}
# The scoped table of a return's MEMBERSHIP rows that its children's facts and years are grouped
# from (`children_sql(facts_from=...)`), built first (BUILT_FIRST) when the run reads it: the
# CIN children read the scoped referrals, which the run copied anyway (every CIN group's
# referrals were read from the store twice, for the children and for that copy).
FACTS_FROM: dict[Return, str] = {"cin": "referrals"}
# Derived tables that one fused scan alone reads (every rule reading them is a row filter of
# that table): over a large store, whose statements run on several DuckDB threads, views, so
# that the scan works their rows out as it reads them instead of the scope writing them all
# first. A synthetic England's, two threads, CPU ms median of 4, built then scanned ->
# scanned as a view: header_c 502 -> 396, header_x 466 -> 405, episodes_pcu 229 -> 85. A
# small store's run (a thread a statement: `parallel.one_thread_each`) builds them, as the
# benchmark's rules alone would take on what its scope saves (10-20 ms each). A view two
# statements read (`validate --no-fuse`) is copied for the run (`runner._tables_of_run`).
READ_ONCE: dict[Return, tuple[str, ...]] = {
    "ssda903": (HEADER_X, "header_c", EPISODES_PCU),
    "cin": (),
}
# How each derived table (rules.DERIVED) is built from the scoped tables, once per run.
DERIVED_SQL = {
    EPISODES_N: episodes_with_neighbours,
    EPISODES_PC: located,
    EPISODES_PC_LAST: located_last,
    EPISODES_PCU: located_uasc,
    EPISODES_H: episodes_h,
    HEADER_X: header_x,
    INTEGRITY_X: integrity_x,
    **derived_b.BUILDERS,
    **derived_c.BUILDERS,
    CHILD_REPEATS: child_repeats,
}


def canonical_table(ret: Return, dfe_table: str) -> str:
    """The canonical table behind a fault's DfE table name (AD1 -> adoptions, ...); a return
    header's fault (CIN rule 100) concerns the load itself, kept in `loads`."""
    for name, canonical in SCOPED[ret].items():
        if dfe_table in DFE_TABLE[name]:
            return canonical
    if dfe_table.lower() in HEADERS[ret]:  # the return's header: the store keeps it as the load
        return "loads"
    raise KeyError(f"no {ret} table {dfe_table!r}")


@dataclass
class Scope:
    """The connection holding the scoped tables, one schema per return (`schema`) in a catalog
    of their own (`catalog`): views over the store's own tables, read in place (never copied
    out), and the few tables built once per run (`built`: below; last year's return).

    Built as tables, inside DuckDB from the views (no rows leave the engine): each return's
    children (`header`, `child`: a union of three joins over the children, episodes and
    referrals, which every rule reading it would otherwise compute again; as views the rules
    took twice the CPU: docs/benchmarks.md), the scoped tables of BUILT_FIRST, `bad` (the few
    ingest issues rules look up per row) and the DERIVED tables (window functions over a child's episodes).

    Where the views live: a private in-memory database attached to the store's own instance,
    through a cursor of the caller's connection (a file store opened for writing, or an
    in-memory store: `scorecard validate`); or, when the store is a file opened read-only (DuckDB
    cannot attach a new database to a read-only instance), a private in-memory connection that
    attaches the same file read-only. Either way nothing is written to, or locked in, the store.
    `rows`: whether each scoped table has any row (1) or none (0). `deferred`: the return's
    `built` tables that are views until the first `restrict` builds them (`build(deferred=...)`)."""

    con: duckdb.DuckDBPyConnection
    catalog: str
    store: str  # the store's catalog as the scope's connection names it
    attached: bool = False  # `catalog` is attached to the store's instance: detached on close
    rows: dict[tuple[Return, str], int] = field(default_factory=dict)
    loads: dict[Return, str] = field(default_factory=dict)  # the loads each return's views read
    built: dict[Return, dict[str, str]] = field(default_factory=dict)  # table -> its SQL
    deferred: dict[Return, list[str]] = field(default_factory=dict)

    def has(self, ret: Return) -> bool:
        return any(n for (r, _), n in self.rows.items() if r == ret)

    def blocked(self, r: Rule) -> list[str]:
        """The tables without rows that keep rule `r` from running (`runner.run_in_scope` lists
        it as not run for them; `build` makes no derived table for it): every table it reads
        that has none, or with `any_rows` all of them; none when it runs."""
        empty = [t for t in r.needs if not self.rows.get((r.ret, t))]
        if empty and (not r.any_rows or len(empty) == len(r.needs)):
            return empty
        return []

    def schema(self, ret: Return) -> str:
        return f"{self.catalog}.{schema(ret)}"

    def use(self, ret: Return) -> None:
        self.con.execute(f"SET search_path = '{self.schema(ret)}'").fetchall()

    def authorities(self, ret: Return) -> list[str]:
        """The authorities with a load of the return in scope (as `build` chose), in order."""
        return list(self.sizes(ret))

    def sizes(self, ret: Return) -> dict[str, int]:
        """The authorities with a load of the return in scope, in order, each with the rows
        its loads wrote to the return's tables (SCOPED: the children's too). Not the loads'
        `row_count`: a synthetic England's load holds both returns, and its 903 return (6.6
        of 26 million rows) went in three groups of 9 million rows where it fits in one, each
        group building its tables and planning every rule again (docs/benchmarks.md)."""
        if ret not in self.loads:
            return {}
        loads = f"{self.loads[ret]}_all"
        counted = " UNION ALL ".join(
            f'SELECT t.load_id, count(*) AS n FROM {self.store}.main."{c}" t '
            f"WHERE t.load_id IN (SELECT load_id FROM {loads}) GROUP BY t.load_id"
            for c in dict.fromkeys(SCOPED[ret].values())
        )
        found = self.con.execute(
            f"""SELECT l.la_code, coalesce(sum(c.n), 0)::BIGINT FROM {loads} l
            LEFT JOIN ({counted}) c ON c.load_id = l.load_id
            GROUP BY l.la_code ORDER BY l.la_code"""
        ).fetchall()
        return dict(found)

    def restrict(self, ret: Return, la_codes: Collection[str]) -> None:
        """Narrow the return's scoped tables to these authorities' rows (of the loads `build`
        chose), building its `built` tables again; `rows` stays as `build` found it over all
        of them, so a rule runs, or not, as it would over all at once (`quality.batches`)."""
        loads = self.loads[ret]
        among = ", ".join(lit(c) for c in la_codes) or "NULL"
        self.con.execute(f"DELETE FROM {loads}").fetchall()
        self.con.execute(
            f"INSERT INTO {loads} SELECT * FROM {loads}_all WHERE la_code IN ({among})"
        ).fetchall()
        for name in self.deferred.pop(ret, []):
            self.con.execute(f"DROP VIEW {self.schema(ret)}.{name}").fetchall()
        _materialize(self, ret)

    def release(self, ret: Return) -> None:
        """Drop the return's `built` tables (its last group is done: `quality.batches`), so
        that its rows are not held while the next return's groups run: the synthetic England's
        903 return, one group, held 0.7 GB through the CIN census's."""
        views = _views(self, ret)  # READ_ONCE over a large store
        for name in self.built.get(ret, {}):
            kind = "VIEW" if name in views else "TABLE"
            self.con.execute(f"DROP {kind} IF EXISTS {self.schema(ret)}.{name}").fetchall()

    def close(self) -> None:
        self.con.execute("RESET search_path").fetchall()
        if self.attached:
            self.con.execute(f"DETACH {self.catalog}").fetchall()
        self.con.close()


def schema(ret: Return) -> str:
    return "s903" if ret == "ssda903" else "scin"


_SCOPES = itertools.count()


def rows_loaded(con: duckdb.DuckDBPyConnection) -> int:
    """The rows every load of `con`'s store wrote (`loads.row_count`): how big its runs are
    (`parallel.one_thread_each`)."""
    with con.cursor() as cur:
        return cur.execute("SELECT coalesce(sum(row_count), 0) FROM loads").fetchall()[0][0]


def _open(source: duckdb.DuckDBPyConnection) -> Scope:
    """A connection for the scoped views that reads `source`'s tables in place (`Scope`)."""
    with source.cursor() as cur:
        name, path, readonly = cur.execute(
            "SELECT database_name, path, readonly FROM duckdb_databases() "
            "WHERE database_name = current_database()"
        ).fetchall()[0]
    catalog = f"scope_{os.getpid()}_{next(_SCOPES)}"
    if readonly and path:
        # no progress bar: DuckDB draws one on stdout (a fault CSV's, a benchmark's result
        # line's) once a statement takes over 2 s, as one may under load
        con = duckdb.connect(":memory:")
        con.execute("SET enable_progress_bar = false").fetchall()
        con.execute(f"ATTACH {lit(path)} AS {catalog}_store (READ_ONLY)").fetchall()
        return Scope(con, catalog="memory", store=f"{catalog}_store")
    con = source.cursor()
    con.execute(f"ATTACH ':memory:' AS {catalog}").fetchall()
    return Scope(con, catalog=catalog, store=ident(name), attached=True)


def build(
    source: duckdb.DuckDBPyConnection,
    *,
    la_codes: Sequence[str] | None = None,
    load_ids: Sequence[int] | None = None,
    needs: Collection[tuple[Return, str]] | None = None,
    previous: duckdb.DuckDBPyConnection | None = None,
    multi_year: bool = False,
    inputs: Mapping[str, pa.Table] | None = None,
    deferred: bool = False,
    rules: Collection[Rule] | None = None,
) -> Scope:
    """Each return's rows of `source` (a store connection) as the scoped tables; with `needs`
    ((return, scoped table) pairs: what the rules to run read), only those; with `previous` (a
    store holding last year's return), its rows as the `*_last` tables; with `multi_year`, the
    rows of MULTI_YEAR loads too, each in the year of the last return carrying it; `inputs`
    (rules.INPUTS given: the Ofsted provider list) as tables of their return; `deferred`, for a
    caller that narrows the scope (`Scope.restrict`, quality.batches) before running any rule:
    the `built` tables left as views (or, the DERIVED ones, not made) until the first
    `restrict` builds them for its authorities, as building them over every authority first
    would be thrown away (a synthetic England: 16.5 of the scope's CPU seconds; the views
    cost only the `rows` check, 2.9); `rules` (the rules to run, whose `needs` are `needs`): the
    derived tables only those of them that will run read (`Scope.blocked`: decided from the
    scoped tables' rows, as the runner decides it), not every one a rule to run names (a rule
    over last year's return, without it, reads a derived table of empty tables).

    The scoped tables are views over the store's tables joined to a small table of the loads
    in scope (`<schema>_loads`), so `Scope.restrict` narrows them to some authorities by
    changing that table; the few `Scope.built` tables are built from them. Last year's return
    is copied (Arrow), the one copy left: it is another database (`scorecard validate` holds it
    in an in-memory store of its own), which this connection cannot attach."""
    scope = _open(source)
    try:
        _build(
            scope, la_codes, load_ids, needs, previous, multi_year, inputs or {}, deferred, rules
        )
    except BaseException:
        scope.close()
        raise
    return scope


def _build(
    scope: Scope,
    la_codes: Sequence[str] | None,
    load_ids: Sequence[int] | None,
    needs: Collection[tuple[Return, str]] | None,
    previous: duckdb.DuckDBPyConnection | None,
    multi_year: bool,
    inputs: Mapping[str, pa.Table],
    deferred: bool = False,
    rules: Collection[Rule] | None = None,
) -> None:
    store = f"{scope.store}.main"
    con = scope.con
    for ret in RETURNS:
        loads = f"{scope.catalog}.main.{schema(ret)}_loads"
        sql = loads_sql(ret, la_codes, load_ids, multi_year=multi_year, store=store)
        con.execute(f"CREATE TABLE {loads}_all AS {sql}").fetchall()
        if not con.execute(f"SELECT count(*) FROM {loads}_all").fetchall()[0][0]:
            continue  # no load of this return: its rules are not listed as not run
        con.execute(f"CREATE TABLE {loads} AS FROM {loads}_all").fetchall()
        scope.loads[ret] = loads
        kinds = con.execute(f"SELECT bool_or(multi), bool_or(NOT multi) FROM {loads}_all")
        multi, single = kinds.fetchall()[0]
        at = scope.schema(ret)
        con.execute(f"CREATE SCHEMA {at}").fetchall()
        l_sql = f"SELECT * FROM {loads}"
        built = scope.built.setdefault(ret, {})
        facts = FACTS_FROM.get(ret)
        facts = facts if needs is None or (ret, facts) in needs else None
        scoped = sorted(SCOPED[ret].items(), key=lambda t: facts is not None and t[0] != facts)
        for name, canonical in scoped:  # the table the children's facts read (if any) first
            if needs is not None and (ret, name) not in needs:
                continue
            columns = con.sql(f'SELECT * FROM {store}."{canonical}" LIMIT 0').columns
            left = unread(ret, columns)  # what no rule of the return reads (CIN)
            if name == CHILDREN_VIEW[ret]:
                built[name] = children_sql(
                    ret,
                    canonical,
                    l_sql,
                    store,
                    multi=multi,
                    single=single,
                    unread=left,
                    facts_from=facts,
                )
            elif name in BUILT_FIRST[ret]:
                built[name] = table_sql(name, canonical, l_sql, store, unread=left)
            else:
                view = table_sql(name, canonical, l_sql, store, unread=left)
                con.execute(f"CREATE VIEW {at}.{name} AS {view}").fetchall()
        built["bad"] = f"""WITH l AS ({l_sql})
            SELECT i.load_id, i.table_name, i."row", i.column_name, i.rule, i.value,
                   i.child_id, i.field, i.message
            FROM {store}.dq_issues i JOIN l ON i.load_id = l.load_id
            WHERE i.rule IN ('invalid_date', 'implausible_date', 'invalid_number',
                             'invalid_boolean', 'child_not_in_header', 'differs_from_header',
                             'duplicate_key', 'out_of_range')
               OR (i.rule = 'missing_value' AND i.column_name = 'uasc')"""
        for name in HEADERS[ret]:
            if needs is None or (ret, name) in needs:
                con.execute(
                    f"CREATE VIEW {at}.{name} AS {census_header_sql(l_sql, store)}"
                ).fetchall()
        if deferred:  # built by the first `Scope.restrict`; views until then, for `_count`
            scope.deferred[ret] = list(built)
            scope.use(ret)  # a view reading another (the children's facts) names it alone
            try:
                for name, sql in built.items():
                    con.execute(f"CREATE VIEW {at}.{name} AS {sql}").fetchall()
            finally:
                con.execute("RESET search_path").fetchall()
        else:
            _materialize(scope, ret)
        _count(scope, ret, needs)
        if previous is not None:
            _build_last(ret, previous, needs, scope)
        _empty_last(ret, needs, scope)
        _inputs(ret, inputs, needs, scope)
        present = {t for (r, t) in scope.rows if r == ret}  # the return's tables of this run
        read = None
        if rules is not None:  # what the rules that will run read
            running = [r for r in rules if r.ret == ret and not scope.blocked(r)]
            read = {n for r in running for n in derived_read(ret, r.sql)}
        derived = derived_of_run(ret, needs, present, read)  # after the tables they read
        built.update(derived)
        if not deferred:
            _materialize(scope, ret, derived)


def derived_of_run(
    ret: Return,
    needs: Collection[tuple[Return, str]] | None,
    present: Collection[str],
    read: Collection[str] | None = None,
) -> dict[str, str]:
    """The return's derived tables (rules.DERIVED) to build for a run, each with its SQL, in
    DERIVED order (a derived table reads only those before it): with `needs` (what the rules to
    run read: `runner.scope_needs`), the ones a rule to run names and the derived tables those
    read, each where the run has the tables it reads; without, every one the run's tables
    allow; with `read` (the derived tables the rules that will run name), only those of them
    and what they read. A run of a few rules (`validate --rules`) builds only what they read."""
    found = {}
    for name in DERIVED[ret]:
        if needs is None or all((ret, b) in needs for b in derived_bases(ret, name)):
            sql = derived_sql(name, present)
            if sql is not None:
                found[name] = sql
    if needs is None and read is None:
        return found
    wanted = set(found) if needs is None else {n for (r, n) in needs if r == ret and n in found}
    if read is not None:
        wanted &= set(read)
    for name in reversed(list(found)):
        if name in wanted:
            wanted |= derived_read(ret, found[name]) & found.keys()
    return {n: sql for n, sql in found.items() if n in wanted}


def derived_sql(name: str, present: Collection[str]) -> str | None:
    """The SQL building derived table `name` (DERIVED_SQL): its builder called with no argument,
    or, if it takes `present`, with the names of the return's tables this run has: such a
    builder reads the others only when there (rules read their columns through
    `rule(reads=...)`, so only where they are) and returns None when the table would add
    nothing to its rows."""
    builder = DERIVED_SQL[name]
    if "present" in inspect.signature(builder).parameters:
        return builder(present=present)
    return builder()


def _materialize(scope: Scope, ret: Return, names: Collection[str] | None = None) -> None:
    """Build (again) the return's tables in `Scope.built` (or these of them) from its views,
    inside DuckDB, in order or several at a time (`quality.parallel`), each once the earlier
    ones it reads are built (a DERIVED table reads `header`, `bad` and derived tables before
    it)."""
    todo = [(n, sql) for n, sql in scope.built.get(ret, {}).items() if names is None or n in names]
    at = {name: i for i, (name, _) in enumerate(todo)}
    reads = {
        i: sorted(at[n] for n in named(sql) if at.get(n, i) < i) for i, (_, sql) in enumerate(todo)
    }
    threads = scope.con.execute("SELECT current_setting('threads')").fetchall()[0][0]
    views = set(READ_ONCE[ret]) if threads > 1 else set()
    scope.use(ret)
    try:
        parallel.run_all(
            scope.con,
            [
                f"CREATE OR REPLACE {'VIEW' if n in views else 'TABLE'} "
                f"{scope.schema(ret)}.{n} AS {sql}"
                for n, sql in todo
            ],
            after=reads,
        )
    finally:
        scope.con.execute("RESET search_path").fetchall()


def _views(scope: Scope, ret: Return) -> set[str]:
    """The names of the return's schema that are views."""
    found = scope.con.execute(
        "SELECT view_name FROM duckdb_views() WHERE database_name = ? AND schema_name = ?",
        [scope.catalog, schema(ret)],
    ).fetchall()
    return {v for (v,) in found}


def _count(scope: Scope, ret: Return, needs: Collection[tuple[Return, str]] | None) -> None:
    """Whether each of the return's scoped views has a row (`Scope.rows`), one query for all;
    asked first of the first authority's rows alone (the loads table narrowed to it, as
    `Scope.restrict` narrows it), then of every authority's for the views still empty. A view
    narrowed to some authorities holds exactly their rows of it (every view joins a row to its
    own authority's loads), so a row found for one is a row of the whole. The deferred
    children views (`built`) aggregate every row of the return to find a child's year: over
    a synthetic England, asking whether the CIN census's has a row cost 3.2 CPU s, where one
    authority's answers it."""
    names = [n for n in [*SCOPED[ret], *HEADERS[ret]] if needs is None or (ret, n) in needs]
    if not names:
        return
    loads = scope.loads[ret]
    first = scope.con.execute(
        f"SELECT min(la_code), count(DISTINCT la_code) > 1 FROM {loads}_all"
    ).fetchall()[0]
    found = dict.fromkeys(names, 0)
    if first[1]:  # several authorities: the first one's rows, then every one's for the rest
        scope.con.execute(f"DELETE FROM {loads} WHERE la_code IS DISTINCT FROM ?", [first[0]])
        try:
            found.update(_exists(scope, ret, names))
        finally:
            scope.con.execute(f"DELETE FROM {loads}").fetchall()
            scope.con.execute(f"INSERT INTO {loads} SELECT * FROM {loads}_all").fetchall()
    found.update(_exists(scope, ret, [n for n in names if not found[n]]))
    scope.rows.update({(ret, n): found[n] for n in names})


def _exists(scope: Scope, ret: Return, names: Sequence[str]) -> dict[str, int]:
    """Whether each of the return's scoped views `names` has a row, one query for all."""
    if not names:
        return {}
    found = scope.con.execute(
        "SELECT " + ", ".join(f"EXISTS (SELECT 1 FROM {scope.schema(ret)}.{n})" for n in names)
    ).fetchall()[0]
    return {n: int(f) for n, f in zip(names, found, strict=True)}


def _build_last(
    ret: Return,
    previous: duckdb.DuckDBPyConnection,
    needs: Collection[tuple[Return, str]] | None,
    scope: Scope,
) -> None:
    """Last year's return (every load of the return in `previous`) as the `*_last` tables the
    rules to run read: copied through Arrow, as `previous` is another database (`build`)."""
    loads = loads_sql(ret, None, None)
    with previous.cursor() as cur:
        if not cur.execute(f"SELECT count(*) FROM ({loads})").fetchall()[0][0]:
            return
    for name, canonical in SCOPED[ret].items():
        if needs is not None and (ret, name + LAST) not in needs:
            continue
        sql = children_sql(ret, canonical, loads) if name == CHILDREN_VIEW[ret] else None
        sql = sql or table_sql(name, canonical, loads)
        with previous.cursor() as cur:
            arrow = cur.sql(sql).to_arrow_table()
        scope.con.register("_scoped", arrow)
        scope.con.execute(
            f"CREATE TABLE {scope.schema(ret)}.{name + LAST} AS SELECT * FROM _scoped"
        ).fetchall()
        scope.con.unregister("_scoped")
        scope.rows[(ret, name + LAST)] = int(arrow.num_rows > 0)


def _empty_last(ret: Return, needs: Collection[tuple[Return, str]] | None, scope: Scope) -> None:
    """Without last year's return, each `*_last` table the rules read, empty (in the shape of
    this year's), so every rule's query binds; the runner does not run a rule on it."""
    for name in SCOPED[ret]:
        last = name + LAST
        if (ret, name) not in scope.rows or (ret, last) in scope.rows:
            continue
        if needs is not None and (ret, last) not in needs:
            continue
        at = scope.schema(ret)
        scope.con.execute(
            f"CREATE TABLE {at}.{last} AS SELECT * FROM {at}.{name} LIMIT 0"
        ).fetchall()
        scope.rows[(ret, last)] = 0


def _inputs(
    ret: Return,
    given: Mapping[str, pa.Table],
    needs: Collection[tuple[Return, str]] | None,
    scope: Scope,
) -> None:
    """Each input the rules to run read (rules.INPUTS) as a table of the return: as given, or
    empty when not given (then the runner does not run a rule on it)."""
    from csc_scorecard.quality import providers

    empty = {"providers": providers.empty()}
    for name in INPUTS[ret]:
        if needs is not None and (ret, name) not in needs:
            continue
        table = given.get(name)
        scope.con.register("_input", table if table is not None else empty[name])
        at = scope.schema(ret)
        scope.con.execute(f"CREATE TABLE {at}.{name} AS SELECT * FROM _input").fetchall()
        scope.con.unregister("_input")
        scope.rows[(ret, name)] = table.num_rows if table is not None else 0
