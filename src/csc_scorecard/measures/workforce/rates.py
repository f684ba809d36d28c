"""DfE children's social work workforce rates (standards.md 4), from census counts.

The four formulas, as DfE publishes them at 30 September (checked against every authority,
region and England figure in the indicators file, `tests/test_workforce_rates.py`):

* turnover rate = leavers in the year to 30 September ÷ social workers in post at 30 September;
* agency rate = agency workers ÷ (agency workers + social workers in post);
* vacancy rate = vacancies ÷ (vacancies + social workers in post);
* average caseload = cases held ÷ FTE of the social workers holding them.

All on FTE (headcount versions use the same formulas). For England and the regions, DfE
divides the sums over the authorities that reported both counts: where an authority's count is
suppressed or unreliable (`u`, `x`), the published rate differs from the ratio of the published
totals (England turnover 2024: 13.9%, while 4,728.7 ÷ 34,328.2 = 13.8%). `reporting_rate` does
that. A handful of aggregate agency rates match neither (docs/workforce.md lists them).

`census_counts` gives the same counts from the canonical census tables (the authority's own
CSWW return), so the authority's rates can be worked out before DfE publishes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from csc_scorecard.measures.context import Context
from csc_scorecard.measures.workforce.snapshot import TableSource, run
from csc_scorecard.reference.ees import areas, parse_number, read_ees, record_year

if TYPE_CHECKING:
    import ibis.expr.types as ir


def _ratio(num: float | None, den: float | None, scale: float) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return num / den * scale


def turnover_rate(leavers: float | None, in_post: float | None) -> float | None:
    """Leavers ÷ in post × 100 (England 2023: 5,254.6 ÷ 33,119.1).

    >>> round(turnover_rate(5254.6, 33119.1), 1), turnover_rate(0, 0)
    (15.9, None)
    """
    return _ratio(leavers, in_post, 100.0)


def agency_rate(agency: float | None, in_post: float | None) -> float | None:
    """Agency ÷ (agency + in post) × 100 (Doncaster 2022: 52 ÷ (52 + 197.5), published 20.8).

    >>> round(agency_rate(52, 197.5), 1)
    20.8
    """
    return _ratio(agency, None if agency is None or in_post is None else agency + in_post, 100.0)


def vacancy_rate(vacancies: float | None, in_post: float | None) -> float | None:
    """Vacancies ÷ (vacancies + in post) × 100 (England 2023: 7,722.7 ÷ (7,722.7 + 33,119.1)).

    >>> round(vacancy_rate(7722.7, 33119.1), 1)
    18.9
    """
    return _ratio(
        vacancies, None if vacancies is None or in_post is None else vacancies + in_post, 100.0
    )


def average_caseload(cases: float | None, case_holders_fte: float | None) -> float | None:
    """Cases held ÷ FTE of the social workers holding them (England 2023: 337,055 ÷ 21,111.4).

    >>> round(average_caseload(337055, 21111.4), 1)
    16.0
    """
    return _ratio(cases, case_holders_fte, 1.0)


@dataclass(frozen=True)
class Rate:
    """A published rate: its column, formula and the count columns it is built from."""

    column: str
    formula: Callable[..., float | None]
    counts: tuple[str, str]  # (numerator, in-post or case-holder column), in formula order


RATES: dict[str, Rate] = {
    r.column: r
    for r in (
        Rate("turnover_rate_fte", turnover_rate, ("leavers_fte", "inpost_fte")),
        Rate("agency_rate_fte", agency_rate, ("agency_fte", "inpost_fte")),
        Rate("vacancy_rate_fte", vacancy_rate, ("vacancy_fte", "inpost_fte")),
        Rate("caseload_fte", average_caseload, ("cases", "case_holders_fte")),
        Rate("turnover_rate_headcount", turnover_rate, ("leavers_headcount", "inpost_headcount")),
        Rate("agency_rate_headcount", agency_rate, ("agency_headcount", "inpost_headcount")),
    )
}
# EES symbols meaning "rounds to zero but is not zero": the count is counted as 0.
ZERO_SYMBOLS = {"low", "k", "~"}


@dataclass(frozen=True)
class CensusCounts:
    """Workforce census counts at 30 September (EES indicator column names)."""

    inpost_fte: float | None = None
    leavers_fte: float | None = None
    agency_fte: float | None = None
    vacancy_fte: float | None = None
    cases: float | None = None
    case_holders_fte: float | None = None
    inpost_headcount: float | None = None
    leavers_headcount: float | None = None
    agency_headcount: float | None = None

    def rate(self, column: str) -> float | None:
        r = RATES[column]
        return r.formula(*(getattr(self, c) for c in r.counts))

    def rates(self) -> dict[str, float | None]:
        """Every rate the counts allow.

        >>> CensusCounts(inpost_fte=200, leavers_fte=30, agency_fte=50, vacancy_fte=40).rates()["vacancy_rate_fte"]
        16.666666666666664
        """
        return {c: self.rate(c) for c in RATES}


COUNT_COLUMNS = tuple(f.name for f in fields(CensusCounts))


def reporting_rate(column: str, components: Iterable[CensusCounts]) -> float | None:
    """An aggregate's rate as DfE works it out: the formula over the sums of the authorities
    that reported both of its counts (a suppressed count leaves that authority out).

    >>> a, b = CensusCounts(inpost_fte=100, leavers_fte=10), CensusCounts(inpost_fte=300)
    >>> reporting_rate("turnover_rate_fte", [a, b])
    10.0
    """
    num, den = RATES[column].counts
    both = [c for c in components if getattr(c, num) is not None and getattr(c, den) is not None]
    if not both:
        return None
    total = CensusCounts(
        **{num: sum(getattr(c, num) for c in both), den: sum(getattr(c, den) for c in both)}
    )
    return total.rate(column)


# --------------------------------------------------------------------------- published file


@dataclass(frozen=True)
class PublishedArea:
    """One row of DfE's CSWW indicators file: an authority, region or England in one year."""

    year: int  # census at 30 September of this year
    level: str  # england, region, la
    code: str  # E92000001, region code or DfE LA number (joint returns: "314 / 318")
    name: str
    region_code: str | None
    counts: CensusCounts
    rates: dict[str, float | None]  # as published
    symbols: dict[str, str]  # column -> suppression symbol, where a cell held one
    line: int


