"""The seed report's Appendix 1, entered as printed, rated under the shipped framework.

Hand calculation (rule: green at or better than target; amber between target and tolerance,
the tolerance itself amber; red beyond; no tolerance -> green or red). Columns: item, target
(tolerance), polarity, Q4 2021/22 -> rating, Q1 2022/23 -> rating.

Contract Key Performance Indicators
  C01 90 (75) higher   Q4 85%  amber (75 <= 85 < 90)    Q1 90%   green (= target)
  C02 95 (80) higher   Q4 99%  green                    Q1 97%   green
  C03 90 (80) higher   Q4 93%  green                    Q1 blank not available
  C04 95 (80) higher   Q4 100% green                    Q1 blank not available
  C05 95 (80) higher   Q4 blank not available           Q1 blank not reportable (commentary:
                                                                 "This data is not reportable")
  C06  9 (15) lower    Q4 6%   green                    Q1 blank not available
  C07 95 (80) higher   Q4 80%  amber (= tolerance)      Q1 78%   red (78 < 80)
  C08 95 (75) higher   Q4 94%  amber                    Q1 85%   amber (75 <= 85 < 95)
  C09 60 higher        Q4 blank not available           Q1 blank not available
  C10 80 higher        Q4 56%  red (no tolerance)       Q1 58%   red
  C11 90 higher        Q4 blank not available           Q1 62.7% red
  Q1: green C01 C02 = 2; amber C08 = 1; red C07 C10 C11 = 3; not available C03 C04 C06 C09 = 4;
      not reportable C05 = 1. Seed wording: 3 better than or within tolerance, 3 below target,
      no data for 5 - exactly the seed's paragraph 10 (3 / 3 / 5).
  Q4: green C02 C03 C04 C06 = 4; amber C01 C07 C08 = 3; red C10 = 1; not available C05 C09 C11 = 3.

Partnership Performance Measures
  P01 22 (28) lower    Q4 16%   green                   Q1 19.4% green
  P02 60 (40) higher   Q4 blank n/a                     Q1 blank not reportable
  P03 140 (180) lower  Q4 blank n/a                     Q1 blank not reportable
  P04 25 (15) higher   Q4 blank n/a                     Q1 blank not available
  P05 15 (20) lower    Q4 22.3% red (> 20)              Q1 27%   red
  P06 15 (20) lower    Q4 14.7% green                   Q1 13%   green
  P07 25 (30) lower    Q4 6.6%  green                   Q1 18%   green
  P08 10 (16) lower    Q4 blank n/a                     Q1 blank not reportable
  P09  3 (5) lower     Q4 <1%   green (every value < 1 is below 3)   Q1 1.6% green
  P10 100 (80) higher  Q4 80%   amber (= tolerance)     Q1 60%   red
  P11 70 (60) higher   Q4 blank n/a                     Q1 blank not available
  P12 80 (70) higher   Q4 55%   red                     Q1 50%   red
  P13 19 (14) higher   Q4 "4 children" n/a (not a %)    Q1 "1 child" not available
  P14 426 (460) lower  Q4 463   red (> 460)             Q1 blank not available
  P15 121 (200) lower  Q4 121   green (= target)        Q1 blank not available
  P16 15 higher        Q4 13%   red                     Q1 20%   green
  P17 10 higher        Q4 17%   green                   Q1 blank not available
  P18 85 (80) higher   Q4 93%   green                   Q1 93%   green
  P19 48 (40) higher   Q4 58%   green                   Q1 69%   green
  P20 25 (20) higher   Q4 15%   red                     Q1 28%   green
  P21 95 higher        Q4 96%   green                   Q1 96%   green
  P22  8 (12) lower    Q4 10%   amber                   Q1 9.1%  amber
  P23 16 (18) lower    Q4 8%    green                   Q1 13.9% green
  P24 194 lower        Q4 124 per 100,000 green         Q1 138   green
  P25 25 lower         Q4 25.7  red (no tolerance)      Q1 16.27% green
  Q1: green P01 P06 P07 P09 P16 P18 P19 P20 P21 P23 P24 P25 = 12; amber P22 = 1; red P05 P10
      P12 = 3; not available P04 P11 P13 P14 P15 P17 = 6; not reportable P02 P03 P08 = 3.
      Seed wording: 13 better than or within tolerance, 3 below target, no data for 9 (of 25).
      The seed's paragraph 11 says 12 / 4 / 9: its table implies 13 / 3 / 9, and the product
      reports what the table implies.
  Q4: green P01 P06 P07 P09 P15 P17 P18 P19 P21 P23 P24 = 11; amber P10 P22 = 2;
      red P05 P12 P14 P16 P20 P25 = 6; not available P02 P03 P04 P08 P11 P13 = 6.

Direction Q4 -> Q1 (only where both quarters have a figure):
  improving  C01 85->90, C10 56->58, P06 14.7->13 (lower better), P16 13->20, P19, P20, P22 10->9.1,
             P25 25.7->16.27 (lower better)
  worsening  C02, C07, C08, P01 16->19.4 (lower better), P05, P07 6.6->18, P09 <1->1.6, P10,
             P12, P23 8->13.9, P24 124->138
  unchanged  P18 93, P21 96
"""

