"""The typed records an episode of need passes between its stages (`synth.referrals` runs the
stages, `synth.plans` walks the plans, `synth.episode_records` writes the child-level rows).

Arrays are per family (length `e`) or per child (length `n`; `pos` maps each child to its
family). Family-level rows (`Frame`s with a `pos` column) are exploded to children when they are
recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from csc_scorecard.synth.dates import DAY, NAT, add_years
from csc_scorecard.synth.records import Frame, concat


@dataclass
class Journeys:
    """Child-level records accumulated over the passes (frames with a `kid` column)."""

    referrals: list[Frame] = field(default_factory=list)
    assessments: list[Frame] = field(default_factory=list)
    section47s: list[Frame] = field(default_factory=list)
    cin_plans: list[Frame] = field(default_factory=list)
    cp_plans: list[Frame] = field(default_factory=list)
    cp_reviews: list[Frame] = field(default_factory=list)
    periods: list[Frame] = field(default_factory=list)
    episodes: list[Frame] = field(default_factory=list)
    adoptions: list[Frame] = field(default_factory=list)
    proceedings: list[Frame] = field(default_factory=list)
    period_count: int = 0

    def frames(self) -> dict[str, Frame]:
        return {
            name: concat(getattr(self, name))
            for name in self.__dataclass_fields__
            if name != "period_count"
        }


@dataclass
class Pass:
    """The families referred in one pass and their children."""

    families: np.ndarray  # family numbers (per family)
    referral: np.ndarray  # referral date (per family)
    pos: np.ndarray  # each child's family, as an index into `families`
    kid: np.ndarray  # child numbers (per child)
    ids: np.ndarray  # family-episode numbers (per family)
    kind: np.ndarray  # family kind: family, uasc, short_break, contact (per family)
    dob: np.ndarray  # per child
    b18: np.ndarray = field(init=False)  # 18th birthday (per child)

    def __post_init__(self) -> None:
        self.b18 = add_years(self.dob, 18)

    @property
    def e(self) -> int:
        return len(self.families)

    @property
    def n(self) -> int:
        return len(self.kid)


@dataclass
class Assessment:
    """Each child's first assessment: start, authorisation and length in working days."""

    start: np.ndarray  # per child
    end: np.ndarray  # per child
    duration: np.ndarray  # per child
    family_end: np.ndarray  # the family's last authorisation (per family)


@dataclass
class Walk:
    """The family's way through plans: where each family is now and what it left behind."""

    state: np.ndarray  # CIN, CP, SHORT, CARE or CLOSED (per family)
    t: np.ndarray  # when the current state began (per family)
    via: np.ndarray  # the route into care: emergency, uasc, cin, cp (per family)
    closed_at: np.ndarray  # when the episode closed (per family)
    s47_rows: list[Frame] = field(default_factory=list)
    cin_rows: list[Frame] = field(default_factory=list)
    cp_rows: list[Frame] = field(default_factory=list)
    review_rows: list[Frame] = field(default_factory=list)
    home_proceedings: list[Frame] = field(default_factory=list)
    reassessments: list[Frame] = field(default_factory=list)


@dataclass
class Outcome:
    """What each child's episode came to."""

    source: np.ndarray  # referral source (per family)
    route: np.ndarray  # what the referral led to (per family)
    nfa: np.ndarray  # no further action (per child)
    has_s47: np.ndarray  # an enquiry at referral (per family)
    need: np.ndarray  # primary need code (per child)
    closure: np.ndarray  # per child
    reason: np.ndarray  # closure reason (per child)


def family_max(values: np.ndarray, pos: np.ndarray, e: int) -> np.ndarray:
    """The latest of each family's children's dates (NaT where none has one)."""
    out = np.full(e, np.iinfo(np.int64).min)
    ok = ~np.isnat(values)
    np.maximum.at(out, pos[ok], values[ok].astype(np.int64))
    return np.where(out == np.iinfo(np.int64).min, NAT, out.astype(DAY))
