"""Where a synthetic England's looked-after children live and are placed: real postcodes from
the ONS Postcode Directory the product pins (`reference.postcodes`) and Ofsted-style URNs, so
the DfE rules on what is derived from the postcodes (PL_LA, PL_LOCATION, PL_DISTANCE) and on
URNs (218) see plausible episodes rather than blanks (docs/benchmarks.md gives the share of
episodes each postcode rule flags before and after).

For each authority (`assign`), deterministically from the seed and the authority, with draws of
its own so every other generated value is unchanged:

- **HOME_POST**: one postcode a child, drawn from the postcodes of the directory whose upper-tier
  authority (PL_LA) is one of the authority's own ONS codes (every code its DfE number has had:
  the bundled la_codes reference; a split authority, Cumbria, its successors': `postcodes.SPLIT`)
  and that have a grid reference.
- **PL_POST**: for an episode the generator places IN the authority's area, a postcode of the
  authority; OUT, one of a neighbouring authority's (one of the NEAR authorities whose
  postcodes' mean grid reference is nearest its own, the nearer more often). A child placed
  with parents (P1) in the area is placed at the home postcode (unless the episode before was
  with parents too: they have moved). A move is to another place: a postcode drawn equal to
  the child's home (not with parents) or to the episode before's in the same type of placement
  is drawn again along the pool. A children's home placement (K2) is at one of the HOMES homes of the authority it is in: each authority's homes are drawn
  from its own postcodes with a seed of that authority's alone, so a home is the same
  (postcode and URN) whichever authority places a child there.
- **URN** (Ofsted's unique reference number, "SC" and six digits, as Ofsted's social care URNs
  are written), where the placement type has one: foster care by the authority (U1-U5) the
  authority's fostering service `SC<la>000`; foster care through an agency (U6) one of the
  AGENCIES agencies of the authority whose area the placement is in (`SC<la>9nn`); a children's
  home (K2) the home's `SC<la>nnn` (001-040). Placed with parents (P1) has none; nor has
  semi-independent living (H5) before Ofsted registered it (episodes ending before 28 October
  2023; an open one counts as open to the extract date); after, the placement area's supported-accommodation provider (`SC<la>950`). The DfE
  LA number in the URN keeps every URN unique across England; no real provider is named.

The directory is read once per process for the authorities asked for and their neighbours
(`Places`); PL_LOCATION (IN, OUT) stays the generator's, and agrees with PL_POST by
construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import duckdb
import numpy as np

from csc_scorecard.reference import postcodes

NEAR = 6  # neighbouring authorities an out-of-area placement is drawn from
HOMES = 40  # children's homes per authority
AGENCIES = 5  # independent fostering agencies per authority
NEXT = 0.001  # how far along its pool a postcode drawn twice is moved (8-50 postcodes)
SALT = 903  # a stream of draws of its own (numpy seeds [seed, la, SALT])
H5_REGISTERED = np.datetime64("2023-10-28", "D")  # Ofsted registers supported accommodation
FOSTERING_LA = ("U1", "U2", "U3", "U4", "U5")


@cache
def _centres() -> dict[str, tuple[float, float]]:
    """Each DfE authority's mean grid reference over its postcodes (the directory's English
    postcodes with a grid reference, by the authority's own ONS codes)."""
    with duckdb.connect() as con:
        rows = con.execute(
            f"""SELECT o.la_code, avg(d.easting), avg(d.northing)
            FROM {postcodes.directory_sql()} d
            JOIN (SELECT DISTINCT la_code, gss_code FROM ({postcodes.own_codes_sql()})) o
              ON o.gss_code = d.pl_la
            WHERE d.easting IS NOT NULL AND d.northing IS NOT NULL
            GROUP BY o.la_code ORDER BY o.la_code"""
        ).fetchall()
    return {la: (e, n) for la, e, n in rows}


def neighbours(la_code: str) -> list[str]:
    """The NEAR authorities whose mean grid reference is nearest the authority's, nearest
    first (ties by LA code); not those sharing its area (a split authority's successors:
    `postcodes.SPLIT`)."""
    centres = _centres()
    same = {la_code, *postcodes.SPLIT.get(la_code, ())}
    same |= {old for old, new in postcodes.SPLIT.items() if la_code in new}
    if la_code not in centres:
        raise ValueError(f"the postcode directory has no postcode in LA {la_code}'s area")
    e, n = centres[la_code]
    others = sorted(
        ((e - oe) ** 2 + (n - on) ** 2, other)
        for other, (oe, on) in centres.items()
        if other not in same
    )
    return [other for _, other in others[:NEAR]]


