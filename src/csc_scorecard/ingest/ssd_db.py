"""The Standard Safeguarding Dataset read straight from a council's database, read-only.

`read_database(url, schema, la_code)` lists the schema's `ssd_*` tables, reads each object the
SSD adapter knows with one `SELECT *` inside a read-only transaction, and hands them to the same
`ssd.batch` a folder of dumps goes through, so both routes apply the same rules.

- PostgreSQL (the Eclipse deployments): `postgresql://user:password@host:5432/database`, through
  psycopg 3; the session is set read-only, so even a mistaken statement could not write.
- SQL Server (LiquidLogic, Mosaic): `mssql://user:password@host:1433/database?driver=ODBC+Driver+18+for+SQL+Server`,
  through pyodbc and Microsoft's ODBC driver (installed separately: `pip install pyodbc` and the
  `msodbcsql18` package), with `ApplicationIntent=ReadOnly`. The same queries are used (both
  servers have `information_schema.tables`), but this route is NOT tested here: no SQL Server runs
  in the test suite (docs/ssd.md).

Nothing but the passwordless URL, schema and table names appears in messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from csc_scorecard.ingest.formats.ssd import Dump, SsdObject, batch, known_objects, lowered_rows
from csc_scorecard.model.batch import FormatError, LoadBatch

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def redacted(url: str) -> str:
    """The URL without its password, for messages.

    >>> redacted("postgresql://me:secret@db.example:5432/ssd")
    'postgresql://me:***@db.example:5432/ssd'
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def read_database(url: str, schema: str, la_code: str | None) -> list[LoadBatch]:
    """One load holding every SSD object found in `schema`; FormatError when it cannot be read."""
    where = f"{redacted(url)} schema {schema}"
    if not IDENTIFIER.match(schema):
        raise FormatError(where, "is not a plain schema name (letters, digits, underscore)")
    if la_code is None:
        raise FormatError(where, "an SSD carries no authority code: pass --la CODE")
    dump = Dump()
    with _connect(url, where) as (cursor, quote, mark):
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            f"WHERE table_schema = {mark} ORDER BY table_name",
            (schema,),
        )
        present = {str(r[0]).lower(): str(r[0]) for r in cursor.fetchall()}
        wanted = sorted(known_objects() & set(present))
        if not wanted:
            raise FormatError(where, "holds no ssd_ tables this product reads")
        for name in wanted:
            cursor.execute(f"SELECT * FROM {quote(schema)}.{quote(present[name])}")
            header = [d[0] for d in cursor.description]
            rows = lowered_rows(
                header,
                (
                    (i, dict(zip(header, values, strict=True)))
                    for i, values in enumerate(cursor.fetchall(), start=1)
                ),
            )
            dump.objects[name] = SsdObject(
                name=name, source=f"{where} table {present[name]}", header=header, rows=rows
            )
    return [batch(dump, la_code=la_code)]


@contextmanager
def _connect(url: str, where: str) -> Iterator[tuple[Any, Any, str]]:
    """A cursor in a read-only transaction, an identifier quoter and the parameter marker."""
    scheme = urlsplit(url).scheme.split("+")[0].lower()
    if scheme in {"postgresql", "postgres"}:
        with _postgres(url, where) as opened:
            yield opened
    elif scheme in {"mssql", "sqlserver"}:
        with _sql_server(url, where) as opened:
            yield opened
    else:
        raise FormatError(where, "is not a postgresql:// or mssql:// URL")


@contextmanager
def _postgres(url: str, where: str) -> Iterator[tuple[Any, Any, str]]:
    import psycopg

    try:
        conn = psycopg.connect(url, connect_timeout=15)
    except psycopg.Error as err:
        raise FormatError(where, f"cannot connect ({_first_line(err)})") from None
    try:
        conn.read_only = True
        with conn.cursor() as cursor:
            try:
                yield cursor, _quote_postgres, "%s"
            except psycopg.Error as err:
                raise FormatError(where, f"cannot be read ({_first_line(err)})") from None
        conn.rollback()
    finally:
        conn.close()


def _quote_postgres(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def _sql_server(url: str, where: str) -> Iterator[tuple[Any, Any, str]]:  # pragma: no cover
    try:
        import pyodbc  # type: ignore[import-not-found]
    except ImportError:
        raise FormatError(
            where,
            "needs pyodbc and Microsoft's ODBC driver for SQL Server (see docs/ssd.md)",
        ) from None
    parts = urlsplit(url)
    options = {k.lower(): v[-1] for k, v in parse_qs(parts.query).items()}
    connection = ";".join(
        [
            f"DRIVER={{{options.get('driver', 'ODBC Driver 18 for SQL Server')}}}",
            f"SERVER={parts.hostname},{parts.port or 1433}",
            f"DATABASE={parts.path.lstrip('/')}",
            f"UID={unquote(parts.username or '')}",
            f"PWD={unquote(parts.password or '')}",
            f"Encrypt={options.get('encrypt', 'yes')}",
            f"TrustServerCertificate={options.get('trustservercertificate', 'no')}",
            "ApplicationIntent=ReadOnly",
        ]
    )
    try:
        conn = pyodbc.connect(connection, timeout=15, readonly=True)
    except pyodbc.Error as err:
        raise FormatError(where, f"cannot connect ({_first_line(err)})") from None
    try:
        cursor = conn.cursor()
        try:
            yield cursor, _quote_sql_server, "?"
        except pyodbc.Error as err:
            raise FormatError(where, f"cannot be read ({_first_line(err)})") from None
        conn.rollback()
    finally:
        conn.close()


def _quote_sql_server(name: str) -> str:  # pragma: no cover
    return "[" + name.replace("]", "]]") + "]"


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
