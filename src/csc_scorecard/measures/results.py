"""Measure results kept in the store: computed once after each ingest, read by every consumer.

`measure_run` is the one read function: the report, `scorecard measures` and the dashboard call
it, and it returns the same `MeasureRun` that `run.run_measures` computes. It reads the table
`measure_results` and computes (and, when the store is writable, stores) only what is missing
or out of date, so a reader never sees a stale value and never recomputes a fresh one.

When a stored result is out of date: each row carries `inputs`, two fingerprints.
- First, the authority's: the content of every store table the measure reads for its authority
  (recorded while its expression is built: the canonical tables, `population`, and for measures
  with `fields` the tables those fields belong to and their data-quality issues), without load
  ids, so a reload of unchanged data keeps the results; the span the loads cover; for a measure
  whose reportability DfE rule errors decide, the basis of the authority's faults (the rules'
  version and its loads, `quality.history.basis`: a fault can come from a table the measure
  does not read); the measure definitions themselves (the one code version,
  `code_version.version`); the settings (`Settings`). While it is unchanged every stored
  period is current: a read is three small queries (`Store.table_fingerprints`, the loads and
  the span they cover).
- Then, after "/", its period's: the same, but only the rows that can *reach* the period
  (`Store.reach_fingerprints`): a row about a child reaches every window ending on or after
  the child's first dated record (whatever the measure looks back or forward to, it counts
  children with a record by the window's end, and any change to a child's rows is bucketed at
  that first record); rows without a child (workforce), children with an undated record (a
  care leaver's collection year) and reference data reach every period; data-quality issues
  and DfE rule faults (read from the kept snapshot while it is current,
  `measures.availability.rule_faults`) reach as their child does; and whether the loads cover
  the period (the reason names the span when not). It is taken only when the authority's
  fingerprint changed, and only the periods whose own fingerprint changed are computed again;
  the rows kept are given the new authority fingerprint and load ids.
So a load adding a quarter computes the new quarter and the quarters from the first record of
each child it brings rows for; a load replacing old data the quarters from the first record of
each child whose rows (or faults) changed; a change of reference data every quarter it feeds.
`refresh_results` (run after `scorecard ingest` and `scorecard reference`) computes the results
under the default settings for every authority and every quarter of the last seven years its
loads cover (and the year before, for direction of travel); any other quarter is computed and
stored when first read. Results under other settings are computed on first read and
stored beside them, keyed by `settings_key`. Manual measures are not stored: their values are
already stored in `manual_values` and are read from there.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime
from itertools import accumulate
from typing import Any

import pyarrow as pa

from csc_scorecard.code_version import version as code_version
from csc_scorecard.measures.availability import rule_faults
from csc_scorecard.measures.catalogue import Measure, catalogue
from csc_scorecard.measures.context import Context, Settings, compiled_sql, reuse_sql
from csc_scorecard.measures.data_dates import cut_short
from csc_scorecard.measures.duckdb_backend import DuckDB
from csc_scorecard.measures.engine import tables_read
from csc_scorecard.measures.rule_impact import rules_for
from csc_scorecard.measures.run import MeasureRun, _overlaps, assemble_run, counted_rows
from csc_scorecard.model.periods import Quarter, parse_period, quarters_between
from csc_scorecard.quality.history import basis, faults_pending
from csc_scorecard.store import Store
from csc_scorecard.store.results import (
    RESULT_COLUMNS,
    RESULT_SCHEMA,
    RESULTS_TABLE,
    SQL_TABLE,
    Fingerprint,
    Reached,
)

__all__ = ["RESULTS_TABLE", "RESULT_COLUMNS", "SQL_TABLE", "measure_run", "refresh_results"]

STORED = [c for c in RESULT_COLUMNS if c not in ("settings_key", "inputs", "load_ids")]
ROW_FIELDS = [c for c in STORED if c != "computed_at"]  # what a MeasureRun row carries

# Quarters before an authority's first loaded quarter that refresh also stores: the previous
# and year-earlier quarters a request for that first quarter needs for direction of travel.
LEAD_QUARTERS = 4
REFRESH_YEARS = 7  # the report's trend and the measures' longest look-back fit well inside


def measure_run(
    store: Store,
    la_code: str,
    periods: list[Quarter],
    *,
    measures: list[str] | None = None,
    settings: Settings | None = None,
) -> MeasureRun:
    """The measures for ``la_code`` over ``periods`` (plus the previous and year-earlier
    quarters of each), read from the store's results; anything missing or out of date is
    computed, and stored when the store is writable. Same shape as ``run.run_measures``."""
    chosen = settings or Settings()
    return assemble_run(
        store,
        la_code,
        periods,
        measures,
        lambda ids, quarters: stored_results(store, [la_code], quarters, ids, chosen),
    )


def stored_results(
    store: Store,
    la_codes: list[str],
    quarters: list[Quarter],
    measures: list[str],
    settings: Settings,
) -> list[dict[str, Any]]:
    """Counted measures' rows (as ``run.counted_rows`` gives them) for the authorities and
    quarters: stored where up to date, otherwise computed (and stored if writable)."""
    return _resolve(store, la_codes, quarters, measures, settings)[0]


def _resolve(
    store: Store,
    la_codes: list[str],
    quarters: list[Quarter],
    measures: list[str],
    settings: Settings,
    *,
    rows: bool = True,
) -> tuple[list[dict[str, Any]], int]:
    """The rows (none unless ``rows``: a refresh reads none of those stored), and how many
    (authority, measure) pairs had anything computed."""
    if not measures or not la_codes or not quarters:
        return [], 0
    key = settings_key(settings)
    _reuse_compiled(store)
    fresh = Fingerprints(store, settings, la_codes, measures)
    wanted = {str(q) for q in quarters}
    summary, stored = store.stored_results(key, la_codes, measures, wanted, rows=rows)
    have: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    stored_ids: dict[tuple[str, str], set[str]] = {}
    for la, mid, periods, inputs, ids in summary:
        have[(la, mid)] = (set(periods), set(inputs))
        stored_ids[(la, mid)] = set(ids)
    todo: dict[tuple[str, str], set] = {}  # (la, measure) -> periods to compute
    changed: set[tuple[str, str]] = set()  # the authority's inputs changed: check each period
    for la in la_codes:
        for mid in measures:
            periods, inputs = have.get((la, mid), (set(), set()))
            if inputs and inputs != {fresh.inputs(la, mid)}:
                changed.add((la, mid))
            elif due := {q for q in quarters if str(q) not in periods}:
                todo[(la, mid)] = due
    stale: set[tuple[str, str, str]] = set()  # (la, measure, period) whose inputs changed
    kept_inputs = store.stored_inputs(key, changed)
    for la in {la for la, _ in kept_inputs}:
        fresh.take_reach(la, [m for a, m in kept_inputs if a == la])
    for pair, kept in kept_inputs.items():
        due = {q for q in quarters if str(q) not in kept}
        for period, inputs in kept.items():  # every stored period is kept up to date
            q = parse_period(period)  # a quarter, or a month of a monthly framework
            if inputs != fresh.reach(*pair, q):
                stale.add((*pair, period))
                due.add(q)
        if due:
            todo[pair] = due
    if faults_pending():  # the DfE rules run beside (an ingest): the reach of the tables now,
        # beside them, and only the faults' part (small) once they are kept, in `_write`
        for la in {la for la, _ in todo}:
            fresh.take_reach(la, ())
    computed: list[dict[str, Any]] = []
    for la in la_codes:  # one run for the authority over every period any measure needs
        pairs = {p for p in todo if p[0] == la}
        if pairs:
            every = sorted(set().union(*(todo[p] for p in pairs)), key=_period_order)
            computed += [
                r
                for r in _compute(store, pairs, every, settings, fresh)
                if parse_period(r["period"]) in todo[(la, r["measure"])]
            ]
    restamp = {  # the rows kept get the authority's inputs and loads as they are now
        pair: (fresh.inputs(*pair), fresh.load_ids(*pair))
        for pair, ids in stored_ids.items()
        if pair in changed or ids != {fresh.load_ids(*pair)}
    }
    if (computed or restamp) and store.writable():
        _write(store, key, fresh, computed, replace=stale, restamp=restamp)
        _keep_compiled(store)
    if not rows:
        return [], len(todo)
    done = {(r["la_code"], r["measure"], r["period"]) for r in computed}
    merged = [r for r in stored if (r["la_code"], r["measure"], r["period"]) not in done]
    by_id = catalogue()
    out = []
    for r in merged + computed:
        if r["period"] not in wanted:
            continue
        m = by_id[r["measure"]]
        row = {c: r[c] for c in ROW_FIELDS}
        row["title"], row["unit"], row["source"] = m.title, m.unit, "case data"
        out.append(row)
    out.sort(key=_order)
    return out, len(todo)


def _period_order(p: Any) -> tuple:
    return (p.start, p.end, str(p))


def refresh_results(store: Store, la_codes: Iterable[str] | None = None) -> int:
    """Bring the stored default-settings results up to date for the authorities (default: every
    authority loaded) over the quarters their loads cover; return how many (authority, measure)
    pairs were computed. Run after every load (`scorecard ingest`, `scorecard reference`, an
    upload); a reader would otherwise compute what is out of date on first read."""
    measures = [m.id for m in catalogue().values() if not m.manual]
    computed = 0
    for la in la_codes if la_codes is not None else store.authorities():
        quarters = loaded_quarters(store, la)
        if quarters:
            computed += _resolve(store, [la], quarters, measures, Settings(), rows=False)[1]
    return computed


def refresh_after_load(store: Store, la_codes: Iterable[str] | None = None) -> str:
    """`refresh_results` for a command that has just loaded data: one line to print. The load
    is committed already, so a measure that fails to compute is reported, not raised; readers
    compute what is missing when they read."""
    try:
        computed = refresh_results(store, la_codes)
    except Exception as error:  # noqa: BLE001 - the load stands; say why results were not kept
        first = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        return f"warning: measure results not brought up to date ({first}); computed when read"
    return f"measure results: {computed:,} measures recomputed"


def loaded_quarters(store: Store, la_code: str) -> list[Quarter]:
    """The quarters of the last ``REFRESH_YEARS`` years the authority's loads cover, and the
    year before the first (some templates reach back decades: a worker's post from 1989)."""
    first, last = store.period_span(la_code)
    if first is None:
        return []
    end = Quarter.containing(last)
    start = max(Quarter.containing(first), Quarter(end.year - REFRESH_YEARS, end.quarter).next())
    for _ in range(LEAD_QUARTERS):
        start = start.previous()
    return quarters_between(start, Quarter.containing(last))


def settings_key(settings: Settings) -> str:
    """A short fingerprint of the settings (the default settings' is stable across runs)."""
    text = json.dumps(asdict(settings), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Fingerprints:
    """The current content fingerprints of the store, per authority (`inputs`) and per period
    (`reach`), each taken once and only when asked for."""

    def __init__(
        self, store: Store, settings: Settings, la_codes: list[str], measures: list[str]
    ) -> None:
        self.store = store
        self.settings = settings
        self.key = settings_key(settings)  # in every fingerprint: taken once, not per row
        self.la_codes = la_codes
        self._ctx: Context | None = None  # built only if a measure's reads are not known yet
        self._coverage: dict[str, Any] = {}
        self._fault_basis: dict[str, str] = {}
        self._reached: dict[tuple[str, bool], Reached] = {}
        self._reach_tables: dict[tuple[str, bool], set[str]] = {}  # the tables each covers
        self._sums: dict[tuple[str, bool, str], tuple[list, list, list]] = {}
        self._sources: dict[str, list[str]] = {}
        self._taken: dict[tuple, str] = {}  # (la, measure) or (la, measure, period) -> hash
        self._ends: dict[tuple[str, str], date] = {}  # (period, period type) -> window's end
        self._covered: dict[tuple[str, str], str] = {}  # (la, period) -> whether loads cover it
        # Only the authorities asked about, and only the tables the measures read (a measure
        # asked about later has its tables' fingerprints taken then)
        self._tables = {n for m in measures for n in self.sources(m) if ":" not in n}
        self.by_table = store.table_fingerprints(la_codes, self._tables)

    def fingerprint(self, name: str, la: str) -> Fingerprint | None:
        """The table's (or its issues') content hash and load ids for the authority, if it has
        rows there (`Store.table_fingerprints`)."""
        if ":" not in name and name not in self._tables:
            self._tables.add(name)
            self.by_table.update(self.store.table_fingerprints(self.la_codes, [name]))
        return self.by_table.get((name, la))

    @property
    def ctx(self) -> Context:
        if self._ctx is None:
            self._ctx = Context(DuckDB(self.store.con), [], [], self.settings)
        return self._ctx

    def coverage(self, la: str) -> tuple[date, date] | None:
        """The span the authority's loads cover (`Store.coverage`), taken once."""
        if la not in self._coverage:
            self._coverage[la] = self.store.coverage(la)
        return self._coverage[la]

    def sources(self, mid: str) -> list[str]:
        """The measure's inputs: the tables it reads, its fields' tables and their issues, and
        (for a measure whose reportability DfE rule errors decide) the faults on those tables."""
        if mid not in self._sources:
            m: Measure = catalogue()[mid]
            names = set(tables_read(m, self.ctx)) | {f.partition(".")[0] for f in m.fields}
            if m.fields:
                names |= {f"dq_issues:{f.partition('.')[0]}" for f in m.fields}
            if m.fields and any(r.severity == "error" for r in rules_for(m)):
                names |= {f"faults:{f.partition('.')[0]}" for f in m.fields}
            self._sources[mid] = sorted(names)
        return self._sources[mid]

    def inputs(self, la: str, mid: str) -> str:
        """What the measure's values for the authority can depend on, in any period: the
        content of the tables it reads, the span the loads cover, the definitions, the settings
        and, where DfE rule errors decide reportability, the faults' basis (the rules' version
        and the authority's loads: `quality.history.basis`; a fault can come from a table the
        measure does not read). Cheap: one query over the store, one over its loads."""
        if (la, mid) not in self._taken:
            self._taken[(la, mid)] = self._inputs(la, mid)
        return self._taken[(la, mid)]

    def _inputs(self, la: str, mid: str) -> str:
        parts = [code_version(), self.key, mid, str(self.coverage(la))]
        for n in self.sources(mid):
            if n.startswith("faults:"):
                if la not in self._fault_basis:
                    self._fault_basis[la] = basis(self.store.con, [la]).get(la, "-")
                parts.append(f"faults={self._fault_basis[la]}")
            else:
                parts.append(f"{n}={(self.fingerprint(n, la) or ('-', ''))[0]}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]

    def reach(self, la: str, mid: str, period: Any) -> str:
        """What can reach the measure's value for the period (taken when the authority's
        `inputs` changed): the rows whose reach (`Results.reach_fingerprints`) is on or before
        the last day of its window, the definitions, the settings, and whether the loads cover
        the period (with the span they cover when not: the reason names it)."""
        key = (la, mid, str(period))
        if key not in self._taken:
            self._taken[key] = self._reach_of(la, mid, period)
        return self._taken[key]

    def _reach_of(self, la: str, mid: str, period: Any) -> str:
        if (la, str(period)) not in self._covered:  # the same for every measure
            span = self.coverage(la)
            inside = span is not None and _overlaps(period, span)
            cut = cut_short(period, span) if inside else None  # counted to the extraction
            covered = "in" if cut is None else f"in to {cut}"
            self._covered[(la, str(period))] = covered if inside else str(span)
        covered = self._covered[(la, str(period))]
        names = self.sources(mid)
        faults = any(n.startswith("faults:") for n in names)
        kind = catalogue()[mid].period_type
        if (str(period), kind) not in self._ends:  # many measures share a period type
            self._ends[(str(period), kind)] = period.window(kind)[1]
        end = self._ends[(str(period), kind)]
        parts = [code_version(), self.key, mid, covered]
        parts += [f"{n}={self._upto(la, faults, n, end)}" for n in names]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]

    def _upto(self, la: str, faults: bool, name: str, end: date) -> str:
        """Rows and summed hashes of the table's rows reaching a window ending on ``end``."""
        key = (la, faults, name)
        if key not in self._sums:
            reached = self._reach(la, faults)
            if ":" not in name and name not in self._reach_tables[(la, faults)]:
                # a measure asked about later: its table's reach taken now
                reached.update(self.store.reach_fingerprints(la, tables_wanted=[name]))
                self._reach_tables[(la, faults)].add(name)
            buckets = reached.get(name, [])
            base = [sum(b[i] for b in buckets if b[0] is None) for i in (1, 2)]
            dated = sorted(b for b in buckets if b[0] is not None)
            rows = list(accumulate([base[0]] + [b[1] for b in dated]))
            hashes = list(accumulate([base[1]] + [b[2] for b in dated]))
            self._sums[key] = ([b[0] for b in dated], rows, hashes)
        days, rows, hashes = self._sums[key]
        at = bisect_right(days, end)
        return f"{rows[at]}:{hashes[at]}"

    def _reach(self, la: str, faults: bool) -> Reached:
        """The authority's reach (`Store.reach_fingerprints`) of the tables the measures asked
        about read, with or without the faults' part, each taken once."""
        if (la, faults) not in self._reached:
            tables = set(self._tables)
            self._reach_tables[(la, faults)] = tables
            if faults:  # the tables' part as without faults, and the faults a measure run
                # over this authority reads (its snapshot)
                found = rule_faults(Context(self.ctx.backend, [la], [], self.settings))
                if (la, False) in self._reached:  # the tables' part taken: the faults' alone
                    reached = dict(self._reached[(la, False)])
                    reached.update(self.store.reach_fingerprints(la, found, with_tables=False))
                    self._reach_tables[(la, True)] = set(self._reach_tables[(la, False)])
                else:  # both in one statement (the children's first records found once)
                    reached = self.store.reach_fingerprints(la, found, tables_wanted=tables)
                    self._reached[(la, False)] = {  # a fault of no canonical table: None
                        n: b for n, b in reached.items() if n and not n.startswith("faults:")
                    }
                    self._reach_tables[(la, False)] = set(tables)
            else:
                reached = self.store.reach_fingerprints(la, tables_wanted=tables)
            self._reached[(la, faults)] = reached
        return self._reached[(la, faults)]

    def take_reach(self, la: str, mids: Iterable[str]) -> None:
        """Take the authority's reach for the measures now: with the faults' part in the same
        statement when any of them needs it (taken after the tables' part, it is a second pass)."""
        self._reach(la, any(n.startswith("faults:") for m in mids for n in self.sources(m)))

    def load_ids(self, la: str, mid: str) -> str:
        ids: set[int] = set()
        for n in self.sources(mid):
            ids.update((self.fingerprint(n, la) or ("", []))[1])
        return ",".join(str(i) for i in sorted(ids))


def _compute(
    store: Store,
    pairs: set[tuple[str, str]],
    quarters: list[Quarter],
    settings: Settings,
    fresh: Fingerprints,
) -> list[dict[str, Any]]:
    """Compute the (la, measure) pairs over the quarters, grouped by authority (the span
    each authority's loads cover taken once, for the fingerprints and the statuses alike)."""
    by_la: dict[str, set[str]] = {}
    for la, mid in pairs:
        by_la.setdefault(la, set()).add(mid)
    out = []
    order = list(catalogue())
    for la, mids in sorted(by_la.items()):
        chosen = sorted(mids, key=order.index)
        out += counted_rows(store, [la], quarters, chosen, settings, spans={la: fresh.coverage(la)})
    return out


def _write(
    store: Store,
    key: str,
    fresh: Fingerprints,
    rows: list[dict[str, Any]],
    *,
    replace: set[tuple[str, str, str]],
    restamp: dict[tuple[str, str], tuple[str, str]],
) -> None:
    """Store computed rows in one transaction: rows for the same (la, measure, period) are
    replaced, every earlier row of an (la, measure, period) in ``replace`` (what reaches it
    changed) removed, and the rows kept of the pairs in ``restamp`` given the authority's
    inputs and loads as they are now."""
    now = datetime.now()
    for la in {r["la_code"] for r in rows}:
        fresh.take_reach(la, {r["measure"] for r in rows if r["la_code"] == la})
    stamp: dict[tuple[str, str], tuple[str, str]] = {}
    periods: dict[str, Any] = {}
    inputs_of, ids_of = [], []
    for r in rows:
        pair = (r["la_code"], r["measure"])
        if pair not in stamp:
            stamp[pair] = (fresh.inputs(*pair), fresh.load_ids(*pair))
        inputs, ids = stamp[pair]
        if r["period"] not in periods:
            periods[r["period"]] = parse_period(r["period"])
        inputs_of.append(f"{inputs}/{fresh.reach(*pair, periods[r['period']])}")
        ids_of.append(ids)
    # Column by column: a few thousand rows made into as many dicts for from_pylist cost more
    # than the columns' lists.
    columns = {c: [r[c] for r in rows] for c in ROW_FIELDS}
    columns.update(
        settings_key=[key] * len(rows),
        inputs=inputs_of,
        load_ids=ids_of,
        computed_at=[now] * len(rows),
    )
    arrow = pa.Table.from_arrays(
        [pa.array(columns[f.name], type=f.type) for f in RESULT_SCHEMA], schema=RESULT_SCHEMA
    )
    store.write_results(key, arrow, replace=replace, restamp=restamp)


# The compiled SQL of the measures, kept beside the results so that a new process (the next
# command) need not build and compile every expression again. Keyed by the definitions'
# fingerprint and the Ibis and DuckDB versions: any change to either compiles afresh.
_REUSED: set[tuple[str, str]] = set()


def _reuse_compiled(store: Store) -> None:
    mark = (str(store.path), code_version())
    if mark in _REUSED or not store.has_table(SQL_TABLE):
        return
    _REUSED.add(mark)
    reuse_sql(store.compiled_sql(code_version()))


def _keep_compiled(store: Store) -> None:
    store.keep_compiled_sql(code_version(), compiled_sql())


def _order(r: dict[str, Any]) -> tuple:
    """The engine's order: authority, measure, period, breakdown (the headline last)."""
    d = r["dimension"]
    return (r["la_code"], r["measure"], r["period"], d is None, d or "")
