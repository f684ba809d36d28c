"""The placement projection: fitting worked by hand, deterministic simulation, and the
comparison with `cs-demand-model` on that package's own sample.

Fixture (authority 999, fitted at 31 March 2022 on the 365 days from 1 April 2021; age bands
under 1, 1-4, 5-9, 10-15, 16-17; a band boundary is the date of birth plus round(years x 365.25)):

  A  born 1 Jan 2010 (band 10-15). Fostered in-house (U4, PR1) from 1 Jan 2020; moved to a
     children's home (K2, PR4) on 1 Jul 2021 (REC X1, same-day episode), still there.
     In the window: 91 nights in-house fostering, 274 residential; one move fostering -> residential.
  B  born 15 Jun 2004. Entered care in semi-independent living (H5) on 1 May 2021, aged 16.9:
     one entry (16-17, supported); 335 nights; still there. Reaches 18 on 14 Jun 2022 by the
     model's clock (6,574 days).
  C  born 1 Sep 2019 (band 1-4 throughout). Agency fostering (U6, PR4) from 10 Jan 2021 (before
     the window, so not an entry) to 10 Oct 2021 (REC E11): 192 nights, one exit.
  D  a short break (LS V3) from 1 Jun 2021: left out entirely.
  E  born 20 Nov 2003. In-house fostering from 1 Jan 2019 until his 18th birthday, 20 Nov 2021:
     232 nights in band 16-17 (to the model's 18th birthday, 19 Nov), and an exit at 18, which
     is not fitted (the simulation ends care at 18 itself).
  F  born 3 Mar 2012. Placed with parents (P1) from 1 Jun 2021 to 1 Sep 2021, and again (P1)
     from 15 Aug 2021, still open: the overlap is cut, the two episodes join into one spell.
     One entry (5-9, with parents); 275 nights aged 5-9 and 29 nights aged 10 (from 3 Mar 2022).

Looked after at 31 March 2022: A (residential), B (supported), F (with parents).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from csc_scorecard.forecast.placement_model import fit
from csc_scorecard.forecast.projection import project
from csc_scorecard.forecast.projection_settings import ProjectionSettings, projection_settings
from csc_scorecard.forecast.simulation import projection_dates, simulate
from csc_scorecard.model.batch import LoadBatch
from tests.conftest import PEER_FIXTURES, canonical

LA = "999"
D = date
CFG = projection_settings()
G = {g: i for i, g in enumerate(CFG.group_ids)}
B = {"under 1": 0, "1-4": 1, "5-9": 2, "10-15": 3, "16-17": 4}


@pytest.fixture
def fixture_store(store):
    eps = [  # child, decom, rne, ls, place, provider, dec, rec
        ("A", D(2020, 1, 1), "S", "C2", "U4", "PR1", D(2021, 7, 1), "X1"),
        ("A", D(2021, 7, 1), "P", "C2", "K2", "PR4", None, None),
        ("B", D(2021, 5, 1), "S", "V2", "H5", "PR4", None, None),
        ("C", D(2021, 1, 10), "S", "C1", "U6", "PR4", D(2021, 10, 10), "E11"),
        ("D", D(2021, 6, 1), "S", "V3", "U4", "PR1", None, None),
        ("E", D(2019, 1, 1), "S", "C2", "U4", "PR1", D(2021, 11, 20), "E8"),
        ("F", D(2021, 6, 1), "S", "C1", "P1", "PR0", D(2021, 9, 1), "E13"),
        ("F", D(2021, 8, 15), "S", "C1", "P1", "PR0", None, None),
    ]
    cols = list(zip(*eps, strict=True))
    tables = {
        "cla_episodes": canonical(
            "cla_episodes",
            child_id=list(cols[0]),
            decom=list(cols[1]),
            rne=list(cols[2]),
            ls=list(cols[3]),
            place=list(cols[4]),
            place_provider=list(cols[5]),
            dec=list(cols[6]),
            rec=list(cols[7]),
        ),
        "children": canonical(
            "children",
            child_id=list("ABCDEF"),
            date_of_birth=[
                D(2010, 1, 1),
                D(2004, 6, 15),
                D(2019, 9, 1),
                D(2012, 1, 1),
                D(2003, 11, 20),
                D(2012, 3, 3),
            ],
        ),
    }
    store.load([LoadBatch("fixture", LA, None, None, ["fixture"], tables=tables)])
    return store


def test_fit_worked_by_hand(fixture_store):
    m = fit(fixture_store, LA, D(2022, 3, 31))
    assert m.fit_from == D(2021, 4, 1)
    expected_exposure = {
        ("10-15", "fostering_in_house"): 91,
        ("10-15", "residential"): 274,
        ("16-17", "supported"): 335,
        ("1-4", "fostering_external"): 192,
        ("16-17", "fostering_in_house"): 232,
        ("5-9", "with_parents"): 275,
        ("10-15", "with_parents"): 29,
    }
    want = np.zeros_like(m.exposure)
    for (b, g), n in expected_exposure.items():
        want[B[b], G[g]] = n
    np.testing.assert_array_equal(m.exposure, want)
    assert m.events.sum() == 2
    assert m.events[B["10-15"], G["fostering_in_house"], G["residential"]] == 1
    assert (
        m.events[B["1-4"], G["fostering_external"], len(G)] == 1
    )  # the last column is "left care"
    assert m.aged_out == 1
    assert m.entries.sum() == 2
    assert (
        m.entries[B["16-17"], G["supported"]] == 1 and m.entries[B["5-9"], G["with_parents"]] == 1
    )
    assert sorted(CFG.group_ids[g] for g in m.stock_group) == [
        "residential",
        "supported",
        "with_parents",
    ]
    # Posterior mean hazard for the one exit: (1 + 180 x pooled) / (192 + 180), pooled = 1/192.
    assert m.hazards()[B["1-4"], G["fostering_external"], len(G)] == pytest.approx(
        (1 + 180 / 192) / (192 + 180)
    )


def test_simulation_without_entries_keeps_the_stock_until_eighteen(fixture_store):
    m = fit(fixture_store, LA, D(2022, 3, 31))
    dates = projection_dates(m.at, 4)  # 30 April ... 31 July 2022
    counts = simulate(m, dates, simulations=50, seed=1, entries_factor=0.0)
    # Nobody in the residential, supported or with-parents groups left or moved in the window,
    # so their hazards are nought; B reaches 18 (by the model's clock) on 14 June 2022.
    assert (counts.sum(axis=2) == [3, 3, 2, 2]).all()
    assert (counts[:, :, G["supported"]] == [1, 1, 0, 0]).all()


def test_projection_is_deterministic_for_a_seed(fixture_store):
    a = project(fixture_store, LA, D(2022, 3, 31), 12, simulations=80, seed=7)
    b = project(fixture_store, LA, D(2022, 3, 31), 12, simulations=80, seed=7)
    c = project(fixture_store, LA, D(2022, 3, 31), 12, simulations=80, seed=8)
    assert a == b
    assert a.points != c.points
    assert a.start_counts["residential"] == 1 and sum(a.start_counts.values()) == 3
    final = a.final()
    assert final.low <= final.median <= final.high
    assert a.scenario == "base" and a.simulations == 80
    # entries of about two a year keep adding children: the mean grows over the year
    assert a.final().mean > a.at(projection_dates(a.start, 1)[0]).mean


def test_scenario_entries_factor_raises_the_projection(fixture_store):
    base = project(fixture_store, LA, D(2022, 3, 31), 12, simulations=200, seed=3)
    high = project(
        fixture_store, LA, D(2022, 3, 31), 12, scenario="high_demand", simulations=200, seed=3
    )
    assert high.scenario == "high_demand"
    assert high.final().mean > base.final().mean


def test_projection_dates():
    assert projection_dates(D(2022, 2, 28), 2) == [D(2022, 3, 31), D(2022, 4, 30)]
    assert projection_dates(D(2022, 1, 15), 2) == [D(2022, 2, 15), D(2022, 3, 15)]


# --------------------------------------------------------------------------- cs-demand-model

# cs-demand-model 0.5.1 on its own sample (`sample://v1.zip`, the five 903 extracts in
# shared/data/peer-fixtures/cs-demand-model-sample-v1), run in a throwaway venv:
#   python -m venv /tmp/cdm-venv && /tmp/cdm-venv/bin/pip install cs-demand-model==0.5.1
#   /tmp/cdm-venv/bin/python -m cs_demand_model predict <sample folder>
# (reference window 27 Sep 2021 - 27 Mar 2022, prediction to 27 Mar 2023; totals by placement
# category summed over age bins, its NOT_IN_CARE state left out). See docs/finance.md.
CDM_START = {"fostering": 55, "residential": 12, "supported": 9, "other": 10}
CDM_AT_365 = {"fostering": 29.1, "residential": 11.0, "supported": 5.8, "other": 5.5}

LIKE_FOR_LIKE = ProjectionSettings.model_validate(
    {
        **CFG.model_dump(),
        "groups": [  # cs-demand-model's standard-v1 categories
            {
                "id": "fostering",
                "name": "Fostering",
                "places": ["U1", "U2", "U3", "U4", "U5", "U6"],
            },
            {"id": "residential", "name": "Residential", "places": ["K2", "R1"]},
            {"id": "supported", "name": "Supported", "places": ["H5", "P2"]},
        ],
        "other": {"id": "other", "name": "Other"},
        "short_breaks": [],  # it keeps V3/V4 episodes
        "fit_days": 182,  # its default reference window: six months
    }
)


@pytest.fixture(scope="module")
def cdm_sample(tmp_path_factory):
    from csc_scorecard.ingest.run import ingest
    from csc_scorecard.store import Store

    folder = PEER_FIXTURES / "cs-demand-model-sample-v1"
    if not folder.exists():
        pytest.skip("peer fixtures not available")
    with Store(tmp_path_factory.mktemp("cdm") / "s.duckdb") as s:
        ingest(s, [Path(folder)], la_code=LA)
        yield s


def test_side_by_side_with_cs_demand_model(cdm_sample):
    start = D(2022, 3, 27)  # the sample's last date, where cs-demand-model starts
    ours = project(cdm_sample, LA, start, 12, settings=LIKE_FOR_LIKE, simulations=400, seed=0)
    assert ours.start_counts == CDM_START  # the same children looked after on the same day
    final = ours.final()
    assert final.date == D(2023, 3, 27)  # +365 days
    theirs = sum(CDM_AT_365.values())
    assert theirs == pytest.approx(51.4)
    # Both models see an ageing cohort with almost no entrants shrink by a third to a half; ours
    # ends every placement at 18, theirs has no leaving age, so ours is lower (mostly 16+).
    assert final.mean == pytest.approx(44.7, abs=0.5)
    assert final.low <= theirs <= final.high
    assert ours.final("supported").mean < CDM_AT_365["supported"]
    assert ours.final("fostering").mean == pytest.approx(CDM_AT_365["fostering"], rel=0.2)
    assert ours.final("residential").mean == pytest.approx(CDM_AT_365["residential"], rel=0.2)


def test_own_settings_on_the_cs_demand_model_sample(cdm_sample):
    ours = project(cdm_sample, LA, D(2022, 3, 27), 12, simulations=400, seed=0)
    assert sum(ours.start_counts.values()) == 75  # eleven short breaks (V3/V4) left out
    assert ours.final().mean == pytest.approx(44.7, abs=0.5)
