"""A paper for a quarter before the data's end, with no check kept for it, dates its faults
where the data held stop, not at the returns' period end after them.

The fixture's latest returns run to 31 March 2023 and their data to 30 June 2022. The demo paper
for Q4 2021/22 (scorecard report --period 2021-Q4) said 'The DfE validation rules found 768
faults in the data as at 31 March 2023', a year after its quarter and nine months after the
data: the faults it gives are those of the data held, which reach 30 June 2022.
"""

from __future__ import annotations

from report_fixtures import LA, store_path

from csc_scorecard.model.periods import Quarter
from csc_scorecard.report.faults import rule_faults
from csc_scorecard.store import Store


def test_faults_of_the_data_held_are_dated_where_the_data_stop():
    with Store(store_path(), read_only=True) as store:
        past = rule_faults(store, LA, Quarter.parse("2021-Q4"), None)
        current = rule_faults(store, LA, Quarter.parse("2022-Q1"), None)
    assert past is not None and current is not None
    assert (past.as_at_text, past.known) == ("30 June 2022", False)
    assert current.as_at_text == "30 June 2022"  # the quarter the data stop in, as before
    assert past.open == current.open  # the same faults: those of the data held
