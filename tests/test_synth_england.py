"""The synthetic England: authorities sized and calibrated from their published figures.

The calibration test measures the synthetic authorities with the product's own measures (the
catalogue's Ibis functions over the store, `measures.run.counted_rows`) at Q4 of each year, and
compares each with the DfE figure for that year ending 31 March (`synth.published`), which is
what the generator aimed at. Tolerances, and why:

- referrals and Section 47 enquiries per 10,000 (both over the 12 months to the quarter's end,
  DfE's full-year basis): within 10%. Counts are Poisson draws around the published count; for
  these authorities (1,000-4,000 referrals, 400-2,000 enquiries a year) two standard deviations
  are 2-6%, plus a little for enquiries dated a few days after their referral.
- children in need, on a CP plan and looked after at 31 March per 10,000: within 10%. Lengths
  are fitted year by year so the stock of episodes is the published one; what is left is a
  stock that earlier entrants alone exceed (a fall faster than exits allow) and the difference
  between episodes and distinct children.
- re-referrals within 12 months: the product measures one quarter (in_quarter), DfE a year, so
  the figure is a binomial share of one quarter's referrals: within 4 standard deviations of
  that share (sqrt(p(1-p)/n), n = the quarter's referrals) plus 2 points, and within 3 points
  on average over the years.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from csc_scorecard.measures.context import Settings
from csc_scorecard.measures.run import counted_rows
from csc_scorecard.model.periods import Quarter
from csc_scorecard.model.schema import table
from csc_scorecard.reference.load import import_reference
from csc_scorecard.store import Store
from csc_scorecard.synth import england
from csc_scorecard.synth.published import authorities

SPAN = england.Span(2016, 2021)
LAS = ["372", "805", "909"]  # Rotherham, Hartlepool, Cumbria: small to large, three regions
RATES = {
    "referrals_rate_per_10000": "referrals",
    "section47_rate_per_10000": "s47",
    "cin_rate_per_10000": "cin",
    "cp_rate_per_10000": "cp",
    "cla_rate_per_10000": "cla",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("england") / "england.duckdb"
    with Store(path) as db:
        import_reference(db)
        written = england.write_store(db, LAS, SPAN, seed=7)
        assert set(written) == set(LAS) and all(n > 10_000 for n in written.values())
        yield db


@pytest.fixture(scope="module")
def measured(store):
    quarters = [Quarter(fy, 4) for fy in SPAN.years()]
    rows = counted_rows(store, LAS, quarters, [*RATES, "rereferrals_within_12_months"], Settings())
    return {(r["la_code"], r["measure"], r["period"]): r for r in rows if r["dimension"] is None}


def test_rates_land_near_the_published_rates_they_were_calibrated_to(measured):
    published = authorities(SPAN.first_year, SPAN.last_year)
    misses = []
    for la in LAS:
        for fy in range(SPAN.first_year, SPAN.last_year + 1):
            for measure, key in RATES.items():
                got = measured[(la, measure, f"{fy}-Q4")]["value"]
                want = published[la].figure(key, fy + 1)
                if abs(got / want - 1) > 0.10:
                    misses.append((la, measure, fy, round(got, 1), round(want, 1)))
    assert misses == [], misses


def test_rereferrals_land_within_the_noise_of_one_quarter(measured):
    published = authorities(SPAN.first_year, SPAN.last_year)
    for la in LAS:
        gaps = []
        for fy in range(SPAN.first_year, SPAN.last_year + 1):
            row = measured[(la, "rereferrals_within_12_months", f"{fy}-Q4")]
            p = published[la].figure("rereferrals", fy + 1)
            sd = 100 * np.sqrt(p / 100 * (1 - p / 100) / row["denominator"])
            assert abs(row["value"] - p) <= 4 * sd + 2, (la, fy, row["value"], p)
            gaps.append(abs(row["value"] - p))
        assert np.mean(gaps) <= 3, (la, gaps)


def test_each_authority_is_one_load_over_the_span_with_unique_keys(store):
    loads = store.con.execute(
        "SELECT la_code, source_format, period_start, period_end FROM loads ORDER BY la_code"
    ).fetchall()
    mine = [r for r in loads if r[1] == england.SOURCE_FORMAT]
    assert mine == [(la, england.SOURCE_FORMAT, date(2015, 4, 1), date(2022, 3, 31)) for la in LAS]
    for name in england.TABLES:
        key = ", ".join(f'"{k}"' for k in table(name).full_key)
        dupes = store.con.execute(
            f'SELECT count(*) FROM (SELECT {key} FROM "{name}" GROUP BY ALL HAVING count(*) > 1)'
        ).fetchall()[0][0]
        assert dupes == 0, name
    # Nothing is dated after the extract: the last day of the last year.
    late = store.con.execute(
        "SELECT count(*) FROM referrals WHERE referral_date > DATE '2022-03-31' "
        "OR closure_date > DATE '2022-03-31'"
    ).fetchall()[0][0]
    assert late == 0


def test_a_store_already_holding_an_authority_is_refused_and_left_as_it_was(store):
    before = store.con.execute("SELECT count(*) FROM referrals").fetchall()[0][0]
    with pytest.raises(ValueError, match="already holds LA 372"):
        england.write_store(store, ["372", "373"], SPAN)
    assert store.con.execute("SELECT count(*) FROM referrals").fetchall()[0][0] == before
    assert "373" not in store.authorities()


def test_reorganised_authorities_are_refused_by_name():
    with pytest.raises(ValueError, match="LA 940"):
        england.write_store(Store(":memory:"), ["940"], SPAN)


def test_same_seed_same_authority():
    a = authorities(SPAN.first_year, SPAN.last_year)["805"]
    first, second = england.simulate(a, SPAN, seed=3), england.simulate(a, SPAN, seed=3)
    assert all(first[n].equals(second[n]) for n in england.TABLES)
    assert not first["referrals"].equals(england.simulate(a, SPAN, seed=4)["referrals"])


def test_like_scales_the_doncaster_calibration_by_the_published_ratios():
    """Rotherham (372) against Doncaster (371), DfE years 2022-2023 (simulated 2021-2022):
    size = Rotherham's mid-2022 0-17 population / the calibration's 67,000 children; every
    scaled figure is the shipped one times the mean ratio of the two authorities' figures."""
    from csc_scorecard.synth import calibration
    from csc_scorecard.synth.like import like

    base = calibration.load()
    shaped, size = like(base, "372", 2021, 2022)
    known = authorities(2021, 2022)
    rother, doncaster = known["372"], known["371"]

    def ratio(key):
        return np.mean([rother.figure(key, y) / doncaster.figure(key, y) for y in (2022, 2023)])

    assert size == pytest.approx(rother.population[2022] / 67_000)
    assert shaped.front_door.referrals_per_year == pytest.approx(
        base.front_door.referrals_per_year * ratio("referrals")
    )
    assert shaped.pathway.first["cp"] == pytest.approx(base.pathway.first["cp"] * ratio("cp"))
    assert shaped.pathway.first["care"] == pytest.approx(base.pathway.first["care"] * ratio("cla"))
    assert shaped.pathway.first["nfa"] == base.pathway.first["nfa"]
    per_referral = ratio("s47") / ratio("referrals")
    assert shaped.pathway.s47_share["cin"] == pytest.approx(
        base.pathway.s47_share["cin"] * per_referral
    )
    assert shaped.pathway.s47_share["cp"] == 1.0  # a share, never above one
    assert base.front_door.referrals_per_year == 4800  # the shipped calibration is untouched


def test_synth_command_refuses_bad_authorities_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from csc_scorecard.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["synth", "--like", "940", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "reorganised authorities are left out" in result.output
    result = runner.invoke(app, ["synth", "--england", "--la", "37x", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "3-digit DfE LA numbers" in result.output
    assert not (tmp_path / "x").exists()


def test_synth_england_command_writes_a_store_the_measures_read(tmp_path):
    from typer.testing import CliRunner

    from csc_scorecard.cli import app

    result = CliRunner().invoke(
        app, ["synth", "--england", "--la", "805", "--years", "2021-2021", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "Synthetic England: 1 authorities" in result.output
    with Store(tmp_path / "scorecard.duckdb", read_only=True) as db:
        assert db.authorities() == ["805"]
        assert db.coverage("805") == (date(2020, 4, 1), date(2022, 3, 31))
        rows = counted_rows(db, ["805"], [Quarter(2021, 4)], ["cla_rate_per_10000"], Settings())
    want = authorities(2021, 2021)["805"].figure("cla", 2022)
    assert rows[0]["value"] == pytest.approx(want, rel=0.1)
