"""The per-group care-ladder paragraphs (seed paras 38-41): numbers against budget and unit
costs, the fostering split, average placements and packages above budget, and grant-funded groups.

The paragraph shape follows each group's `narrative` setting (care_ladder settings).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from csc_scorecard.forecast.ledger import year_bounds
from csc_scorecard.forecast.outturn_model import (
    FosteringSplitForecast,
    GroupForecast,
    Outturn,
    UascGrant,
)
from csc_scorecard.report.sections.finance.figures import (
    Figures,
    cited_date,
    cited_text,
    over_or_under,
)
from csc_scorecard.wording import Cited, Paragraph, Sentence, join, long_date, say


@dataclass(frozen=True)
class _Group:
    """A group's paragraph in the writing: its outturn, figures and the cites every shape uses."""

    out: Outturn
    g: GroupForecast
    figs: Figures
    base: str
    name: Cited
    d0: Cited
    d1: Cited
    now: Cited
    variance: Cited
    n_start: Cited
    n_now: Cited
    n_end: Cited


def group_paragraph(out: Outturn, i: int, g: GroupForecast, figs: Figures) -> Paragraph | None:
    base = f"group:{g.id}"
    name = cited_text(g.short, f"/outturn/groups/{i}/short")
    if g.variance is None:
        return None
    fy_start, fy_end = year_bounds(out.financial_year)
    d0 = cited_date(fy_start, long_date(fy_start), "/year_start")
    d1 = cited_date(fy_end, long_date(fy_end), "/year_end")
    now = cited_text(long_date(out.as_at), "/as_at_text")
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
    seed_no = {
        "numbers_and_costs": 38,
        "fostering_split": 39,
        "average_placements": 40,
        "grant": 41,
    }[g.narrative]
    c = _Group(out, g, figs, base, name, d0, d1, now, variance, n_start, n_now, n_end)
    sentences = _NARRATIVES[g.narrative](c)
    return Paragraph(
        id=f"group:{g.id}", seed_paragraph=seed_no, sentences=[s for s in sentences if s]
    )


def _numbers_and_costs(c: _Group) -> list[Sentence | None]:
    """Para 38: the variance, the numbers at the year's ends against the budget's, and unit costs."""
    g, figs, base, name, d0, d1, now, variance, n_start, n_end = (
        c.g,
        c.figs,
        c.base,
        c.name,
        c.d0,
        c.d1,
        c.now,
        c.variance,
        c.n_start,
        c.n_end,
    )
    sentences: list[Sentence | None] = []
    direction = (
        "reduce"
        if round(g.placements_year_end) < g.placements_year_start
        else ("increase" if round(g.placements_year_end) > g.placements_year_start else "stay")
    )
    sentences.append(
        say(
            "The {kind} on {n} placements is {v}.",
            kind=over_or_under(g.variance),
            n=name,
            v=variance,
        )
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
    sentences.append(_against_budget(c))
    sentences.append(_unit_cost_sentence(g, base, now, figs))
    return sentences


def _fostering_split(c: _Group) -> list[Sentence | None]:
    """Para 39: the variance, placements against budget, and the planned and forecast split."""
    out, g, figs, base, name, d0, variance = c.out, c.g, c.figs, c.base, c.name, c.d0, c.variance
    sentences: list[Sentence | None] = []
    f = out.fostering
    sentences.append(
        say(
            "The {n} {kind} projection is {v}.",
            n=name,
            kind=over_or_under(g.variance),
            v=variance,
        )
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
    sentences.append(_fostering_shares(c, f))
    return sentences


def _average_placements(c: _Group) -> list[Sentence | None]:
    """Para 40: the variance, average placements against the budget's, and packages above it."""
    g, figs, base, name, now, variance, n_now = (
        c.g,
        c.figs,
        c.base,
        c.name,
        c.now,
        c.variance,
        c.n_now,
    )
    sentences: list[Sentence | None] = []
    sentences.append(
        say(
            "The {kind} on the {n} placement budget is {v}.",
            kind=over_or_under(g.variance),
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
    return sentences


def _grant(c: _Group) -> list[Sentence | None]:
    """Para 41: new placements, then the grant's funding against the spend (or the variance)."""
    out, g, figs, base, name, variance = c.out, c.g, c.figs, c.base, c.name, c.variance
    sentences: list[Sentence | None] = []
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
            since=cited_date(
                out.history_from, long_date(out.history_from), "/outturn/history_from"
            ),
            s=starts,
            n=name,
            m=last,
            month=cited_date(out.as_at, f"{out.as_at:%B}", "/as_at"),
        )
    )
    grant = next((x for x in out.grants if x.line in g.lines), None)
    if grant:
        sentences.append(_grant_funding(c, grant))
    else:
        sentences.append(
            say(
                "The {kind} on {n} placements is {v}.",
                kind=over_or_under(g.variance),
                n=name,
                v=variance,
            )
        )
    return sentences


def _against_budget(c: _Group) -> Sentence | None:
    """The placements the budget assumed at the year's ends, and the numbers against them."""
    g, figs, base, d0, d1 = c.g, c.figs, c.base, c.d0, c.d1
    if not (g.budget_placements_start is not None and g.budget_placements_end is not None):
        return None
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
    return say(
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


def _fostering_shares(c: _Group, f: FosteringSplitForecast | None) -> Sentence | None:
    """The split between agency and in-house fostering the budget planned and the one forecast."""
    g, figs = c.g, c.figs
    if not (
        f
        and f.planned_independent_share_year_end is not None
        and f.independent_share_year_end is not None
    ):
        return None
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
    return say(
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


def _grant_funding(c: _Group, grant: UascGrant) -> Sentence:
    """The spend on the grant's line against the grant's income: the gap, or the grant unspent."""
    g, figs, name = c.g, c.figs, c.name
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
    return say(
        "The projected spend on {n} placements is {c} offset by grant funding of {i} ({nights} nights at {r} a night), "
        + ("a funding gap of {p}." if grant.pressure >= 0 else "leaving {p} of grant unspent."),
        n=name,
        c=cost,
        i=income,
        nights=nights,
        r=rate,
        p=pressure,
    )


_NARRATIVES: dict[str, Callable[[_Group], list[Sentence | None]]] = {
    "numbers_and_costs": _numbers_and_costs,
    "fostering_split": _fostering_split,
    "average_placements": _average_placements,
    "grant": _grant,
}


def _unit_cost_sentence(g: GroupForecast, base: str, now: Cited, figs: Figures) -> Sentence | None:
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


def _packages_sentence(g: GroupForecast, base: str, name: Cited, figs: Figures) -> Sentence | None:
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
