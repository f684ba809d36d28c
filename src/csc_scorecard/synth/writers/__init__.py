"""Writers: the synthetic authority in each real format (one module per format).

Each module exposes `write(authority, out_dir) -> list[Path]` and `expected(authority)`, the
canonical rows its files carry (what ingesting them must give back).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

from csc_scorecard.synth.authority import SyntheticAuthority


def writers() -> list[ModuleType]:
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "write"):
            found.append(module)
    return found


def write_all(authority: SyntheticAuthority, out_dir: Path) -> list[Path]:
    """Every format, under `out_dir/<format>/`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for module in writers():
        files.extend(module.write(authority, out_dir))
    return files
