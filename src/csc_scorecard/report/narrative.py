"""Sentence templates for the report's narrative, one small function per topic.

Each function reads ``Facts`` and returns paragraphs of cited sentences (``csc_scorecard.wording.say``), in
the style of the seed report: "In Quarter 1 there were 1,182 referrals (Q4: 1,257). The most
significant source of referrals continues to be the Police, who made 498 (42%) of referrals in
Q1." A sentence is written only when the figures it needs have values; a figure that is not
available is left to the tables and the data-quality section, which say why.

``NARRATIVES`` maps the names used in ``layout.yaml`` to the functions; ``generic`` writes one
sentence per measure for sections with no bespoke template (e.g. workforce measures added to the
catalogue later).
"""

from __future__ import annotations

from collections.abc import Callable

from csc_scorecard.numbers import rounded
from csc_scorecard.report.benchmarks import from_row, in_unit, placed
from csc_scorecard.report.facts import Facts, When
from csc_scorecard.report.model import Figure, Paragraph, Sentence
from csc_scorecard.wording import Cited, join, listing, say

Slots = dict[str, Cited | str]

_WINDOWS = {
    "in_quarter": "in {q}",
    "rolling_6_months": "in the six months to the end of {q}",
    "rolling_12_months": "in the twelve months to the end of {q}",
    "year_to_date": "in {fy} to the end of {q}",
    "as_at_period_end": "at the end of {q}",
    "annual": "in {fy}",
}


def paragraph(
    *sentences: Sentence | None, kind: str = "narrative", bullets: list[Sentence] | None = None
) -> Paragraph | None:
    found = [s for s in sentences if s is not None]
    if not found and not bullets:
        return None
    return Paragraph(kind=kind, sentences=found, bullets=bullets or [])  # type: ignore[arg-type]


def window(f: Facts, measure: str, when: When = "current", prefix: str = "w") -> tuple[str, Slots]:
    """'in the six months to the end of {w_q}' with its slots, from the measure's period type."""
    template = _WINDOWS[f.definitions[measure].period_type]
    slots: Slots = {}
    if "{q}" in template:
        slots[f"{prefix}_q"] = f.period(when, "short")
    if "{fy}" in template:
        slots[f"{prefix}_fy"] = f.period(when, "financial_year")
    return template.replace("{q}", "{" + prefix + "_q}").replace(
        "{fy}", "{" + prefix + "_fy}"
    ), slots


def change(now: Figure, before: Figure) -> str:
    """'an increase from' / 'a decrease from' / 'the same as', on the printed (rounded) values."""
    a, b = rounded(now.value, now.unit), rounded(before.value, before.unit)
    if a is None or b is None or a == b:
        return "the same as"
    return "an increase from" if a > b else "a decrease from"


def plural(figure: Figure, one: str, many: str) -> str:
    return one if figure.value == 1 else many


def previous_bracket(f: Facts, measure: str, dimension: str | None = None) -> tuple[str, Slots]:
    """' (Q4: 1,257)' when the previous quarter has a value, else ''."""
    before = f.shown(measure, "previous", dimension)
    if before is None:
        return "", {}
    return " ({p_q}: {p_v})", {"p_q": f.period("previous"), "p_v": f.value(before)}


def comparison(f: Facts, measure: str, subject: str = "This compares with") -> Sentence | None:
    """'This compares with 86.1% for statistical neighbours and 84.5% for England (2021/22).'

    When the framework gives the measure's appendix row comparators, those are quoted (every
    one, with its label and year), and DfE's published figures are not: the text and the
    appendix give one number for one thing (docs/committee-paper.md, "One number for one
    thing"). The council's own published outturn for the year follows where DfE's files give
    one ("This is below the 2021/22 outturn of 248.8.")."""
    found = [s for s in (_compared(f, measure, subject), outturn(f, measure)) if s is not None]
    return join(*found) if found else None


def _compared(f: Facts, measure: str, subject: str) -> Sentence | None:
    own = f.benchmarked_row(measure)
    if own is not None:
        marks = from_row(*own)
        if not marks:
            return None
        if len(marks) == 1 and marks[0].note is not None:  # a single fixed "Comp" figure
            value, label = marks[0].value, marks[0].note
            if subject == "This compares with":
                return say(
                    "This compares with {c} for {label}, the framework's comparator.",
                    c=value,
                    label=label,
                )
            return say("The framework's comparator is {c} ({label}).", c=value, label=label)
        years = {m.year.text if m.year else None for m in marks}
        shared = marks[0].year if len(years) == 1 else None
        items = []
        for m in marks:
            named = m.note if m.note is not None else None
            template = "{v} for " + ("{note}" if named else m.name)
            slots: Slots = {**m.slots, "v": m.value}
            if named is not None:
                slots["note"] = named
            if m.year is not None and shared is None:
                template += " ({y})"
                slots["y"] = m.year
            items.append((template, slots))
        body, slots = listing(items)
        tail = " ({year})" if shared is not None else ""
        if shared is not None:
            slots["year"] = shared
        lead = "This compares with " if subject == "This compares with" else subject + " "
        return say(lead + body + tail + ", the framework's comparators.", **slots)
    sn, eng, year = (
        f.comparator(measure),
        f.comparator(measure, "england"),
        f.comparator_year(measure),
    )
    if year is None or (sn is None and eng is None):
        return None
    parts = []
    if sn is not None:
        parts.append(("{v} for statistical neighbours", {"v": sn}))
    if eng is not None:
        parts.append(("{v} for England", {"v": eng}))
    body, slots = listing(parts)
    return say(f"{subject} {body} ({{year}}).", year=year, **slots)


