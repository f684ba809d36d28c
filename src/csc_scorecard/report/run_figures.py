"""The measure run a report prints, as figures: the quarters measured, the run (measure by measure
when the whole run fails), each value printed by its unit's rule (``formatting.py``), the
framework's manual values, and the dates each measure's data starts."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date
from typing import Any

from csc_scorecard.measures.availability import activity_date
from csc_scorecard.measures.catalogue import Measure, catalogue
from csc_scorecard.measures.context import Settings
from csc_scorecard.measures.results import measure_run
from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.model.codes import codes
from csc_scorecard.model.periods import Quarter
from csc_scorecard.model.schema import table as table_spec
from csc_scorecard.numbers import count, display
from csc_scorecard.rating import Framework
from csc_scorecard.rating.rated import framework_manual_rows
from csc_scorecard.report.facts import figure_id
from csc_scorecard.report.layout import Layout, layout
from csc_scorecard.report.model import (
    Figure,
    MeasureNote,
)
from csc_scorecard.store import Store

TREND_QUARTERS = 8


def measure_quarters(quarter: Quarter, n: int = TREND_QUARTERS) -> list[Quarter]:
    """The quarters a report measures: the ``n`` quarters to ``quarter`` (the trend charts);
    ``measure_run`` adds the previous and year-earlier quarters of each."""
    out = [quarter]
    while len(out) < n:
        out.insert(0, out[0].previous())
    return out


def run_measures(
    store: Store, la_code: str, quarters: list[Quarter], settings: Settings
) -> tuple[MeasureRun, list[str]]:
    """All measures in one run; if that fails, measure by measure, so one broken measure is
    reported (and shown as not available) instead of stopping the report."""
    try:
        return measure_run(store, la_code, quarters, settings=settings), []
    except Exception as error:  # noqa: BLE001 - isolate the failing measure below
        print(
            f"warning: measuring all at once failed ({error}); measuring one by one",
            file=sys.stderr,
        )
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for m in catalogue().values():
        try:
            rows.extend(
                measure_run(store, la_code, quarters, measures=[m.id], settings=settings).rows
            )
        except Exception as error:  # noqa: BLE001
            errors.append(f"{m.id}: {type(error).__name__}: {error}".splitlines()[0][:300])
            print(f"warning: measure {m.id} failed: {error}", file=sys.stderr)
    return MeasureRun(la_code=la_code, periods=quarters, rows=rows), errors


def printed_figures(
    run: MeasureRun, measures: dict[str, Measure], lay: Layout, loaded: set[str]
) -> dict[str, Figure]:
    out = {}
    for r in run.rows:
        m = measures.get(r["measure"])
        if m is None:
            continue
        missing = _missing_tables(m, loaded)
        if missing and r.get("status") == "ok":
            # The engine counts 0 where a table has no rows; with nothing loaded that 0 would
            # mean "not loaded", so the figure is not available and says so.
            r = {
                **r,
                "status": "not_available",
                "reason": f"no {' or '.join(missing)} data is loaded for this authority",
            }
        fig = _figure(r, m.title, m.unit, m.dimension, lay)
        out[fig.id] = fig
    return out


def loaded_tables(store: Store, la_code: str) -> set[str]:
    """Authority tables holding at least one row for the authority."""
    from csc_scorecard.model.schema import tables

    found = set()
    for t in tables().values():
        if t.la_scoped and store.holds(t.name, la_code):
            found.add(t.name)
    return found


def _missing_tables(m: Measure, loaded: set[str]) -> list[str]:
    names = sorted({spec.partition(".")[0] for spec in m.fields})
    return [n.replace("_", " ") for n in names if table_spec(n).la_scoped and n not in loaded]


def _figure(
    r: dict[str, Any], title: str, unit: str, dimension_name: str | None, lay: Layout
) -> Figure:
    dim = r.get("dimension")
    status = r.get("status") or ("ok" if r.get("value") is not None else "not_available")
    value = _stable(r.get("value")) if status == "ok" else None
    numerator, denominator = _stable(r.get("numerator")), _stable(r.get("denominator"))
    return Figure(
        id=figure_id(r["measure"], r["period"], dim),
        measure=r["measure"],
        title=title,
        unit=unit,
        period=r["period"],
        dimension=dim,
        dimension_label=dimension_label(dimension_name, dim, lay) if dim is not None else None,
        value=value,
        numerator=numerator,
        denominator=denominator,
        status=status,
        reason=r.get("reason"),
        display=display(value, unit),
        # A figure that failed its quality check or has no value shows no counts either.
        numerator_display=count(numerator) if status == "ok" else "",
        denominator_display=count(denominator) if status == "ok" else "",
        window_start=r.get("window_start"),
        window_end=r.get("window_end"),
        source=r.get("source") or "case data",
    )


def _stable(x: float | None) -> float | None:
    """Twelve significant digits. A parallel engine sums doubles in any order, so the same data
    can give 24.150000000000002 one run and 24.150000000000006 the next; the context keeps
    what is meaningful so that the same data always gives the same context.

    >>> _stable(24.150000000000006), _stable(None)
    (24.15, None)
    """
    return None if x is None else float(f"{x:.12g}")


def dimension_label(dimension: str | None, code: str, lay: Layout | None = None) -> str:
    """A breakdown category as printed: the layout's label, else the DfE code list's label
    (``model/codes/<dimension>.yaml``), else the code made readable.

    >>> dimension_label("referral_source", "6"), dimension_label("referral_source", "not recorded")
    ('Police', 'Not recorded')
    >>> dimension_label("referral_source", "Q9")
    'Q9 (not a DfE code)'
    """
    lay = lay or layout()
    if dimension in lay.dimension_labels and code in lay.dimension_labels[dimension]:
        return lay.dimension_labels[dimension][code]
    if code == "not recorded":
        return "Not recorded"
    try:
        known = codes(dimension) if dimension else {}
    except KeyError:
        known = {}
    if known:
        return known.get(code, f"{code} (not a DfE code)")
    return code.replace("_", " ").capitalize()


def manual_figures(
    store: Store,
    la_code: str,
    framework: Framework | None,
    measures: dict[str, Measure],
    quarters: list[Quarter],
) -> dict[str, Figure]:
    """Figures from manual values named by a framework item id (or by an item's measure id
    that is not in the catalogue): local spreadsheets filling what the case data cannot count.
    The appendix uses them where the catalogue measure has no value (``appendix.figure_key``)."""
    if framework is None:
        return {}
    needed = {
        str(q)
        for quarter in quarters
        for q in (quarter, quarter.previous(), quarter.same_quarter_last_year())
    }
    out = {}
    for row in framework_manual_rows(store, la_code, framework, measures, needed):
        fig = _figure(row, row["title"], row["unit"], None, layout())
        out[fig.id] = fig
    return out


def manual_commentary(store: Store, la_code: str) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Commentary supplied with manual values: (measure, period) -> (text, source)."""
    return {
        (v.measure, v.period): (" ".join(v.commentary.split()), v.source)
        for v in store.manual_values(la_code)
        if v.commentary and v.commentary.strip()
    }


