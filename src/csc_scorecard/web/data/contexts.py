"""The quarters the store covers, and the measure run and report context for each.

Pages never recompute the catalogue: the measure run and the report context for a quarter are
built once per state of the store's load history and kept in memory, and the contexts on disk
beside the state file, so a restart does not rebuild them. Contexts are built on the build
thread; a page for a quarter still being built says so and polls (htmx).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.measures.data_dates import cut_short, data_dates
from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.model.periods import Quarter, quarters_between
from csc_scorecard.report.commentary import Commentary
from csc_scorecard.report.model import ReportContext
from csc_scorecard.web.data.reader import (
    BadRequest,
    NoAuthority,
    Preparing,
    Reader,
    StoreBusy,
    StoreUnusable,
)
from csc_scorecard.web.quoting import quoted


class Contexts(Reader):
    """Quarters, measure runs, report contexts and the framework the pages rate against."""

    # -- quarters -----------------------------------------------------------------------------

    def quarters(self) -> list[Quarter]:
        """Quarters the store's case data covers, oldest first: from the annual case returns'
        start to the last quarter the data reach the end of (`measures.data_dates.data_dates`:
        the latest activity date, to the day the loads' data end, an in-year return's
        extraction), or that the extraction cuts short (offered, its figures counted to that
        day: `cut_short`). A quarter wholly after the data's end is not offered."""
        return self.cached("quarters", (), self._quarters)

    def _quarters(self) -> list[Quarter]:
        with self.store() as db:
            span = data_dates(db, self.la_code())
        if span is None:
            return []
        first, last = span[0], min(span[1], date.today())
        end = Quarter.containing(last)
        if end.end > last and self.cut_short(end) is None:  # the data stop before its end
            end = end.previous()
        return quarters_between(Quarter.containing(first), end)

    def cut_short(self, quarter: Quarter) -> date | None:
        """The day the loaded data end inside the quarter (its extraction), else None."""
        la = self.la_code()

        def coverage() -> tuple[date, date] | None:
            with self.store() as db:
                return db.coverage(la)

        return cut_short(quarter, self.cached("coverage", (), coverage))

    def quarter(self, text: str | None) -> Quarter:
        """The requested quarter (must be in the store), or the latest; BadRequest if `text` is
        not a quarter like 2022-Q1, LookupError if the store does not cover it."""
        known = self.quarters()
        if not known:
            raise LookupError("the store holds no case data yet")
        if not text:
            return known[-1]
        try:
            q = Quarter.parse(text)
        except ValueError as error:  # malformed: a 400 naming the field and its form
            raise BadRequest(str(error).replace(repr(text), quoted(text))) from None
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
        key = self._context_key(quarter, publication)

        def make() -> ReportContext:
            found = self._from_disk(key)
            if found is None:
                found = self._job(
                    key,
                    lambda: self._build_context(key, quarter, publication),
                    f"the figures for {quarter.label}",
                )
            return found

        return self._kept(key, make)

    def context_now(self, quarter: Quarter, publication: bool) -> ReportContext:
        """The context, built here if it is not ready (for work already on the build thread)."""
        key = self._context_key(quarter, publication)
        return self._kept(
            key, lambda: self._from_disk(key) or self._build_context(key, quarter, publication)
        )

    def _context_key(self, quarter: Quarter, publication: bool) -> tuple:
        return ("context", self.fingerprint(), str(quarter), publication, self._framework_key())

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

    # -- contexts kept on disk ----------------------------------------------------------------

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

    # -- commentary, the framework, warming ---------------------------------------------------

    def commentary(self) -> dict[tuple[str, str], Commentary]:
        """The analysts' current commentary in the report's form (measure id, quarter)."""
        return {
            (c.measure, c.period): Commentary(c.measure, c.period, c.text, c.author, c.id)
            for c in self.state.current_commentary(self.la_code())
        }

    def framework(self, authority: str):
        """The performance framework pages rate against (the catalogue's when none is given)."""
        from csc_scorecard.rating import load_framework
        from csc_scorecard.report.framework_rating import catalogue_framework

        return self.cached(
            "framework",
            (self._framework_key(),),
            lambda: (
                load_framework(self.config.framework)
                if self.config.framework
                else catalogue_framework(catalogue().values(), authority)
            ),
        )

    def warm(self) -> None:
        """Start building the latest quarter's contexts (called when the server starts)."""
        try:
            latest = self.quarter(None)
        except (LookupError, NoAuthority, StoreBusy, StoreUnusable):
            return
        for publication in (False, True):
            try:
                self.context(latest, publication)
            except Preparing:
                pass
