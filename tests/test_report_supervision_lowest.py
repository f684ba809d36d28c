"""The supervision paragraph's lowest team is one that has added its supervision data: a team
yet to add it has no session recorded in the quarter, so its share is a gap in the returns, not
a team's practice. The demo paper said 'The lowest share was in Assessment 3 (0%, 0 of 6)', one
of the 4 teams the next paragraph says have yet to add supervision data; the report fixture
named Children with Disabilities (0%, 0 of 3), its team yet to add them."""

from __future__ import annotations

from report_fixtures import report_context


def test_the_lowest_share_is_among_the_teams_that_have_added_their_data():
    staffing = report_context().staffing
    assert staffing is not None
    returns = staffing.supervision_returns
    assert returns is not None
    assert [t.name for t in returns.teams if not t.added] == ["Children with Disabilities"]
    text = " ".join(p.text for p in staffing.paragraphs)
    assert (
        "Of the teams that have added supervision data for the quarter, the lowest share was in "
        "Inspiring Futures (50%, 1 of 2)." in text
    )
    assert "Children with Disabilities (0%" not in text
