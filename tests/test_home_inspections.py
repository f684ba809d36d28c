"""Ofsted inspections of the authority's own children's homes: the latest judgement and when the
next inspection is due (forecast/inspections.py; SCCIF children's homes 10.1: at least one full
inspection in each inspection year, 1 April to 31 March, and at least two inspections in the year
for a home judged requires improvement or inadequate at its latest full inspection).

Worked by hand on tests/own_homes_fixture.py at 30 June 2022 (inspection year 2022 = 1 April
2022 - 31 March 2023):

  A Ash House    full 10 May 2022 requires improvement (year 2022), nothing else that year:
                 a second inspection is due by 31 March 2023 (the end of year 2022). Not overdue.
  B Birch House  full 1 Feb 2021 good (year 2020): the next full was due by 31 March 2022, the
                 end of year 2021. The 1 May 2022 monitoring visit is not an inspection. Overdue;
                 its last inspection is still the full one of 1 February 2021.
  C Cedar House  full 15 Sep 2021 good (year 2021): next full by 31 March 2023.
  D Damson House full 20 Jun 2021 inadequate, interim 10 Dec 2021 - two inspections in year
                 2021, so the next is year 2022's full, by 31 March 2023. Last inspection: the
                 interim; the judgement is the full inspection's (inadequate).
  E Elm House    first inspected 1 Aug 2022, after the date: not reported.
  F Fir House    full 20 Mar 2022 requires improvement (year 2021) and no second inspection
                 before that year ended: not carried forward, so the next is year 2022's full
                 inspection, by 31 March 2023. Not overdue.

  5 homes; good or outstanding B, C = 2; below good A, D, F = 3; overdue B = 1; of the rest the
  earliest due date is 31 March 2023, shared by A, C, D and F = 4.
"""

from __future__ import annotations

from datetime import date

import pytest
from measure_fixtures import load
from own_homes_fixture import AT, table

from csc_scorecard.forecast.inspections import (
    inspections_paragraph,
    next_inspection_due,
    own_homes,
)
from csc_scorecard.report.finance import inspections_table
from csc_scorecard.store import Store

LA = "999"


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("homes") / "s.duckdb") as s:
        load(s, {"own_homes": table()}, la_code=LA)
        yield own_homes(s, LA, AT)


def test_each_home_worked_by_hand(homes):
    got = {
        h.home_id: (h.last_inspection, h.last_inspection_type, h.judgement, h.next_due, h.overdue)
        for h in homes.homes
    }
    assert got == {
        "A": (date(2022, 5, 10), "full", "requires_improvement", date(2023, 3, 31), False),
        "B": (date(2021, 2, 1), "full", "good", date(2022, 3, 31), True),
        "C": (date(2021, 9, 15), "full", "good", date(2023, 3, 31), False),
        "D": (date(2021, 12, 10), "interim", "inadequate", date(2023, 3, 31), False),
        "F": (date(2022, 3, 20), "full", "requires_improvement", date(2023, 3, 31), False),
    }
    assert [h.next_due_kind for h in homes.homes] == ["full", "second", "full", "full", "full"]
    assert (homes.home_count, homes.good_or_better, homes.below_good, homes.overdue) == (5, 2, 3, 1)
    assert (homes.next_due, homes.due_next) == (date(2023, 3, 31), 4)


def test_the_due_rule_at_the_edges():
    ri = [(date(2022, 5, 10), "full", "requires_improvement")]
    # on the due date a home is not yet overdue; the day after, the year has ended
    assert next_inspection_due(ri, date(2023, 3, 31)) == (date(2023, 3, 31), "second")
    assert next_inspection_due(ri, date(2023, 4, 1)) == (date(2024, 3, 31), "full")
    # a later inspection is ignored before it happens; none before the first full inspection
    assert next_inspection_due(ri, date(2022, 5, 9)) is None
    assert next_inspection_due([(date(2022, 1, 1), "monitoring", None)], date(2022, 6, 1)) is None


