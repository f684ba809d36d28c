"""The 903 derived tables the episode rules read, each built once per run (quality.scope) so
that the rules over them are plain row filters, fused into one scan (quality.runner).

`episodes_x` (from `episodes_n`, rules/sql.py: each episode with its child's previous and next
episodes): each episode with what its child's other episodes say of it, worked out once per
run rather than once per rule: the spell of consecutive episodes under the same short legal
status it is in and that spell's days (rules 361-364), and per child and collection year the
days of single short breaks, the T3 placements and the short-break legal statuses (367, 377,
426). `episodes_h` (from `episodes_x`): each episode with its child's Header row joined once
(`h_*` columns; an episode whose child has two Header rows is there twice, as a join of the
two tables gives it, and one with none once with `h_found` false), for the rules comparing an
episode with the child's date of birth.
"""

from __future__ import annotations

from csc_scorecard.quality.rules.sql import EPISODES_N, RESPITE

EPISODES_X = "episodes_x"
EPISODES_H = "episodes_h"

# Legal statuses whose spells rules 361-364 time (police protection, EPO, CAO, PACE).
SPELL_STATUSES = ("L1", "L2", "L3", "J2")


def episodes_x() -> str:
    """`episodes_n` with, per episode: `spell_days`, for an episode with a DECOM under one of
    SPELL_STATUSES, the days from the first DECOM to the last DEC (an open episode: 31 March)
    of its spell, the child's consecutive episodes (DECOM order) under that status, each
    starting the day the one before ceased (NULL otherwise); `v3_days`, a V3 episode's days
    within its collection year (DEC or 31 March, less DECOM, each cut to the year) and
    `v3_year_days` the sum of the child's positive ones that year; `t3_in_year`, the child's
    T3 episodes that year; `respite_statuses`, the distinct short-break legal statuses (V3,
    V4) among the child's episodes that year."""
    statuses = ", ".join(f"'{s}'" for s in SPELL_STATUSES)
    year = "PARTITION BY la_code, child_id, cy_end"
    spell = "PARTITION BY la_code, child_id, ls, spell"
    return f"""WITH s AS (
            SELECT *, CASE WHEN ls IN ({statuses}) AND decom IS NOT NULL THEN
                sum(CASE WHEN prev_ls = ls AND coalesce(prev_dec, cy_end) = decom THEN 0 ELSE 1 END)
                OVER (PARTITION BY la_code, child_id, ls, decom IS NOT NULL ORDER BY n) END AS spell,
                CASE WHEN ls = 'V3' AND decom IS NOT NULL THEN date_diff('day',
                    greatest(decom, cy_start), least(coalesce(dec, cy_end), cy_end)) END AS v3_days
            FROM {EPISODES_N})
        SELECT *, CASE WHEN spell IS NOT NULL THEN date_diff('day', min(decom) OVER ({spell}),
                max(coalesce(dec, cy_end)) OVER ({spell})) END AS spell_days,
            sum(CASE WHEN v3_days > 0 THEN v3_days END) OVER ({year}) AS v3_year_days,
            count(CASE WHEN place = 'T3' THEN 1 END) OVER ({year}) AS t3_in_year,
            count(DISTINCT CASE WHEN ls IN {RESPITE} THEN ls END) OVER ({year})
                AS respite_statuses
        FROM s"""


def episodes_h() -> str:
    """`episodes_x` with the child's Header row: `h_found` (the child has one) and its DOB
    `h_dob`."""
    return f"""SELECT x.*, h.child_id IS NOT NULL AS h_found, h.date_of_birth AS h_dob
        FROM {EPISODES_X} x LEFT JOIN header h
        ON h.la_code = x.la_code AND h.child_id = x.child_id"""
