"""Faults kept in the store, one snapshot per date the data describes, so a quarter's report can
say what was fixed.

Every `scorecard ingest` (and a web upload, and `scorecard quality --record`) runs the rules over
the authority's rows and keeps the faults in `dq_rule_faults` (`record_after_load`): one row per
fault with the load that wrote the faulty row, the time of the check (`checked_at`) and the date
the data describes (`as_at`: the latest period end of the authority's 903 and CIN census loads).
A later check of data as at the same date (a corrected file reloaded) replaces that snapshot;
data as at a later date adds one. So the table is the history of the authority's faults, one
snapshot per period its returns covered.

`changes` compares the faults of the latest snapshots of data as at the end of two quarters,
*opened* being faults present now and not then, *closed* the reverse, matched on (return, rule,
child, table, field). Without a snapshot as at the earlier date the change is not known and is
not guessed: rebuilding past data from the loads held is wrong in a way that matters (a row a
later return sent again, an episode open across 31 March or its continuation, now belongs to
the later load, so the earlier data would lose it: rule 388 alone then finds hundreds of
"new episode but no continuation" faults that never were).

Each snapshot also keeps its *basis* (`dq_rule_fault_basis`, `basis`): the version of the rules
(the one code version the compiled measure SQL is kept under, `code_version.version`, and
the postcode directory's release) and the authority's loads it was made from. While the basis
is the authority's present one, the snapshot *is* what every rule over its rows finds now, so a
measure's reportability (`current_faults`) reads it instead of running every rule again; a new
load, or new rules, make it stale, and the rules run (and their faults are kept, where the
store may be written). A snapshot without faults keeps its basis too: "none" is not "not run".
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.code_version import version as code_version
from csc_scorecard.quality.fault_table import FAULT_SCHEMA
from csc_scorecard.quality.runner import RuleResult, run_rules
from csc_scorecard.quality.scope import MULTI_YEAR, SOURCE_FORMAT
from csc_scorecard.reference import postcodes
from csc_scorecard.store import Store
from csc_scorecard.store.bookkeeping import data_end

MATCH = ("return", "rule", "child", "table", "field")
_FORMATS = (*SOURCE_FORMAT.values(), MULTI_YEAR)
# The faults `record` kept inside a `sharing_kept_faults` block: {"la_codes": ..., "faults": ...}.
_SHARED: ContextVar[dict | None] = ContextVar("csc_scorecard_kept_faults", default=None)


@contextmanager
def sharing_kept_faults(pending: threading.Event | None = None) -> Iterator[None]:
    """Within the block, the faults `record` keeps are handed to `kept_faults`, so the next step
    after a load that needs every rule over the same authorities' rows (a measure's
    reportability, `measures.availability`) reads them instead of running every rule again.
    The block must not write the tables the rules read (a load comes before it). `pending`:
    `record` runs beside, on another thread, until it is set; `kept_faults` waits for it."""
    token = _SHARED.set({"pending": pending} if pending is not None else {})
    try:
        yield
    finally:
        _SHARED.reset(token)


def kept_faults(la_codes: Sequence[str]) -> pa.Table | None:
    """The faults `record` kept in the enclosing `sharing_kept_faults` block when it ran every
    rule over exactly these authorities' rows (the same scope: all their loads); None
    otherwise, and the caller runs the rules."""
    shared = _SHARED.get()
    if shared and shared.get("pending") is not None:
        shared["pending"].wait()
    if not shared or shared.get("la_codes") != tuple(sorted(set(la_codes))):
        return None
    return shared["faults"]


def faults_pending() -> bool:
    """Whether `record` is still running beside (`sharing_kept_faults(pending)`): a caller that
    can do without the faults for now asks for them later."""
    pending = (_SHARED.get() or {}).get("pending")
    return pending is not None and not pending.is_set()


def as_at(con: duckdb.DuckDBPyConnection, la_code: str) -> date | None:
    """The date the authority's returns describe: the latest day its 903 and CIN census loads'
    data reach (`store.bookkeeping.data_end`: a period's end, or the extraction when earlier),
    so an in-year return's check is of the data as at its extraction, and each month's or
    quarter's extract keeps a check of its own; None when it has none: no rule can run."""
    ends = [
        data_end(x.period_end, x.extracted)
        for x in Store.on(con).loads([la_code])
        if x.la_code == la_code and x.source_format in _FORMATS and x.period_end is not None
    ]
    return max(ends, default=None)


def basis(
    con: duckdb.DuckDBPyConnection, la_codes: Sequence[str], *, multi_year: bool = False
) -> dict[str, str]:
    """{la_code: what every rule over the authority's rows now depends on}: the rules' version
    (`code_version.version`, the hash of every source and data file of the product's
    definitions, the rules among them, and the postcode directory's release) and the
    authority's loads (every one: a rule reads children from any of them), and whether its
    synthetic-England loads are in scope (`multi_year`; an authority without any gets the same
    basis either way). One query; an authority without loads is left out."""
    return {la: b for la, (b, _) in _bases(con, la_codes, multi_year=multi_year).items()}


def _bases(
    con: duckdb.DuckDBPyConnection, la_codes: Sequence[str], *, multi_year: bool = False
) -> dict[str, tuple[str, bool]]:
    """{la_code: (basis, whether it has a load of either return)}."""
    if not la_codes:
        return {}
    version = f"{code_version()}|onspd {postcodes.release()}"
    out = {}
    for la, loads in Store.on(con).load_formats(la_codes).items():
        formats = {f for _, f in loads}
        scope = "multi-year" if MULTI_YEAR in formats and multi_year else "returns"
        text = f"{version}|{scope}|{','.join(str(i) for i, _ in loads)}"
        returns = bool(formats & set(SOURCE_FORMAT.values()))
        out[la] = (hashlib.sha256(text.encode()).hexdigest()[:24], returns)
    return out


def record(con: duckdb.DuckDBPyConnection, la_codes: Sequence[str]) -> int:
    """Run every rule over the authorities' rows and keep the faults as the snapshot of the data
    as at its latest period end (replacing an earlier check of data as at that date), with its
    basis; returns how many faults were kept."""
    dates = {la: d for la in la_codes if (d := as_at(con, la)) is not None}
    if not dates:
        return 0
    made_from = basis(con, sorted(dates), multi_year=True)
    faults = run_rules(con, la_codes=sorted(dates), multi_year=True).faults
    if (shared := _SHARED.get()) is not None:
        shared.update(la_codes=tuple(sorted(dates)), faults=faults)
    _keep(con, faults, dates, made_from)
    return faults.num_rows


def _keep(
    con: duckdb.DuckDBPyConnection,
    faults: pa.Table,
    dates: dict[str, date],
    made_from: dict[str, str],
) -> None:
    n = faults.num_rows
    kept = faults.append_column(
        "checked_at", pa.array([datetime.now()] * n, pa.timestamp("us"))
    ).append_column(
        "as_at", pa.array([dates[la] for la in faults.column("la_code").to_pylist()], pa.date32())
    )
    Store.on(con).keep_rule_faults(kept, dates, made_from)


def current_faults(
    con: duckdb.DuckDBPyConnection, la_codes: Sequence[str], *, keep: bool = False
) -> pa.Table:
    """Every rule's faults over the authorities' rows now (what `run_rules(con,
    la_codes=...)` finds): an authority's current snapshot where it has one (made from its
    present basis), nothing for an authority with no load of either return (no rule has a row
    to read), the rules run over the rest; with `keep` (the store may be written), their faults
    kept as those authorities' snapshots, so the next reader finds them current."""
    codes = sorted(set(la_codes))
    now = _bases(con, codes)
    found, have = Store.on(con).current_rule_faults(
        {la: b for la, (b, _) in now.items()}, FAULT_SCHEMA.names
    )
    parts = [found.cast(FAULT_SCHEMA)] if found is not None else []
    stale = [la for la in codes if la not in have and now.get(la, ("", False))[1]]
    if stale:
        faults = run_rules(con, la_codes=stale).faults
        parts.append(faults)
        if keep:
            try:
                _keep_run(con, faults, {la: now[la][0] for la in stale})
            except duckdb.Error:
                pass  # not kept (a lake's views, a store locked elsewhere): run again next time
    return pa.concat_tables(parts) if parts else FAULT_SCHEMA.empty_table()


def _keep_run(con: duckdb.DuckDBPyConnection, faults: pa.Table, made_from: dict[str, str]) -> None:
    """Keep faults `current_faults` found by running the rules as the authorities' snapshots,
    as `record` would: only for an authority whose basis is the same with its synthetic-England
    loads in scope (it has none), since `record` keeps those loads' faults too."""
    whole = basis(con, sorted(made_from), multi_year=True)
    dates = {
        la: d
        for la, b in made_from.items()
        if whole.get(la) == b and (d := as_at(con, la)) is not None
    }
    if dates:
        mine = faults.filter(pc.is_in(faults.column("la_code"), pa.array(sorted(dates))))
        _keep(con, mine, dates, {la: made_from[la] for la in dates})


def record_after_load(con: duckdb.DuckDBPyConnection, la_codes: Iterable[str]) -> str:
    """`record` for a command that has just loaded data (`scorecard ingest`, a web upload): one
    line to print. The load is committed already, so a rule that fails is reported, not raised."""
    codes = sorted({c for c in la_codes if c})
    try:
        n = record(con, codes)
    except Exception as error:  # noqa: BLE001 - the load stands; say why faults were not kept
        first = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        return f"warning: DfE validation faults not recorded ({first}); `scorecard quality --record` retries"
    return f"DfE validation rules: {n:,} faults recorded"


def loads_by(con: duckdb.DuckDBPyConnection, la_code: str, end: date) -> list[int]:
    """The authority's loads whose period ended on or before `end` (the data as at that date)."""
    return Store.on(con).load_ids(la_code, ending_by=end)


@dataclass
class AsAt:
    """The faults in an authority's data as at a date, and where they come from."""

    result: RuleResult | None  # None: not known (data as at that date was never checked)
    as_at: date | None  # the date the faults' data describes
    held: date | None  # the latest date the authority's data in the store describes
    live: bool  # True: the rules ran now, on the data held (it is the data as at that date)


def faults_as_at(con: duckdb.DuckDBPyConnection, la_code: str, end: date) -> AsAt:
    """The faults in the authority's data as at `end`. When the store holds nothing describing a
    later date (`as_at`: the data held reach no further than `end`), the data held is that data,
    and the rules run on it now (over the loads whose data had ended by then). Otherwise `end` is past: its faults are the snapshot kept for the latest data as
    at `end` or before (`record`), never rebuilt from the loads (a row a later return sent again
    now belongs to that load: see the module docstring); with no snapshot kept, they are not
    known."""
    held = as_at(con, la_code)
    if held is None or held <= end:
        result = run_rules(
            con, la_codes=[la_code], load_ids=loads_by(con, la_code, end), multi_year=True
        )
        return AsAt(result=result, as_at=held, held=held, live=True)
    kept = snapshot(con, la_code, end)
    if kept is None:
        return AsAt(result=None, as_at=None, held=held, live=False)
    day, faults = kept
    returns = sorted(set(faults.column("return").to_pylist()))
    return AsAt(result=RuleResult(faults=faults, returns=returns), as_at=day, held=held, live=False)


@dataclass
class Changes:
    """The faults in the data as at `now` (`current`, from the snapshot of data as at
    `current_as_at`) and those opened and closed since the data as at `then` (None when the
    store keeps no snapshot of data as at `then` or earlier: not known)."""

    current: pa.Table
    current_as_at: date | None
    opened: pa.Table | None = None
    closed: pa.Table | None = None
    then_as_at: date | None = None

    @property
    def known(self) -> bool:
        return self.opened is not None


def changes(
    con: duckdb.DuckDBPyConnection,
    la_code: str,
    now: date,
    then: date,
) -> Changes:
    """Faults in the latest snapshot of data as at `now` or before, and those opened and closed
    since the latest snapshot of data as at `then` or before. With no snapshot as at `now`, the faults are
    those of the data the store holds (its latest snapshot, or the rules run now when none was
    kept) and nothing is said of change."""
    found = snapshot(con, la_code, now)
    if found is None:
        latest = snapshot(con, la_code, date.max)
        if latest is None:
            latest = (
                as_at(con, la_code),
                run_rules(con, la_codes=[la_code], multi_year=True).faults,
            )
        return Changes(current=latest[1], current_as_at=latest[0])
    current_as_at, current = found
    before = snapshot(con, la_code, then)
    if before is None:
        return Changes(current=current, current_as_at=current_as_at)
    return Changes(
        current=current,
        current_as_at=current_as_at,
        opened=_minus(current, before[1]),
        closed=_minus(before[1], current),
        then_as_at=before[0],
    )


def snapshot(
    con: duckdb.DuckDBPyConnection, la_code: str, end: date
) -> tuple[date, pa.Table] | None:
    """The date and faults of the latest snapshot of data as at `end` or before (None: none)."""
    found = Store.on(con).rule_fault_snapshot(la_code, end, FAULT_SCHEMA.names)
    if found is None:
        return None
    day, rows = found
    return day, rows.cast(FAULT_SCHEMA)


def _minus(a: pa.Table, b: pa.Table) -> pa.Table:
    with duckdb.connect(":memory:") as con:
        con.register("a", a)
        con.register("b", b)
        on = " AND ".join(f'a."{c}" IS NOT DISTINCT FROM b."{c}"' for c in MATCH)
        return con.sql(f"SELECT a.* FROM a ANTI JOIN b ON {on}").to_arrow_table().cast(FAULT_SCHEMA)


def counts_by_rule(moved: Changes) -> list[dict]:
    """Counts only, per (return, rule, field): faults open in the data now, and opened and closed
    since then (None when not known); with the rule's DfE message from the registry (never a
    recorded value). Most open first, then most opened, most closed."""
    from csc_scorecard.quality.rules import registry

    key = ("return", "rule", "field")
    zero = 0 if moved.known else None
    out: dict[tuple, dict] = {}
    parts = (("open", moved.current), ("opened", moved.opened), ("closed", moved.closed))
    for name, table in parts:
        if table is None or not table.num_rows:
            continue
        # Counted in Python: Arrow's group_by loads its query engine and pandas (0.2 s).
        counted = Counter(zip(*(table.column(c).to_pylist() for c in key), strict=True))
        for k, n in counted.items():
            row = out.setdefault(k, {"return": k[0], "rule": k[1], "field": k[2] or None,
                                     "open": 0, "opened": zero, "closed": zero})  # fmt: skip
            row[name] = n
    for row in out.values():
        known = registry().get((row["return"], row["rule"]))  # a rule since withdrawn: no text
        row["message"] = known.message if known else ""
    return sorted(
        out.values(),
        key=lambda r: (-r["open"], -(r["opened"] or 0), -(r["closed"] or 0), r["return"],
                       r["rule"], r["field"] or ""),
    )  # fmt: skip
