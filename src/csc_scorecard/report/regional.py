"""The report's regional comparison section: the authority among the other authorities of its
region that the store holds, measure by measure, as regional improvement partnerships compare
themselves.

The figures are `report.comparison.comparison` (the same table `scorecard compare` writes):
value, rank among the group (1 = best by the measure's polarity), quartile A-D, the group's
mean and DfE's England, region and statistical-neighbour averages. The section shows the
measures the authority has a rank for (measures with a better direction and a value); it is
left out of the report when the store holds no other authority. The group is the region's
authorities in the store, or every authority in the store when none other is of its region.
"""

from __future__ import annotations

from csc_scorecard.model.periods import Quarter
from csc_scorecard.numbers import display
from csc_scorecard.report.comparison import comparison
from csc_scorecard.report.model import Section, Table
from csc_scorecard.report.sections.inputs import SectionInputs
from csc_scorecard.store import Store

COLUMNS = [
    "Measure",
    "Value",
    "Rank",
    "Quartile",
    "Group mean",
    "England",
    "Region",
    "Statistical neighbours",
]


def comparison_group(store: Store, la_code: str) -> tuple[list[str], str]:
    """The authorities the section compares ``la_code`` with (itself included), and how the
    group is named: its region's authorities in the store, else every authority in it."""
    held = store.authorities()
    with store.con.cursor() as cur:
        rows = cur.execute("SELECT la_code, region_name FROM la_codes").fetchall()
    region = dict(rows)
    name = region.get(la_code)
    group = [la for la in held if name and region.get(la) == name]
    if len(group) >= 2:
        return group, f"the {len(group)} authorities of {name} in the store"
    return held, f"the {len(held)} authorities in the store"


def from_inputs(inputs: SectionInputs) -> Section | None:
    """The registry's ``regional_comparison`` builder (None: left out without a note)."""
    return section(
        inputs.store,
        inputs.la_code,
        inputs.quarter,
        inputs.spec.title,
        publication=bool(inputs.rules),
    )


def section(
    store: Store, la_code: str, quarter: Quarter, title: str, *, publication: bool
) -> Section | None:
    """The regional comparison for ``la_code`` in ``quarter``, or None when the store holds no
    other authority (a one-authority report has nothing to compare)."""
    if len(store.authorities()) < 2 or la_code not in store.authorities():
        return None
    group, described = comparison_group(store, la_code)
    table = comparison(store, group, quarter, publication=publication)
    rows = []
    for r in table.to_pylist():
        if r["la_code"] != la_code or r["rank"] is None:
            continue
        unit = r["unit"]
        rows.append(
            [
                r["title"],
                "c" if r["status"] == "suppressed" else display(r["value"], unit),
                f"{r['rank']} of {r['ranked']}",
                r["quartile"],
                display(r["group_mean"], unit),
                *(display(r[k], unit) for k in ("england", "region", "statistical_neighbours")),
            ]
        )
    if not rows:
        return None
    return Section(
        id="regional_comparison",
        title=title,
        tables=[
            Table(
                id="regional_comparison",
                title=f"{quarter.label}: rank among {described}",
                columns=COLUMNS,
                rows=rows,
                note=(
                    "Rank 1 is the best value by the measure's direction; quartile A is the best "
                    "quarter of the group. Group mean: each authority weighted equally. England, "
                    "region and statistical neighbours: DfE's published averages for the latest "
                    "year published. Measures with no better direction are not ranked."
                ),
            )
        ],
    )