def test_the_sentences(homes):
    p = inspections_paragraph(homes)
    assert p.text == (
        "At 30 June 2022, 2 of the authority's 5 children's homes had been judged good or "
        "outstanding at their latest full Ofsted inspection, and 3 were judged requires "
        "improvement to be good or inadequate. 1 home is overdue an inspection. 4 homes are next "
        "due an inspection, by 31 March 2023."
    )
    data = homes.model_dump(mode="json")
    for s in p.sentences:
        for c in s.cites:
            node = data
            for part in c.ref.removeprefix("/inspections/").split("/"):
                node = node[int(part)] if isinstance(node, list) else node[part]
            assert node == c.value and s.text[c.start : c.end] == c.text


def test_one_home_next_due_is_named(tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        load(s, {"own_homes": table()}, la_code=LA)
        one = own_homes(s, LA, date(2021, 12, 31))
    # At 31 December 2021 (year 2021): Ash and Fir House are not inspected yet; Birch House's
    # next full is due by 31 March 2022 (not overdue yet) - the only home due first; Cedar
    # House and Damson House (two inspections in year 2021) are due by 31 March 2023.
    assert [(h.home_id, h.next_due) for h in one.homes] == [
        ("B", date(2022, 3, 31)),
        ("C", date(2023, 3, 31)),
        ("D", date(2023, 3, 31)),
    ]
    assert inspections_paragraph(one).text.endswith(
        "The next inspection due is a full inspection of Birch House by 31 March 2022."
    )


def test_the_report_table(homes):
    t = inspections_table(homes)
    assert t.title == "Ofsted inspections of the authority's children's homes at 30 June 2022"
    assert t.rows == [
        [
            "Birch House",
            "SC100002",
            "3",
            "1 February 2021 (full)",
            "Good (1 February 2021)",
            "31 March 2022",
            "overdue",
        ],
        [
            "Ash House",
            "SC100001",
            "4",
            "10 May 2022 (full)",
            "Requires improvement to be good (10 May 2022)",
            "31 March 2023 (second inspection in the year)",
            "",
        ],
        [
            "Cedar House",
            "SC100003",
            "2",
            "15 September 2021 (full)",
            "Good (15 September 2021)",
            "31 March 2023",
            "",
        ],
        [
            "Damson House",
            "SC100004",
            "5",
            "10 December 2021 (interim)",
            "Inadequate (20 June 2021)",
            "31 March 2023",
            "",
        ],
        [
            "Fir House",
            "SC100006",
            "3",
            "20 March 2022 (full)",
            "Requires improvement to be good (20 March 2022)",
            "31 March 2023",
            "",
        ],
    ]
    assert t.totals == {"homes": 5, "good_or_better": 2, "below_good": 3, "overdue": 1}


def test_the_template_loads_and_bad_values_are_kept_with_an_issue(store, tmp_path):
    """own_homes.csv as an analyst writes it (DD/MM/YYYY dates): its URN column is ofsted_urn, so
    the file is a template and not taken for an SSDA903 episodes file; an unknown judgement loads
    as supplied with a data-quality issue, and the home is still reported (the judgement shown as
    supplied, neither good nor below good)."""
    from csc_scorecard.ingest.run import ingest

    (tmp_path / "own_homes.csv").write_text(
        "home_id,home_name,ofsted_urn,registered_places,inspection_date,inspection_type,judgement\n"
        "A,Ash House,SC100001,4,10/05/2022,full,requires_improvement\n"
        "G,Gorse House,SC100007,2,01/04/2021,full,excellent\n"
    )
    ingest(store, [tmp_path], la_code=LA)
    assert store.con.execute(
        "SELECT home_id, inspection_date, judgement FROM own_homes ORDER BY home_id"
    ).fetchall() == [
        ("A", date(2022, 5, 10), "requires_improvement"),
        ("G", date(2021, 4, 1), "excellent"),
    ]
    assert store.con.execute('SELECT rule, "row", field, value FROM dq_issues').fetchall() == [
        ("unknown_code", 3, "judgement", "excellent")
    ]
    h = own_homes(store, LA, AT)
    gorse = next(x for x in h.homes if x.home_id == "G")
    assert (gorse.judgement_text, gorse.next_due, gorse.overdue) == (
        "excellent",
        date(2023, 3, 31),
        False,
    )
    assert (h.home_count, h.good_or_better, h.below_good) == (2, 0, 1)
