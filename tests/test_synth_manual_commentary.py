"""The demo authority's own manual-value commentary publishes cleanly: the homes note states
no count a publication report would refuse (the refusal stays for real councils' text)."""

from __future__ import annotations

from datetime import date

import pytest

from csc_scorecard.report.publication import (
    CommentaryNumbers,
    PublicationRules,
    check_commentary,
)
from csc_scorecard.synth.finance.homes import _homes_graded


def test_homes_graded_note_states_no_small_count():
    row = _homes_graded("2022-Q1", date(2022, 7, 21), 3, 5)
    # Not 'graded requires improvement' alone: the demo paper printed that beside its homes
    # table's 'Maple View ... Inadequate (18 October 2021)'; own_homes draws the grade below good.
    assert row["commentary"] == (
        "every home not graded good or better is graded requires improvement to be good or "
        "inadequate"
    )
    check_commentary(
        {"residential_homes_good_or_better 2022-Q1": row["commentary"]}, PublicationRules()
    )
    assert _homes_graded("2022-Q1", date(2022, 7, 21), 5, 5)["commentary"] is None


def test_a_small_count_in_commentary_is_still_refused():
    with pytest.raises(CommentaryNumbers, match=r"residential_homes_good_or_better 2022-Q1 \(2\)"):
        check_commentary(
            {
                "residential_homes_good_or_better 2022-Q1": "2 of the authority's homes graded requires improvement"
            },
            PublicationRules(),
        )
