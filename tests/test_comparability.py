"""Like for like with DfE (issue 18 item 7): for every measure that carries a DfE comparator,
DfE's published figure is recomputed from DfE's published counts with the product's own
definition and window, and must match within DfE's rounding.

The measures come from `reference/comparator_map.yaml` (every mapped measure that is not a
count: counts carry no comparator, `latest_comparators`), so a new comparator-bearing measure
without a check here fails `test_every_comparator_bearing_measure_has_a_check`.

Two things are checked per measure:

* the value: `measures.engine.value_of` (numerator ÷ denominator × the unit's scale, annualised
  only when the catalogue entry says so) applied to DfE's published counts for an authority
  and year gives DfE's published figure for it, for every authority-year where both are
  published (at least one), within half a unit of the last decimal DfE prints. An annualised
  rate (x 2) or a percentage of the wrong denominator fails here.
* the window: the measure's window for the quarter ending on DfE's reference date (31 March;
  30 September for the workforce census) is DfE's: the year to that date, or that day for a
  snapshot. `WINDOW_NOT_YET_DFE` lists the comparator-bearing measures whose window is still
  shorter than DfE's year (issue 18 item 2: a rolling 12-month variant is to carry the
  comparator); the test fails when another measure joins them, and when one leaves the list
  without the list being updated.

DfE's counts are read from ../shared/data/public (or $SCORECARD_PUBLIC_DATA); the test skips
when the folder is absent. A measure whose counts DfE does not publish in that set is skipped
with the reason (`NO_PUBLIC_COUNTS`).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.measures.engine import value_of
from csc_scorecard.model.periods import Quarter
from csc_scorecard.reference.comparator_series import comparator_map
from csc_scorecard.reference.ees import areas, parse_number, read_ees, read_text_csv, record_year
from csc_scorecard.reference.population import population_index, read_population

PUBLIC = Path(
    os.environ.get(
        "SCORECARD_PUBLIC_DATA",
        Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "public",
    )
)
needs_public = pytest.mark.skipif(
    not PUBLIC.is_dir(), reason=f"public data folder {PUBLIC} not present"
)

LAIT = "dfe_lait_csc_indicators_long.csv"
REBASED = "census2021_rebased"
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Case:
    """One published figure and the published counts it is worked out from."""

    year: int  # year ending 31 March (30 September for the workforce census)
    la: str  # DfE LA number
    counts: dict[str, float]  # column -> published count
    numerator: tuple[str, ...]  # columns summed
    denominator: tuple[str, ...]
    published: float
    text: str  # the published cell as printed
    step: float = 0.0  # half the unit DfE rounds the counts to (FTE to 0.1: 0.05)

    @property
    def decimals(self) -> int:
        """Decimal places of the published figure as printed (LAIT's float noise removed)."""
        return len(f"{self.published:.12g}".partition(".")[2])

    def values(self, m, start: date, end: date) -> list[float | None]:
        """value_of over the counts, and over every corner of their rounding intervals."""
        names = sorted(self.counts)
        shifts = (
            itertools.product((-self.step, self.step), repeat=len(names))
            if self.step
            else [(0.0,) * len(names)]
        )
        out = []
        for shift in shifts:
            c = {n: self.counts[n] + d for n, d in zip(names, shift, strict=True)}
            num = sum(c[n] for n in self.numerator)
            den = sum(c[n] for n in self.denominator)
            out.append(value_of(m, num, den, start, end))
        return out


@dataclass(frozen=True)
class Check:
    cases: Callable[[], Iterator[Case]]
    as_at: bool  # DfE's figure is a snapshot on the reference date, else the year to it
    census: bool = False  # reference date 30 September (workforce census), else 31 March


# --- readers: DfE's published files, through the product's own EES reader --------------------


def _number(text: str) -> float | None:
    value, _symbol = parse_number(text)
    return value


def _la_rows(file: str, where: dict[str, str]) -> Iterator[tuple[int, str, dict[str, str]]]:
    table = read_ees(PUBLIC / file)
    for rec in table.records:
        if any(" ".join(rec[k].split()) != v for k, v in where.items()):
            continue
        for kind, code in areas(rec):
            if kind == "la":
                yield record_year(table, rec), code, rec.cells


def ees_percent(
    file: str,
    value: str,
    numerator: list[str],
    denominator: list[str],
    where: dict[str, str] | None = None,
    denominator_where: dict[str, str] | None = None,
    step: float = 0.0,
) -> Callable[[], Iterator[Case]]:
    """A published percentage or rate with the counts beside it (denominator columns summed;
    `denominator_where` reads them from another row of the same authority and year). `step`:
    half the unit the counts are published to (FTE to one decimal: 0.05)."""

    def cases() -> Iterator[Case]:
        totals = {}
        if denominator_where is not None:
            other = {**(where or {}), **denominator_where}
            totals = {(y, la): cells for y, la, cells in _la_rows(file, other)}
        for year, la, cells in _la_rows(file, where or {}):
            den_cells = totals.get((year, la)) if denominator_where is not None else cells
            if den_cells is None:
                continue
            counts = {f"n:{c}": _number(cells[c]) for c in numerator}
            counts |= {f"d:{c}": _number(den_cells[c]) for c in denominator}
            if denominator_where is None:  # one row: a column in both is one count
                counts = {k.split(":", 1)[1]: v for k, v in counts.items()}
                num_cols, den_cols = tuple(numerator), tuple(denominator)
            else:
                num_cols = tuple(f"n:{c}" for c in numerator)
                den_cols = tuple(f"d:{c}" for c in denominator)
            published = _number(cells[value])
            if published is None or None in counts.values():
                continue
            yield Case(
                year,
                la,
                counts,
                num_cols,
                den_cols,
                published,
                cells[value],
                step,  # type: ignore[arg-type]
            )

    return cases


@cache
def _population() -> dict[tuple[str, int, str, str], float]:
    return population_index(read_population(PUBLIC).rows)


@cache
def _lait(measure_short: str) -> dict[tuple[int, str], str]:
    table = read_text_csv(PUBLIC / LAIT, keep={"measure_short": {measure_short}})
    return {
        (int(r["years"]), r["la_number"]): r["value"]
        for r in table.records
        if r["years"].isdigit()
        and int(r["years"])
        and r["la_number"].isdigit()
        and int(r["la_number"]) < 970  # 970+ are England and the regions
    }


def against_lait(
    file: str, numerator: list[str], lait: str, denominator: list[str] | None = None
) -> Callable[[], Iterator[Case]]:
    """EES counts against LAIT's published figure. With no `denominator` columns the figure is
    a rate per 10,000: the count over the ONS 0-17 population of the mid-year before 31 March
    (census-2021 rebased, the basis LAIT publishes on)."""

    def cases() -> Iterator[Case]:
        published = _lait(lait)
        for year, la, cells in _la_rows(file, {}):
            text = published.get((year, la), "")
            nums = [_number(cells[c]) for c in numerator]
            if denominator is None:
                den = _population().get((la, year - 1, "0-17", REBASED))
            else:
                dens = [_number(cells[c]) for c in denominator]
                den = None if None in dens else sum(dens)  # type: ignore[arg-type]
            value = _number(text) if text else None
            if value is None or None in nums or not den:
                continue
            counts = {"numerator": sum(nums), "denominator": den}  # type: ignore[arg-type]
            yield Case(year, la, counts, ("numerator",), ("denominator",), value, text)

    return cases


def lait_percent(value: str, numerator: str, denominator: str) -> Callable[[], Iterator[Case]]:
    """A LAIT percentage against the LAIT counts it is made of."""

    def cases() -> Iterator[Case]:
        nums, dens = _lait(numerator), _lait(denominator)
        for key, text in _lait(value).items():
            n, d, v = (_number(t) if t else None for t in (nums.get(key), dens.get(key), text))
            if n is None or not d or v is None:
                continue
            counts = {"numerator": n, "denominator": d}
            yield Case(key[0], key[1], counts, ("numerator",), ("denominator",), v, text)

    return cases


CSWW = "dfe_csww_indicators_2017_to_2025.csv"
FTE = 0.05  # DfE publishes FTE to one decimal place
C1 = "dfe_cin_c1_referrals_and_rereferrals_2013_to_2025.csv"
C4 = "dfe_cin_c4_section47s_and_icpcs_2013_to_2025.csv"
CARE_LEAVER_TOTAL = {"care_leaver_age": "19 to 21 years"}

CHECKS: dict[str, Check] = {
    "referrals_rate_per_10000": Check(
        against_lait(C1, ["referral_count"], "CPP_Total_Rateper10,000"), as_at=False
    ),
    "rereferrals_within_12_months_rolling_12_months": Check(
        ees_percent(C1, "rereferral_percent", ["rereferral_count"], ["referral_count"]),
        as_at=False,
    ),
    "section47_rate_per_10000": Check(against_lait(C4, ["Section47"], "Section_47"), as_at=False),
    "icpc_rate_per_10000": Check(against_lait(C4, ["ICPC"], "ISCP_Conf"), as_at=False),
    # C4: ICPCs 0-10 and 11-15 working days after the S47 start over all ICPCs (standards.md 5.2)
    "icpc_within_15_working_days_rolling_12_months": Check(
        against_lait(C4, ["Duration_0-10_days", "Duration_11-15_days"], "CP_conf_15days", ["ICPC"]),
        as_at=False,
    ),
    "cin_rate_per_10000": Check(
        against_lait("dfe_cin_b1_children_in_need_2013_to_2025.csv", ["At31_episodes"], "CIN"),
        as_at=True,
    ),
    "cp_rate_per_10000": Check(
        against_lait(
            "dfe_cin_d5_cpp_at_31_march_by_duration_2013_to_2025.csv", ["CPP_At31"], "CPP_rate"
        ),
        as_at=True,
    ),
    "cp_second_plan_ever": Check(
        ees_percent(
            "dfe_cin_d3_cpp_subsequent_plan_2013_to_2025.csv",
            "CPP_subsequent_percent",
            ["CPP_subsequent"],
            ["CPP_start"],
        ),
        as_at=False,
    ),
    "cla_rate_per_10000": Check(
        ees_percent(
            "dfe_cla_number_and_rate_per_10k_2021_to_2025.csv",
            "rate_per_10000",
            ["children_count"],
            ["population_estimate"],
            where={"population_type": "Children looked after on 31 March each year"},
        ),
        as_at=True,
    ),
    "cla_three_plus_placements": Check(
        ees_percent(
            "dfe_cla_placement_stability_2021_to_2025.csv",
            "children_percent",
            ["children_count"],
            ["children_count"],
            where={
                "cla_group": "CLA on 31 March",
                "placement_stability": "With 3 or more placements during the year",
            },
            denominator_where={"placement_stability": "Total children"},
        ),
        as_at=False,
    ),
    "cla_long_term_stability": Check(
        ees_percent(
            "dfe_cla_placement_stability_2021_to_2025.csv",
            "children_percent",
            ["children_count"],
            ["children_count"],
            where={
                "cla_group": "Children looked after continuously for at least 2.5 years on 31 "
                "March aged under 16 years",
                "placement_stability": "Living with the same carer for at least 2 years",
            },
            denominator_where={"placement_stability": "Total children"},
        ),
        as_at=True,
    ),
    "cla_ceased_adopted_pct_rolling_12_months": Check(
        lait_percent("%_of LAC Adopted", "No_of LAC Adopted", "LACceased"), as_at=False
    ),
    "cla_ceased_sgo_pct_rolling_12_months": Check(
        lait_percent("LAC_ceased_SGO%", "LAC_ceased_SGO", "LACceased"), as_at=False
    ),
    "care_leavers_eet": Check(
        ees_percent(
            "dfe_cla_care_leavers_activity_2021_to_2025.csv",
            "care_leaver_percent",
            ["care_leaver_count"],
            ["care_leaver_count"],
            where={**CARE_LEAVER_TOTAL, "breakdown": "Total in education, employment or training"},
            denominator_where={"breakdown": "Total"},
        ),
        as_at=False,
    ),
    "care_leavers_suitable_accommodation": Check(
        ees_percent(
            "dfe_cla_care_leavers_accommodation_suitability_2021_to_2025.csv",
            "care_leaver_percent",
            ["care_leaver_count"],
            ["care_leaver_count"],
            where={**CARE_LEAVER_TOTAL, "breakdown": "Accommodation considered suitable"},
            denominator_where={"breakdown": "Suitability total"},
        ),
        as_at=False,
    ),
    "cp_reviews_in_timescale": Check(
        lait_percent("RevCP", "CPP_Reviewed_InReqTimeScl", "CPP_31March_3MnthorMore"),
        as_at=True,
    ),
    # The workforce census (standards.md 4): the product's measures read the authority's census
    # return at the latest 30 September, so their window is that day.
    "staff_turnover_rate": Check(
        ees_percent(CSWW, "turnover_rate_fte", ["leavers_fte"], ["inpost_fte"], step=FTE),
        as_at=True,
        census=True,
    ),
    "agency_fte_rate": Check(
        ees_percent(
            CSWW, "agency_rate_fte", ["agency_fte"], ["agency_fte", "inpost_fte"], step=FTE
        ),
        as_at=True,
        census=True,
    ),
    "vacancy_rate": Check(
        ees_percent(
            CSWW, "vacancy_rate_fte", ["vacancy_fte"], ["vacancy_fte", "inpost_fte"], step=FTE
        ),
        as_at=True,
        census=True,
    ),
    "caseload_average": Check(
        # cases are whole numbers; only the FTE is rounded, but one step covers both
        ees_percent(CSWW, "caseload_fte", ["cases"], ["case_holders_fte"], step=FTE),
        as_at=True,
        census=True,
    ),
}

# Comparator-bearing measures whose counts DfE does not publish in the public set: DfE's
# figure cannot be worked out from counts here, so the value check is skipped with the reason.
NO_PUBLIC_COUNTS = {
    "assessments_within_45_working_days_rolling_12_months": (
        "the assessment durations (CIN table C2) are not in the public set; LAIT publishes only "
        "the percentage (Continue_Assess_Comp)"
    ),
    "cp_plans_ended_2_years_plus": (
        "plans ended by duration (CIN table D7) are not in the public set; LAIT publishes only "
        "the percentage (CPPlans2yrs)"
    ),
    "cla_ceased_cao_pct_rolling_12_months": (
        "LAIT publishes the percentage ceasing on a child arrangements order (LAC_ceased_CAO%) "
        "but not the count"
    ),
    "staying_put_19_20": "LAIT publishes only the percentage (StayingPut), not the counts",
    "cin_open_6_to_12_months": (
        "episodes open at 31 March by duration (CIN table B4) are not in the public set; LAIT "
        "publishes only the percentage (CINTime6-1)"
    ),
    "cin_open_12_to_24_months": (
        "episodes open at 31 March by duration (CIN table B4) are not in the public set; LAIT "
        "publishes only the percentage (CINTime1-2)"
    ),
    "cin_open_2_years_plus": (
        "episodes open at 31 March by duration (CIN table B4) are not in the public set; LAIT "
        "publishes only the percentage (CINTime2more)"
    ),
}

# Published figures that the counts in the same public set do not reproduce, by measure:
# (year, LA). Any other difference fails. ICPCs within 15 working days: LAIT's percentage for
# these eight authority-years, all in 2016 and 2017, is 0.2 to 0.7 points from (0-10 + 11-15
# days) / ICPCs in the 2013-2025 C4 file (LAIT keeps a year's figure as first published; the
# C4 time series may carry later revisions). Every year from 2018 reproduces.
KNOWN_DIFFERENCES = {
    "icpc_within_15_working_days_rolling_12_months": {
        (2017, "876"),
        (2017, "353"),
        (2017, "835"),
        (2016, "394"),
        (2016, "343"),
        (2016, "846"),
        (2016, "921"),
        (2016, "852"),
    }
}

# Comparator-bearing measures whose window, for the quarter ending 31 March, is shorter than
# DfE's year (issue 18 item 2). Empty: the quarter and six-month figures the seed prints
# (re-referrals, assessment and ICPC timeliness, children ceasing by reason) carry no
# comparator; their rolling 12-month variants do. A measure added here xfails its window test.
WINDOW_NOT_YET_DFE: set[str] = set()


def comparator_bearing() -> list[str]:
    """Every measure the comparator map gives a DfE comparator (counts get none)."""
    return sorted(k for k, m in comparator_map().measures.items() if m.unit != "count")


def test_every_comparator_bearing_measure_has_a_check():
    missing = set(comparator_bearing()) - set(CHECKS) - set(NO_PUBLIC_COUNTS)
    assert not missing, (
        f"no comparability check for {sorted(missing)}: add one to CHECKS in "
        "tests/test_comparability.py (or, when DfE publishes no counts for it, a reason to "
        "NO_PUBLIC_COUNTS)"
    )
    stale = (set(CHECKS) | set(NO_PUBLIC_COUNTS)) - set(comparator_bearing())
    assert not stale, f"checks for measures that carry no comparator: {sorted(stale)}"


@pytest.mark.parametrize("measure", comparator_bearing())
def test_the_window_is_dfes(measure):
    """The measure's window for the quarter ending on DfE's reference date is DfE's: the year
    to 31 March (30 September for the census), or that day for a snapshot."""
    m = catalogue()[measure]
    check = CHECKS.get(measure)
    as_at = check.as_at if check else m.period_type == "as_at_period_end"
    census = bool(check and check.census)
    end = date(2022, 9, 30) if census else date(2022, 3, 31)
    dfe = (end, end) if as_at else (date(end.year - 1, end.month, end.day) + _ONE_DAY, end)
    ours = Quarter.containing(end).window(m.period_type)
    if measure in WINDOW_NOT_YET_DFE:
        assert ours != dfe, f"{measure} now has DfE's window: remove it from WINDOW_NOT_YET_DFE"
        pytest.xfail(f"{measure}: window {ours[0]} to {ours[1]}, DfE's {dfe[0]} to {dfe[1]}")
    assert ours == dfe, f"{measure}: window {ours}, DfE's {dfe}"
    assert not m.annualise, f"{measure} is annualised; DfE never annualises (standards.md 5)"


@needs_public
@pytest.mark.parametrize("measure", comparator_bearing())
def test_dfe_figures_recompute_from_dfe_counts(measure):
    """value_of (the product's own numerator ÷ denominator × scale, over the measure's
    window) on DfE's published counts gives DfE's published figure, for every authority-year
    where both are published."""
    if measure in NO_PUBLIC_COUNTS:
        pytest.skip(NO_PUBLIC_COUNTS[measure])
    m, check = catalogue()[measure], CHECKS[measure]
    cases = list(check.cases())
    # DfE prints a measure to a fixed number of places (a whole 22.0 shows as 22): its rounding
    # is half a unit of the most places any of its figures shows.
    tolerance = 0.5 * 10 ** -max((c.decimals for c in cases), default=0) + 1e-9
    compared, wrong = 0, []
    for case in cases:
        month, day = (9, 30) if check.census else (3, 31)
        end = date(case.year, month, day)
        start, last = Quarter.containing(end).window(m.period_type)
        values = [v for v in case.values(m, start, last) if v is not None]
        compared += 1
        known = (case.year, case.la) in KNOWN_DIFFERENCES.get(measure, set())
        within = bool(values) and (
            min(values) - tolerance <= case.published <= max(values) + tolerance
        )
        if not within and not known:
            wrong.append((case.year, case.la, values[:1], case.text))
    assert compared, f"{measure}: no authority-year with both the counts and the figure"
    assert not wrong, f"{measure}: {len(wrong)} of {compared} differ, e.g. {wrong[:5]}"


# The figures the seed prints over a shorter window than DfE's year, and the rolling 12-month
# variant of each that carries the comparator instead (issue 18 item 2).
SHORT_WINDOW = {
    "rereferrals_within_12_months": "in_quarter",
    "assessments_within_45_working_days": "rolling_6_months",
    "icpc_within_15_working_days": "rolling_6_months",
    "cla_ceased_adopted_pct": "rolling_6_months",
    "cla_ceased_sgo_pct": "rolling_6_months",
    "cla_ceased_cao_pct": "rolling_6_months",
}


@pytest.mark.parametrize("measure", sorted(SHORT_WINDOW))
def test_a_short_window_figure_has_no_comparator_and_its_12_month_variant_has(measure):
    """The short-window figure stays (the seed reports it), titled with its window, with no DfE
    comparator; its rolling 12-month variant counts the same thing the same way (one function,
    the same settings) over DfE's year, and carries the comparator."""
    mapping, known = comparator_map(), catalogue()
    short, year = known[measure], known[f"{measure}_rolling_12_months"]
    assert short.period_type == SHORT_WINDOW[measure]
    assert measure not in mapping.measures
    assert f"{measure}_rolling_12_months" in mapping.unmapped[measure]
    assert f"{measure}_rolling_12_months" in mapping.measures
    assert year.period_type == "rolling_12_months"
    assert (year.function, year.settings, year.unit, year.polarity) == (
        short.function,
        short.settings,
        short.unit,
        short.polarity,
    )
    window = {"in_quarter": "(quarter)", "rolling_6_months": "(six months)"}
    assert short.title.endswith(window[short.period_type])
    assert year.title == short.title.replace(window[short.period_type], "(rolling 12 months)")
