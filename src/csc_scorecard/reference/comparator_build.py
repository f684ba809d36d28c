"""Build the `comparators` rows from DfE's public files, for every series `comparator_map.yaml`
maps:
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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from csc_scorecard.ingest.values import BadValue, parse_int
from csc_scorecard.model.batch import Issue
from csc_scorecard.model.schema import table
from csc_scorecard.reference.comparator_series import (
    BASES,
    SN_SUFFIX,
    ComparatorMap,
    Series,
    as_columns,
    comparator_map,
)
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
            num = self._sum(file, rec, as_columns(series.numerator))
            for area in areas(rec):
                den_rec = denominators.get((year, *area)) if series.denominator_where else rec
                den = self._sum(file, den_rec, as_columns(series.denominator)) if den_rec else None
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
