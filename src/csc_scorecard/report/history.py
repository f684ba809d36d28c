"""What each report published, what has been revised since, and the report as it stood at a date.

* ``record`` keeps, in the store's ``published_figures`` table, every headline figure a report
  printed (its value and text), with the report's id, the date its data was as at and whether it
  was the publication version. ``scorecard report`` records each report it writes.
* ``revisions`` compares the figures a report prints for past quarters with what the latest
  earlier report published for the same quarter: a figure that has changed since (a late
  record, a correction after validation) is a revision, and the report says so in words
  ("Q4 2021/22's figure for re-referrals within 12 months has been revised from 5% ... to 16%").
* ``as_at_store`` gives a copy of the store holding only what was available at a date: the loads
  made by then (and their rows and issues), the reports published by then, and only the DfE
  comparator years published by then. A report built from it (``scorecard report --as-at``)
  reproduces the report built that day, figure for figure.

DfE publishes each year's figures some months after the year ends; ``published_by`` says when,
conservatively (the children in need and children looked after statistics each November for the
year to 31 March, the workforce statistics each February for the census at 30 September).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from pathlib import Path

import duckdb
import pyarrow as pa

from csc_scorecard.model.schema import create_table
from csc_scorecard.report.model import Figure, Revision
from csc_scorecard.store import Store
from csc_scorecard.wording import Cited, Paragraph, say

TABLE = "published_figures"
# name -> (type, description); the DDL and docs/schema.md both come from this.
COLUMNS: dict[str, tuple[str, str]] = {
    "report_id": ("VARCHAR", "the report: LA, quarter, version and when it was built"),
    "la_code": ("VARCHAR", "3-digit DfE LA number"),
    "report_period": ("VARCHAR", "the quarter the report is for, e.g. 2022-Q1"),
    "as_at": ("TIMESTAMP", "the data as it stood at this time (the build time, or --as-at)"),
    "publication": ("BOOLEAN", "the version prepared for publication (suppressed)"),
    "measure": ("VARCHAR", "catalogue measure id"),
    "period": ("VARCHAR", "the quarter the figure is for"),
    "value": ("DOUBLE", "the value published (NULL when not available or suppressed)"),
    "display": ("VARCHAR", "the figure as printed"),
    "status": ("VARCHAR", "ok, not_available, not_reportable or suppressed"),
}
DDL = create_table(TABLE, COLUMNS)
# Tables an as-at copy leaves out: results are recomputed from the rows as they stood; the
# dashboard's accounts and sessions are not report data.
_NOT_COPIED = {"measure_results", "users", "sessions", "login_failures", "audit"}


def report_id(la_code: str, period: str, built: datetime, publication: bool) -> str:
    """'371-2022-Q1-internal-20220908T090000'."""
    version = "publication" if publication else "internal"
    return f"{la_code}-{period}-{version}-{built:%Y%m%dT%H%M%S}"


def record(
    store: Store,
    report: str,
    la_code: str,
    period: str,
    as_at: datetime,
    figures: Iterable[Figure],
    *,
    publication: bool,
) -> int:
    """Keep the headline figures a report printed; returns how many rows. A report id
    recorded again replaces its rows."""
    rows = [
        (report, la_code, period, _naive(as_at), publication, f.measure, f.period, f.value)
        + (f.display, f.status)
        for f in figures
        if f.dimension is None
    ]
    store.con.execute(DDL).fetchall()
    store.con.execute("BEGIN TRANSACTION").fetchall()
    try:
        store.con.execute(f"DELETE FROM {TABLE} WHERE report_id = ?", [report]).fetchall()
        if rows:
            marks = ", ".join("?" * len(COLUMNS))
            store.con.executemany(f"INSERT INTO {TABLE} VALUES ({marks})", rows)
        store.con.execute("COMMIT").fetchall()
    except duckdb.Error:
        store.con.execute("ROLLBACK").fetchall()
        raise
    return len(rows)


def _naive(moment: datetime) -> datetime:
    """UTC without a zone, as the store keeps its times."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def published(
    store: Store, la_code: str, before_period: str, measure_periods: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, str, float | None, str]]:
    """For each (measure, period), what the latest report for an earlier quarter published:
    (report id, its quarter, value, display). Internal reports only (the publication version
    suppresses small numbers)."""
    wanted = set(measure_periods)
    try:
        rows = store.con.execute(
            f"""SELECT measure, period, report_id, report_period, value, display
                FROM {TABLE} WHERE la_code = ? AND report_period < ? AND NOT publication
                  AND status = 'ok'
                ORDER BY report_period, as_at, report_id""",
            [la_code, before_period],
        ).fetchall()
    except duckdb.CatalogException:  # no report recorded in this store yet
        return {}
    out: dict[tuple[str, str], tuple[str, str, float | None, str]] = {}
    for measure, period, report, report_period, value, display in rows:
        if (measure, period) in wanted:
            out[(measure, period)] = (report, report_period, value, display)  # latest wins
    return out


