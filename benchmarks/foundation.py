"""Generate and ingest the synthetic authority: default size over six years, and five times it.

    .venv/bin/python benchmarks/foundation.py [--sizes 1,5]

Prints seconds and peak memory per step (each step in its own process). The generate step
simulates once, then writes every format twice, in one process and in two (`scorecard synth`'s
way: forked, in groups balanced by cost), and prints the CPU seconds (`time.process_time`) of
the simulation and of each writer, the wall time of each way of writing, and the load average
(on a busy machine wall time says little; CPU time less so).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _measure import write_then_ingest


def generate_and_write(size: float, out: str) -> str:
    import os
    import shutil
    import time

    from csc_scorecard.synth.authority import SynthConfig, generate
    from csc_scorecard.synth.writers import name, write_all, writers

    cpu = time.process_time()
    authority = generate(SynthConfig(size=size))
    simulated = time.process_time() - cpu
    each = []
    for module in writers():  # one at a time, for each writer's CPU
        cpu = time.process_time()
        module.write(authority, Path(out) / "one_by_one")
        each.append(f"{name(module)} {time.process_time() - cpu:.1f}")
    shutil.rmtree(Path(out) / "one_by_one")
    walls = []
    for processes in (1, 2):
        began = time.perf_counter()
        files = write_all(authority, Path(out), processes=processes)
        walls.append(f"{processes} process(es) {time.perf_counter() - began:.1f} s")
        if processes == 1:
            shutil.rmtree(out)
    rows = sum(t.num_rows for t in authority.tables.values())
    return (
        f"{rows:,} canonical rows, {len(files)} files; CPU s: simulation {simulated:.1f}, "
        f"{', '.join(each)}; writing wall: {', '.join(walls)}; "
        f"load {os.getloadavg()[0]:.1f}"
    )


def ingest_all(folder: str, store: str) -> str:
    from csc_scorecard.ingest.run import ingest
    from csc_scorecard.store import Store

    with Store(store) as db:
        result = ingest(db, [Path(folder)], la_code="371")
        rows = sum(b.row_count for b in result.batches)
        issues = sum(len(b.issues) for b in result.batches)
    return f"{len(result.batches)} loads, {rows:,} rows, {issues:,} issues"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,5")
    write_then_ingest(
        "foundation",
        parser.parse_args().sizes,
        write=(
            "generate + write all formats, size {size}, 2016/17-Q1 2022/23",
            "generate_and_write",
        ),
        load=("ingest every file, size {size}", "ingest_all"),
    )


if __name__ == "__main__":
    main()
