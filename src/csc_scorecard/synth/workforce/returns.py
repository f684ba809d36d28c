"""Step 6: supervision sheets not yet returned at the extract date (seed para 28).

Supervision dates are entered by each team's managers in a sheet collated after the quarter
ends: "On 18.7.21 the position at the end of Q1 was that 66.5% of supervisions had taken place.
There are however seven Teams that need to add additional data so this figure will increase."
So at the extract date a share of the front-line teams (`supervision.unreturned_team_share`)
has entered nothing for the quarter the extract ends in: their sessions from the quarter's
first day are not in the extract. Applied after the data-quality faults, from its own random
stream, so no other record changes.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from csc_scorecard.synth.workforce.calibration import Calibration
from csc_scorecard.synth.workforce.establishment import Team
from csc_scorecard.synth.workforce.staffing import Worker


def quarter_start(day: date) -> date:
    """The first day of the calendar quarter `day` is in.

    >>> quarter_start(date(2022, 6, 30)), quarter_start(date(2022, 4, 1))
    (datetime.date(2022, 4, 1), datetime.date(2022, 4, 1))
    """
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def unreturned_teams(teams: list[Team], cal: Calibration, rng: np.random.Generator) -> set[str]:
    """The front-line teams that have not returned their sheet for the extract's quarter."""
    front = sorted(t.team_id for t in teams if t.front_line)
    k = round(cal.supervision.unreturned_team_share * len(front))
    return set(rng.choice(front, size=k, replace=False).tolist()) if k else set()


def without_unreturned(
    sessions: pa.Table,
    workers: list[Worker],
    teams: list[Team],
    end: date,
    cal: Calibration,
    rng: np.random.Generator,
) -> pa.Table:
    """`sessions` less those of the extract's quarter held in a team whose sheet is not in."""
    missing = unreturned_teams(teams, cal, rng)
    if not missing:
        return sessions
    by_id = {w.worker_id: w for w in workers}
    first = quarter_start(end)

    def kept(worker_id: str, day: date | None) -> bool:
        if day is None or day < first:
            return True
        w = by_id.get(worker_id)
        post = w.post_on(day.toordinal()) if w is not None else None
        return post is None or post.team.team_id not in missing

    keep = [
        kept(w, d)
        for w, d in zip(
            sessions.column("worker_id").to_pylist(),
            sessions.column("supervision_date").to_pylist(),
            strict=True,
        )
    ]
    return sessions.filter(pa.array(keep))
