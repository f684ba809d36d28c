"""SSDA903 DoLo rules (2026-27 on): deprivation of liberty orders, their dates against each other,
the year, the child's date of birth, the child's periods of care and placements (DfE codes and
messages; logic per docs/quality.md). An order is a row of `dolo` (canonical `dolo_orders`); the
rules read it as `dolo_c` (with the order before it and its unreadable DOLO_END) or `dolo_e`
(with what the child's episodes say), worked out once per run (derived_c.py)."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.ssda903.derived_c import DOLO_C, DOLO_E

R = "ssda903"
YEARS = (2027, None)


@rule(
    "700",
    R,
    "The start date of the DoLO is not a valid date.",
    fields=["DOLO_START"],
    column="start_date",
    years=YEARS,
)
def r700() -> str:
    """DOLO_START blank or not a date (ingest loads an unreadable one blank)."""
    return f"SELECT * FROM {DOLO_C} WHERE start_date IS NULL"


@rule(
    "701",
    R,
    "The end date of the DoLO is not a valid date.",
    fields=["DOLO_END"],
    column="end_date_text",
    years=YEARS,
)
def r701() -> str:
    """DOLO_END given but not a date: blank in the store with an unreadable-value issue."""
    return f"SELECT * FROM {DOLO_C} WHERE end_date IS NULL AND end_date_unreadable"


@rule(
    "702",
    R,
    "The date that the DoLO ended is before the date that it started.",
    fields=["DOLO_START", "DOLO_END"],
    column="end_date",
    years=YEARS,
)
def r702() -> str:
    """DOLO_END on or before DOLO_START (an order ending the day it starts is flagged too, as
    DfE's validator does)."""
    return f"SELECT * FROM {DOLO_C} WHERE end_date <= start_date"


@rule(
    "703",
    R,
    "The date that the DoLO started is after the end of the collection year.",
    fields=["DOLO_START"],
    column="start_date",
    years=YEARS,
)
def r703() -> str:
    """DOLO_START after 31 March of the collection year."""
    return f"SELECT * FROM {DOLO_C} WHERE start_date > cy_end"


@rule(
    "704",
    R,
    "The date that the DoLO ended is before the start or after the end of the collection year.",
    fields=["DOLO_END"],
    column="end_date",
    years=YEARS,
)
def r704() -> str:
    """DOLO_END before 1 April or after 31 March of the collection year."""
    return f"SELECT * FROM {DOLO_C} WHERE end_date < cy_start OR end_date > cy_end"


@rule(
    "705",
    R,
    "A DoLO cannot start when the previous DoLO is still open.",
    fields=["DOLO_START", "DOLO_END"],
    column="start_date",
    years=YEARS,
)
def r705() -> str:
    """Each child's orders in order of their end (an open order at its start) then start: an
    order is flagged when the one before it has no DOLO_END, or ended after this one started."""
    return f"SELECT * FROM {DOLO_C} WHERE has_prev AND (prev_open OR start_date < prev_end)"


@rule(
    "706",
    R,
    "There is an open DoLO in last year’s return and there is no corresponding DoLO recorded at "
    "the start of this year.",
    fields=["DOLO_START"],
    column="child_id",
    years=YEARS,
)
def r706() -> str:
    """A child of this year's return (its Header row is flagged) with an order open (DOLO_START,
    no DOLO_END) in last year's return that no order of this year starts on the same day. A
    statement of its own, not a row filter of a derived table: no other rule reads the same
    tables (DoLo, last year's DoLo, Header), so a table derived for it would cost a statement
    too."""
    return """SELECT DISTINCT h.* FROM header h JOIN dolo_last l ON l.child_id = h.child_id
        WHERE l.start_date IS NOT NULL AND l.end_date IS NULL
        AND NOT EXISTS (SELECT 1 FROM dolo o WHERE o.la_code = h.la_code
            AND o.child_id = h.child_id AND o.start_date = l.start_date)"""


@rule(
    "707",
    R,
    "Child ceased to be looked after but there is a DoLO without an end date.",
    fields=["DOLO_END"],
    column="end_date",
    years=YEARS,
)
def r707() -> str:
    """An order (with DOLO_START) that fits none of the child's periods of care: for every
    period, it has no DOLO_END and the period has ended or began after DOLO_START, or its
    DOLO_END is after the period's end or before its start (as rule 577 for missing periods).
    A child with no episodes is not checked."""
    return f"SELECT * FROM {DOLO_E} WHERE outside_care"


@rule(
    "708",
    R,
    "Dates of DoLOs are before child’s date of birth.",
    fields=["DOLO_START"],
    column="start_date",
    years=YEARS,
)
def r708() -> str:
    """DOLO_START on or before the child's date of birth (the Header's). A statement of its own,
    not a row filter of a derived table: no other rule reads the same tables (DoLo, Header), so
    a table derived for it would cost a statement too."""
    return """SELECT o.* FROM dolo o JOIN header h ON h.la_code = o.la_code
        AND h.child_id = o.child_id WHERE o.start_date <= h.date_of_birth"""


@rule(
    "709",
    R,
    "Child with a DoLO is in an unexpected placement type.",
    fields=["DOLO_START", "PLACE"],
    column="start_date",
    years=YEARS,
)
def r709() -> str:
    """An order overlapping an episode whose placement is not K2, Z12 or Z13 (blank counts as
    not)."""
    return f"""SELECT * FROM {DOLO_E} WHERE start_date IS NOT NULL AND end_date IS NOT NULL
        AND placed_unexpected"""


@rule(
    "710",
    R,
    "Child with a DoLO can not be placed in secure children's homes, with parents, young "
    "offender institutions, or supported accommodation.",
    fields=["DOLO_START", "PLACE"],
    column="start_date",
    years=YEARS,
)
def r710() -> str:
    """An order overlapping an episode placed in K1, P1, R5 or K3."""
    return f"""SELECT * FROM {DOLO_E} WHERE start_date IS NOT NULL AND end_date IS NOT NULL
        AND placed_refused"""
