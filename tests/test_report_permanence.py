"""The care proceedings and permanence paragraph, built into a report context from a small store.

The store holds only the care proceedings, episodes, adoption records and permanence plans of
tests/test_measures_permanence.py, whose docstring works the figures out by hand: at the end of
Q1 (30 June 2022) 6 children from 3 families are in proceedings, 5 of them (83.3%) on track to
conclude within 26 weeks; at the end of Q4 7 children from 5 families, 6 (85.7%) on track. 3
children in care are matched or placed for adoption (Q4: 4) and 3 expected to leave care under a
special guardianship order (Q4: 4). In publication mode every count from 1 to 5, and the
percentages built on one, is printed as "c" by the report's one suppression rule.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from conftest import canonical
from measure_fixtures import LA
from test_measures_permanence import PROCEEDINGS, _columns, permanence_tables

from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.report.context import build_context

WHEN = datetime(2022, 7, 20, tzinfo=UTC)


@pytest.fixture
def small_store(store):
    columns = ["proceedings_id", "child_id", "family_id", "issue_date", "conclusion_date"]
    tables = {"court_proceedings": canonical("court_proceedings", **_columns(PROCEEDINGS, columns))}
    tables |= permanence_tables()
    # A case-data load covering 2021/22 and Q1 2022/23, so the report covers both quarters.
    store.load(
        [LoadBatch("fixture", LA, date(2021, 4, 1), date(2022, 6, 30), ["f"], tables=tables)]
    )
    return store


def _section(context):
    for section in context.sections:
        for sub in section.subsections:
            if sub.id == "care_proceedings":
                return sub
    raise AssertionError("no care proceedings section")


def test_the_paragraph_compares_now_with_the_last_report(small_store):
    context = build_context(small_store, LA, "2022-Q1", synthetic=True, generated_at=WHEN)
    paragraph, permanence = _section(context).paragraphs
    assert paragraph.text == (
        "At the end of Q1 there were 6 children from 3 families subject to care proceedings, "
        "compared with 7 children from 5 families at the end of Q4. "
        "Of these, 83.3% (5) were on track to conclude within 26 weeks of the application to "
        "court (Q4: 85.7%)."
    )
    assert permanence.text == (
        "At the end of Q1, 3 children in care were matched with adopters or placed for adoption "
        "(Q4: 4). At the end of Q1, 3 children in care were expected to leave care through a "
        "special guardianship order (Q4: 4)."
    )
    refs = [c.ref for s in paragraph.sentences for c in s.cites]
    assert refs[:2] == ["/period/short", "/figures/care_proceedings_children:2022-Q1/value"]


def test_publication_suppresses_the_small_counts(small_store):
    context = build_context(
        small_store, LA, "2022-Q1", synthetic=True, generated_at=WHEN, publication=True
    )
    paragraph, permanence = _section(context).paragraphs
    assert permanence.text == (
        "At the end of Q1, c children in care were matched with adopters or placed for adoption "
        "(Q4: c). At the end of Q1, c children in care were expected to leave care through a "
        "special guardianship order (Q4: c)."
    )
    assert paragraph.text == (
        "At the end of Q1 there were 6 children from c families subject to care proceedings, "
        "compared with 7 children from c families at the end of Q4. "
        "Of these, c were on track to conclude within 26 weeks of the application to "
        "court (Q4: 85.7%)."
    )
