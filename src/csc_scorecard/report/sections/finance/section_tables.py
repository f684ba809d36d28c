"""The finance section's tables and chart data, and the long `tidy` table for Power BI."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from csc_scorecard import numbers
from csc_scorecard.forecast.outturn_model import Outturn
from csc_scorecard.forecast.projection import Projection
from csc_scorecard.report.sections.finance.section_model import (
    FinanceSection,
    ProjectionChartPoint,
    VariancePoint,
    VarianceRow,
)


def variance_table(out: Outturn) -> list[VarianceRow]:
    def row(rid: str, kind, name: str, budget, forecast, variance, group=None) -> VarianceRow:
        return VarianceRow(
            id=rid,
            kind=kind,
            name=name,
            group=group,
            budget=budget,
            forecast=forecast,
            variance=variance,
            budget_display=""
            if budget is None
            else ("-" if budget < 0 else "") + numbers.millions(budget),
            forecast_display=""
            if forecast is None
            else ("-" if forecast < 0 else "") + numbers.millions(forecast),
            variance_display=""
            if variance is None
            else ("+" if variance >= 0 else "-") + numbers.millions(variance),
        )

    rows = []
    for g in out.groups:
        mine = [ln for ln in out.lines if ln.line in g.lines]
        net_budget = None if g.budget is None else g.budget - sum(ln.budgeted_grant for ln in mine)
        rows.append(
            row(
                f"group:{g.id}",
                "group",
                g.name,
                net_budget,
                g.forecast - g.grant_income,
                g.variance,
            )
        )
        if len(mine) > 1 or any(ln.grant_income for ln in mine):
            for ln in mine:
                rows.append(
                    row(
                        f"line:{ln.line}",
                        "line",
                        ln.name,
                        None if ln.budget is None else ln.budget - ln.budgeted_grant,
                        ln.forecast - ln.grant_income,
                        ln.variance,
                        g.id,
                    )
                )
    for o in out.offsets:
        rows.append(row(f"offset:{o.grant}", "offset", o.grant, None, -o.amount, -o.amount))
    rows.append(
        row(
            "care_ladder",
            "subtotal",
            "Care ladder",
            out.care_ladder_budget,
            out.care_ladder_forecast,
            out.care_ladder_variance,
        )
    )
    for s, name in ((out.agency, "Agency staff"), (out.establishment, "Staffing (establishment)")):
        if s is not None:
            rows.append(
                row(f"staffing:{s.line}", "staffing", name, s.budget, s.forecast, s.variance)
            )
    rows.append(
        row("total", "total", "Total", out.total_budget, out.total_forecast, out.total_variance)
    )
    return rows


def variance_chart(out: Outturn) -> list[VariancePoint]:
    pts = [
        VariancePoint(id=f"group:{g.id}", label=g.name, kind="group", variance=g.variance)
        for g in out.groups
        if g.variance is not None
    ]
    pts += [
        VariancePoint(id=f"offset:{o.grant}", label=o.grant, kind="offset", variance=-o.amount)
        for o in out.offsets
    ]
    for s, name in ((out.agency, "Agency staff"), (out.establishment, "Staffing (establishment)")):
        if s is not None and s.variance is not None:
            pts.append(
                VariancePoint(
                    id=f"staffing:{s.line}", label=name, kind="staffing", variance=s.variance
                )
            )
    return pts


def projection_chart(proj: Projection | None) -> list[ProjectionChartPoint]:
    if proj is None:
        return []
    pts = [
        ProjectionChartPoint(date=h.date, group=h.group, series="actual", value=h.count)
        for h in proj.history
    ]
    totals: dict[date, int] = {}
    for h in proj.history:
        totals[h.date] = totals.get(h.date, 0) + h.count
    pts += [
        ProjectionChartPoint(date=d, group="total", series="actual", value=v)
        for d, v in sorted(totals.items())
    ]
    pts += [
        ProjectionChartPoint(
            date=p.date, group=p.group, series="projected", value=p.mean, low=p.low, high=p.high
        )
        for p in proj.points
    ]
    return pts


TIDY_SCHEMA = pa.schema(
    [
        ("la_code", pa.string()),
        ("period", pa.string()),
        ("scenario", pa.string()),
        ("kind", pa.string()),
        ("id", pa.string()),
        ("label", pa.string()),
        ("line", pa.string()),
        ("group", pa.string()),
        ("date", pa.date32()),
        ("unit", pa.string()),
        ("value", pa.float64()),
        ("low", pa.float64()),
        ("high", pa.float64()),
        ("display", pa.string()),
    ]
)


def tidy(section: FinanceSection) -> pa.Table:
    """One long table for Power BI: figures, variance rows and projection points, each with its scenario."""
    base = {"la_code": section.la_code, "period": section.period, "scenario": section.scenario}
    rows = [
        {
            **base,
            "kind": "figure",
            "id": f.id,
            "label": f.label,
            "line": f.line,
            "group": f.group,
            "date": section.as_at,
            "unit": f.unit,
            "value": f.value,
            "low": None,
            "high": None,
            "display": f.display,
        }
        for f in section.figures.values()
    ]
    for r in section.variance_table:
        for what in ("budget", "forecast", "variance"):
            rows.append(
                {
                    **base,
                    "kind": f"variance_table:{what}",
                    "id": r.id,
                    "label": r.name,
                    "line": None,
                    "group": r.group,
                    "date": section.as_at,
                    "unit": "gbp",
                    "value": getattr(r, what),
                    "low": None,
                    "high": None,
                    "display": getattr(r, f"{what}_display"),
                }
            )
    for p in section.charts.projection:
        rows.append(
            {
                **base,
                "kind": f"projection:{p.series}",
                "id": f"projection:{p.group}",
                "label": p.group,
                "line": None,
                "group": p.group,
                "date": p.date,
                "unit": "count",
                "value": p.value,
                "low": p.low,
                "high": p.high,
                "display": numbers.number(p.value),
            }
        )
    return pa.Table.from_pylist(rows, schema=TIDY_SCHEMA)
