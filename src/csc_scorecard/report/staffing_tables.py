"""Tables of the report's staffing section, beside the sentences report/sections/staffing/ writes.

`tables(section, subsection)` gives the plain tables a staffing subsection shows: under
`supervision`, the supervision recorded by team in the quarter (measures/workforce/supervision_returns.py):
each team's front-line staff, those with a supervision recorded, the completeness and whether the
team has added its data - the seed's "seven Teams that need to add additional data" (para 28),
team by team. Team figures count workers, so a published report has no such table (the section
leaves the teams out when published).
"""

from __future__ import annotations

from csc_scorecard.numbers import count, display
from csc_scorecard.report.model import Table
from csc_scorecard.report.sections.staffing.model import StaffingSection


def tables(section: StaffingSection, subsection: str) -> list[Table]:
    """The tables of one staffing subsection (layout.yaml id)."""
    if subsection == "supervision":
        return [t for t in (supervision_table(section),) if t is not None]
    return []


def supervision_table(section: StaffingSection) -> Table | None:
    """Supervision recorded in the quarter by team, teams yet to add their data marked; None when
    there are no teams to show (none counted, or a published report)."""
    r = section.supervision_returns
    if r is None or not r.teams:
        return None
    return Table(
        id="supervision_by_team",
        title=f"Supervision recorded by team, {section.quarter_label}",
        columns=[
            "Service area",
            "Team",
            "Front-line staff",
            "Supervised in the quarter",
            "Completeness",
            "Supervision data",
        ],
        rows=[
            [
                t.service_area or "",
                t.name,
                count(t.staff),
                count(t.supervised),
                display(t.percent, "percent"),
                "added" if t.added else "yet to add",
            ]
            for t in r.teams
        ],
        totals={
            "teams": r.team_count,
            "teams_with_data": r.teams_with_data,
            "teams_without_data": r.teams_without_data,
        },
        as_at_text=section.date_text,
        note=(
            "Staff: front-line staff in the supervised roles in post at the quarter end and not on "
            "long-term absence, in their team on that day. Supervised in the quarter: at least one "
            "supervision recorded in the quarter. A team with none recorded has yet to add its "
            "supervision data."
        ),
    )