class Places:
    """The directory's postcodes of some authorities (read once, sorted, so draws are the
    same on every machine holding the same release of the directory)."""

    def __init__(self, la_codes: list[str]) -> None:
        wanted = sorted({x for la in la_codes for x in [la, *neighbours(la)]})
        among = ", ".join(f"'{la}'" for la in wanted if la.isdigit())  # DfE LA numbers
        with duckdb.connect() as con:
            table = con.sql(
                f"""SELECT o.la_code, d.postcode FROM {postcodes.directory_sql()} d
                JOIN (SELECT DISTINCT la_code, gss_code FROM ({postcodes.own_codes_sql()})) o
                  ON o.gss_code = d.pl_la
                WHERE d.easting IS NOT NULL AND d.northing IS NOT NULL
                  AND o.la_code IN ({among})
                ORDER BY o.la_code, d.postcode"""
            ).to_arrow_table()
        codes = table.column("la_code").to_numpy(zero_copy_only=False)
        spaced = [p[:-3] + " " + p[-3:] for p in table.column("postcode").to_pylist()]
        self.postcode = np.array(spaced, dtype=object)
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        stops = np.r_[starts[1:], len(codes)]
        self._span = {str(codes[s]): (int(s), int(t)) for s, t in zip(starts, stops)}

    def pool(self, la_code: str) -> np.ndarray:
        start, stop = self._span[la_code]
        return self.postcode[start:stop]

    @cache  # noqa: B019 (one Places a write, few authorities)
    def homes(self, la_code: str, seed: int) -> np.ndarray:
        """The authority's HOMES children's homes' postcodes (home i has URN SC<la><i+1>)."""
        rng = np.random.default_rng([seed, int(la_code), SALT, 1])
        pool = self.pool(la_code)
        return pool[rng.integers(0, len(pool), HOMES)]


def _placed(
    places: Places,
    seed: int,
    area_la: np.ndarray,
    place: np.ndarray,
    pick: np.ndarray,
    home_no: np.ndarray,
) -> np.ndarray:
    """Each episode's PL_POST in its area's pool (`pick`: where in it, 0-1), a children's
    home's (K2) the home's."""
    pl_post = np.empty(len(place), dtype=object)
    for la in np.unique(area_la):
        here = area_la == la
        pool = places.pool(str(la))
        pl_post[here] = pool[(pick[here] * len(pool)).astype(np.int64)]
        k2 = here & (place == "K2")
        pl_post[k2] = places.homes(str(la), seed)[home_no[k2]]
    return pl_post


@dataclass
class Placed:
    home_post: np.ndarray
    pl_post: np.ndarray
    urn: np.ndarray


def assign(
    places: Places, la_code: str, seed: int, episodes: dict[str, np.ndarray], extract: np.datetime64
) -> Placed:
    """HOME_POST, PL_POST and URN for one authority's episodes (`child_id`, `place`,
    `pl_location`, `dec`: the generator's columns; `extract`: the extract date, the day an open
    episode is known to be open until), per the module docstring."""
    rng = np.random.default_rng([seed, int(la_code), SALT])
    n = len(episodes["child_id"])
    if not n:  # the Isles of Scilly in some years: no child looked after
        none = np.full(0, None, dtype=object)
        return Placed(home_post=none, pl_post=none, urn=none)
    own = places.pool(la_code)
    near = neighbours(la_code)
    children, child = np.unique(episodes["child_id"].astype(str), return_inverse=True)
    home_post = own[rng.integers(0, len(own), len(children))][child]

    place = episodes["place"]
    out = episodes["pl_location"] == "OUT"
    # The authority whose area the placement is in: own, or a neighbour (nearer: likelier).
    weights = 1.0 / np.arange(1, NEAR + 1)
    area = np.where(out, rng.choice(NEAR, size=n, p=weights / weights.sum()), -1)
    area_la = np.where(area < 0, la_code, np.array(near, dtype=object)[np.maximum(area, 0)])
    pick = rng.random(n)  # one uniform draw an episode picks its postcode in the area's pool
    home_no = rng.integers(0, HOMES, n)
    agency = rng.integers(0, AGENCIES, n)
    # The child's episode before (by start), if any.
    order = np.lexsort((episodes["decom"], child))
    before = np.full(n, -1)
    same_child = child[order][1:] == child[order][:-1]
    before[order[1:][same_child]] = order[:-1][same_child]
    had = before >= 0
    prev_place = np.where(had, place[np.maximum(before, 0)], None)
    # With parents (P1) in the area: at the child's home, unless the episode before was with
    # parents too (then they have moved: another postcode of the area).
    at_home = (place == "P1") & ~out & (prev_place != "P1")
    # A move is to another place: an episode at its home postcode (not with parents) or at the
    # postcode of the child's episode before in the same type of placement is moved on to
    # another postcode of the pool (the next home), twice at most.
    for _ in range(3):
        pl_post = _placed(places, seed, area_la, place, pick, home_no)
        pl_post[at_home] = home_post[at_home]
        prev = np.where(had, pl_post[np.maximum(before, 0)], None)
        again = had & (pl_post == prev) & (place == prev_place) & ~at_home
        again |= (pl_post == home_post) & ~at_home
        if not again.any():
            break
        pick[again] = (pick[again] + NEXT) % 1.0
        home_no[again] = (home_no[again] + 1) % HOMES

    dec = episodes["dec"]
    urn = np.full(n, None, dtype=object)
    urn[np.isin(place, FOSTERING_LA)] = f"SC{la_code}000"
    six = np.char.add(area_la.astype(str), "")  # the placement area's LA number
    agencies = np.char.add(six, np.char.zfill((901 + agency).astype(str), 3))
    urn[place == "U6"] = np.char.add("SC", agencies)[place == "U6"]
    homes = np.char.add(six, np.char.zfill((1 + home_no).astype(str), 3))
    urn[place == "K2"] = np.char.add("SC", homes)[place == "K2"]
    until = np.where(np.isnat(dec), extract, dec)
    registered = (place == "H5") & (until >= H5_REGISTERED)
    urn[registered] = np.char.add(np.char.add("SC", six), "950")[registered]
    return Placed(home_post=home_post, pl_post=pl_post, urn=urn)
