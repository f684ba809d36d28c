"""Care (s31) proceedings as a legal tracker records them: one application per family and
issue date, covering the siblings it names (standards.md 5.7: 26-week limit from issue)."""

from __future__ import annotations

import numpy as np

from csc_scorecard.synth.population import Registry
from csc_scorecard.synth.records import Frame


def proceedings(frame: Frame, reg: Registry) -> Frame:
    """Number applications (siblings in one family episode issued the same day share one) and
    attach the family identifier."""
    if not frame:
        return frame
    issue = frame["issue_date"].astype(np.int64)
    key = frame["family_episode"].astype(np.int64) * 100_000 + issue
    order = np.lexsort((frame["kid"], key))
    frame = {k: v[order] for k, v in frame.items()}
    key = key[order]
    number = np.cumsum(np.r_[True, key[1:] != key[:-1]])
    frame["proceedings_id"] = np.array([f"CP{n:06d}" for n in number], dtype=object)
    frame["family_id"] = family_ids(reg, frame["kid"])
    return frame


def family_ids(reg: Registry, kids: np.ndarray) -> np.ndarray:
    """The family identifier of each child (F000001 ...), as the legal tracker and the case
    system's family record (template `child_families`) both hold it."""
    return np.array([f"F{f:06d}" for f in reg.kid_family[kids] + 1], dtype=object)
