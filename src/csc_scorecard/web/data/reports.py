"""Report files built from the dashboard: queued on the build thread (the analysts' current
commentary, the kept measure run), listed with those building and failed, and served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from csc_scorecard.model.periods import Quarter
from csc_scorecard.web.data.contexts import Contexts


class Reports(Contexts):
    """The quarter's report files, kept beside the state file."""

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
