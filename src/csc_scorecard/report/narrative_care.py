"""The narrative of children in care, adoption and care leavers; as ``narrative.py`` describes."""

from __future__ import annotations

from csc_scorecard.report.facts import Facts
from csc_scorecard.report.model import Paragraph
from csc_scorecard.report.phrases import (
    paragraph,
    plural,
    previous_bracket,
    window,
)
from csc_scorecard.wording import Cited, listing, say


def children_in_care(f: Facts) -> list[Paragraph | None]:
    now = f.shown("cla_at_period_end")
    first = second = None
    if now is not None:
        parts = []
        year = f.shown("cla_at_period_end", "year_earlier")
        if year is not None:
            parts.append(
                (
                    "{v} at the end of {q}",
                    {"v": f.value(year), "q": f.period("year_earlier", "label")},
                )
            )
        prev = f.shown("cla_at_period_end", "previous")
        if prev is not None:
            parts.append(("{v} at the end of {q}", {"v": f.value(prev), "q": f.period("previous")}))
        if parts:
            body, slots = listing(parts)
            first = say(
                "There were {n} children in care at the end of {q}, compared with " + body + ".",
                n=f.value(now),
                q=f.period(),
                **slots,
            )
        else:
            first = say(
                "There were {n} children in care at the end of {q}.", n=f.value(now), q=f.period()
            )
        rate = f.shown("cla_rate_per_10000")
        if rate is not None:
            second = say("That is a rate of {r} per 10,000 children.", r=f.value(rate))
    starts, ceases = f.shown("cla_starts"), f.shown("cla_ceases")
    third = None
    if starts is not None and ceases is not None:
        third = say(
            "In the six months to the end of {q}, {s} {s_children} came into care and {c} {c_children} left care.",
            q=f.period(),
            s=f.value(starts),
            s_children=plural(starts, "child", "children"),
            c=f.value(ceases),
            c_children=plural(ceases, "child", "children"),
        )
    out: list[Paragraph | None] = [paragraph(first, second, third)]
    long_stay, months = f.shown("cla_12_months_plus"), f.setting("cla_12_months_plus", "months")
    fourth = None
    if long_stay is not None and months is not None:
        fourth = say(
            "Of those in care at {end}, {n} had been in care for {m} months or longer.",
            end=f.period("current", "end_text"),
            n=f.value(long_stay),
            m=months,
        )
    placements = [c for c in f.categories("cla_by_placement") if c.value]
    fifth = None
    if placements:
        body, slots = listing(
            [("{label} {n}", {"n": f.value(c), "label": f.label(c)}) for c in placements]
        )
        fifth = say(
            "Children in care at the end of {q} by placement: " + body + ".", q=f.period(), **slots
        )
    uasc = f.shown("cla_uasc_at_period_end")
    sixth = None
    if uasc is not None and uasc.value:
        sixth = say(
            "{n} of the children in care {were} unaccompanied asylum-seeking children.",
            n=f.value(uasc),
            were=plural(uasc, "was", "were"),
        )
    out.append(paragraph(fourth, fifth, sixth))
    routes = [
        (m, words)
        for m, words in (
            ("cla_ceased_sgo_pct", "did so under a special guardianship order"),
            ("cla_ceased_cao_pct", "under a child arrangements order"),
            ("cla_ceased_adopted_pct", "through adoption"),
        )
        if f.shown(m) is not None
    ]
    if routes:
        first_route = f.shown(routes[0][0])
        assert first_route is not None
        body, slots = listing(
            [("{pct} " + words, {"pct": f.value(f.shown(m))}) for m, words in routes]
        )  # type: ignore[arg-type]
        if first_route.denominator:
            out.append(
                paragraph(
                    say(
                        "Of the {den} children who left care in the six months to the end of {q}, "
                        + body
                        + ".",
                        den=f.denominator(first_route),
                        q=f.period(),
                        **slots,
                    )
                )
            )
    return out


def adoption(f: Facts) -> list[Paragraph | None]:
    adopted = f.shown("adoptions")
    first = caution = None
    if adopted is not None:
        bracket, slots = previous_bracket(f, "adoptions")
        first = say(
            "The number of children adopted in {q} was {n}" + bracket + ".",
            q=f.period(),
            n=f.value(adopted),
            **slots,
        )
        if adopted.status == "ok" and f.small(adopted):
            caution = say(
                "With so few adoptions, percentages and averages for the period should be read with caution."
            )
    decisions = f.shown("adoption_decisions")
    second = None
    if decisions is not None:
        second = say(
            "The number of decisions that a child should be placed for adoption made in {q} was {n}.",
            q=f.period(),
            n=f.value(decisions),
        )
    days = f.shown("adoption_days_care_to_placed")
    third = None
    if days is not None and days.denominator:
        where, slots = window(f, "adoption_days_care_to_placed")
        third = say(
            "For the {den} {children} adopted "
            + where
            + ", the average time between entering care and moving in with the adoptive family was {d} days.",
            den=f.denominator(days),
            children="child" if days.denominator == 1 else "children",
            d=f.value(days),
            **slots,
        )
    return [paragraph(first, caution, second, third)]


def care_leavers(f: Facts) -> list[Paragraph | None]:
    cohort = f.shown("care_leavers_cohort")
    first = None
    if cohort is not None:
        bracket, slots = previous_bracket(f, "care_leavers_cohort")
        first = say(
            "The number of care leavers in the DfE cohort for the statutory return was {n}"
            + bracket
            + ".",
            n=f.value(cohort),
            **slots,
        )
    low, high = f.setting("care_leavers_in_touch", "ages", 0), _last_age(f)
    parts = [
        (words, f.shown(m))
        for m, words in (
            ("care_leavers_in_touch", "were in touch with the authority"),
            ("care_leavers_suitable_accommodation", "were in suitable accommodation"),
            ("care_leavers_eet", "were in education, employment or training"),
        )
    ]
    parts = [(w, fig) for w, fig in parts if fig is not None]
    second = None
    if parts and low is not None and high is not None:
        body, slots = listing([("{pct} " + w, {"pct": f.value(fig)}) for w, fig in parts])
        second = say(
            "Of care leavers aged {low} to {high}, " + body + ".",
            low=low,
            high=high,
            **slots,
        )
    plans = f.shown("care_leavers_pathway_plan_reviewed")
    third = None
    if plans is not None and plans.denominator:
        third = say(
            "{pct} of the {den} care leavers with a pathway plan had it reviewed within timescale at the end of {q}.",
            pct=f.value(plans),
            den=f.denominator(plans),
            q=f.period(),
        )
    return [paragraph(first, second, third)]


def _last_age(f: Facts) -> Cited | None:
    ages = f.definitions["care_leavers_in_touch"].settings.get("ages") or []
    return f.setting("care_leavers_in_touch", "ages", len(ages) - 1) if ages else None
