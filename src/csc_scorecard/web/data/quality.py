"""The data-quality page's faults: the DfE validation rules' faults and the issues recorded at
load, as at a quarter's end, each with the team and worker who can fix it and the measures it
touches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.model.periods import Quarter
from csc_scorecard.web.data.contexts import Contexts

if TYPE_CHECKING:
    import pyarrow as pa

    from csc_scorecard.quality.history import Changes


class DataQuality(Contexts):
    """Every fault in the data as at a quarter's end, with its owner."""

    def quality(self, quarter: Quarter) -> dict[str, Any]:
        """Every fault in the data as at the quarter's end, each with its owner: the DfE
        validation rules' faults (`quality.runner`) and the issues recorded at load
        (`dq_issues`), both given the team and worker who can fix them by the quality layer's
        one rule (`quality.fixlists.with_owners`), the measures each touches, and those of them
        that the quarter's figures call not reportable. Built on the build thread."""
        return self.prepared(
            "quality", (str(quarter),), lambda: self._quality(quarter), "the data-quality lists"
        )

    def _quality(self, quarter: Quarter) -> dict[str, Any]:
        context = self.context_now(quarter, False)
        stopped = {n.measure: n.reason for n in context.data_quality.not_reportable}
        moved, faults, issues = self._faults(quarter)
        return {
            "rows": _fault_rows(faults, issues, stopped),
            "not_reportable": [
                n.model_dump(mode="json") for n in context.data_quality.not_reportable
            ],
            "faults_as_at": context.data_quality.rule_faults.as_at
            if context.data_quality.rule_faults
            else moved.current_as_at,  # the report's date (an in-year return's data end)
            "opened": moved.opened.num_rows if moved.known else None,
            "closed": moved.closed.num_rows if moved.known else None,
            "then_as_at": moved.then_as_at,
        }

    def _faults(self, quarter: Quarter) -> tuple[Changes, pa.Table, pa.Table]:
        """The rules' faults moved since the quarter before, and the rules' faults and the load
        checks' issues as at the quarter's end, each with its owner (arrow tables)."""
        from csc_scorecard.quality.fixlists import with_owners
        from csc_scorecard.report.faults import faults_moved

        la = self.la_code()
        with self.store() as db:
            # the DfE rules' faults as at the quarter's end (the latest snapshot recorded at load
            # by then), and those opened and closed since the quarter before when both are known
            moved = faults_moved(db, la, quarter)
            faults = with_owners(db.con, moved.current)
            # owners as at 31 March of the quarter's year, the latest collection year end
            loads = db.load_ids(la, ending_by=quarter.end)
            issues = db.issue_rows(la, loads, quarter.end.year)
            issues = with_owners(db.con, issues)
        return moved, faults, issues


def _fault_rows(
    faults: pa.Table, issues: pa.Table, stopped: dict[str, str]
) -> list[dict[str, Any]]:
    """One row per fault: the rules' first, then the load checks', with the measures each
    touches and those of them the quarter's figures call not reportable."""
    reading = _measures_by_field()
    rows: list[dict[str, Any]] = []
    for kind, table in (("DfE rule", faults), ("load check", issues)):
        for r in table.to_pylist():
            if kind == "load check":  # a field's issue touches the measures reading it
                touched = reading.get(f"{r['table']}.{r['column_name']}", [])
            else:
                touched = [m for m in (r["measures"] or "").split(";") if m]
            rows.append(
                {
                    "kind": kind,
                    "rule": r["rule"],
                    "return": r["return"] or None,
                    "table": r["table"],
                    "field": r["field"],
                    "row": r["row"],
                    "file": r.get("file"),
                    "child": r["child"],
                    "value": r["value"],
                    "message": r["message"],
                    "severity": r["severity"],
                    "team": r["team"],
                    "team_name": r["team_name"],
                    "worker": r["worker"],
                    "measures": touched,
                    "not_reportable": [m for m in touched if m in stopped],
                }
            )
    return rows


def _measures_by_field() -> dict[str, list[str]]:
    """{table.column: the counted measures that read it} (the catalogue's `fields`)."""
    out: dict[str, list[str]] = {}
    for m in catalogue().values():
        if not m.manual:
            for f in m.fields:
                out.setdefault(f, []).append(m.id)
    return out
