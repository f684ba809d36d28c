"""The finance and sufficiency section: figures, sentences, tables and chart data in one object.

`finance_section(store, la_code, quarter)` runs the care-ladder forecast (`care_ladder`), the
placement projection (`projection`) and the homes register (`pipeline`) for a quarter and a
scenario, and returns a `FinanceSection`: JSON-serialisable, with

* `figures`: every number the section prints, by id, each with its unit, display text and the
  scenario it was computed under;
* `paragraphs`: generated sentences mirroring the seed report's paragraphs 36-44 (and one on the
  projection), every number cited by a JSON pointer into this object (`wording.say`);
* `variance_table`: budget, forecast and variance by line, group, offset and staffing line;
* `charts`: data for the variance by line and for the projection with its band;
* `outturn`, `projection`, `pipeline`: the full results behind them;
* `high_cost_packages`: open packages by weekly cost (child-level, so None when publishing).

Publication mode (design.md, "Privacy and security") leaves out child-level package lists and
prints counts of children from 1 to 5 as "c" (the report's default suppression rule).
`tidy(section)` flattens it for Power BI.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.forecast import wording as w
from csc_scorecard.forecast.care_ladder import GroupForecast, Outturn, Package, forecast_outturn
from csc_scorecard.forecast.ledger import year_bounds
from csc_scorecard.forecast.pipeline import Pipeline, homes_pipeline, pipeline_paragraphs
from csc_scorecard.forecast.projection import Projection, project
from csc_scorecard.forecast.scenarios import Scenario
from csc_scorecard.forecast.scenarios import scenario as get_scenario
from csc_scorecard.forecast.wording import Paragraph
from csc_scorecard.measures.periods import Quarter
from csc_scorecard.store import Store
from csc_scorecard.wording import Cited, Sentence, join, listing, say

SCHEMA_VERSION = "1.0.0"
SMALL = (1, 5)  # counts of children printed as "c" in publication mode (report default)

Unit = Literal[
    "gbp", "gbp_per_year", "gbp_per_week", "gbp_per_night", "count", "fte", "share", "nights"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FinanceFigure(_Model):
    id: str
    label: str
    value: float | None
    unit: Unit
    display: str
    scenario: str
    status: Literal["ok", "suppressed"] = "ok"
    line: str | None = None
    group: str | None = None


class VarianceRow(_Model):
    id: str
    kind: Literal["group", "line", "offset", "subtotal", "staffing", "total"]
    name: str
    group: str | None = None
    budget: float | None
    forecast: float | None
    variance: float | None
    budget_display: str
    forecast_display: str
    variance_display: str = Field(description="'+' overspend, '-' underspend")


class VariancePoint(_Model):
    id: str
    label: str
    kind: str
    variance: float


class ProjectionChartPoint(_Model):
    date: date
    group: str
    series: Literal["actual", "projected"]
    value: float
    low: float | None = None
    high: float | None = None


class Charts(_Model):
    variance_by_line: list[VariancePoint]
    projection: list[ProjectionChartPoint]


class FinanceSection(_Model):
    schema_version: str = SCHEMA_VERSION
    la_code: str
    period: str
    as_at: date
    as_at_text: str
    financial_year: str = Field(description="2022/23")
    year_start: date
    year_end: date
    month: int
    scenario: str
    scenario_description: str
    publication: bool
    figures: dict[str, FinanceFigure]
    paragraphs: list[Paragraph]
    variance_table: list[VarianceRow]
    charts: Charts
    outturn: Outturn
    projection: Projection | None
    pipeline: Pipeline | None
    high_cost_packages: list[Package] | None
    notes: list[str] = []

    def paragraph(self, pid: str) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.id == pid), None)


# --------------------------------------------------------------------------- building


class _Figures:
    """Collects figures and hands back citable values for sentences."""

    def __init__(self, scenario: str, publication: bool) -> None:
        self.scenario = scenario
        self.publication = publication
        self.items: dict[str, FinanceFigure] = {}

    def add(
        self,
        fid: str,
        label: str,
        value: float | None,
        unit: Unit,
        *,
        line: str | None = None,
        group: str | None = None,
    ) -> Cited:
        display = "" if value is None else _display(value, unit)
        status: Literal["ok", "suppressed"] = "ok"
        if (
            self.publication
            and unit == "count"
            and value is not None
            and SMALL[0] <= round(value) <= SMALL[1]
        ):
            value, display, status = None, "c", "suppressed"
        self.items[fid] = FinanceFigure(
            id=fid,
            label=label,
            value=value,
            unit=unit,
            display=display,
            scenario=self.scenario,
            status=status,
            line=line,
            group=group,
        )
        return Cited(display, f"/figures/{_pointer(fid)}/value", value)


def _pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _display(value: float, unit: Unit) -> str:
    match unit:
        case "gbp":
            return w.millions(value)
        case "gbp_per_year":
            return w.thousands(value)
        case "gbp_per_week":
            return w.weekly(value)
        case "gbp_per_night":
            return w.pounds(value)
        case "share":
            return w.percent(value)
        case "fte":
            return w.number(value, 1)
        case _:
            return w.number(value)


def _date(d: date, shown: str, ref: str) -> Cited:
    """A date as printed, citing the ISO date stored at `ref`."""
    return Cited(shown, ref, d.isoformat())


def _text(value: str, ref: str) -> Cited:
    return Cited(value, ref, value)


def _over(v: float) -> str:
    return "overspend" if v >= 0 else "underspend"


def finance_section(
    store: Store,
    la_code: str,
    quarter: Quarter | str,
    *,
    scenario: Scenario | str = "base",
    publication: bool = False,
    months: int = 24,
    simulations: int | None = None,
    seed: int = 0,
    scenarios_file: str | None = None,
) -> FinanceSection:
    """The finance and sufficiency section for one authority, quarter and scenario."""
    q = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    sc = get_scenario(scenario, scenarios_file)
    out = forecast_outturn(store, la_code, q, scenario=sc)
    notes: list[str] = []
    proj = None
    if store.con.execute(
        "SELECT count(*) FROM cla_episodes WHERE la_code = ?", [la_code]
    ).fetchone()[0]:
        proj = project(
            store, la_code, q.end, months, scenario=sc, simulations=simulations, seed=seed
        )
        notes += proj.notes
    else:
        notes.append("no SSDA903 episodes are loaded, so there is no placement projection")
    pipe = homes_pipeline(store, la_code, q.end)
    if not out.lines:
        notes.append(f"no care-ladder budget lines or costed placements for {q.label[3:]}")
    packages = None
    if publication:
        out = out.model_copy(
            update={"groups": [g.model_copy(update={"top_packages": []}) for g in out.groups]}
        )
    else:
        packages = sorted(
            (p for g in out.groups for p in g.top_packages), key=lambda p: -p.weekly_cost
        )

    figs = _Figures(sc.name, publication)
    paragraphs = [
        p
        for p in (
            _summary(out, figs),
            _ladder(out, figs),
            *[_group_paragraph(out, i, g, figs) for i, g in enumerate(out.groups)],
            _staffing(out, figs),
            _projection(proj, figs),
            *pipeline_paragraphs(pipe),
        )
        if p is not None
    ]
    return FinanceSection(
        la_code=la_code,
        period=str(q),
        as_at=out.as_at,
        as_at_text=w.long_date(out.as_at),
        financial_year=f"{out.financial_year}/{(out.financial_year + 1) % 100:02d}",
        year_start=year_bounds(out.financial_year)[0],
        year_end=year_bounds(out.financial_year)[1],
        month=out.month,
        scenario=sc.name,
        scenario_description=sc.description,
        publication=publication,
        figures=figs.items,
        paragraphs=paragraphs,
        variance_table=_variance_table(out),
        charts=Charts(variance_by_line=_variance_chart(out), projection=_projection_chart(proj)),
        outturn=out,
        projection=proj,
        pipeline=pipe,
        high_cost_packages=packages,
        notes=notes,
    )


# --------------------------------------------------------------------------- paragraphs 36-42


def _summary(out: Outturn, figs: _Figures) -> Paragraph | None:
    """Para 36: the total and its main elements."""
    if not out.lines and out.agency is None and out.establishment is None:
        return None
    fy = f"{out.financial_year}/{(out.financial_year + 1) % 100:02d}"
    total = figs.add(
        "total:variance", "Forecast variance against budget", out.total_variance, "gbp"
    )
    figs.add("total:budget", "Budget", out.total_budget, "gbp")
    figs.add("total:forecast", "Forecast outturn", out.total_forecast, "gbp")
    first = say(
        "The forecast outturn at month {m} is an {kind} of {v} against the {fy} budget.",
        m=Cited(str(out.month), "/month", out.month),
        kind=_over(out.total_variance),
        v=total,
        fy=_text(fy, "/financial_year"),
    )
    elements = [
        (
            "care_ladder:variance",
            "Care ladder variance",
            out.care_ladder_variance,
            "on the care ladder",
            "care ladder underspends",
        )
    ]
    if out.agency and out.agency.variance is not None:
        elements.append(
            (
                "agency:variance",
                "Agency staff variance",
                out.agency.variance,
                "on agency worker costs",
                "agency underspends",
            )
        )
    if out.establishment and out.establishment.variance is not None:
        elements.append(
            (
                "establishment:variance",
                "Staffing (establishment) variance",
                out.establishment.variance,
                "on staffing",
                "staffing underspends",
            )
        )
    cited = {fid: figs.add(fid, label, v, "gbp") for fid, label, v, _, _ in elements}
    over = [
        ("{v} " + on, {"v": cited[fid]})
        for fid, _, v, on, _ in sorted(elements, key=lambda e: -e[2])
        if v > 0
    ]
    under = [
        (words + " of {v}", {"v": cited[fid]})
        for fid, _, v, _, words in sorted(elements, key=lambda e: e[2])
        if v < 0
    ]
    t_over, s_over = listing(over, prefix="o")
    t_under, s_under = listing(under, prefix="u")
    if over and under:
        second = say(
            "The main elements are " + t_over + "; offset by " + t_under + ".", **s_over, **s_under
        )
    elif over or under:
        second = say("The main elements are " + (t_over or t_under) + ".", **s_over, **s_under)
    else:
        second = None
    scen = say(
        "The forecast is on the {name} scenario: {d}",
        name=_text(out.scenario, "/scenario"),
        d=_text(out.scenario_description, "/scenario_description"),
    )
    return Paragraph(
        id="summary", seed_paragraph=36, sentences=[s for s in (first, second, scen) if s]
    )


def _ladder(out: Outturn, figs: _Figures) -> Paragraph | None:
    """Para 37: the care-ladder variance by group, less offsets."""
    if not out.lines:
        return None
    v = figs.add("care_ladder:variance", "Care ladder variance", out.care_ladder_variance, "gbp")
    figs.add("care_ladder:budget", "Care ladder budget", out.care_ladder_budget, "gbp")
    figs.add(
        "care_ladder:forecast",
        "Care ladder forecast (net of grants and offsets)",
        out.care_ladder_forecast,
        "gbp",
    )
    items = []
    for i, g in enumerate(out.groups):
        if g.variance is None:
            continue
        c = figs.add(f"group:{g.id}:variance", f"{g.name}: variance", g.variance, "gbp", group=g.id)
        name = _text(g.name, f"/outturn/groups/{i}/name")
        items.append(
            ("{n} {v}" if g.variance >= 0 else "{n} {v} under budget", {"n": name, "v": c})
        )
    t, s = listing(items)
    offsets = []
    for i, o in enumerate(out.offsets):
        c = figs.add(f"offset:{o.grant}:amount", f"{o.grant}", o.amount, "gbp", line=o.line)
        offsets.append(
            ("{v} from the {g}", {"v": c, "g": _text(o.grant, f"/outturn/offsets/{i}/grant")})
        )
    tail = ""
    if offsets:
        t2, s2 = listing(offsets, prefix="f")
        tail, s = ", offset by additional funding of " + t2, {**s, **s2}
    sentence = say(
        "The care ladder {kind} of {v} includes: " + t + tail + ".",
        kind=_over(out.care_ladder_variance),
        v=v,
        **s,
    )
    return Paragraph(id="care_ladder", seed_paragraph=37, sentences=[sentence])


def _group_paragraph(out: Outturn, i: int, g: GroupForecast, figs: _Figures) -> Paragraph | None:
    base = f"group:{g.id}"
    name = _text(g.short, f"/outturn/groups/{i}/short")
    if g.variance is None:
        return None
    fy_start, fy_end = year_bounds(out.financial_year)
    d0 = _date(fy_start, w.long_date(fy_start), "/year_start")
    d1 = _date(fy_end, w.long_date(fy_end), "/year_end")
    now = _text(w.long_date(out.as_at), "/as_at_text")
    variance = figs.add(f"{base}:variance", f"{g.name}: variance", g.variance, "gbp", group=g.id)
    n_start = figs.add(
        f"{base}:placements_year_start",
        f"{g.name} at 1 April",
        g.placements_year_start,
        "count",
        group=g.id,
    )
    n_now = figs.add(
        f"{base}:placements_now", f"{g.name} now", g.placements_now, "count", group=g.id
    )
    n_end = figs.add(
        f"{base}:placements_year_end",
        f"{g.name} projected at 31 March",
        g.placements_year_end,
        "count",
        group=g.id,
    )
    sentences: list[Sentence] = []
    seed_no = {
        "numbers_and_costs": 38,
        "fostering_split": 39,
        "average_placements": 40,
        "grant": 41,
    }[g.narrative]

    if g.narrative == "numbers_and_costs":
        direction = (
            "reduce"
            if round(g.placements_year_end) < g.placements_year_start
            else ("increase" if round(g.placements_year_end) > g.placements_year_start else "stay")
        )
        sentences.append(
            say("The {kind} on {n} placements is {v}.", kind=_over(g.variance), n=name, v=variance)
        )
        sentences.append(
            say(
                "The number of {n} placements at {d0} was {a}; the projection assumes that numbers "
                + direction
                + (" at" if direction == "stay" else " to")
                + " {b} at {d1}.",
                n=name,
                d0=d0,
                a=n_start,
                b=n_end,
                d1=d1,
            )
        )
        if g.budget_placements_start is not None and g.budget_placements_end is not None:
            bs = figs.add(
                f"{base}:budget_placements_start",
                f"{g.name}: budgeted at 1 April",
                g.budget_placements_start,
                "count",
                group=g.id,
            )
            be = figs.add(
                f"{base}:budget_placements_end",
                f"{g.name}: budgeted at 31 March",
                g.budget_placements_end,
                "count",
                group=g.id,
            )
            ds = g.placements_year_start - g.budget_placements_start
            de = g.placements_year_end - g.budget_placements_end
            cs = figs.add(
                f"{base}:over_budget_start",
                f"{g.name}: above budget at 1 April",
                abs(ds),
                "count",
                group=g.id,
            )
            ce = figs.add(
                f"{base}:over_budget_end",
                f"{g.name}: above budget at 31 March",
                abs(de),
                "count",
                group=g.id,
            )
            sentences.append(
                say(
                    "The budget assumed placement numbers would be {bs} at {d0} and {be} at {d1}: {cs} "
                    + ("more" if ds >= 0 else "fewer")
                    + " placements than budgeted at the beginning of the year, projected to be {ce} "
                    + ("more" if de >= 0 else "fewer")
                    + " at the end.",
                    bs=bs,
                    be=be,
                    d0=d0,
                    d1=d1,
                    cs=cs,
                    ce=ce,
                )
            )
        sentences.append(_unit_cost_sentence(g, base, now, figs))
    elif g.narrative == "fostering_split":
        f = out.fostering
        sentences.append(
            say("The {n} {kind} projection is {v}.", n=name, kind=_over(g.variance), v=variance)
        )
        if (
            f
            and f.placements_over_budget_start is not None
            and f.placements_over_budget_end is not None
        ):
            cs = figs.add(
                f"{base}:over_budget_start",
                "Fostering: placements above budget at 1 April",
                abs(f.placements_over_budget_start),
                "count",
                group=g.id,
            )
            ce = figs.add(
                f"{base}:over_budget_end",
                "Fostering: placements above budget at 31 March",
                abs(f.placements_over_budget_end),
                "count",
                group=g.id,
            )
            sentences.append(
                say(
                    "There were {cs} "
                    + ("more" if f.placements_over_budget_start >= 0 else "fewer")
                    + " placements than budgeted at {d0}, ending the year at {ce} "
                    + ("above" if f.placements_over_budget_end >= 0 else "below")
                    + " budget.",
                    cs=cs,
                    d0=d0,
                    ce=ce,
                )
            )
        if (
            f
            and f.planned_independent_share_year_end is not None
            and f.independent_share_year_end is not None
        ):
            p_ind = figs.add(
                "fostering:planned_independent_share",
                "Planned independent fostering share at 31 March",
                f.planned_independent_share_year_end,
                "share",
                group=g.id,
            )
            p_inh = figs.add(
                "fostering:planned_in_house_share",
                "Planned in-house fostering share at 31 March",
                1 - f.planned_independent_share_year_end,
                "share",
                group=g.id,
            )
            f_ind = figs.add(
                "fostering:independent_share_year_end",
                "Forecast independent fostering share at 31 March",
                f.independent_share_year_end,
                "share",
                group=g.id,
            )
            f_inh = figs.add(
                "fostering:in_house_share_year_end",
                "Forecast in-house fostering share at 31 March",
                1 - f.independent_share_year_end,
                "share",
                group=g.id,
            )
            achieved = f.independent_share_year_end <= f.planned_independent_share_year_end + 0.0005
            sentences.append(
                say(
                    "The budget is based on a split between independent fostering agency and in-house placements of "
                    "{a}/{b} at year end; based on current information a split of {c}/{d} is forecast"
                    + (
                        ", so the planned shift is on track."
                        if achieved
                        else ", so the planned shift is not expected to be achieved."
                    ),
                    a=p_ind,
                    b=p_inh,
                    c=f_ind,
                    d=f_inh,
                )
            )
    elif g.narrative == "average_placements":
        sentences.append(
            say(
                "The {kind} on the {n} placement budget is {v}.",
                kind=_over(g.variance),
                n=name,
                v=variance,
            )
        )
        if g.budget_average_placements is not None:
            ba = figs.add(
                f"{base}:budget_average_placements",
                f"{g.name}: budgeted average placements",
                g.budget_average_placements,
                "count",
                group=g.id,
            )
            fa = figs.add(
                f"{base}:average_placements",
                f"{g.name}: forecast average placements",
                g.average_placements,
                "count",
                group=g.id,
            )
            sentences.append(
                say(
                    "The budget was based on an average of {ba} placements; at {now} there are {n_now}, with an average of {fa} "
                    "forecast for the year.",
                    ba=ba,
                    now=now,
                    n_now=n_now,
                    fa=fa,
                )
            )
        s = _packages_sentence(g, base, name, figs)
        if s:
            sentences.append(s)
    elif g.narrative == "grant":
        starts = figs.add(
            f"{base}:starts_in_history",
            f"{g.name}: new placements in the history window",
            g.starts_in_history,
            "count",
            group=g.id,
        )
        last = figs.add(
            f"{base}:starts_last_month",
            f"{g.name}: new placements in the last month",
            g.starts_last_month,
            "count",
            group=g.id,
        )
        sentences.append(
            say(
                "Since {since} there have been {s} new {n} placements, including {m} in {month}.",
                since=_date(
                    out.history_from, w.long_date(out.history_from), "/outturn/history_from"
                ),
                s=starts,
                n=name,
                m=last,
                month=_date(out.as_at, f"{out.as_at:%B}", "/as_at"),
            )
        )
        grant = next((x for x in out.grants if x.line in g.lines), None)
        if grant:
            cost = figs.add(
                f"grant:{grant.line}:cost",
                f"{g.name}: projected spend",
                grant.cost,
                "gbp",
                group=g.id,
            )
            income = figs.add(
                f"grant:{grant.line}:income",
                f"{grant.grant}: projected income",
                grant.income,
                "gbp",
                group=g.id,
            )
            nights = figs.add(
                f"grant:{grant.line}:nights",
                f"{g.name}: nights funded",
                grant.nights,
                "nights",
                group=g.id,
            )
            rate = figs.add(
                f"grant:{grant.line}:rate_per_night",
                f"{grant.grant}: rate a night",
                grant.rate_per_night,
                "gbp_per_night",
                group=g.id,
            )
            pressure = figs.add(
                f"grant:{grant.line}:pressure",
                f"{g.name}: cost above grant",
                grant.pressure,
                "gbp",
                group=g.id,
            )
            sentences.append(
                say(
                    "The projected spend on {n} placements is {c} offset by grant funding of {i} ({nights} nights at {r} a night), "
                    + (
                        "a funding gap of {p}."
                        if grant.pressure >= 0
                        else "leaving {p} of grant unspent."
                    ),
                    n=name,
                    c=cost,
                    i=income,
                    nights=nights,
                    r=rate,
                    p=pressure,
                )
            )
        else:
            sentences.append(
                say(
                    "The {kind} on {n} placements is {v}.",
                    kind=_over(g.variance),
                    n=name,
                    v=variance,
                )
            )
    return Paragraph(
        id=f"group:{g.id}", seed_paragraph=seed_no, sentences=[s for s in sentences if s]
    )


def _unit_cost_sentence(g: GroupForecast, base: str, now: Cited, figs: _Figures) -> Sentence | None:
    if g.average_annual_cost is None:
        return None
    avg = figs.add(
        f"{base}:average_annual_cost",
        f"{g.name}: average package a year",
        g.average_annual_cost,
        "gbp_per_year",
        group=g.id,
    )
    tail: Sentence | None = None
    if g.top_tenth_low is not None and g.top_tenth_high is not None:
        lo = figs.add(
            f"{base}:top_weekly_low",
            f"{g.name}: dearest packages, lowest",
            g.top_tenth_low,
            "gbp_per_week",
            group=g.id,
        )
        hi = figs.add(
            f"{base}:top_weekly_high",
            f"{g.name}: dearest packages, highest",
            g.top_tenth_high,
            "gbp_per_week",
            group=g.id,
        )
        tail = say("The most expensive packages cost between {lo} and {hi} a week.", lo=lo, hi=hi)
    if g.budget_unit_cost is None:
        return join(
            say("The current average cost of packages at {now} is {a} a year.", now=now, a=avg),
            tail,
        )
    bud = figs.add(
        f"{base}:budget_unit_cost",
        f"{g.name}: budgeted cost a placement a year",
        g.budget_unit_cost,
        "gbp_per_year",
        group=g.id,
    )
    gap = g.average_annual_cost - g.budget_unit_cost
    diff = figs.add(
        f"{base}:unit_cost_gap",
        f"{g.name}: average package against budget",
        abs(gap),
        "gbp_per_year",
        group=g.id,
    )
    first = say(
        "The current average cost of packages at {now} is {d} "
        + ("more" if gap >= 0 else "less")
        + " a year per placement than budget, comparing {b} budget to an average placement cost of {a}.",
        now=now,
        d=diff,
        b=bud,
        a=avg,
    )
    return join(first, tail)


def _packages_sentence(g: GroupForecast, base: str, name: Cited, figs: _Figures) -> Sentence | None:
    """Para 40: the packages above the budgeted weekly cost, and a single outlier named apart."""
    if (
        g.budget_weekly is None
        or g.above_budget < 2
        or g.above_budget_low is None
        or g.above_budget_high is None
    ):
        return None
    n = figs.add(
        f"{base}:packages_above_budget",
        f"{g.name}: packages above the budgeted weekly cost",
        g.above_budget,
        "count",
        group=g.id,
    )
    avg = figs.add(
        f"{base}:budget_weekly",
        f"{g.name}: budgeted weekly cost",
        g.budget_weekly,
        "gbp_per_week",
        group=g.id,
    )
    lo = figs.add(
        f"{base}:packages_low",
        f"{g.name}: packages above budget, lowest",
        g.above_budget_low,
        "gbp_per_week",
        group=g.id,
    )
    hi = figs.add(
        f"{base}:packages_high",
        f"{g.name}: packages above budget, highest",
        g.above_budget_high,
        "gbp_per_week",
        group=g.id,
    )
    text = "There are currently {k} {n} packages above the budgeted {avg} a week, ranging from {lo} to {hi} a week"
    slots: dict = {"k": n, "n": name, "avg": avg, "lo": lo, "hi": hi}
    if g.outlier_weekly is not None:
        slots["o"] = figs.add(
            f"{base}:package_outlier",
            f"{g.name}: the dearest package",
            g.outlier_weekly,
            "gbp_per_week",
            group=g.id,
        )
        text += ", plus one package costing {o} a week"
    return say(text + ".", **slots)


def _staffing(out: Outturn, figs: _Figures) -> Paragraph | None:
    """Para 42: agency staff against the budget's glide path, and the establishment."""
    a, e = out.agency, out.establishment
    sentences: list[Sentence] = []
    if a and a.fte_latest is not None:
        fte = figs.add("agency:fte_latest", "Agency FTE in the latest month", a.fte_latest, "fte")
        month = _date(a.latest_month, f"{a.latest_month:%B}", "/outturn/agency/latest_month")
        if a.fte_over_target is not None:
            over = figs.add(
                "agency:fte_over_target",
                "Agency FTE against the target for this stage of the year",
                abs(a.fte_over_target),
                "fte",
            )
            figs.add(
                "agency:target_fte_now",
                "Agency FTE target for this stage of the year",
                a.target_fte_now,
                "fte",
            )
            sentences.append(
                say(
                    "The number of agency workers for {m} was {f} FTE, {o} FTE "
                    + ("more" if a.fte_over_target >= 0 else "fewer")
                    + " than the target for this stage of the year.",
                    m=month,
                    f=fte,
                    o=over,
                )
            )
        else:
            sentences.append(
                say("The number of agency workers for {m} was {f} FTE.", m=month, f=fte)
            )
        if a.forecast is not None and a.budget is not None and a.variance is not None:
            fc = figs.add("agency:forecast", "Agency staff forecast", a.forecast, "gbp")
            bd = figs.add("agency:budget", "Agency staff budget", a.budget, "gbp")
            v = figs.add("agency:variance", "Agency staff variance", a.variance, "gbp")
            sentences.append(
                say(
                    "Agency spend is forecast at {f} against a budget of {b}, an {k} of {v}.",
                    f=fc,
                    b=bd,
                    k=_over(a.variance),
                    v=v,
                )
            )
        if len(a.by_area) >= 2:
            items = [
                (
                    "{a} ({f} FTE)",
                    {
                        "a": _text(x.service_area, f"/outturn/agency/by_area/{i}/service_area"),
                        "f": figs.add(
                            f"agency:area:{x.service_area}",
                            f"Agency FTE: {x.service_area}",
                            x.fte,
                            "fte",
                        ),
                    },
                )
                for i, x in enumerate(a.by_area[:2])
            ]
            t, s = listing(items)
            sentences.append(say("Agency cover is greatest in " + t + ".", **s))
    if e and e.forecast is not None and e.variance is not None:
        v = figs.add(
            "establishment:variance", "Staffing (establishment) variance", e.variance, "gbp"
        )
        figs.add("establishment:forecast", "Staffing (establishment) forecast", e.forecast, "gbp")
        if e.vacancies_fte is not None and e.establishment_fte is not None:
            vac = figs.add("establishment:vacancies_fte", "Vacant FTE", e.vacancies_fte, "fte")
            est = figs.add(
                "establishment:establishment_fte",
                "Funded establishment FTE",
                e.establishment_fte,
                "fte",
            )
            sentences.append(
                say(
                    "Employed staffing is forecast to be {v} "
                    + ("over" if e.variance >= 0 else "under")
                    + " budget, with {x} FTE of the {y} FTE establishment vacant.",
                    v=v,
                    x=vac,
                    y=est,
                )
            )
    if not sentences:
        return None
    return Paragraph(id="staffing", seed_paragraph=42, sentences=sentences)