from __future__ import annotations

from pathlib import Path

import pytest

from csc_scorecard.rating import Direction, Status, load_framework, rate_framework, read_values

EXAMPLE = Path(__file__).parents[1] / "examples" / "doncaster-2022"
G, A, R, NA, NR = (
    Status.GREEN,
    Status.AMBER,
    Status.RED,
    Status.NOT_AVAILABLE,
    Status.NOT_REPORTABLE,
)

Q1 = {
    "C01": G,
    "C02": G,
    "C03": NA,
    "C04": NA,
    "C05": NR,
    "C06": NA,
    "C07": R,
    "C08": A,
    "C09": NA,
    "C10": R,
    "C11": R,
    "P01": G,
    "P02": NR,
    "P03": NR,
    "P04": NA,
    "P05": R,
    "P06": G,
    "P07": G,
    "P08": NR,
    "P09": G,
    "P10": R,
    "P11": NA,
    "P12": R,
    "P13": NA,
    "P14": NA,
    "P15": NA,
    "P16": G,
    "P17": NA,
    "P18": G,
    "P19": G,
    "P20": G,
    "P21": G,
    "P22": A,
    "P23": G,
    "P24": G,
    "P25": G,
}
Q4 = {
    "C01": A,
    "C02": G,
    "C03": G,
    "C04": G,
    "C05": NA,
    "C06": G,
    "C07": A,
    "C08": A,
    "C09": NA,
    "C10": R,
    "C11": NA,
    "P01": G,
    "P02": NA,
    "P03": NA,
    "P04": NA,
    "P05": R,
    "P06": G,
    "P07": G,
    "P08": NA,
    "P09": G,
    "P10": A,
    "P11": NA,
    "P12": R,
    "P13": NA,
    "P14": R,
    "P15": G,
    "P16": R,
    "P17": G,
    "P18": G,
    "P19": G,
    "P20": R,
    "P21": G,
    "P22": A,
    "P23": G,
    "P24": G,
    "P25": R,
}


@pytest.fixture(scope="module")
def rated():
    framework = load_framework(EXAMPLE / "framework.yaml")
    values = read_values(EXAMPLE / "values.csv")
    return {p: rate_framework(framework, values, p) for p in ("2022-Q1", "2021-Q4")}


@pytest.mark.parametrize(("period", "expected"), [("2022-Q1", Q1), ("2021-Q4", Q4)])
def test_every_item_is_rated_as_worked_out_by_hand(rated, period, expected):
    result = rated[period]
    assert {i.id: i.status for g in result.groups for i in g.items} == expected
    assert result.unmatched_measures == []


