"""Measure results kept in the store: computed once after each ingest, read by every consumer.

`measure_run` is the one read function: the report, `scorecard measures` and the dashboard call
it, and it returns the same `MeasureRun` that `run.run_measures` computes. It reads the table
`measure_results` and computes (and, when the store is writable, stores) only what is missing
or out of date, so a reader never sees a stale value and never recomputes a fresh one.

When a stored result is out of date: each row carries `inputs`, a fingerprint of
- the content of every store table the measure reads for its authority (recorded while its
  expression is built: the canonical tables, `population`, and for measures with `fields` the
  tables those fields belong to and their data-quality issues), without load ids, so a reload
  of unchanged data keeps the results while any changed, added or removed row changes them;
- the measure definitions themselves (the source of the measures and quality packages and the
  bank-holiday calendar), so a new version of a definition is recomputed;
- the settings (`Settings`) it was computed under.
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
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any

import ibis
import pyarrow as pa

from csc_scorecard.measures import sql_cache
from csc_scorecard.measures.catalogue import Measure, catalogue
from csc_scorecard.measures.context import Context, Settings, compiled_sql, reuse_sql
from csc_scorecard.measures.engine import tables_read
from csc_scorecard.measures.run import MeasureRun, assemble_run, counted_rows
from csc_scorecard.model.periods import Quarter, quarters_between
from csc_scorecard.store import Store
from csc_scorecard.store.results import RESULT_COLUMNS, RESULT_SCHEMA, RESULTS_TABLE, SQL_TABLE

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
) -> tuple[list[dict[str, Any]], int]:
    """The rows, and how many (authority, measure) pairs had to be computed."""
    if not measures or not la_codes or not quarters:
        return [], 0
    key = settings_key(settings)
    _reuse_compiled(store)
    fresh = Fingerprints(store, settings)
    wanted = {str(q) for q in quarters}
    summary, stored = store.stored_results(key, la_codes, measures, wanted)
    have: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    stored_ids: dict[tuple[str, str], set[str]] = {}
    for la, mid, periods, inputs, ids in summary:
        have[(la, mid)] = (set(periods), set(inputs))
        stored_ids[(la, mid)] = set(ids)
    stale: set[tuple[str, str]] = set()  # (la, measure) whose inputs changed: recompute all
    missing: set[tuple[str, str]] = set()  # up to date, but some wanted quarters not stored
    for la in la_codes:
        for mid in measures:
            periods, inputs = have.get((la, mid), (set(), set()))
            if inputs and inputs != {fresh.inputs(la, mid)}:
                stale.add((la, mid))
            elif not wanted <= periods:
                missing.add((la, mid))
    computed: list[dict[str, Any]] = []
    if stale:
        every = set(quarters) | {
            Quarter.parse(p) for pair in stale for p in have.get(pair, (set(), set()))[0]
        }
        computed += _compute(store, stale, sorted(every), settings)
    if missing:
        gaps = {q for q in quarters for p in missing if str(q) not in have.get(p, (set(),))[0]}
        computed += _compute(store, missing, sorted(gaps), settings)
    relabel = {  # same content, reloaded: keep the results, record the loads they now come from
        pair: fresh.load_ids(*pair)
        for pair, ids in stored_ids.items()
        if pair not in stale and ids != {fresh.load_ids(*pair)}
    }
    if (computed or relabel) and store.writable():
        _write(store, key, fresh, computed, replace=stale, relabel=relabel)
        _keep_compiled(store)
    keep = [r for r in stored if (r["la_code"], r["measure"]) not in stale]
    done = {(r["la_code"], r["measure"], r["period"]) for r in computed}
    rows = [r for r in keep if (r["la_code"], r["measure"], r["period"]) not in done] + computed
    by_id = catalogue()
    out = []
    for r in rows:
        if r["period"] not in wanted:
            continue
        m = by_id[r["measure"]]
        row = {c: r[c] for c in ROW_FIELDS}
        row["title"], row["unit"], row["source"] = m.title, m.unit, "case data"
        out.append(row)
    out.sort(key=_order)
    return out, len(stale | missing)


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
            computed += _resolve(store, [la], quarters, measures, Settings())[1]
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
    """The current content fingerprint of every store table, per authority, taken once."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.by_table = store.table_fingerprints()
        self._ctx: Context | None = None  # built only if a measure's reads are not known yet
        self._coverage: dict[str, str] = {}

    @property
    def ctx(self) -> Context:
        if self._ctx is None:
            self._ctx = Context(ibis.duckdb.from_connection(self.store.con), [], [], self.settings)
        return self._ctx

    def sources(self, mid: str) -> list[str]:
        """The measure's inputs: the tables it reads, its fields' tables and their issues."""
        m: Measure = catalogue()[mid]
        names = set(tables_read(m, self.ctx)) | {f.partition(".")[0] for f in m.fields}
        if m.fields:
            names |= {f"dq_issues:{f.partition('.')[0]}" for f in m.fields}
        return sorted(names)

    def inputs(self, la: str, mid: str) -> str:
        # The span the loads cover decides which quarters are "outside the loaded data".
        if la not in self._coverage:
            self._coverage[la] = str(self.store.coverage(la))
        parts = [_code_fingerprint(), settings_key(self.settings), mid, self._coverage[la]]
        parts += [f"{n}={self.by_table.get((n, la), ('-', ''))[0]}" for n in self.sources(mid)]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]

    def load_ids(self, la: str, mid: str) -> str:
        ids: set[int] = set()
        for n in self.sources(mid):
            ids.update(self.by_table.get((n, la), ("", []))[1])
        return ",".join(str(i) for i in sorted(ids))


