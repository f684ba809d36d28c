"""The measure results the store keeps (`measure_results`), the compiled SQL of the measures kept
beside them (`measure_sql`), and the content fingerprints that say when a result is out of date.
What is stored, when and why is `measures/results.py`'s business; the tables' layout and the SQL
over them are here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import pyarrow as pa

from csc_scorecard.model.schema import create_table, tables
from csc_scorecard.store.opening import Opened

RESULTS_TABLE = "measure_results"

# name -> (type, description); the DDL and docs/schema.md both come from this.
RESULT_COLUMNS: dict[str, tuple[str, str]] = {
    "settings_key": ("VARCHAR", "fingerprint of the measure settings the row was computed under"),
    "la_code": ("VARCHAR", "3-digit DfE LA number"),
    "measure": ("VARCHAR", "catalogue measure id"),
    "period": ("VARCHAR", "financial-year quarter such as 2022-Q1"),
    "dimension": ("VARCHAR", "breakdown value (NULL for the headline figure)"),
    "value": ("DOUBLE", "the measure's value in its unit (NULL when not available)"),
    "numerator": ("DOUBLE", "numerator, or the count"),
    "denominator": ("DOUBLE", "denominator or population, where the unit has one"),
    "window_start": ("DATE", "first day counted"),
    "window_end": ("DATE", "last day counted"),
    "status": ("VARCHAR", "ok, not_available or not_reportable"),
    "reason": ("VARCHAR", "why the value is not available or not reportable"),
    "inputs": ("VARCHAR", "fingerprints of its inputs: the authority's, '/', its period's"),
    "load_ids": ("VARCHAR", "the loads whose rows it was computed from (comma-separated)"),
    "computed_at": ("TIMESTAMP", "when it was computed"),
}
RESULTS_DDL = create_table(RESULTS_TABLE, RESULT_COLUMNS)
_ARROW = {"VARCHAR": pa.string(), "DOUBLE": pa.float64(), "DATE": pa.date32()}
_ARROW["TIMESTAMP"] = pa.timestamp("us")
RESULT_SCHEMA = pa.schema([(c, _ARROW[t]) for c, (t, _) in RESULT_COLUMNS.items()])

# The compiled SQL of the measures, kept beside the results so that a new process (the next
# command) need not build and compile every expression again, keyed by a version string.
SQL_TABLE = "measure_sql"
SQL_DDL = (
    f"CREATE TABLE IF NOT EXISTS {SQL_TABLE} (version VARCHAR, key VARCHAR, sql VARCHAR, "
    "inputs VARCHAR, reads VARCHAR)"
)

Fingerprint = tuple[str, list[int]]
# (table name, reach) -> (rows, sum of row hashes): `Results.reach_fingerprints`.
Reached = dict[str, list[tuple[date | None, int, int]]]


class Results(Opened):
    """Reading and writing the stored measure results and compiled SQL."""

    def stored_results(
        self,
        key: str,
        la_codes: Sequence[str],
        measures: Sequence[str],
        periods: Iterable[str],
        *,
        rows: bool = True,
    ) -> tuple[list[tuple], list[dict]]:
        """What is stored under the settings `key` for the authorities and measures — (la,
        measure, periods, authority-wide inputs, load ids) per pair: the part of each row's
        `inputs` before its "/" — and (unless not ``rows``) the stored rows of the wanted
        periods (every column of `measure_results`)."""
        if not self.has_table(RESULTS_TABLE):
            return [], []
        # The wanted keys as list parameters, not registered Arrow tables: building those from
        # Python lists loads pandas (pyarrow looks for its types), about 0.25 s a process.
        chosen = (
            f"FROM {RESULTS_TABLE} r SEMI JOIN (SELECT unnest(?::VARCHAR[]) AS la_code) USING "
            "(la_code) SEMI JOIN (SELECT unnest(?::VARCHAR[]) AS measure) USING (measure) "
            "WHERE settings_key = ?"
        )
        wanted = [list(la_codes), list(measures), key]
        with self.con.cursor() as cur:
            # Ordered, so that the same store always gives the same summary.
            summary = cur.execute(
                "SELECT la_code, measure, list(DISTINCT period ORDER BY period), "
                "list(DISTINCT split_part(inputs, '/', 1) ORDER BY split_part(inputs, '/', 1)), "
                f"list(DISTINCT load_ids ORDER BY load_ids) {chosen} GROUP BY ALL "
                "ORDER BY la_code, measure",
                wanted,
            ).fetchall()
            if not rows:
                return summary, []
            found = (
                cur.sql(
                    f"SELECT r.* {chosen} AND list_contains(?::VARCHAR[], period)",
                    params=[*wanted, sorted(periods)],
                )
                .to_arrow_table()
                .to_pylist()
            )
        return summary, found

    def stored_inputs(
        self, key: str, pairs: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], dict[str, str]]:
        """{(la, measure): {period: the part of `inputs` after its "/" (what can reach that
        period; "" for a row stored before it was kept)}} under the settings `key`."""
        out: dict[tuple[str, str], dict[str, str]] = {}
        pairs = list(pairs)
        if not pairs or not self.has_table(RESULTS_TABLE):  # none asked: no Arrow (nor pandas)
            return out
        wanted = pa.Table.from_pylist(
            [{"la_code": la, "measure": m} for la, m in pairs],
            schema=pa.schema([("la_code", pa.string()), ("measure", pa.string())]),
        )
        with self.con.cursor() as cur:
            cur.register("_wanted_pairs", wanted)
            found = cur.execute(
                "SELECT DISTINCT la_code, measure, period, split_part(inputs, '/', 2) "
                f"FROM {RESULTS_TABLE} SEMI JOIN _wanted_pairs USING (la_code, measure) "
                "WHERE settings_key = ?",
                [key],
            ).fetchall()
        for la, m, period, inputs in found:
            out.setdefault((la, m), {})[period] = inputs
        return out

    def write_results(
        self,
        key: str,
        rows: pa.Table,
        *,
        replace: Iterable[tuple[str, str, str]],
        restamp: dict[tuple[str, str], tuple[str, str]],
    ) -> None:
        """Store result rows (`RESULT_SCHEMA`) in one transaction: rows for the same (settings,
        la, measure, period) are replaced, every earlier row under `key` of an (la, measure,
        period) in `replace` removed, and the rows kept of each (la, measure) pair in `restamp`
        given its new authority-wide inputs (the part of `inputs` before "/") and load ids."""
        gone = pa.Table.from_pylist(
            [{"la_code": la, "measure": m, "period": p} for la, m, p in replace],
            schema=pa.schema([(c, pa.string()) for c in ("la_code", "measure", "period")]),
        )
        stamps = pa.Table.from_pylist(
            [
                {"la_code": la, "measure": m, "pair": pair, "load_ids": ids}
                for (la, m), (pair, ids) in restamp.items()
            ],
            schema=pa.schema(
                [(c, pa.string()) for c in ("la_code", "measure", "pair", "load_ids")]
            ),
        )
        with self.con.cursor() as cur:
            cur.execute(RESULTS_DDL)
            cur.register("_new_results", rows)
            cur.register("_stale_results", gone)
            cur.register("_restamp", stamps)
            cur.execute("BEGIN TRANSACTION")
            try:
                cur.execute(
                    f"DELETE FROM {RESULTS_TABLE} r USING _stale_results s WHERE r.settings_key = ? "
                    "AND r.la_code = s.la_code AND r.measure = s.measure AND r.period = s.period",
                    [key],
                )
                cur.execute(
                    f"DELETE FROM {RESULTS_TABLE} r USING (SELECT DISTINCT settings_key, la_code, "
                    "measure, period FROM _new_results) n WHERE r.settings_key = n.settings_key "
                    "AND r.la_code = n.la_code AND r.measure = n.measure AND r.period = n.period"
                )
                cur.execute(
                    f"UPDATE {RESULTS_TABLE} r SET inputs = s.pair || '/' || "
                    "split_part(r.inputs, '/', 2), load_ids = s.load_ids FROM _restamp s "
                    "WHERE r.settings_key = ? AND r.la_code = s.la_code AND r.measure = s.measure",
                    [key],
                )
                cur.execute(f"INSERT INTO {RESULTS_TABLE} BY NAME SELECT * FROM _new_results")
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    def compiled_sql(self, version: str) -> list[tuple]:
        """The kept (key, sql, inputs, reads) rows compiled under `version` (none when the
        table is absent)."""
        if not self.has_table(SQL_TABLE):
            return []
        with self.con.cursor() as cur:
            return cur.execute(
                f"SELECT key, sql, inputs, reads FROM {SQL_TABLE} WHERE version = ?", [version]
            ).fetchall()

    def keep_compiled_sql(self, version: str, rows: Iterable[tuple]) -> None:
        """Keep the (key, sql, inputs, reads) rows not yet kept under `version`; rows of any
        other version go when a new one is kept."""
        with self.con.cursor() as cur:
            cur.execute(SQL_DDL)
            kept = {
                k
                for (k,) in cur.execute(
                    f"SELECT key FROM {SQL_TABLE} WHERE version = ?", [version]
                ).fetchall()
            }
            new = [r for r in rows if r[0] not in kept]
            if new:
                cur.execute(f"DELETE FROM {SQL_TABLE} WHERE version <> ?", [version])
                # One statement, the columns as list parameters: `executemany` committed each
                # of the ~170 rows on its own (0.9 s of a new store's refresh, mostly waiting)
                cur.execute(
                    f"INSERT INTO {SQL_TABLE} SELECT ?, unnest(?::VARCHAR[]), "
                    "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
                    [version, *(list(c) for c in zip(*new, strict=True))],
                )

    def table_fingerprints(
        self, la_codes: Sequence[str] | None = None, tables_wanted: Iterable[str] | None = None
    ) -> dict[tuple[str, str], Fingerprint]:
        """(table, la_code) -> (content hash without load ids, load ids) for every canonical
        and reference table the file holds, and for the data-quality issues per table they
        concern (``dq_issues:<table>``, without load id and file name, so reloading the same
        return from elsewhere changes nothing). A table without an la_code (the calendar) is
        listed under every authority. With ``la_codes``, only those authorities' rows are read
        (a store of many authorities: one authority's read or refresh scans its own rows). With
        ``tables_wanted``, only those tables (and the issues of every table): the ones the
        measures asked about read, not the comparators and neighbours no measure reads."""
        present = self.columns()
        wanted = None if tables_wanted is None else set(tables_wanted)
        mine = ""
        if la_codes is not None:
            listed = ", ".join("'" + la.replace("'", "''") + "'" for la in la_codes)
            # rows without an authority are listed under every authority, as without la_codes
            mine = f" WHERE la_code IN ({listed or 'NULL'}) OR la_code IS NULL"
        parts = []
        for t in tables().values():
            if t.name not in present:  # a read-only store from before the table existed
                continue
            if wanted is not None and t.name not in wanted:
                continue
            columns = present[t.name]  # as stored (a store from an older schema has fewer)
            cols = ", ".join(f'"{c}"' for c in columns if c not in ("load_id", "la_code"))
            la, where = ("la_code", mine) if "la_code" in columns else ("NULL::VARCHAR", "")
            parts.append(
                _by_load(f"'{t.name}'", la, f'"{t.name}"{where}', cols, "coalesce(sum(s), 0)")
            )
        issue_cols = 'rule, severity, "row", child_id, field, value, message, column_name'
        parts.append(
            _by_load("'dq_issues:' || table_name", "la_code", f"dq_issues{mine}", issue_cols)
        )
        with self.con.cursor() as cur:
            found = cur.execute(" UNION ALL ".join(parts)).fetchall()
        out: dict[tuple[str, str], Fingerprint] = {}
        for name, la, h, ids in found:
            out[(name, la)] = (h, ids)
        # every authority seen, and those asked about (with fewer tables, one might be seen
        # in none of them)
        listed = {k[1] for k in out if k[1] is not None} | set(la_codes or ())
        for (name, la), v in list(out.items()):
            if la is None:
                for other in listed:
                    out.setdefault((name, other), v)
        return out

    def reach_fingerprints(
        self,
        la_code: str,
        faults: pa.Table | None = None,
        *,
        with_tables: bool = True,
        tables_wanted: Iterable[str] | None = None,
    ) -> Reached:
        """For the authority, the content of every canonical and reference table, of the
        data-quality issues per table (``dq_issues:<table>``) and of the DfE-rule ``faults``
        given (``faults:<table>``, `measures.availability.rule_faults`' table), bucketed by
        *reach*: the last day of a window a row can be counted in must be on or after its
        reach for the row to matter (`measures/results.py`).

        A row about a child reaches from the child's first dated record: the earliest date
        in any of the child's rows of every child table but ``children`` (a child record's
        dates of birth are not activity). A child with a row carrying no date at all (a care
        leaver's collection year, a health record) or no dated row, a row without a child
        and every row of a table without children (workforce, reference data) reach every
        window (reach NULL). An issue or fault reaches as the child it concerns does (NULL
        when it names none). Content hashes leave out load ids as `table_fingerprints` does.
        With ``with_tables=False`` only the faults' part (the rest is the same with or without
        faults, so a caller wanting both takes it once). With ``tables_wanted``, only those
        tables' content (and the issues of every table; the children's first records are
        still found in every child table)."""
        present = self.columns()
        specs = [t for t in tables().values() if t.name in present]
        child = [t for t in specs if "child_id" in present[t.name] and "la_code" in present[t.name]]
        firsts = []
        for t in child:
            if t.name == "children":
                continue
            dates = [
                c.name for c in t.data_columns if c.type == "DATE" and c.name in present[t.name]
            ]
            day = f"least({', '.join(dates)})" if dates else "NULL::DATE"
            firsts.append(f'SELECT child_id, {day} AS d FROM "{t.name}" WHERE la_code = $la')
        first_sql = (
            "SELECT child_id, CASE WHEN bool_or(d IS NULL) THEN NULL ELSE min(d) END AS first "
            f"FROM ({' UNION ALL '.join(firsts)}) GROUP BY child_id"
            if firsts
            else "SELECT NULL::VARCHAR AS child_id, NULL::DATE AS first WHERE false"
        )
        parts = []
        hashed = [t for t in specs if tables_wanted is None or t.name in set(tables_wanted)]
        for t in hashed if with_tables else []:
            columns = present[t.name]
            cols = ", ".join(f'"{c}"' for c in columns if c not in ("load_id", "la_code"))
            if t in child:
                parts.append(
                    f"SELECT '{t.name}' AS name, f.first AS reach, count(*) AS n, "
                    f'sum(hash({cols}))::VARCHAR AS h FROM "{t.name}" t '
                    "LEFT JOIN _first f USING (child_id) WHERE t.la_code = $la GROUP BY ALL"
                )
            else:
                mine = "WHERE la_code = $la" if "la_code" in columns else ""
                parts.append(
                    f"SELECT '{t.name}' AS name, NULL::DATE AS reach, count(*) AS n, "
                    f'coalesce(sum(hash({cols})), 0)::VARCHAR AS h FROM "{t.name}" {mine}'
                )
        issue_cols = 'i.rule, i.severity, i."row", i.child_id, i.field, i.value, i.message'
        if with_tables:
            parts.append(
                "SELECT 'dq_issues:' || i.table_name AS name, f.first AS reach, count(*) AS n, "
                f"sum(hash({issue_cols}, i.column_name))::VARCHAR AS h FROM dq_issues i "
                "LEFT JOIN _first f USING (child_id) WHERE i.la_code = $la GROUP BY ALL"
            )
        out: Reached = {}
        if not parts and faults is None:
            return out
        with self.con.cursor() as cur:
            if faults is not None:
                chosen = ["canonical", "return", "table", "rule", "row", "child", "field", "value"]
                cur.register("_faults", faults.select(chosen))
                parts.append(
                    "SELECT 'faults:' || x.canonical AS name, f.first AS reach, count(*) AS n, "
                    'sum(hash(x."return", x."table", x.rule, x."row", x.child, x.field, x.value))'
                    "::VARCHAR AS h FROM _faults x LEFT JOIN _first f ON f.child_id = x.child "
                    "GROUP BY ALL"
                )
            found = cur.execute(
                f"WITH _first AS ({first_sql}) " + " UNION ALL ".join(parts), {"la": la_code}
            ).fetchall()
        for name, reach, n, h in found:
            out.setdefault(name, []).append((reach, n, int(h or 0)))
        return out


def _by_load(name: str, la: str, rows: str, cols: str, total: str = "sum(s)") -> str:
    """A table's fingerprint per authority (`Results.table_fingerprints`): its rows, the sum of
    their hashes (``total`` of the loads' sums) and its load ids, summed from each load's rows
    and sum: grouping by load first is cheaper than a list of distinct load ids (0.12 -> 0.09
    CPU s for the demo authority's tables), and gives the same figures and the same ids (a
    NULL load id once, as DISTINCT does)."""
    return (
        f"SELECT name, la, sum(n)::VARCHAR || ':' || {total}::VARCHAR AS h, "
        "list(load_id ORDER BY load_id) AS ids FROM (SELECT "
        f"{name} AS name, {la} AS la, load_id, count(*) AS n, sum(hash({cols})) AS s FROM {rows} "
        "GROUP BY ALL) GROUP BY name, la"
    )
