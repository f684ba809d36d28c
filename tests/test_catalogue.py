"""Lint the whole measure catalogue: every entry resolves, is documented, and has a hand-worked
fixture (a test module that asserts on it by id)."""

from __future__ import annotations

from pathlib import Path

import pytest

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.model.schema import tables

TESTS = Path(__file__).parent
ALL_TEST_TEXT = "\n".join(
    p.read_text() for p in TESTS.glob("test_*.py") if p.name != Path(__file__).name
)
MEASURES = sorted(catalogue())


@pytest.mark.parametrize("measure_id", MEASURES)
def test_entry_resolves_and_is_documented(measure_id):
    m = catalogue()[measure_id]
    if not m.manual:
        assert callable(m.counter())
    assert len(m.definition) > 40 and m.source and m.title
    for field in m.fields:
        table_name, _, column = field.partition(".")
        assert column in tables()[table_name].data_column_names, field


@pytest.mark.parametrize("measure_id", MEASURES)
def test_entry_has_a_fixture(measure_id):
    assert f'"{measure_id}"' in ALL_TEST_TEXT, f"no test asserts on {measure_id}"
