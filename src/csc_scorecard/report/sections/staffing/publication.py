"""The staffing section as published: worker-level content left out and small counts (1 to 5)
shown as `c`, by the report's one small-number rule (report/publication.py)."""

from __future__ import annotations

from csc_scorecard.measures.workforce import caseloads as cl
from csc_scorecard.report.layout import layout
from csc_scorecard.report.publication import PublicationRules, holds_small, is_small
from csc_scorecard.report.sections.staffing.model import Kpi, StaffingSection


def worker_level() -> set[str]:
    """Measures about a single worker, withheld from a published report: the report layout's
    `worker_level_measures` (the highest caseload; the highest span, one team manager's)."""
    return set(layout().worker_level_measures)


def leave_out(section: StaffingSection) -> None:
    """Leave out worker-level content and show small counts (1 to 5) as `c`, dropping the value
    and anything it could be worked back from (report/publication.py's rule)."""
    rules = PublicationRules()
    section.workers = None
    section.supervision.overdue = None
    section.supervision.by_team = []
    for pos in (
        section.caseloads,
        section.caseloads_compare,
        section.caseloads_fte,
        section.caseloads_weighted,
    ):
        pos.by_team = []
        for f in (pos.total, *pos.by_service_area):
            _publish_figures(f, rules)
        if is_small(pos.excluded_workers, rules):
            pos.excluded_workers, pos.excluded = None, []
    for point in section.trend:
        _publish_figures(point.figures, rules)
    sv = section.supervision
    if (
        is_small(sv.total.staff, rules)
        or is_small(sv.total.in_timescale, rules)
        or is_small(sv.overdue_count, rules)
    ):
        sv.total.staff = sv.total.in_timescale = sv.total.percent = sv.overdue_count = None
    ret = section.supervision_returns
    if ret is not None:  # team by team it is worker-level, as `supervision.by_team`
        ret.teams = []
        if is_small(ret.total.staff, rules) or is_small(ret.total.supervised, rules):
            ret.total.staff = ret.total.supervised = ret.total.percent = None
    for f in (section.audits.total, *section.audits.by_type):
        if any(
            is_small(n, rules)
            for n in (f.audits, f.good_or_better, f.requires_improvement_or_better)
        ):
            f.audits = f.good_or_better = f.requires_improvement_or_better = None
            f.good_or_better_percent = f.requires_improvement_or_better_percent = None
    withheld = worker_level()
    if "team_manager_span_max" in withheld:  # each team's span describes its manager too
        section.spans.teams = []
        for a in section.spans.service_areas:
            a.highest = None
    for mid, k in section.kpis.items():
        if mid in withheld:
            section.kpis[mid] = k.model_copy(
                update={
                    "value": None,
                    "numerator": None,
                    "denominator": None,
                    "display": "",
                    "previous_value": None,
                    "previous_display": "",
                    "status": "withheld",
                    "reason": "describes a single worker: left out of a published report",
                }
            )
        elif k.status == "ok" and _small(k, rules):
            section.kpis[mid] = k.model_copy(
                update={
                    "value": None,
                    "numerator": None,
                    "denominator": None,
                    "display": rules.symbol,
                    "status": "suppressed",
                    "reason": "small number (1 to 5) suppressed for publication",
                }
            )
        if k.unit == "count" and is_small(k.previous_value, rules):  # the quarter before too
            k = section.kpis[mid]
            section.kpis[mid] = k.model_copy(
                update={"previous_value": None, "previous_display": rules.symbol}
            )


def _small(k: Kpi, rules: PublicationRules) -> bool:
    """The report's rule (report/publication.py `holds_small`), except that a ratio's
    denominator (team managers, FTE) is not a count of children or workers that could be
    worked back, so only its numerator counts."""
    denominator = None if k.unit == "ratio" else k.denominator
    return holds_small(k.unit, k.value, k.numerator, denominator, rules)


def _publish_figures(f: cl.CaseloadFigures, rules: PublicationRules) -> None:
    f.maximum = None
    for a in f.at_or_above:
        if is_small(a.workers, rules):
            a.workers = None
            a.display = rules.symbol
