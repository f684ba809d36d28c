"""SSDA903 rules on how long a legal status may last and how care may end at 18 (DfE codes and
messages; logic per docs/quality.md). Each reads LS, DECOM, DEC or REC, which the measures of
periods of care read. An episode still open counts as lasting to 31 March, as DfE reads it."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import EPISODES_N, both_rows
from csc_scorecard.quality.rules.ssda903.derived import EPISODES_H

R = "ssda903"
WITH_HEADER = "FROM episodes e JOIN header h ON h.la_code = e.la_code AND h.child_id = e.child_id"


def _spell_longer_than(ls: str, days: int) -> str:
    """Every episode of a spell under legal status `ls` lasting more than `days` days from its
    first DECOM to its last DEC (an open episode: 31 March). A spell is the child's consecutive
    episodes (DECOM order) under `ls`, each starting the day the one before ceased (the spell
    and its days are `episodes_n`'s, rules/ssda903/derived.py)."""
    return f"SELECT * FROM {EPISODES_N} WHERE ls = '{ls}' AND spell_days > {int(days)}"


LEGAL_STATUS_SPAN = ["DECOM", "LS", "DEC"]


@rule(
    "361",
    R,
    "Police protection legal status lasted longer than maximum 72 hours allowed in the "
    "Children Act 1989.",
    fields=LEGAL_STATUS_SPAN,
    column="ls",
)
def r361() -> str:
    """A spell under L1 (police protection) lasting more than 3 days."""
    return _spell_longer_than("L1", 3)


@rule(
    "362",
    R,
    "Emergency protection order (EPO) lasted longer than 21 days",
    fields=LEGAL_STATUS_SPAN,
    column="ls",
)
def r362() -> str:
    """A spell under L2 (emergency protection order) lasting more than 21 days."""
    return _spell_longer_than("L2", 21)


@rule(
    "363",
    R,
    "Child assessment order (CAO) lasted longer than 7 days allowed in the Children Act 1989.",
    fields=LEGAL_STATUS_SPAN,
    column="ls",
)
def r363() -> str:
    """A spell under L3 (child assessment order) lasting more than 7 days."""
    return _spell_longer_than("L3", 7)


@rule(
    "364",
    R,
    "Sections 41-46 of Police and Criminal Evidence (PACE; 1984) severely limits the time a "
    "child can be detained in custody in Local Authority (LA) accommodation.",
    fields=LEGAL_STATUS_SPAN,
    column="ls",
)
def r364() -> str:
    """A spell under J2 (detained under PACE) lasting more than 21 days."""
    return _spell_longer_than("J2", 21)


@rule(
    "365",
    R,
    "Any individual short- term respite placement must not exceed 17 days.",
    fields=LEGAL_STATUS_SPAN,
    column="ls",
)
def r365() -> str:
    """A V3 episode (a single short break) ceasing more than 17 days after it began."""
    return (
        "SELECT * FROM episodes WHERE ls = 'V3' AND coalesce(dec, cy_end) > decom + INTERVAL 17 DAY"
    )


@rule(
    "367",
    R,
    "The maximum amount of respite care allowable is 75 days in any 12-month period.",
    fields=LEGAL_STATUS_SPAN,
    column="ls",
)
def r367() -> str:
    """Every V3 episode with days in the collection year of a child whose V3 days in the year
    (DEC, or 31 March, less DECOM, each cut to the year) add up to more than 75."""
    return f"SELECT * FROM {EPISODES_N} WHERE v3_days > 0 AND v3_year_days > 75"


@rule(
    "359",
    R,
    "Child being looked after following 18th birthday must be accommodated under section 20(5) "
    "of the Children Act 1989 in a community home.",
    fields=["DEC", "LS", "PLACE"],
    column="ls",
)
def r359() -> str:
    """An episode open at 31 March of a young person 18 before then, other than legal status
    V2 (section 20) with PLACE K2 (children's home)."""
    return f"""SELECT * FROM {EPISODES_H}
        WHERE dec IS NULL AND h_dob + INTERVAL 18 YEAR < cy_end AND NOT (ls = 'V2' AND place = 'K2')"""


@rule(
    "451",
    R,
    "Child is still freed for adoption, but freeing orders could not be applied for since 30 "
    "December 2005.",
    fields=["DEC", "REC", "LS"],
    column="ls",
    years=(None, 2024),
)
def r451() -> str:
    """An open episode (DEC and REC blank) under legal status D1 (freed for adoption)."""
    return "SELECT * FROM episodes WHERE ls = 'D1' AND dec IS NULL AND rec IS NULL"


@rule(
    "407",
    R,
    "Reason episode ceased is Special Guardianship Order, but child has reached age 18.",
    fields=["DEC", "DOB", "REC"],
    column="rec",
)
def r407() -> str:
    """REC E45-E48 (special guardianship order) on an episode ceasing after the child's 18th
    birthday; the episode and the child's Header row are flagged (rows of two tables, so its own
    statement, not a row filter). The pairs are joined once, as a CTE both sides read
    (`sql.both_rows`), not once a side (30 authorities of the synthetic England, 222,000
    episodes: 27.0 -> 16.2 ms CPU)."""
    where = f"""{WITH_HEADER} WHERE e.rec IN {in_list("E45", "E46", "E47", "E48")}
        AND e.dec > h.date_of_birth + INTERVAL 18 YEAR"""
    return both_rows(
        where,
        ("e", "e.rec", "REC", False),
        ("h", "CAST(h.date_of_birth AS VARCHAR)", "DOB", True),
    )


@rule(
    "460",
    R,
    "Reason episode ceased is that child stayed with current carers at age 18 (or above), but "
    "child is aged under 18.",
    fields=["DEC", "REC"],
    column="rec",
)
def r460() -> str:
    """REC E17 (stayed with current carers at 18 or over) on an episode ceasing before the
    child's 18th birthday."""
    return f"SELECT * FROM {EPISODES_H} WHERE rec = 'E17' AND dec < h_dob + INTERVAL 18 YEAR"
