"""Published comparators per catalogue measure, read back from the store: LA, region, England
and statistical neighbours.

`comparator_values` answers "what do England, the region and the neighbours show for this
measure and year" from the store, taking all three from one series so they are comparable;
`latest_comparators` picks the year printed beside a figure for a period. The rows are built
by `reference.comparator_build` from the series `comparator_map.yaml` maps
(`reference.comparator_series`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from csc_scorecard.reference.comparator_series import comparator_map, sn_label
from csc_scorecard.wording import long_date

if TYPE_CHECKING:
    from csc_scorecard.store import Store

DEFAULT_SN_MODEL = "2021-04"  # the model the LAIT app loads; reproduces the 2020/21 SN figures


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
    _mapped(measure)
    published = _Published(store, la_code, [measure], [year], model)
    return published.values(measure, year, basis=basis, complete_only=complete_only)


def _mapped(measure: str) -> None:
    mapping = comparator_map()
    if measure not in mapping.measures:
        why = mapping.unmapped.get(measure, "not in comparator_map.yaml")
        raise KeyError(f"no DfE comparator for {measure!r}: {why}")


class _Published:
    """The published rows one authority's figures are compared with, read from the store in
    three statements for every measure and year asked about (a report asks about each of its
    measures for up to four years: three statements a measure and year before): the rows of
    the authority, its region, England and its neighbours' average, and the neighbours' own
    values. `values` then answers as `comparator_values` always has, from these rows."""

    def __init__(
        self, store: Store, la_code: str, measures: list[str], years: list[int], model: str
    ) -> None:
        self.store, self.la_code, self.model = store, la_code, model
        self.region_code = _region_of(store, la_code)
        asked = [measures, years]
        # Only rows the look-up below can take (England's, the region's and the authority's
        # own), in the table's order as before.
        rows = store.con.execute(
            """SELECT measure, year, area_type, area_code, value, basis, source, load_id,
                      source_row
               FROM comparators
               WHERE measure IN (SELECT unnest(?::VARCHAR[]))
                 AND year IN (SELECT unnest(?::INTEGER[]))
                 AND (area_type = 'england'
                      OR (area_type = 'region' AND area_code IS NOT DISTINCT FROM ?)
                      OR (area_type IN ('la', 'statistical_neighbours') AND area_code = ?))""",
            [*asked, self.region_code, la_code],
        ).fetchall()
        self.rows: dict[tuple[str, int], list[tuple]] = defaultdict(list)
        for measure, year, *row in rows:
            self.rows[(measure, year)].append(tuple(row))
        self.neighbours = [
            code
            for (code,) in store.con.execute(
                "SELECT neighbour_la_code FROM statistical_neighbours"
                " WHERE model = ? AND la_code = ? ORDER BY rank",
                [model, la_code],
            ).fetchall()
        ]
        self.neighbour_values = {
            tuple(key): value
            for *key, value in store.con.execute(
                """SELECT measure, year, source, basis, area_code, value FROM comparators
                   WHERE area_type = 'la' AND area_code IN (SELECT unnest(?::VARCHAR[]))
                     AND measure IN (SELECT unnest(?::VARCHAR[]))
                     AND year IN (SELECT unnest(?::INTEGER[]))""",
                [self.neighbours, *asked],
            ).fetchall()
        }

    def values(
        self, measure: str, year: int, *, basis: str | None = None, complete_only: bool = False
    ) -> dict:
        """`comparator_values` of a measure and year asked about."""
        mapping = comparator_map()
        m = mapping.measures[measure]
        la_code, model, region_code = self.la_code, self.model, self.region_code
        by_source: dict[tuple[str, str], dict[str, tuple]] = defaultdict(dict)
        for area_type, area_code, value, row_basis, source, load_id, line in self.rows.get(
            (measure, year), []
        ):
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
                    file = mapping.sources[source_id].file
                    note = _note(self.store, load_id, file, line, series.cells())
                    if note:
                        result["notes"][key] = note
            result["sn_neighbours"] = {
                code: self.neighbour_values.get((measure, year, label, row_basis, code))
                for code in self.neighbours
            }
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
    """How a comparator's year is printed: "2020/21" (year ending 31 March), or the census day
    as the paper writes every date (``wording.long_date``: "30 September 2021") for the
    workforce census.

    >>> year_label("referrals_rate_per_10000", 2021)
    '2020/21'
    """
    if any(s.file == "csww" for s in comparator_map().measures[measure].series):
        return long_date(year_end(measure, year))
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
    return latest_comparators_each(store, [measure], la_code, as_at, years_back=years_back).get(
        measure, {}
    )


def latest_comparators_each(
    store: Store, measures: Iterable[str], la_code: str, as_at: date, *, years_back: int = 3
) -> dict[str, dict]:
    """`latest_comparators` of each of `measures` (those with any), the store read once for
    them all."""
    mapping = comparator_map()
    years = {}
    for measure in measures:
        m = mapping.measures.get(measure)
        if m is not None and m.unit != "count":
            latest = comparator_year(measure, as_at)
            years[measure] = range(latest, latest - years_back - 1, -1)
    if not years:
        return {}
    published = _Published(
        store,
        la_code,
        list(years),
        sorted({y for span in years.values() for y in span}),
        DEFAULT_SN_MODEL,
    )
    out = {}
    for measure, span in years.items():
        for year in span:
            found = published.values(measure, year)
            if any(
                found.get(k) is not None for k in ("england", "region", "statistical_neighbours")
            ):
                out[measure] = found
                break
    return out
