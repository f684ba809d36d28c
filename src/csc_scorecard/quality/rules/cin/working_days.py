"""CIN census rules that count working days back from the census year's dates.

Working days are the project's one calendar (`reference/calendar.py`: Monday to Friday without
the England and Wales bank holidays of `bank_holidays.yaml`, counted as `add_working_days`
counts). The rules' SQL numbers those working days (`cal`, from the same holiday data) so that
"date X minus N working days" is the working day N places before the last working day on or
before X: `add_working_days(X, -N)`. A date the holiday data does not cover gives no cutoff,
and the row is not judged.
"""

from __future__ import annotations

from functools import cache

from csc_scorecard.quality.rules import rule
from csc_scorecard.reference.calendar import bank_holidays

R = "cin"


@cache
def calendar_cte() -> str:
    """SQL CTE `cal(d, n)`: the working days the holiday data covers, numbered in date order."""
    bh = bank_holidays()
    holidays = ", ".join(f"DATE '{d}'" for d in sorted(bh.days))
    return f"""cal AS (SELECT CAST(t.d AS DATE) AS d, row_number() OVER (ORDER BY t.d) AS n
        FROM generate_series(DATE '{bh.start}', DATE '{bh.end}', INTERVAL 1 DAY) t(d)
        WHERE isodow(t.d) <= 5 AND CAST(t.d AS DATE) NOT IN ({holidays}))"""


def working_days_before(anchor: str, days: int) -> str:
    """SQL: the date `days` working days before `anchor` (add_working_days(anchor, -days)); the
    query must define `calendar_cte()`."""
    return f"""(SELECT c.d FROM cal c
        WHERE c.n = (SELECT max(w.n) FROM cal w WHERE w.d <= {anchor}) - {int(days)})"""


@rule(
    "8569Q",
    R,
    "A case with referral date before one working day prior to the collection start date must "
    "not be flagged as a no further action case",
    fields=["ReferralNFA", "CINreferralDate"],
    column="referral_nfa",
)
def r8569q() -> str:
    """An episode of need referred before the start of the census year (1 April; the day after
    the reference date a year earlier) minus 1 working day with ReferralNFA not false (true, or
    blank or unreadable)."""
    return f"""WITH {calendar_cte()}
    SELECT * FROM referrals r WHERE r.referral_nfa IS NOT FALSE
        AND r.referral_date < {working_days_before("r.cy_start", 1)}"""


# 8670Q and 8675Q count back from the census's own reference date (`cy_end`, the ReferenceDate
# of the return: 31 March), as DfE's text says, also for an in-year census whose data end before
# it (an open assessment is then flagged because it is still open at the reference date as the
# return states it; queries do not make a measure not reportable: docs/quality.md).
@rule(
    "8670Q",
    R,
    "Please check and either amend data or provide a reason: Assessment started more than 45 "
    "working days before the end of the census year. However, there is no Assessment end date.",
    fields=["AssessmentActualStartDate", "AssessmentAuthorisationDate"],
    column="start_date",
)
def r8670q() -> str:
    """An assessment with no AssessmentAuthorisationDate that started before the reference date
    minus 45 working days."""
    return f"""WITH {calendar_cte()}
    SELECT * FROM assessments a WHERE a.authorised_date IS NULL
        AND a.start_date < {working_days_before("a.cy_end", 45)}"""


@rule(
    "8675Q",
    R,
    "Please check and either amend data or provide a reason: S47 Enquiry started more than 15 "
    "working days before the end of the census year. However, there is no date of Initial Child "
    "Protection Conference.",
    fields=["DateOfInitialCPC", "S47ActualStartDate", "ICPCnotRequired"],
    column="start_date",
)
def r8675q() -> str:
    """A section 47 enquiry with no DateOfInitialCPC and ICPCnotRequired false that started
    before the reference date minus 15 working days."""
    return f"""WITH {calendar_cte()}
    SELECT * FROM s47 s WHERE s.icpc_date IS NULL AND s.icpc_not_required IS FALSE
        AND s.start_date < {working_days_before("s.cy_end", 15)}"""
