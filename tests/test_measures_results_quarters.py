"""Stored measure results are invalidated per quarter: a load recomputes only the quarters its
changed rows can reach (`measures/results.py`, `Store.reach_fingerprints`).

Fixture (synthetic): authority 999's CIN census for April 2021 - March 2022 holds four
referrals: child A on 12 April 2021 (2021-Q1), child B on 6 July 2021 (2021-Q2), child C on
5 October 2021 (2021-Q3) and child B again on 10 January 2022 (2021-Q4). Its ONS 0-17
population is 50,000 for mid-2020 and mid-2021.

Worked by hand:
- `referrals` is 1 in each of 2021-Q1 to 2021-Q4;
- a row about a child reaches every quarter ending on or after the child's first dated record:
  A's rows from 2021-Q1, B's from 2021-Q2, C's from 2021-Q3; a new child D first referred on
  3 May 2022 reaches 2022-Q1 only; the population (reference data) reaches every quarter;
- a new quarter (April - June 2022, D's referral) leaves every stored 2021 result as it was
  (same `computed_at`) and adds 2022-Q1, where `referrals` is 1;
- resubmitting the 2021 return with B's July referral from another source changes B's rows:
  2021-Q1 (A only) is kept, 2021-Q2 to 2021-Q4 are recomputed (B's re-referral in 2021-Q4 looks
  back to July); `referrals` is still 1 in each;
- resubmitting the 2021 return with one more child, E, referred on 2 November 2021 (2021-Q3)
  and never before: 2021-Q1 and 2021-Q2 are kept, 2021-Q3 and 2021-Q4 recomputed (E's rows reach
  every window ending on or after 2 November: the rolling 12 months of 2021-Q4 hold them);
  `referrals` becomes 1, 1, 2, 1 and the rate 0.2, 0.4, 0.8, 1.0 (4 and 5 referrals by the end
  of 2021-Q3 and 2021-Q4);
- `referrals_rate_per_10000` counts the 12 months to the quarter's end (here, as the data
  starts in April 2021, the financial year to date): 1, 2, 3 and 4 referrals by the
  end of 2021-Q1 to 2021-Q4, so 0.2, 0.4, 0.6 and 0.8 per 10,000 of 50,000 (1 / 50,000 x
  10,000 = 0.2); a new population of 40,000 changes it in every quarter (0.25, 0.5, 0.75 and
  1.0) and changes no count.
Every value read after a change equals a full recompute (`run.counted_rows`).

Reportability by DfE rule faults (the episodes of test_quality_reportability, authority 371):
A and B start care in January 2024 (2023-Q4) and leave in February with no REC (rule 148), C
with one; `cla_ceases_quarter` in 2023-Q4 is not reportable, "148 x 2". A later return brings D,
starting care on 1 May 2024 (2024-Q1), also without a REC once it ends on 10 June: the stored
2023 quarters are kept (D's rows and fault reach from 2024-Q1), 2024-Q1 is computed (1 of 1
episodes faulty: not reportable, "148 x 1"), the faults read from the snapshot the load kept
(no rule runs for the read), and status and reason equal a full recompute's.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from conftest import canonical

from csc_scorecard.measures.context import Settings
from csc_scorecard.measures.results import RESULTS_TABLE, stored_results
from csc_scorecard.measures.run import counted_rows
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.model.periods import Quarter
from csc_scorecard.quality import history
from csc_scorecard.quality.fixtures import batch
from csc_scorecard.store import Store

MEASURES = ["referrals", "rereferrals_within_12_months", "referrals_rate_per_10000"]
YEAR = [Quarter.parse(f"2021-Q{q}") for q in (1, 2, 3, 4)]
NEW = Quarter.parse("2022-Q1")


def cin_load(
    referrals: list[tuple[str, date, str]], start: date, end: date, fmt: str = "cin_census"
) -> LoadBatch:
    rows = canonical(
        "referrals",
        child_id=[c for c, _, _ in referrals],
        referral_date=[d for _, d, _ in referrals],
        referral_source=[s for _, _, s in referrals],
    )
    return LoadBatch(fmt, "999", start, end, [f"{fmt}.xml"], {"referrals": rows})


def year_return(b_source: str = "6", more: tuple = ()) -> LoadBatch:
    return cin_load(
        [
            ("A", date(2021, 4, 12), "6"),
            ("B", date(2021, 7, 6), b_source),
            ("C", date(2021, 10, 5), "6"),
            ("B", date(2022, 1, 10), "6"),
            *more,
        ],
        date(2021, 4, 1),
        date(2022, 3, 31),
    )


def population(size: int) -> LoadBatch:
    rows = canonical(
        "population",
        mid_year=[2020, 2021],
        age_band=["0-17", "0-17"],
        population=[size, size],
        basis=["census2021_rebased"] * 2,
        source=["fixture"] * 2,
    ).append_column("la_code", pa.array(["999", "999"]))
    return LoadBatch("reference:population", None, None, None, ["pop.csv"], {"population": rows})


def stamps(store: Store) -> dict[tuple[str, str], object]:
    """(measure, period) -> computed_at of the stored headline rows."""
    rows = store.con.execute(
        f"SELECT measure, period, computed_at FROM {RESULTS_TABLE} WHERE dimension IS NULL"
    ).fetchall()
    return {(m, p): at for m, p, at in rows}


def read(store: Store, quarters: list[Quarter]) -> list[dict]:
    return stored_results(store, ["999"], quarters, MEASURES, Settings())


def full(store: Store, quarters: list[Quarter]) -> list[dict]:
    """The same rows computed afresh, nothing stored."""
    rows = counted_rows(store, ["999"], quarters, MEASURES, Settings())
    keep = ("la_code", "measure", "period", "dimension", "value", "numerator", "denominator")
    return sorted(({k: r[k] for k in keep} for r in rows), key=str)


def same(rows: list[dict]) -> list[dict]:
    keep = ("la_code", "measure", "period", "dimension", "value", "numerator", "denominator")
    return sorted(({k: r[k] for k in keep} for r in rows), key=str)


def headline(rows: list[dict], measure: str, q: Quarter) -> float:
    return next(
        r["value"]
        for r in rows
        if r["measure"] == measure and r["period"] == str(q) and r["dimension"] is None
    )


@pytest.fixture
def loaded(store: Store) -> Store:
    store.load([population(50_000), year_return()])
    rows = read(store, YEAR)
    assert [headline(rows, "referrals", q) for q in YEAR] == [1, 1, 1, 1]
    assert [headline(rows, "referrals_rate_per_10000", q) for q in YEAR] == pytest.approx(
        [0.2, 0.4, 0.6, 0.8]
    )
    return store


def test_a_new_quarter_keeps_every_quarter_it_cannot_reach(loaded: Store) -> None:
    before = stamps(loaded)
    assert len(before) == len(MEASURES) * len(YEAR)
    # A quarter's extract (the format the England benchmark loads a new quarter in).
    quarter = [("D", date(2022, 5, 3), "6")]
    loaded.load([cin_load(quarter, date(2022, 4, 1), date(2022, 6, 30), "synthetic_quarter")])
    rows = read(loaded, [*YEAR, NEW])
    after = stamps(loaded)
    assert {k: after[k] for k in before} == before  # not one 2021 result recomputed
    assert set(after) - set(before) == {(m, str(NEW)) for m in MEASURES}
    assert headline(rows, "referrals", NEW) == 1
    assert same(rows) == full(loaded, [*YEAR, NEW])


def test_a_replacing_load_recomputes_the_quarters_its_changed_rows_reach(loaded: Store) -> None:
    before = stamps(loaded)
    loaded.load([year_return(b_source="1")])  # rule 1: replaces the 2021 return
    rows = read(loaded, YEAR)
    after = stamps(loaded)
    for m in MEASURES:
        assert after[(m, "2021-Q1")] == before[(m, "2021-Q1")]  # A's quarter: kept
        for q in ("2021-Q2", "2021-Q3", "2021-Q4"):  # from B's first referral on
            assert after[(m, q)] > before[(m, q)]
    assert [headline(rows, "referrals", q) for q in YEAR] == [1, 1, 1, 1]
    assert same(rows) == full(loaded, YEAR)


def test_a_child_added_in_one_quarter_recomputes_the_windows_holding_it(loaded: Store) -> None:
    before = stamps(loaded)
    loaded.load([year_return(more=(("E", date(2021, 11, 2), "6"),))])
    rows = read(loaded, YEAR)
    after = stamps(loaded)
    for m in MEASURES:
        for q in ("2021-Q1", "2021-Q2"):  # before E's first record: kept
            assert after[(m, q)] == before[(m, q)]
        for q in ("2021-Q3", "2021-Q4"):  # windows ending on or after it: recomputed
            assert after[(m, q)] > before[(m, q)]
    assert [headline(rows, "referrals", q) for q in YEAR] == [1, 1, 2, 1]
    assert [headline(rows, "referrals_rate_per_10000", q) for q in YEAR] == pytest.approx(
        [0.2, 0.4, 0.8, 1.0]
    )
    assert same(rows) == full(loaded, YEAR)


def test_a_reference_change_recomputes_what_it_feeds_only(loaded: Store) -> None:
    before = stamps(loaded)
    loaded.load([population(40_000)])
    rows = read(loaded, YEAR)
    after = stamps(loaded)
    for q in YEAR:
        assert (
            after[("referrals_rate_per_10000", str(q))]
            > before[("referrals_rate_per_10000", str(q))]
        )
        assert after[("referrals", str(q))] == before[("referrals", str(q))]
        assert (
            after[("rereferrals_within_12_months", str(q))]
            == before[("rereferrals_within_12_months", str(q))]
        )
    assert [headline(rows, "referrals_rate_per_10000", q) for q in YEAR] == pytest.approx(
        [0.25, 0.5, 0.75, 1.0]
    )
    assert same(rows) == full(loaded, YEAR)


def test_a_read_with_nothing_changed_takes_no_period_fingerprint(
    loaded: Store, monkeypatch
) -> None:
    """The authority's fingerprints are unchanged: every stored period is current without
    bucketing a row by reach."""
    before = stamps(loaded)
    calls = []
    monkeypatch.setattr(Store, "reach_fingerprints", lambda *a, **k: calls.append(a))
    rows = read(loaded, YEAR)
    assert calls == [] and stamps(loaded) == before
    assert same(rows) == full(loaded, YEAR)


FAULTY = ["cla_ceases_quarter"]
LATER = [Quarter.parse(q) for q in ("2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1")]


def _status(rows: list[dict]) -> list[tuple]:
    return sorted(
        (r["measure"], r["period"], str(r["dimension"]), r["value"], r["status"], r["reason"])
        for r in rows
    )


def test_dfe_rule_faults_reach_as_their_child_and_are_read_from_the_snapshot(
    store: Store, monkeypatch
) -> None:
    from tests.test_quality_reportability import ep

    store.load([batch({"cla_episodes": [ep("A", None), ep("B", None), ep("C", "E4A")]})])
    history.record(store.con, ["371"])  # as `scorecard ingest` does
    rows = stored_results(store, ["371"], LATER[:4], FAULTY, Settings())
    [q4] = [r for r in rows if r["period"] == "2023-Q4" and r["dimension"] is None]
    assert (q4["status"], q4["reason"]) == (
        "not_reportable",
        "DfE rule faults on 67% of cla episodes in the period (2 of 3 rows): 148 x 2",
    )
    before = stamps(store)
    d = {**ep("D", None), "decom": date(2024, 5, 1), "dec": date(2024, 6, 10)}
    store.load([batch({"cla_episodes": [d]}, year=2025)])
    history.record(store.con, ["371"])
    runs = []
    real = history.run_rules
    monkeypatch.setattr(history, "run_rules", lambda *a, **k: runs.append(k) or real(*a, **k))
    rows = stored_results(store, ["371"], LATER, FAULTY, Settings())
    assert runs == []  # the faults came from the snapshot the load kept
    after = stamps(store)
    assert {k: after[k] for k in before} == before  # no 2023 quarter recomputed
    [new] = [r for r in rows if r["period"] == "2024-Q1" and r["dimension"] is None]
    assert (new["status"], new["reason"]) == (
        "not_reportable",
        "DfE rule faults on 100% of cla episodes in the period (1 of 1 rows): 148 x 1",
    )
    assert _status(rows) == _status(counted_rows(store, ["371"], LATER, FAULTY, Settings()))
