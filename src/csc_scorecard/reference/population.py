"""ONS mid-year population estimates of children, by area, mid-year, age band and basis.

Two vintages matter (standards.md 6.1; public data README):
* `census2021_rebased`: the current ONS series, revised after Census 2021. DfE's current
  editions compute every rate on it, including 2013-2021. Read from any
  `ons_mid_year_population_*.csv` file in EES layout (`time_period` = the mid-year,
  `age_group` = "Children aged 0 to 17 years", `population_estimate`).
* `pre_census2021`: the estimates DfE used when it first published rates for 2018-2021. They
  survive only in the 2022 edition of the CLA numbers-and-rates file (`population_estimate`),
  whose `time_period` is the year ending 31 March; the estimate is the mid-year before it
  (Doncaster, year ending March 2021: 67,362 = mid-2020 on the old basis, 64,165 rebased).

Pairing found in the data (every LA, 2013-2025): a rate for the year ending 31 March T uses the
mid-year T-1 estimate. Area codes: DfE LA number for authorities, ONS code for regions
(E12/E13) and England (E92000001).

The 10-17 population (youth justice rates per 100,000, standards.md 5.7) is not in the public
folder. An ONS file in the same layout whose `age_group` reads "... aged 10 to 17 ..." is imported
as age band 10-17; without one the load records that 10-17 is not available.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from csc_scorecard.ingest.values import BadValue
from csc_scorecard.model.batch import Issue
from csc_scorecard.model.schema import table
from csc_scorecard.reference.ees import (
    SYMBOLS,
    TextTable,
    areas,
    parse_number,
    read_ees,
    record_year,
)

ONS_PATTERN = "ons_mid_year_population_*.csv"
PUBLICATION_FILE = "dfe_cla_number_and_rate_per_10k_2018_to_2022_release2022.csv"
# Years ending 31 March whose rates DfE first published on pre-census estimates. The 2022
# edition's own 2022 row uses yet another vintage (Doncaster 64,052; neither basis), so it is
# left out.
PUBLICATION_YEARS = range(2018, 2022)
REBASED = "census2021_rebased"
PRE_CENSUS = "pre_census2021"
AGE_BANDS = ("0-17", "10-17")
_AGE = re.compile(r"aged\s+(\d+)\s+to\s+(\d+)", re.IGNORECASE)


@dataclass
class PopulationRows:
    rows: list[dict] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def extend(self, other: PopulationRows) -> None:
        self.rows += other.rows
        self.issues += other.issues
        self.files += other.files

    def bands(self) -> set[str]:
        return {r["age_band"] for r in self.rows}

    def to_arrow(self) -> pa.Table:
        schema = table("population").arrow_schema()
        names = ["la_code", *table("population").data_column_names, "source_row"]
        return pa.Table.from_pylist(
            [{n: r.get(n) for n in names} for r in self.rows],
            schema=pa.schema([schema.field(n) for n in names]),
        )


def age_band(text: str) -> str | None:
    """'Children aged 0 to 17 years' -> '0-17'.

    >>> age_band("Children aged 0 to 17 years"), age_band("Population aged 10 to 17"), age_band("All ages")
    ('0-17', '10-17', None)
    """
    m = _AGE.search(text)
    return f"{int(m[1])}-{int(m[2])}" if m else None


def read_ons(path: str | Path) -> PopulationRows:
    """An ONS mid-year file in EES layout (census-2021-rebased series)."""
    ees = read_ees(path)
    years = sorted({record_year(ees, r) for r in ees.records})
    source = f"{ees.name} (ONS mid-year estimates, Census 2021 rebased, mid-{years[0]} to mid-{years[-1]})"
    out = PopulationRows(files=[str(ees.path)])
    for rec in ees.records:
        band = age_band(rec["age_group"])
        if band not in AGE_BANDS:
            out.issues.append(
                _issue(
                    ees,
                    rec,
                    "age_group",
                    rec["age_group"],
                    "unknown_age_band",
                    f"age group {rec['age_group']!r} is not 0-17 or 10-17",
                )
            )
            continue
        mid_year = record_year(ees, rec)
        _add(out, ees, rec, "population_estimate", mid_year, band, REBASED, source)
    return out


def read_publication_basis(path: str | Path) -> PopulationRows:
    """Pre-census 0-17 estimates from the 2022-edition CLA numbers-and-rates file (2018-2021)."""
    ees = read_ees(path)
    source = (
        f"{ees.name} (DfE CLA 2022 edition, population_estimate: the pre-Census-2021 ONS "
        "estimates behind rates published for 2018-2021)"
    )
    out = PopulationRows(files=[str(ees.path)])
    seen: dict[tuple[str, int], str] = {}
    for rec in ees.records:
        year = record_year(ees, rec)
        if year not in PUBLICATION_YEARS:
            continue
        raw = rec["population_estimate"]
        for _, code in areas(rec):
            # The file repeats the population once per count (starting, ceasing, at 31 March).
            if (code, year) in seen:
                if seen[(code, year)] != raw:
                    message = f"{code} {year}: {raw!r} differs from {seen[(code, year)]!r} on an earlier row"
                    out.issues.append(
                        _issue(
                            ees, rec, "population_estimate", raw, "inconsistent_population", message
                        )
                    )
                continue
            seen[(code, year)] = raw
            _add(out, ees, rec, "population_estimate", year - 1, "0-17", PRE_CENSUS, source, code)
    return out


def _add(
    out: PopulationRows,
    ees: TextTable,
    rec,
    column: str,
    mid_year: int,
    band: str,
    basis: str,
    source: str,
    only_code: str | None = None,
) -> None:
    try:
        value, symbol = parse_number(rec[column])
    except BadValue as bad:
        out.issues.append(_issue(ees, rec, column, rec[column], bad.rule, str(bad)))
        return
    if value is None:
        # No row for an area without an estimate (e.g. Bournemouth, Poole and old Dorset after
        # the 2019 merger are "x" in the rebased series); the symbol is kept as a note.
        if symbol:
            out.issues.append(
                _issue(
                    ees,
                    rec,
                    column,
                    symbol,
                    "suppressed",
                    f"{rec['la_name'] or rec['region_name'] or 'England'} mid-{mid_year}: "
                    f"{SYMBOLS[symbol]}",
                    severity="info",
                )
            )
        return
    for _, code in areas(rec):
        if only_code and code != only_code:
            continue
        out.rows.append(
            {
                "la_code": code,
                "mid_year": mid_year,
                "age_band": band,
                "population": value,
                "basis": basis,
                "source": source,
                "source_row": rec.line,
            }
        )


def _issue(
    ees: TextTable, rec, column: str, value: str, rule: str, message: str, severity: str = "warning"
) -> Issue:
    return Issue(
        rule=rule,
        message=message,
        table="population",
        file=ees.name,
        row=rec.line,
        field=column,
        value=value,
        severity=severity,
    )


def read_population(public_dir: Path) -> PopulationRows:
    """Every population vintage the folder holds; records 10-17 as not available if absent."""
    out = PopulationRows()
    for path in sorted(public_dir.glob(ONS_PATTERN)):
        out.extend(read_ons(path))
    publication = public_dir / PUBLICATION_FILE
    if publication.exists():
        out.extend(read_publication_basis(publication))
    if "10-17" not in out.bands():
        out.issues.append(
            Issue(
                rule="not_available",
                message=(
                    f"no ONS 10-17 population file ({ONS_PATTERN} with age group 10 to 17) in the "
                    "public statistics folder: 10-17 populations not available; rates per 100,000 aged "
                    "10-17 cannot be computed"
                ),
                table="population",
                severity="info",
            )
        )
    return out


def population_index(rows: Iterable[dict]) -> dict[tuple[str, int, str, str], float]:
    """(area code, mid-year, age band, basis) -> population, for rate calculations."""
    return {(r["la_code"], r["mid_year"], r["age_band"], r["basis"]): r["population"] for r in rows}
