"""The narrative of child protection: section 47 enquiries and their rate, initial conferences
and their timeliness, and the children on a plan (their rate, plans open two years or more,
by sex and by category of abuse); as ``narrative.py`` describes."""

from __future__ import annotations

from csc_scorecard.numbers import rounded
from csc_scorecard.report.facts import Facts
from csc_scorecard.report.model import Figure, Paragraph, Sentence
from csc_scorecard.report.phrases import (
    change,
    comparison,
    outturn,
    paragraph,
    plural,
    previous_bracket,
)
from csc_scorecard.wording import join, listing, say


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
            # "The Q1 position", as the seed says, not "This": the sentence before it is the
            # children on a plan for two years or longer, which the rate is not.
            seventh = say(
                "The {q} position equates to a rate of {r} per 10,000 children ({ye}: {ye_r}).",
                q=f.period(),
                r=f.value(cp_rate),
                ye=f.period("year_earlier", "label"),
                ye_r=f.value(year_before),
            )
        else:
            seventh = say(
                "The {q} position equates to a rate of {r} per 10,000 children.",
                q=f.period(),
                r=f.value(cp_rate),
            )
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
