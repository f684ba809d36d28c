"""SSDA903 Missing rules on when a missing or away period ended: in the year, and closed when
the placement or the period of care it happened in ended (DfE codes and messages; logic per
docs/quality.md)."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.sql import periods_numbered

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
    return "SELECT * FROM missing WHERE end_date < cy_start OR end_date > cy_end"


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
    return """SELECT m.* FROM missing m WHERE m.end_date IS NULL AND EXISTS (
        SELECT 1 FROM episodes e WHERE e.la_code = m.la_code AND e.child_id = m.child_id
            AND m.start_date BETWEEN e.decom AND e.dec)"""


def periods_of_care() -> str:
    """Each child's periods of care from the episodes with a DECOM, in DECOM order: a period
    starts at a child's first episode and at each episode starting after the previous one
    ended; `poc_start` is its first DECOM, `poc_end` the DEC of its last episode (blank while
    open)."""
    return f"""SELECT la_code, child_id, period, min(decom) AS poc_start,
            arg_max_null(dec, n) AS poc_end
        FROM ({periods_numbered()}) GROUP BY la_code, child_id, period"""


def outside_every_period_of_care(table: str, a: str) -> str:
    """Rows of `table` (alias `a`, with start_date and end_date) that start and fit none of the
    child's periods of care: for every period, the row has no end and the period has ended or
    began after the row's start, or the row ends after the period's end or before its start. A
    child with no episodes is not checked. Rules 577 (missing periods) and 707 (DoLO orders)."""
    outside = f"""(coalesce({a}.end_date IS NULL AND p.poc_end IS NOT NULL, false)
        OR coalesce({a}.end_date IS NULL AND {a}.start_date < p.poc_start, false)
        OR coalesce({a}.end_date > p.poc_end, false) OR coalesce({a}.end_date < p.poc_start, false))"""
    return f"""WITH p AS ({periods_of_care()})
        SELECT {a}.* FROM {table} {a} WHERE {a}.start_date IS NOT NULL
        AND EXISTS (SELECT 1 FROM p WHERE p.la_code = {a}.la_code AND p.child_id = {a}.child_id)
        AND NOT EXISTS (SELECT 1 FROM p WHERE p.la_code = {a}.la_code AND p.child_id = {a}.child_id
            AND NOT {outside})"""


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
    return outside_every_period_of_care("missing", "m")
