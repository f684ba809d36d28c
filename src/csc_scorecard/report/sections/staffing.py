"""The report's staffing section, from data: supervision, caseloads, spans, audits, agency, turnover.

`staffing_section(store, la_code, quarter)` returns one JSON-serialisable `StaffingSection`: the
figures (the workforce measures for the quarter and the one before, caseload positions at the
quarter end and a comparison date on three bases, a twelve-month caseload trend, team spans,
supervision by team, audits by type, the latest census rates), chart data, and generated
paragraphs in the seed's order (paras 28-33 and 42). Every number in a sentence is a `Cite`
whose JSON pointer (prefixed with `ref_prefix`, e.g. "/staffing" where the report nests the
section) resolves to the value it prints, so the narrative cannot disagree with the figures.

Publication (`publication=True`, design.md "Privacy and security"): worker-level content is left
out - the per-worker caseload list, the overdue-supervision list, team-level caseload and
supervision breakdowns, the highest caseload and, when the report layout counts the highest
span as worker level (one team manager's), each team's span - and small counts (1 to 5) are
shown as `c`, as report/publication.py does for every figure.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import ibis
from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.measures.catalogue import measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.engine import compute
from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.measures.workforce import caseloads as cl
from csc_scorecard.measures.workforce.audits import Audits, audits
from csc_scorecard.measures.workforce.rates import RATES, own_census
from csc_scorecard.measures.workforce.settings import WorkforceSettings, default_settings
from csc_scorecard.measures.workforce.snapshot import month_ends
from csc_scorecard.measures.workforce.spans import Spans, spans
from csc_scorecard.measures.workforce.supervision import Supervision, supervision
from csc_scorecard.measures.workforce.supervision_returns import (
    SupervisionReturns,
    supervision_returns,
)
from csc_scorecard.model.codes import codes
from csc_scorecard.model.periods import Quarter
from csc_scorecard.report.formatting import display, long_date, number
from csc_scorecard.report.layout import layout
from csc_scorecard.store import Store
from csc_scorecard.wording import Cited, Paragraph, Sentence, say

if TYPE_CHECKING:
    from csc_scorecard.report.publication import PublicationRules

SCHEMA_VERSION = "1.0.0"
MEASURES = (
    "supervision_in_timescale",
    "case_audits_good_or_better",
    "case_audits_requires_improvement_or_better",
    "agency_fte_rate",
    "staff_turnover_rate",
    "staff_turnover_rate_local",
    "vacancy_rate",
    "caseload_average",
    "children_per_case_holder_fte",
    "workers_caseload_20_plus",
    "workers_caseload_25_plus",
    "caseload_max",
    "team_manager_span_max",
)

KpiStatus = Literal["ok", "not_available", "not_reportable", "suppressed", "withheld"]


def worker_level() -> set[str]:
    """Measures about a single worker, withheld from a published report: the report layout's
    `worker_level_measures` (the highest caseload; the highest span, one team manager's)."""
    return set(layout().worker_level_measures)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Kpi(_Model):
    """A workforce measure for the quarter (and the quarter before), as the appendix shows it."""

    measure: str
    title: str
    unit: str
    polarity: str
    value: float | None
    numerator: float | None
    denominator: float | None
    display: str = Field(description="as printed: '' when none, 'c' when suppressed")
    previous_value: float | None
    previous_display: str
    status: KpiStatus
    reason: str | None = None


class CensusFigures(_Model):
    """The authority's latest workforce census (30 September) as DfE would publish it."""

    year: int
    date: date
    date_text: str
    counts: dict[str, float | None]
    rates: dict[str, float | None]


class ChartPoint(_Model):
    """One data point of a chart (the report's `ChartPoint` shape)."""

    x: str = Field(description="category or date")
    y: float | None
    series: str


class SectionChart(_Model):
    """Chart data (the renderer draws it): categories on x, one or more series."""

    id: str
    title: str
    unit: str
    data: list[ChartPoint]
    reference: float | None = Field(
        None, description="a standard drawn as a line, e.g. 100 cases per manager"
    )
    reference_label: str | None = None


class StaffingSection(_Model):
    schema_version: str = SCHEMA_VERSION
    la_code: str
    quarter: str
    quarter_label: str
    quarter_short: str
    date: date
    date_text: str
    compare_date: date
    compare_date_text: str
    publication: bool
    ref_prefix: str = Field(
        "", description="where the report puts the section: the cites' JSON pointers start with it"
    )
    settings: WorkforceSettings
    kpis: dict[str, Kpi]
    caseloads: cl.CaseloadPosition
    caseloads_compare: cl.CaseloadPosition
    caseloads_fte: cl.CaseloadPosition
    caseloads_weighted: cl.CaseloadPosition
    trend: list[cl.TrendPoint]
    spans: Spans
    supervision: Supervision
    supervision_returns: SupervisionReturns | None = Field(
        None, description="supervision recorded in the quarter by team (supervision_returns.py)"
    )
    audits: Audits
    census: CensusFigures | None
    workers: list[cl.WorkerCaseload] | None = Field(
        description="case holders (left out when published)"
    )
    notes: list[str] = []
    charts: list[SectionChart] = []
    paragraphs: list[Paragraph] = []


def staffing_section(
    store: Store,
    la_code: str,
    quarter: Quarter | str,
    *,
    publication: bool = False,
    compare: date | None = None,
    settings: WorkforceSettings | None = None,
    ref_prefix: str = "",
    backend: Any = None,
    measures: MeasureRun | None = None,
) -> StaffingSection:
    """The staffing section for one authority and quarter.

    `compare` is the earlier date the caseload position is compared with (default: the end of
    the previous quarter); `ref_prefix` is where the report puts the section, so the sentences'
    JSON pointers resolve from the report context's root. `measures`, a `MeasureRun` the
    report has already computed for the quarter, saves computing the workforce measures again.
    """
    q = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    s = settings or default_settings()
    at = q.end
    before = compare or q.previous().end
    be = backend or ibis.duckdb.from_connection(store.con)
    ctx = Context(be, [la_code], [q.previous(), q])

    positions = cl.positions(ctx, {"now": at, "compare": before}, settings=s)
    year = month_ends(*q.window("rolling_12_months"))  # the 12 month ends to the quarter end
    section = StaffingSection(
        la_code=la_code,
        quarter=str(q),
        quarter_label=q.label,
        quarter_short=f"Q{q.quarter}",
        date=at,
        date_text=long_date(at),
        compare_date=before,
        compare_date_text=long_date(before),
        publication=False,
        ref_prefix=ref_prefix,
        settings=s,
        kpis=_kpis(ctx, q, measures),
        caseloads=positions[("now", "cases")],
        caseloads_compare=positions[("compare", "cases")],
        caseloads_fte=positions[("now", "fte")],
        caseloads_weighted=positions[("now", "weighted")],
        trend=cl.trend(ctx, year, settings=s),
        spans=spans(ctx, at, s),
        supervision=supervision(ctx, at, s, workers=not publication),
        supervision_returns=supervision_returns(ctx, q.start, at, s),
        audits=audits(ctx, q.start, q.end),
        census=_census(ctx, at),
        workers=None if publication else cl.workers(ctx, at, s),
    )
    section.notes = _notes(section)
    if publication:
        return publish(section)
    section.charts = _charts(section)
    section.paragraphs = paragraphs(section, ref_prefix)
    return section


def publish(section: StaffingSection) -> StaffingSection:
    """The section as published: a copy with worker-level content left out and small counts
    suppressed, its charts and sentences written again from what is left (the original is
    unchanged, so a report can build the section once and publish it too)."""
    out = section.model_copy(deep=True)
    out.publication = True
    _publish(out)
    out.charts = _charts(out)
    out.paragraphs = paragraphs(out, out.ref_prefix)
    return out


# --------------------------------------------------------------------------- figures


def _kpis(ctx: Context, q: Quarter, run: MeasureRun | None = None) -> dict[str, Kpi]:
    if run is not None and all(run.value(mid, p) for mid in MEASURES for p in (q, q.previous())):
        rows = {
            (mid, str(p)): run.value(mid, p) or {} for mid in MEASURES for p in (q, q.previous())
        }
    else:
        rows = {(r["measure"], r["period"]): r for r in compute(ctx, list(MEASURES)).to_pylist()}
    out = {}
    for mid in MEASURES:
        m = measure(mid)
        now, prev = rows.get((mid, str(q)), {}), rows.get((mid, str(q.previous())), {})
        # Twelve significant digits, as the report's figures: parallel sums vary in the last bit.
        value = cl.stable(now.get("value"))
        status = now.get("status") or ("ok" if value is not None else "not_available")
        before = cl.stable(prev.get("value")) if prev.get("status", "ok") == "ok" else None
        out[mid] = Kpi(
            measure=mid,
            title=m.title,
            unit=m.unit,
            polarity=m.polarity,
            value=value,
            numerator=cl.stable(now.get("numerator")),
            denominator=cl.stable(now.get("denominator")),
            # a figure whose data failed the quality checks is not printed (as in the appendix)
            display=display(value, m.unit) if status == "ok" else "",
            previous_value=before,
            previous_display=display(before, m.unit),
            status=status,
            reason=now.get("reason")
            or (None if value is not None else "no records to count in the period"),
        )
    return out


def _census(ctx: Context, at: date) -> CensusFigures | None:
    counts = {
        year: c
        for (la, year), c in own_census(ctx.backend, ctx.table).items()
        if la == ctx.la_codes[0]
    }
    held = [y for y in counts if date(y, 9, 30) <= at]
    if not held:
        return None
    year = max(held)
    c = counts[year]
    return CensusFigures(
        year=year,
        date=date(year, 9, 30),
        date_text=long_date(date(year, 9, 30)),
        counts={
            k: getattr(c, k)
            for k in (
                "inpost_fte",
                "leavers_fte",
                "agency_fte",
                "vacancy_fte",
                "cases",
                "case_holders_fte",
            )
        },
        rates={k: c.rate(k) for k in RATES if k.endswith("_fte")},
    )


def _notes(section: StaffingSection) -> list[str]:
    notes = []
    n = section.caseloads.cases_without_post
    if n:
        children = "1 child was" if n == 1 else f"{number(n)} children were"
        notes.append(
            f"{children} allocated on {section.date_text} to workers with no post recorded on "
            "that date; they are not in any team's figures."
        )
    none = [t.team_name for t in section.spans.teams if t.manager_source == "none"]
    if none:
        notes.append(f"No team manager recorded for: {', '.join(none)}.")
    named = [t.team_name for t in section.spans.teams if t.manager_source == "teams"]
    if named:
        notes.append(
            "Manager taken from the teams list (no manager post recorded on the date) for: "
            + ", ".join(named)
            + "."
        )
    return notes


def _publish(section: StaffingSection) -> None:
    """Leave out worker-level content and show small counts (1 to 5) as `c`, dropping the value
    and anything it could be worked back from (report/publication.py's rule)."""
    # Imported here: the report context nests this section, so the report imports this module.
    from csc_scorecard.report.publication import PublicationRules, is_small

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
    """As report/publication.py, except that a ratio's denominator (team managers, FTE) is not
    a count of children or workers that could be worked back, so only its numerator counts."""
    from csc_scorecard.report.publication import is_small

    if k.unit == "count":
        return is_small(k.value, rules)
    if k.unit == "ratio":
        return is_small(k.numerator, rules)
    return is_small(k.numerator, rules) or is_small(k.denominator, rules)


def _publish_figures(f: cl.CaseloadFigures, rules: PublicationRules) -> None:
    from csc_scorecard.report.publication import is_small

    f.maximum = None
    for a in f.at_or_above:
        if is_small(a.workers, rules):
            a.workers = None
            a.display = rules.symbol


def _charts(section: StaffingSection) -> list[SectionChart]:
    labels = cl.band_labels(section.settings.caseloads.thresholds)
    data = []
    for pos in (section.caseloads_compare, section.caseloads):
        counts = _band_counts(pos, labels)
        data += [ChartPoint(x=band, y=counts[band], series=long_date(pos.date)) for band in labels]
    spans_data = [
        ChartPoint(x=t.team_name, y=t.cases_per_manager, series="Cases per team manager")
        for t in section.spans.teams
        if t.cases_per_manager is not None
    ]
    trend = []
    for p in section.trend:
        for a in p.figures.at_or_above:
            trend.append(
                ChartPoint(x=p.date.isoformat(), y=a.workers, series=f"{a.threshold} or more cases")
            )
    return [
        SectionChart(
            id="caseload_distribution", title="Workers by caseload", unit="count", data=data
        ),
        SectionChart(
            id="team_manager_spans",
            title="Cases per team manager",
            unit="ratio",
            data=spans_data,
            reference=section.spans.standard_cases,
            reference_label="Standard",
        ),
        SectionChart(
            id="caseload_trend",
            title="Workers at or above each caseload level",
            unit="count",
            data=trend,
        ),
    ]


def _band_counts(pos: cl.CaseloadPosition, labels: list[str]) -> dict[str, float | None]:
    """Workers per band from the at-or-above counts: band k = at_or_above(t_k) - at_or_above(t_k+1)."""
    t = pos.total
    above = [a.workers for a in t.at_or_above]
    counts: dict[str, float | None] = {}
    values = [t.case_holders - t.without_value, *above, 0]
    for i, label in enumerate(labels):
        hi, lo = values[i], values[i + 1]
        counts[label] = None if hi is None or lo is None else float(hi - lo)
    return counts


# --------------------------------------------------------------------------- sentences


class _Cites:
    """Cited values read from the section's own JSON, so each cite is its field's value."""

    def __init__(self, section: StaffingSection, prefix: str) -> None:
        self.data = section.model_dump(mode="json")
        self.prefix = prefix

    def get(self, path: str) -> Any:
        node: Any = self.data
        for part in path.strip("/").split("/"):
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def num(self, path: str, unit: str = "count") -> Cited:
        value = self.get(path)
        return Cited("c" if value is None else display(value, unit), self.prefix + path, value)

    def text(self, path: str) -> Cited:
        """A field holding text: a name, a date as printed, a figure's `display`."""
        value = self.get(path)
        return Cited(str(value), self.prefix + path, value)


def paragraphs(section: StaffingSection, ref_prefix: str = "") -> list[Paragraph]:
    """The section's narrative, in the seed's order: supervision, caseloads (now, then, per FTE
    and weighted), spans of control, audits, agency, turnover and vacancies."""
    c = _Cites(section, ref_prefix)
    out = [
        _supervision_paragraph(section, c),
        returns_paragraph(section.supervision_returns, c, "/supervision_returns"),
        _caseload_paragraph(section, c, "caseloads", first=True),
        _caseload_paragraph(section, c, "caseloads_compare", first=False),
        _adjusted_paragraph(section, c),
        _spans_paragraph(section, c),
        _audit_paragraph(section, c),
        _agency_paragraph(section, c),
    ]
    return [p for p in out if p is not None and (p.sentences or p.bullets)]


def paragraph_groups(section: StaffingSection, ref_prefix: str = "") -> dict[str, list[Paragraph]]:
    """The narrative by the report's staffing subsections (layout.yaml): `supervision`
    (supervision, then case file audits), `caseloads` (now, then, per FTE and weighted, spans
    of control) and `workforce` (agency, turnover and vacancies). Paragraphs with nothing to
    say are left out."""
    c = _Cites(section, ref_prefix)
    groups = {
        "supervision": [
            _supervision_paragraph(section, c),
            returns_paragraph(section.supervision_returns, c, "/supervision_returns"),
            _audit_paragraph(section, c),
        ],
        "caseloads": [
            _caseload_paragraph(section, c, "caseloads", first=True),
            _caseload_paragraph(section, c, "caseloads_compare", first=False),
            _adjusted_paragraph(section, c),
            _spans_paragraph(section, c),
        ],
        "workforce": [_agency_paragraph(section, c)],
    }
    return {
        k: [p for p in ps if p is not None and (p.sentences or p.bullets)]
        for k, ps in groups.items()
    }


def _plural(n: float | None, one: str, many: str) -> str:
    """The word for a count (a suppressed count reads as plural).

    >>> _plural(1, "worker", "workers"), _plural(2, "worker", "workers"), _plural(None, "was", "were")
    ('worker', 'workers', 'were')
    """
    return one if n == 1 else many


def _supervision_paragraph(section: StaffingSection, c: _Cites) -> Paragraph | None:
    sv = section.supervision
    if sv.total.staff == 0:
        return None
    sentences = [
        say(
            "On {d}, {n} of {staff} front-line staff ({pct}) had had supervision within the last "
            "{days} days.",
            d=c.text("/date_text"),
            n=c.num("/supervision/total/in_timescale"),
            staff=c.num("/supervision/total/staff"),
            pct=c.num("/supervision/total/percent", "percent"),
            days=c.num("/supervision/standard_days"),
        )
    ]
    teams = [(i, t) for i, t in enumerate(sv.by_team) if t.percent is not None and t.staff]
    if teams:
        i, _ = min(teams, key=lambda it: (it[1].percent, it[1].name))
        sentences.append(
            say(
                "The lowest share was in {team} ({pct}, {n} of {staff}).",
                team=c.text(f"/supervision/by_team/{i}/name"),
                pct=c.num(f"/supervision/by_team/{i}/percent", "percent"),
                n=c.num(f"/supervision/by_team/{i}/in_timescale"),
                staff=c.num(f"/supervision/by_team/{i}/staff"),
            )
        )
    if sv.overdue_count != 0:
        sentences.append(
            say(
                "{n} staff {were} overdue a supervision{listed}.",
                n=c.num("/supervision/overdue_count"),
                were=_plural(sv.overdue_count, "was", "were"),
                listed="; they are listed for their managers, longest overdue first"
                if sv.overdue
                else "",
            )
        )
    return Paragraph(sentences=sentences)


def returns_paragraph(r: SupervisionReturns | None, c: _Cites, base: str) -> Paragraph | None:
    """The share of staff with a supervision recorded in the quarter and the teams that have
    yet to add their data (seed para 28), every number cited under `base` (where the section
    holds `r`); None when no staff are counted."""
    if r is None or not r.team_count:
        return None
    sentences = [
        say(
            "In {q}, {n} of {staff} front-line staff ({pct}) had at least one supervision recorded.",
            q=c.text("/quarter_short"),
            n=c.num(f"{base}/total/supervised"),
            staff=c.num(f"{base}/total/staff"),
            pct=c.num(f"{base}/total/percent", "percent"),
        )
    ]
    if r.teams_without_data:
        one = r.teams_without_data == 1
        sentences.append(
            say(
                "{n} " + ("team has" if one else "teams have") + " yet to add supervision data "
                "for the quarter, so this figure is expected to increase.",
                n=c.num(f"{base}/teams_without_data"),
            )
        )
    else:
        sentences.append(
            say(
                "All {n} " + ("team has" if r.team_count == 1 else "teams have") + " added "
                "supervision data for the quarter.",
                n=c.num(f"{base}/team_count"),
            )
        )
    return Paragraph(sentences=sentences)


def _at_or_above(c: _Cites, base: str, k: int) -> Cited:
    return c.text(f"{base}/at_or_above/{k}/display")


def _caseload_paragraph(
    section: StaffingSection, c: _Cites, field: str, *, first: bool
) -> Paragraph | None:
    pos: cl.CaseloadPosition = getattr(section, field)
    if not pos.total.case_holders:
        return None
    base = f"/{field}/total"
    d = c.text("/date_text" if first else "/compare_date_text")
    thresholds = pos.thresholds
    k = len(thresholds)
    sentences: list[Sentence] = []
    opening = "On {d}, " if first else "The position on {d} was: "
    top = k - 1
    second = k - 2
    has_max = pos.total.maximum is not None
    levels = pos.total.at_or_above

    def workers(i: int) -> str:
        return _plural(levels[i].workers, "worker", "workers")

    if k >= 2:
        tail = ", with the highest caseload being {max}." if has_max else "."
        sentences.append(
            say(
                opening
                + "{n} {workers} had a caseload of {t} or higher. Of those {m} had a caseload of "
                "{u} or higher" + tail,
                d=d,
                n=_at_or_above(c, base, second),
                workers=workers(second),
                t=c.num(f"{base}/at_or_above/{second}/threshold"),
                m=_at_or_above(c, base, top),
                u=c.num(f"{base}/at_or_above/{top}/threshold"),
                **({"max": c.num(f"{base}/maximum")} if has_max else {}),
            )
        )
        for i in range(second - 1, -1, -1):
            sentences.append(
                say(
                    "{n} {workers} had a caseload of {t} or higher.",
                    n=_at_or_above(c, base, i),
                    workers=workers(i),
                    t=c.num(f"{base}/at_or_above/{i}/threshold"),
                )
            )
    else:
        tail = ", and the highest caseload was {max}." if has_max else "."
        sentences.append(
            say(
                opening + "{n} {workers} had a caseload of {t} or higher" + tail,
                d=d,
                n=_at_or_above(c, base, 0),
                workers=workers(0),
                t=c.num(f"{base}/at_or_above/0/threshold"),
                **({"max": c.num(f"{base}/maximum")} if has_max else {}),
            )
        )
    if first:
        # Say the basis: the caseload figures count case holders on the case system in scope
        # (settings), of every role unless only qualified staff are counted - not the workforce
        # census's social workers, whose count differs (issue 16: one number for one thing).
        scope = section.settings.caseloads
        kind = ("front-line " if scope.front_line_only else "") + (
            "qualified " if scope.qualified_only else ""
        )
        roles = "" if scope.qualified_only else " of every role"
        sentences.append(
            say(
                "In all {n} " + kind + "{holders}" + roles + " on the case system held {cases} "
                "{word}.",
                n=c.num(f"{base}/case_holders"),
                holders=_plural(pos.total.case_holders, "case holder", "case holders"),
                cases=c.num(f"{base}/cases"),
                word=_plural(pos.total.cases, "case", "cases"),
            )
        )
    return Paragraph(sentences=sentences)


def _adjusted_paragraph(section: StaffingSection, c: _Cites) -> Paragraph | None:
    """Per FTE and weighted by role: the corrections the seed asks for (para 29)."""
    fte, wt = section.caseloads_fte, section.caseloads_weighted
    if not fte.total.case_holders:
        return None
    k = len(fte.thresholds) - 2 if len(fte.thresholds) >= 2 else 0
    sentences = [
        say(
            "Allowing for part-time working, {n} {workers} held {t} or more cases per full-time "
            "equivalent, and {m} held {u} or more.",
            n=_at_or_above(c, "/caseloads_fte/total", k),
            workers=_plural(fte.total.at_or_above[k].workers, "worker", "workers"),
            t=c.num(f"/caseloads_fte/total/at_or_above/{k}/threshold"),
            m=_at_or_above(c, "/caseloads_fte/total", len(fte.thresholds) - 1),
            u=c.num(f"/caseloads_fte/total/at_or_above/{len(fte.thresholds) - 1}/threshold"),
        )
    ]
    if wt.total.case_holders and wt.total.average is not None:
        sentences.append(
            say(
                "Weighting each caseload by the worker's role (advanced practitioners and newly "
                "qualified social workers carry fewer cases, managers none) and leaving out {x} "
                "{workers} who {were} new, leaving or on long-term absence, the average was {avg} cases "
                "per weighted full-time equivalent and {n} {at} at {t} or more.",
                x=c.num("/caseloads_weighted/excluded_workers"),
                workers=_plural(wt.excluded_workers, "worker", "workers"),
                were=_plural(wt.excluded_workers, "was", "were"),
                at=_plural(wt.total.at_or_above[k].workers, "worker was", "workers were"),
                avg=c.num("/caseloads_weighted/total/average", "ratio"),
                n=_at_or_above(c, "/caseloads_weighted/total", k),
                t=c.num(f"/caseloads_weighted/total/at_or_above/{k}/threshold"),
            )
        )
    if section.kpis["children_per_case_holder_fte"].status == "ok":
        sentences.append(
            say(
                "At the end of the quarter there were {avg} children per case-holding full-time "
                "equivalent social worker.",
                avg=c.text("/kpis/children_per_case_holder_fte/display"),
            )
        )
    census = section.census
    if census is not None and census.rates.get("caseload_fte") is not None:
        sentences.append(
            say(
                "The workforce census at {d} recorded an average caseload of {v} on the "
                "Department for Education's definition, which also counts carers allocated for "
                "fostering or adoption assessment.",
                d=c.text("/census/date_text"),
                v=c.num("/census/rates/caseload_fte", "ratio"),
            )
        )
    return Paragraph(sentences=sentences)


def _spans_paragraph(section: StaffingSection, c: _Cites) -> Paragraph | None:
    sp = section.spans
    if not sp.team_count:
        return None
    if sp.teams_over_standard == 0:
        return Paragraph(
            sentences=[
                say(
                    "On {d} none of the {all} front-line teams was above the team manager span of control "
                    "of about {std} cases per manager.",
                    d=c.text("/date_text"),
                    all=c.num("/spans/team_count"),
                    std=c.num("/spans/standard_cases"),
                )
            ]
        )
    sentences = [
        say(
            "Against a team manager span of control of about {std} cases per manager, {n} of {all} "
            "front-line teams were above the standard on {d}.",
            std=c.num("/spans/standard_cases"),
            n=c.num("/spans/teams_over_standard"),
            all=c.num("/spans/team_count"),
            d=c.text("/date_text"),
        )
    ]
    bullets = []
    if sp.biggest_challenge:
        a = next(
            i for i, x in enumerate(sp.service_areas) if x.service_area == sp.biggest_challenge
        )
        area = c.text(f"/spans/service_areas/{a}/service_area")
        if sp.teams:  # the seed's list: the area's teams, most cases per manager first
            sentences.append(
                say("{area} has the biggest challenge, with the position being:", area=area)
            )
            bullets = [
                say(
                    "{n} {team}",
                    n=c.num(f"/spans/teams/{i}/cases_per_manager"),
                    team=c.text(f"/spans/teams/{i}/team_name"),
                )
                for i, t in enumerate(sp.teams)
                if t.service_area == sp.biggest_challenge and t.cases_per_manager is not None
            ]
        else:  # published: each team's span describes its manager, so it is left out
            sentences.append(
                say(
                    "{area} has the biggest challenge, with {n} of its {all} teams above the standard.",
                    area=area,
                    n=c.num(f"/spans/service_areas/{a}/teams_over_standard"),
                    all=c.num(f"/spans/service_areas/{a}/teams"),
                )
            )
    return Paragraph(sentences=sentences, bullets=bullets)


def _audit_paragraph(section: StaffingSection, c: _Cites) -> Paragraph | None:
    au = section.audits
    if au.total.audits == 0:
        return None
    parts = []
    slots: dict[str, Cited | str] = {"q": c.text("/quarter_short")}
    for i, f in enumerate(au.by_type):
        parts.append(
            f"{{n{i}}} {{label{i}}}, of which {{g{i}}} {{were{i}}} judged to be good or better"
        )
        slots[f"n{i}"] = c.num(f"/audits/by_type/{i}/audits")
        slots[f"label{i}"] = _audit_words(f.audit_type) + _plural(f.audits, " audit", " audits")
        slots[f"g{i}"] = c.num(f"/audits/by_type/{i}/good_or_better")
        slots[f"were{i}"] = _plural(f.good_or_better, "was", "were")
    body = "; ".join(parts)
    sentences = [
        say(
            "In {q} there {were} " + body + ".",
            were=_plural(au.by_type[0].audits, "was", "were"),
            **slots,
        )
    ]
    sentences.append(
        say(
            "Overall {good} of audits were graded good or better and {ri} requires improvement or better.",
            good=c.num("/audits/total/good_or_better_percent", "percent"),
            ri=c.num("/audits/total/requires_improvement_or_better_percent", "percent"),
        )
    )
    return Paragraph(sentences=sentences)


def _audit_words(audit_type: str | None) -> str:
    return {"social_care": "social care", "family_support": "family support"}.get(
        audit_type or "", (codes("audit_type").get(audit_type or "") or "other").lower()
    )


def _agency_paragraph(section: StaffingSection, c: _Cites) -> Paragraph | None:
    k = section.kpis
    sentences = []
    agency = k["agency_fte_rate"]
    if agency.status == "ok":
        sentences.append(
            say(
                "At the end of the quarter agency workers held {a} of the {all} full-time equivalent "
                "social worker posts filled ({pct}).",
                a=c.num("/kpis/agency_fte_rate/numerator", "ratio"),
                all=c.num("/kpis/agency_fte_rate/denominator", "ratio"),
                pct=c.text("/kpis/agency_fte_rate/display"),
            )
        )
    turnover = k["staff_turnover_rate_local"]
    if turnover.status == "ok":
        sentences.append(
            say(
                "In the year to {d}, employed social workers amounting to {n} full-time equivalents "
                "left the authority: a turnover rate of {pct} of the average in post (a local "
                "measure).",
                d=c.text("/date_text"),
                n=c.num("/kpis/staff_turnover_rate_local/numerator", "ratio"),
                pct=c.text("/kpis/staff_turnover_rate_local/display"),
            )
        )
    census = section.census
    if census is not None and census.rates.get("vacancy_rate_fte") is not None:
        sentences.append(
            say(
                "The workforce census at {d} recorded a vacancy rate of {v}.",
                d=c.text("/census/date_text"),
                v=c.num("/census/rates/vacancy_rate_fte", "percent"),
            )
        )
    if census is not None and census.rates.get("turnover_rate_fte") is not None:
        sentences.append(
            say(
                "On the Department for Education's definition (leavers in the year to {d} as a "
                "share of those in post on that day) turnover was {v}.",
                d=c.text("/census/date_text"),
                v=c.num("/census/rates/turnover_rate_fte", "percent"),
            )
        )
    return Paragraph(sentences=sentences) if sentences else None
