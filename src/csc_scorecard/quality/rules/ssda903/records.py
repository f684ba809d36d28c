"""SSDA903 rules on which records a child should or should not have: rows for a child with no
episode, a child adopted from care before, a looked-after girl with no mother status (DfE codes
and messages; logic per docs/quality.md)."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import EPISODES_N, both_rows, of_children_in
from csc_scorecard.quality.rules.ssda903 import derived

R = "ssda903"
# Tables that need an episode of the child in the return (rule 1012; the adoptions table holds
# both AD1 and PlacedAdoption rows).
NEED_EPISODE = ("adoptions", "missing", "reviews", "prevperm", "oc2")
# Reasons an episode ends in adoption (rule 199).
ADOPTED = in_list(*derived.ADOPTED)


@rule(
    "1012",
    R,
    "No other data should be returned for OC3 children who had no episodes in the current year",
    fields=["CHILD"],
    column="child_id",
    any_rows=True,
)
def r1012() -> str:
    """A PlacedAdoption, Missing, Reviews, AD1, PrevPerm or OC2 row of a child with no episode,
    in a return that has episodes (it runs on whichever of those tables have rows; rows of six
    tables, so its own statement, not a row filter). The six tables' rows are put together
    before the one look-up of the episodes: a look-up each built the episodes' hash table six
    times. The look-up is of each child's first episode (`episodes_n`, n = 1: one row a child,
    the same children), so the hash table holds each child once."""
    rows = "\n            UNION ALL ".join(
        f"""SELECT _table, la_code, load_id, "row", child_id, cy_end FROM {table}"""
        for table in NEED_EPISODE
    )
    return f"""SELECT t._table, t.la_code, t.load_id, t."row", t.child_id, t.cy_end,
            t.child_id AS value FROM ({rows}) t
            ANTI JOIN (SELECT la_code, child_id FROM {EPISODES_N} WHERE n = 1) e
                ON e.la_code = t.la_code AND e.child_id = t.child_id
            WHERE EXISTS (SELECT 1 FROM episodes)"""


@rule(
    "199",
    R,
    "Episode information shows child has been previously adopted from care. [NOTE: This only "
    "tests the current and previous year data loaded into the tool]",
    fields=["REC"],
    column="rec",
)
def r199() -> str:
    """In DECOM order, every episode after the child's first that ended in adoption (REC E11,
    E12): a later episode, or a second adoption (episodes without a DECOM are not ordered and
    not checked; the count so far is `episodes_n`'s, rules/ssda903/derived.py)."""
    return f"""SELECT * FROM {EPISODES_N} WHERE adopted_so_far > 1
        OR (adopted_so_far = 1 AND NOT coalesce(rec IN {ADOPTED}, false))"""


@rule(
    "393",
    R,
    "Child is looked after but mother field is not completed.",
    fields=["MOTHER", "SEX", "LS"],
    column="mother",
)
def r393() -> str:
    """A girl (SEX female) with MOTHER blank who has an episode other than a short break
    (LS V3, V4)."""
    return (
        f"SELECT * FROM {derived.HEADER_X} WHERE sex = 'F' AND NOT mother_given AND ep_not_respite"
    )


@rule(
    "117",
    R,
    "Date of decision that a child should/should no longer be placed for adoption is beyond the "
    "current collection year or after the child ceased to be looked after.",
    fields=["DATE_PLACED_CEASED", "DATE_PLACED", "DEC", "REC", "DECOM"],
    column="adm_decision_date",
)
def r117() -> str:
    """A PlacedAdoption decision that the child should be placed for adoption (DATE_PLACED) or
    its reversal (DATE_PLACED_CEASED) after 31 March, or after the DEC of the child's latest
    episode (by DECOM) not ending X1: the PlacedAdoption row and that episode (rows of two
    tables, so its own statement, not a row filter)."""
    latest = f"""SELECT * FROM (SELECT e.*, row_number() OVER (PARTITION BY la_code, child_id
            ORDER BY decom DESC, load_id, "row") AS k
        FROM episodes e WHERE decom IS NOT NULL AND rec IS DISTINCT FROM 'X1'
            AND {of_children_in("placed")}) WHERE k = 1"""
    late = "(a.{c} > a.cy_end OR a.{c} > e.dec)"
    pairs = f"""FROM ({latest}) e JOIN placed a ON a.la_code = e.la_code
        AND a.child_id = e.child_id WHERE {late.format(c="adm_decision_date")}
        OR {late.format(c="decision_reversed_date")}"""
    return both_rows(
        pairs,
        ("e", "CAST(e.dec AS VARCHAR)", "DEC", True),
        ("a", "CAST(a.adm_decision_date AS VARCHAR)", "DATE_PLACED", True),
    )
