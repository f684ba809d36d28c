"""The children's homes pipeline: slippage, changes since the last quarter, and the sentences.

Register snapshots for authority 999 (beds; status; planned opening), worked by hand:

  home           31 Dec 2021                 31 Mar 2022                 30 Jun 2022
  H1 Skylarks    4; proposed; Jul 2022        approved; Jul 2022          purchased; Oct 2022, no manager
  H2 Cambourne   -                            2; proposed; Nov 2022;      approved; Mar 2023;
                                              works £120,000              works £150,000
  H3 Tickhill    4; proposed; Dec 2022        proposed; Dec 2022          withdrawn
  H4 Willow      3; registering; Apr 2022     registering; Apr 2022       open since 1 May 2022
  H5 Askern      -                            -                           6; approved; Dec 2022

For 2022-Q1 (30 June 2022) against the last quarter (31 March 2022):
  in development H1, H2, H5: 3 homes, 4 + 2 + 6 = 12 new places; 4 places withdrawn (H3);
  slippage against the first plan: H1 3 months (Jul -> Oct), H2 4 months (Nov -> Mar), H5 none;
  changes: H1 approved -> purchased and opening Jul -> Oct; H2 proposed -> approved, opening
  Nov -> Mar, works £120,000 -> £150,000; H3 proposed -> withdrawn; H4 registering -> open;
  H5 added. No home in development has a registered manager.
"""

from __future__ import annotations

from datetime import date

import pytest

from csc_scorecard.forecast.pipeline import homes_pipeline
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.report.sections.finance.pipeline_paragraphs import pipeline_paragraphs
from tests.conftest import canonical

LA = "999"
D = date
Q4, Q1, Q0 = D(2021, 12, 31), D(2022, 3, 31), D(2022, 6, 30)

ROWS = [  # home, as_at, name, beds, status, planned, actual, works, manager, risks
    ("H1", Q4, "Skylarks", 4, "proposed", D(2022, 7, 1), None, None, False, None),
    ("H1", Q1, "Skylarks", 4, "approved", D(2022, 7, 1), None, None, False, None),
    ("H1", Q0, "Skylarks", 4, "purchased", D(2022, 10, 1), None, None, False, "Planning approved"),
    ("H2", Q1, "Cambourne Close", 2, "proposed", D(2022, 11, 1), None, 120_000.0, None, None),
    ("H2", Q0, "Cambourne Close", 2, "approved", D(2023, 3, 1), None, 150_000.0, None, None),
    ("H3", Q4, "Tickhill Sq", 4, "proposed", D(2022, 12, 1), None, None, None, None),
    ("H3", Q1, "Tickhill Sq", 4, "proposed", D(2022, 12, 1), None, None, None, None),
    ("H3", Q0, "Tickhill Sq", 4, "withdrawn", D(2022, 12, 1), None, None, None, "Cost of works"),
    ("H4", Q4, "Willow Lodge", 3, "registering", D(2022, 4, 1), None, None, True, None),
    ("H4", Q1, "Willow Lodge", 3, "registering", D(2022, 4, 1), None, None, True, None),
    ("H4", Q0, "Willow Lodge", 3, "open", D(2022, 4, 1), D(2022, 5, 1), None, True, None),
    ("H5", Q0, "Askern Court", 6, "approved", D(2022, 12, 1), None, None, None, None),
]


@pytest.fixture
def pipeline_store(store):
    c = list(zip(*ROWS, strict=True))
    table = canonical(
        "homes_pipeline",
        home_id=list(c[0]),
        as_at_date=list(c[1]),
        name=list(c[2]),
        beds=list(c[3]),
        status=list(c[4]),
        planned_opening=list(c[5]),
        actual_opening=list(c[6]),
        works_cost=list(c[7]),
        manager_recruited=list(c[8]),
        risks=list(c[9]),
    )
    store.load([LoadBatch("fixture", LA, None, None, ["f"], tables={"homes_pipeline": table})])
    return store


