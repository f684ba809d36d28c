"""The narrative of the front door: referrals (their sources and re-referrals), assessments
(timeliness and outcomes) and children in need; one small function per topic, as
``narrative.py`` describes."""

from __future__ import annotations

from csc_scorecard.report.facts import Facts
from csc_scorecard.report.model import Paragraph, Sentence
from csc_scorecard.report.phrases import (
    change,
    comparison,
    paragraph,
    previous_bracket,
)
from csc_scorecard.wording import join, say


def referrals(f: Facts) -> list[Paragraph | None]:
    out: list[Paragraph | None] = []
    now = f.shown("referrals")
    first = None
    if now is not None:
        before = f.shown("referrals", "previous")
        if (
            before is not None
            and now.status == before.status == "ok"
            and change(now, before) == "the same as"
        ):
            first = say(
                "In {q} there were {n} referrals, the same number as in {p_q}.",
                q=f.period("current", "long"),
                n=f.value(now),
                p_q=f.period("previous"),
            )
        elif before is not None and now.status == before.status == "ok":
            first = say(
                "In {q} there were {n} referrals, {change} {p} in {p_q}.",
                q=f.period("current", "long"),
                n=f.value(now),
                change=change(now, before),
                p=f.value(before),
                p_q=f.period("previous"),
            )
        else:
            bracket, slots = previous_bracket(f, "referrals")
            first = say(
                "In {q} there were {n} referrals" + bracket + ".",
                q=f.period("current", "long"),
                n=f.value(now),
                **slots,
            )
    sources = f.categories("referral_sources")
    source = None
    if sources:
        top = sources[0]
        earlier = f.categories("referral_sources", "previous")
        verb = "continues to be" if earlier and earlier[0].dimension == top.dimension else "was"
        source = say(
            "The most significant source of referrals {verb} {label}, with {n} ({pct}) of referrals in {q}.",
            verb=verb,
            label=f.label(top),
            n=f.numerator(top),
            pct=f.value(top),
            q=f.period(),
        )
        if len(sources) > 1:
            nxt = sources[1]
            source = join(
                source,
                say(
                    "The next largest source was {label} ({n}, {pct}).",
                    label=f.label(nxt),
                    n=f.numerator(nxt),
                    pct=f.value(nxt),
                ),
            )
    out.append(paragraph(first, source))
    rr = f.shown("rereferrals_within_12_months")
    months = f.setting("rereferrals_within_12_months", "look_back_months")
    if rr is not None and months is not None:
        bracket, slots = previous_bracket(f, "rereferrals_within_12_months")
        out.append(
            paragraph(
                say(
                    "{pct} of referrals in {q} were re-referrals within {m} months of a previous referral"
                    + bracket
                    + ".",
                    pct=f.value(rr),
                    q=f.period(),
                    m=months,
                    **slots,
                ),
                comparison(f, "rereferrals_within_12_months") or rereferrals_over_a_year(f),
            )
        )
    return out


def rereferrals_over_a_year(f: Facts) -> Sentence | None:
    """DfE publishes re-referrals for a whole year, so when the framework gives the quarter's
    figure no comparator of its own, the year's figure carries DfE's (issue 18 item 2)."""
    year = f.ok("rereferrals_within_12_months_rolling_12_months")
    compared = comparison(f, "rereferrals_within_12_months_rolling_12_months")
    if year is None or compared is None:
        return None
    return join(
        say(
            "Over the twelve months to the end of {q}, {pct} of referrals were re-referrals.",
            q=f.period(),
            pct=f.value(year),
        ),
        compared,
    )


def assessments(f: Facts) -> list[Paragraph | None]:
    six = f.shown("assessments_started_6_months")
    timely = f.shown("assessments_within_45_working_days")
    days = f.setting("assessments_within_45_working_days", "working_days")
    first = None
    if six is not None:
        first = say(
            "In the six months to the end of {q}, {n} assessments were started.",
            q=f.period(),
            n=f.value(six),
        )
    second = None
    if timely is not None and timely.denominator is not None and days is not None:
        second = say(
            "Of the {den} assessments completed in that period, {pct} were completed within {d} working days.",
            den=f.denominator(timely),
            pct=f.value(timely),
            d=days,
        )
    started, before = f.shown("assessments_started"), f.shown("assessments_started", "previous")
    third = None
    if started is not None and before is not None:
        third = say(
            "In {q} {n} assessments were started, compared with {p} in {p_q}.",
            q=f.period(),
            n=f.value(started),
            p=f.value(before),
            p_q=f.period("previous"),
        )
    nfs = f.shown("assessments_no_further_support")
    fourth = None
    if nfs is not None and nfs.denominator:
        fourth = say(
            "{n} ({pct}) of the {den} assessments completed in {q} found that the child did not need further support from children's social care.",
            n=f.numerator(nfs),
            pct=f.value(nfs),
            den=f.denominator(nfs),
            q=f.period(),
        )
    return [
        paragraph(
            first, second, comparison(f, "assessments_within_45_working_days") if second else None
        ),
        paragraph(third, fourth),
    ]


def children_in_need(f: Facts) -> list[Paragraph | None]:
    total = f.shown("children_in_need_6_months")
    first = None
    if total is not None:
        first = say(
            "In the six months to the end of {q} there were {n} children in need in total. This includes children in care, "
            "those subject to a protection plan, those with an open assessment and those whose episode closed in the period.",
            q=f.period(),
            n=f.value(total),
        )
    plans = f.shown("children_in_need_with_cin_plan")
    second = None
    if plans is not None and plans.numerator is not None and plans.status == "ok":
        second = say(
            "{n} of these ({pct}) had a child in need plan.",
            n=f.numerator(plans),
            pct=f.value(plans),
        )
    end, rate = f.shown("children_in_need"), f.shown("cin_rate_per_10000")
    third = None
    if end is not None:
        if rate is not None:
            bracket, slots = previous_bracket(f, "cin_rate_per_10000")
            third = say(
                "At the end of {q}, {n} children were open to children's social care as children in need, a rate of {r} per 10,000 children"
                + bracket
                + ".",
                q=f.period(),
                n=f.value(end),
                r=f.value(rate),
                **slots,
            )
        else:
            third = say(
                "At the end of {q}, {n} children were open to children's social care as children in need.",
                q=f.period(),
                n=f.value(end),
            )
    return [
        paragraph(first, second),
        paragraph(third, comparison(f, "cin_rate_per_10000") if third and rate else None),
    ]