def worker_level(f: Figure, lay: Layout) -> bool:
    if f.measure in lay.worker_level_measures:
        return True
    m = catalogue().get(f.measure)
    return bool(m and m.dimension in lay.worker_level_dimensions)


def measure_notes(
    figures: dict[str, Figure], measures: dict[str, Measure], quarter: Quarter, status: str
) -> list[MeasureNote]:
    """Measures (headline or any category) with this status this quarter, once each."""
    seen: dict[str, MeasureNote] = {}
    for f in figures.values():
        if f.period == str(quarter) and f.status == status and f.measure not in seen:
            title = measures[f.measure].title if f.measure in measures else f.title
            seen[f.measure] = MeasureNote(
                measure=f.measure,
                title=title,
                status=status,
                reason=f.reason or status.replace("_", " "),
            )
    return sorted(
        seen.values(),
        key=lambda n: list(measures).index(n.measure) if n.measure in measures else len(measures),
    )


def coverage_starts(store: Store, la_code: str, measures: Iterable[Measure]) -> dict[str, date]:
    """Per measure, the first date its data covers: the latest of the earliest activity dates
    of the tables it counts from. Earlier quarters would show a count of 0 that means 'not
    loaded', so trend charts start there."""
    first: dict[str, date | None] = {}
    out: dict[str, date] = {}
    for m in measures:
        starts = []
        for spec in m.fields:
            name = spec.partition(".")[0]
            if name not in first:
                column = activity_date(name)
                found = None
                if column and table_spec(name).la_scoped:
                    found = store.con.execute(
                        f'SELECT min("{column}") FROM "{name}" WHERE la_code = ?', [la_code]
                    ).fetchone()[0]
                first[name] = found
            if first[name] is not None:
                starts.append(first[name])
        if starts:
            out[m.id] = max(starts)
    return out
