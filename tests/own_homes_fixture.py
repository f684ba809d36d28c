"""Ofsted inspections of five of an authority's own homes, worked by hand in
tests/test_home_inspections.py (the rule: forecast/inspections.py). The date is 30 June 2022
(the end of 2022-Q1), in the inspection year 1 April 2022 - 31 March 2023.
"""

from __future__ import annotations

from datetime import date as d

import pyarrow as pa
from conftest import canonical

AT = d(2022, 6, 30)

# home id, name, URN, places, inspection date, type, judgement
INSPECTIONS = [
    ("A", "Ash House", "SC100001", 4, d(2022, 5, 10), "full", "requires_improvement"),
    ("B", "Birch House", "SC100002", 3, d(2021, 2, 1), "full", "good"),
    ("B", "Birch House", "SC100002", 3, d(2022, 5, 1), "monitoring", None),
    ("C", "Cedar House", "SC100003", 2, d(2021, 9, 15), "full", "good"),
    ("D", "Damson House", "SC100004", 5, d(2021, 6, 20), "full", "inadequate"),
    ("D", "Damson House", "SC100004", 5, d(2021, 12, 10), "interim", "improved_effectiveness"),
    ("E", "Elm House", "SC100005", 4, d(2022, 8, 1), "full", "outstanding"),
    ("F", "Fir House", "SC100006", 3, d(2022, 3, 20), "full", "requires_improvement"),
]


def table() -> pa.Table:
    cols = list(zip(*INSPECTIONS, strict=True))
    return canonical(
        "own_homes",
        home_id=list(cols[0]),
        home_name=list(cols[1]),
        ofsted_urn=list(cols[2]),
        registered_places=list(cols[3]),
        inspection_date=list(cols[4]),
        inspection_type=list(cols[5]),
        judgement=list(cols[6]),
    )
