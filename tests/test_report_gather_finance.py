"""The report's finance section is computed in a forked process holding its own read-only
connection to the store's file while the context is gathered (`report.gather.FinanceAside`):
the same section as computed in the process, the same error when it fails, and computed in the
process where another process cannot share the store."""

from __future__ import annotations

import pytest
import report_fixtures as rf

from csc_scorecard.forecast.scenarios import NotFound
from csc_scorecard.model.periods import Quarter
from csc_scorecard.report import finance
from csc_scorecard.report.gather import FinanceAside, _shareable
from csc_scorecard.store import Store

QUARTER = Quarter.parse(rf.PERIOD)


@pytest.mark.parametrize("publication", [False, True])
def test_the_section_computed_aside_is_the_one_computed_here(publication):
    with Store(rf.store_path(), read_only=True) as store:
        aside = FinanceAside(store, rf.LA, QUARTER, "base", publication)
        here = finance.build(store, rf.LA, QUARTER, scenario="base", publication=publication)
        forked = aside._forked is not None
        assert aside.result() == here
    assert here is not None
    assert forked or not _shareable_now()


def _shareable_now() -> bool:
    from csc_scorecard.forked import can_fork, foreign_threads

    return can_fork() and not foreign_threads()


def test_a_failure_aside_is_raised_as_it_reads_here():
    with Store(rf.store_path(), read_only=True) as store:
        aside = FinanceAside(store, rf.LA, QUARTER, "no-such-scenario", False)
        with pytest.raises(NotFound, match="no scenario 'no-such-scenario'"):
            aside.result()


def test_only_a_file_opened_read_only_is_shared(tmp_path):
    with Store(rf.store_path(), read_only=True) as store:
        assert _shareable(store)
    with Store(tmp_path / "new.duckdb") as store:
        assert not _shareable(store)
    with Store(":memory:") as store:
        assert not _shareable(store)
