"""The product stands on its own: the wheel, installed into a clean virtual environment, runs the
whole demo in an empty folder with no repository and no shared data beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


# Nothing of this checkout may leak in: no PYTHONPATH (pip would take the source tree for an
# installed package) and no SCORECARD_* settings pointing at shared data.
CLEAN = {k: v for k, v in os.environ.items() if not k.startswith(("SCORECARD_", "PYTHON"))}


def run(*args: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=CLEAN, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{args[:3]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_the_wheel_runs_the_demo_with_nothing_else(tmp_path):
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, REPO, cwd=tmp_path)
    (wheel,) = wheels.glob("csc_scorecard-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    # The reference data and the demo framework travel inside the package.
    assert "csc_scorecard/reference/data/comparators.parquet" in names
    assert "csc_scorecard/examples/doncaster-2022/framework.yaml" in names

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    # --no-compile: the same files installed, without pip byte-compiling every module of every
    # dependency first (half of the install's CPU); the demo's imports compile what they use.
    run(venv / "bin" / "pip", "install", "-q", "--no-compile", wheel, cwd=tmp_path)

    alone = tmp_path / "elsewhere"  # no repository, no ../shared beside it
    alone.mkdir()
    out = run(
        venv / "bin" / "scorecard",
        "demo",
        "--out",
        "demo",
        "--size",
        "0.1",
        "--formats",
        "html,xlsx",
        cwd=alone,
    )
    assert "the reference data shipped with the product" in out
    assert "Open Government Licence v3.0" in out
    report = alone / "demo" / "report"
    (html,) = report.glob("371_2022-Q1_performance_report.html")
    (xlsx,) = report.glob("371_2022-Q1_performance_report.xlsx")
    page = html.read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in page
    # Comparators came from the shipped data: England's figures are printed beside ours.
    assert "England" in page
    assert xlsx.stat().st_size > 10_000
