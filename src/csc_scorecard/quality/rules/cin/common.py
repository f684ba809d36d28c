"""SQL pieces the CIN census rules share (no rules here).

A nested group (assessment, section 47 enquiry, plan) belongs to the episode of need whose
CINreferralDate it carries (`referral_date`): one episode is one (authority, child, referral
date).

A rule looking up other rows with a condition other than equality (a date before another) is
written as a SEMI (or ANTI) JOIN, not a correlated EXISTS: DuckDB decorrelates such an EXISTS
through a "delim join" (the distinct outer rows' correlated columns, hashed, joined and joined
back), which over a synthetic England's 2.4 million referrals a group cost 3-10 times the plain
join (8565 4.0 -> 1.3 CPU s, 8816 1.1 -> 0.3, 8555Q 0.9 -> 0.1: docs/benchmarks.md). The same
rows: a SEMI JOIN keeps a row when the condition holds for some row of the other table, as
EXISTS does, and never repeats it.

A rule's own query comparing two columns of one table (a date after another) is tested only
after the scan has read every column it returns of every row; a test of one column (`x IS NOT
NULL`) filters the scan itself and lets a table's statistics skip it. Where one of the two is
mostly blank, saying it is there, though the comparison needs it, is most of the saving (8565).
A fused row filter (`runner.fused_query`) reads every row anyway: there it changes nothing.
"""

from __future__ import annotations


def keyed(row: str, dfe_field: str, value: str, *, cast: bool = True) -> str:
    """SQL select list: row `row`'s identifying columns, the DfE field reported and its value
    (for a rule that flags rows of more than one table), as text; with `cast` False, as it is,
    for a query that casts it only on the few rows it keeps (text made for every row of a
    table is most of a cheap scan's cost)."""
    shown = f"CAST({row}.{value} AS VARCHAR)" if cast else f"{row}.{value}"
    return f"""{row}._table, {row}.la_code, {row}.load_id, {row}."row", {row}.child_id,
        {row}.cy_end, '{dfe_field}' AS field, {shown} AS value"""


def same_episode(row: str, episode: str) -> str:
    """SQL: row `row` belongs to the episode of need `episode` (a referrals row, or any row of
    the same episode)."""
    return f"""{row}.la_code = {episode}.la_code AND {row}.child_id = {episode}.child_id
        AND {row}.referral_date = {episode}.referral_date"""


def same_child(row: str, other: str) -> str:
    """SQL: rows `row` and `other` are of the same child."""
    return f"{row}.la_code = {other}.la_code AND {row}.child_id = {other}.child_id"


# What the rules read of a child's episodes of need (its scoped `referrals` rows), worked out
# once as the scope builds `child` (quality.scope: in the grouping of the referrals by child
# that a synthetic England's build does anyway, to find each child's year) and kept as columns
# of `child`, so the rules reading them are row filters of `child`, fused into its one scan,
# not each a join of every child with every referral (2 million children a group: 8590 0.47,
# 8540 0.51, 8775Q 0.23 CPU s), or a join that can leave out the children none of whose
# referrals it could flag (8606). Each: name -> (an aggregate over a referrals row `t`, the
# value for a child with no referral).
CHILD_FACTS: dict[str, tuple[str, str | None]] = {
    "has_referral": ("true", "false"),  # an episode of need at all (8590)
    "further_action": ("bool_or(t.referral_nfa IS FALSE)", "false"),  # ReferralNFA false
    "open_referral": ("bool_or(t.closure_date IS NULL)", "false"),  # no CINclosureDate
    "last_closure": ("max(t.closure_date)", None),  # the latest CINclosureDate
    "first_referral": ("min(t.referral_date)", None),  # the earliest CINreferralDate
}


def further_action(row: str) -> str:
    """SQL: the child of `child` row `row` has an episode of need whose ReferralNFA is false
    (`CHILD_FACTS`)."""
    return f"{row}.further_action"
