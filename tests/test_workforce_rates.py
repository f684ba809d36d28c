"""Our workforce formulas reproduce DfE's published rates, for every authority, region and
England, every year, from the counts in the same file (shared/data/public, CSWW indicators).

"Within rounding": DfE publishes FTE counts to one decimal place and rates to one, so a rate
worked out from the published counts can differ from the published rate by up to half a unit
in the last place plus what the counts' own rounding moves it. We check that the published
rate lies in the range our formula gives over the counts' rounding intervals (FTE +-0.05,
whole counts +-0.5), widened by 0.05.

England and regional rates are the formula over the authorities that reported both counts
(`reporting_rate`); where none was suppressed that equals the ratio of the published totals.
Three aggregate agency rates match neither; they are listed in EXCEPTIONS (and in
docs/workforce.md) so the test fails if any other figure stops reproducing.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from conftest import PUBLIC_DATA

from csc_scorecard.measures.workforce.rates import (
    RATES,
    ZERO_SYMBOLS,
    CensusCounts,
    PublishedArea,
    components,
    read_published,
    reporting_rate,
)

FILE = PUBLIC_DATA / "dfe_csww_indicators_2017_to_2025.csv"
pytestmark = pytest.mark.skipif(not FILE.exists(), reason="public data folder not available")

# (rate, year, area): published aggregate agency rates that neither the published totals nor the
# authorities reporting both counts reproduce (authorities' agency counts marked u or x).
EXCEPTIONS = {
    (
        "agency_rate_fte",
        2023,
        "E92000001",
    ),  # England: 17.9 published; totals give 17.8, reporters 18.0
    ("agency_rate_fte", 2024, "E92000001"),  # England: 16.2; totals 16.0, reporters 16.3
    ("agency_rate_fte", 2023, "E12000007"),  # London: 23.2; totals 22.8, reporters 24.2
}


@pytest.fixture(scope="module")
def rows() -> list[PublishedArea]:
    return read_published(FILE)


def _half(column: str) -> float:
    return 0.05 if column.endswith("_fte") else 0.5


def within_rounding(column: str, counts: CensusCounts, published: float) -> bool:
    names = RATES[column].counts
    values = [getattr(counts, n) for n in names]
    found = []
    for signs in itertools.product((-1, 1), repeat=len(names)):
        moved = {
            n: max(v + s * _half(n), 0.0) for n, v, s in zip(names, values, signs, strict=True)
        }
        rate = replace(counts, **moved).rate(column)
        if rate is not None:
            found.append(rate)
    return bool(found) and min(found) - 0.05 - 1e-9 <= published <= max(found) + 0.05 + 1e-9


def test_every_authority_rate_reproduces(rows):
    checked, wrong = 0, []
    for r in rows:
        if r.level != "la":
            continue
        for column in RATES:
            published = r.rates[column]
            ours = r.counts.rate(column)
            if published is None:
                symbol = r.symbols.get(column)
                if symbol in ZERO_SYMBOLS:  # "rounds to zero": so must ours
                    assert ours is not None and ours < 0.05, (r.year, r.name, column)
                else:
                    # Not published: a count is missing or suppressed, or the rate has no
                    # denominator (Isles of Scilly: no social workers in post, turnover "z").
                    assert ours is None or symbol in {"u", "c", "x", "z"}, (r.year, r.name, column)
                continue
            assert ours is not None, (r.year, r.name, column, "published, but its counts are not")
            checked += 1
            if not within_rounding(column, r.counts, published):
                wrong.append((r.year, r.name, column, published, round(ours, 2)))
    assert wrong == []
    assert checked > 7_500  # about 150 authorities x 9 years x 6 rates


def test_england_and_regional_rates_reproduce(rows):
    checked, wrong = 0, set()
    for r in rows:
        if r.level == "la":
            continue
        parts = [p.counts for p in components(r, rows)]
        assert len(parts) >= 5, (r.year, r.name)
        for column, published in r.rates.items():
            if published is None:
                continue
            checked += 1
            totals = within_rounding(column, r.counts, published)
            reporters = reporting_rate(column, parts)
            if not (
                totals or (reporters is not None and abs(reporters - published) <= 0.05 + 1e-9)
            ):
                wrong.add((column, r.year, r.code))
    assert wrong == EXCEPTIONS
    assert checked > 550  # 9 years x (England + 11 regions) x 6 rates, less a few unpublished


def test_england_2023_as_standards_md_quotes_it(rows):
    """standards.md 4: turnover 15.9%, vacancy 18.9%, caseload 16.0 for England 2023."""
    england = next(r for r in rows if r.level == "england" and r.year == 2023)
    c = england.counts
    assert (c.inpost_fte, c.leavers_fte, c.vacancy_fte, c.cases, c.case_holders_fte) == (
        33119.1,
        5254.6,
        7722.7,
        337055,
        21111.4,
    )
    assert round(c.rate("turnover_rate_fte"), 1) == england.rates["turnover_rate_fte"] == 15.9
    assert round(c.rate("vacancy_rate_fte"), 1) == england.rates["vacancy_rate_fte"] == 18.9
    assert round(c.rate("caseload_fte"), 1) == england.rates["caseload_fte"] == 16.0


def test_england_2024_turnover_needs_the_reporting_authorities(rows):
    """Sunderland's 2024 leavers are unreliable (u): DfE's 13.9% leaves Sunderland out of both
    sums, while the published totals give 4,728.7 / 34,328.2 = 13.8%."""
    england = next(r for r in rows if r.level == "england" and r.year == 2024)
    assert round(england.counts.rate("turnover_rate_fte"), 1) == 13.8
    parts = [p.counts for p in components(england, rows)]
    assert (
        round(reporting_rate("turnover_rate_fte", parts), 1)
        == england.rates["turnover_rate_fte"]
        == 13.9
    )


def test_doncaster(rows):
    """The seed's authority (371): 2021 census agency rate 16.2%, turnover 16.1%."""
    don = next(r for r in rows if r.code == "371" and r.year == 2021)
    assert don.name == "Doncaster"
    assert round(don.counts.rate("agency_rate_fte"), 1) == don.rates["agency_rate_fte"] == 16.2
    assert round(don.counts.rate("turnover_rate_fte"), 1) == don.rates["turnover_rate_fte"] == 16.1


def test_suppression_symbols_are_kept(rows):
    """Gateshead 2022: leavers unreliable (u) -> no leavers count, no turnover rate, symbol kept;
    a count that rounds to zero ('low') is read as 0."""
    g = next(r for r in rows if r.name == "Gateshead" and r.year == 2022)
    assert g.counts.leavers_fte is None and g.symbols["leavers_fte"] == "u"
    assert g.rates["turnover_rate_fte"] is None
    s = next(r for r in rows if r.name == "Sunderland" and r.year == 2023)
    assert s.symbols["agency_fte"] == "low" and s.counts.agency_fte == 0.0
