"""The demo's `scorecard ingest`, step by step: where its CPU and wall seconds go.

    .venv/bin/python benchmarks/ingest.py [--extracts DIR] [--runs 2] [--workers N] [--timeline]

The extracts are the demo's (`scorecard demo`: 903 CSV, CIN census XML, Annex A, CSWW and the
templates of the synthetic authority 371, size 1, `scorecard synth`'s default seed 2022, April
2016 to 30 June 2022): those in `--extracts` (the folder `scorecard demo --out` writes as
`extracts`), or written afresh by `scorecard synth` into a temporary folder. Each run copies a store holding
only the reference data (`scorecard reference`) and runs the `ingest` command in this process,
exactly as the demo does (read every file, load, keep the DfE rules' faults, compute and store
every measure). Each step is timed around the function that does it, in CPU seconds (this
process, every thread, and the worker processes that read the files: `ingest/parallel.py`) and
wall seconds, with the load average, because CPU seconds are far less sensitive to other work
on a shared machine. The readers of each format run in the workers, so their own lines appear
only with `--workers 1` (everything read in this process, as before the workers). The store
loads each file while the workers read the ones after it, so reading and loading are one step
(the load's own line is its wall time from the first file read to the last file loaded). The
DfE rules run on a thread of their own beside the measure refresh, so their two lines overlap
and each one's CPU is the whole process's while it ran. No profiler: cProfile's cost per Python call
inflates callback-heavy code (the XML readers) several times over and misleads.

`--timeline` prints, for the last run, when each file was read (in which worker process, with
that process's CPU seconds), each batch loaded, the load's commit, and the rules and the refresh
started and ended, in seconds from the start of the ingest: where the cores were idle, and what
waited for what.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import io
import os
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

# (module, function or Class.method, label, what to name a call by): the timeline's events; a
# worker's read is recorded in the worker (the file is appended to by every process)
EVENTS = [
    ("csc_scorecard.ingest.parallel", "_work", "read", lambda a: f"{a[0]} {_files(a[1])}"),
    (
        "csc_scorecard.ingest.parallel",
        "_read_here",
        "read",
        lambda a: f"{a[0].name} {_files(a[1])}",
    ),
    ("csc_scorecard.store.opening", "Opened.__init__", "open the store", lambda a: ""),
    ("csc_scorecard.store.loading", "Loading._load_one", "load", lambda a: a[1].source_format),
    ("csc_scorecard.store.loading", "Loading._commit_logged", "commit (to the log)", lambda a: ""),
    ("csc_scorecard.commands.ingest", "record_after_load", "DfE rules", lambda a: ""),
    ("csc_scorecard.commands.ingest", "refresh_after_load", "measure refresh", lambda a: ""),
]

# (module, function or Class.method, label): the steps of an ingest, outermost first.
STEPS = [
    ("csc_scorecard.commands.ingest", "_load", "read every file and load it"),
    ("csc_scorecard.ingest.formats.cin_census", "CinCensusAdapter.read", "  CIN census XML"),
    ("csc_scorecard.ingest.formats.template", "TemplateAdapter.read", "  templates"),
    ("csc_scorecard.ingest.formats.annex_a", "AnnexAAdapter.read", "  Annex A workbook"),
    ("csc_scorecard.ingest.formats.ssda903_csv", "Ssda903CsvAdapter.read", "  903 CSV"),
    ("csc_scorecard.ingest.formats.csww", "CswwAdapter.read", "  CSWW XML"),
    ("csc_scorecard.ingest.workbook", "cell_problems", "  workbook error/formula scan"),
    ("csc_scorecard.store", "Store.load", "  load into the store (as files are read)"),
    ("csc_scorecard.commands.ingest", "check_and_refresh", "DfE rules beside the measure refresh"),
    ("csc_scorecard.commands.ingest", "record_after_load", "  keep the DfE rules' faults (thread)"),
    ("csc_scorecard.commands.ingest", "refresh_after_load", "  compute and store every measure"),
    ("csc_scorecard.quality.runner", "run_rules", "DfE rules run (every call)"),
]


def cpu_seconds() -> float:
    """CPU seconds of this process and of its ended child processes (the readers' workers)."""
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


def instrument(spent: dict) -> None:
    """Wrap each step's function so that it adds its CPU and wall seconds to `spent`."""
    from csc_scorecard.cli import register_all

    register_all()  # every command's module and what it imports, as the demo has them
    for module, name, label in STEPS:
        owner = importlib.import_module(module)
        attr = name
        if "." in name:
            cls, attr = name.split(".")
            owner = getattr(owner, cls, None)
        if owner is None or not hasattr(owner, attr):
            continue
        real = getattr(owner, attr)

        @functools.wraps(real)
        def timed(*args, _real=real, _label=label, **kwargs):
            cpu, wall = cpu_seconds(), time.perf_counter()
            try:
                return _real(*args, **kwargs)
            finally:
                got = spent[_label]
                got[0] += cpu_seconds() - cpu
                got[1] += time.perf_counter() - wall
                got[2] += 1

        setattr(owner, attr, timed)
    # run_rules is imported by name where it is called
    runner = importlib.import_module("csc_scorecard.quality.runner")
    for module in ("csc_scorecard.measures.availability", "csc_scorecard.quality.history"):
        importlib.import_module(module).run_rules = runner.run_rules


def _files(files: list[Path]) -> str:
    return files[0].name if len(files) == 1 else f"{files[0].parent.name}/ ({len(files)} files)"


def record_timeline(log: Path) -> None:
    """Wrap each of EVENTS' functions so that every call appends (process, start, end, CPU
    seconds of its process, label) to `log`; start and end are epoch seconds."""
    for module, name, label, named in EVENTS:
        owner = importlib.import_module(module)
        attr = name
        if "." in name:
            cls, attr = name.split(".")
            owner = getattr(owner, cls)
        real = getattr(owner, attr)

        @functools.wraps(real)
        def timed(*args, _real=real, _label=label, _named=named, **kwargs):
            start, cpu = time.time(), time.process_time()
            try:
                return _real(*args, **kwargs)
            finally:
                line = (
                    f"{os.getpid()}\t{start}\t{time.time()}\t{time.process_time() - cpu:.3f}\t"
                    f"{_label} {_named(args)}".rstrip()
                )
                with open(log, "a") as out:
                    out.write(line + "\n")

        setattr(owner, attr, timed)  # forked workers inherit it (parallel._work is looked up)


def print_timeline(log: Path, started: float) -> None:
    """The recorded events in start order, each process named by the order it first appears."""
    events = [line.split("\t") for line in log.read_text().splitlines()]
    names: dict[str, str] = {str(os.getpid()): "main"}
    for pid, *_ in sorted(events, key=lambda e: float(e[1])):
        names.setdefault(pid, f"worker {len(names)}")
    print("  timeline (s from the ingest's start; CPU s of the process in each step):")
    for pid, start, end, cpu, label in sorted(events, key=lambda e: float(e[1])):
        print(
            f"    {float(start) - started:6.2f} {float(end) - started:6.2f}  {names[pid]:9s}"
            f" {float(cpu):5.2f} cpu  {label}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--extracts", type=Path, help="the demo's extracts folder")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument(
        "--workers", type=int, help="worker processes reading the files (default: as ingest does)"
    )
    parser.add_argument("--timeline", action="store_true", help="print the last run's timeline")
    args = parser.parse_args()
    if args.workers is not None:
        os.environ["SCORECARD_READ_WORKERS"] = str(args.workers)
    from csc_scorecard.commands.demo import DEMO_EXTRACTS, DEMO_LA

    spent: dict = defaultdict(lambda: [0.0, 0.0, 0])
    instrument(spent)
    log = Path(tempfile.mkdtemp()) / "timeline.tsv"
    if args.timeline:
        record_timeline(log)
    from csc_scorecard.commands.ingest import ingest
    from csc_scorecard.commands.reference import reference
    from csc_scorecard.commands.synth import synth

    with tempfile.TemporaryDirectory() as tmp:
        extracts = args.extracts
        quiet = contextlib.redirect_stdout(io.StringIO())
        if extracts is None:
            extracts = Path(tmp) / "extracts"
            with quiet:
                synth(out=extracts, size=1.0)
        base = Path(tmp) / "reference.duckdb"
        with contextlib.redirect_stdout(io.StringIO()):
            reference(store=base, from_dir=None)
        print(f"extracts {extracts}; {os.cpu_count()} cores")
        for run in range(1, args.runs + 1):
            store = Path(tmp) / f"run{run}.duckdb"
            shutil.copy(base, store)
            spent.clear()
            log.unlink(missing_ok=True)
            started = time.time()
            load = os.getloadavg()[0]
            cpu, wall = cpu_seconds(), time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                ingest(
                    paths=[extracts / name for name in DEMO_EXTRACTS],
                    store=store,
                    la_code=DEMO_LA,
                    year=None,
                    replace=False,
                    from_db=None,
                    schema="ssd_development",
                )
            cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
            print(
                f"run {run}: ingest {cpu:.1f} s CPU, {wall:.1f} s wall "
                f"(load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end)"
            )
            for _module, _name, label in STEPS:
                if label in spent:
                    c, w, n = spent[label]
                    print(f"  {label:36s} {c:6.2f} s CPU {w:7.2f} s wall  ({n} calls)")
        if args.timeline and log.exists():
            print_timeline(log, started)


if __name__ == "__main__":
    main()
