"""Page data from the report context: plain dicts, the same for the HTML page and its `.json`.

Every figure a page shows comes from the report context (the same figures, ratings and
suppression as the quarterly report), so the dashboard and the paper cannot disagree.
"""

from __future__ import annotations

from typing import Any

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.numbers import display
from csc_scorecard.report import charts
from csc_scorecard.report.appendix import figure_window
from csc_scorecard.report.appendix_comparators import published_comparators
from csc_scorecard.report.facts import figure_id
from csc_scorecard.report.layout import layout
from csc_scorecard.report.model import Chart, Figure, ReportContext

CHART_WIDTH, CHART_HEIGHT = 620, 220


def dump(model: Any) -> Any:
    return model.model_dump(mode="json") if model is not None else None


NO_EARLIER = "no earlier quarter in the data"


def overview(context: ReportContext, first: str) -> dict[str, Any]:
    """The framework groups with RAG counts and direction, and the demand figures. A quarter
    before `first` (the first the store's data cover, `Contexts.quarters`) is outside the data:
    its figures are not shown, nor a comparison with it (NO_EARLIER)."""
    period = context.period.id
    before = context.previous.id < first  # ids like 2022-Q1 sort as the quarters do
    year_before = context.year_earlier.id < first
    demand = []
    for section in layout().sections:
        for measure, label in (section.demand_measures or {}).items():
            demand.append(
                {
                    "measure": measure,
                    "label": label,
                    "current": _display(context, measure, period),
                    "previous": "" if before else _display(context, measure, context.previous.id),
                    "year_earlier": (
                        "" if year_before else _display(context, measure, context.year_earlier.id)
                    ),
                }
            )
    return {
        "authority": dump(context.authority),
        "period": dump(context.period),
        "previous": dump(context.previous),
        "synthetic": context.synthetic,
        "publication": context.publication.enabled,
        "framework": context.performance.framework,
        "summary": dump(context.performance.summary),
        "previous_summary": None if before else dump(context.performance.previous_summary),
        "no_earlier": NO_EARLIER if before else None,
        "groups": [
            {
                "id": g.id,
                "title": g.title,
                "summary": dump(g.summary),
                "summary_lines": g.summary_lines,
                "rows": [
                    {
                        k: None if (before and k in _LAST) or (year_before and k in _YEAR) else v
                        for k in (
                            "item",
                            "title",
                            "measure",
                            "unit",
                            "target",
                            "previous",
                            "current",
                            "status",
                            "status_label",
                            "rag",
                            "direction",
                            "direction_year",
                            "numerator",
                            "denominator",
                            "reason",
                        )
                        for v in [getattr(r, k)]
                    }
                    for r in g.rows
                ],
            }
            for g in context.appendix
        ],
        "demand": demand,
        "data_quality": {
            "not_reportable": context.data_quality.not_reportable_count,
            "not_available": context.data_quality.not_available_count,
            "issues": context.data_quality.issue_total,
        },
    }


_LAST = ("previous", "direction")  # what compares with the quarter before
_YEAR = ("direction_year",)  # with the quarter a year earlier


def _display(context: ReportContext, measure: str, period: str) -> str:
    f = context.figures.get(figure_id(measure, period))
    return f.display if f else ""


def measure(context: ReportContext, measure_id: str) -> dict[str, Any]:
    """One measure for the context's quarter: value, rating, trend, comparators, definition."""
    period = context.period.id
    definition = context.definitions[measure_id]
    current = context.figures.get(figure_id(measure_id, period))
    item = next(
        (r for g in context.appendix for r in g.rows if r.measure == measure_id),
        None,
    )
    trend = []
    for p in context.trend_periods:
        f = context.figures.get(figure_id(measure_id, p))
        trend.append(
            {
                "period": p,
                "value": f.value if f else None,
                "display": f.display if f else "",
                "numerator": f.numerator_display if f else "",
                "denominator": f.denominator_display if f else "",
                "status": f.status if f else "not_available",
                "reason": f.reason if f else "no figure",
            }
        )
    breakdown = sorted(
        (
            f
            for f in context.figures.values()
            if f.measure == measure_id and f.period == period and f.dimension is not None
        ),
        key=lambda f: (-(f.value or 0), f.dimension_label or ""),
    )
    counted = catalogue().get(measure_id)
    fields = set(counted.fields) if counted else set()
    notes = [
        dump(n)
        for n in [*context.data_quality.not_reportable, *context.data_quality.not_available]
        if n.measure == measure_id
    ]
    issues = [dump(i) for i in context.data_quality.issues if f"{i.table}.{i.column}" in fields]
    comparator = context.comparators.get(measure_id)
    # Windows and comparators in the appendix's words (issue 18): the item's own row when the
    # framework has one, else the figure's window and the measure's published comparators.
    if item is not None:
        window, listed = item.window, item.comparators
    else:
        window = figure_window(current, context.period.label)
        listed = published_comparators(comparator) if comparator is not None else []
    rating = dump(item)
    if rating and context.publication.enabled:  # commentary is for signed-in staff, not viewers
        rating = {k: v for k, v in rating.items() if not k.startswith("commentary")}
    return {
        "measure": dump(definition),
        "period": dump(context.period),
        "publication": context.publication.enabled,
        "figure": dump(current),
        "window": window,
        "comparators": [dump(c) for c in listed],
        "rating": rating,
        "trend": trend,
        "breakdown": [dump(f) for f in breakdown],
        "comparator": dump(comparator),
        "quality_notes": notes,
        "quality_issues": issues,
        # a manual measure's values are supplied, not counted: no rows behind them to show
        "drill": counted is not None and not counted.manual,
    }


