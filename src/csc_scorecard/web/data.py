"""Everything the dashboard reads from the store, in one place, cached by the load history.

Pages never recompute the catalogue: the measure run and the report context for a quarter are
built once per state of the store's load history (``loads``: count, last id, last time) and
kept in memory, and the contexts on disk beside the state file, so a restart does not rebuild
them. A new load changes the fingerprint and the next page builds afresh. Builds run on one
background thread; a page for a quarter still being built says so and polls (htmx).

The store is opened read-only per request and closed at once, so `scorecard ingest` from
another process can take its write lock between requests. An upload through the dashboard
takes the gate exclusively (no read connection open in this process) and writes through a
short-lived read-write connection: DuckDB refuses to open one file read-only and read-write
in the same process at once.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from csc_scorecard.measures.availability import activity_date
from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.model.periods import Quarter, quarters_between
from csc_scorecard.model.schema import table as table_spec
from csc_scorecard.report.commentary import Commentary
from csc_scorecard.report.formatting import long_date
from csc_scorecard.report.model import ReportContext
from csc_scorecard.store import Store, StoreError
from csc_scorecard.web.state import State


class StoreBusy(RuntimeError):
    """The store is locked by a writer (an ingest in another process); try again shortly."""


class Preparing(RuntimeError):
    """The figures for this quarter are being built; the page polls until they are ready."""


class _Gate:
    """Readers share the store; a writer (upload) waits for them and excludes them."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._readers:
                self._cond.wait()
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


STAGES = ("received", "read and checked", "stored", "results refreshed")


@dataclass
class Upload:
    """An upload's progress: each stage with what it did, then the outcome."""

    user: str
    files: list[str]
    id: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    started: float = field(default_factory=time.monotonic)
    stages: list[dict[str, Any]] = field(
        default_factory=lambda: [{"stage": s, "done": False, "detail": ""} for s in STAGES]
    )
    outcome: dict[str, Any] | None = None

    def done(self, stage: str, detail: str) -> None:
        for s in self.stages:
            if s["stage"] == stage:
                s["done"], s["detail"] = True, detail

    def age(self) -> float:
        return time.monotonic() - self.started

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "files": self.files, "stages": self.stages,
                "finished": self.outcome is not None}  # fmt: skip


@dataclass
class Config:
    store: Path
    state: Path
    la_code: str | None = None
    framework: Path | None = None
    background: bool = True  # build contexts on a thread (False: build within the request)


