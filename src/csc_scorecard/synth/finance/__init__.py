"""The synthetic authority's finance, children's homes pipeline and manually supplied figures.

`simulate(config, tables)` reads the looked-after children (children, cla_episodes) and the
workforce (workers, worker_posts, teams, workforce_census_la) and returns:

- placement_costs: every costed placement as cost periods (weekly cost by care-ladder line,
  uplifted each April, renegotiated now and then, rising with a fostered child's age);
- budget_lines: each financial year's care-ladder, agency and staffing budgets, set from
  activity at 1 April the way the seed's medium-term financial strategy was (fewer placements and
  cheaper packages than the authority actually had, agency staff replaced by newly qualified
  social workers), so the seed's forecast overspend appears (paras 36-42);
- grants: the Home Office UASC rate per night and the DSG high needs contribution;
- agency_costs: agency FTE and spend by month and service area;
- homes_pipeline: quarterly snapshots of the planned children's homes (paras 43-44);
- manual_values: youth justice, Ofsted grades of the authority's homes and Family Star figures.

Calibration numbers are in `finance.yaml`; the logic here only says how they combine. With
`config.imperfections` > 0 a share of the placement cost and agency cost records get realistic
data-quality faults (`FAULTS` below, applied by `synth.workforce.imperfections`).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from csc_scorecard.synth.authority import SynthConfig
from csc_scorecard.synth.finance.budgets import agency_costs, agency_posts, budgets, grants
from csc_scorecard.synth.finance.calibration import calibration
from csc_scorecard.synth.finance.homes import manual_values, opened, own_homes, pipeline
from csc_scorecard.synth.finance.placements import (
    care_ladder_line,
    cost_placements,
    placement_table,
)
from csc_scorecard.synth.workforce.imperfections import Faults, spoil

__all__ = ["FAULTS", "calibration", "care_ladder_line", "simulate"]

# Mixed with config.seed (a SeedSequence) so these draws are independent of children and workforce.
SEED_OFFSET = 1_002

# Faults given to SynthConfig.imperfections of the finance records (workforce/imperfections.py):
# a cost line typed without its weekly cost or provider, or charged to a line that does not
# exist; a month's agency spend missing; a row entered twice. Budgets, grants, the homes pipeline
# and the manually supplied figures are set once a year or quarter and checked, so stay clean.
FAULTS = {
    "placement_costs": Faults(
        missing_value=("weekly_cost", "provider"), unknown_code={"line": "care_ladder_line"}
    ),
    "agency_costs": Faults(missing_value=("cost",)),
}
# The canonical columns read from the children's and the workforce tables.
INPUT_COLUMNS = {
    "children": ["child_id", "date_of_birth", "uasc", "uasc_ceased_date"],
    "cla_episodes": ["child_id", "decom", "rne", "place", "place_provider", "dec"],
    "workers": ["worker_id", "agency"],
    "worker_posts": ["worker_id", "team_id", "role", "fte", "start_date", "end_date"],
    "teams": ["team_id", "service_area"],
    "workforce_census_la": ["collection_year", "vacancies_fte"],
}


def simulate(config: SynthConfig, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Finance, sufficiency and manual-value tables for the authority in `tables`."""
    cal = calibration()
    streams = [
        np.random.default_rng(s)
        for s in np.random.SeedSequence([config.seed, SEED_OFFSET]).spawn(5)
    ]
    t0, end = config.start.toordinal(), config.end.toordinal()
    rows = {
        name: (tables[name].select(columns).to_pylist() if name in tables else [])
        for name, columns in INPUT_COLUMNS.items()
    }
    years = list(range(config.first_year, config.last_year + 1))

    placements = cost_placements(rows["children"], rows["cla_episodes"], t0, end, cal, streams[0])
    agency = agency_posts(rows)
    out = {
        "placement_costs": placement_table(placements),
        "budget_lines": budgets(placements, agency, rows, years, t0, end, cal),
        "grants": grants(placements, years, cal),
        "agency_costs": agency_costs(agency, t0, end, cal),
        "homes_pipeline": pipeline(config.end, cal, streams[1]),
    }
    new_homes = opened(cal, config.end)
    out["manual_values"], grades = manual_values(config, [d for d, _ in new_homes], cal, streams[2])
    out["own_homes"] = own_homes(config, grades, [h for _, h in new_homes], cal, streams[4])
    return spoil(out, config.imperfections, FAULTS, streams[3], config.end)