def trend_chart(context: ReportContext, measure_id: str) -> Chart | None:
    """The report's trend chart for the measure drawn at screen size (same points, target,
    tolerance and comparator), or one drawn the same way from the measure's figures."""
    for chart in context.trends:
        if measure_id in chart.measures and chart.kind == "trend":
            return charts.redraw_trend(
                chart, measure=measure_id, width=CHART_WIDTH, height=CHART_HEIGHT
            )
    definition = context.definitions.get(measure_id)
    if definition is None:
        return None
    points: list[tuple[str, float | None]] = []
    for p in context.trend_periods:
        f: Figure | None = context.figures.get(figure_id(measure_id, p))
        points.append((p, f.value if f and f.status == "ok" else None))
    if sum(v is not None for _, v in points) < 2:
        return None
    comparator = context.comparators.get(measure_id)
    sn = comparator.statistical_neighbours if comparator else None
    england = comparator.england if comparator else None
    return charts.trend(
        f"trend-{measure_id}",
        definition.title,
        definition.unit,
        points,
        measure=measure_id,
        comparator=sn if sn is not None else england,
        comparator_label=(
            "Statistical neighbours" if sn is not None else "England" if england else None
        ),
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
    )


def chart_key(chart: Chart) -> list[str]:
    """The reference lines in words (the chart itself has no legend)."""
    unit = chart.unit
    lines = ["Blue line with points: the value each quarter"]
    if chart.target is not None:
        lines.append(f"solid green line: target {display(chart.target, unit)}")
    if chart.tolerance is not None:
        lines.append(f"dashed orange line: tolerance {display(chart.tolerance, unit)}")
    if chart.comparator is not None:
        lines.append(
            f"dotted grey line: {chart.comparator_label or 'comparator'} "
            f"{display(chart.comparator, unit)}"
        )
    return lines


def quality(
    built: dict[str, Any],
    *,
    rule: str | None,
    table: str | None,
    team: str | None,
    examples: bool,
    limit: int = 500,
) -> dict[str, Any]:
    """The data-quality page: faults by rule, by table and by team, and the fix list (the
    faults of the chosen rule, table and team, at most ``limit``). ``examples``: the rule
    summary shows a message (a load check's can quote a child's raw value)."""
    rows = built["rows"]
    rules, tables = _by_rule_and_table(rows, examples)
    chosen = [
        r
        for r in rows
        if (not rule or r["rule"] == rule)
        and (not table or r["table"] == table)
        and (not team or r["team"] == team)
    ]
    return {
        "by_rule": rules,
        "by_table": tables,
        "by_team": _by_team(rows),
        "not_reportable": built["not_reportable"],
        **{k: built[k] for k in ("faults_as_at", "opened", "closed", "then_as_at")},
        "total": len(rows),
        "fix_list": chosen[:limit],
        "fix_list_total": len(chosen),
    }


def _by_rule_and_table(
    rows: list[dict[str, Any]], examples: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The faults by rule (those stopping most measures first, then the commonest) and by
    table (the commonest first), each with its count of faults and of children."""
    by_rule: dict[tuple, dict[str, Any]] = {}
    by_table: dict[str, dict[str, Any]] = {}
    for r in rows:
        key = (r["kind"], r["return"], r["rule"], r["table"], r["field"])
        g = by_rule.setdefault(key, {"kind": r["kind"], "return": r["return"], "rule": r["rule"],
                                     "table": r["table"], "field": r["field"],
                                     "severity": r["severity"], "count": 0, "children": set(),
                                     "measures": set(), "not_reportable": set(),
                                     "example": r["message"] if examples else None})  # fmt: skip
        t = by_table.setdefault(r["table"], {"table": r["table"], "count": 0, "rules": set(),
                                             "children": set()})  # fmt: skip
        for each in (g, t):
            each["count"] += 1
            if r["child"]:
                each["children"].add(r["child"])
        t["rules"].add(r["rule"])
        g["measures"].update(r["measures"])
        g["not_reportable"].update(r["not_reportable"])
    rules = sorted(
        ({**g, "children": len(g["children"]), "measures": sorted(g["measures"]),
          "not_reportable": sorted(g["not_reportable"])} for g in by_rule.values()),
        key=lambda g: (-len(g["not_reportable"]), -g["count"], g["rule"]),
    )  # fmt: skip
    tables = sorted(
        (
            {**t, "rules": len(t["rules"]), "children": len(t["children"])}
            for t in by_table.values()
        ),
        key=lambda t: (-t["count"], t["table"] or ""),
    )
    return rules, tables


def _by_team(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The faults about children by team (`quality.fixlists.groups`); no team is None."""
    import pyarrow as pa

    from csc_scorecard.quality.fixlists import UNALLOCATED, groups

    childs = [r for r in rows if r["child"]]
    teams = groups(
        pa.Table.from_pylist(
            [
                {
                    "team": r["team"],
                    "team_name": r["team_name"],
                    "worker": r["worker"],
                    "child": r["child"],
                    "rule": r["rule"],
                    "measures": ";".join(r["measures"]),
                }
                for r in childs
            ],
            schema=pa.schema(
                [
                    (c, pa.string())
                    for c in ("team", "team_name", "worker", "child", "rule", "measures")
                ]
            ),
        ),
        "team",
    )
    for g in teams:
        g["team"] = None if g["team"] == UNALLOCATED else g["team"]
        g.pop("rules", None)
    return teams
