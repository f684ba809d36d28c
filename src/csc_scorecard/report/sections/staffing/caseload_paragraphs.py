"""The staffing section's caseload sentences (seed paras 29-30): the position now and at the
comparison date, per full-time equivalent and weighted by role, and team managers' spans of
control against the standard."""

from __future__ import annotations

from csc_scorecard.measures.workforce import caseloads as cl
from csc_scorecard.report.sections.staffing.cites import Cites, at_or_above, plural
from csc_scorecard.report.sections.staffing.model import StaffingSection
from csc_scorecard.wording import Paragraph, Sentence, say


def caseload_paragraph(
    section: StaffingSection, c: Cites, field: str, *, first: bool
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
        return plural(levels[i].workers, "worker", "workers")

    if k >= 2:
        tail = ", with the highest caseload being {max}." if has_max else "."
        sentences.append(
            say(
                opening
                + "{n} {workers} had a caseload of {t} or higher. Of those {m} had a caseload of "
                "{u} or higher" + tail,
                d=d,
                n=at_or_above(c, base, second),
                workers=workers(second),
                t=c.num(f"{base}/at_or_above/{second}/threshold"),
                m=at_or_above(c, base, top),
                u=c.num(f"{base}/at_or_above/{top}/threshold"),
                **({"max": c.num(f"{base}/maximum")} if has_max else {}),
            )
        )
        for i in range(second - 1, -1, -1):
            sentences.append(
                say(
                    "{n} {workers} had a caseload of {t} or higher.",
                    n=at_or_above(c, base, i),
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
                n=at_or_above(c, base, 0),
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
                holders=plural(pos.total.case_holders, "case holder", "case holders"),
                cases=c.num(f"{base}/cases"),
                word=plural(pos.total.cases, "case", "cases"),
            )
        )
    return Paragraph(sentences=sentences)


def adjusted_paragraph(section: StaffingSection, c: Cites) -> Paragraph | None:
    """Per FTE and weighted by role: the corrections the seed asks for (para 29)."""
    fte, wt = section.caseloads_fte, section.caseloads_weighted
    if not fte.total.case_holders:
        return None
    k = len(fte.thresholds) - 2 if len(fte.thresholds) >= 2 else 0
    sentences = [
        say(
            "Allowing for part-time working, {n} {workers} held {t} or more cases per full-time "
            "equivalent, and {m} held {u} or more.",
            n=at_or_above(c, "/caseloads_fte/total", k),
            workers=plural(fte.total.at_or_above[k].workers, "worker", "workers"),
            t=c.num(f"/caseloads_fte/total/at_or_above/{k}/threshold"),
            m=at_or_above(c, "/caseloads_fte/total", len(fte.thresholds) - 1),
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
                workers=plural(wt.excluded_workers, "worker", "workers"),
                were=plural(wt.excluded_workers, "was", "were"),
                at=plural(wt.total.at_or_above[k].workers, "worker was", "workers were"),
                avg=c.num("/caseloads_weighted/total/average", "ratio"),
                n=at_or_above(c, "/caseloads_weighted/total", k),
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


def spans_paragraph(section: StaffingSection, c: Cites) -> Paragraph | None:
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
