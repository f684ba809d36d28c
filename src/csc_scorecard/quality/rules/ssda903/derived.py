"""The 903 derived tables the episode rules read, each built once per run (quality.scope) so
that the rules over them are plain row filters, fused into one scan (quality.runner).

`episodes_n`: each episode with its child's previous and next episodes (windows in DECOM order)
and what the child's other episodes say of it, worked out once per run rather than once per
rule: the spell of consecutive episodes under the same short legal status it is in and that
spell's days (rules 361-364), per child and collection year the days of single short breaks,
the T3 placements and the short-break legal statuses (367, 377, 426), and the adoptions so far
(199). The aggregates are worked out over the few episodes they concern and joined back, not
as windows over every episode (windows of four partitionings cost 0.7 CPU s on 101,000
episodes; docs/benchmarks.md).

`episodes_h`: each episode's key and the columns its rules read, with its child's Header row
joined once (`h_found`, `h_dob`; an episode whose child has two Header rows is there twice, as
a join of the two tables gives it, and one with none once with `h_found` false), for the rules
comparing an episode with the child's date of birth. Narrow: copying every column of 101,000
episodes again cost more than the join.
"""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list
from csc_scorecard.quality.rules.sql import RESPITE, given, in_bad

EPISODES_H = "episodes_h"

# Legal statuses whose spells rules 361-364 time (police protection, EPO, CAO, PACE).
SPELL_STATUSES = ("L1", "L2", "L3", "J2")
# Reasons an episode ends in adoption (rule 199).
ADOPTED = ("E11", "E12")

# A V3 episode's days within its collection year (DEC or 31 March, less DECOM, each cut to it).
_V3_DAYS = """CASE WHEN ls = 'V3' AND decom IS NOT NULL THEN date_diff('day',
    greatest(decom, cy_start), least(coalesce(dec, cy_end), cy_end)) END"""


# The previous episode's columns `episodes_n` carries (`prev_*`), and the episode columns it
# leaves out: only what its rules and the derived tables reading it read (tests/
# test_quality_fused.py binds every rule), as each column is sorted with the window and
# written for 101,000 episodes (prev_decom, prev_rne, home_post and pl_location, read by none:
# the statement's best of 8 alternating pairs 0.36 -> 0.32 CPU s, load 6-8).
PREVIOUS = ("dec", "rec", "place", "ls", "cin", "pl_post", "urn", "place_provider")
PREVIOUS += ("reason_place_change",)
UNREAD = ("home_post", "pl_location")


def episodes_with_neighbours() -> str:
    """Episodes with the previous and next episode of the same child (by DECOM, nulls last,
    then file order): `prev_*` (of PREVIOUS), `next_*`, `n` (position) and `n_child`
    (episodes of the child), and the episode before the previous one's `place_before` and
    `pl_post_before`; and:
    `spell_days`, for an episode with a DECOM under one of SPELL_STATUSES, the days from the
    first DECOM to the last DEC (an open episode: 31 March) of its spell, the child's
    consecutive episodes under that status each starting the day the one before ceased (NULL
    otherwise); `v3_days`, a V3 episode's days within its collection year, and `v3_year_days`
    the sum of the child's positive ones that year; `t3_in_year`, the child's T3 episodes that
    year; `respite_statuses`, the distinct short-break legal statuses (V3, V4) among the
    child's episodes that year; `adopted_so_far`, for an episode with a DECOM of a child with
    an adoption (REC E11, E12), the child's episodes ending in adoption up to and including
    this one in DECOM order (NULL otherwise); `dec_given`, DEC read or given but unreadable
    (`sql.given`), and `dec_on_line`, `bad` holds a DEC text on the episode's line whatever the
    child (rules 233, 148). Built once per run as the scoped table
    `episodes_n` (quality.scope), which rules read."""
    w = 'PARTITION BY la_code, child_id ORDER BY decom NULLS LAST, load_id, "row"'
    previous = ", ".join(f"lag({c}) OVER ({w}) AS prev_{c}" for c in PREVIOUS)
    adopted = in_list(*ADOPTED)
    unread = ", ".join(UNREAD)
    spell = in_list(*SPELL_STATUSES)
    # One window over every episode, read once: the spells (s), the years' short breaks (y)
    # are worked out from `episodes` itself, over the few episodes they concern, and the
    # adoptions so far in the window (a running count, kept for a child with an adoption),
    # not from the windowed episodes as a CTE, which DuckDB wrote out whole and read five times
    # (a synthetic England's 879,130 episodes: 2.70 -> 2.0 CPU s).
    return f"""WITH s AS (SELECT la_code, child_id, n, ls, decom, coalesce(dec, cy_end) AS until,
                sum(CASE WHEN prev_ls = ls AND coalesce(prev_dec, cy_end) = decom THEN 0 ELSE 1 END)
                OVER (PARTITION BY la_code, child_id, ls ORDER BY n) AS spell
            FROM (SELECT la_code, child_id, ls, decom, dec, cy_end, lag(ls) OVER ({w}) AS prev_ls,
                    lag(dec) OVER ({w}) AS prev_dec, row_number() OVER ({w}) AS n
                FROM episodes WHERE (la_code, child_id) IN (SELECT la_code, child_id
                    FROM episodes WHERE ls IN {spell} AND decom IS NOT NULL))
            WHERE ls IN {spell} AND decom IS NOT NULL),
        sd AS (SELECT s.la_code, s.child_id, s.n,
                date_diff('day', g.spell_start, g.spell_until) AS spell_days
            FROM s JOIN (SELECT la_code, child_id, ls, spell, min(decom) AS spell_start,
                    max(until) AS spell_until FROM s GROUP BY la_code, child_id, ls, spell) g
                ON g.la_code IS NOT DISTINCT FROM s.la_code
                AND g.child_id IS NOT DISTINCT FROM s.child_id AND g.ls = s.ls
                AND g.spell = s.spell),
        y AS (SELECT la_code, child_id, cy_end,
                sum(CASE WHEN v3_days > 0 THEN v3_days END) AS v3_year_days,
                count(CASE WHEN place = 'T3' THEN 1 END) AS t3_in_year,
                count(DISTINCT CASE WHEN ls IN {RESPITE} THEN ls END) AS respite_statuses
            FROM (SELECT la_code, child_id, cy_end, ls, place, {_V3_DAYS} AS v3_days
                FROM episodes WHERE ls IN {RESPITE} OR place = 'T3')
            GROUP BY la_code, child_id, cy_end),
        e AS (SELECT e.* EXCLUDE ({unread}), {previous},
            lead(decom) OVER ({w}) AS next_decom, lead(place) OVER ({w}) AS next_place,
            lead(rne) OVER ({w}) AS next_rne, lag(place, 2) OVER ({w}) AS place_before,
            lag(pl_post, 2) OVER ({w}) AS pl_post_before, row_number() OVER ({w}) AS n,
            count(*) OVER (PARTITION BY la_code, child_id) AS n_child,
            {_V3_DAYS} AS v3_days, {given("e", "dec")} AS dec_given,
            {in_bad("e", "dec", any_child=True)} AS dec_on_line,
            sum(CASE WHEN rec IN {adopted} THEN 1 ELSE 0 END)
                OVER ({w} ROWS UNBOUNDED PRECEDING) AS _adopted_run,
            bool_or(rec IN {adopted}) OVER (PARTITION BY la_code, child_id) AS _adopted_child
            FROM episodes e)
        SELECT e.* EXCLUDE (_adopted_run, _adopted_child), sd.spell_days, y.v3_year_days,
            coalesce(y.t3_in_year, 0) AS t3_in_year,
            coalesce(y.respite_statuses, 0) AS respite_statuses,
            CASE WHEN e.decom IS NOT NULL AND e._adopted_child AND e.la_code IS NOT NULL
                AND e.child_id IS NOT NULL THEN e._adopted_run END AS adopted_so_far
        FROM e LEFT JOIN sd ON sd.la_code = e.la_code AND sd.child_id = e.child_id AND sd.n = e.n
        LEFT JOIN y ON y.la_code = e.la_code AND y.child_id = e.child_id
            AND y.cy_end IS NOT DISTINCT FROM e.cy_end"""


