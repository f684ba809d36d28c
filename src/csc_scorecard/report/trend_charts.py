"""Appendix 2: one trend chart per framework item with at least two quarters of data, with its
target, tolerance and comparator (a moving target drawn as it was set each quarter)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.model.periods import Quarter
from csc_scorecard.rating import Framework
from csc_scorecard.report import charts, framework_rating
from csc_scorecard.report.appendix import own_rounding
from csc_scorecard.report.facts import Facts, figure_id
from csc_scorecard.report.layout import Layout
from csc_scorecard.report.model import (
    Chart,
    Figure,
)
from csc_scorecard.report.sections.measured import covered


def charted_measures(framework: Framework, lay: Layout) -> set[str]:
    wanted = {i.measure for i in framework.all_items() if i.measure} | {
        i.id for i in framework.all_items()
    }
    for s in lay.sections:
        wanted.update(s.demand_measures)
    return wanted


def trend_charts(
    framework: Framework,
    facts: Facts,
    figures: dict[str, Figure],
    trend: list[Quarter],
    published: dict[str, Any],
    coverage: dict[str, date],
    words: dict[str, str],
) -> list[Chart]:
    known = catalogue()
    out = []
    # A relative or incremental target is set afresh each quarter: drawn as it was set.
    moving = framework_rating.moving_targets(framework, figures, trend, published)
    for item in framework.all_items():
        points = []
        for q in trend:
            key = framework_rating.figure_key(item, figures, str(q))
            f = figures.get(figure_id(key, str(q)))
            ok = f is not None and f.status == "ok" and covered(known.get(key), q, coverage)
            points.append((q.label, f.value if ok else None))
        key = item.measure or item.id
        if sum(v is not None for _, v in points) < 2:
            continue
        comparator, label = item.comparator, item.comparator_label
        found = published.get(item.measure or "")
        if comparator is None and found is not None and found.statistical_neighbours is not None:
            comparator, label = (
                found.statistical_neighbours,
                f"Statistical neighbours {found.year_label}",
            )
        out.append(
            charts.trend(
                f"trend-{item.id}",
                f"{item.id} {item.title}",  # whole: the chart wraps it
                item.unit.value,
                points,
                measure=key,
                target=item.target if isinstance(item.target, float | int) else None,
                tolerance=item.tolerance if isinstance(item.tolerance, float | int) else None,
                comparator=comparator,
                comparator_label=label,
                moving_target=moving.get(item.id, []),
                target_words=words.get(item.id) or None,
                printed=partial(own_rounding, item) if item.decimals is not None else None,
            )
        )
    return out
