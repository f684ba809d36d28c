"""What a counting function sees: the canonical tables, the periods, the calendar, populations.

Counting functions are Ibis expressions over these, so the same definition runs on DuckDB (the
default) and PySpark. Everything period-shaped is a table joined in the expression — the
periods themselves, the working-day calendar, the population paired with each period — so one
query computes every period at once and no engine-specific date logic is needed.

On DuckDB those tables (and the list of authorities) are *named inputs*: the expression refers
to them by name (``csc_periods__in_quarter__0``, ``csc_authorities``, ...) and their rows are
registered beside the query when it runs. The SQL of a measure then depends only on its
definition and the settings, not on which authorities and quarters are measured, so
`Context.execute` compiles it once per process and reuses it (compiling, not running, was most
of the time a measure took). Other backends get the same rows as in-memory tables.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from csc_scorecard.cursor_pool import WORKERS, run_on_cursors
from csc_scorecard.measures import sql_cache

# DuckDB, dates_rows, month_ends, in_periods, open_at and open_during are also imported from
# here by the counting functions, the workforce snapshot and the staffing section.
from csc_scorecard.measures.duckdb_backend import DuckDB, arrow_rows, is_duckdb  # noqa: F401
from csc_scorecard.measures.inputs import (  # noqa: F401
    GIVEN_PREFIX,
    INPUT_PREFIX,
    INPUT_SCHEMAS,
    PERIODS_SCHEMA,
    dates_rows,
    month_ends,
    rows_of,
)
from csc_scorecard.measures.period_joins import in_periods, open_at, open_during  # noqa: F401
from csc_scorecard.measures.sql_prune import prune_columns
from csc_scorecard.measures.sql_share import share_subqueries
from csc_scorecard.model.periods import PeriodType, Quarter

if TYPE_CHECKING:  # Ibis is imported where an expression is built: a run whose SQL is kept
    # (`sql_cache`) builds none, and a fresh process saves importing it (0.4 s of CPU)
    import ibis.expr.types as ir

# Compiled SQL by (what, settings): {key: (sql, named inputs, other tables read)}.
_SQL: dict[tuple[Hashable, str], tuple[str, tuple[str, ...], frozenset[str]]] = {}
_SQL_LOCK = threading.Lock()
# Keys whose expression holds in-memory tables: run as built, never compiled and kept.
_UNKEPT: set[tuple[Hashable, bool, str]] = set()
# A query as `Context.execute` takes it: its key, and how to build its expression.
Query = tuple[Hashable, Callable[["Context"], "ir.Table"]]


@dataclass
class Settings:
    """Choices for definitions marked [U] in standards.md, each documented where it is used."""

    population_basis: str = "census2021_rebased"
    # Quality threshold: share of a measure's rows with a missing/unknown field above which the
    # measure is not reportable (design.md: data availability from data quality).
    not_reportable_threshold: float = 0.10
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)  # measure id -> settings

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, default=str)


@dataclass
class Context:
    backend: Any  # an Ibis backend (DuckDB or PySpark)
    la_codes: list[str]
    quarters: list[Quarter]
    settings: Settings = field(default_factory=Settings)
    # True: counting functions return their member rows (measures/functions/common.py, Members)
    # instead of aggregates; set only by measures/members.py, the drill-down's driver.
    members: bool = False
    _calendar: ir.Table | None = field(default=None, repr=False)
    # Names of the store tables read since `reads` was last reset: the inputs of the measures
    # built with this context (stored results are invalidated when one of them changes).
    reads: set[str] = field(default_factory=set, repr=False)
    # Refer to periods, authorities and the calendar by name (set by `execute` on DuckDB).
    named: bool = field(default=False, repr=False)
    # Results of `execute` by key: measures sharing a query (a field's quality) run it once.
    _done: dict[Hashable, pa.Table] = field(default_factory=dict, repr=False)
    # The store's tables and their columns, read once when the SQL cache on disk is consulted.
    _columns: sql_cache.Columns | None = field(default=None, repr=False)
    # Rows the caller gives as named inputs ({name: rows}), beside the periods, authorities and
    # calendar (e.g. the dates a workforce snapshot is taken at): `given_input` refers to one.
    given: dict[str, pa.Table] = field(default_factory=dict, repr=False)
    # Within `session`: a DuckDB cursor (and, once `run_together` needs them, more: `_more`)
    # and the named inputs registered on each, by cursor, so queries sharing an input register
    # its rows once a cursor (registering costs 1-2 ms a table), and the rows of each input,
    # built once.
    _cursor: Any = field(default=None, repr=False)
    _more: list[Any] = field(default_factory=list, repr=False)
    _registered: dict[int, set[str]] = field(default_factory=dict, repr=False)
    _rows: dict[str, pa.Table] = field(default_factory=dict, repr=False)

    def table(self, name: str) -> ir.Table:
        """A canonical table restricted to the authorities being measured."""
        self.reads.add(name)
        t = self.backend.table(name)
        if "la_code" not in t.columns:
            return t
        if self.named:
            return t.filter(t.la_code.isin(self._input("authorities").la_code))
        return t.filter(t.la_code.isin(self.la_codes))

    def periods(self, period_type: PeriodType, *, look_back_days: int = 0) -> ir.Table:
        """One row per quarter: `period` (e.g. 2022-Q1), `start` and `end` of its window for the
        period type, `quarter_end` (the as-at date) and `look_back` (start minus a look-back, for
        measures such as re-referrals that need earlier history)."""
        return self._input(f"periods__{period_type}__{int(look_back_days)}")

    def month_ends(self, period_type: PeriodType) -> ir.Table:
        """``period``, ``at``: the last day of every calendar month ending in each period's
        window (12 for rolling 12 months), as snapshot dates; on DuckDB a named input, so the
        query holding it is compiled once."""
        return self._input(f"month_ends__{period_type}")

    def calendar(self) -> ir.Table:
        """date -> working_day_index (working days in (a, b] = index[b] - index[a]).

        Built from the versioned bank-holiday data shipped with the package, so every engine and
        every store uses the same calendar (the store's `calendar` table is a copy for SQL users).
        """
        if self.named:
            return self._input("calendar")
        if self._calendar is None:
            self._calendar = self._input("calendar")
        return self._calendar

    def with_working_days(self, t: ir.Table, start: str, end: str, name: str) -> ir.Table:
        """Add `name` = working days after `start` up to and including `end` (same day = 0).

        The DfE validator counts the start as day 1; DfE's published "same day" band implies
        elapsed days from 0. We use elapsed working days (standards.md 5.1, our proposal).
        """
        cal = self.calendar()
        a = cal.select(_wd_a_date=cal.date, _wd_a=cal.working_day_index)
        b = cal.select(_wd_b_date=cal.date, _wd_b=cal.working_day_index)
        out = t.left_join(a, t[start] == a._wd_a_date).left_join(b, t[end] == b._wd_b_date)
        return out.mutate(**{name: out._wd_b - out._wd_a}).drop(
            "_wd_a_date", "_wd_a", "_wd_b_date", "_wd_b"
        )

    def population(self, age_band: str) -> ir.Table:
        """la_code, period, population: the mid-year estimate paired with each quarter.

        DfE pairs a year ending 31 March with the mid-year before it (mid-2020 for 2020/21,
        standards.md 6.1 [U]); a quarter of financial year Y uses mid-year Y, or the latest
        mid-year published if Y is not out yet. The basis (census-2021 rebased or as published
        before it) is a setting, recorded with every rate.
        """
        import ibis

        pop = self.table("population")
        pop = pop.filter((pop.age_band == age_band) & (pop.basis == self.settings.population_basis))
        latest = pop.group_by("la_code").agg(latest=pop.mid_year.max())
        wanted = self._input("quarters")
        pairs = latest.cross_join(wanted)
        pairs = pairs.mutate(mid_year=ibis.least(pairs.fy, pairs.latest))
        joined = pairs.join(pop, [pairs.la_code == pop.la_code, pairs.mid_year == pop.mid_year])
        return joined.select(la_code=pairs.la_code, period=pairs.period, population=pop.population)

    def setting(self, measure_id: str, name: str, default: Any) -> Any:
        return self.settings.overrides.get(measure_id, {}).get(name, default)

    # -- inputs and execution ------------------------------------------------------------------

    def given_input(self, name: str) -> ir.Table:
        """The caller's rows ``given[name]`` as a table: on DuckDB a named input, so a query's
        SQL does not depend on them and is compiled once (`execute`); elsewhere in memory."""
        import ibis

        rows = self.given[name]
        if self.named:
            return ibis.table(
                ibis.Schema.from_pyarrow(rows.schema),
                name=f"{INPUT_PREFIX}given__{name}",
            )
        return ibis.memtable(rows)

    def _input(self, what: str) -> ir.Table:
        import ibis

        kind = what.split("__", 1)[0]
        schema = INPUT_SCHEMAS.get(kind, PERIODS_SCHEMA)
        if self.named:
            return ibis.table(schema, name=INPUT_PREFIX + what)
        return ibis.memtable(self.input_rows(what), schema=schema)

    def input_rows(self, what: str) -> pa.Table:
        """The rows of a named input (``periods__<type>__<look-back days>``, ``authorities``,
        ``quarters``, ``calendar``, ...) for this context's authorities and quarters."""
        return rows_of(what, self.la_codes, self.quarters, self.given)

    def for_authorities(self, la_codes: list[str]) -> Context:
        """This context for other authorities (same backend, quarters, settings and given
        rows), with nothing of this one's run: its own results, inputs and session."""
        return replace(
            self,
            la_codes=list(la_codes),
            reads=set(),
            _done={},
            _calendar=None,
            _cursor=None,
            _more=[],
            _registered={},
            _rows={},
        )

    @contextmanager
    def session(self) -> Iterator[Context]:
        """Run the queries executed inside on one cursor, each named input registered once
        (a nested session uses the outer one's cursor); the cursor is closed on leaving, so
        nothing holds the store open after it."""
        if self._cursor is not None or not is_duckdb(self.backend):
            yield self
            return
        self._cursor = self.backend.con.cursor()
        try:
            yield self
        finally:
            cursors, self._cursor = [self._cursor, *self._more], None
            self._more.clear()
            self._registered.clear()
            self._rows.clear()
            for cursor in cursors:
                cursor.close()

    def execute(self, key: Hashable, build: Callable[[Context], ir.Table]) -> pa.Table:
        """Run ``build(ctx)`` and return its rows. On DuckDB the expression is built with named
        inputs and its SQL kept under ``key`` (with the settings), so the next context with the
        same settings runs it without building or compiling; an expression holding in-memory
        tables of its own (not named inputs) is run as it is, every time."""
        if key not in self._done:
            self._done[key] = self._execute(key, build)
        return self._done[key]

    def _execute(self, key: Hashable, build: Callable[[Context], ir.Table]) -> pa.Table:
        found = self.prepare(key, build)
        if found is None:
            return self.backend.to_pyarrow(build(self))
        sql, inputs, reads = found
        self.reads |= reads
        if self._cursor is not None:
            rows = {name: self._input_rows_once(name) for name in inputs}
            return self._run_on(self._cursor, sql, rows)
        with self.backend.con.cursor() as cur:
            for name in inputs:
                cur.register(name, self.input_rows(name.removeprefix(INPUT_PREFIX)))
            return arrow_rows(cur, sql)

    def _run_on(self, cursor: Any, sql: str, inputs: dict[str, pa.Table]) -> pa.Table:
        """A kept statement's rows on a cursor of the session, its named inputs registered on
        that cursor unless they are already (the caller's rows, `given`, may change between
        queries: registered each time)."""
        registered = self._registered.setdefault(id(cursor), set())
        for name, rows in inputs.items():
            if name not in registered or name.startswith(GIVEN_PREFIX):
                cursor.register(name, rows)
                registered.add(name)
        return arrow_rows(cursor, sql)

    def run_together(
        self,
        queries: Iterable[Query],
        then: Callable[[Hashable, pa.Table], object] | None = None,
    ) -> None:
        """Run ``queries`` ((key, build) as `execute` takes them) now, `WORKERS` at a time on
        cursors of the session, keeping their rows for `execute`; ``then(key, rows)``, if
        given, called with each query run here on the thread that ran it, as it finishes (its
        Python then runs while the other cursor's statement holds DuckDB, not after them all).

        The measures' statements are independent and small (a few to 150 ms on one authority):
        DuckDB gives one such statement a single thread, so run one after another they leave
        the second core idle (`cursor_pool`, as the DfE rules' `quality.parallel`). Each is compiled
        (or found compiled) first, here, in order; threads only register inputs and run SQL,
        which DuckDB does without the GIL. A query done already, not kept (in-memory tables:
        `execute` runs it as it is), or asked for outside a session is left to `execute`.
        The rows are the same as one at a time; every query is run, and the first to fail,
        in the order given, raised."""
        if self._cursor is None or WORKERS < 2:
            return
        todo: dict[Hashable, tuple[str, tuple[str, ...], frozenset[str]]] = {}
        for key, build in queries:
            if key in self._done or key in todo:
                continue
            found = self.prepare(key, build)
            if found is not None:
                self.reads |= found[2]
                todo[key] = found
        if len(todo) < 2:
            return
        rows = {n: self._input_rows_once(n) for _, inputs, _ in todo.values() for n in inputs}
        while len(self._more) < WORKERS - 1:
            self._more.append(self.backend.con.cursor())
        # Longest first (by the text of its SQL, which grows with its joins and windows), so
        # the last statements to finish are short ones and the two cursors finish together.
        order = sorted(todo, key=lambda k: -len(todo[k][0]))

        def one(cursor: Any, i: int) -> pa.Table | Exception:
            sql, inputs, _ = todo[order[i]]
            try:
                got = self._run_on(cursor, sql, {n: rows[n] for n in inputs})
                if then is not None:
                    then(order[i], got)
                return got
            except Exception as error:  # noqa: BLE001 - raised below, in the order given
                return error

        cursors = [self._cursor, *self._more[: WORKERS - 1]]
        results = dict(zip(order, run_on_cursors(cursors, len(order), one), strict=True))
        for key in todo:
            if isinstance(results[key], Exception):
                raise results[key]
        self._done.update(results)

    def prepare(
        self, key: Hashable, build: Callable[[Context], ir.Table]
    ) -> tuple[str, tuple[str, ...], frozenset[str]] | None:
        """The SQL of ``build(ctx)`` kept under ``key`` (compiled now if it was not): its text,
        named inputs and the store tables it reads. None when it cannot be kept: not DuckDB,
        or the expression holds in-memory tables of its own (then it is run as it is)."""
        if not is_duckdb(self.backend):
            return None
        cache_key = (key, self.members, self.settings.key())
        if cache_key in _UNKEPT:
            return None
        found = self.compiled(key)
        if found is None:
            import ibis.expr.operations as ops

            named = replace(self.for_authorities(self.la_codes), named=True)
            expr = build(named)
            self.reads |= named.reads
            if expr.op().find(ops.InMemoryTable):
                with _SQL_LOCK:
                    _UNKEPT.add(cache_key)
                return None
            sql = prune_columns(share_subqueries(self.backend.compile(expr)), _schemas(expr))
            inputs = tuple(
                sorted({n.name for n in expr.op().find(ops.UnboundTable)} & _input_names(sql))
            )
            found = (sql, inputs, frozenset(named.reads))
            with _SQL_LOCK:
                _SQL[cache_key] = found
            stored = self._store_columns()
            tables = {t.name for t in expr.op().find(ops.DatabaseTable)}
            sql_cache.save(cache_key, found, {t: stored.get(t, []) for t in sorted(tables)})
        return found

    def _input_rows_once(self, name: str) -> pa.Table:
        if name.startswith(GIVEN_PREFIX):
            return self.input_rows(name.removeprefix(INPUT_PREFIX))
        if name not in self._rows:
            self._rows[name] = self.input_rows(name.removeprefix(INPUT_PREFIX))
        return self._rows[name]

    def compiled(self, key: Hashable) -> tuple[str, tuple[str, ...], frozenset[str]] | None:
        """The query compiled under ``key`` for this context's settings: compiled in this
        process, or kept on disk for this version and a store with the same columns
        (`sql_cache`); None when it must be compiled."""
        cache_key = (key, self.members, self.settings.key())
        found = _SQL.get(cache_key)
        if found is None and is_duckdb(self.backend):
            found = sql_cache.load(cache_key, self._store_columns())
            if found is not None:
                with _SQL_LOCK:
                    _SQL.setdefault(cache_key, found)
        return found

    def _store_columns(self) -> sql_cache.Columns:
        if self._columns is None:
            self._columns = sql_cache.store_columns(self.backend.con)
        return self._columns


def compiled_reads(key: Hashable, ctx: Context) -> frozenset[str] | None:
    """The tables a query compiled under ``key`` for the context's settings reads, if compiled."""
    found = ctx.compiled(key)
    return found[2] if found else None


def compiled_sql() -> list[tuple[str, str, str, str]]:
    """Every query compiled in this process, serialised: (key, sql, inputs, reads) as text,
    for keeping them beside the data (``measures.results``) so a new process need not compile."""
    return [
        (json.dumps(k), sql, json.dumps(inputs), json.dumps(sorted(reads)))
        for k, (sql, inputs, reads) in list(_SQL.items())
    ]


def reuse_sql(rows: list[tuple[str, str, str, str]]) -> None:
    """Take queries serialised by ``compiled_sql`` (from a store) into this process's cache."""

    def tuples(v: Any) -> Any:
        return tuple(tuples(x) for x in v) if isinstance(v, list) else v

    with _SQL_LOCK:
        for key, sql, inputs, reads in rows:
            _SQL.setdefault(
                tuples(json.loads(key)),
                (sql, tuple(json.loads(inputs)), frozenset(json.loads(reads))),
            )


def _schemas(expr: ir.Table) -> dict[str, dict[str, str]]:
    """{table: {column: DuckDB type}} of every store table and named input the expression
    reads (`prune_columns` expands ``*`` from them)."""
    import ibis.expr.operations as ops
    from ibis.backends.sql.datatypes import DuckDBType

    return {
        t.name: {c: DuckDBType.to_string(d) for c, d in t.schema.items()}
        for t in expr.op().find((ops.UnboundTable, ops.DatabaseTable))
    }


def _input_names(sql: str) -> set[str]:
    import re

    return set(re.findall(rf'"({INPUT_PREFIX}[a-z0-9_]+)"', sql))


def as_of(d: date) -> ir.Scalar:
    import ibis

    return ibis.literal(d, type="date")
