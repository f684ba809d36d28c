"""A small hand-made workforce for authority 999, shared by the workforce tests.

Every expected figure is worked out by hand, worker by worker, in `tests/test_workforce_measures.py`'s
docstring. Dates: the quarter is 2022-Q1 (1 April to 30 June 2022); "D" is 30 June 2022 and the
comparison date "C" is 31 March 2022 (the end of the previous quarter).

Teams (front line unless stated):
  T1 ACPS North 1 (ACPS)         manager M1 (post)
  T2 ACPS South 1 (ACPS)         manager M2 (post)
  T3 Children in Care 1          manager M3, named in the teams table only (no post recorded)
  T4 PAFSS North (family support, NOT front line)
  T5 ACPS management (NOT front line)

Workers (posts; qualified unless stated; employed unless agency):
  M1  team manager T1, 1.0 FTE from 2015; holds 2 cases (a case-holding manager)
  M2  team manager T2, 1.0 FTE from 2015; no cases
  A1  social worker T1, 0.5 FTE (part time) from 2018; 12 cases (11 own + CO, co-worked with A3)
  A2  social worker T1, 1.0 FTE from 10 Jan 2022, ASYE from 10 Jan 2022; 16 cases from 1 Apr 2022
  A3  advanced practitioner T1, 1.0 FTE from 2016; 10 cases (9 own + CO); off sick 1 Apr - 31 May 2022
  A4  social worker T2, AGENCY, 1.0 FTE from 1 Feb 2022; 25 cases from 1 Feb 2022
  A5  social worker T2, 1.0 FTE from 2017; 3 cases; off sick from 1 Jun 2022, no end (long-term)
  A6  social worker, 1.0 FTE: T2 from 2020 to 15 May 2022, then T3 from 16 May 2022 (moved team); 20 cases
  A7  social worker T2, 1.0 FTE from 2019; 18 cases + A7-END (allocation ends on D) + A7-NEW
      (starts on D); off 29 Jun - 1 Jul 2022 (3 days: not long-term)
  N1  social worker T3, 1.0 FTE from 20 Jun 2022 (new starter); 2 cases from 20 Jun 2022
  L1  social worker T3, 0.8 FTE 2019 - 31 May 2022 (left); 7 cases ended 31 May, L1-OPEN never handed over
  L2  social worker T3, 1.0 FTE 2018 - 30 Jun 2021 (left before the turnover window)
  G2  social worker T2, AGENCY, 1.0 FTE 1 Sep 2021 - 31 Jan 2022 (agency leaver)
  F1  family support worker T4, NOT qualified, 1.0 FTE from 2019; 30 cases
  S1  service manager T5, 1.0 FTE from 2010; 1 case
"""

from __future__ import annotations

from datetime import date as d

import pyarrow as pa
from conftest import canonical
from measure_fixtures import load

LA = "999"
D = d(2022, 6, 30)
C = d(2022, 3, 31)
JAN = d(2022, 1, 4)

POSTS = [
    # worker, team, role, fte, start, end
    ("M1", "T1", "team_manager", 1.0, d(2015, 1, 1), None),
    ("M2", "T2", "team_manager", 1.0, d(2015, 1, 1), None),
    ("A1", "T1", "social_worker", 0.5, d(2018, 1, 1), None),
    ("A2", "T1", "social_worker", 1.0, d(2022, 1, 10), None),
    ("A3", "T1", "advanced_practitioner", 1.0, d(2016, 1, 1), None),
    ("A4", "T2", "social_worker", 1.0, d(2022, 2, 1), None),
    ("A5", "T2", "social_worker", 1.0, d(2017, 1, 1), None),
    ("A6", "T2", "social_worker", 1.0, d(2020, 1, 1), d(2022, 5, 15)),
    ("A6", "T3", "social_worker", 1.0, d(2022, 5, 16), None),
    ("A7", "T2", "social_worker", 1.0, d(2019, 1, 1), None),
    ("N1", "T3", "social_worker", 1.0, d(2022, 6, 20), None),
    ("L1", "T3", "social_worker", 0.8, d(2019, 1, 1), d(2022, 5, 31)),
    ("L2", "T3", "social_worker", 1.0, d(2018, 1, 1), d(2021, 6, 30)),
    ("G2", "T2", "social_worker", 1.0, d(2021, 9, 1), d(2022, 1, 31)),
    ("F1", "T4", "family_support_worker", 1.0, d(2019, 1, 1), None),
    ("S1", "T5", "service_manager", 1.0, d(2010, 1, 1), None),
]

WORKERS = [
    # worker, agency, qualified, asye start, start, leave
    ("M1", False, True, None, d(2015, 1, 1), None),
    ("M2", False, True, None, d(2015, 1, 1), None),
    ("M3", False, True, None, d(2014, 1, 1), None),
    ("A1", False, True, None, d(2018, 1, 1), None),
    ("A2", False, True, d(2022, 1, 10), d(2022, 1, 10), None),
    ("A3", False, True, None, d(2016, 1, 1), None),
    ("A4", True, True, None, d(2022, 2, 1), None),
    ("A5", False, True, None, d(2017, 1, 1), None),
    ("A6", False, True, None, d(2020, 1, 1), None),
    ("A7", False, True, None, d(2019, 1, 1), None),
    ("N1", False, True, None, d(2022, 6, 20), None),
    ("L1", False, True, None, d(2019, 1, 1), d(2022, 5, 31)),
    ("L2", False, True, None, d(2018, 1, 1), d(2021, 6, 30)),
    ("G2", True, True, None, d(2021, 9, 1), d(2022, 1, 31)),
    ("F1", False, False, None, d(2019, 1, 1), None),
    ("S1", False, True, None, d(2010, 1, 1), None),
]


