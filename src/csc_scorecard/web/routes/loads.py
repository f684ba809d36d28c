"""Loads: the store's load history, and extracts uploaded through the dashboard, loaded on
their own thread while the page shows each stage (htmx polls); uploads audited."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from csc_scorecard.web.app import BadRequest, Refused, Web, address
from csc_scorecard.web.data import Upload
from csc_scorecard.web.routes.common import Analyst, web_of
from csc_scorecard.web.state import Session

router = APIRouter()


@router.get("/loads")
def loads(request: Request, session: Analyst) -> Response:
    web = web_of(request)
    return web.page(request, "loads.html", {"loads": web.data.loads()}, session)


@router.post("/loads")
async def upload(request: Request, session: Analyst) -> Response:
    """Save the files, then load them on their own thread: the answer is the progress
    (received, read and checked, stored, results refreshed), which htmx polls; with the
    build in the request (tests) the load has finished by the time it answers."""
    web = web_of(request)
    form = await request.form()
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not files:
        raise BadRequest("Choose at least one extract file to upload.")
    folder, names = _saved(files)
    job = Upload(user=session.user.name, files=names)
    job.done("received", f"{len(names)} files")
    finish = _audited(web, address(request))
    await run_in_threadpool(web.data.start_upload, job, folder, finish)
    return _upload_page(request, session, job)


def _saved(files: list[UploadFile]) -> tuple[Path, list[str]]:
    """The uploaded files saved under safe names in a new folder (removed if one fails)."""
    folder = Path(tempfile.mkdtemp(prefix="scorecard-upload-"))
    try:
        names = []
        for f in files:
            name = _safe_filename(f.filename or "")
            names.append(name)
            with (folder / name).open("wb") as out:
                shutil.copyfileobj(f.file, out)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder, names


def _audited(web: Web, where: str | None) -> Callable[[Upload], None]:
    """What to do when an upload finishes: its outcome in the audit log."""

    def finish(done: Upload) -> None:
        outcome = done.outcome or {}
        if outcome.get("refused"):
            detail = "; ".join(outcome["errors"])[:2000]
            web.state.audit(done.user, "upload_refused", "; ".join(done.files), 0, detail, where)
        else:
            rows = sum(b["rows"] for b in outcome["loads"])
            ids = ", ".join(str(b["load_id"]) for b in outcome["loads"])
            web.state.audit(done.user, "upload", "; ".join(done.files), rows, f"loads {ids}", where)

    return finish


@router.get("/loads/progress/{job_id}")
def upload_progress(request: Request, job_id: str, session: Analyst) -> Response:
    job = web_of(request).data.upload_job(job_id)
    if job.user != session.user.name and not session.user.at_least("admin"):
        raise Refused("This upload was started by another user.")
    return _upload_page(request, session, job)


def _upload_page(request: Request, session: Session, job: Upload) -> Response:
    """The upload's progress (202 while it runs), then its outcome (422 when refused)."""
    web = web_of(request)
    data: dict[str, Any] = {"upload": job.view()}
    status = 202
    if job.outcome is not None:  # (while it runs the store is being written: not read here)
        data["outcome"], data["loads"] = job.outcome, web.data.loads()
        status = 422 if job.outcome["refused"] else 200
    template = "loads.html"
    if request.headers.get("hx-request"):  # htmx swaps 2xx answers only: a refusal is shown
        template, status = "upload_result.html", 200 if status == 422 else status
    return web.page(request, template, data, session, status=status)


def _safe_filename(name: str) -> str:
    name = Path(name.replace("\\", "/")).name
    name = re.sub(r"[^A-Za-z0-9._ -]", "_", name).strip(" .") or "upload"
    return name[:150]
