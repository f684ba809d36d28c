"""SSDA903 Missing rules on when a missing or away period ended: in the year, and closed when
the placement or the period of care it happened in ended (DfE codes and messages; logic per
docs/quality.md)."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.ssda903.derived_c import MISSING_C, MISSING_E

R = "ssda903"


@rule(
    "571",
    R,
    "The date that the child ceased to be missing or away from placement without authorisation "
    "is before the start or after the end of the collection year.",
    fields=["MIS_END"],
    column="end_date",
)
def r571() -> str:
    """MIS_END before 1 April or after 31 March of the collection year."""
    return f"SELECT * FROM {MISSING_C} WHERE end_date < cy_start OR end_date > cy_end"


@rule(
    "575",
    R,
    "If the placement from which the child goes missing/away from placement without "
    "authorisation ends, the missing/away from placement without authorisation period in the "
    "missing module must also have an end date.",
    fields=["MIS_END"],
    column="end_date",
)
def r575() -> str:
    """A missing period with no MIS_END that started within an episode that has ended (MIS_START
    from DECOM to DEC)."""
    return f"SELECT * FROM {MISSING_E} WHERE end_date IS NULL AND in_ended_episode"


@rule(
    "577",
    R,
    "Child ceased to be looked after but there is a missing/away from placement without "
    "authorisation period without an end date.",
    fields=["MIS_END"],
    column="end_date",
)
def r577() -> str:
    """A missing period (with MIS_START) that fits none of the child's periods of care: for every
    period, it has no MIS_END and the period has ended or began after MIS_START, or its MIS_END
    is after the period's end or before its start. A child with no episodes is not checked."""
    return f"SELECT * FROM {MISSING_E} WHERE outside_care"
