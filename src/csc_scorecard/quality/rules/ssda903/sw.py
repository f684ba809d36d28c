"""SSDA903 social-worker episode rules (SWEpisodes, from 2023-24; DfE codes and messages as the
data-to-insight validator's lac2023_24, lac2024_25 and lac2025_26 rulesets write them; logic per
docs/quality.md). A rule DfE changed between years reads the row's collection year
(`year(cy_end)`: 2024 = 2023-24). Blank and unreadable dates are both NULL here; `bad` tells
them apart where DfE does.

A child's social-worker episodes are ordered by SW_DECOM (blank last), then SW_DEC, then file
order, over every SWEpisodes row of the return the store holds. The rules over SWEpisodes rows
read `sw_c` (derived_c.sw_c: each row with its neighbours in that order and its unreadable
values, worked out once per run), so each is a plain row filter of it."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import RESPITE, valid_code
from csc_scorecard.quality.rules.ssda903.derived_c import EPISODES_SW, SW_C

R = "ssda903"

# SW_REASON FCONTA: first contact or re-referral, exempt from the 7-day handover (SW10 2024-25 on).
FIRST_CONTACT = "'FCONTA'"
# Reasons are wanted for episodes beginning on or after 1 April 2023 (when SWEpisodes began).
REASONS_FROM = "DATE '2023-04-01'"


@rule(
    "SW01STG1",
    R,
    "Child looked after on 31 March, but no social worker episode information is reported",
    fields=["DEC"],
    column="dec",
    years=(2024, 2024),
)
def rsw01stg1() -> str:
    """An episode still open at 31 March (no DEC), not a short break (V3, V4), of a child with
    no social-worker episode, or with one lacking SW_ID, SW_DECOM or SW_REASON. Runs only where
    the return has SWEpisodes rows."""
    return f"""SELECT * FROM {EPISODES_SW} WHERE dec IS NULL
        AND NOT coalesce(ls IN {RESPITE}, false) AND (sw_none OR sw_incomplete)"""


@rule(
    "SW01aSTG1",
    R,
    "For each social worker episode, information should be complete",
    fields=["SW_DECOM", "SW_ID"],
    column="sw_decom",
    years=(2025, 2025),
)
def rsw01astg1() -> str:
    """SW_DECOM blank or not a date, or SW_DECOM before 1 April of the previous year (the
    reporting period's start) with SW_ID blank."""
    return f"""SELECT * FROM {SW_C} WHERE sw_decom IS NULL
        OR (sw_decom < cy_start - INTERVAL 1 YEAR AND sw_id IS NULL)"""


@rule(
    "SW01bSTG1",
    R,
    "For each social worker episode, information should be complete",
    fields=["SW_DECOM", "SW_ID", "SW_REASON"],
    column="sw_decom",
    years=(2025, 2025),
)
def rsw01bstg1() -> str:
    """SW_DECOM blank or not a date, or SW_DECOM on or after 1 April of the previous year with
    SW_ID or SW_REASON blank."""
    return f"""SELECT * FROM {SW_C} WHERE sw_decom IS NULL
        OR (sw_decom >= cy_start - INTERVAL 1 YEAR AND (sw_id IS NULL OR sw_reason IS NULL))"""


@rule(
    "SW02STG1",
    R,
    "Social worker ID does not begin with the characters ‘SW’ or ‘XX’.",
    fields=["SW_ID"],
    column="sw_id",
    years=(2024, None),
)
def rsw02stg1() -> str:
    """SW_ID blank or not beginning SW or XX (capitals); from 2025-26 also under 4 characters."""
    return f"""SELECT * FROM {SW_C} WHERE sw_id IS NULL OR left(sw_id, 2) NOT IN {in_list("SW", "XX")}
        OR (year(cy_end) >= 2026 AND length(sw_id) < 4)"""


@rule(
    "SW03STG1",
    R,
    "For each social worker episode, information should be complete.",
    fields=["SW_ID", "SW_DECOM", "SW_REASON"],
    column="sw_id",
    years=(2024, 2024),
)
def rsw03stg1() -> str:
    """SW_ID, SW_DECOM or SW_REASON blank (an unreadable SW_DECOM was given)."""
    return f"""SELECT * FROM {SW_C} WHERE sw_id IS NULL OR sw_reason IS NULL
        OR NOT (sw_decom IS NOT NULL OR sw_decom_bad)"""


@rule(
    "SW04STG1",
    R,
    "Date social worker episode began is not a valid date..",
    fields=["SW_DECOM"],
    column="sw_decom_text",
    years=(2024, None),
)
def rsw04stg1() -> str:
    """SW_DECOM given but not a date."""
    return f"SELECT * FROM {SW_C} WHERE sw_decom IS NULL AND sw_decom_unreadable"


@rule(
    "SW05STG1",
    R,
    "Date social worker episode began is not a valid date.",
    fields=["SW_DEC"],
    column="sw_dec_text",
    years=(2024, None),
)
def rsw05stg1() -> str:
    """SW_DEC given but not a date (DfE's message names the start; the rule checks the end)."""
    return f"SELECT * FROM {SW_C} WHERE sw_dec IS NULL AND sw_dec_unreadable"


@rule(
    "SW06STG2",
    R,
    "Social worker episode data should be within the social worker data reporting year.",
    fields=["SW_DECOM"],
    column="sw_decom",
    years=(2024, None),
)
def rsw06stg2() -> str:
    """SW_DECOM after the collection year's 31 March."""
    return f"SELECT * FROM {SW_C} WHERE sw_decom > cy_end"


@rule(
    "SW07STG2",
    R,
    "Social worker episode end date should be on or after the start of the social worker "
    "reporting period, and should be on or before the collection end date.",
    fields=["SW_DEC"],
    column="sw_dec",
    years=(2024, None),
)
def rsw07stg2() -> str:
    """SW_DEC after 31 March, or before the reporting period: 1 April of the collection year in
    2023-24, of the year before from 2024-25."""
    return f"""SELECT * FROM {SW_C} WHERE sw_dec > cy_end OR sw_dec < CASE
        WHEN year(cy_end) >= 2025 THEN cy_start - INTERVAL 1 YEAR ELSE cy_start END"""


@rule(
    "SW08STG2",
    R,
    "A new social worker episode has started, but the previous episode has not ended.",
    fields=["SW_DEC"],
    column="sw_dec",
    years=(2024, None),
)
def rsw08stg2() -> str:
    """An episode with SW_DECOM and no (readable) SW_DEC that is not the child's last."""
    return f"""SELECT * FROM {SW_C} WHERE NOT last_one AND sw_dec IS NULL
        AND sw_decom IS NOT NULL"""


@rule(
    "SW09STG2",
    R,
    "Social worker episode appears to have lasted for less than 24 hours.",
    fields=["SW_DECOM", "SW_DEC"],
    column="sw_dec",
    years=(2024, None),
)
def rsw09stg2() -> str:
    """SW_DEC the same day as SW_DECOM; from 2025-26, fewer than 3 days after it (or before)."""
    return f"""SELECT * FROM {SW_C} WHERE CASE WHEN year(cy_end) >= 2026
        THEN date_diff('day', sw_decom, sw_dec) < 3 ELSE sw_dec = sw_decom END"""


def _handover(days: int) -> str:
    """SQL (over `sw_c`): SW_DECOM is not within `days` days of the previous episode's
    SW_DEC (a blank either side is not within)."""
    return f"""NOT coalesce(sw_decom BETWEEN prev_dec - INTERVAL {days} DAY
        AND prev_dec + INTERVAL {days} DAY, false)"""


@rule(
    "SW10STG2",
    R,
    "A new social worker episode has started before the end date of the previous social "
    "worker episode.",
    fields=["SW_DECOM"],
    column="sw_decom",
    years=(2024, None),
)
def rsw10stg2() -> str:
    """An episode after the child's first whose SW_DECOM is not within 7 days of the previous
    episode's SW_DEC; from 2024-25 not when SW_REASON is FCONTA (first contact or
    re-referral)."""
    return f"""SELECT * FROM {SW_C} WHERE has_prev AND {_handover(7)}
        AND (year(cy_end) < 2025 OR NOT coalesce(sw_reason = {FIRST_CONTACT}, false))"""


@rule(
    "SW10aSTG2",
    R,
    "A new social worker episode has started and it is not within +/- 7 days of a previous "
    "episode.",
    fields=["SW_DECOM"],
    column="sw_decom",
    years=(2026, None),
)
def rsw10astg2() -> str:
    """An episode after the child's first, SW_REASON not FCONTA, whose SW_DECOM is not within
    7 days of the previous episode's SW_DEC."""
    return f"""SELECT * FROM {SW_C} WHERE has_prev AND {_handover(7)}
        AND NOT coalesce(sw_reason = {FIRST_CONTACT}, false)"""


@rule(
    "SW10bSTG2",
    R,
    "A new social worker episode has started with a reason of first contact before the "
    "previous episode has ended.",
    fields=["SW_DECOM", "SW_REASON"],
    column="sw_decom",
    years=(2026, None),
)
def rsw10bstg2() -> str:
    """An episode with SW_REASON FCONTA starting on or before the previous episode's SW_DEC."""
    return f"""SELECT * FROM {SW_C} WHERE has_prev AND sw_reason = {FIRST_CONTACT}
        AND sw_decom <= prev_dec"""


@rule(
    "SW11aSTG2",
    R,
    "Social worker episode has ended before 31 March and no subsequent social worker episode "
    "has been provided.",
    fields=["SW_DEC"],
    column="sw_decom",
    years=(2024, 2024),
)
def rsw11astg2() -> str:
    """The episode after one that ended by 26 March (five days before the year's end) does not
    start within 5 days of that end (or has no SW_DECOM)."""
    return f"""SELECT * FROM {SW_C} WHERE has_prev
        AND prev_dec <= cy_end - INTERVAL 5 DAY AND {_handover(5)}"""


@rule(
    "SW11bSTG2",
    R,
    "Social worker episode has ended before 31 March and no subsequent social worker episode "
    "has been provided.",
    fields=["SW_DEC"],
    column="sw_dec",
    years=(2024, None),
)
def rsw11bstg2() -> str:
    """The child's last episode ended in the year's last five days (27-31 March): nothing
    follows it; or the episode after one that ended then has no SW_DECOM. (The package also
    flags an episode ending then that another episode follows: docs/quality.md.)"""
    last_days = "BETWEEN cy_end - INTERVAL 5 DAY AND cy_end"
    return f"""SELECT * FROM {SW_C} WHERE (last_one AND sw_dec {last_days})
        OR (has_prev AND prev_dec {last_days} AND sw_decom IS NULL)"""


@rule(
    "SW12STG2",
    R,
    "If a child is looked after on 31 March then all social worker episodes for the full "
    "previous year should be reported, even those whilst they were not looked after",
    fields=["SW_DECOM"],
    column="decom",
    years=(2024, None),
)
def rsw12stg2() -> str:
    """The episode open on 31 March (no DEC, not a short break V3/V4) of a child none of whose
    social-worker episodes began on or before the later of 1 April of the previous year
    and the start of the child's first episode open in that time: the social worker the child
    had since the reporting period began (or since coming into care) is not reported. From
    2024-25 the reporting period starts a year before the collection year; in 2023-24 on
    1 April of the collection year."""
    return f"""SELECT * FROM {EPISODES_SW} WHERE dec IS NULL
        AND NOT coalesce(ls IN {RESPITE}, false) AND NOT sw_since"""


@rule(
    "SW13STG1",
    R,
    "The reason for social worker change is not valid.",
    fields=["SW_REASON"],
    column="sw_reason",
    years=(2024, None),
)
def rsw13stg1() -> str:
    """SW_REASON not a reason code; blank too in 2023-24, and from 2024-25 blank on an episode
    beginning on or after 1 April 2023."""
    return f"""SELECT * FROM {SW_C}
        WHERE (sw_reason IS NOT NULL AND NOT coalesce({valid_code("sw_reason", "sw_reason")}, false))
        OR (sw_reason IS NULL AND (year(cy_end) < 2025 OR sw_decom >= {REASONS_FROM}))"""


@rule(
    "SW14STG2",
    R,
    "Social worker episode date ceased is blank.",
    fields=["SW_DEC"],
    column="sw_dec",
    years=(2024, 2024),
)
def rsw14stg2() -> str:
    """SW_DEC blank (or not a date) on an episode that is not the child's last."""
    return f"SELECT * FROM {SW_C} WHERE NOT last_one AND sw_dec IS NULL"


@rule(
    "SW17STG2",
    R,
    "There is no social worker episode open at 31 March",
    fields=["SW_DEC", "SW_DECOM"],
    column="sw_dec",
    years=(2026, None),
)
def rsw17stg2() -> str:
    """The child's latest episode (by SW_DECOM) has SW_DEC given (readable or not)."""
    return f"SELECT * FROM {SW_C} WHERE latest AND (sw_dec IS NOT NULL OR sw_dec_bad)"


@rule(
    "SW18STG2",
    R,
    "The end date of the social worker episode is before the start date",
    fields=["SW_DEC", "SW_DECOM"],
    column="sw_dec",
    years=(2026, None),
)
def rsw18stg2() -> str:
    """SW_DEC on or before SW_DECOM (both dates)."""
    return f"SELECT * FROM {SW_C} WHERE sw_dec <= sw_decom"


@rule(
    "SW19STG2",
    R,
    "There are 2 social worker episodes for the child starting on the same date.",
    fields=["SW_DEC", "SW_DECOM"],
    column="sw_decom",
    years=(2026, None),
)
def rsw19stg2() -> str:
    """A second (third, ...) episode of the child with the same SW_DECOM as an earlier row."""
    return f"SELECT * FROM {SW_C} WHERE same_start_before"
