"""Summary counts and their denominators."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from csc_scorecard.rating import Status, describe, summarise


@given(st.lists(st.sampled_from(list(Status)), max_size=60))
def test_counts_add_up_to_their_denominators(statuses):
    s = summarise(statuses)
    assert s.total == len(statuses)
    assert s.green + s.amber + s.red + s.information + s.not_available + s.not_reportable == s.total
    assert s.rated == s.better_or_within_tolerance + s.below_target
    assert s.with_data + s.without_data == s.total
    assert s.better_or_within_tolerance == statuses.count(Status.GREEN) + statuses.count(
        Status.AMBER
    )


@given(st.lists(st.sampled_from(list(Status))), st.lists(st.sampled_from(list(Status))))
def test_summaries_of_groups_add(first, second):
    assert summarise(first) + summarise(second) == summarise(first + second)


def test_json_carries_the_seed_wording_and_both_denominators():
    s = summarise(
        ["green", "green", "amber", "red", "red", "red"]
        + ["not_available"] * 4
        + ["not_reportable"]
    )
    assert s.model_dump() == {
        "total": 11,
        "green": 2,
        "amber": 1,
        "red": 3,
        "information": 0,
        "not_available": 4,
        "not_reportable": 1,
        "rated": 6,
        "with_data": 6,
        "better_or_within_tolerance": 3,
        "below_target": 3,
        "without_data": 5,
    }
    assert describe(s) == [
        "3 of 11 indicators performing better than or within tolerance against target (3 of 6 rated)",
        "3 of 11 indicators are below target (3 of 6 rated)",
        "Data is not available for 5 of 11 indicators (4 not available, 1 not reportable)",
    ]
    assert describe(summarise(["information"]), noun="measures")[-1] == (
        "1 of 1 measures reported for information only"
    )
