"""The quarterly report for the default synthetic authority: seconds to measure, build the
context and render each format.

    .venv/bin/python benchmarks/report.py [--size 1] [--period 2022-Q1] [--formats html,pdf,json,docx,xlsx]
        [--store STORE]   # report from a copy of STORE (e.g. the demo's) instead of a new one
        [--paper]         # the demo's committee paper (58 pages), as `scorecard demo` prints it
        [--timeline]      # with --store: `scorecard report` as a timeline of its processes

Steps run in fresh processes (`_measure.step`); the report step times its own phases. The PDF
is timed beside its baseline in the same process: WeasyPrint printing the HTML report as it is
(inline SVG charts, the screen layout), which is how `report/pdf.py` made the PDF before issue
14, and beside the PDF's own HTML printed in one process (`to_pdf` prints the body and the
appendices in two, `report/pdf_parallel.py`); each PDF figure gives wall and CPU seconds (the
second process's included, and that process's alone: the appendices, the critical path) and
the load average when it started, because this machine is
shared. The context is also built beside the way its charts' specs were made
before issue 14 (`context_beside_before`), with CPU seconds and load average. The public
reference data (populations, comparators) is loaded from ../shared/data/public when present,
as `make demo` does. Formats whose renderer is not installed are skipped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from _measure import row, step
from foundation import generate_and_write, ingest_all  # noqa: F401 (run in child processes)

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = Path(os.environ.get("SCORECARD_PUBLIC_DATA", ROOT.parent / "shared" / "data" / "public"))
FRAMEWORK = ROOT / "examples" / "doncaster-2022" / "framework.yaml"


def load_reference(store: str) -> str:
    from csc_scorecard.reference.load import reference_batches
    from csc_scorecard.store import Store

    if not PUBLIC.is_dir():
        return f"skipped: {PUBLIC} not present"
    batches, _ = reference_batches(PUBLIC)
    with Store(store) as db:
        db.load(batches)
    return f"{len(batches)} reference loads"


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and of its children waited for: the PDF's
    second process is one."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def pdf_beside_baseline(context: object, repeats: int = 2) -> dict[str, float]:
    """Seconds for `report.pdf.to_pdf` (two processes: body and appendices side by side), for
    the same HTML printed in one process, and for the baseline (WeasyPrint on the HTML report
    as it is), alternating so all see the same load; the best of ``repeats`` of each. CPU
    includes the second process's, which is also given alone."""
    import time

    from weasyprint import HTML

    from csc_scorecard.report.html import to_html
    from csc_scorecard.report.pdf import pdf_html, print_in_one, to_pdf

    def baseline(ctx: object) -> bytes:
        return HTML(string=to_html(ctx)).write_pdf()

    def one_process(ctx: object) -> bytes:
        return print_in_one(pdf_html(ctx))

    makers = (
        ("pdf (two processes)", to_pdf),
        ("pdf, one process", one_process),
        ("pdf baseline (HTML printed as is)", baseline),
    )

    def child_seconds() -> float:
        times = os.times()
        return times.children_user + times.children_system

    best: dict[str, tuple[float, float, float, float]] = {}
    for _ in range(repeats):
        for name, make in makers:
            load = os.getloadavg()[0]
            wall, cpu, child = time.perf_counter(), cpu_seconds(), child_seconds()
            make(context)
            figures = (
                time.perf_counter() - wall,
                cpu_seconds() - cpu,
                load,
                child_seconds() - child,
            )
            best[name] = min(best.get(name, figures), figures)
    return {
        f"{name} [cpu {cpu:.2f} s{f' (appendices {child:.2f})' if child else ''},"
        f" load {load:.1f}]": wall
        for name, (wall, cpu, load, child) in best.items()
    }


def context_beside_before(db: object, period: str, run: object, repeats: int = 2) -> dict:
    """CPU and wall seconds of building the context (the given measure run, so no measure is
    computed) with the charts' specs made as before issue 14 (``config(chart).to_dict()``:
    Altair copying the chart for each configure call and validating the spec against the
    Vega-Lite schema) and as now (``chart_style.spec``), alternating so both see the same
    load; the best of ``repeats`` of each, with the load average when it started."""
    import time

    from csc_scorecard.report import chart_style
    from csc_scorecard.report.context import build_context

    now = chart_style.spec

    def before(chart: object) -> dict:
        return chart_style.config(chart).to_dict()

    best: dict[str, tuple[float, float, float]] = {}
    try:
        for _ in range(repeats):
            for name, spec in (("context, charts as before", before), ("context, now", now)):
                chart_style.spec = spec
                load = os.getloadavg()[0]
                wall, cpu = time.perf_counter(), time.process_time()
                build_context(db, "371", period, framework=FRAMEWORK, run=run)
                figures = (time.perf_counter() - wall, time.process_time() - cpu, load)
                best[name] = min(best.get(name, figures), figures)
    finally:
        chart_style.spec = now
    return {
        f"{name} [cpu {cpu:.2f} s, load {load:.1f}]": wall
        for name, (wall, cpu, load) in best.items()
    }