def test_register_worked_by_hand(pipeline_store):
    p = homes_pipeline(pipeline_store, LA, Q0)
    assert (p.as_at, p.previous_as_at) == (Q0, Q1)
    assert (p.homes_in_development, p.new_places, p.withdrawn_places) == (3, 12, 4)
    assert (p.opened_since_last_quarter, p.managers_to_recruit) == (1, 3)
    homes = {h.home_id: h for h in p.homes}
    assert homes["H1"].slippage_months == 3 and homes["H1"].moved_since_last_quarter_months == 3
    assert homes["H2"].slippage_months == 4 and homes["H2"].first_planned_opening == D(2022, 11, 1)
    assert homes["H5"].slippage_months == 0 and homes["H5"].moved_since_last_quarter_months is None
    assert [h.home_id for h in p.homes if h.in_development] == [
        "H1",
        "H5",
        "H2",
    ]  # by planned opening
    changes = {(c.home_id, c.kind): (c.before, c.after) for c in p.changes}
    assert changes == {
        ("H1", "status"): ("approved", "purchased"),
        ("H1", "opening_moved"): ("2022-07-01", "2022-10-01"),
        ("H2", "status"): ("proposed", "approved"),
        ("H2", "opening_moved"): ("2022-11-01", "2023-03-01"),
        ("H2", "works_cost"): ("120000", "150000"),
        ("H3", "status"): ("proposed", "withdrawn"),
        ("H4", "status"): ("registering", "open"),
        ("H5", "added"): (None, "approved"),
    }


def test_register_as_it_stood_a_quarter_earlier(pipeline_store):
    p = homes_pipeline(pipeline_store, LA, D(2022, 5, 15))  # the latest snapshot on or before
    assert (p.as_at, p.previous_as_at) == (Q1, Q4)
    assert p.new_places == 4 + 2 + 4 + 3  # H1, H2, H3 and H4 all still in development
    assert homes_pipeline(pipeline_store, LA, D(2021, 1, 1)) is None


def test_sentences_mirror_paragraphs_43_and_44(pipeline_store):
    p = homes_pipeline(pipeline_store, LA, Q0)
    homes, total = pipeline_paragraphs(p)
    assert (homes.seed_paragraph, total.seed_paragraph) == (43, 44)
    bullets = [b.text for b in homes.bullets]
    assert bullets[0] == (
        "Skylarks (4 beds): purchased. Expected to open in October 2022, 3 months later than "
        "first planned. Registered manager still to be appointed. Planning approved."
    )
    assert (
        "Cambourne Close (2 beds): approved. Expected to open in March 2023, 4 months later"
        in bullets[2]
    )
    assert "Works of c.£150,000 are required." in bullets[2]
    assert (
        "Askern Court (6 beds): approved. Expected to open in December 2022, as first planned."
        == bullets[1]
    )
    assert "Willow Lodge opened in May 2022, providing 3 beds." in bullets
    assert "Tickhill Sq (4 beds) has been withdrawn. Cost of works." in bullets
    assert total.text.startswith(
        "In total the homes in development provide 12 new places for children, plus an alternative "
        "to be found for 4 places from withdrawn proposals. All 3 homes in development still need a "
        "registered manager. Since 31 March 2022: Skylarks moved from approved to purchased; "
        "Skylarks's planned opening moved from July 2022 to October 2022;"
    )
    assert "the works at Cambourne Close are now estimated at £150,000" in total.text
    assert total.text.endswith("; and Askern Court was added to the register.")


def test_every_cite_points_at_its_value(pipeline_store):
    p = homes_pipeline(pipeline_store, LA, Q0)
    doc = {"pipeline": p.model_dump(mode="json")}
    for para in pipeline_paragraphs(p):
        for s in [*para.sentences, *para.bullets]:
            for c in s.cites:
                assert s.text[c.start : c.end] == c.text
                node = doc
                for part in c.ref.strip("/").split("/"):
                    node = node[int(part)] if isinstance(node, list) else node[part]
                assert node == c.value or str(node) == str(c.value)
