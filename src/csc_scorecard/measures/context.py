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
import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from csc_scorecard.cursor_pool import WORKERS, run_on_cursors
from csc_scorecard.measures import sql_cache
from csc_scorecard.measures.sql_share import share_subqueries
from csc_scorecard.model.periods import PeriodType, Quarter

if TYPE_CHECKING:  # Ibis is imported where an expression is built: a run whose SQL is kept
    # (`sql_cache`) builds none, and a fresh process saves importing it (0.4 s of CPU)
    import ibis.expr.types as ir

INPUT_PREFIX = "csc_"
_GIVEN = f"{INPUT_PREFIX}given__"
_PERIODS_SCHEMA = {
    "period": "string",
    "start": "date",
    "end": "date",
    "quarter_end": "date",
    "look_back": "date",
}
# The days of each period's window (from `start` or `look_back` to `end`), one row per period
# and day:
# joining a row's date to `_day` puts it in every window holding it by equality (`in_periods`).
_DAYS_SCHEMA = {**_PERIODS_SCHEMA, "_day": "date"}
# For `open_at` and `open_during` (`_numbered_join`): lookups from a day to a period number
# (`_before_rows`, `_reach_rows`), and the periods numbered in the order of a date column.
_BEFORE_SCHEMA = {"_d": "date", "_n": "int64"}
_RANKED_SCHEMA = {**_PERIODS_SCHEMA, "_i": "int64"}
_INPUT_SCHEMAS: dict[str, dict[str, str]] = {
    "days": _DAYS_SCHEMA,
    "before": _BEFORE_SCHEMA,
    "reach": _BEFORE_SCHEMA,
    "ranked": _RANKED_SCHEMA,
    "authorities": {"la_code": "string"},
    "quarters": {"period": "string", "fy": "int32"},
    "calendar": {"date": "date", "working_day_index": "int32"},
    "month_ends": {"period": "string", "at": "date"},
}
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
        schema = _INPUT_SCHEMAS.get(kind, _PERIODS_SCHEMA)
        if self.named:
            return ibis.table(schema, name=INPUT_PREFIX + what)
        return ibis.memtable(self.input_rows(what), schema=schema)

    def input_rows(self, what: str) -> pa.Table:
        """The rows of a named input (``periods__<type>__<look-back days>``, ``authorities``,
        ``quarters``, ``calendar``) for this context's authorities and quarters."""
        kind, _, rest = what.partition("__")
        if kind == "given":
            return self.given[rest]
        if kind == "authorities":
            return pa.table({"la_code": pa.array(self.la_codes, pa.string())})
        if kind == "quarters":
            return pa.table(
                {
                    "period": pa.array([str(q) for q in self.quarters], pa.string()),
                    "fy": pa.array([q.year for q in self.quarters], pa.int32()),
                }
            )
        if kind == "calendar":
            return _calendar_rows()
        if kind == "month_ends":
            return dates_rows(
                (str(q), day)
                for q in self.quarters
                for day in month_ends(*q.window(rest))  # type: ignore[arg-type]
            )
        if kind == "days":
            periods, _, since = rest.rpartition("__")
            return _days_rows(self.input_rows(f"periods__{periods}"), since)
        if kind == "reach":  # reach__<type>__<look-back>__<key>__<col>
            periods, key, col = rest.rsplit("__", 2)
            return _reach_rows(self.input_rows(f"periods__{periods}"), key, col)
        if kind in ("before", "ranked"):  # before__<type>__<look-back>__<key>
            periods, _, key = rest.rpartition("__")
            rows = self.input_rows(f"periods__{periods}")
            return _before_rows(rows, key) if kind == "before" else _ranked_rows(rows, key)
        period_type, _, look_back = rest.partition("__")
        rows: dict[str, list] = {c: [] for c in _PERIODS_SCHEMA}
        for q in self.quarters:
            start, end = q.window(period_type)  # type: ignore[arg-type]
            rows["period"].append(str(q))
            rows["start"].append(start)
            rows["end"].append(end)
            rows["quarter_end"].append(q.end)
            rows["look_back"].append(start - timedelta(days=int(look_back)))
        return pa.table(
            {
                "period": pa.array(rows["period"], pa.string()),
                **{c: pa.array(rows[c], pa.date32()) for c in _PERIODS_SCHEMA if c != "period"},
            }
        )

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
            if name not in registered or name.startswith(_GIVEN):
                cursor.register(name, rows)
                registered.add(name)
        return arrow_rows(cursor, sql)

    def run_together(self, queries: Iterable[Query]) -> None:
        """Run ``queries`` ((key, build) as `execute` takes them) now, `WORKERS` at a time on
        cursors of the session, keeping their rows for `execute`.

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
                return self._run_on(cursor, sql, {n: rows[n] for n in inputs})
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
            sql = share_subqueries(self.backend.compile(expr))
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
        if name.startswith(_GIVEN):
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


# DuckDB warns that Arrow from an executed statement copies the rows once more than a relation's
# Arrow does; the copy is of the counted rows (thousands), while a relation parses and binds the
# statement once more before running it (`arrow_rows`).
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)


def arrow_rows(cursor: Any, sql: str) -> pa.Table:
    """The rows of a kept statement as Arrow, the statement parsed and planned once.

    ``cursor.sql(sql)`` makes a relation, which parses and binds the statement to learn its
    columns, and running it parses and plans it again; executing it does so once. Measured on
    the demo's 116 statements, bare DuckDB, three runs each: 10-20% less CPU (about 0.3 s of
    2.8 s; docs/benchmarks.md), the same rows.
    """
    return cursor.execute(sql).to_arrow_table()


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


def in_periods(t: ir.Table, date_col: str, periods: ir.Table, since: str = "start") -> ir.Table:
    """Rows of `t` whose `date_col` falls in each period's window, from its `since` column
    (`start`, or `look_back` for a window reaching back) to its `end`: a row per row and period,
    with the periods' columns.

    When `periods` is the named input of `Context.periods` (DuckDB), the rows are joined by
    equality to the days of every window (input ``days__<type>__<look-back>__<since>``, at most
    a few tens of thousands of rows): DuckDB hashes that join, where the two range conditions make it
    sort both sides and pair each row with every period starting before it (2-4 times slower
    measured on the demo authority's tables, docs/benchmarks.md). The same rows either way;
    other tables (Spark, in-memory periods, a derived periods table) join on the range.
    """
    import ibis
    import ibis.expr.operations as ops

    op = periods.op()
    prefix = f"{INPUT_PREFIX}periods__"
    if since not in ("start", "look_back"):
        raise ValueError(f"a window runs from start or look_back, not {since!r}")
    if isinstance(op, ops.UnboundTable) and op.name.startswith(prefix):
        name = f"{INPUT_PREFIX}days__{op.name.removeprefix(prefix)}__{since}"
        days = ibis.table(_DAYS_SCHEMA, name=name)
        return t.join(days, t[date_col] == days._day).drop("_day")
    return t.join(periods, [t[date_col] >= periods[since], t[date_col] <= periods.end])


def open_at(
    t: ir.Table, start_col: str, end_col: str, periods: ir.Table, at: str = "end"
) -> ir.Table:
    """Rows of `t` open on each period's `at` date: `start_col` on or before it and `end_col`
    empty or after it; a row per row and period, with the periods' columns (`numbered_join`
    on DuckDB's named periods)."""
    named = _named_periods(periods)
    if named is None:
        return t.join(
            periods,
            [
                t[start_col] <= periods[at],
                t[end_col].isnull() | (t[end_col] > periods[at]),
            ],
        )
    return _numbered_join(t, start_col, end_col, named, at, f"before__{named}__{at}")


def open_during(t: ir.Table, start_col: str, end_col: str, periods: ir.Table) -> ir.Table:
    """Rows of `t` open at any time in each period's window: `start_col` on or before its end
    and `end_col` empty or on or after its start (`numbered_join` on DuckDB's named periods)."""
    named = _named_periods(periods)
    if named is None:
        return t.join(
            periods,
            [
                t[start_col] <= periods.end,
                t[end_col].isnull() | (t[end_col] >= periods.start),
            ],
        )
    x = _numbered_join(t, start_col, end_col, named, "end", f"reach__{named}__end__start")
    return x.filter(x[end_col].isnull() | (x[end_col] >= x.start))


def _named_periods(periods: ir.Table) -> str | None:
    """``<type>__<look-back>`` when `periods` is the named input of `Context.periods`."""
    import ibis.expr.operations as ops

    op = periods.op()
    prefix = f"{INPUT_PREFIX}periods__"
    if isinstance(op, ops.UnboundTable) and op.name.startswith(prefix):
        return op.name.removeprefix(prefix)
    return None


def _numbered_join(
    t: ir.Table, start_col: str, end_col: str, named: str, key: str, upper: str
) -> ir.Table:
    """Each row of `t` with the periods numbered `_lo` to `_hi` - 1 in `key` order: `_lo` the
    number of periods whose `key` date is before the row's start (input
    ``before__<periods>__<key>``), `_hi` looked up from the row's end (or, without one, the
    last day) in input `upper`. Each lookup input has a row per day over the span where it
    changes; a date outside is clamped to the span's first or last day.

    DuckDB pairs a range join's row with every period after its start and then tests the end
    (about 20 pairs a row over 40 quarters, most discarded); this makes the pairs kept, by
    equality joins (docs/benchmarks.md). `open_at` looks `_hi` up as the number of as-at dates
    before the end: exactly the periods open. `open_during` as one more than the last period
    (in end order) starting on or before the end: every period the row overlaps, and, were a
    window to start before an earlier-ending one, a few more, which its own test of the end
    then removes. The same rows as the range join either way.
    """
    import ibis

    ranked = ibis.table(_RANKED_SCHEMA, name=f"{INPUT_PREFIX}ranked__{named}__{key}")

    def looked_up(d: ir.DateValue, what: str, name: str) -> tuple[ir.Table, ir.DateValue]:
        """The lookup input and the day to find in it: `d` clamped to its span, no date the
        last day (a row without an end is open at every date from its start)."""
        lookup = ibis.table(_BEFORE_SCHEMA, name=f"{INPUT_PREFIX}{what}")
        first, last = lookup._d.min(), lookup._d.max()
        return lookup, ibis.least(ibis.greatest(d.fill_null(last), first), last).name(name)

    x = t.filter(t[start_col].notnull())  # a row without a start is open at no date
    low, low_day = looked_up(x[start_col], f"before__{named}__{key}", "_oa_s")
    high, high_day = looked_up(x[end_col], upper, "_oa_e")
    x = x.mutate(low_day, high_day)
    x = x.join(low.select(_oa_s=low._d, _oa_lo=low._n), "_oa_s")
    x = x.join(high.select(_oa_e=high._d, _oa_hi=high._n), "_oa_e")
    x = x.filter(x._oa_lo < x._oa_hi)
    x = x.mutate(_oa_i=ibis.range(x._oa_lo, x._oa_hi).unnest())
    joined = x.join(ranked, x._oa_i == ranked._i)
    return joined.drop("_oa_s", "_oa_e", "_oa_lo", "_oa_hi", "_oa_i", "_i")


def _before_rows(periods: pa.Table, key: str) -> pa.Table:
    """Each day from the first of the periods' `key` dates to the day after the last, with the
    number of `key` dates before it (no rows when there are no periods)."""
    keys = np.sort(_day_numbers(periods, key))
    days = np.arange(keys[0], keys[-1] + 2, dtype=np.int32) if len(keys) else keys
    return _lookup(days, np.searchsorted(keys, days, side="left"))


def _reach_rows(periods: pa.Table, key: str, col: str) -> pa.Table:
    """Each day from the first of the periods' `col` dates to the last, with one more than the
    number (in `key` order, `_ranked_rows`) of the last period whose `col` is on or before it
    (0 when none is)."""
    cols = _day_numbers(periods, col)
    rank = _ranks(periods, key)
    days = np.arange(cols.min(), cols.max() + 1, dtype=np.int32) if len(cols) else cols
    reach = np.zeros(len(days), np.int64)
    for c, r in zip(cols, rank, strict=True):  # a few dozen periods
        reach[days >= c] = np.maximum(reach[days >= c], r + 1)
    return _lookup(days, reach)


def _ranked_rows(periods: pa.Table, key: str) -> pa.Table:
    """The periods, each numbered by the order of its `key` date (from 0)."""
    return periods.append_column("_i", pa.array(_ranks(periods, key), pa.int64()))


def _ranks(periods: pa.Table, key: str) -> np.ndarray:
    order = np.argsort(_day_numbers(periods, key), kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    return rank


def _day_numbers(periods: pa.Table, col: str) -> np.ndarray:
    return periods.column(col).cast(pa.int32()).to_numpy()


def _lookup(days: np.ndarray, n: np.ndarray) -> pa.Table:
    return pa.table(
        {
            "_d": pa.array(days, pa.int32()).cast(pa.date32()),
            "_n": pa.array(n, pa.int64()),
        }
    )


def dates_rows(dates: Iterable[tuple[str, date]]) -> pa.Table:
    """(period label, date) pairs as rows, e.g. for `workforce.snapshot.run`'s named
    input ``dates``."""
    pairs = list(dates)
    return pa.table(
        {
            "period": pa.array([p for p, _ in pairs], pa.string()),
            "at": pa.array([d for _, d in pairs], pa.date32()),
        }
    )


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every calendar month that ends from `first` to `last`.

    >>> [str(d) for d in month_ends(date(2021, 12, 1), date(2022, 2, 28))]
    ['2021-12-31', '2022-01-31', '2022-02-28']
    """
    out = []
    month = date(first.year, first.month, 1)
    while month <= last:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        end = following - timedelta(days=1)
        if first <= end <= last:
            out.append(end)
        month = following
    return out


def _days_rows(periods: pa.Table, since: str) -> pa.Table:
    """Every day from `since` (`start` or `look_back`) to `end` of each period, with the
    period's columns."""
    first = periods.column(since).cast(pa.int32()).to_numpy()
    last = periods.column("end").cast(pa.int32()).to_numpy()
    counts = np.maximum(last - first + 1, 0)
    which = np.repeat(np.arange(len(first)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    out = periods.take(pa.array(which, pa.int64()))
    days = pa.array((first[which] + offsets).astype(np.int32), pa.int32()).cast(pa.date32())
    return out.append_column("_day", days)


def _input_names(sql: str) -> set[str]:
    import re

    return set(re.findall(rf'"({INPUT_PREFIX}[a-z0-9_]+)"', sql))


def is_duckdb(backend: Any) -> bool:
    return getattr(backend, "name", None) == "duckdb"


class DuckDB:
    """Ibis's DuckDB backend over a store's connection, made when first needed.

    A run whose SQL is kept (`compiled`) needs only the connection: it builds, compiles and
    runs no Ibis expression, so a new process saves importing Ibis and its DuckDB backend
    (0.4 s of CPU). Anything else asked of it (`table`, `compile`, `to_pyarrow`, ...) is
    the backend's, made then. The connection gets at once the two settings the backend
    gives it (`from_connection`: time zone UTC, no replacement scans of Python variables),
    so every statement runs under the same settings whether the backend was made or not."""

    name = "duckdb"

    def __init__(self, con: Any) -> None:
        self.con = con
        self._backend: Any = None
        con.execute("SET timezone = 'UTC'")
        con.execute("SET python_enable_replacements = false")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy and pickle probe these: not the backend's
            raise AttributeError(name)
        if self._backend is None:
            import ibis

            self._backend = ibis.duckdb.from_connection(self.con)
        return getattr(self._backend, name)


_CALENDAR: list[pa.Table] = []


def _calendar_rows() -> pa.Table:
    if not _CALENDAR:
        from csc_scorecard.reference.calendar import calendar_table

        cal = calendar_table().select(["date", "working_day_index"])
        _CALENDAR.append(
            pa.table(
                {
                    "date": cal.column("date").cast(pa.date32()),
                    "working_day_index": cal.column("working_day_index").cast(pa.int32()),
                }
            )
        )
    return _CALENDAR[0]


def as_of(d: date) -> ir.Scalar:
    import ibis

    return ibis.literal(d, type="date")
