"""Regional comparison: each measure across a group of authorities, as regional improvement
partnerships compare themselves — value, rank, quartile, and the averages around it.

For one quarter and the authorities chosen (a region, a list, every authority in the store),
each counted catalogue measure's headline value per authority (read through
``measures.results``, so the stored results are used), with:

- ``rank`` among the group's authorities with a value (1 = best by the measure's polarity;
  tied values share the better rank), and ``ranked`` how many had one; measures whose polarity
  is ``within_band`` or ``information`` have no better or worse and are not ranked;
- ``quartile`` A (best quarter of the group) to D, from the rank: ``floor(4 x (rank-1) / ranked)``;
- ``group_mean``: the mean of the group's values (each authority weighted equally, as LAIT
  averages are);
- ``england``, ``region`` and ``statistical_neighbours``: DfE's published averages for the
  authority (``reference.comparators``), for the latest year published before the quarter.

``publication=True`` applies the publication rule (``publication.is_small``): counts of 1 to 5,
and values built on them, are shown as ``c`` and left out of ranks and means.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.measures.context import Settings
from csc_scorecard.measures.results import stored_results
from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.model.periods import Quarter
from csc_scorecard.rating.rated import comparator_columns
from csc_scorecard.report.publication import PublicationRules, holds_small
from csc_scorecard.store import Store

QUARTILES = "ABCD"
COLUMNS = [
    "measure",
    "title",
    "unit",
    "polarity",
    "period",
    "la_code",
    "la_name",
    "value",
    "numerator",
    "denominator",
    "status",
    "rank",
    "ranked",
    "quartile",
    "group_mean",
    "england",
    "region",
    "statistical_neighbours",
    "comparator_year",
]


def comparison(
    store: Store,
    la_codes: list[str],
    period: Quarter,
    *,
    measures: list[str] | None = None,
    settings: Settings | None = None,
    publication: bool = False,
) -> pa.Table:
    """One row per measure and authority (measure order, then authority code)."""
    chosen = [
        m for m in catalogue().values() if not m.manual and (not measures or m.id in measures)
    ]
    ids = [m.id for m in chosen]
    rows = [
        r
        for r in stored_results(store, la_codes, [period], ids, settings or Settings())
        if r["dimension"] is None
    ]
    rules = PublicationRules() if publication else None
    for r in rows:
        if rules and holds_small(r["unit"], r["value"], r["numerator"], r["denominator"], rules):
            # a value not printed anyway (not reportable) keeps its status, not its numbers
            r.update(value=None, numerator=None, denominator=None)
            if r["status"] == "ok":
                r["status"] = "suppressed"
    comparators: dict[tuple[str, str], dict[str, Any]] = {}
    by_la: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_la[r["la_code"]].append(r)
    for la, la_rows in by_la.items():
        run = MeasureRun(la_code=la, periods=[period], rows=la_rows)
        for (mid, _), found in comparator_columns(store, run).items():
            comparators[(mid, la)] = found
    names = _names(store)
    by_measure: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_measure[r["measure"]].append(r)
    out = []
    for m in chosen:
        group = sorted(by_measure.get(m.id, []), key=lambda r: r["la_code"])
        ranks = _ranks(group, m.polarity)
        values = [r["value"] for r in group if r["status"] == "ok" and r["value"] is not None]
        mean = sum(values) / len(values) if values else None
        for r in group:
            rank = ranks.get(r["la_code"])
            found = comparators.get((m.id, r["la_code"]), {})
            out.append(
                {
                    "measure": m.id,
                    "title": m.title,
                    "unit": m.unit,
                    "polarity": m.polarity,
                    "period": str(period),
                    "la_code": r["la_code"],
                    "la_name": names.get(r["la_code"]),
                    "value": r["value"],
                    "numerator": r["numerator"],
                    "denominator": r["denominator"],
                    "status": r["status"],
                    "rank": rank,
                    "ranked": len(ranks) if ranks else None,
                    "quartile": QUARTILES[4 * (rank - 1) // len(ranks)] if rank else None,
                    "group_mean": mean,
                    "england": found.get("comparator_england"),
                    "region": found.get("comparator_region"),
                    "statistical_neighbours": found.get("comparator_statistical_neighbours"),
                    "comparator_year": found.get("comparator_year"),
                }
            )
    return pa.Table.from_pylist(out, schema=_SCHEMA)


def _ranks(group: list[dict], polarity: str) -> dict[str, int]:
    """la_code -> rank (1 best; ties share the better rank) among authorities with a value."""
    if polarity not in ("higher_better", "lower_better"):
        return {}
    valued = [r for r in group if r["status"] == "ok" and r["value"] is not None]
    sign = -1 if polarity == "higher_better" else 1
    ordered = sorted(valued, key=lambda r: sign * r["value"])
    out: dict[str, int] = {}
    for i, r in enumerate(ordered):
        same = i and ordered[i - 1]["value"] == r["value"]
        out[r["la_code"]] = out[ordered[i - 1]["la_code"]] if same else i + 1
    return out


def _names(store: Store) -> dict[str, str]:
    try:
        return dict(store.con.execute("SELECT la_code, la_name FROM la_codes").fetchall())
    except Exception:  # noqa: BLE001 - no reference data loaded: codes only
        return {}


_SCHEMA = pa.schema(
    [
        ("measure", pa.string()),
        ("title", pa.string()),
        ("unit", pa.string()),
        ("polarity", pa.string()),
        ("period", pa.string()),
        ("la_code", pa.string()),
        ("la_name", pa.string()),
        ("value", pa.float64()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("status", pa.string()),
        ("rank", pa.int64()),
        ("ranked", pa.int64()),
        ("quartile", pa.string()),
        ("group_mean", pa.float64()),
        ("england", pa.float64()),
        ("region", pa.float64()),
        ("statistical_neighbours", pa.float64()),
        ("comparator_year", pa.int64()),
    ]
)


def write_xlsx(table: pa.Table, path: str | Path) -> Path:
    """The comparison as a workbook: one sheet, a header row, frozen panes and a filter."""
    import xlsxwriter

    path = Path(path)
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})  # text stays text
    sheet = book.add_worksheet("comparison")
    bold = book.add_format({"bold": True})
    for col, name in enumerate(table.column_names):
        sheet.write_string(0, col, name, bold)
    for i, row in enumerate(table.to_pylist(), start=1):
        for col, name in enumerate(table.column_names):
            v = row[name]
            if v is None:
                continue
            if isinstance(v, int | float):
                sheet.write_number(i, col, v)
            else:
                sheet.write_string(i, col, str(v))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(table.num_rows, 1), table.num_columns - 1)
    book.close()
    return path
