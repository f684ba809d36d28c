"""The product's cache folder on this machine, and JSON files written into it whole.

``$SCORECARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/csc-scorecard``, else ``~/.cache/csc-scorecard``;
``SCORECARD_CACHE_DIR=off`` (or empty, ``0``, ``none``) turns caching off. It holds the compiled
measure SQL (`measures.sql_cache`), which rule queries are row filters or return a value
(`quality.runner`) and the postcode directory as Parquet (`reference.postcodes`): nothing in it is
data about children, and anything in it can be deleted (it is made again).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def cache_root() -> Path | None:
    """The cache folder, or None when caching is turned off."""
    own = os.environ.get("SCORECARD_CACHE_DIR")
    if own is not None:
        return None if own.strip().lower() in ("", "off", "0", "none") else Path(own)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "csc-scorecard"


def write_json(path: Path, value: object) -> bool:
    """Write ``value`` as JSON to ``path`` whole: a temporary file beside it renamed into place,
    so processes reading at the same time (tests, the dashboard and a command) never see half a
    file. False when it cannot be written: a cache that cannot be written is no fault (what it
    would hold is worked out again next time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
