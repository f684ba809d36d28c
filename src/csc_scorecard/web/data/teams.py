"""The teams pages' figures: every team's caseloads, span of control and supervision at the
quarter's end (`csc_scorecard.measures.workforce`), one team's case holders and overdue
supervisions, and each team's part of the framework's measures, rated by the one rating."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from csc_scorecard.measures.catalogue import Measure, catalogue
from csc_scorecard.model.periods import Quarter
from csc_scorecard.report.model import AppendixRow, ReportContext
from csc_scorecard.web.data.drilldown import DrillDown
from csc_scorecard.web.quoting import quoted
from csc_scorecard.wording import long_date

if TYPE_CHECKING:
    from csc_scorecard.rating.framework import Framework


class Teams(DrillDown):
    """Teams' workforce figures (aggregates, and one team's workers) and teams' measures."""

    def _workforce(self, quarter: Quarter) -> dict[str, Any]:
        """Caseloads (cases, per FTE, role-weighted), spans and supervision at the quarter end."""
        import ibis

        from csc_scorecard.measures.workforce.caseloads import positions, workers
        from csc_scorecard.measures.workforce.settings import default_settings
        from csc_scorecard.measures.workforce.snapshot import context_for, taken
        from csc_scorecard.measures.workforce.spans import spans
        from csc_scorecard.measures.workforce.supervision import supervision
        from csc_scorecard.measures.workforce.supervision_returns import supervision_returns

        def build() -> dict[str, Any]:
            at = quarter.end
            with self.store() as db:
                ctx = context_for(ibis.duckdb.from_connection(db.con), self.la_code())
                # Where every worker stands on the date, taken once (one statement) and given
                # to each figure, not taken again by each of four.
                snap = taken(ctx, [("at", at)], default_settings())
                return {
                    "at": at,
                    "allocations": db.holds("case_allocations", self.la_code()),
                    "positions": positions(ctx, {"at": at}, snapshot=snap),
                    "spans": spans(ctx, at, snapshot=snap),
                    "supervision": supervision(ctx, at, snapshot=snap),
                    "returns": supervision_returns(ctx, quarter.start, at),
                    "workers": workers(ctx, at, snapshot=snap),
                }

        return self.cached("workforce", (str(quarter),), build)

    def teams(self, quarter: Quarter) -> dict[str, Any]:
        """Every team's caseloads, span of control and supervision (aggregates only)."""
        w = self._workforce(quarter)
        total = w["positions"][("at", "cases")].total
        return {
            "period": str(quarter),
            "label": quarter.label,
            "at": w["at"],
            "at_text": long_date(w["at"]),
            "teams": _team_rows(w),
            "total": total.model_dump(mode="json"),
            "span_standard": w["spans"].standard_cases,
            "supervision_standard_days": w["supervision"].standard_days,
            "supervision_total": w["supervision"].total.model_dump(mode="json"),
            "teams_without_supervision_data": w["returns"].teams_without_data,
            "no_allocations": None if w["allocations"] else self._no_allocations(),
        }

    def _no_allocations(self) -> str:
        """Why no team has case holders when the store holds no case allocations (every
        caseload would read 0: `lists.base.require` refuses the caseload lists alike)."""
        return (
            f"The store holds no case_allocations rows for LA {self.la_code()}: who holds each "
            "case is not known, so no team's case holders or caseloads can be shown. Load them "
            "(the case_allocations template, docs/templates.md, or a Standard Safeguarding "
            "Dataset)."
        )

    def team(self, quarter: Quarter, team_id: str) -> dict[str, Any]:
        """One team: its figures, its case holders and its overdue supervisions (worker level)."""
        summary = self.teams(quarter)
        found = next((t for t in summary["teams"] if t["team_id"] == team_id), None)
        if found is None and summary["no_allocations"]:
            raise LookupError(summary["no_allocations"])
        if found is None:  # a team the store never names, or one holding no case that day
            from csc_scorecard.lists.subjects import unknown_subject

            with self.store() as db:
                unknown = unknown_subject(
                    db, self.la_code(), team_id, None,
                    team_names=False, labels=("team", "worker"), quote=quoted,
                )  # fmt: skip
            raise LookupError(
                f"{unknown}."
                if unknown
                else f"No worker of team {quoted(team_id)} held a case on "
                f"{long_date(quarter.end)}: it has no caseloads or case holders to show for "
                f"{quarter.label}."
            )
        w = self._workforce(quarter)
        return {
            "period": str(quarter),
            "label": quarter.label,
            "at": w["at"],
            "at_text": long_date(w["at"]),
            "team": found,
            "workers": [x.model_dump(mode="json") for x in w["workers"] if x.team_id == team_id],
            "overdue_supervision": [
                o.model_dump(mode="json")
                for o in (w["supervision"].overdue or [])
                if o.team_name == found["name"]
            ],
        }

    # -- the teams' measures --------------------------------------------------------------------

    def team_measures(self, quarter: Quarter, team_id: str) -> dict[str, Any]:
        """The framework's measures for one team: each team's part of the authority's figure
        from the measure's member rows (`members.by_team`), rated by the framework's target
        (`rating.rate_item`, the one rating). Built for every team at once on the build thread
        (Preparing until then) and kept for this state of the load history."""
        built = self.prepared(
            "team_measures",
            (str(quarter),),
            lambda: self._team_measures(quarter),
            f"the teams' measures for {quarter.label}",
        )
        return {"measures": built["teams"].get(team_id, []), "without": built["without"]}

    def _team_measures(self, quarter: Quarter) -> dict[str, Any]:
        """Every team's rated measures, and the measures no team's part can be given for."""
        context = self.context_now(quarter, False)
        framework = self.framework(context.authority.name)
        teams: dict[str, list[dict[str, Any]]] = {}
        without = []
        for group in context.appendix:
            for row in group.rows:
                m = catalogue().get(row.measure or "")
                if m is None or m.manual or m.dimension:
                    continue
                parts, reason = self._team_parts(quarter, m.id)
                if not parts:
                    without.append({"item": row.item, "measure": m.id, "title": row.title,
                                    "reason": reason})  # fmt: skip
                    continue
                for team, rated in _rated_parts(context, framework, quarter, row, m, parts):
                    teams.setdefault(team, []).append(rated)
        return {"teams": teams, "without": without}

    def _team_parts(self, quarter: Quarter, measure_id: str) -> tuple[list[dict[str, Any]], str]:
        """The measure's figure by team (`members.by_team`), and why it has none when empty."""
        from csc_scorecard.measures.members import NoMembers, by_team

        try:
            rows = self.members(quarter, measure_id)
        except NoMembers as why:
            return [], str(why)
        reason = (
            "no records counted in the quarter"
            if rows.num_rows == 0
            else "counted over a population or a denominator that has no team"
        )
        return by_team(rows), reason


