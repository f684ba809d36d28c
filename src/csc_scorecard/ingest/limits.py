"""Size limits checked before any reader touches a file (documented in docs/security.md).

A statutory extract for a large authority is tens of megabytes; the defaults leave ample room
while stopping a file that would exhaust memory: a workbook that inflates to gigabytes (a "zip
bomb"), a symlink to `/dev/zero`, a named pipe that would block ingest forever. Each limit is a
setting: an environment variable overrides its default.

| setting                          | default | what it limits                                  |
|----------------------------------|---------|-------------------------------------------------|
| SCORECARD_MAX_FILE_MB            | 512     | size of one extract file on disk                |
| SCORECARD_MAX_UNCOMPRESSED_MB    | 1024    | total uncompressed size of a workbook (.xlsx)   |
| SCORECARD_MAX_COMPRESSION_RATIO  | 200     | uncompressed / compressed size of a workbook    |
| SCORECARD_MAX_CELL_CHARS         | 32767   | characters in one cell (Excel's own cell limit) |
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from csc_scorecard.model.batch import FormatError

MB = 1024 * 1024
DEFAULTS = {
    "SCORECARD_MAX_FILE_MB": 512,
    "SCORECARD_MAX_UNCOMPRESSED_MB": 1024,
    "SCORECARD_MAX_COMPRESSION_RATIO": 200,
    "SCORECARD_MAX_CELL_CHARS": 32767,
}
ZIPPED = {".xlsx", ".xlsm", ".zip"}


def limit(name: str) -> int:
    """A limit's value: the environment variable if set to a positive whole number, else the default."""
    text = os.environ.get(name, "").strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    return DEFAULTS[name]


def check_file(path: Path) -> None:
    """Refuse (FormatError) a path that is not a regular file or is past a size limit.

    Called before any adapter sniffs the file, so nothing reads a device, a pipe or a bomb.
    """
    try:
        info = path.stat()  # follows a symlink: what matters is what it points at
    except OSError as err:
        raise FormatError(path, f"cannot be read ({err.strerror or err})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a named pipe"
            if stat.S_ISFIFO(info.st_mode)
            else "a device"
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "a socket"
            if stat.S_ISSOCK(info.st_mode)
            else "not a regular file"
        )
        raise FormatError(path, f"is {kind}, not a regular file: refused")
    max_file = limit("SCORECARD_MAX_FILE_MB")
    if info.st_size > max_file * MB:
        raise FormatError(
            path,
            f"is {info.st_size / MB:,.0f} MB, over the {max_file:,} MB limit "
            "(SCORECARD_MAX_FILE_MB)",
        )
    if path.suffix.lower() in ZIPPED or _is_zip(path):
        _check_zip(path, info.st_size)


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _check_zip(path: Path, size: int) -> None:
    """A workbook's declared uncompressed size, read from its directory before inflating."""
    try:
        with zipfile.ZipFile(path) as z:
            inflated = sum(max(i.file_size, 0) for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip after all, or truncated: the reader refuses it with its own message
    max_total = limit("SCORECARD_MAX_UNCOMPRESSED_MB")
    if inflated > max_total * MB:
        raise FormatError(
            path,
            f"inflates to {inflated / MB:,.0f} MB when opened, over the {max_total:,} MB limit "
            "(SCORECARD_MAX_UNCOMPRESSED_MB)",
        )
    ratio = limit("SCORECARD_MAX_COMPRESSION_RATIO")
    if inflated > 10 * MB and inflated > ratio * size:
        raise FormatError(
            path,
            f"inflates {inflated / max(size, 1):,.0f}-fold when opened (over "
            f"{ratio}, SCORECARD_MAX_COMPRESSION_RATIO): not an ordinary workbook",
        )
