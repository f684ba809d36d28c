"""The finance section's overall paragraphs: the outturn summary (seed para 36), the care-ladder
variance by group (37), agency and employed staffing (42) and the placement projection.

Each builder adds the figures it prints to the section's `Figures` and returns a `Paragraph`,
or None when the data behind it is missing.
"""

from __future__ import annotations

from datetime import date

from csc_scorecard import numbers
from csc_scorecard.forecast.outturn_model import Outturn
from csc_scorecard.forecast.projection import Projection
from csc_scorecard.forecast.staffing import AgencyForecast, EstablishmentForecast
from csc_scorecard.report.sections.finance.figures import (
    Figures,
    cited_date,
    cited_text,
    over_or_under,
)
from csc_scorecard.wording import Cited, Paragraph, Sentence, listing, long_date, say


def summary_paragraph(out: Outturn, figs: Figures) -> Paragraph | None:
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
        kind=over_or_under(out.total_variance),
        v=total,
        fy=cited_text(fy, "/financial_year"),
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
        name=cited_text(out.scenario, "/scenario"),
        d=cited_text(out.scenario_description, "/scenario_description"),
    )
    return Paragraph(
        id="summary", seed_paragraph=36, sentences=[s for s in (first, second, scen) if s]
    )


def ladder_paragraph(out: Outturn, figs: Figures) -> Paragraph | None:
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
        name = cited_text(g.name, f"/outturn/groups/{i}/name")
        items.append(
            ("{n} {v}" if g.variance >= 0 else "{n} {v} under budget", {"n": name, "v": c})
        )
    t, s = listing(items)
    offsets = []
    for i, o in enumerate(out.offsets):
        c = figs.add(f"offset:{o.grant}:amount", f"{o.grant}", o.amount, "gbp", line=o.line)
        offsets.append(
            ("{v} from the {g}", {"v": c, "g": cited_text(o.grant, f"/outturn/offsets/{i}/grant")})
        )
    tail = ""
    if offsets:
        t2, s2 = listing(offsets, prefix="f")
        tail, s = ", offset by additional funding of " + t2, {**s, **s2}
    sentence = say(
        "The care ladder {kind} of {v} includes: " + t + tail + ".",
        kind=over_or_under(out.care_ladder_variance),
        v=v,
        **s,
    )
    return Paragraph(id="care_ladder", seed_paragraph=37, sentences=[sentence])


def staffing_paragraph(out: Outturn, figs: Figures) -> Paragraph | None:
    """Para 42: agency staff against the budget's glide path, and the establishment."""
    a, e = out.agency, out.establishment
    sentences: list[Sentence] = []
    if a and a.fte_latest is not None:
        sentences += _agency_sentences(a, figs)
    if e and e.forecast is not None and e.variance is not None:
        establishment = _establishment_sentence(e, figs)
        if establishment is not None:
            sentences.append(establishment)
    if not sentences:
        return None
    return Paragraph(id="staffing", seed_paragraph=42, sentences=sentences)


def _agency_sentences(a: AgencyForecast, figs: Figures) -> list[Sentence]:
    """Agency workers in the latest month against the target, spend against budget, and the
    service areas with most agency cover."""
    sentences: list[Sentence] = []
    fte = figs.add("agency:fte_latest", "Agency FTE in the latest month", a.fte_latest, "fte")
    month = cited_date(a.latest_month, f"{a.latest_month:%B}", "/outturn/agency/latest_month")
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
                "Agency staff paid for in {m} (the finance system's agency costs) came to {f} "
                "FTE, {o} FTE "
                + ("more" if a.fte_over_target >= 0 else "fewer")
                + " than the target for this stage of the year.",
                m=month,
                f=fte,
                o=over,
            )
        )
    else:
        sentences.append(
            say(
                "Agency staff paid for in {m} (the finance system's agency costs) came to {f} FTE.",
                m=month,
                f=fte,
            )
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
                k=over_or_under(a.variance),
                v=v,
            )
        )
    if len(a.by_area) >= 2:
        items = [
            (
                "{a} ({f} FTE)",
                {
                    "a": cited_text(x.service_area, f"/outturn/agency/by_area/{i}/service_area"),
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
    return sentences


def _establishment_sentence(e: EstablishmentForecast, figs: Figures) -> Sentence | None:
    """Employed staffing against budget, with the vacancies in the funded establishment."""
    v = figs.add("establishment:variance", "Staffing (establishment) variance", e.variance, "gbp")
    figs.add("establishment:forecast", "Staffing (establishment) forecast", e.forecast, "gbp")
    if e.vacancies_fte is not None and e.establishment_fte is not None:
        vac = figs.add("establishment:vacancies_fte", "Vacant FTE", e.vacancies_fte, "fte")
        est = figs.add(
            "establishment:establishment_fte",
            "Funded establishment FTE",
            e.establishment_fte,
            "fte",
        )
        return say(
            "Employed staffing is forecast to be {v} "
            + ("over" if e.variance >= 0 else "under")
            + " budget, with {x} FTE of the {y} FTE establishment vacant.",
            v=v,
            x=vac,
            y=est,
        )
    return None


def _point(proj: Projection, d: date, group: str = "total") -> int:
    return next(i for i, p in enumerate(proj.points) if p.date == d and p.group == group)


def projection_paragraph(proj: Projection | None, figs: Figures) -> Paragraph | None:
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
                    "d": cited_date(d, long_date(d), f"/projection/points/{_point(proj, d)}/date"),
                    "lo": figs.add(f"{k}:low", "low end of the band", p.low, "count"),
                    "hi": figs.add(f"{k}:high", "high end of the band", p.high, "count"),
                },
            )
        )
    t, s = listing(parts)
    band = Cited(numbers.number(proj.interval * 100) + "%", "/projection/interval", proj.interval)
    first = say(
        "On current flows into, within and out of care, the number of children looked after is projected to be "
        + t
        + ", from {n0} at {d0}; the ranges hold {band} of simulated outcomes.",
        n0=n0,
        d0=cited_date(proj.start, long_date(proj.start), "/projection/start"),
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
        now = figs.add(
            f"projection:{g.id}:start", f"{g.name} now", proj.start_counts[g.id], "count"
        )
        bullets.append(
            say(
                # the noun follows the printed figure: a suppressed 1 is "c children"
                "{g} stands at {a} "
                + ("child" if now.text == "1" else "children")
                + " now and is projected at {b} ({lo} to {hi}).",
                g=cited_text(g.name, f"/projection/groups/{gi}/name"),
                a=now,
                b=figs.add(k, f"{g.name} projected at {last}", p.mean, "count"),
                lo=figs.add(f"{k}:low", "low end of the band", p.low, "count"),
                hi=figs.add(f"{k}:high", "high end of the band", p.high, "count"),
            )
        )
    return Paragraph(id="projection", sentences=[first], bullets=bullets)
