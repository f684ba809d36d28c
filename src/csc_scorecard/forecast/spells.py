"""A child's spells in care for the placement projection: runs of 903 episodes in one
placement group with no gap, as known at a date (episodes starting later are dropped, later
ends are treated as open, so a back-test fits honestly)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from csc_scorecard.forecast.ledger import DAYS_A_YEAR, OPEN
from csc_scorecard.forecast.projection_settings import (
    ProjectionSettings,
    group_index,
    projection_settings,
)
from csc_scorecard.store import Store


@dataclass(frozen=True)
class Spells:
    """Runs of episodes in one placement group (dates as ordinals; `end` OPEN while open)."""

    child: np.ndarray  # int codes
    dob: np.ndarray
    group: np.ndarray
    start: np.ndarray
    end: np.ndarray
    entry: np.ndarray  # bool: begins a period of care (not a move from another group)
    end_kind: np.ndarray  # 0 open, 1 exit, 2 move
    next_group: np.ndarray  # group moved to (-1 unless a move)
    known_at: date
    missing_dob: int = 0

    def open_at(self, day: date) -> np.ndarray:
        """Looked after at the end of `day`: started on or before it, not ended on or before it."""
        d = day.toordinal()
        return (self.start <= d) & (self.end > d)

    def counts_at(self, days: list[date], n_groups: int) -> np.ndarray:
        """Children looked after at the end of each day, by group: shape (len(days), n_groups)."""
        return (
            np.stack([np.bincount(self.group[self.open_at(d)], minlength=n_groups) for d in days])
            if days
            else np.zeros((0, n_groups), dtype=np.int64)
        )


def read_spells(
    store: Store, la_code: str, known_at: date, cfg: ProjectionSettings | None = None
) -> Spells:
    """The authority's 903 episodes as known at `known_at`, joined into spells."""
    cfg = cfg or projection_settings()
    short = (
        f"AND (e.ls IS NULL OR e.ls NOT IN ({', '.join('?' * len(cfg.short_breaks))}))"
        if cfg.short_breaks
        else ""
    )
    cur = store.con.cursor()
    try:
        rows = cur.execute(
            f"""SELECT e.child_id, e.decom, CASE WHEN e.dec > ? THEN NULL ELSE e.dec END,
                       e.place, e.place_provider, c.date_of_birth
                FROM cla_episodes e
                LEFT JOIN children c ON c.la_code = e.la_code AND c.child_id = e.child_id
                WHERE e.la_code = ? AND e.decom IS NOT NULL AND e.decom <= ? {short}
                ORDER BY e.child_id, e.decom, e.dec NULLS LAST""",
            [known_at, la_code, known_at, *cfg.short_breaks],
        ).fetchall()
    finally:
        cur.close()
    return spells_from_episodes(rows, known_at, cfg)


def spells_from_episodes(rows: list[tuple], known_at: date, cfg: ProjectionSettings) -> Spells:
    """Spells from (child, decom, dec|None, place, provider, dob|None) rows sorted by child, decom."""
    n = len(rows)
    if n == 0:
        z = np.array([], dtype=np.int64)
        return Spells(z, z, z, z, z, np.array([], bool), z, z, known_at)
    child_ids, decom, dec, place, provider, dob = (list(c) for c in zip(*rows, strict=True))
    _, child = np.unique(np.array(child_ids, dtype=object), return_inverse=True)
    start = np.array([d.toordinal() for d in decom], dtype=np.int64)
    end = np.array([OPEN if d is None else d.toordinal() for d in dec], dtype=np.int64)
    group = group_index(cfg, np.array(place, dtype=object), np.array(provider, dtype=object))
    born = np.array([-1 if d is None else d.toordinal() for d in dob], dtype=np.int64)
    missing = born < 0
    n_missing = len(np.unique(child[missing]))
    if missing.any():
        # Without a date of birth the child cannot be aged: take the median age at entry of the
        # others (a data-quality fault the 903 validator reports; counted in `missing_dob`).
        known_age = (start - born)[~missing]
        typical = int(np.median(known_age)) if len(known_age) else int(8 * DAYS_A_YEAR)
        heads = np.flatnonzero(np.r_[True, child[1:] != child[:-1]])
        first_start = np.repeat(np.minimum.reduceat(start, heads), np.diff(np.r_[heads, n]))
        born = np.where(missing, first_start - typical, born)

    same_next = np.r_[child[1:] == child[:-1], False]
    # Overlapping episodes (a data-quality fault): the earlier one ends when the next begins.
    nxt_start = np.r_[start[1:], OPEN]
    end = np.where(same_next & (end > nxt_start), nxt_start, end)
    contiguous_next = same_next & (nxt_start == end)
    contiguous_prev = np.r_[False, contiguous_next[:-1]]
    same_group_prev = np.r_[False, group[1:] == group[:-1]]
    begins = ~(contiguous_prev & same_group_prev)
    first = np.flatnonzero(begins)
    last = np.r_[first[1:] - 1, n - 1]
    nxt_group = np.r_[group[1:], -1]
    moves = contiguous_next[last]
    end_kind = np.where(end[last] == OPEN, 0, np.where(moves, 2, 1))
    return Spells(
        child=child[first],
        dob=born[first],
        group=group[first],
        start=start[first],
        end=end[last],
        entry=~contiguous_prev[first],
        end_kind=end_kind,
        next_group=np.where(end_kind == 2, nxt_group[last], -1),
        known_at=known_at,
        missing_dob=n_missing,
    )
