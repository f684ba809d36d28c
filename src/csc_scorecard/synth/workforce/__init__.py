"""The synthetic authority's social work and family support workforce, and who holds each case.

`simulate(config, tables)` reads the children's canonical tables (children, referrals,
assessments, cp_plans, cla_episodes, care_leaver_plans, early_help_episodes; any may be absent)
and returns the workforce tables: teams, workers, worker_posts, worker_absences,
case_allocations, supervisions, case_audits, workforce_census_workers, workforce_census_la,
cla_social_worker_episodes, and care_leaver_plans with the allocated personal adviser filled in.

The steps, one module each:

1. `cases`: the periods each child's case is open and the service area holding it (looked
   after > child protection > child in need > assessment > care leaver > family support).
2. `establishment`: teams and posts, sized from that demand and the calibration in
   `workforce.yaml` (`calibration`).
3. `staffing`: who holds each post over time - permanent staff leave (turnover), posts stay
   vacant while recruitment runs, agency workers cover, colleagues move team or are promoted,
   newly qualified social workers (ASYEs) join; then `absences` (sickness, maternity, training).
4. `allocation`: every open case is allocated to an available worker of its service area and
   reallocated when the worker leaves, moves team or goes on long-term absence.
5. Records derived from those: `supervision`, `audits`, `census` (30 September) and
   `sw_episodes` (903); `tables` turns the objects into canonical tables and `imperfections`
   spoils a share of records when `SynthConfig.imperfections` asks for it.
6. `returns`: the supervision sheets some teams have not yet returned for the extract's quarter.

Dates are ordinal day numbers inside the simulation (`days`). Every step draws from its own
random stream, so the whole run is deterministic for `SynthConfig.seed`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from csc_scorecard.synth.authority import SynthConfig
from csc_scorecard.synth.workforce.absences import draw_absences
from csc_scorecard.synth.workforce.allocation import Allocator, tidy
from csc_scorecard.synth.workforce.audits import audits
from csc_scorecard.synth.workforce.calibration import Calibration, calibration
from csc_scorecard.synth.workforce.cases import Case, derive_cases, per_year
from csc_scorecard.synth.workforce.census import census_la, census_workers
from csc_scorecard.synth.workforce.establishment import establish
from csc_scorecard.synth.workforce.imperfections import WORKFORCE, spoil
from csc_scorecard.synth.workforce.returns import without_unreturned
from csc_scorecard.synth.workforce.staffing import Staffing
from csc_scorecard.synth.workforce.supervision import supervisions
from csc_scorecard.synth.workforce.sw_episodes import sw_episodes
from csc_scorecard.synth.workforce.tables import (
    absences_table,
    allocations_table,
    posts_table,
    teams_table,
    with_personal_advisers,
    workers_table,
)

__all__ = ["Calibration", "Case", "calibration", "derive_cases", "simulate"]

# Mixed with config.seed (a SeedSequence) so these draws are independent of the children simulation's.
SEED_OFFSET = 1_001
# The canonical columns read from the children's tables.
INPUT_COLUMNS = {
    "children": ["child_id", "date_of_birth", "disabilities"],
    "referrals": ["child_id", "referral_date", "referral_nfa", "closure_date"],
    "assessments": ["child_id", "referral_date", "authorised_date"],
    "cp_plans": ["child_id", "start_date", "end_date"],
    "cla_episodes": ["child_id", "decom", "ls", "cin", "dec", "rec"],
    "care_leaver_plans": ["child_id", "as_at_date"],
    "early_help_episodes": [
        "child_id",
        "assessment_start_date",
        "assessment_completion_date",
        "closure_date",
    ],
}


def simulate(config: SynthConfig, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The workforce tables for the authority whose children's tables are `tables`."""
    cal = calibration()
    streams = [
        np.random.default_rng(s)
        for s in np.random.SeedSequence([config.seed, SEED_OFFSET]).spawn(8)
    ]
    t0, end = config.start.toordinal(), config.end.toordinal()
    rows = {
        name: (tables[name].select(columns).to_pylist() if name in tables else [])
        for name, columns in INPUT_COLUMNS.items()
    }

    cases = derive_cases(rows, t0, end, cal, streams[0])
    referrals_a_year = per_year(rows["referrals"], "referral_date", t0, end)
    teams, slots = establish(cases, referrals_a_year, t0, end, cal, config.size)
    staff = Staffing(cal, streams[1], t0, end, teams, slots, config.size)
    staff.run()
    draw_absences(staff, streams[2])
    allocations = tidy(Allocator(cal, streams[3], t0, end, teams, staff.workers).run(cases))

    out = {
        "teams": teams_table(teams, staff.workers, end),
        "workers": workers_table(staff.workers, end),
        "worker_posts": posts_table(staff.workers, end),
        "worker_absences": absences_table(staff.workers, end),
        "case_allocations": allocations_table(allocations),
        "supervisions": supervisions(staff.workers, teams, t0, end, cal, streams[4]),
        "case_audits": audits(allocations, t0, end, cal, streams[5]),
        "workforce_census_workers": census_workers(staff.workers, allocations, t0, end, cal),
        "workforce_census_la": census_la(staff, t0, end),
        "cla_social_worker_episodes": sw_episodes(rows["cla_episodes"], allocations, t0, end),
    }
    if "care_leaver_plans" in tables:
        out["care_leaver_plans"] = with_personal_advisers(tables["care_leaver_plans"], allocations)
    out = spoil(out, config.imperfections, WORKFORCE, streams[6], config.end)
    out["supervisions"] = without_unreturned(
        out["supervisions"], staff.workers, teams, config.end, cal, streams[7]
    )
    return out