def read_published(path: str | Path) -> list[PublishedArea]:
    """DfE's CSWW indicators file (EES) as counts and published rates; symbols kept aside.

    A count shown as rounding to zero (`low`, `k`) is read as 0; other symbols as no value.
    """
    table = read_ees(path)
    out = []
    for rec in table.records:
        values: dict[str, float | None] = {}
        symbols: dict[str, str] = {}
        for column in (*COUNT_COLUMNS, *RATES):
            value, symbol = parse_number(rec[column])
            if symbol:
                symbols[column] = symbol
                value = 0.0 if symbol in ZERO_SYMBOLS and column in COUNT_COLUMNS else None
            values[column] = value
        level, code = next(areas(rec), ("la", rec["old_la_code"]))
        if level == "la":
            code = rec["old_la_code"]
        out.append(
            PublishedArea(
                year=record_year(table, rec),
                level=level,
                code=code,
                name=rec["la_name"] or rec["region_name"] or rec["country_name"],
                region_code=rec["region_code"] or None,
                counts=CensusCounts(**{c: values[c] for c in COUNT_COLUMNS}),
                rates={c: values[c] for c in RATES},
                symbols=symbols,
                line=rec.line,
            )
        )
    return out


# London (E12000007) is published alongside its halves, Inner and Outer London, which are the
# region codes authority rows carry.
REGION_PARTS = {"E12000007": ("E13000001", "E13000002")}


def components(area: PublishedArea, rows: Iterable[PublishedArea]) -> list[PublishedArea]:
    """The authorities an England or regional row adds up."""
    las = [r for r in rows if r.level == "la" and r.year == area.year]
    if area.level == "england":
        return las
    wanted = REGION_PARTS.get(area.code, (area.code,))
    return [r for r in las if r.region_code in wanted]


# --------------------------------------------------------------------------- own census


def census_counts(table: TableSource) -> ir.Table:
    """Counts per authority and census year from the canonical CSWW tables (standards.md 4).

    In post: employed (not agency) workers with an FTE at 30 September; leavers: employed
    workers whose role ended in the 12 months to 30 September (their FTE); agency: the LA-level
    NoAgencyFTE, or the agency workers' FTE at 30 September where it is blank; vacancies:
    NumberOfVacancies; cases and case holders: workers (employed and agency) holding at least
    one case at 30 September with an FTE (DfE leaves out case holders recorded with 0 FTE).
    """
    import ibis

    from csc_scorecard.measures.exact_sums import exact_sum

    w = table("workforce_census_workers")
    census_day = ibis.date(w.collection_year, 9, 30)
    year_start = ibis.date(w.collection_year - 1, 10, 1)
    employed = ~w.agency.fill_null(False)
    in_post = w.fte30.notnull()
    leaver = employed & (w.role_end_date >= year_start) & (w.role_end_date <= census_day)
    holder = (w.cases30.fill_null(0) > 0) & (w.fte30.fill_null(0) > 0)
    per_year = w.group_by(["la_code", "collection_year"]).agg(
        inpost_fte=exact_sum(ibis.ifelse(employed & in_post, w.fte30, 0.0)),
        inpost_headcount=(employed & in_post).cast("int64").sum(),
        leavers_fte=exact_sum(ibis.ifelse(leaver.fill_null(False), w.fte, 0.0)),
        leavers_headcount=leaver.fill_null(False).cast("int64").sum(),
        agency_fte30=exact_sum(ibis.ifelse(~employed & in_post, w.fte30, 0.0)),
        agency_headcount30=(~employed & in_post).cast("int64").sum(),
        cases=ibis.ifelse(holder, w.cases30, 0).sum(),
        case_holders_fte=exact_sum(ibis.ifelse(holder, w.fte30, 0.0)),
    )
    la = table("workforce_census_la").select(
        "la_code",
        "collection_year",
        "vacancies_fte",
        la_agency_fte="agency_fte",
        la_agency_headcount="agency_headcount",
    )
    j = per_year.left_join(la, ["la_code", "collection_year"])
    j = j.select([c for c in j.columns if not c.endswith("_right")])
    return j.select(
        "la_code",
        "collection_year",
        "inpost_fte",
        "inpost_headcount",
        "leavers_fte",
        "leavers_headcount",
        agency_fte=ibis.coalesce(j.la_agency_fte, j.agency_fte30),
        agency_headcount=ibis.coalesce(
            j.la_agency_headcount.cast("float64"), j.agency_headcount30.cast("float64")
        ),
        vacancy_fte=j.vacancies_fte,
        cases=j.cases,
        case_holders_fte=j.case_holders_fte,
    )


def own_census(ctx: Context) -> dict[tuple[str, int], CensusCounts]:
    """{(la_code, census year): counts} from the canonical census tables, for the context's
    authorities."""
    rows = run(ctx, "census", lambda c: census_counts(c.table), None).to_pylist()
    return {
        (r["la_code"], r["collection_year"]): CensusCounts(
            **{c: (None if r.get(c) is None else float(r[c])) for c in COUNT_COLUMNS}
        )
        for r in rows
    }
