"""Real postcodes for homes and placements (`postcodes.yaml`), so that the 903 validator can
derive placement authority, in/out of area and distance from them (standards.md 1.1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csc_scorecard.model import packaged
from csc_scorecard.model.packaged import Strict


class Area(Strict):
    gss: str  # ONS code of the lower-tier authority the sample was drawn from
    postcodes: list[str]


class Postcodes(Strict):
    """`postcodes.yaml`: a sample of real postcodes by upper-tier authority (DfE LA code)."""

    description: str
    source: str
    areas: dict[str, Area]


@dataclass(frozen=True)
class Addresses:
    own_la: str
    postcodes: np.ndarray  # every postcode (object array)
    la_code: np.ndarray  # DfE code of the upper-tier authority each postcode is in

    @property
    def _own(self) -> np.ndarray:
        return np.flatnonzero(self.la_code == self.own_la)

    @property
    def _other(self) -> np.ndarray:
        return np.flatnonzero(self.la_code != self.own_la)

    def in_area(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Postcodes in the authority's own area (all postcodes when it has none listed)."""
        pool = self._own if self._own.size else np.arange(len(self.postcodes))
        return self.postcodes[rng.choice(pool, size=n)]

    def elsewhere(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.postcodes[rng.choice(self._other, size=n)]

    def mixed(self, rng: np.random.Generator, n: int, in_area_share: float) -> np.ndarray:
        inside = rng.random(n) < in_area_share
        out = self.elsewhere(rng, n)
        out[inside] = self.in_area(rng, int(inside.sum()))
        return out

    def location(self, postcodes: np.ndarray) -> np.ndarray:
        """IN or OUT of the authority's area for each postcode (None where unknown or blank)."""
        lookup = dict(zip(self.postcodes.tolist(), self.la_code.tolist()))
        return np.array(
            [
                None
                if p is None or p not in lookup
                else ("IN" if lookup[p] == self.own_la else "OUT")
                for p in postcodes
            ],
            dtype=object,
        )


def addresses(own_la: str) -> Addresses:
    areas = packaged.load(__package__, "postcodes.yaml", Postcodes).areas
    postcodes, codes = [], []
    for la_code, area in areas.items():
        postcodes += area.postcodes
        codes += [la_code] * len(area.postcodes)
    return Addresses(own_la, np.array(postcodes, dtype=object), np.array(codes, dtype=object))
