"""Loads and uploads: the store's load history, and extracts uploaded through the dashboard
ingested as `scorecard ingest` does, on their own thread, each stage reported as it completes."""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csc_scorecard.store import StoreError
from csc_scorecard.web.data.contexts import Contexts
from csc_scorecard.web.data.reader import Config, NoAuthority

if TYPE_CHECKING:
    from csc_scorecard.model.batch import LoadBatch

FIRST_UPLOAD = (
    "The store holds no authority yet: upload a CIN census or workforce census first (they "
    "name their authority), or start the dashboard with --la naming it."
)
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


class Uploads(Contexts):
    """The load history, and uploads with their progress (kept an hour once finished)."""

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._uploads: dict[str, Upload] = {}

    def loads(self) -> list[dict[str, Any]]:
        from csc_scorecard.status import store_status

        with self.store() as db:
            return store_status(db, latest_loads=500)["loads"]

    def _upload_authority(self) -> str | None:
        """The authority an upload is for: the dashboard's; on a store holding none yet, None,
        so the first upload takes the authority its files name (a CIN census, a workforce
        census), as the pages telling an analyst to upload there promise. Several
        authorities and no --la: NoAuthority, as for every page."""
        try:
            return self.la_code()
        except NoAuthority:
            with self.store() as db:
                if db.authorities():
                    raise
            return None

    def upload(self, folder: Path, progress: Upload | None = None) -> dict[str, Any]:
        """Ingest a folder of uploaded extracts as `scorecard ingest` does: every file read and
        checked before the store is touched, then loaded in one transaction (all or nothing),
        then the DfE rules' faults recorded beside the stored measure results brought up to
        date (`check_and_refresh`, the function the command runs), so no page recomputes the
        catalogue. ``progress`` is told each stage as it completes."""
        from csc_scorecard.commands.ingest import check_and_refresh
        from csc_scorecard.ingest.formats.template import changes_nothing
        from csc_scorecard.ingest.run import IngestRefused, read_sources

        step = progress.done if progress else (lambda stage, detail: None)
        la = self._upload_authority()
        try:
            read = read_sources([folder], la_code=la)
            batches = [b for b in read if not changes_nothing(b)]  # an empty manual-values file
            for b in batches:  # the uploaded files' own names, not the folder they were saved in
                b.files = [_uploaded_name(f, folder) for f in b.files]
            step(
                "read and checked",
                f"{len(batches)} returns, {sum(b.row_count for b in batches):,} rows, "
                f"{sum(len(b.issues) for b in batches):,} data-quality issues",
            )
            with self.writable_store() as db:
                ids = db.load(batches)
                step("stored", "loads " + ", ".join(str(i) for i in ids))
                codes = [la] if la else sorted({b.la_code for b in batches if b.la_code})
                checked, refreshed = check_and_refresh(db, codes)
        except IngestRefused as refused:
            errors = [str(e).replace(f"{folder}{os.sep}", "") for e in refused.errors]
            if la is None and any("--la" in e for e in errors):
                errors.append(FIRST_UPLOAD)
            return {"refused": True, "errors": errors, "loads": []}
        except StoreError as refused:  # a reload that would drop most rows: nothing written
            return {"refused": True, "errors": [str(refused)], "loads": []}
        step("results refreshed", f"{refreshed}; {checked}")
        if self.config.background:
            self.warm()
        return {
            "refused": False,
            "errors": [],
            "loads": _loaded(batches, ids),
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


def _uploaded_name(file: str, folder: Path) -> str:
    """An uploaded file's name as the user gave it (`routes.loads._saved` keeps it), not the
    temporary folder's path it was read from (the loads' Files column, `scorecard status`)."""
    path = Path(file)
    for root in (folder, folder.resolve()):
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return file


def _loaded(batches: list[LoadBatch], ids: list[int]) -> list[dict[str, Any]]:
    """Each load the upload made: its id, format, rows, issues and files."""
    return [
        {
            "load_id": load_id,
            "source_format": b.source_format,
            "rows": b.row_count,
            "issues": len(b.issues),
            "files": [Path(f).name for f in b.files],
        }
        for b, load_id in zip(batches, ids, strict=True)
    ]
