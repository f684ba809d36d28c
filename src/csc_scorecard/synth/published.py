"""Each English authority's published figures, as calibration targets for the synthetic England.

Read from the reference bundle shipped with the package (`reference/data`, built by the
product's own importer from DfE's and ONS's files in `../shared/data/public`): the ONS mid-year
0-17 population (census-2021-rebased basis) and DfE's published LA-level rates and counts:

| target | catalogue measure (bundle `comparators`) | DfE table |
|---|---|---|
| referrals per 10,000 in the year | `referrals_rate_per_10000` | CIN census C1 |
| re-referrals within 12 months (%) | `rereferrals_within_12_months_rolling_12_months` | CIN census C1 |
| Section 47 enquiries per 10,000 in the year | `section47_rate_per_10000` | CIN census C4 |
| children in need at 31 March per 10,000 | `cin_rate_per_10000` | CIN census B1 |
| child protection plans at 31 March per 10,000 | `cp_rate_per_10000` | CIN census D5 |
| children looked after at 31 March per 10,000 | `cla_rate_per_10000` | CLA (SSDA903) |
| plans started / children starting care in the year | `cp_plans_started`, `cla_starts` | D3, CLA |

Years pair as DfE pairs them (standards.md 6.1): the financial year starting April Y is DfE's
year ending 31 March Y+1, measured against the mid-year Y population, exactly as the product's
rates do (`measures/context.py`, `Context.population`). A year the bundle lacks takes the
nearest year the authority has; a figure the authority never has takes England's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import duckdb

from csc_scorecard.reference.bundle import bundled_folder

BASIS = "census2021_rebased"
RATES = {  # what the generator aims at -> catalogue measure in the comparators table
    "referrals": "referrals_rate_per_10000",
    "rereferrals": "rereferrals_within_12_months_rolling_12_months",
    "s47": "section47_rate_per_10000",
    "cin": "cin_rate_per_10000",
    "cp": "cp_rate_per_10000",
    "cla": "cla_rate_per_10000",
}
COUNTS = {"cp_starts": "cp_plans_started", "cla_starts": "cla_starts"}
ENGLAND = "E92000001"


@dataclass(frozen=True)
class Year:
    """What one financial year (April `fy` to March `fy`+1) of an authority should show."""

    fy: int
    population: float  # 0-17, mid-year fy
    referrals: float  # referrals in the year
    rereferral_share: float  # 0-1
    s47: float  # Section 47 enquiries starting in the year
    cin: float  # children in need at 31 March fy+1
    cp: float  # children on a child protection plan then
    cla: float  # children looked after then
    cp_starts: float | None  # plans started in the year (None: not published)
    cla_starts: float | None  # children starting to be looked after in the year


@dataclass(frozen=True)
class Authority:
    """One authority's published figures: rates by DfE year (ending 31 March) and population."""

    la_code: str
    la_name: str
    region_name: str
    population: dict[int, float]  # mid-year -> 0-17
    figures: dict[str, dict[int, float]]  # RATES/COUNTS key -> DfE year -> value

    def figure(self, key: str, year: int) -> float | None:
        """The published figure for the DfE year, or the nearest year's (None: never published)."""
        by_year = self.figures.get(key) or {}
        if not by_year:
            return None
        nearest = min(by_year, key=lambda y: (abs(y - year), -y))
        return by_year[nearest]

    def year(self, fy: int) -> Year:
        """The targets for the financial year starting April `fy` (DfE year fy+1, mid-year fy)."""
        pop = self.population[min(self.population, key=lambda y: abs(y - fy))]
        per = pop / 10_000
        dfe = fy + 1

        def rate(key: str) -> float:
            value = self.figure(key, dfe)
            return (value or 0.0) * per

        return Year(
            fy=fy,
            population=pop,
            referrals=rate("referrals"),
            rereferral_share=(self.figure("rereferrals", dfe) or 0.0) / 100,
            s47=rate("s47"),
            cin=rate("cin"),
            cp=rate("cp"),
            cla=rate("cla"),
            cp_starts=self.figure("cp_starts", dfe),
            cla_starts=self.figure("cla_starts", dfe),
        )


@cache
def authorities(first_year: int = 2013, last_year: int = 2022) -> dict[str, Authority]:
    """Every authority with an ONS 0-17 population for each mid-year `first_year`-1 to
    `last_year` (authorities created or merged by reorganisation within the span are left out:
    their population series does not cover it), with its published figures."""
    folder = bundled_folder()
    con = duckdb.connect()
    try:
        pops = con.execute(
            f"""SELECT la_code, mid_year, population FROM '{folder / "population.parquet"}'
                WHERE age_band = '0-17' AND basis = ? AND length(la_code) = 3""",
            [BASIS],
        ).fetchall()
        names = con.execute(
            f"""SELECT la_code, any_value(la_name ORDER BY last_year DESC),
                       any_value(region_name ORDER BY last_year DESC)
                FROM '{folder / "la_codes.parquet"}' GROUP BY la_code"""
        ).fetchall()
        wanted = {**RATES, **COUNTS}
        rows = con.execute(
            f"""SELECT measure, area_type, area_code, year, avg(value)
                FROM '{folder / "comparators.parquet"}'
                WHERE area_type IN ('la', 'england') AND value IS NOT NULL
                  AND measure IN ({", ".join("?" * len(wanted))})
                  AND (basis = ? OR basis = 'published')
                GROUP BY ALL""",
            [*wanted.values(), BASIS],
        ).fetchall()
    finally:
        con.close()
    key_of = {m: k for k, m in wanted.items()}
    population: dict[str, dict[int, float]] = {}
    for la, year, value in pops:
        population.setdefault(la, {})[int(year)] = float(value)
    figures: dict[str, dict[str, dict[int, float]]] = {}
    for measure, area_type, area, year, value in rows:
        area = ENGLAND if area_type == "england" else area
        figures.setdefault(area, {}).setdefault(key_of[measure], {})[int(year)] = float(value)
    england = figures.get(ENGLAND, {})
    label = {la: (name, region) for la, name, region in names}
    out = {}
    needed = set(range(first_year - 1, last_year + 1))
    for la, by_year in sorted(population.items()):
        if not needed <= set(by_year) or la not in label:
            continue
        own = figures.get(la, {})
        merged = {k: own.get(k) or england.get(k, {}) for k in wanted}
        name, region = label[la]
        out[la] = Authority(la, name or la, region or "", by_year, merged)
    return out
