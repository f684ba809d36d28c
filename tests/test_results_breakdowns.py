"""A breakdown's rows for a quarter are the same kept in the store and computed on read.

Fixture (synthetic, through the Python API): authority 999's CIN census load covers April 2020 to
March 2023 and holds three referrals: one on 4 May 2020 (2020-Q1) with no source recorded, two
on 4 and 5 April 2022 (2022-Q1) from the police (source 6).

Worked by hand, `referral_sources` for 2022-Q1 (2 referrals):
- police (6): 2 of 2 = 100%; every other CIN census ReferralSource code (the measure's declared
  categories, `dimension_codes: referral_source`): 0 of 2 = 0%;
- "not recorded" (a blank source: a category no code list declares) had none in 2022-Q1, so it is
  not a row of 2022-Q1, whether the quarter is read from the results the refresh kept (computed
  with every quarter from 2019-Q1) or computed on read (with 2021-Q1 and 2021-Q4 only). Before,
  the kept rows showed it at 0% and the computed ones left it out: a report's breakdown note
  ("n categories with none in either quarter are not shown") depended on which path it took.
- in 2020-Q1 it is the one referral: 100%.
"""

from __future__ import annotations

from datetime import date

from conftest import canonical

from csc_scorecard.measures.catalogue import measure
from csc_scorecard.measures.results import measure_run, refresh_results
from csc_scorecard.measures.run import run_measures
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.model.codes import codes
from csc_scorecard.model.periods import Quarter
from csc_scorecard.store import Store

Q1 = Quarter.parse("2022-Q1")


def _load(store: Store) -> None:
    referrals = canonical(
        "referrals",
        child_id=["999-A", "999-B", "999-C"],
        referral_date=[date(2020, 5, 4), date(2022, 4, 4), date(2022, 4, 5)],
        referral_source=[None, "6", "6"],
    )
    store.load(
        [
            LoadBatch(
                "cin_census",
                "999",
                date(2020, 4, 1),
                date(2023, 3, 31),
                ["cin.xml"],
                {"referrals": referrals},
            )
        ]
    )


def _breakdown(rows: list[dict], period: str) -> dict[str, tuple]:
    return {
        r["dimension"]: (r["value"], r["numerator"], r["denominator"], r["status"])
        for r in rows
        if r["measure"] == "referral_sources" and r["period"] == period
    }


def test_a_breakdown_reads_as_it_computes(store: Store) -> None:
    _load(store)
    assert refresh_results(store, ["999"]) > 0
    kept = measure_run(store, "999", [Q1], measures=["referral_sources"]).rows
    computed = run_measures(store, "999", [Q1], measures=["referral_sources"]).rows
    assert _breakdown(kept, "2022-Q1") == _breakdown(computed, "2022-Q1")
    found = _breakdown(kept, "2022-Q1")
    assert set(found) == set(codes("referral_source"))  # the declared codes, not "not recorded"
    assert found["6"] == (100.0, 2.0, 2.0, "ok")
    assert found["2A"] == (0.0, 0.0, 2.0, "ok")
    earlier = measure_run(store, "999", [Quarter.parse("2020-Q1")], measures=["referral_sources"])
    assert _breakdown(earlier.rows, "2020-Q1")["not recorded"] == (100.0, 1.0, 1.0, "ok")


def test_every_breakdown_declares_its_categories() -> None:
    for mid in ("referral_sources", "cp_plans_by_sex", "cp_plans_by_category", "cla_by_placement"):
        assert measure(mid).dimension_values, mid
