"""Reading what the store keeps about its own contents: the authorities, the loads (`loads`),
the data-quality issues recorded at load (`dq_issues`), the span the loads cover and the manual
values. The one place SQL names these tables outside writing them (`loading.py`); every other
module asks through these methods (docs/architecture.md, "Who may write SQL")."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pyarrow as pa

from csc_scorecard.errors import BadInput, NotFound
from csc_scorecard.model.batch import LA_CODE
from csc_scorecard.model.schema import table, tables
from csc_scorecard.store.manual import ManualValue
from csc_scorecard.store.opening import Opened


@dataclass(frozen=True)
class LoadRecord:
    """One row of `loads`: a file (or folder) loaded, what it covers and what it held."""

    load_id: int
    source_format: str
    la_code: str | None
    period_start: date | None
    period_end: date | None
    files: str | None
    loaded_at: datetime
    row_count: int | None
    issue_count: int | None
    extracted: date | None = None  # the day its data were extracted (`loading.extraction_date`)

    @property
    def period(self) -> str:
        """The period as listed (`period_words`)."""
        return period_words(self.period_start, self.period_end, self.extracted)


_LOAD_COLUMNS = (
    "load_id, source_format, la_code, period_start, period_end, files, loaded_at, row_count, "
    "issue_count, extracted"
)


def data_end(period_end: date, extracted: date | None) -> date:
    """The last day a load's data reach: its period's end, or the day they were extracted when
    that is earlier (an in-year return: its period runs to 31 March, its data stop at the
    extraction). What the span the authority's loads cover ends on (`Bookkeeping.coverage`),
    and with it whether a quarter is outside the data."""
    return min(period_end, extracted) if extracted is not None else period_end


def period_words(start: date | None, end: date | None, extracted: date | None) -> str:
    """A load's period as listed ('01/04/2022-31/03/2023'), with the day its data end when the
    extraction cuts it short ('01/04/2022-31/03/2023, data to 30/06/2022'); '-' without one."""
    if start is None or end is None:
        return "-"
    text = f"{start:%d/%m/%Y}-{end:%d/%m/%Y}"
    reach = data_end(end, extracted)
    return f"{text}, data to {reach:%d/%m/%Y}" if reach < end else text


def authority_filter(la_codes: Sequence[str]) -> str:
    """Rows of the authorities; rows with no authority (reference loads) too."""
    marks = ", ".join("?" * len(la_codes))
    return f"(la_code IN ({marks}) OR la_code IS NULL)"


class Bookkeeping(Opened):
    """The store's readers of canonical rows and of its own bookkeeping tables."""

    def _rows(self, sql: str, params: Iterable = ()) -> list[tuple]:
        """A query's rows, on a cursor of its own (a caller's half-read result on `con` cannot
        block it)."""
        with self.con.cursor() as cur:
            return cur.execute(sql, list(params)).fetchall()

    def read(self, name: str, la_code: str | None = None) -> pa.Table:
        """A canonical table (optionally one authority's rows) as Arrow, lineage included."""
        t = table(name)
        where = " WHERE la_code = ?" if (la_code and t.la_scoped) else ""
        params = [la_code] if where else []
        order = ", ".join(f'"{k}"' for k in t.full_key)
        with self.con.cursor() as cur:
            return cur.sql(
                f'SELECT * FROM "{name}"{where} ORDER BY {order}', params=params
            ).to_arrow_table()

    def holds(self, name: str, la_code: str | None = None) -> bool:
        """Whether the table holds any row (of the authority, when `la_code` is given)."""
        where, params = (" WHERE la_code = ?", [la_code]) if la_code is not None else ("", [])
        return bool(self._rows(f'SELECT 1 FROM "{name}"{where} LIMIT 1', params))

    def check_la_code(self, code: str) -> str:
        """`code` when it is a DfE LA number (3 digits) the store holds data for or its reference
        LA list knows; otherwise a one-line refusal. Output file names are built from it."""
        if not LA_CODE.fullmatch(code or ""):
            raise BadInput(f"--la {code!r} is not a 3-digit DfE LA number (e.g. 371)")
        held = self.authorities()
        if code in held:
            return code
        listed = self._rows("SELECT 1 FROM la_codes WHERE la_code = ? LIMIT 1", [code])
        if not listed:
            raise NotFound(
                f"LA {code} is neither in the store ({', '.join(held) or 'no authorities'}) nor in "
                "its reference list of authorities"
            )
        return code

    def coverage(self, la_code: str) -> tuple[date, date] | None:
        """The span the authority's loaded data cover (first day, last day); None when nothing
        loaded for it carries a date (only reference data, or loads whose rows have no date).

        A dated load (a statutory return, a template whose key holds a date) covers its period
        up to the day its data were extracted (`data_end`): an in-year return's stop there.
        A load without one (an SSD extract, a template of teams or audits) covers the span of
        the dates in its rows' keys (a referral's date, an episode's start): what it describes.
        """
        with self.con.cursor() as cur:
            loads = cur.execute(
                """SELECT load_id, period_start, period_end, extracted FROM loads
                   WHERE la_code = ? AND source_format NOT LIKE 'reference%'""",
                [la_code],
            ).fetchall()
            spans = [(s, data_end(e, x)) for _, s, e, x in loads if s is not None]
            undated = [i for i, s, _, _ in loads if s is None]
            if undated:
                spans += _key_date_spans(cur, undated)
        if not spans:
            return None
        return min(s for s, _ in spans), max(e for _, e in spans)

    def authorities(self) -> list[str]:
        rows = self.con.execute(
            "SELECT DISTINCT la_code FROM loads WHERE la_code IS NOT NULL ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    def manual_values(self, la_code: str) -> list[ManualValue]:
        """The values supplied for an authority through the manual-values template (a local
        spreadsheet's figures, Ofsted grades, youth justice), each with its commentary: the one
        reader of the `manual_values` table, for the measure run, a framework's own items and
        the report's commentary."""
        rows = self.con.execute(
            "SELECT measure, period, value, value_text, numerator, denominator, source, commentary "
            "FROM manual_values WHERE la_code = ?",
            [la_code],
        ).fetchall()
        return [ManualValue(*row) for row in rows]

    # -- loads -----------------------------------------------------------------------------

    def loads(self, la_codes: Sequence[str] | None = None) -> list[LoadRecord]:
        """The loads, oldest first: all, or the authorities' and the reference loads (no
        authority) when `la_codes` is given."""
        where = f" WHERE {authority_filter(la_codes)}" if la_codes is not None else ""
        rows = self._rows(
            f"SELECT {_LOAD_COLUMNS} FROM loads{where} ORDER BY load_id", la_codes or []
        )
        return [LoadRecord(*r) for r in rows]

    def load_formats(self, la_codes: Sequence[str]) -> dict[str, list[tuple[int, str]]]:
        """{la_code: [(load_id, source_format), ...] oldest first} for these authorities, in one
        query (an authority without loads is left out)."""
        rows = self._rows(
            "SELECT la_code, list(load_id ORDER BY load_id), "
            "list(source_format ORDER BY load_id) "
            "FROM loads WHERE la_code IN (SELECT unnest(?)) GROUP BY la_code",
            [sorted(set(la_codes))],
        )
        return {la: list(zip(ids, formats, strict=True)) for la, ids, formats in rows}

    def latest_loads(self, n: int) -> list[LoadRecord]:
        """The `n` latest loads, newest first."""
        rows = self._rows(f"SELECT {_LOAD_COLUMNS} FROM loads ORDER BY load_id DESC LIMIT ?", [n])
        return [LoadRecord(*r) for r in rows]

    def load_ids(
        self,
        la_code: str,
        *,
        formats: Sequence[str] | None = None,
        ending_by: date | None = None,
    ) -> list[int]:
        """The authority's load ids, in order: of these source formats; whose data end
        (`data_end`: the period's end, or the extraction when earlier) on or before `ending_by`
        (or that have no period): the data as at that date."""
        where, params = ["la_code = ?"], [la_code]
        if formats is not None:
            where.append(f"source_format IN ({', '.join('?' * len(formats))})")
            params += list(formats)
        sql = (
            f"SELECT load_id, period_end, extracted FROM loads WHERE {' AND '.join(where)} "
            "ORDER BY load_id"
        )
        return [
            i
            for i, end, extracted in self._rows(sql, params)
            if ending_by is None or end is None or data_end(end, extracted) <= ending_by
        ]

    def loaded_by(self, when: datetime) -> list[int]:
        """Every load (any authority's, and the reference loads) made by `when`, in order."""
        rows = self._rows("SELECT load_id FROM loads WHERE loaded_at <= ? ORDER BY load_id", [when])
        return [r[0] for r in rows]

    def period_span(
        self, la_code: str, *, formats: Sequence[str] | None = None
    ) -> tuple[date | None, date | None]:
        """(earliest period start, latest period end) of the authority's loads (of these source
        formats); (None, None) when none."""
        where, params = "la_code = ?", [la_code]
        if formats is not None:
            where += f" AND source_format IN ({', '.join('?' * len(formats))})"
            params += list(formats)
        first, last = self._rows(
            f"SELECT min(period_start), max(period_end) FROM loads WHERE {where}", params
        )[0]
        return first, last

    def case_load_count(self, la_code: str) -> int:
        """How many of the authority's loads hold case data (not reference data or templates)."""
        return self._rows(
            """SELECT count(*) FROM loads WHERE la_code = ?
               AND source_format NOT LIKE 'reference%' AND source_format NOT LIKE 'template:%'""",
            [la_code],
        )[0][0]

    def case_span(self, la_code: str) -> tuple[date | None, date | None]:
        """(first, last) day the authority's dated loads cover, templates left out: the first
        is the annual case returns' (CIN census, 903) earliest period start when there is one,
        since the workforce census and templates reach back to staff start dates."""
        first, last = self._rows(
            "SELECT coalesce(min(period_start) FILTER (source_format IN "
            "('cin_census', 'ssda903')), min(period_start)), max(period_end) "
            "FROM loads WHERE la_code = ? AND period_start IS NOT NULL "
            "AND source_format NOT LIKE 'template:%'",
            [la_code],
        )[0]
        return first, last

    def load_history_mark(self) -> str:
        """The load history in one string ('loads-last id-last time'): it changes with every
        load, so a cache keyed by it is never stale."""
        n, last, at = self._rows(
            "SELECT count(*), coalesce(max(load_id), 0), max(loaded_at) FROM loads"
        )[0]
        return f"{n}-{last}-{at}"

    # -- data-quality issues ---------------------------------------------------------------

    def issue_counts(self) -> dict[tuple[str, str], int]:
        """Issues recorded at load per (authority, '' for none; table)."""
        rows = self._rows(
            "SELECT coalesce(la_code, ''), table_name, count(*) FROM dq_issues GROUP BY ALL"
        )
        return {(la, name): n for la, name, n in rows}

    def issue_groups(self, la_code: str) -> list[tuple]:
        """The authority's issues grouped by (table, column, rule), most frequent first: table,
        column, rule, worst severity, count, first message and the file:row pointers (file
        name only) in file and row order."""
        return self._rows(
            """SELECT table_name, column_name, rule, max(severity), count(*),
                  min(message),
                  list(coalesce(regexp_extract(file, '[^/\\\\]+$'), '?') || ':' || coalesce(CAST("row" AS VARCHAR), '?') ORDER BY file, "row")
           FROM dq_issues WHERE la_code = ?
           GROUP BY ALL ORDER BY count(*) DESC, table_name, column_name, rule""",
            [la_code],
        )

    def issue_note(
        self, load_id: int, file: str, row: int, fields: Sequence[str]
    ) -> tuple[str, str] | None:
        """(value, message) of the first issue recorded for one of `fields` of a source row."""
        marks = ", ".join("?" * len(fields))
        found = self._rows(
            f"""SELECT value, message FROM dq_issues WHERE load_id = ? AND file = ? AND "row" = ?
            AND field IN ({marks}) ORDER BY field LIMIT 1""",
            [load_id, file, row, *fields],
        )
        return found[0] if found else None

    def issue_rows(self, la_code: str, load_ids: Sequence[int], year: int) -> pa.Table:
        """The issues recorded at load for these loads of the authority, in the shape of a DfE
        rule's faults (`quality.fault_table.FAULT_SCHEMA` names, with `year` as the collection year
        and the file name without its folder)."""
        with self.con.cursor() as cur:
            return cur.sql(
                'SELECT rule, \'\' AS "return", table_name AS "table", "row", '
                "child_id AS child, coalesce(field, column_name) AS field, value, message, "
                "la_code, ?::INTEGER AS year, load_id, severity, column_name, "
                "regexp_extract(file, '[^/\\\\]+$') AS file "
                "FROM dq_issues WHERE la_code = ? AND load_id IN (SELECT unnest(?::INTEGER[]))",
                params=[year, la_code, list(load_ids)],
            ).to_arrow_table()


def _key_date_spans(cur: duckdb.DuckDBPyConnection, load_ids: list[int]) -> list[tuple[date, date]]:
    """(first, last) of each table's key date column over the rows of these loads."""
    marks = ", ".join("?" * len(load_ids))
    spans = []
    for t in tables().values():
        types = {c.name: c.type for c in t.columns}
        column = next((k for k in t.key if types.get(k, "").upper() == "DATE"), None)
        if column is None:
            continue
        lo, hi = cur.execute(
            f'SELECT min("{column}"), max("{column}") FROM "{t.name}" WHERE load_id IN ({marks})',
            load_ids,
        ).fetchall()[0]
        if lo is not None:
            spans.append((lo, hi))
    return spans
