"""Run one benchmark step in a fresh process and report its wall time and peak memory.

Each step is a function `module:function` called with JSON keyword arguments; the child prints
one JSON line {seconds, peak_mb, result}. Fresh processes keep one step's memory out of the next.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import importlib, json, resource, sys, time
sys.path.insert(0, {bench!r})
module, func = {target!r}.split(":")
started = time.perf_counter()
result = getattr(importlib.import_module(module), func)(**json.loads({kwargs!r}))
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("BENCH " + json.dumps({{"seconds": seconds, "peak_mb": peak, "result": result}}, default=str))
"""


def step(target: str, **kwargs: object) -> dict:
    code = CHILD.format(bench=str(ROOT / "benchmarks"), target=target, kwargs=json.dumps(kwargs))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"{target} failed:\n{out.stderr[-3000:]}")
    line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))


def row(label: str, figures: dict) -> str:
    return f"{label:<58} {figures['seconds']:>8.1f} s {figures['peak_mb']:>8.0f} MB  {figures.get('result') or ''}"


def write_then_ingest(
    module: str, sizes: str, write: tuple[str, str], load: tuple[str, str]
) -> None:
    """For each size, `module:write[1]` writes extracts into a scratch folder and
    `module:load[1]` ingests them into a new store there; each row labelled `write[0]` /
    `load[0]` formatted with the size."""
    print(f"{'step':<58} {'wall':>10} {'peak':>11}")
    for size in [float(s) for s in sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            extracts, store = f"{tmp}/extracts", f"{tmp}/store.duckdb"
            label, func = write
            print(
                row(
                    label.format(size=f"{size:g}"),
                    step(f"{module}:{func}", size=size, out=extracts),
                )
            )
            label, func = load
            figures = step(f"{module}:{func}", folder=extracts, store=store)
            print(row(label.format(size=f"{size:g}"), figures))
