"""A synthetic England's postcodes and URNs (`synth.england_places`): real postcodes of the ONS
Postcode Directory inside the authority (HOME_POST) or inside it or a neighbour as PL_LOCATION
says (PL_POST), Ofsted-style URNs where the placement type has one, drawn apart from every other
value, so the DfE rules on postcodes and URNs flag what a real return would (none of them here)
rather than every episode (docs/benchmarks.md: 169, 392a and 392b flagged all 72,304 episodes of
six authorities before)."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc
import pytest

from csc_scorecard.quality.rules import rules
from csc_scorecard.quality.runner import run_rules
from csc_scorecard.store import Store
from csc_scorecard.synth import england, england_places
from csc_scorecard.synth.published import authorities

SPAN = england.Span(2021, 2022)  # history from 1 April 2020, 2021/22 and 2022/23 complete
# The postcode and URN rules, and those reading HOME_POST, PL_POST or URN with the placement.
RULES = ("164", "169", "179", "218", "392a", "392b", "392c", "392d", "406", "411", "420", "1015")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("england") / "places.duckdb"
    with Store(path) as db:
        england.write_store(db, ["372", "805"], SPAN, seed=5)
        yield db


@pytest.fixture(scope="module")
def episodes(store):
    return store.con.sql("SELECT * FROM cla_episodes").to_arrow_table()


def test_rotherhams_nearest_authorities_are_its_south_yorkshire_neighbours():
    """By the mean grid reference of each authority's postcodes: Sheffield (373), Barnsley
    (370) and Doncaster (371) border Rotherham (372) and are the nearest three."""
    assert england_places.neighbours("372")[:3] == ["373", "370", "371"]
    assert len(england_places.neighbours("372")) == england_places.NEAR


def test_every_episode_has_postcodes_of_its_area_and_one_home_a_child(store, episodes):
    places = england_places.Places(["372", "805"])
    for la in ("372", "805"):
        mine = episodes.filter(pc.equal(episodes["la_code"], la))
        rows = mine.to_pylist()
        own = set(places.pool(la).tolist())
        near = set().union(*(places.pool(n).tolist() for n in england_places.neighbours(la)))
        homes = {}
        for e in rows:
            assert e["home_post"] in own
            assert homes.setdefault(e["child_id"], e["home_post"]) == e["home_post"]
            if e["pl_location"] == "IN":
                assert e["pl_post"] in own
            else:
                assert e["pl_post"] in near and e["pl_post"] not in own
            if e["place"] != "P1":
                assert e["pl_post"] != e["home_post"]
        placed_with_parents = [e for e in rows if e["place"] == "P1" and e["pl_location"] == "IN"]
        assert placed_with_parents
        assert sum(e["pl_post"] == e["home_post"] for e in placed_with_parents) > 0.9 * len(
            placed_with_parents
        )


def test_urns_follow_the_placement_type_and_area(episodes):
    """Foster care by the authority: its fostering service, SC<la>000; an agency (U6): one of
    the placement area's agencies SC<area>901-905; a children's home (K2): the home's
    SC<area>001-040; placed with parents (P1) and semi-independent living (H5, before Ofsted
    registered it in October 2023: every episode here ends by 31 March 2023) none."""
    places = england_places.Places(["372", "805"])
    for e in episodes.to_pylist():
        la, urn, place = e["la_code"], e["urn"], e["place"]
        area = {la} if e["pl_location"] == "IN" else set(england_places.neighbours(la))
        if place in ("U1", "U2", "U3", "U4", "U5"):
            assert urn == f"SC{la}000"
        elif place == "U6":
            assert urn[:5] in {f"SC{a}" for a in area} and 901 <= int(urn[5:]) <= 905
        elif place == "K2":
            home = int(urn[5:])
            assert urn[:5] in {f"SC{a}" for a in area} and 1 <= home <= england_places.HOMES
            assert places.homes(urn[2:5], 5)[home - 1] == e["pl_post"]
        else:
            assert place in ("P1", "H5") and urn is None


def test_the_postcode_and_urn_rules_find_nothing(store):
    chosen = [r for r in rules() if r.code in RULES]
    assert {r.code for r in chosen} == set(RULES)
    result = run_rules(store.con, only=chosen, multi_year=True)
    assert {r.code for r in result.rules_run} == set(RULES)
    assert result.faults.num_rows == 0


def test_postcodes_are_drawn_apart_from_every_other_value(monkeypatch):
    """The same authority simulated without the postcode draws (assign stubbed to blanks) has
    every other value identical, so the published-figure calibration is untouched."""
    a = authorities(SPAN.first_year, SPAN.last_year)["805"]
    with_places = england.simulate(a, SPAN, seed=3)

    def blank(places, la_code, seed, episodes, extract):
        n = len(episodes["child_id"])
        none = np.full(n, None, dtype=object)
        return england_places.Placed(home_post=none, pl_post=none, urn=none)

    monkeypatch.setattr(england, "assign", blank)
    without = england.simulate(a, SPAN, seed=3)
    for name in england.TABLES:
        kept = [
            c for c in with_places[name].column_names if c not in ("home_post", "pl_post", "urn")
        ]
        assert with_places[name].select(kept).equals(without[name].select(kept)), name
    assert with_places["cla_episodes"].column("pl_post").null_count == 0
    assert without["cla_episodes"].column("pl_post").null_count == without["cla_episodes"].num_rows


def test_cumbria_is_placed_in_its_successors_area_and_they_are_not_its_neighbours():
    """Cumbria (909) was split into Cumberland (942) and Westmorland and Furness (943) in
    April 2023; the directory gives its old area under their codes, which are its own area
    (`postcodes.SPLIT`), so they are no neighbour of it, nor it of them."""
    places = england_places.Places(["909", "942", "943"])
    assert set(places.pool("909")) == set(places.pool("942")) | set(places.pool("943"))
    assert not {"942", "943"} & set(england_places.neighbours("909"))
    assert "909" not in england_places.neighbours("942")


def test_an_authority_with_no_child_looked_after_is_written():
    """The Isles of Scilly (420) has no looked-after episode in 2022-23 here: nothing to place."""
    a = authorities(SPAN.first_year, SPAN.last_year)["420"]
    episodes = england.simulate(a, SPAN, seed=5)["cla_episodes"]
    assert episodes.num_rows == 0
    assert {"home_post", "pl_post", "urn"} <= set(episodes.column_names)
