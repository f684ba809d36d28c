"""Every benchmark, one after another (`make bench`). Each prints its own figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in sorted(HERE.glob("*.py")):
    if script.name.startswith("_") or script.name == "run_all.py":
        continue
    print(f"\n== {script.name} ==", flush=True)
    subprocess.run([sys.executable, str(script)], check=True, cwd=HERE.parent)
