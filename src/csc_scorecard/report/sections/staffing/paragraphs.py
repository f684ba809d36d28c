"""The staffing section's narrative in the seed's order (paras 28-33 and 42), whole or by the
report's staffing subsections: supervision and audits, caseloads (caseload_paragraphs.py), and
agency, turnover and vacancies."""

from __future__ import annotations

from csc_scorecard.measures.workforce.supervision_returns import SupervisionReturns
from csc_scorecard.model.codes import codes
from csc_scorecard.report.sections.staffing.caseload_paragraphs import (
    adjusted_paragraph,
    caseload_paragraph,
    spans_paragraph,
)
from csc_scorecard.report.sections.staffing.cites import Cites, plural
from csc_scorecard.report.sections.staffing.model import StaffingSection
from csc_scorecard.wording import Cited, Paragraph, say


def paragraphs(section: StaffingSection, ref_prefix: str = "") -> list[Paragraph]:
    """The section's narrative, in the seed's order: supervision, caseloads (now, then, per FTE
    and weighted), spans of control, audits, agency, turnover and vacancies."""
    c = Cites(section, ref_prefix)
    out = [
        _supervision_paragraph(section, c),
        returns_paragraph(section.supervision_returns, c, "/supervision_returns"),
        caseload_paragraph(section, c, "caseloads", first=True),
        caseload_paragraph(section, c, "caseloads_compare", first=False),
        adjusted_paragraph(section, c),
        spans_paragraph(section, c),
        _audit_paragraph(section, c),
        _agency_paragraph(section, c),
    ]
    return [p for p in out if p is not None and (p.sentences or p.bullets)]


def paragraph_groups(section: StaffingSection, ref_prefix: str = "") -> dict[str, list[Paragraph]]:
    """The narrative by the report's staffing subsections (layout.yaml): `supervision`
    (supervision, then case file audits), `caseloads` (now, then, per FTE and weighted, spans
    of control) and `workforce` (agency, turnover and vacancies). Paragraphs with nothing to
    say are left out."""
    c = Cites(section, ref_prefix)
    groups = {
        "supervision": [
            _supervision_paragraph(section, c),
            returns_paragraph(section.supervision_returns, c, "/supervision_returns"),
            _audit_paragraph(section, c),
        ],
        "caseloads": [
            caseload_paragraph(section, c, "caseloads", first=True),
            caseload_paragraph(section, c, "caseloads_compare", first=False),
            adjusted_paragraph(section, c),
            spans_paragraph(section, c),
        ],
        "workforce": [_agency_paragraph(section, c)],
    }
    return {
        k: [p for p in ps if p is not None and (p.sentences or p.bullets)]
        for k, ps in groups.items()
    }


def _supervision_paragraph(section: StaffingSection, c: Cites) -> Paragraph | None:
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
    # A team yet to add its supervision data (returns_paragraph) has no session recorded in
    # the quarter: its share is a gap in the returns, so the lowest is named among the others.
    r = section.supervision_returns
    missing = {t.team_id for t in r.teams if not t.added and t.team_id} if r else set()
    teams = [
        (i, t)
        for i, t in enumerate(sv.by_team)
        if t.percent is not None and t.staff and t.team_id not in missing
    ]
    if teams:
        i, _ = min(teams, key=lambda it: (it[1].percent, it[1].name))
        lead = (
            "Of the teams that have added supervision data for the quarter, the lowest share was"
            if any(t.team_id in missing for t in sv.by_team)
            else "The lowest share was"
        )
        sentences.append(
            say(
                lead + " in {team} ({pct}, {n} of {staff}).",
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
                were=plural(sv.overdue_count, "was", "were"),
                listed="; they are listed for their managers, longest overdue first"
                if sv.overdue
                else "",
            )
        )
    return Paragraph(sentences=sentences)


def returns_paragraph(r: SupervisionReturns | None, c: Cites, base: str) -> Paragraph | None:
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


def _audit_paragraph(section: StaffingSection, c: Cites) -> Paragraph | None:
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
        slots[f"label{i}"] = _audit_words(f.audit_type) + plural(f.audits, " audit", " audits")
        slots[f"g{i}"] = c.num(f"/audits/by_type/{i}/good_or_better")
        slots[f"were{i}"] = plural(f.good_or_better, "was", "were")
    body = "; ".join(parts)
    sentences = [
        say(
            "In {q} there {were} " + body + ".",
            were=plural(au.by_type[0].audits, "was", "were"),
            **slots,
        )
    ]
    # "were graded 'requires improvement' or better": "and 96.4% requires improvement or better"
    # read as 96.4% of audits needing improvement.
    sentences.append(
        say(
            "Overall {good} of audits were graded good or better and {ri} were graded "
            "'requires improvement' or better.",
            good=c.num("/audits/total/good_or_better_percent", "percent"),
            ri=c.num("/audits/total/requires_improvement_or_better_percent", "percent"),
        )
    )
    return Paragraph(sentences=sentences)


def _audit_words(audit_type: str | None) -> str:
    return {"social_care": "social care", "family_support": "family support"}.get(
        audit_type or "", (codes("audit_type").get(audit_type or "") or "other").lower()
    )


def _agency_paragraph(section: StaffingSection, c: Cites) -> Paragraph | None:
    k = section.kpis
    sentences = []
    agency = k["agency_fte_rate"]
    if agency.status == "ok":
        sentences.append(
            say(
                "At the end of the quarter agency social workers held {a} of the {all} full-time "
                "equivalent social worker posts filled ({pct}): registered social workers in post "
                "on that day, not the agency staff paid for over the month that the finance "
                "section counts.",
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