def _code_fingerprint() -> str:
    """The measure definitions' version: the one hash of every source and data file a value can
    depend on (measures, model, quality, reference, ingest) and the compiler versions, shared
    with the compiled-SQL cache so that both go stale together."""
    return sql_cache.version()


def _compute(
    store: Store, pairs: set[tuple[str, str]], quarters: list[Quarter], settings: Settings
) -> list[dict[str, Any]]:
    """Compute the (la, measure) pairs over the quarters, grouped by authority."""
    by_la: dict[str, set[str]] = {}
    for la, mid in pairs:
        by_la.setdefault(la, set()).add(mid)
    out = []
    order = list(catalogue())
    for la, mids in sorted(by_la.items()):
        chosen = sorted(mids, key=order.index)
        out += counted_rows(store, [la], quarters, chosen, settings)
    return out


def _write(
    store: Store,
    key: str,
    fresh: Fingerprints,
    rows: list[dict[str, Any]],
    *,
    replace: set[tuple[str, str]],
    relabel: dict[tuple[str, str], str],
) -> None:
    """Store computed rows in one transaction: rows for the same (la, measure, period) are
    replaced, every earlier row of a pair in ``replace`` (its inputs changed) removed, and the
    load ids of the pairs in ``relabel`` updated."""
    now = datetime.now()
    stamp: dict[tuple[str, str], tuple[str, str]] = {}
    records = []
    for r in rows:
        pair = (r["la_code"], r["measure"])
        if pair not in stamp:
            stamp[pair] = (fresh.inputs(*pair), fresh.load_ids(*pair))
        inputs, ids = stamp[pair]
        records.append(
            {
                **{c: r[c] for c in ROW_FIELDS},
                "settings_key": key,
                "inputs": inputs,
                "load_ids": ids,
                "computed_at": now,
            }
        )
    arrow = pa.Table.from_pylist(records, schema=RESULT_SCHEMA)
    store.write_results(key, arrow, replace=replace, relabel=relabel)


# The compiled SQL of the measures, kept beside the results so that a new process (the next
# command) need not build and compile every expression again. Keyed by the definitions'
# fingerprint and the Ibis and DuckDB versions: any change to either compiles afresh.
_REUSED: set[tuple[str, str]] = set()


def _sql_version() -> str:
    return _code_fingerprint()


def _reuse_compiled(store: Store) -> None:
    mark = (str(store.path), _sql_version())
    if mark in _REUSED or not store.has_table(SQL_TABLE):
        return
    _REUSED.add(mark)
    reuse_sql(store.compiled_sql(_sql_version()))


def _keep_compiled(store: Store) -> None:
    store.keep_compiled_sql(_sql_version(), compiled_sql())


def _order(r: dict[str, Any]) -> tuple:
    """The engine's order: authority, measure, period, breakdown (the headline last)."""
    d = r["dimension"]
    return (r["la_code"], r["measure"], r["period"], d is None, d or "")