def _team_rows(w: dict[str, Any]) -> list[dict[str, Any]]:
    """Each team's caseloads, span and supervision, by service area then name."""
    by_basis = {
        basis: {f.team_id: f for f in w["positions"][("at", basis)].by_team}
        for basis in ("cases", "fte", "weighted")
    }
    spans = {t.team_id: t for t in w["spans"].teams}
    sup = {f.team_id: f for f in w["supervision"].by_team}
    recorded = {t.team_id: t for t in w["returns"].teams}
    rows = []
    for team_id, f in sorted(
        by_basis["cases"].items(), key=lambda kv: (str(kv[1].service_area), kv[1].name)
    ):
        if team_id is None:
            continue
        span = spans.get(team_id)
        s = sup.get(team_id)
        r = recorded.get(team_id)
        fte = by_basis["fte"].get(team_id)
        weighted = by_basis["weighted"].get(team_id)
        rows.append(
            {
                "team_id": team_id,
                "name": f.name,
                "service_area": f.service_area,
                "case_holders": f.case_holders,
                "cases": f.cases,
                "fte": f.fte,
                # DfE's average, cases ÷ FTE of the case holders (workforce.caseloads), the same
                # on the cases and FTE bases: shown once, as per FTE
                "average_per_fte": fte.average if fte else None,
                "average_weighted": weighted.average if weighted else None,
                "maximum": f.maximum,
                "cases_per_manager": span.cases_per_manager if span else None,
                "over_standard": span.over_standard if span else None,
                "supervision_percent": s.percent if s else None,
                "supervision_staff": s.staff if s else None,
                # supervision recorded in the quarter (measures/workforce/supervision_returns.py)
                "supervision_recorded": r.supervised if r else None,
                "supervision_recorded_percent": r.percent if r else None,
                "supervision_data_added": r.added if r else None,
            }
        )
    return rows


def _rated_parts(
    context: ReportContext,
    framework: Framework,
    quarter: Quarter,
    row: AppendixRow,
    m: Measure,
    parts: list[dict[str, Any]],
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(team, its part of the measure rated against the framework item) for each team's part."""
    from csc_scorecard.numbers import display
    from csc_scorecard.rating import make_reading, rate_item
    from csc_scorecard.report.appendix import STATUS_LABELS
    from csc_scorecard.report.facts import figure_id

    c = context.comparators.get(m.id)
    published = {"england": c.england, "region": c.region,
                 "statistical_neighbours": c.statistical_neighbours} if c else {}  # fmt: skip
    whole = context.figures.get(figure_id(m.id, str(quarter)))
    for part in parts:
        if part["team"] is None:
            continue
        reading = make_reading(
            row.item,
            str(quarter),
            part["value"],
            numerator=part["numerator"],
            denominator=part["denominator"],
        )
        rating = rate_item(framework.item(row.item), reading, str(quarter), published=published)
        yield (
            part["team"],
            {
                "item": row.item,
                "measure": m.id,
                "title": row.title,
                "unit": m.unit,
                "rows": part["rows"],
                "numerator": part["numerator"],
                "denominator": part["denominator"],
                "value": part["value"],
                "display": display(part["value"], m.unit),
                "status": rating.status.value,
                "status_label": STATUS_LABELS[rating.status.value],
                "rag": rating.rag.value if rating.rag else None,
                "reason": rating.reason,
                "target": row.target,
                "authority": whole.display if whole else "",
            },
        )
