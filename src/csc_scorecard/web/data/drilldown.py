"""The drill-down's rows: what a measure counted for a quarter, child- or worker-level
(`csc_scorecard.measures.members`), optionally one team's or one worker's."""

from __future__ import annotations

from csc_scorecard.model.periods import Quarter
from csc_scorecard.web.data.contexts import Contexts


class DrillDown(Contexts):
    """The member rows behind a measure's numerator and denominator."""

    def members(
        self,
        quarter: Quarter,
        measure_id: str,
        *,
        team: str | None = None,
        worker: str | None = None,
    ):
        """The rows a measure counted for the quarter (child- or worker-level), optionally one
        team's or worker's. The whole table is kept per load history; filters are applied here."""
        import pyarrow.compute as pc

        from csc_scorecard.measures.members import members

        def build():
            with self.store() as db:
                return members(db, self.la_code(), measure_id, str(quarter))

        table = self.cached("members", (str(quarter), measure_id), build)
        for column, value in (("team", team), ("worker", worker)):
            if value:
                table = table.filter(pc.equal(table[column], value))
        return table