def outturn(f: Facts, measure: str, lead: str = "This is") -> Sentence | None:
    """'This is below the 2021/22 outturn of 248.8.': the quarter's figure against the
    council's own published figure for the latest published year (DfE's files)."""
    now, found = f.ok(measure), f.outturn(measure)
    if now is None or now.value is None or found is None:
        return None
    return placed(now.value, now.unit, [], found, lead=lead)


# -- topics ---------------------------------------------------------------------------------


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


def child_protection(f: Facts) -> list[Paragraph | None]:
    out: list[Paragraph | None] = []
    # The annualised six-month rate is the seed's own figure; the comparison with the
    # neighbours is made on the 12-month rate, DfE's full-year basis (issue 18 item 3).
    s47 = f.shown("section47_enquiries")
    rate = f.shown("section47_rate_per_10000_annualised")
    year_rate = f.shown("section47_rate_per_10000")
    first = second = compared = None
    if s47 is not None:
        first = say(
            "In the six months to the end of {q}, {n} Section 47 enquiries were started.",
            q=f.period(),
            n=f.value(s47),
        )
    if rate is not None and rate.status == "ok":
        second = say(
            "Annualised from these six months (a local method), the rate per 10,000 children is {r}.",
            r=f.value(rate),
        )
    if year_rate is not None and year_rate.status == "ok":
        sn, year = (
            f.comparator("section47_rate_per_10000"),
            f.comparator_year("section47_rate_per_10000"),
        )
        if sn is not None and year is not None:
            sn_value = f.comparators["section47_rate_per_10000"].statistical_neighbours
            unit = year_rate.unit
            side = (
                "lower than"
                if rounded(year_rate.value, unit) < rounded(sn_value, unit)
                else (
                    "higher than"
                    if rounded(year_rate.value, unit) > rounded(sn_value, unit)
                    else "the same as"
                )
            )
            compared = say(
                "Over the twelve months to the end of {q}, the rate was {r} per 10,000 children, {side} the most recent statistical neighbour average ({sn}, {year}).",
                q=f.period(),
                r=f.value(year_rate),
                side=side,
                sn=sn,
                year=year,
            )
    out.append(paragraph(first, second, compared, outturn(f, "section47_rate_per_10000")))
    children, icpcs = f.shown("section47_children"), f.shown("icpcs_following_s47")
    third = fourth = None
    if children is not None:
        bracket, slots = previous_bracket(f, "section47_children")
        third = say(
            "In {q} {n} children were subject to Section 47 enquiries" + bracket + ".",
            q=f.period(),
            n=f.value(children),
            **slots,
        )
    if icpcs is not None:
        fourth = say(
            "{n} Section 47 {enquiries} in {q} led to an initial child protection conference.",
            n=f.value(icpcs),
            enquiries=plural(icpcs, "enquiry", "enquiries"),
            q=f.period(),
        )
    timely, days = (
        f.shown("icpc_within_15_working_days"),
        f.setting("icpc_within_15_working_days", "working_days"),
    )
    fifth = None
    if timely is not None and days is not None:
        fifth = say(
            "In the six months to the end of {q}, {pct} of initial child protection conferences were held within {d} working days of the start of the Section 47 enquiry.",
            q=f.period(),
            pct=f.value(timely),
            d=days,
        )
    out.append(paragraph(third, fourth, fifth))
    plans, before = f.shown("cp_plans_at_period_end"), f.shown("cp_plans_at_period_end", "previous")
    sixth = seventh = None
    if plans is not None:
        if (
            before is not None
            and plans.status == before.status == "ok"
            and change(plans, before) == "the same as"
        ):
            sixth = say(
                "The number of children subject to a child protection plan at the end of {q} was {n}, the same as at the end of {p_q}.",
                q=f.period(),
                n=f.value(plans),
                p_q=f.period("previous"),
            )
        elif before is not None and plans.status == before.status == "ok":
            sixth = say(
                "The number of children subject to a child protection plan at the end of {q} was {n}, {change} {p} at the end of {p_q}.",
                q=f.period(),
                n=f.value(plans),
                change=change(plans, before),
                p=f.value(before),
                p_q=f.period("previous"),
            )
        else:
            sixth = say(
                "The number of children subject to a child protection plan at the end of {q} was {n}.",
                q=f.period(),
                n=f.value(plans),
            )
    cp_rate = f.shown("cp_rate_per_10000")
    if cp_rate is not None:
        year_before = f.shown("cp_rate_per_10000", "year_earlier")
        if year_before is not None:
            seventh = say(
                "This equates to a rate of {r} per 10,000 children ({ye}: {ye_r}).",
                r=f.value(cp_rate),
                ye=f.period("year_earlier", "label"),
                ye_r=f.value(year_before),
            )
        else:
            seventh = say("This equates to a rate of {r} per 10,000 children.", r=f.value(cp_rate))
    out.append(
        paragraph(
            sixth,
            _cp_two_years(f) if plans is not None else None,
            seventh,
            comparison(f, "cp_rate_per_10000", "The most recent comparators are")
            if cp_rate
            else None,
        )
    )
    out.append(paragraph(_cp_sex(f), _cp_category(f)))
    return out