def revisions(
    store: Store, la_code: str, period: str, figures: dict[str, Figure], labels: dict[str, str]
) -> list[Revision]:
    """The figures this report prints for earlier quarters that differ, as printed, from what
    the latest earlier report published for them. ``labels`` names quarters ('Q4 2021/22')."""
    past = [
        f
        for f in figures.values()
        if f.dimension is None and f.period < period and f.status == "ok"
    ]
    before = published(store, la_code, period, [(f.measure, f.period) for f in past])
    out = []
    for f in sorted(past, key=lambda f: (f.period, f.measure)):
        found = before.get((f.measure, f.period))
        if found is None or found[3] == f.display:
            continue
        report, report_period, value, display = found
        out.append(
            Revision(
                measure=f.measure,
                title=in_sentence(f.title),
                period=f.period,
                period_label=labels.get(f.period, f.period),
                report_id=report,
                report_period_label=labels.get(report_period, report_period),
                published_value=value,
                published_display=display,
                value=f.value,
                display=f.display,
            )
        )
    return out


def in_sentence(title: str) -> str:
    """A title as the middle of a sentence prints it: 'Re-referrals ...' -> 're-referrals ...';
    an acronym ('UASC ...') or a reference ('C01 ...') is left as it is."""
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def paragraphs(found: list[Revision]) -> list[Paragraph]:
    """One sentence per revision, every number cited from ``/revisions``."""
    out = []
    for i, r in enumerate(found):
        at = f"/revisions/{i}"
        out.append(
            Paragraph(
                kind="note",
                sentences=[
                    say(
                        "{period}'s figure for {title} has been revised from {old}, as published"
                        " in the {report} report, to {new} with the data loaded and checked since.",
                        period=Cited(r.period_label, f"{at}/period_label", r.period_label),
                        title=Cited(r.title, f"{at}/title", r.title),
                        old=Cited(
                            r.published_display, f"{at}/published_display", r.published_value
                        ),
                        report=Cited(
                            r.report_period_label,
                            f"{at}/report_period_label",
                            r.report_period_label,
                        ),
                        new=Cited(r.display, f"{at}/display", r.value),
                    )
                ],
            )
        )
    return out


def published_by(year: int, census: bool = False) -> date:
    """When DfE's figures for ``year`` (ending 31 March, or the 30 September census) are
    taken as published: 1 November of that year, or 1 March after the census."""
    return date(year + 1, 3, 1) if census else date(year, 11, 1)


def as_at_store(store: Store, when: datetime, path: Path | None = None) -> Store:
    """A writable copy of ``store`` as it stood at ``when`` (see the module's docstring), at
    ``path`` (a new file; default: one named as the store in a new temporary folder, so the
    report names the store as it would have)."""
    from csc_scorecard.reference.comparators import comparator_map

    cutoff = _naive(when)
    path = path or Path(tempfile.mkdtemp(prefix="scorecard-as-at-")) / store.path.name
    path.parent.mkdir(parents=True, exist_ok=True)
    copy = Store(path)
    src = store.con
    loads = store.loaded_by(cutoff)
    census = {
        m
        for m, spec in comparator_map().measures.items()
        if any(s.file == "csww" for s in spec.series)
    }
    names = [
        r[0]
        for r in src.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name"
        ).fetchall()
    ]
    for name in names:
        if name in _NOT_COPIED or name == "store_meta":
            continue
        columns = {
            r[0]
            for r in src.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [name]
            ).fetchall()
        }
        where, params = "", []
        if name == "loads":
            where, params = "WHERE loaded_at <= $1", [cutoff]
        elif name == TABLE:
            where, params = "WHERE as_at <= $1", [cutoff]
        elif "load_id" in columns:
            where = f"WHERE load_id IN ({', '.join(str(i) for i in loads) or 'NULL'})"
            if "checked_at" in columns:  # rule-fault snapshots taken by then
                where, params = where + " AND checked_at <= $1", [cutoff]
        rows = src.sql(f'SELECT * FROM "{name}" {where}', params=params or None).to_arrow_table()
        if name == "comparators":
            rows = _published_years(rows, cutoff.date(), census)
        copy.con.execute(_ddl(src, name)).fetchall()
        copy.con.register("_rows", rows)
        try:
            copy.con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _rows').fetchall()
        finally:
            copy.con.unregister("_rows")
    return copy


def _ddl(src: duckdb.DuckDBPyConnection, name: str) -> str:
    sql = src.execute(
        "SELECT sql FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?", [name]
    ).fetchall()[0][0]
    return sql.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1)


def _published_years(rows: pa.Table, cutoff: date, census: set[str]) -> pa.Table:
    """The comparator rows DfE had published by ``cutoff``."""
    keep = [
        published_by(int(year), measure in census) <= cutoff
        for measure, year in zip(
            rows.column("measure").to_pylist(), rows.column("year").to_pylist(), strict=True
        )
    ]
    return rows.filter(pa.array(keep, pa.bool_()))


def end_of(day: date) -> datetime:
    """The last moment of ``day`` (UTC): --as-at 2022-09-08 takes what was loaded that day."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