def test_q1_summary_counts(rated):
    contract, partnership = rated["2022-Q1"].groups
    assert (
        contract.summary.green,
        contract.summary.amber,
        contract.summary.red,
        contract.summary.not_available,
        contract.summary.not_reportable,
    ) == (2, 1, 3, 4, 1)
    # The seed's paragraph 10: 3 better or within tolerance, 3 below target, 5 without data.
    assert (
        contract.summary.better_or_within_tolerance,
        contract.summary.below_target,
        contract.summary.without_data,
        contract.summary.total,
        contract.summary.rated,
    ) == (3, 3, 5, 11, 6)
    assert (
        partnership.summary.green,
        partnership.summary.amber,
        partnership.summary.red,
        partnership.summary.not_available,
        partnership.summary.not_reportable,
    ) == (12, 1, 3, 6, 3)
    # Paragraph 11 says 12 / 4 / 9; the printed table gives 13 / 3 / 9 of 25.
    assert (
        partnership.summary.better_or_within_tolerance,
        partnership.summary.below_target,
        partnership.summary.without_data,
        partnership.summary.total,
    ) == (13, 3, 9, 25)
    overall = rated["2022-Q1"].summary
    assert (
        overall.total,
        overall.better_or_within_tolerance,
        overall.below_target,
        overall.without_data,
    ) == (36, 16, 6, 14)


def test_q4_summary_counts(rated):
    contract, partnership = rated["2021-Q4"].groups
    assert (
        contract.summary.better_or_within_tolerance,
        contract.summary.below_target,
        contract.summary.without_data,
    ) == (7, 1, 3)
    assert (
        partnership.summary.better_or_within_tolerance,
        partnership.summary.below_target,
        partnership.summary.without_data,
    ) == (13, 6, 6)


def test_direction_q4_to_q1(rated):
    moved = {i.id: i.vs_previous.direction for g in rated["2022-Q1"].groups for i in g.items}
    improving = {k for k, v in moved.items() if v is Direction.IMPROVING}
    worsening = {k for k, v in moved.items() if v is Direction.WORSENING}
    unchanged = {k for k, v in moved.items() if v is Direction.UNCHANGED}
    assert improving == {"C01", "C10", "P06", "P16", "P19", "P20", "P25"}
    assert worsening == {
        "C02",
        "C07",
        "C08",
        "P01",
        "P05",
        "P07",
        "P09",
        "P10",
        "P12",
        "P23",
        "P24",
    }
    # P22 10% -> 9.1% moved less than one percentage point: similar (the materiality rule).
    assert unchanged == {"P18", "P21", "P22"}


def test_item_details(rated):
    result = rated["2022-Q1"]
    c01 = result.item("C01")
    assert (c01.value, c01.display, c01.target_display, c01.rag, c01.reason) == (
        90.0,
        "90%",
        "90% (75%)",
        "green",
        None,
    )
    assert (c01.vs_previous.period, c01.vs_previous.value, c01.vs_previous.change) == (
        "2021-Q4",
        85.0,
        5.0,
    )
    assert c01.vs_year_earlier.reason == "no value for 2021-Q1"
    assert result.item("C03").reason == "no value for 2022-Q1"
    assert result.item("C05").reason.startswith("This data is not reportable.")
    p13 = result.item("P13")
    assert (p13.raw, p13.display, p13.reason) == ("1 child", "1 child", "'1 child' is not a number")
    assert result.item("C11").vs_previous.reason == "no value for 2021-Q4"
    p24 = result.item("P24")
    assert (p24.display, p24.target_display, p24.comparator_label) == (
        "138 per 100,000",
        "194 per 100,000",
        "YJS comparator authority group",
    )
    p09 = result.item("P09").vs_previous
    assert (p09.raw, p09.value, p09.change, p09.direction) == ("<1%", None, None, "worsening")
    assert rated["2021-Q4"].item("P09").display == "<1%"
