"""Finance's agency FTE and staffing's agency share are different quantities (agency staff paid
for over the month, from the finance system; registered agency social workers in post on the
quarter's last day, from the workforce records): each sentence says which, so a member does not
read '4.9 FTE' beside '4 of the 31.6' as a contradiction."""

from __future__ import annotations

import report_fixtures as rf


def test_finance_and_staffing_each_say_which_agency_count_they_give():
    texts = [s.text for p in rf.report_context().paragraphs() for s in p.sentences]
    assert (
        "Agency staff paid for in June (the finance system's agency costs) came to 4.9 FTE, 3 FTE "
        "more than the target for this stage of the year."
    ) in texts
    assert (
        "At the end of the quarter agency social workers held 4 of the 31.6 full-time equivalent "
        "social worker posts filled (12.7%): registered social workers in post on that day, not "
        "the agency staff paid for over the month that the finance section counts."
    ) in texts
