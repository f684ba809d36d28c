"""The interface every format adapter implements, and their discovery.

An adapter module in `ingest/formats/` exposes `ADAPTER`, an object with:
- `name`: the source format, e.g. "ssda903_csv" (also the `source_format` of its loads);
- `sniff(path) -> bool`: cheap recognition from the file name and first bytes; must not raise;
- `read(paths, *, la_code, year) -> list[LoadBatch]`: every file it claimed in one folder, read
  into batches (one per statutory return). Raises `FormatError` for a file it cannot read.
- optionally `one_file_per_load = True`: `read` is then called once per file (each file is a
  load of its own), so every unreadable file is reported, not just the first in a folder.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path
from typing import Protocol

from csc_scorecard.model.batch import LoadBatch


class Adapter(Protocol):
    name: str

    def sniff(self, path: Path) -> bool: ...

    def read(
        self, paths: list[Path], *, la_code: str | None, year: int | None
    ) -> list[LoadBatch]: ...


@cache
def adapters() -> tuple[Adapter, ...]:
    """Every adapter in `ingest/formats/`, in module-name order."""
    from csc_scorecard.ingest import formats

    found = []
    for info in sorted(pkgutil.iter_modules(formats.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{formats.__name__}.{info.name}")
        if hasattr(module, "ADAPTER"):
            found.append(module.ADAPTER)
    return tuple(found)


def head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of a file, for sniffing; empty if unreadable."""
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError:
        return b""
