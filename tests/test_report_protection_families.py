"""The sentence on children on a child protection plan for two years or more and their families,
built into a report context from the small store of tests/test_measures_protection_families.py,
whose docstring works the figures out by hand: at the end of Q1 (30 June 2022) 4 children from 3
families had been on a plan for two years or longer. In publication mode counts from 1 to 5 are
printed as "c" by the report's one suppression rule, and the nouns stay plural.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from measure_fixtures import LA
from test_measures_protection_families import family_tables

from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.report.context import build_context

WHEN = datetime(2022, 7, 20, tzinfo=UTC)


def _store(store, with_families=True):
    tables = family_tables(with_families)
    store.load(
        [LoadBatch("fixture", LA, date(2021, 4, 1), date(2022, 6, 30), ["f"], tables=tables)]
    )
    return store


def _sentences(context) -> list[str]:
    for section in context.sections:
        for sub in section.subsections:
            if sub.id == "child_protection":
                return [s.text for p in sub.paragraphs for s in p.sentences]
    raise AssertionError("no child protection section")


def _two_years(context) -> list[str]:
    return [s for s in _sentences(context) if "two years or longer" in s]


@pytest.mark.parametrize(
    ("publication", "expected"),
    [
        (False, "Of these, 4 children from 3 families"),
        (True, "Of these, c children from c families"),
    ],
)
def test_the_sentence_follows_the_children_on_plans(store, publication, expected):
    context = build_context(
        _store(store), LA, "2022-Q1", synthetic=True, generated_at=WHEN, publication=publication
    )
    sentences = _sentences(context)
    two_years = expected + " had been subject to a plan for two years or longer."
    assert two_years in sentences
    before = sentences[sentences.index(two_years) - 1]
    assert before.startswith("The number of children subject to a child protection plan")


def test_omitted_when_the_authority_supplies_no_family_identifiers(store):
    # No child_families loaded: the families figure is not available, so the sentence (which
    # would otherwise call every child a family) is left out; the children figure stands.
    context = build_context(
        _store(store, with_families=False), LA, "2022-Q1", synthetic=True, generated_at=WHEN
    )
    assert _two_years(context) == []
    figures = context.figures
    assert figures["cp_plans_open_2_years_plus:2022-Q1"].value == 4
    assert figures["cp_plans_open_2_years_plus_families:2022-Q1"].status != "ok"