# The columns of an episode `episodes_h` keeps (with KEY and the Header's): what its rules read.
EPISODE_H_COLUMNS = ("cy_start", "decom", "dec", "rec", "ls", "place", "reason_place_change")
EPISODE_H_COLUMNS += ("home_post", "pl_post")


def episodes_h() -> str:
    """The episodes' key and EPISODE_H_COLUMNS with the child's Header row: `h_found` (the
    child has one) and its DOB `h_dob`; and `child_uasc`, whether any Header row of the child
    says UASC."""
    own = ", ".join(f"e.{c}" for c in EPISODE_H_COLUMNS)
    return f"""SELECT e._table, e.la_code, e.load_id, e."row", e.child_id, e.cy_end, {own},
        h.child_id IS NOT NULL AS h_found, h.date_of_birth AS h_dob,
        EXISTS (SELECT 1 FROM header u WHERE u.la_code = e.la_code
            AND u.child_id = e.child_id AND u.uasc) AS child_uasc
        FROM episodes e LEFT JOIN header h ON h.la_code = e.la_code AND h.child_id = e.child_id"""


HEADER_X = "header_x"


def header_x() -> str:
    """The Header rows' key, SEX, MOTHER and UPN, each with what the child's episodes say:
    `mother_given` (MOTHER read, or given but unreadable: `sql.given`), `ep_not_respite` (an
    episode other than a short break, V3 or V4), `ep_open` (an episode with a DECOM and no
    DEC) and `ep_week_before` (an episode looked after on 24 March of the row's collection
    year: begun before it and not ended by then); rules 393 and 210."""
    week_before = "make_date(year(k.cy_end), 3, 24)"
    # one grouping of the children's episodes for the three (as EXISTS, three joins), by the
    # Header rows' children and years themselves: a child's second Header row of a year only
    # repeats its episodes, which bool_or reads once (no DISTINCT of the Header first)
    return f"""WITH x AS (SELECT k.la_code, k.child_id, k.cy_end,
            bool_or(NOT coalesce(e.ls IN {RESPITE}, false)) AS ep_not_respite,
            bool_or(e.decom IS NOT NULL AND e.dec IS NULL) AS ep_open,
            bool_or(e.decom < {week_before} AND (e.dec IS NULL OR e.dec >= {week_before}))
                AS ep_week_before
        FROM header k
        JOIN episodes e ON e.la_code = k.la_code AND e.child_id = k.child_id
        GROUP BY k.la_code, k.child_id, k.cy_end)
    SELECT h._table, h.la_code, h.load_id, h."row", h.child_id, h.cy_end, h.sex,
        h.mother, h.upn, {given("h", "mother")} AS mother_given,
        coalesce(x.ep_not_respite, false) AS ep_not_respite,
        coalesce(x.ep_open, false) AS ep_open,
        coalesce(x.ep_week_before, false) AS ep_week_before
    FROM header h LEFT JOIN x ON x.la_code = h.la_code AND x.child_id = h.child_id
        AND x.cy_end IS NOT DISTINCT FROM h.cy_end"""
