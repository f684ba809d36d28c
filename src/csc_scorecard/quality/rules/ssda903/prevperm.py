"""SSDA903 PrevPerm rules: the permanence order a child had before entering care (DfE codes and
messages; logic per docs/quality.md). They read RNE and DECOM, which the measures of periods
of care read. DATE_PERM is kept as written (partial dates such as ZZ/05/2021 are allowed)."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.sql import EPISODES_N, both_rows, row_keys
from csc_scorecard.quality.rules.ssda903.derived_b import EPISODES_B

R = "ssda903"


@rule(
    "630",
    R,
    "Information on previous permanence option should be returned.",
    fields=["RNE"],
    column="rne",
    reads=("prevperm",),
)
def r630() -> str:
    """An episode starting a period of care (RNE S) in the year, of a child with no PrevPerm
    row, a blank PREV_PERM, or a PREV_PERM other than Z1 (none) without LA_PERM or
    DATE_PERM."""
    return f"""SELECT * FROM {EPISODES_B} e WHERE e.rne = 'S' AND e.decom >= e.cy_start
        AND (e.prevperm_none OR e.prevperm_incomplete)"""


@rule(
    "634",
    R,
    "There are entries for previous permanence options, but child has not started to be looked "
    "after from 1 April 2016 onwards.",
    fields=["LA_PERM", "PREV_PERM", "DATE_PERM", "DECOM"],
    column="prev_perm",
)
def r634() -> str:
    """A PrevPerm row with anything given, of a child whose latest episode began before the
    collection year: the row and the child's episodes. A statement of its own, not a row
    filter: it flags rows of two tables, each fault naming its own field. The episodes are
    those of the flagged children (a semi join: each episode once, no DISTINCT of a join).
    The latest DECOM is that of the child's last dated episode in `episodes_n`'s order (DECOM,
    blanks last): the dated one followed by none dated, not a grouping of every episode (a
    child with no dated episode has none, as `max` gives NULL)."""
    where = f"""FROM prevperm p JOIN (SELECT la_code, child_id, decom AS last_decom
            FROM {EPISODES_N} WHERE decom IS NOT NULL AND next_decom IS NULL) x
            ON x.la_code = p.la_code AND x.child_id = p.child_id
        WHERE (p.prev_perm IS NOT NULL OR p.la_perm IS NOT NULL OR p.date_perm IS NOT NULL)
          AND x.last_decom < p.cy_start"""
    return f"""WITH flagged AS (SELECT p.* {where})
        SELECT _table, la_code, load_id, "row", child_id, cy_end,
               prev_perm AS value, 'PREV_PERM' AS field FROM flagged
        UNION ALL
        SELECT {row_keys("e")}, CAST(e.decom AS VARCHAR) AS value, 'DECOM' AS field
        FROM episodes e WHERE (e.la_code, e.child_id) IN (SELECT la_code, child_id FROM flagged)"""


def with_perm_date(rows: str) -> str:
    """SQL: the rows of `rows` (a table, or a query in brackets, with `date_perm`) given a
    DATE_PERM, each with `perm_date`: DATE_PERM (DD/MM/YYYY, where DD or MM may be ZZ and YYYY
    ZZZZ when not known) as the latest date it can mean: an unknown day is the month's last,
    an unknown month the year's last day; NULL when it is not such a date. Its parts split
    once and the date read once, in nested queries, not the split and the read written out in
    each branch of the CASE (nine splits, three reads: ~1 ms CPU of planning a run)."""
    base = """try_strptime(replace(_parts[1], 'ZZ', '01') || '/' || replace(_parts[2], 'ZZ', '01')
        || '/' || replace(_parts[3], 'ZZZZ', '2000'), '%d/%m/%Y')::DATE"""
    return f"""(SELECT q.* EXCLUDE (_parts, _base), (CASE WHEN len(q._parts) <> 3 THEN NULL
            WHEN q._parts[2] = 'ZZ' THEN q._base + INTERVAL 1 YEAR - INTERVAL 1 DAY
            WHEN q._parts[1] = 'ZZ' THEN q._base + INTERVAL 1 MONTH - INTERVAL 1 DAY
            ELSE q._base END)::DATE AS perm_date
        FROM (SELECT s.*, {base} AS _base
            FROM (SELECT r.*, string_split(r.date_perm, '/') AS _parts FROM {rows} r
                WHERE r.date_perm IS NOT NULL) s) q)"""


@rule(
    "632",
    R,
    "Date of previous permanence order not a valid value.",
    fields=["DATE_PERM", "DECOM"],
    column="date_perm",
)
def r632() -> str:
    """DATE_PERM given but not a date (DD/MM/YYYY, parts ZZ when unknown), or, read as the
    latest date it can mean, on or after the start of the child's first episode: the
    PrevPerm row and that episode. A statement of its own, not a row filter: it flags rows
    of two tables, each fault naming its own field."""
    # the child's first episode: first in `episodes_n`'s order (DECOM, blank last), if dated
    where = f"""FROM {EPISODES_N} e
        JOIN {with_perm_date("prevperm")} p
            ON p.la_code = e.la_code AND p.child_id = e.child_id
        WHERE e.n = 1 AND e.decom IS NOT NULL AND p.date_perm IS NOT NULL
            AND (p.perm_date IS NULL OR p.perm_date >= e.decom)"""
    return both_rows(
        where,
        ("p", "p.date_perm", "DATE_PERM", True),
        ("e", "CAST(e.decom AS VARCHAR)", "DECOM", False),
    )
