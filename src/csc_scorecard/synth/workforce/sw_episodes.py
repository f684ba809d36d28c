"""Step 5d: the 903 social-worker episodes (SWEpisodes, collected from 2023-24).

Who is in them: the children looked after at 31 March (DfE rules SW01STG1 and SW12STG2; DfE
publishes the social worker statistics for "CLA on 31 March"), and in the year in progress the
children looked after at the extract date, as an in-year return would have them. Short breaks
(V3/V4) do not count as being looked after (standards.md 1.4, 1.5).

What: every allocation of the child to a registered social worker open at some time in the
year, including while the child was not looked after (SW12STG2): the worker who held the case
at 1 April, and the one who held it before the child came into care. An allocation to a family
support worker or an unqualified personal adviser is not a social-worker episode.

Why the worker changed (SW_REASON): every episode has one, the first in the year too, as the
2023-24 rules SW01STG1, SW03STG1 and SW13STG1 require and as DfE asks ("reason for each social
worker change during the year, including the change to the social worker already assigned to a
child at the beginning of the year"). It is the reason the worker took the case (see
`allocation`); an episode that does not follow straight on from another social worker's - a
first contact, a re-referral, a return from a family support worker or a personal adviser - is
FCONTA, "first contact or re-referral", the one reason DfE's later rules (lac2024_25 SW10STG2)
allow after a gap between episodes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pyarrow as pa

from csc_scorecard.synth.workforce.allocation import Allocation
from csc_scorecard.synth.workforce.cases import SHORT_BREAKS
from csc_scorecard.synth.workforce.days import FAR, financial_year, to_date
from csc_scorecard.synth.workforce.tables import arrow

FIRST_CONTACT = "FCONTA"
UNKNOWN = "OTHERS"  # a worker who took over a case before the simulated history began


def sw_episodes(episodes: list[dict], allocations: list[Allocation], t0: int, end: int) -> pa.Table:
    """Each year's social-worker episodes of the children looked after at its end (31 March, or
    the extract date in the year in progress); an episode in two years' returns is one row."""
    looked_after: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for e in episodes:
        if e["ls"] in SHORT_BREAKS or e["decom"] is None:
            continue
        looked_after[e["child_id"]].append(
            (e["decom"].toordinal(), e["dec"].toordinal() if e["dec"] else FAR)
        )
    history = social_worker_history(allocations)
    rows: dict[tuple[str, str, int], dict] = {}
    for fy in range(financial_year(t0), financial_year(end) + 1):
        year_start = date(fy, 4, 1).toordinal()
        census = min(date(fy + 1, 3, 31).toordinal(), end)
        for child in sorted(looked_after):
            if not any(s <= census < e for s, e in looked_after[child]):
                continue
            for a, reason in history.get(child, []):
                if a.start > census or (a.end is not None and a.end < year_start):
                    continue
                rows[(child, a.worker.swe_no or "", a.start)] = {
                    "child_id": child,
                    "sw_id": a.worker.swe_no,
                    "sw_decom": to_date(a.start),
                    "sw_dec": to_date(a.end),
                    "sw_reason": reason,
                }
    return arrow("cla_social_worker_episodes", [rows[k] for k in sorted(rows)])


def social_worker_history(allocations: list[Allocation]) -> dict[str, list[tuple[Allocation, str]]]:
    """Each child's allocations to registered social workers in date order, with the SW_REASON
    the 903 gives each: the allocation's own reason when it follows straight on from another
    social worker's, else a first contact or re-referral."""
    by_child: dict[str, list[Allocation]] = defaultdict(list)
    for a in allocations:
        if a.worker.qualified:
            by_child[a.child_id].append(a)
    out: dict[str, list[tuple[Allocation, str]]] = {}
    for child, held in by_child.items():
        held.sort(key=lambda a: a.start)
        out[child] = []
        previous_end: int | None = None
        for a in held:
            follows = previous_end is not None and previous_end == a.start
            reason = a.reason if follows or a.reason == UNKNOWN else FIRST_CONTACT
            out[child].append((a, reason))
            previous_end = a.end
    return out
