"""SSD ingest of the default synthetic authority: write its SSD, read it, load it.

    .venv/bin/python benchmarks/ssd.py [--sizes 1]

Prints seconds and peak memory per step (each step in its own process), and the step's own CPU
time, which a busy machine does not inflate the way it inflates wall time.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _measure import write_then_ingest


def write_ssd(size: float, out: str) -> str:
    from csc_scorecard.synth.authority import SynthConfig, generate
    from csc_scorecard.synth.writers import ssd

    files = ssd.write(generate(SynthConfig(size=size)), Path(out))
    rows = 0
    for f in files:
        with open(f, encoding="utf-8") as fh:
            rows += sum(1 for _ in fh) - 1
    return f"{len(files)} ssd_ files, {rows:,} rows, CPU {time.process_time():.1f} s"


def ingest_ssd(folder: str, store: str) -> str:
    from csc_scorecard.ingest.run import ingest
    from csc_scorecard.store import Store

    with Store(store) as db:
        result = ingest(db, [Path(folder) / "ssd"], la_code="371")
    [batch] = result.batches
    return (
        f"{len(batch.tables)} canonical tables, {batch.row_count:,} rows, "
        f"{len(batch.issues)} issues, CPU {time.process_time():.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1")
    write_then_ingest(
        "ssd",
        parser.parse_args().sizes,
        write=("generate + write SSD, size {size}", "write_ssd"),
        load=("ingest SSD folder into a new store, size {size}", "ingest_ssd"),
    )


if __name__ == "__main__":
    main()