def _noun(figure: Figure, one: str, many: str) -> str:
    """The noun for a count as printed: a suppressed count is the symbol, always plural, so the
    noun never gives away that it was 1."""
    return one if figure.status == "ok" and figure.value == 1 else many


def _cp_two_years(f: Facts) -> Sentence | None:
    """'Of these, 5 children from 4 families had been subject to a plan for two years or longer.'
    (the seed's sentence; the families figure counts a child with no family recorded as their
    own family). Omitted without both figures; with none, says so."""
    children = f.shown("cp_plans_open_2_years_plus")
    families = f.shown("cp_plans_open_2_years_plus_families")
    if children is None or families is None:
        return None
    if children.status == "ok" and children.value == 0:
        return say("None of these children had been subject to a plan for two years or longer.")
    return say(
        "Of these, {n} {children} from {m} {families} had been subject to a plan for two years or longer.",
        n=f.value(children),
        children=_noun(children, "child", "children"),
        m=f.value(families),
        families=_noun(families, "family", "families"),
    )


def _cp_sex(f: Facts) -> Sentence | None:
    found = {c.dimension: c for c in f.categories("cp_plans_by_sex")}
    if "M" not in found or "F" not in found:
        return None
    boys, girls = found["M"], found["F"]
    sentence = say(
        "Of the children subject to a plan at the end of {q}, {b} were boys and {g} girls",
        q=f.period(),
        b=f.value(boys),
        g=f.value(girls),
    )
    other = found.get("U")
    if other is not None and other.value:
        return join(sentence, say(", with {u} unknown or unborn.", u=f.value(other)), separator="")
    return join(sentence, say("."), separator="")


def _cp_category(f: Facts) -> Sentence | None:
    found = [c for c in f.categories("cp_plans_by_category") if c.value]
    if not found:
        return None
    top = found[0]
    first = say(
        "{label} was the most common category of abuse ({pct})",
        label=f.label(top),
        pct=f.value(top),
    )
    if len(found) == 1:
        return join(first, say("."), separator="")
    rest, slots = listing(
        [("{label} ({pct})", {"label": f.label(c), "pct": f.value(c)}) for c in found[1:]]
    )
    others = "The other category was: " if len(found) == 2 else "The other categories were: "
    return join(first, say(". " + others + rest + ".", **slots), separator="")


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


def generic(f: Facts, measures: list[str]) -> list[Paragraph | None]:
    """One sentence per measure, for sections with no bespoke template: 'Contacts becoming
    referrals within 1 working day stood at 95.2% in Q1, compared with 88.1% in Q4.' ("stood
    at" reads with any title, singular or plural); the council's own outturn follows where DfE
    publishes one."""
    sentences = []
    for m in measures:
        now = f.shown(m)
        if now is None:
            continue
        where, slots = window(f, m)
        before = f.ok(m, "previous") if now.status == "ok" else None
        then = ""
        if before is not None:
            earlier, earlier_slots = window(f, m, "previous", prefix="p")
            then = ", compared with {p}" + in_unit(before.display, before.unit) + " " + earlier
            slots |= {"p": f.value(before), **earlier_slots}
        sentences.append(
            say(
                "{title} stood at {v}" + in_unit(now.display, now.unit) + " " + where + then + ".",
                title=f.title(m),
                v=f.value(now),
                **slots,
            )
        )
        if now.status == "ok":
            sentences.append(outturn(f, m))
    return [paragraph(*sentences)] if sentences else []


NARRATIVES: dict[str, Callable[[Facts], list[Paragraph | None]]] = {
    "referrals": referrals,
    "assessments": assessments,
    "children_in_need": children_in_need,
    "child_protection": child_protection,
    "children_in_care": children_in_care,
    "adoption": adoption,
    "care_leavers": care_leavers,
}
