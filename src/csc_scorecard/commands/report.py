"""`scorecard report`: the quarterly committee report from the store, in every requested format."""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from csc_scorecard import collector
from csc_scorecard.cli import app
from csc_scorecard.commands._options import (
    DEFAULT_STORE_PATH,
    AuthoritiesOption,
    RegionOption,
    StoreOption,
    each_authority,
    out_folder,
)
from csc_scorecard.errors import StoreError

if TYPE_CHECKING:
    from csc_scorecard.report.model import ReportContext
    from csc_scorecard.store import Store


def _date(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _quarter(text: str) -> str:
    from csc_scorecard.model.periods import Quarter

    try:
        return str(Quarter.parse(text))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


@app.command()
def report(
    period: Annotated[
        str, typer.Option(help="Quarter, e.g. 2022-Q1 (April-June 2022).", callback=_quarter)
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report files into.")],
    store: StoreOption = DEFAULT_STORE_PATH,
    la_code: AuthoritiesOption = None,
    region: RegionOption = None,
    framework: Annotated[
        Path | None,
        typer.Option(
            help="Framework YAML: targets, tolerances, comparators (default: none, all for information)."
        ),
    ] = None,
    commentary: Annotated[
        Path | None,
        typer.Option(
            help="Commentary CSV: measure,period,commentary,author (else drafts are generated)."
        ),
    ] = None,
    formats: Annotated[
        str, typer.Option(help="Comma-separated: html, pdf, docx, xlsx, json.")
    ] = "html,pdf",
    publication: Annotated[
        bool,
        typer.Option(
            "--publication",
            help="Suppress counts 1-5 as 'c' and leave out child- and worker-level detail.",
        ),
    ] = False,
    scenario: Annotated[
        str,
        typer.Option(help="Finance scenario for the forecast sections (see `scorecard forecast`)."),
    ] = "base",
    paper: Annotated[
        Path | None,
        typer.Option(
            help="The council's paper file (YAML): committee, recommendations, implications, "
            "contact officers (docs/committee-paper.md)."
        ),
    ] = None,
    narrative: Annotated[
        Path | None,
        typer.Option(
            help="This quarter's narrative (Markdown): officers' words in slots named by headings."
        ),
    ] = None,
    results: Annotated[
        Path | None,
        typer.Option(
            help="Measure results computed elsewhere (`scorecard measures --format parquet`, "
            "e.g. on a cluster), instead of computing them from the store."
        ),
    ] = None,
    allow_commentary_numbers: Annotated[
        bool,
        typer.Option(
            "--allow-commentary-numbers",
            help="With --publication: publish commentary that states numbers from 1 to 5 "
            "(checked by you; otherwise refused, naming the items).",
        ),
    ] = False,
    synthetic: Annotated[
        bool | None,
        typer.Option(
            "--synthetic/--not-synthetic",
            help="Force the SYNTHETIC DATA banner on or off (default: detected).",
        ),
    ] = None,
    as_at: Annotated[
        str | None,
        typer.Option(
            "--as-at",
            help="Build the report from what the store held at the end of this date "
            "(YYYY-MM-DD): the loads made by then and the DfE comparator years published by "
            "then, to reproduce a past report.",
            callback=_date,
        ),
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record/--no-record",
            help="Keep the figures the report publishes in the store, so that later reports "
            "say which have been revised (never with --as-at).",
        ),
    ] = True,
) -> None:
    """Build the report context for a quarter and write it as HTML, PDF and the other formats."""
    from csc_scorecard.forked import can_fork, foreign_threads
    from csc_scorecard.report import SUFFIXES, UnknownFormat, renderer
    from csc_scorecard.report.chart_style import drawing_aside

    out_folder(out)
    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    try:
        for fmt in wanted:
            if fmt not in SUFFIXES:  # a known format's renderer is imported where it writes
                renderer(fmt)
    except UnknownFormat as error:
        raise typer.BadParameter(str(error), param_hint="--formats") from None
    published: list[tuple[str, ReportContext]] = []
    with ExitStack() as drawing:
        # Collections seldom while the command runs (its imports and the context make
        # hundreds of thousands of objects that live to its end): the main process's about
        # 600 -> 35. Put back at the end, for a caller in the same process.
        drawing.enter_context(collector.seldom())
        # The charts' process is forked first, so that it starts the chart engine on the other
        # core while this one loads the rest of the report (before the store's modules, DuckDB
        # and Arrow, are loaded here). The PDF's process is forked once they are loaded and the
        # store is open (below, for each authority): it then loads WeasyPrint on the other
        # core after the chart engine has started, not beside it and this process (three
        # processes on two cores), and shares the report's modules instead of loading them
        # again. The drawer first: a process forked after it holds its pipe, so the drawer ends
        # once they have (the PDF's, sent its context or stopped, below).
        drawing.enter_context(
            drawing_aside(
                can_fork() and not foreign_threads(),
                pictures="docx" in wanted,
                pdfs="pdf" in wanted,
            )
        )
        from csc_scorecard.store import Store

        printer = None  # the PDF's process, waiting for the next authority's context
        printing = None  # the last authority's PDF, printing while this process goes on
        try:
            from csc_scorecard.model.lake import LakeError
            from csc_scorecard.rating import FrameworkError
            from csc_scorecard.report import history
            from csc_scorecard.report.commentary import CommentaryFileError
            from csc_scorecard.report.context import build_context
            from csc_scorecard.report.paper import PaperError

            # What is loaded by now (the modules: most of this process's objects) is frozen
            # for the command's run, so the collections while the reports are built and
            # written pass over it (about 0.09 s of CPU fewer) and leave its pages shared with
            # the forked processes; thawed again at the end, for a caller in the same process.
            drawing.enter_context(collector.frozen())
            with Store(store, read_only=True) as held, ExitStack() as cleanup:
                db, generated_at = held, None
                if as_at is not None:  # a copy holding only what the store held that day
                    folder = Path(cleanup.enter_context(tempfile.TemporaryDirectory()))
                    generated_at = history.end_of(date.fromisoformat(as_at))
                    db = cleanup.enter_context(
                        history.as_at_store(held, generated_at, folder / Path(store).name)
                    )
                    if not db.authorities() and held.authorities():  # not "run ingest first"
                        first = min(r.loaded_at for r in held.loads() if r.la_code)
                        raise typer.BadParameter(
                            f"--as-at {as_at}: the store held no authority's data that day "
                            f"(its first load of one was on {first:%Y-%m-%d})"
                        )
                # Several authorities: one report each, side by side in OUT (named by LA code).
                for la in each_authority(db, la_code, region):
                    started = time.perf_counter()
                    if printer is None and _prints_aside(wanted):
                        printer = _Printer.start()
                    try:
                        run = None
                        if results is not None:
                            from csc_scorecard.measures.lake import run_from_results
                            from csc_scorecard.model.periods import Quarter
                            from csc_scorecard.report.run_figures import measure_quarters

                            run = run_from_results(
                                results, la, measure_quarters(Quarter.parse(period))
                            )
                        context = build_context(
                            db,
                            la,
                            period,
                            framework=framework,
                            commentary=commentary,
                            publication=publication,
                            synthetic=synthetic,
                            scenario=scenario,
                            paper=paper,
                            narrative=narrative,
                            run=run,
                            allow_commentary_numbers=allow_commentary_numbers,
                            generated_at=generated_at,
                        )
                    except (FrameworkError, CommentaryFileError, PaperError, LakeError) as error:
                        typer.echo(f"error: {error}", err=True)
                        raise typer.Exit(code=2) from None
                    done, printing = printing, None  # the previous authority's PDF
                    _said(done)
                    sending, printer = printer, None
                    printing = _write(context, la, wanted, out, publication, started, sending)
                    published.append((la, context))
            # The store is closed: the published figures are recorded while the PDF prints,
            # and said after it.
            recorded = [
                said
                for la, context in (published if record and as_at is None else [])
                for said in _record(store, context, la, publication)
            ]
            done, printing = printing, None
            _said(done)
            for line, warning in recorded:
                typer.echo(line, err=warning)
        finally:
            if printer is not None:  # not sent a context: let its process end
                printer.stop()
            if printing is not None:  # never leave the printing process behind
                with contextlib.suppress(Exception):  # the error being raised is the one said
                    printing.result()


def _record(
    path: Path, context: ReportContext, la: str, publication: bool
) -> list[tuple[str, bool]]:
    """Keep what the report publishes (report/history.py): the lines to say, each with whether
    it is a warning. A store that cannot be written (another process has it open, a read-only
    file) is said in one line; the report stands."""
    from csc_scorecard.report import history
    from csc_scorecard.store import Store

    built = context.provenance.generated_at
    report = history.report_id(la, context.period.id, built, publication)
    try:
        with Store(path) as db:
            n = history.record(
                db,
                report,
                la,
                context.period.id,
                built,
                context.figures.values(),
                publication=publication,
            )
            kept = _keep_as_ingest_does(db, la)
    except StoreError as error:
        return [(f"warning: the published figures were not recorded: {error}", True)]
    return [*kept, (f"  recorded {n} published figures as report {report}", False)]


def _keep_as_ingest_does(db: Store, la: str) -> list[tuple[str, bool]]:
    """`scorecard ingest` keeps the DfE rules' faults and the measure results of what it loaded
    (`commands.ingest.check_and_refresh`), so that a report reads them. A store loaded another
    way (the Python API: `ingest.run.ingest`, `Store.load`), or last checked by other rules,
    keeps neither, and a report, which reads the store read-only, would run every rule and
    compute every measure again each time. So the report keeps them here, once, with its
    figures: the lines `scorecard ingest` says, each with whether it is a warning (none when
    the faults kept are current)."""
    from csc_scorecard.quality import history

    if history.as_at(db.con, la) is None:  # no 903 or CIN census return: no rule has a row
        return []
    now = history.basis(db.con, [la], multi_year=True)  # as `history.record` keeps it
    if db.snapshots_made_from(now):
        return []
    from csc_scorecard.commands.ingest import check_and_refresh

    return [
        (f"  {line}", line.startswith("warning")) for line in reversed(check_and_refresh(db, [la]))
    ]


def _prints_aside(wanted: list[str]) -> bool:
    """Whether the PDF is printed in a process of its own (with other formats, where this
    process may fork)."""
    from csc_scorecard.forked import can_fork

    return "pdf" in wanted and len(wanted) > 1 and can_fork()


class _Printer:
    """The PDF's process, forked before the report context is built: it loads WeasyPrint (and
    Pango) while the context is built here, then prints the context it is sent. WeasyPrint's
    loading (about 0.4 s of CPU) is then off the way from the context to the printed PDF."""

    def __init__(self, printing: Any, sending: Any) -> None:
        self.printing, self._sending = printing, sending

    @classmethod
    def start(cls) -> _Printer:
        from multiprocessing import Pipe

        from csc_scorecard.forked import Forked

        receiving, sending = Pipe(duplex=False)
        printing = Forked("the pdf report", _print_when_sent, receiving, sending)
        receiving.close()
        return cls(printing, sending)

    def send(self, context: ReportContext, path: Path) -> Any:
        """Print ``context`` to ``path``; the `Forked` whose ``result()`` is the PDF's line."""
        try:
            self._sending.send((context, path))
        except OSError:  # the process ended early: result() says why
            pass
        finally:
            self._sending.close()
        return self.printing

    def stop(self) -> None:
        """No report to print after all: let the process end (its loading is wasted)."""
        self._sending.close()
        with contextlib.suppress(Exception):  # the report's own error is the one said
            self.printing.result()


def _print_when_sent(receiving: Any, sending: Any) -> str | None:
    """In the PDF's process: load the printer, wait for the context, print it. The child's
    copy of the sending end is closed first: otherwise, when the parent stops without sending
    (the context refused), `recv` would never see the end of the pipe and both would wait."""
    sending.close()
    # The context sent and the printed body live to this process's end: never collected (the
    # collection after the body walked its ~500,000 objects, 0.15-0.2 CPU s).
    collector.off()
    _load_weasyprint()  # now, while the context is built
    from csc_scorecard.report import html, pdf

    pdf.print_stylesheet()
    html.compile_templates()
    try:
        job = receiving.recv()
    except EOFError:  # stopped: no report to print
        return None
    finally:
        receiving.close()
    context, path = job
    return _render(context, "pdf", path)


def _load_weasyprint() -> None:
    """Import WeasyPrint, its native libraries found without a compiler's help where the
    linker's cache has them (`_found_by_ldconfig`); the usual way if it cannot load so."""
    try:
        with _found_by_ldconfig():
            import weasyprint
    except OSError:  # a library only gcc or ld would find
        import weasyprint  # noqa: F401


@contextlib.contextmanager
def _found_by_ldconfig() -> Iterator[None]:
    """`ctypes.util.find_library` answers None at once for a name the linker's cache
    (`ldconfig -p`, read once) does not hold, and as usual for one it holds. WeasyPrint asks
    for each library (GObject, Pango, HarfBuzz, fontconfig) under every platform's names, and
    on Linux each name not found costs find_library an ldconfig, a gcc link and an ld run:
    about 45 processes, 0.2 s of CPU and half a second in the PDF process's start. The names
    it then loads are the ones it tries next (the sonames, opened directly)."""
    import ctypes.util
    import re
    import subprocess

    try:
        listing = subprocess.run(
            ["/sbin/ldconfig", "-p"],
            capture_output=True,
            env={"LC_ALL": "C", "LANG": "C"},
            check=False,
        ).stdout
    except OSError:  # no ldconfig: find_library as it is
        yield
        return
    usual = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        if not re.search(rb"\s(lib%s\.[^\s]+)\s" % re.escape(name.encode()), listing):
            return None
        return usual(name)

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = usual


def _write(
    context,
    la: str,
    wanted: list[str],
    out: Path,
    publication: bool,
    started: float,
    printer: _Printer | None = None,
) -> Any:
    """Every requested format of one authority's report into OUT; the PDF's process, still
    printing (`Forked`, or None), for `_said` once the caller has done what it can meanwhile.

    The PDF takes longer than every other format together, so with other formats it is printed
    in a forked process (sharing the context built here, not copying it; or, given ``printer``,
    one forked before the context was built and sent it) while they are written in this one:
    the same files, on the machine's other core."""
    from csc_scorecard.forked import Forked
    from csc_scorecard.report import SUFFIXES

    typer.echo(
        f"Report context for {context.authority.name} ({la}), {context.period.label}: {time.perf_counter() - started:.1f}s"
    )
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{la}_{context.period.id}_performance_report" + ("_publication" if publication else "")
    aside = "pdf" if "pdf" in wanted and len(wanted) > 1 else None
    printing = None
    if aside and printer is not None:
        printing = printer.send(context, out / f"{stem}.{aside}")
    elif aside:
        printing = Forked(f"the {aside} report", _render, context, aside, out / f"{stem}.{aside}")
    try:
        for fmt in wanted:
            if fmt != aside:
                typer.echo(_render(context, fmt, out / f"{stem}.{SUFFIXES[fmt]}"))
    except BaseException:
        if printing is not None:  # never leave the printing process behind
            with contextlib.suppress(Exception):  # the error being raised is the one said
                printing.result()
        raise
    return printing


def _said(printing: Any) -> None:
    """Wait for the PDF's process (`_write`) and say what it wrote; its failure raised as the
    one line `ForkedError`."""
    if printing is not None:
        typer.echo(printing.result())


def _render(context, fmt: str, path: Path) -> str:
    """Write one format; the line that says so."""
    from csc_scorecard.report import render

    began = time.perf_counter()
    path = render(context, fmt, path)
    return f"  {fmt:<5} {path} ({path.stat().st_size / 1024:,.0f} KB, {time.perf_counter() - began:.1f}s)"
