"""SSDA903 Missing rules: episodes of being missing or away without authorisation."""

from __future__ import annotations

from csc_scorecard.quality.rules import codes_in, rule
from csc_scorecard.quality.rules.sql import not_in_list
from csc_scorecard.quality.rules.ssda903.derived_c import MISSING_C, MISSING_E

R = "ssda903"


@rule(
    "1004",
    R,
    "The start date of the missing episode or episode that the child was away from placement "
    "without authorisation is not a valid date.",
    fields=["MIS_START"],
    column="start_date",
)
def r1004() -> str:
    """MIS_START blank or not a date."""
    return f"SELECT * FROM {MISSING_C} WHERE start_date IS NULL"


@rule("1006", R, "Missing type invalid.", fields=["MISSING"], column="missing_type")
def r1006() -> str:
    """MISSING given and not M or A."""
    return not_in_list(MISSING_C, "missing_type", "missing_type")


@rule(
    "564",
    R,
    "Child was missing or away from placement without authorisation and the date started is blank.",
    fields=["MISSING", "MIS_START"],
    column="start_date",
)
def r564() -> str:
    """MISSING M or A with MIS_START blank (an unreadable date is not blank)."""
    return f"""SELECT * FROM {MISSING_C} WHERE missing_type IN {codes_in("missing_type")}
        AND start_date IS NULL AND NOT start_date_bad"""


@rule(
    "565",
    R,
    "The date that the child started to be missing or away from placement without "
    "authorisation has been completed but whether the child was missing or away from placement "
    "without authorisation has not been completed.",
    fields=["MISSING", "MIS_START"],
    column="missing_type",
)
def r565() -> str:
    """MIS_START given, MISSING blank."""
    return f"SELECT * FROM {MISSING_C} WHERE start_date IS NOT NULL AND missing_type IS NULL"


@rule(
    "566",
    R,
    "The date that the child's episode of being missing or away from placement without "
    "authorisation ended has been completed but whether the child was missing or away without "
    "authorisation has not been completed.",
    fields=["MISSING", "MIS_END"],
    column="missing_type",
)
def r566() -> str:
    """MIS_END given, MISSING blank."""
    return f"SELECT * FROM {MISSING_C} WHERE end_date IS NOT NULL AND missing_type IS NULL"


@rule(
    "567",
    R,
    "The date that the missing episode or episode that the child was away from placement "
    "without authorisation ended is before the date that it started.",
    fields=["MIS_START", "MIS_END"],
    column="end_date",
)
def r567() -> str:
    """MIS_END before MIS_START."""
    return f"SELECT * FROM {MISSING_C} WHERE start_date > end_date"


@rule(
    "570",
    R,
    "The date that the child started to be missing or away from placement without "
    "authorisation is after the end of the collection year.",
    fields=["MIS_START"],
    column="start_date",
)
def r570() -> str:
    """MIS_START after 31 March of the collection year."""
    return f"SELECT * FROM {MISSING_C} WHERE start_date > cy_end"


@rule(
    "581",
    R,
    "Child is missing but has not yet started to be looked after.",
    fields=["MIS_START"],
    column="start_date",
)
def r581() -> str:
    """A missing episode of a child with episodes, starting in none of them (DECOM to DEC, or
    open)."""
    return f"SELECT * FROM {MISSING_E} WHERE has_episodes AND NOT in_episode"


@rule(
    "586",
    R,
    "Dates of missing periods are before child’s date of birth.",
    fields=["MIS_START"],
    column="start_date",
)
def r586() -> str:
    """MIS_START on or before the child's DOB. A statement of its own, not a row filter of a
    derived table: no other rule reads the same tables (Missing, Header), so a table derived for
    it would cost a statement too."""
    return """SELECT m.* FROM missing m JOIN header h
        ON h.la_code = m.la_code AND h.child_id = m.child_id
        WHERE m.start_date <= h.date_of_birth"""


@rule(
    "574",
    R,
    "A new missing/away from placement without authorisation period cannot start when the "
    "previous missing/away from placement without authorisation period is still open. "
    "Missing/away from placement without authorisation periods should also not overlap.",
    fields=["MIS_START", "MIS_END"],
    column="start_date",
)
def r574() -> str:
    """A missing period starting while the child's previous one (ordered by end, an open one
    by its start, then start) is open or has not yet ended."""
    return f"""SELECT * FROM {MISSING_C}
        WHERE has_prev AND (prev_end IS NULL OR start_date < prev_end)"""


@rule(
    "578",
    R,
    "The date that the child started to be missing is after the child ceased to be looked after.",
    fields=["MIS_START"],
    column="start_date",
)
def r578() -> str:
    """A missing period starting outside every period of care of a child who has one: before
    it began or after it ended. A period of care is the child's episodes (DECOM order) each
    starting on or before the previous one's DEC (or after an open one), from its first DECOM
    to its last episode's DEC (open: no end)."""
    return f"SELECT * FROM {MISSING_E} WHERE start_outside_care"


@rule(
    "580",
    R,
    "Child is missing when cease being looked after but reason episode ceased not ‘E8’.",
    fields=["REC"],
    column="rec",
)
def r580() -> str:
    """An episode ceasing on the child's 18th birthday, the day a missing period of theirs
    ended, with REC other than E8 (or blank). A statement of its own, not a row filter of a
    derived table: no other rule reads the same tables (Episodes, Header, Missing), so a table
    derived for it would cost a statement too."""
    return """SELECT e.* FROM episodes e JOIN header h
        ON h.la_code = e.la_code AND h.child_id = e.child_id
        WHERE e.dec = h.date_of_birth + INTERVAL 18 YEAR AND e.rec IS DISTINCT FROM 'E8'
        AND EXISTS (SELECT 1 FROM missing m WHERE m.la_code = e.la_code
            AND m.child_id = e.child_id AND m.end_date = e.dec)"""