def report(store: str, period: str, formats: str, out: str, paper: bool = False) -> dict:
    import time

    timings: dict[str, float] = {}
    started = time.perf_counter()
    from csc_scorecard.model.periods import Quarter
    from csc_scorecard.report import UnknownFormat, render, renderer
    from csc_scorecard.report.context import build_context, measure
    from csc_scorecard.store import Store

    timings["imports"] = time.perf_counter() - started
    with Store(store, read_only=True) as db:
        began = time.perf_counter()
        run = measure(db, "371", Quarter.parse(period))
        timings["measure run (8 quarters + comparisons)"] = time.perf_counter() - began
        began = time.perf_counter()
        # --paper: the demo's committee paper (its paper file and narrative), as `scorecard demo`
        # prints it
        extra = {"paper": FRAMEWORK.parent / "paper.yaml"} if paper else {}
        if paper:
            extra["narrative"] = FRAMEWORK.parent / "narrative.md"
        context = build_context(db, "371", period, framework=FRAMEWORK, run=run, **extra)
        timings["context (figures, rating, narrative, charts)"] = time.perf_counter() - began
        if not paper:
            timings.update(context_beside_before(db, period, run))
    sizes = {}
    for fmt in formats.split(","):
        try:
            renderer(fmt)
        except UnknownFormat:
            continue
        began, cpu = time.perf_counter(), cpu_seconds()
        path = render(context, fmt, Path(out) / f"report.{fmt}")
        label = f"render {fmt} [cpu {cpu_seconds() - cpu:.2f} s, load {os.getloadavg()[0]:.1f}]"
        timings[label] = time.perf_counter() - began
        sizes[fmt] = path.stat().st_size
    if "pdf" in sizes:
        timings.update(pdf_beside_baseline(context))
    charts = len(context.trends) + sum(
        len(sub.charts) for s in context.sections for sub in (s, *s.subsections)
    )
    return {
        "timings": timings,
        "sizes": sizes,
        "paragraphs": len(context.paragraphs()),
        "figures": len(context.figures),
        "charts": charts,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=float, default=1.0)
    parser.add_argument("--period", default="2022-Q1")
    parser.add_argument("--formats", default="html,pdf,json,docx,xlsx")
    parser.add_argument(
        "--paper",
        action="store_true",
        help="The demo's committee paper (paper file and narrative), not timing the context's"
        " charts as before",
    )
    parser.add_argument(
        "--store",
        type=Path,
        help="Report from a copy of this store (e.g. the demo's) instead of generating one",
    )
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="With --store: `scorecard report` of the demo paper in FORMATS from a copy of the"
        " store, as a timeline of its steps on each process (benchmarks/report_timeline.py)",
    )
    args = parser.parse_args()
    if args.timeline:
        from report_timeline import timeline

        if not args.store:
            parser.error("--timeline needs --store")
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copyfile(args.store, f"{tmp}/store.duckdb")
            print(f"scorecard report from a copy of {args.store} (load {os.getloadavg()[0]:.1f})")
            print(timeline(f"{tmp}/store.duckdb", f"{tmp}/out", args.formats, ROOT))
        return
    print(f"{'step':<58} {'wall':>10} {'peak':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        extracts, store, out = f"{tmp}/extracts", f"{tmp}/store.duckdb", f"{tmp}/out"
        Path(out).mkdir()
        if args.store:
            shutil.copyfile(args.store, store)
            print(f"report from a copy of {args.store}")
        else:
            print(
                row(
                    f"generate + write all formats, size {args.size:g}",
                    step("foundation:generate_and_write", size=args.size, out=extracts),
                )
            )
            print(
                row(
                    f"ingest every file, size {args.size:g}",
                    step("foundation:ingest_all", folder=extracts, store=store),
                )
            )
            print(row("load public reference data", step("report:load_reference", store=store)))
        figures = step(
            "report:report",
            store=store,
            period=args.period,
            formats=args.formats,
            out=out,
            paper=args.paper,
        )
        result = figures["result"]
        print(
            row(
                f"report {args.period}, all phases",
                {
                    **figures,
                    "result": (
                        f"{result['paragraphs']} paragraphs, {result['figures']} figures, {result['charts']} charts"
                    ),
                },
            )
        )
        for phase, seconds in result["timings"].items():
            size = next(
                (s for f, s in result["sizes"].items() if phase.startswith(f"render {f} ")), None
            )
            note = f"{size / 1024:,.0f} KB" if size else ""
            print(f"  {phase:<56} {seconds:>8.2f} s  {note}")


if __name__ == "__main__":
    main()