def _allocations() -> list[tuple[str, str, d, d | None]]:
    rows: list[tuple[str, str, d, d | None]] = []

    def own(worker: str, n: int, start: d, end: d | None = None) -> None:
        rows.extend((f"{worker}-{i:02d}", worker, start, end) for i in range(1, n + 1))

    own("M1", 2, JAN)
    own("A1", 11, JAN)
    own("A3", 9, JAN)
    rows += [("CO", "A1", JAN, None), ("CO", "A3", JAN, None)]  # co-worked in T1
    own("A2", 16, d(2022, 4, 1))
    own("A4", 25, d(2022, 2, 1))
    own("A5", 3, JAN)
    own("A6", 20, JAN)
    own("A7", 18, JAN)
    rows += [("A7-END", "A7", JAN, D), ("A7-NEW", "A7", D, None)]
    own("N1", 2, d(2022, 6, 20))
    own("L1", 7, JAN, d(2022, 5, 31))
    rows.append(("L1-OPEN", "L1", JAN, None))
    own("F1", 30, JAN)
    own("S1", 1, JAN)
    return rows


def tables() -> dict[str, pa.Table]:
    alloc = _allocations()
    return {
        "teams": canonical(
            "teams",
            team_id=["T1", "T2", "T3", "T4", "T5"],
            team_name=[
                "ACPS North 1",
                "ACPS South 1",
                "Children in Care 1",
                "PAFSS North",
                "ACPS management",
            ],
            service_area=["ACPS", "ACPS", "Children in Care", "Family Support", "ACPS"],
            manager_worker_id=["M1", "M2", "M3", None, "S1"],
            front_line=[True, True, True, False, False],
        ),
        "workers": canonical(
            "workers",
            worker_id=[w[0] for w in WORKERS],
            agency=[w[1] for w in WORKERS],
            qualified=[w[2] for w in WORKERS],
            asye_start_date=[w[3] for w in WORKERS],
            start_date=[w[4] for w in WORKERS],
            leave_date=[w[5] for w in WORKERS],
        ),
        "worker_posts": canonical(
            "worker_posts",
            worker_id=[p[0] for p in POSTS],
            team_id=[p[1] for p in POSTS],
            role=[p[2] for p in POSTS],
            fte=[p[3] for p in POSTS],
            start_date=[p[4] for p in POSTS],
            end_date=[p[5] for p in POSTS],
        ),
        "worker_absences": canonical(
            "worker_absences",
            worker_id=["A3", "A5", "A7"],
            start_date=[d(2022, 4, 1), d(2022, 6, 1), d(2022, 6, 29)],
            end_date=[d(2022, 5, 31), None, d(2022, 7, 1)],
            reason=["SIC", "SIC", "OTH"],
        ),
        "case_allocations": canonical(
            "case_allocations",
            child_id=[a[0] for a in alloc],
            worker_id=[a[1] for a in alloc],
            start_date=[a[2] for a in alloc],
            end_date=[a[3] for a in alloc],
        ),
        "supervisions": canonical(
            "supervisions",
            worker_id=["A1", "A2", "A3", "A4", "A6", "A6", "A7", "A5"],
            supervision_date=[
                d(2022, 6, 15),
                d(2022, 5, 31),
                d(2022, 3, 25),
                d(2022, 4, 1),
                d(2022, 5, 20),
                d(2022, 7, 5),
                D,
                d(2022, 3, 1),
            ],
            supervisor_id=["M1", "M1", "M1", "M2", "M2", "M3", "M2", "M2"],
        ),
        "case_audits": canonical(
            "case_audits",
            audit_id=["AU1", "AU2", "AU3", "AU4", "AU5", "AU6"],
            child_id=["A1-01", "A4-01", "A6-01", "F1-01", "F1-02", "A7-01"],
            team_id=["T1", "T2", "T3", "T4", "T4", "T2"],
            audit_date=[
                d(2022, 4, 10),
                d(2022, 5, 10),
                D,
                d(2022, 6, 1),
                d(2022, 3, 31),
                d(2022, 5, 1),
            ],
            audit_type=[
                "social_care",
                "social_care",
                "social_care",
                "family_support",
                "family_support",
                "social_care",
            ],
            grade=["good", "requires_improvement", "inadequate", "outstanding", "good", None],
        ),
        "workforce_census_la": canonical(
            "workforce_census_la",
            collection_year=[2021, 2022],
            vacancies_fte=[2.0, 5.0],
        ),
        "workforce_census_workers": canonical(
            "workforce_census_workers",
            collection_year=[2021] * 5,
            worker_id=["CW1", "CW2", "CW3", "CWA", "CWL"],
            agency=[False, False, False, True, False],
            fte=[1.0, 0.5, 1.0, 1.0, 1.0],
            fte30=[1.0, 0.5, 1.0, 1.0, None],
            cases30=[10, 6, 0, 12, None],
            role_end_date=[None, None, None, None, d(2021, 8, 1)],
        ),
    }


def load_fixture(store) -> None:
    load(store, tables(), la_code=LA)