def _point(proj: Projection, d: date, group: str = "total") -> int:
    return next(i for i, p in enumerate(proj.points) if p.date == d and p.group == group)


def _projection(proj: Projection | None, figs: _Figures) -> Paragraph | None:
    if proj is None or not proj.points:
        return None
    dates = sorted({p.date for p in proj.points})
    start = sum(proj.start_counts.values())
    n0 = figs.add("projection:total:start", "Children looked after at the start", start, "count")
    picks = [d for d in (dates[min(11, len(dates) - 1)], dates[-1])]
    picks = sorted(set(picks))
    parts = []
    for d in picks:
        p = proj.at(d)
        k = f"projection:total:{d.isoformat()}"
        parts.append(
            (
                "{n} at {d} (a range of {lo} to {hi})",
                {
                    "n": figs.add(k, f"Children looked after projected at {d}", p.mean, "count"),
                    "d": _date(d, w.long_date(d), f"/projection/points/{_point(proj, d)}/date"),
                    "lo": figs.add(f"{k}:low", "low end of the band", p.low, "count"),
                    "hi": figs.add(f"{k}:high", "high end of the band", p.high, "count"),
                },
            )
        )
    t, s = listing(parts)
    band = Cited(w.number(proj.interval * 100) + "%", "/projection/interval", proj.interval)
    first = say(
        "On current flows into, within and out of care, the number of children looked after is projected to be "
        + t
        + ", from {n0} at {d0}; the ranges hold {band} of simulated outcomes.",
        n0=n0,
        d0=_date(proj.start, w.long_date(proj.start), "/projection/start"),
        band=band,
        **s,
    )
    bullets = []
    last = dates[-1]
    for gi, g in enumerate(proj.groups):
        p = proj.at(last, g.id)
        if proj.start_counts.get(g.id, 0) == 0 and p.mean < 0.5:
            continue
        k = f"projection:{g.id}:{last.isoformat()}"
        bullets.append(
            say(
                "{g}: {a} now, projected {b} ({lo} to {hi}).",
                g=_text(g.name, f"/projection/groups/{gi}/name"),
                a=figs.add(
                    f"projection:{g.id}:start", f"{g.name} now", proj.start_counts[g.id], "count"
                ),
                b=figs.add(k, f"{g.name} projected at {last}", p.mean, "count"),
                lo=figs.add(f"{k}:low", "low end of the band", p.low, "count"),
                hi=figs.add(f"{k}:high", "high end of the band", p.high, "count"),
            )
        )
    return Paragraph(id="projection", sentences=[first], bullets=bullets)


# --------------------------------------------------------------------------- tables and charts


def _variance_table(out: Outturn) -> list[VarianceRow]:
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
            else ("-" if budget < 0 else "") + w.millions(budget),
            forecast_display=""
            if forecast is None
            else ("-" if forecast < 0 else "") + w.millions(forecast),
            variance_display=""
            if variance is None
            else ("+" if variance >= 0 else "-") + w.millions(variance),
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


def _variance_chart(out: Outturn) -> list[VariancePoint]:
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


def _projection_chart(proj: Projection | None) -> list[ProjectionChartPoint]:
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


# --------------------------------------------------------------------------- tidy output


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
                "display": w.number(p.value),
            }
        )
    return pa.Table.from_pylist(rows, schema=TIDY_SCHEMA)
