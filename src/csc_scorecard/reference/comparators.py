"""Published comparators per catalogue measure: LA, region, England and statistical neighbours.

`comparator_map.yaml` says which DfE series gives each catalogue measure. `build_comparators`
turns the public files into `comparators` rows:
* LA, region and England rows straight from each series (a suppression symbol gives a NULL
  value and an `Issue` holding the symbol);
* rates per 10,000 recomputed from published counts and the 0-17 population of the mid-year
  before 31 March, once per population basis (census-2021-rebased, and the pre-census estimates
  DfE published 2018-2021 with), so figures "as published at the time" can be reproduced;
* the statistical-neighbour average of every LA series, per SN model: the simple unweighted
  mean of the neighbours' values (each rounded as DfE publishes it). Which neighbours count is
  `sn_average.min_neighbours` in the map: DfE's LAIT takes the mean of the neighbours that have
  a value (R `mean(values_num, na.rm = TRUE)`), and so do the derived 2018-2021 file and the SN
  figures Doncaster's 2022 report quotes (SGO 18% from 9 of 10), so the default is 1; set 10
  for "empty unless all 10 have data". It reproduces Doncaster 2020/21: S47 228.8 and CPP 59.4
  on the publication basis.

`comparator_values` answers "what do England, the region and the neighbours show for this
measure and year" from the store, taking all three from one series so they are comparable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from csc_scorecard.ingest.values import BadValue, parse_int
from csc_scorecard.model.batch import Issue
from csc_scorecard.model.schema import table
from csc_scorecard.model.units import Unit
from csc_scorecard.reference.ees import (
    ENGLAND,
    SYMBOLS,
    Record,
    TextTable,
    areas,
    parse_number,
    read_ees,
    read_text_csv,
    record_year,
)
from csc_scorecard.reference.population import PRE_CENSUS, REBASED

if TYPE_CHECKING:
    from csc_scorecard.store import Store

DEFAULT_SN_MODEL = "2021-04"  # the model the LAIT app loads; reproduces the 2020/21 SN figures
BASES = (REBASED, PRE_CENSUS)


def _columns(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    edition: str


class Series(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    lait: str | None = None
    file: str | None = None
    where: dict[str, str] = Field(default_factory=dict)
    value: str | None = None
    numerator: str | list[str] | None = None
    denominator: str | list[str] | None = None
    denominator_where: dict[str, str] = Field(default_factory=dict)
    percent: bool = False
    per_10000: bool = False
    years: tuple[int, int] | None = None
    basis: str | None = None
    # Decimal places DfE publishes a figure we compute at (rates and CIN percentages: 1). LAIT
    # averages the neighbours' *published* figures, so the SN mean of a computed series rounds
    # each neighbour first (Camden 2018 SN referral rate: 635.85, published 635.9; the mean of
    # unrounded rates, 635.84, would round to 635.8).
    published_decimals: int = 1

    @model_validator(mode="after")
    def _one_kind(self) -> Series:
        if (self.lait is None) == (self.file is None):
            raise ValueError("a series names exactly one of `lait` or `file`")
        if self.file is not None:
            kinds = [self.value is not None, self.percent, self.per_10000]
            if sum(kinds) != 1:
                raise ValueError(f"{self.file}: give exactly one of value, percent, per_10000")
            if (self.percent or self.per_10000) and not self.numerator:
                raise ValueError(f"{self.file}: a computed series needs a numerator")
            if self.percent and not self.denominator:
                raise ValueError(f"{self.file}: percent needs a denominator")
        if self.per_10000 and self.basis:
            raise ValueError("a recomputed rate takes its basis from the populations")
        return self

    def label(self, sources: dict[str, Source], basis: str | None = None) -> str:
        """The `source` column: file and column(s), so a figure can be traced by hand."""
        if self.lait is not None:
            return f"{sources['lait'].file}: {self.lait}"
        file = sources[self.file].file
        where = "".join(f" [{v}]" for v in self.where.values())
        num = " + ".join(_columns(self.numerator))
        if self.per_10000:
            return f"{file}: {num}{where} / 0-17 population ({basis}) x 10,000"
        if self.percent:
            return f"{file}: ({num}){where} / {' + '.join(_columns(self.denominator))} x 100"
        return f"{file}: {self.value}{where}"

    def cells(self) -> list[str]:
        """The source columns a value is read or computed from."""
        if self.lait is not None:
            return ["value"]
        if self.value is not None:
            return [self.value]
        return _columns(self.numerator) + _columns(self.denominator)

    def bases(self) -> tuple[str, ...]:
        if self.per_10000:
            return BASES
        return ("derived",) if self.percent else (self.basis or "published",)


class MeasureMap(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)
    unit: Unit
    polarity: str
    series: list[Series]


class SnAverage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min_neighbours: int = Field(default=1, ge=1, le=10)


class ComparatorMap(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sn_average: SnAverage = Field(default_factory=SnAverage)
    sources: dict[str, Source]
    lait_areas: dict[str, str]
    measures: dict[str, MeasureMap]
    unmapped: dict[str, str]

    @model_validator(mode="after")
    def _known_sources(self) -> ComparatorMap:
        for measure, m in self.measures.items():
            for s in m.series:
                if s.file is not None and s.file not in self.sources:
                    raise ValueError(f"{measure}: unknown source {s.file!r}")
        if "lait" not in self.sources:
            raise ValueError("sources: `lait` (the LAIT long extract) is required")
        overlap = set(self.measures) & set(self.unmapped)
        if overlap:
            raise ValueError(f"measures both mapped and unmapped: {sorted(overlap)}")
        return self

    def labels(self, measure: str) -> list[tuple[str, str, Series]]:
        """(source label, basis, series) in order of preference."""
        out = []
        for s in self.measures[measure].series:
            for basis in s.bases():
                out.append((s.label(self.sources, basis), basis, s))
        return out


@cache
def comparator_map() -> ComparatorMap:
    text = resources.files(__package__).joinpath("comparator_map.yaml").read_text()
    return ComparatorMap.model_validate(yaml.safe_load(text))


# --- building ------------------------------------------------------------------------------


@dataclass
class _Builder:
    mapping: ComparatorMap
    population: dict[tuple[str, int, str, str], float]
    rows: list[dict] = field(default_factory=list)
    issues: dict[tuple[str, int, str], Issue] = field(default_factory=dict)

    def number(self, file: str, rec: Record, column: str) -> float | None:
        raw = rec[column]
        try:
            value, symbol = parse_number(raw)
        except BadValue as bad:
            self._note(file, rec, column, raw, bad.rule, f"{column}: {bad}", "warning")
            return None
        if symbol:
            self._note(
                file, rec, column, symbol, "suppressed", f"{column}: {SYMBOLS[symbol]}", "info"
            )
        return value

    def _note(
        self,
        file: str,
        rec: Record,
        column: str,
        value: str,
        rule: str,
        message: str,
        severity: str,
    ) -> None:
        self.issues.setdefault(
            (file, rec.line, column),
            Issue(
                rule=rule,
                message=message,
                table="comparators",
                file=file,
                row=rec.line,
                field=column,
                value=value,
                severity=severity,
            ),
        )

    def add(
        self,
        measure: str,
        year: int,
        area: tuple[str, str],
        value: float | None,
        numerator: float | None,
        denominator: float | None,
        basis: str,
        source: str,
        line: int | None,
        decimals: int | None = None,
    ) -> None:
        self.rows.append(
            {
                "measure": measure,
                "year": year,
                "area_type": area[0],
                "area_code": area[1],
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "basis": basis,
                "source": source,
                "source_row": line,
                "_decimals": decimals,  # not stored: how the SN mean rounds this LA figure
            }
        )

    def lait(self, measure: str, series: Series, records: list[Record], file: str) -> None:
        label = series.label(self.mapping.sources)
        basis = series.bases()[0]
        for rec in records:
            try:
                year = parse_int(rec["years"]) or 0
            except BadValue:
                year = 0
            if year == 0:  # a few LAIT rows carry years = 0 (source error)
                message = f"LAIT row with years = {rec['years']!r} (source error): skipped"
                self._note(file, rec, "years", rec["years"], "invalid_year", message, "warning")
                continue
            number = rec["la_number"]
            code = self.mapping.lait_areas.get(number)
            area = (
                ("la", number)
                if code is None
                else (("england", code) if code == ENGLAND else ("region", code))
            )
            self.add(
                measure,
                year,
                area,
                self.number(file, rec, "value"),
                None,
                None,
                basis,
                label,
                rec.line,
            )

    def ees(self, measure: str, series: Series, ees: TextTable) -> None:
        file = ees.name
        wanted = [r for r in ees.records if _matches(r, series.where)]
        denominators: dict[tuple[int, str, str], Record] = {}
        if series.denominator_where:
            other = {**series.where, **series.denominator_where}
            for r in ees.records:
                if _matches(r, other):
                    for area in areas(r):
                        denominators[(record_year(ees, r), *area)] = r
        for rec in wanted:
            year = record_year(ees, rec)
            if series.years and not series.years[0] <= year <= series.years[1]:
                continue
            num = self._sum(file, rec, _columns(series.numerator))
            for area in areas(rec):
                den_rec = denominators.get((year, *area)) if series.denominator_where else rec
                den = self._sum(file, den_rec, _columns(series.denominator)) if den_rec else None
                if series.per_10000:
                    for basis in BASES:
                        pop = self.population.get((area[1], year - 1, "0-17", basis))
                        if pop is None:
                            continue
                        value = None if num is None else num / pop * 10_000
                        self.add(
                            measure,
                            year,
                            area,
                            value,
                            num,
                            pop,
                            basis,
                            series.label(self.mapping.sources, basis),
                            rec.line,
                            series.published_decimals,
                        )
                    continue
                decimals = None
                if series.percent:
                    value = None if num is None or not den else num / den * 100
                    decimals = series.published_decimals
                else:
                    value = self.number(file, rec, series.value)
                self.add(
                    measure,
                    year,
                    area,
                    value,
                    num,
                    den,
                    series.bases()[0],
                    series.label(self.mapping.sources),
                    rec.line,
                    decimals,
                )

    def _sum(self, file: str, rec: Record, columns: list[str]) -> float | None:
        if not columns:
            return None
        values = [self.number(file, rec, c) for c in columns]
        return None if any(v is None for v in values) else sum(values)


def _matches(rec: Record, where: dict[str, str]) -> bool:
    return all(" ".join(rec[k].split()) == " ".join(v.split()) for k, v in where.items())


def build_comparators(
    public_dir: Path,
    population: Iterable[dict] | dict[tuple[str, int, str, str], float],
    neighbours: pa.Table,
    mapping: ComparatorMap | None = None,
) -> tuple[pa.Table, list[Issue], list[str]]:
    """The `comparators` rows for every mapped series found in the folder.

    `population` is the population index (or rows) and `neighbours` the statistical_neighbours
    rows. Returns the rows, the issues (suppressed cells, unreadable values, files missing)
    and the files read.
    """
    mapping = mapping or comparator_map()
    index = (
        population
        if isinstance(population, dict)
        else {
            (r["la_code"], r["mid_year"], r["age_band"], r["basis"]): r["population"]
            for r in population
        }
    )
    builder = _Builder(mapping, index)
    files: list[str] = []
    missing: list[Issue] = []
    # One file at a time (read once, used by every series that needs it, then released).
    by_source: dict[str, list[tuple[str, Series]]] = defaultdict(list)
    for measure, m in mapping.measures.items():
        for series in m.series:
            by_source["lait" if series.lait else series.file].append((measure, series))
    for source_id, uses in by_source.items():
        source = mapping.sources[source_id]
        path = public_dir / source.file
        if not path.exists():
            missing.append(
                Issue(
                    rule="not_available",
                    table="comparators",
                    file=source.file,
                    severity="info",
                    message=f"{', '.join(sorted({m for m, _ in uses}))}: {source.file} not in the folder {public_dir.name}",
                )
            )
            continue
        files.append(str(path))
        if source_id == "lait":
            wanted = {s.lait for _, s in uses}
            by_measure: dict[str, list[Record]] = defaultdict(list)
            for rec in read_text_csv(path, keep={"measure_short": wanted}).records:
                by_measure[rec["measure_short"]].append(rec)
            for measure, series in uses:
                builder.lait(measure, series, by_measure.get(series.lait, []), source.file)
        else:
            ees = read_ees(path)
            for measure, series in uses:
                builder.ees(measure, series, ees)
    schema = table("comparators").arrow_schema()
    names = [*table("comparators").data_column_names, "source_row"]
    fields = [schema.field(n) for n in names]
    base = pa.Table.from_pylist(
        builder.rows, schema=pa.schema([*fields, pa.field("_decimals", pa.int32())])
    )
    averages = neighbour_averages(base, neighbours, mapping.sn_average.min_neighbours)
    arrow = pa.concat_tables([base.select(names), averages.select(names).cast(pa.schema(fields))])
    return arrow, list(builder.issues.values()) + missing, files


SN_SUFFIX = "; mean of statistical neighbours, model "


def sn_label(source: str, model: str) -> str:
    """The `source` of a statistical-neighbour average of the series `source`."""
    return f"{source}{SN_SUFFIX}{model}"


def neighbour_averages(rows: pa.Table, neighbours: pa.Table, min_neighbours: int = 1) -> pa.Table:
    """Statistical-neighbour mean of every LA series, per model (rows in the `comparators` layout).

    `rows` are LA/region/England rows with a `_decimals` column (how DfE rounds each LA figure
    before averaging; NULL = as published). The value is empty when fewer than `min_neighbours`
    neighbours have one; there is no row at all when none has (e.g. years before any neighbour
    authority published the measure).
    """
    con = duckdb.connect()
    try:
        con.register("base", rows)
        con.register("sn", neighbours.select(["model", "la_code", "neighbour_la_code"]))
        return con.sql(
            """
            WITH la AS (
                SELECT measure, source, basis, year, area_code,
                       CASE WHEN _decimals IS NULL THEN value ELSE round(value, CAST(_decimals AS INTEGER)) END AS v
                FROM base WHERE area_type = 'la'
            )
            SELECT la.measure, la.year, 'statistical_neighbours' AS area_type,
                   sn.la_code AS area_code,
                   CASE WHEN count(la.v) >= ? THEN avg(la.v) END AS value,
                   CAST(NULL AS DOUBLE) AS numerator, CAST(NULL AS DOUBLE) AS denominator,
                   la.basis, la.source || ? || sn.model AS source,
                   CAST(NULL AS INTEGER) AS source_row
            FROM sn JOIN la ON la.area_code = sn.neighbour_la_code
            GROUP BY ALL
            HAVING count(la.v) > 0
            ORDER BY ALL
            """,
            params=[min_neighbours, SN_SUFFIX],
        ).to_arrow_table()
    finally:
        con.close()


# --- reading back ---------------------------------------------------------------------------


def comparator_values(
    store: Store,
    measure: str,
    la_code: str,
    year: int,
    *,
    basis: str | None = None,
    model: str = DEFAULT_SN_MODEL,
    complete_only: bool = False,
) -> dict:
    """England, region and statistical-neighbour values for one LA, measure and year.

    All values come from the first series in `comparator_map.yaml` order that has a figure for
    the year (one source, one basis). `basis` restricts rates per 10,000 to one population
    basis (`census2021_rebased` or `pre_census2021`, the figures published for 2018-2021);
    other units ignore it. `model` picks the statistical-neighbour model ("2021-04", "2025-05");
    `complete_only` empties the SN average unless every neighbour has a value (the stored
    average is over the neighbours that have one, as LAIT computes it). `year` is the year
    ending 31 March (30 September for workforce measures).

    Returns a dict: `measure, year, la_code, unit, la, england, region, region_code,
    statistical_neighbours, sn_model, sn_with_data (neighbours with a value, of 10),
    sn_neighbours ({LA: value}), source, edition, basis, notes` (the suppression note of any
    empty value). Values are None where nothing is published.
    """
    mapping = comparator_map()
    if measure not in mapping.measures:
        why = mapping.unmapped.get(measure, "not in comparator_map.yaml")
        raise KeyError(f"no DfE comparator for {measure!r}: {why}")
    m = mapping.measures[measure]
    region_code = _region_of(store, la_code)
    rows = store.con.execute(
        """SELECT area_type, area_code, value, basis, source, load_id, source_row
           FROM comparators WHERE measure = ? AND year = ?""",
        [measure, year],
    ).fetchall()
    by_source: dict[tuple[str, str], dict[str, tuple]] = defaultdict(dict)
    for area_type, area_code, value, row_basis, source, load_id, line in rows:
        key = None
        if area_type == "la" and area_code == la_code:
            key = "la"
        elif area_type == "england":
            key = "england"
        elif area_type == "region" and area_code == region_code:
            key = "region"
        elif area_type == "statistical_neighbours" and area_code == la_code:
            suffix = sn_label("", model)
            if source.endswith(suffix):
                key, source = "statistical_neighbours", source[: -len(suffix)]
        if key:
            by_source[(source, row_basis)][key] = (value, load_id, line)
    result = {
        "measure": measure,
        "year": year,
        "la_code": la_code,
        "unit": m.unit,
        "la": None,
        "england": None,
        "region": None,
        "region_code": region_code,
        "statistical_neighbours": None,
        "sn_model": model,
        "sn_with_data": 0,
        "sn_neighbours": {},
        "source": None,
        "edition": None,
        "basis": None,
        "notes": {},
    }
    for label, row_basis, series in mapping.labels(measure):
        if basis and m.unit == "rate_per_10000" and row_basis != basis:
            continue
        found = by_source.get((label, row_basis))
        if not found or all(v[0] is None for v in found.values()):
            continue
        source_id = "lait" if series.lait else series.file
        result.update(source=label, edition=mapping.sources[source_id].edition, basis=row_basis)
        for key, (value, load_id, line) in found.items():
            result[key] = value
            if value is None and line is not None:
                note = _note(store, load_id, mapping.sources[source_id].file, line, series.cells())
                if note:
                    result["notes"][key] = note
        result["sn_neighbours"] = _neighbour_values(
            store, measure, year, la_code, model, label, row_basis
        )
        result["sn_with_data"] = sum(v is not None for v in result["sn_neighbours"].values())
        listed = len(result["sn_neighbours"])
        if listed and result["sn_with_data"] < listed:
            if complete_only:
                result["statistical_neighbours"] = None
            result["notes"].setdefault(
                "statistical_neighbours",
                f"{result['sn_with_data']} of {listed} neighbours have a value"
                + ("; the average is left empty unless all do" if complete_only else ""),
            )
        break
    return result


def _region_of(store: Store, la_code: str) -> str | None:
    row = store.con.execute(
        "SELECT region_code FROM la_codes WHERE la_code = ? ORDER BY last_year DESC NULLS LAST LIMIT 1",
        [la_code],
    ).fetchone()
    return row[0] if row else None


def _note(store: Store, load_id: int, file: str, line: int, columns: list[str]) -> str | None:
    """The suppression (or unreadable-value) note of the cell behind an empty value."""
    row = store.issue_note(load_id, file, line, columns)
    return f"{row[0]}: {row[1]}" if row else None


def _neighbour_values(
    store: Store, measure: str, year: int, la_code: str, model: str, source: str, basis: str
) -> dict[str, float | None]:
    rows = store.con.execute(
        """SELECT n.neighbour_la_code, c.value
           FROM statistical_neighbours n
           LEFT JOIN comparators c ON c.area_type = 'la' AND c.area_code = n.neighbour_la_code
                AND c.measure = ? AND c.year = ? AND c.source = ? AND c.basis = ?
           WHERE n.model = ? AND n.la_code = ? ORDER BY n.rank""",
        [measure, year, source, basis, model, la_code],
    ).fetchall()
    return {code: value for code, value in rows}


def comparator_year(measure: str, as_at: date) -> int:
    """The latest published year on or before `as_at`: the year ending 31 March, or for the
    workforce census the 30 September census, on or before the date.

    >>> comparator_year("referrals_rate_per_10000", date(2022, 6, 30))
    2022
    >>> comparator_year("referrals_rate_per_10000", date(2022, 3, 30))
    2021
    """
    census = any(s.file == "csww" for s in comparator_map().measures[measure].series)
    month, day = (9, 30) if census else (3, 31)
    return as_at.year if (as_at.month, as_at.day) >= (month, day) else as_at.year - 1


def year_label(measure: str, year: int) -> str:
    """How a comparator's year is printed: "2020/21" (year ending 31 March), or "30 Sep 2021"
    for the workforce census.

    >>> year_label("referrals_rate_per_10000", 2021)
    '2020/21'
    """
    if any(s.file == "csww" for s in comparator_map().measures[measure].series):
        return f"30 Sep {year}"
    return f"{year - 1}/{year % 100:02d}"


def year_end(measure: str, year: int) -> date:
    """The last day of a published year: 31 March, or 30 September for the workforce census
    (the day ``year_label`` names).

    >>> year_end("referrals_rate_per_10000", 2021)
    datetime.date(2021, 3, 31)
    """
    if any(s.file == "csww" for s in comparator_map().measures[measure].series):
        return date(year, 9, 30)
    return date(year, 3, 31)


def latest_comparators(
    store: Store, measure: str, la_code: str, as_at: date, *, years_back: int = 3
) -> dict:
    """The comparators printed beside a figure for a period ending `as_at`: the most recent
    published year on or before it (`comparator_year`), or the latest of the `years_back` years
    before with a value (DfE publishes a year's figures the following autumn). `{}` when there
    are none, and always for counts: England's annual total or a neighbour average of raw
    counts beside one authority's quarter misleads (standards 5.6) — the per-10,000 rate
    measures carry the comparison. Every output (the measures feed, the report) reads this.
    """
    mapping = comparator_map()
    m = mapping.measures.get(measure)
    if m is None or m.unit == "count":
        return {}
    latest = comparator_year(measure, as_at)
    for year in range(latest, latest - years_back - 1, -1):
        found = comparator_values(store, measure, la_code, year) or {}
        if any(found.get(k) is not None for k in ("england", "region", "statistical_neighbours")):
            return found
    return {}
