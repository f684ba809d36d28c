"""SSDA903 Reviews rules: participation codes against the child's age, and reviews of children
on short breaks only (DfE codes and messages; logic per docs/quality.md). Each reads DOB, LS or
the review date, which measures read; ages come from the Header DOB."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import EPISODES_N, RESPITE
from csc_scorecard.quality.rules.ssda903.derived_c import REVIEWS_H

R = "ssda903"
REVIEW_FIELDS = ["DOB", "REVIEW", "REVIEW_CODE"]


@rule(
    "440",
    R,
    "Participation method indicates child was under 4 years old at the time of the review, but "
    "date of birth and review date indicates the child was 4 years old or over.",
    fields=REVIEW_FIELDS,
    column="review_code",
)
def r440() -> str:
    """REVIEW_CODE PN0 (child under 4) for a review after the child's 4th birthday."""
    return f"""SELECT * FROM {REVIEWS_H}
        WHERE review_code = 'PN0' AND review_date > date_of_birth + INTERVAL 4 YEAR"""


@rule(
    "441",
    R,
    "Participation method indicates child was 4 years old or over at the time of the review, "
    "but the date of birth and review date indicates the child was under 4 years old.",
    fields=REVIEW_FIELDS,
    column="review_code",
)
def r441() -> str:
    """REVIEW_CODE PN1-PN7 (ways a child of 4 or over took part) for a review before the
    child's 4th birthday."""
    codes = in_list("PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")
    return f"""SELECT * FROM {REVIEWS_H}
        WHERE review_code IN {codes} AND review_date < date_of_birth + INTERVAL 4 YEAR"""


@rule(
    "399",
    R,
    "Mother field, review field or participation field are completed but child is looked after "
    "under legal status V3 or V4.",
    fields=["MOTHER", "LS", "REVIEW", "REVIEW_CODE"],
    column="ls",
)
def r399() -> str:
    """A child all of whose episodes are short breaks (V3, V4) with MOTHER given or a review:
    the episodes, the Header row and the reviews (a statement of its own, not a row filter, as
    it flags rows of three tables). The breaks children's Header and review rows are found once
    by semi joins probing those few children (kept, as each is read twice), where an EXISTS
    against every review built its hash table over all the reviews; the reviews probed by the
    child id alone first (one text hashed, not two: 251,640 reviews 11.4 -> 6.1 ms CPU), then
    by authority and child. The breaks children are those whose short-break episodes are all
    their episodes (`episodes_n`'s `n_child`): the few short breaks grouped, not every
    episode."""
    return f"""WITH breaks AS (SELECT la_code, child_id FROM {EPISODES_N}
            WHERE coalesce(ls IN {RESPITE}, false)
            GROUP BY la_code, child_id, n_child HAVING count(*) = n_child),
        hb AS (SELECT h._table, h.la_code, h.load_id, h."row", h.child_id, h.cy_end, h.mother
            FROM header h SEMI JOIN breaks USING (la_code, child_id)),
        rb AS (SELECT r._table, r.la_code, r.load_id, r."row", r.child_id, r.cy_end,
                r.review_code, r.review_date IS NOT NULL OR r.review_code IS NOT NULL AS given
            FROM (SELECT * FROM reviews SEMI JOIN breaks USING (child_id)) r
            SEMI JOIN breaks USING (la_code, child_id)),
        kids AS (SELECT la_code, child_id FROM hb WHERE mother IS NOT NULL
            UNION SELECT la_code, child_id FROM rb WHERE given)
        SELECT e._table, e.la_code, e.load_id, e."row", e.child_id, e.cy_end, e.ls AS value,
               'LS' AS field FROM episodes e SEMI JOIN kids USING (la_code, child_id)
        UNION ALL
        SELECT h._table, h.la_code, h.load_id, h."row", h.child_id, h.cy_end,
               CAST(h.mother AS VARCHAR) AS value, 'MOTHER' AS field
        FROM hb h SEMI JOIN kids USING (la_code, child_id)
        UNION ALL
        SELECT r._table, r.la_code, r.load_id, r."row", r.child_id, r.cy_end,
               r.review_code AS value, 'REVIEW_CODE' AS field
        FROM rb r SEMI JOIN kids USING (la_code, child_id)"""