class Data:
    """The dashboard's one reader of measures, contexts and store tables."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.state = State(config.state)
        self.gate = _Gate()
        self.cache_dir = config.state.with_name(f"{config.state.stem}-cache")
        self._lock = threading.Lock()
        self._stat: tuple | None = None
        self._fingerprint = ""
        self._memo: dict[tuple, Any] = {}
        self._pending: dict[tuple, Future] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scorecard-build")
        self._la: str | None = config.la_code
        self._uploads: dict[str, Upload] = {}

    # -- the store ----------------------------------------------------------------------------

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The store, read-only, for the length of a block."""
        with self.gate.shared():
            try:
                db = Store(self.config.store, read_only=True)
            except (StoreError, duckdb.Error) as error:
                raise StoreBusy(str(error).splitlines()[0]) from None
            try:
                yield db
            finally:
                db.close()

    @contextmanager
    def writable_store(self) -> Iterator[Store]:
        """The store read-write, briefly, with every reader in this process waiting."""
        with self.gate.exclusive():
            try:
                db = Store(self.config.store)
            except (StoreError, duckdb.Error) as error:
                raise StoreBusy(str(error).splitlines()[0]) from None
            try:
                yield db
            finally:
                db.close()
        with self._lock:
            self._stat = None  # the load history has changed

    def fingerprint(self) -> str:
        """The store's load history in one string; every cache key starts with it."""
        path = self.config.store
        wal = path.with_name(path.name + ".wal")
        stat = tuple(
            (p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in (path, wal)
        )
        with self._lock:
            if stat == self._stat:
                return self._fingerprint
        with self.store() as db:
            n, last, at = db.con.execute(
                "SELECT count(*), coalesce(max(load_id), 0), max(loaded_at) FROM loads"
            ).fetchone()
        fingerprint = f"{n}-{last}-{at}"
        with self._lock:
            if fingerprint != self._fingerprint:  # a new load: what was kept is out of date
                self._memo.clear()
            self._stat, self._fingerprint = stat, fingerprint
        return fingerprint

    def la_code(self) -> str:
        if self._la is None:
            with self.store() as db:
                las = db.authorities()
            if len(las) != 1:
                raise StoreBusy(
                    f"the store holds {len(las)} authorities: start the server with --la"
                )
            self._la = las[0]
        return self._la

    def cached(self, name: str, key: tuple, build: Callable[[], Any]) -> Any:
        """A value kept for this state of the load history (built in the request)."""
        full = (name, self.fingerprint(), *key)
        with self._lock:
            if full in self._memo:
                return self._memo[full]
        value = build()
        with self._lock:
            self._memo[full] = value
        return value

    # -- quarters -----------------------------------------------------------------------------

    def quarters(self) -> list[Quarter]:
        """Quarters the store's case data covers, oldest first: from the earliest load to the
        last quarter the counted tables' activity dates reach the end of (an annual return's
        period runs to 31 March, but its records may stop months before)."""

        def build() -> list[Quarter]:
            la = self.la_code()
            with self.store() as db:
                first, reach = db.con.execute(
                    # The annual case returns set the start (the workforce census and the
                    # templates reach back to staff start dates, long before any case data).
                    "SELECT coalesce(min(period_start) FILTER (source_format IN "
                    "('cin_census', 'ssda903')), min(period_start)), max(period_end) "
                    "FROM loads WHERE la_code = ? AND period_start IS NOT NULL "
                    "AND source_format NOT LIKE 'template:%'",
                    [la],
                ).fetchone()
                if first is None:
                    return []
                last = None
                for name in _counted_tables():
                    column = activity_date(name)
                    found = db.con.execute(
                        f'SELECT max("{column}") FROM "{name}" WHERE la_code = ? AND "{column}" <= ?',
                        [la, min(reach, date.today())],
                    ).fetchone()[0]
                    if found is not None and (last is None or found > last):
                        last = found
            if last is None:
                return []
            end = Quarter.containing(last)
            if end.end > last:  # a quarter the data does not reach the end of is not offered
                end = end.previous()
            return quarters_between(Quarter.containing(first), end)

        return self.cached("quarters", (), build)

    def quarter(self, text: str | None) -> Quarter:
        """The requested quarter (must be in the store), or the latest; LookupError if unknown."""
        known = self.quarters()
        if not known:
            raise LookupError("the store holds no case data yet")
        if not text:
            return known[-1]
        try:
            q = Quarter.parse(text)
        except ValueError as error:
            raise LookupError(str(error)) from None
        if q not in known:
            raise LookupError(f"{q} is not a quarter the store covers ({known[0]} to {known[-1]})")
        return q

    # -- measures and contexts ----------------------------------------------------------------

    def run(self, quarter: Quarter) -> MeasureRun:
        """The report's measure run for a quarter (eight quarters to it, plus comparisons)."""
        from csc_scorecard.report.context import measure

        def build() -> MeasureRun:
            with self.store() as db:
                return measure(db, self.la_code(), quarter)

        return self.cached("run", (str(quarter),), build)

    def use_run(self, quarter: Quarter, run: MeasureRun) -> None:
        """Keep a run measured elsewhere over this store's current load history (the report
        command after an ingest, or tests sharing one run), so it is not measured again."""
        if run.la_code != self.la_code() or str(run.periods[-1]) != str(quarter):
            raise ValueError(f"the run is for {run.la_code} to {run.periods[-1]}, not {quarter}")
        fingerprint = self.fingerprint()
        with self._lock:
            self._memo[("run", fingerprint, str(quarter))] = run

    def context(self, quarter: Quarter, publication: bool) -> ReportContext:
        """The report context the pages read (commentary shown from the state, not from it)."""
        key = ("context", self.fingerprint(), str(quarter), publication, self._framework_key())
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        found = self._from_disk(key)
        if found is None:
            found = self._job(
                key,
                lambda: self._build_context(key, quarter, publication),
                f"the figures for {quarter.label}",
            )
        with self._lock:
            self._memo[key] = found
        return found

    def context_now(self, quarter: Quarter, publication: bool) -> ReportContext:
        """The context, built here if it is not ready (for work already on the build thread)."""
        key = ("context", self.fingerprint(), str(quarter), publication, self._framework_key())
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        found = self._from_disk(key) or self._build_context(key, quarter, publication)
        with self._lock:
            self._memo[key] = found
        return found

    def prepared(self, name: str, key: tuple, build: Callable[[], Any], what: str) -> Any:
        """Like `cached`, but built on the build thread: Preparing until it is ready."""
        full = (name, self.fingerprint(), *key)
        with self._lock:
            if full in self._memo:
                return self._memo[full]
        value = self._job(full, build, what)
        with self._lock:
            self._memo[full] = value
        return value

    def _job(self, key: tuple, build: Callable[[], Any], what: str) -> Any:
        """``build()`` on the build thread (in the request when not in the background): its
        value once done; Preparing while it runs; a failure raised once, then tried again."""
        if not self.config.background:
            return build()
        with self._lock:
            job = self._pending.get(key)
            if job is not None and job.done() and job.exception() is not None:
                del self._pending[key]
                raise job.exception()  # type: ignore[misc]
            if job is None:
                job = self._pool.submit(build)
                self._pending[key] = job
        if not job.done():
            raise Preparing(f"{what} are being prepared")
        value = job.result()
        with self._lock:
            self._pending.pop(key, None)
        return value

    def report_context(self, quarter: Quarter, publication: bool) -> ReportContext:
        """A fresh context for a report, with the analysts' current commentary."""
        from csc_scorecard.report.context import build_context

        run = self.run(quarter)
        with self.store() as db:
            return build_context(
                db,
                self.la_code(),
                quarter,
                framework=self.config.framework,
                commentary=self.commentary(),
                publication=publication,
                run=run,
            )

    def _build_context(self, key: tuple, quarter: Quarter, publication: bool) -> ReportContext:
        from csc_scorecard.report.context import build_context

        run = self.run(quarter)
        with self.store() as db:
            context = build_context(
                db,
                self.la_code(),
                quarter,
                framework=self.config.framework,
                publication=publication,
                run=run,
                # pages never show a viewer the commentary (views.measure leaves it out), so a
                # typed number in it does not stop the published figures being shown
                allow_commentary_numbers=True,
            )
        self._to_disk(key, context)
        return context

    def _framework_key(self) -> str:
        f = self.config.framework
        return f"{f}:{f.stat().st_mtime_ns}" if f and f.exists() else "none"

    def _disk_path(self, key: tuple) -> Path:
        from csc_scorecard.report.context import _version

        digest = hashlib.sha256(json.dumps([*key, _version()], default=str).encode()).hexdigest()
        return self.cache_dir / f"context-{digest[:32]}.json"

    def _from_disk(self, key: tuple) -> ReportContext | None:
        path = self._disk_path(key)
        if not path.exists():
            return None
        try:
            return ReportContext.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError:  # an older layout of the context: rebuild it
            return None

    def _to_disk(self, key: tuple, context: ReportContext) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        path = self._disk_path(key)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(context.model_dump_json(), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(path)

    def commentary(self) -> dict[tuple[str, str], Commentary]:
        """The analysts' current commentary in the report's form (measure id, quarter)."""
        return {
            (c.measure, c.period): Commentary(c.measure, c.period, c.text, c.author, c.id)
            for c in self.state.current_commentary(self.la_code())
        }

    def warm(self) -> None:
        """Start building the latest quarter's contexts (called when the server starts)."""
        try:
            latest = self.quarter(None)
        except (LookupError, StoreBusy):
            return
        for publication in (False, True):
            try:
                self.context(latest, publication)
            except Preparing:
                pass

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- drill-down (csc_scorecard.measures.members) -------------------------------------------

    def members(
        self,
        quarter: Quarter,
        measure_id: str,
        *,
        team: str | None = None,
        worker: str | None = None,
    ):
        """The rows a measure counted for the quarter (child- or worker-level), optionally one
        team's or worker's. The whole table is kept per load history; filters are applied here."""
        import pyarrow.compute as pc

        from csc_scorecard.measures.members import members

        def build():
            with self.store() as db:
                return members(db, self.la_code(), measure_id, str(quarter))

        table = self.cached("members", (str(quarter), measure_id), build)
        for column, value in (("team", team), ("worker", worker)):
            if value:
                table = table.filter(pc.equal(table[column], value))
        return table

    # -- teams (csc_scorecard.measures.workforce) --------------------------------------------------

    def _workforce(self, quarter: Quarter) -> dict[str, Any]:
        """Caseloads (cases, per FTE, role-weighted), spans and supervision at the quarter end."""
        import ibis

        from csc_scorecard.measures.workforce.caseloads import positions, workers
        from csc_scorecard.measures.workforce.snapshot import context_for
        from csc_scorecard.measures.workforce.spans import spans
        from csc_scorecard.measures.workforce.supervision import supervision
        from csc_scorecard.measures.workforce.supervision_returns import supervision_returns

        def build() -> dict[str, Any]:
            at = quarter.end
            with self.store() as db:
                ctx = context_for(ibis.duckdb.from_connection(db.con), self.la_code())
                return {
                    "at": at,
                    "positions": positions(ctx, {"at": at}),
                    "spans": spans(ctx, at),
                    "supervision": supervision(ctx, at),
                    "returns": supervision_returns(ctx, quarter.start, at),
                    "workers": workers(ctx, at),
                }

        return self.cached("workforce", (str(quarter),), build)

    def teams(self, quarter: Quarter) -> dict[str, Any]:
        """Every team's caseloads, span of control and supervision (aggregates only)."""
        w = self._workforce(quarter)
        by_basis = {
            basis: {f.team_id: f for f in w["positions"][("at", basis)].by_team}
            for basis in ("cases", "fte", "weighted")
        }
        spans = {t.team_id: t for t in w["spans"].teams}
        sup = {f.team_id: f for f in w["supervision"].by_team}
        recorded = {t.team_id: t for t in w["returns"].teams}
        rows = []
        for team_id, f in sorted(
            by_basis["cases"].items(), key=lambda kv: (str(kv[1].service_area), kv[1].name)
        ):
            if team_id is None:
                continue
            span = spans.get(team_id)
            s = sup.get(team_id)
            r = recorded.get(team_id)
            fte = by_basis["fte"].get(team_id)
            weighted = by_basis["weighted"].get(team_id)
            rows.append(
                {
                    "team_id": team_id,
                    "name": f.name,
                    "service_area": f.service_area,
                    "case_holders": f.case_holders,
                    "cases": f.cases,
                    "fte": f.fte,
                    "average_cases": f.average,
                    "average_per_fte": fte.average if fte else None,
                    "average_weighted": weighted.average if weighted else None,
                    "maximum": f.maximum,
                    "cases_per_manager": span.cases_per_manager if span else None,
                    "over_standard": span.over_standard if span else None,
                    "supervision_percent": s.percent if s else None,
                    "supervision_staff": s.staff if s else None,
                    # supervision recorded in the quarter (measures/workforce/supervision_returns.py)
                    "supervision_recorded": r.supervised if r else None,
                    "supervision_recorded_percent": r.percent if r else None,
                    "supervision_data_added": r.added if r else None,
                }
            )
        total = w["positions"][("at", "cases")].total
        return {
            "period": str(quarter),
            "label": quarter.label,
            "at": w["at"],
            "at_text": long_date(w["at"]),
            "teams": rows,
            "total": total.model_dump(mode="json"),
            "span_standard": w["spans"].standard_cases,
            "supervision_standard_days": w["supervision"].standard_days,
            "supervision_total": w["supervision"].total.model_dump(mode="json"),
            "teams_without_supervision_data": w["returns"].teams_without_data,
        }

    def team(self, quarter: Quarter, team_id: str) -> dict[str, Any]:
        """One team: its figures, its case holders and its overdue supervisions (worker level)."""
        summary = self.teams(quarter)
        found = next((t for t in summary["teams"] if t["team_id"] == team_id), None)
        if found is None:
            raise LookupError(
                f"There is no team {team_id!r} with case holders on {quarter.end:%d/%m/%Y}."
            )
        w = self._workforce(quarter)
        return {
            "period": str(quarter),
            "label": quarter.label,
            "at": w["at"],
            "at_text": long_date(w["at"]),
            "team": found,
            "workers": [x.model_dump(mode="json") for x in w["workers"] if x.team_id == team_id],
            "overdue_supervision": [
                o.model_dump(mode="json")
                for o in (w["supervision"].overdue or [])
                if o.team_name == found["name"]
            ],
        }

    def team_measures(self, quarter: Quarter, team_id: str) -> dict[str, Any]:
        """The framework's measures for one team: each team's part of the authority's figure
        from the measure's member rows (`members.by_team`), rated by the framework's target
        (`rating.rate_item`, the one rating). Built for every team at once on the build thread
        (Preparing until then) and kept for this state of the load history."""
        built = self.prepared(
            "team_measures",
            (str(quarter),),
            lambda: self._team_measures(quarter),
            f"the teams' measures for {quarter.label}",
        )
        return {"measures": built["teams"].get(team_id, []), "without": built["without"]}

    def framework(self, authority: str):
        """The performance framework pages rate against (the catalogue's when none is given)."""
        from csc_scorecard.rating import load_framework
        from csc_scorecard.report.appendix import catalogue_framework

        return self.cached(
            "framework",
            (self._framework_key(),),
            lambda: (
                load_framework(self.config.framework)
                if self.config.framework
                else catalogue_framework(catalogue().values(), authority)
            ),
        )

    def _team_measures(self, quarter: Quarter) -> dict[str, Any]:
        from csc_scorecard.measures.members import NoMembers, by_team
        from csc_scorecard.rating import make_reading, rate_item
        from csc_scorecard.report.appendix import STATUS_LABELS
        from csc_scorecard.report.facts import figure_id
        from csc_scorecard.report.formatting import display

        context = self.context_now(quarter, False)
        framework = self.framework(context.authority.name)
        teams: dict[str, list[dict[str, Any]]] = {}
        without = []
        for group in context.appendix:
            for row in group.rows:
                m = catalogue().get(row.measure or "")
                if m is None or m.manual or m.dimension:
                    continue
                try:
                    rows = self.members(quarter, m.id)
                except NoMembers as why:
                    rows, reason = None, str(why)
                else:
                    reason = (
                        "no records counted in the quarter"
                        if rows.num_rows == 0
                        else "counted over a population or a denominator that has no team"
                    )
                parts = by_team(rows) if rows is not None else []
                if not parts:
                    without.append({"item": row.item, "measure": m.id, "title": row.title,
                                    "reason": reason})  # fmt: skip
                    continue
                c = context.comparators.get(m.id)
                published = {"england": c.england, "region": c.region,
                             "statistical_neighbours": c.statistical_neighbours} if c else {}  # fmt: skip
                whole = context.figures.get(figure_id(m.id, str(quarter)))
                for part in parts:
                    if part["team"] is None:
                        continue
                    reading = make_reading(
                        row.item,
                        str(quarter),
                        part["value"],
                        numerator=part["numerator"],
                        denominator=part["denominator"],
                    )
                    rating = rate_item(
                        framework.item(row.item), reading, str(quarter), published=published
                    )
                    teams.setdefault(part["team"], []).append(
                        {
                            "item": row.item,
                            "measure": m.id,
                            "title": row.title,
                            "unit": m.unit,
                            "rows": part["rows"],
                            "numerator": part["numerator"],
                            "denominator": part["denominator"],
                            "value": part["value"],
                            "display": display(part["value"], m.unit),
                            "status": rating.status.value,
                            "status_label": STATUS_LABELS[rating.status.value],
                            "rag": rating.rag.value if rating.rag else None,
                            "reason": rating.reason,
                            "target": row.target,
                            "authority": whole.display if whole else "",
                        }
                    )
        return {"teams": teams, "without": without}

    # -- data quality --------------------------------------------------------------------------

    def quality(self, quarter: Quarter) -> dict[str, Any]:
        """Every fault in the data as at the quarter's end, each with its owner: the DfE
        validation rules' faults (`quality.runner`) and the issues recorded at load
        (`dq_issues`), both given the team and worker who can fix them by the quality layer's
        one rule (`quality.fixlists.with_owners`), the measures each touches, and those of them
        that the quarter's figures call not reportable. Built on the build thread."""
        return self.prepared(
            "quality", (str(quarter),), lambda: self._quality(quarter), "the data-quality lists"
        )

    def _quality(self, quarter: Quarter) -> dict[str, Any]:
        from csc_scorecard.quality.fixlists import with_owners
        from csc_scorecard.quality.history import changes, loads_by

        la = self.la_code()
        context = self.context_now(quarter, False)
        stopped = {n.measure: n.reason for n in context.data_quality.not_reportable}
        reading = _measures_by_field()
        with self.store() as db:
            # the DfE rules' faults as at the quarter's end (the latest snapshot recorded at load
            # by then), and those opened and closed since the quarter before when both are known
            moved = changes(db.con, la, quarter.end, quarter.previous().end)
            faults = with_owners(db.con, moved.current)
            issues = db.con.sql(
                'SELECT rule, \'\' AS "return", table_name AS "table", "row", '
                "child_id AS child, coalesce(field, column_name) AS field, value, message, "
                "la_code, ?::INTEGER AS year, load_id, severity, column_name, "
                "regexp_extract(file, '[^/\\\\]+$') AS file "
                "FROM dq_issues WHERE la_code = ? AND load_id IN (SELECT unnest(?::INTEGER[]))",
                # owners as at 31 March of the quarter's year, the latest collection year end
                params=[quarter.end.year, la, loads_by(db.con, la, quarter.end)],
            ).to_arrow_table()
            issues = with_owners(db.con, issues)
        rows: list[dict[str, Any]] = []
        for kind, table in (("DfE rule", faults), ("load check", issues)):
            for r in table.to_pylist():
                if kind == "load check":  # a field's issue touches the measures reading it
                    touched = reading.get(f"{r['table']}.{r['column_name']}", [])
                else:
                    touched = [m for m in (r["measures"] or "").split(";") if m]
                rows.append(
                    {
                        "kind": kind,
                        "rule": r["rule"],
                        "return": r["return"] or None,
                        "table": r["table"],
                        "field": r["field"],
                        "row": r["row"],
                        "file": r.get("file"),
                        "child": r["child"],
                        "value": r["value"],
                        "message": r["message"],
                        "severity": r["severity"],
                        "team": r["team"],
                        "team_name": r["team_name"],
                        "worker": r["worker"],
                        "measures": touched,
                        "not_reportable": [m for m in touched if m in stopped],
                    }
                )
        return {
            "rows": rows,
            "not_reportable": [
                n.model_dump(mode="json") for n in context.data_quality.not_reportable
            ],
            "faults_as_at": moved.current_as_at,
            "opened": moved.opened.num_rows if moved.known else None,
            "closed": moved.closed.num_rows if moved.known else None,
            "then_as_at": moved.then_as_at,
        }

    # -- loads and uploads ---------------------------------------------------------------------

    def loads(self) -> list[dict[str, Any]]:
        from csc_scorecard.status import store_status

        with self.store() as db:
            return store_status(db, latest_loads=500)["loads"]

    def upload(self, folder: Path, progress: Upload | None = None) -> dict[str, Any]:
        """Ingest a folder of uploaded extracts as `scorecard ingest` does: every file read and
        checked before the store is touched, then loaded in one transaction (all or nothing),
        then the stored measure results brought up to date (`refresh_after_load`, the same
        function the command runs), so no page recomputes the catalogue, and the DfE rules' faults
        recorded (`record_after_load`, likewise). ``progress`` is told
        each stage as it completes."""
        from csc_scorecard.ingest.run import IngestRefused, read_sources
        from csc_scorecard.measures.results import refresh_after_load
        from csc_scorecard.quality.history import record_after_load

        step = progress.done if progress else (lambda stage, detail: None)
        la = self.la_code()
        try:
            batches = read_sources([folder], la_code=la)
            step(
                "read and checked",
                f"{len(batches)} returns, {sum(b.row_count for b in batches):,} rows, "
                f"{sum(len(b.issues) for b in batches):,} data-quality issues",
            )
            with self.writable_store() as db:
                ids = db.load(batches)
                step("stored", "loads " + ", ".join(str(i) for i in ids))
                refreshed = refresh_after_load(db, [la])
                checked = record_after_load(db.con, [la])  # the DfE rules' faults, as ingest
        except IngestRefused as refused:
            return {"refused": True, "errors": [str(e) for e in refused.errors], "loads": []}
        except StoreError as refused:  # a reload that would drop most rows: nothing written
            return {"refused": True, "errors": [str(refused)], "loads": []}
        step("results refreshed", f"{refreshed}; {checked}")
        loads = [
            {
                "load_id": load_id,
                "source_format": b.source_format,
                "rows": b.row_count,
                "issues": len(b.issues),
                "files": [Path(f).name for f in b.files],
            }
            for b, load_id in zip(batches, ids, strict=True)
        ]
        if self.config.background:
            self.warm()
        return {
            "refused": False,
            "errors": [],
            "loads": loads,
            "results": refreshed,
            "faults": checked,
        }

    def start_upload(self, job: Upload, folder: Path, finish: Callable[[Upload], None]) -> None:
        """Run an upload on its own thread (in the request when not in the background):
        ``finish(job)`` when done (audit), the folder removed after."""

        def run() -> None:
            try:
                job.outcome = self.upload(folder, job)
            except Exception as error:  # noqa: BLE001 - shown on the progress page, not raised
                job.outcome = {
                    "refused": True,
                    "errors": [f"the load failed: {type(error).__name__}"],
                    "loads": [],
                }
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            finish(job)

        with self._lock:
            self._uploads[job.id] = job
            for old in [k for k, j in self._uploads.items() if j.outcome and j.age() > 3600]:
                del self._uploads[old]
        if self.config.background:
            threading.Thread(target=run, name=f"upload-{job.id[:6]}", daemon=True).start()
        else:
            run()

    def upload_job(self, job_id: str) -> Upload:
        with self._lock:
            found = self._uploads.get(job_id)
        if found is None:
            raise LookupError(
                "There is no upload with that id (finished uploads are kept an hour)."
            )
        return found

    # -- reports -------------------------------------------------------------------------------

    def _report_dir(self, quarter: Quarter) -> Path:
        return self.cache_dir / "reports" / str(quarter)

    def build_report(self, quarter: Quarter, fmt: str, publication: bool) -> None:
        """Queue a report build (the analysts' current commentary, the cached measure run)."""
        from csc_scorecard.report import SUFFIXES, render

        def build() -> Path:
            context = self.report_context(quarter, publication)
            folder = self._report_dir(quarter)
            folder.mkdir(parents=True, exist_ok=True)
            stem = f"{self.la_code()}_{quarter}_performance_report" + (
                "_publication" if publication else ""
            )
            return render(context, fmt, folder / f"{stem}.{SUFFIXES[fmt]}")

        key = ("report", str(quarter), fmt, publication)
        with self._lock:
            job = self._pending.get(key)
            if job is not None and not job.done():
                return
            if self.config.background:
                self._pending[key] = self._pool.submit(build)
                return
        build()

    def reports(self, quarter: Quarter, *, internal: bool) -> dict[str, Any]:
        folder = self._report_dir(quarter)
        files = sorted(folder.glob("*")) if folder.exists() else []
        with self._lock:
            building = [
                {"format": k[2], "variant": "publication" if k[3] else "internal"}
                for k, job in self._pending.items()
                if k[0] == "report" and k[1] == str(quarter) and not job.done()
            ]
            failed = [
                f"{k[2]} ({'publication' if k[3] else 'internal'}): {job.exception()}"
                for k, job in self._pending.items()
                if k[0] == "report" and k[1] == str(quarter) and job.done() and job.exception()
            ]
        return {
            "period": str(quarter),
            "label": quarter.label,
            "files": [
                {"name": f.name, "size": f.stat().st_size, "publication": "_publication" in f.name}
                for f in files
                if f.is_file() and (internal or "_publication" in f.name)
            ],
            "building": building,
            "failed": failed,
        }

    def report_file(self, quarter: Quarter, name: str) -> Path | None:
        folder = self._report_dir(quarter)
        if not folder.exists():
            return None
        return next((f for f in folder.iterdir() if f.is_file() and f.name == name), None)


def _measures_by_field() -> dict[str, list[str]]:
    """{table.column: the counted measures that read it} (the catalogue's `fields`)."""
    out: dict[str, list[str]] = {}
    for m in catalogue().values():
        if not m.manual:
            for f in m.fields:
                out.setdefault(f, []).append(m.id)
    return out


def _counted_tables() -> list[str]:
    """Authority tables the catalogue counts from that have an activity date."""
    names = {f.partition(".")[0] for m in catalogue().values() for f in m.fields}
    return sorted(n for n in names if table_spec(n).la_scoped and activity_date(n))


def iso(d: date | None) -> str:
    return d.isoformat() if d else ""
