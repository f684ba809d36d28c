"""A synthetic England: every English authority, sized and calibrated from its published figures,
generated vectorised (numpy) straight into canonical tables and a store, for work at scale.

The per-child simulator (`synth.children`) follows every child's journey in detail and writes
every statutory format; it takes seconds per authority, far too slow for 150 of them over ten
years. This generator draws the same canonical tables from a few stock-and-flow rules, each
authority from its own targets (`synth.published`: ONS 0-17 population, DfE referral,
re-referral, Section 47, CIN, CP and CLA figures for each year):

- **Referrals** in each financial year: Poisson with the published count (rate x population),
  dates uniform over the year. A share are closed with no further action (NFA) the same day.
- **Re-referrals**: each referral is a re-referral with the published share; it takes the child
  of a random earlier referral (strictly earlier date, within the 12 months before) whose episode
  had closed; the share is then corrected once for the referrals that found no such episode.
- **Routes** of the other referrals: a child protection plan, care, or child in need only (a
  short episode closed after assessment, or a long one with a CIN plan). Plans started and
  children starting care each year are the published counts, so routes have those shares.
- **Stocks at 31 March** (CIN, CP, CLA) follow from the flows and durations (Little's law:
  stock = starts x mean duration). Durations are exponential with the year's mean
  published stock / published starts, so each 31 March stock is the published one in
  expectation; an authority starts with the stocks of the year before already open (ages and
  remaining durations exponential too: the stationary state, no burn-in needed).
- Every referral that is not NFA has an assessment; CP-route referrals have a Section 47 enquiry,
  an ICPC and a plan (reviews at 3 months, then every 6); other referrals have an enquiry with
  the share that brings the year's enquiries to the published count; care is one or more
  903-shaped episodes (placement moves) inside the episode of need.

Records run from 1 April of the year before the first (history for re-referrals and direction
of travel) to 31 March after the last: `--years 2013-2022` gives the 40 quarters 2013-Q1 to
2022-Q4 complete. Dates after that are not yet known (NULL), as in a real extract.

Not simulated (empty in the store): contacts, early help, visits, CLA reviews, health, care
leavers, adoption, workforce, finance. The measures on those report "not available".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from csc_scorecard.model.schema import table as table_spec
from csc_scorecard.store import Store
from csc_scorecard.synth.published import Authority, Year, authorities
from csc_scorecard.synth.records import Frame, to_arrow

SOURCE_FORMAT = "synthetic_england"
TABLES = (
    "children",
    "referrals",
    "assessments",
    "section47s",
    "cin_plans",
    "cp_plans",
    "cp_reviews",
    "cla_episodes",
)
NFA_SHARE = 0.08  # referrals closed with no further action (DfE CIN census C1: 7-9% recently)
SHORT_SHARE = 0.65  # of CIN-only episodes: closed after assessment (DfE: most episodes are short)
SHORT_DAYS = 45.0  # their mean length, referral to closure
MAX_ROUTE_SHARE = 0.7  # CP and care together never take more of the non-NFA referrals than this
DEFAULT_CP_YEARS = 0.8  # mean plan length where DfE publishes no plans started
DEFAULT_CLA_YEARS = 2.5  # mean period of care where DfE publishes no starts
EPOCH = np.datetime64("1970-01-01", "D")
# What follows a referral (small integers: compared millions of times).
NFA, SHORT, CIN, CP, CARE = range(5)

# Codes (model/codes/*.yaml) and shares: plausible national mixes, not calibrated per authority.
SOURCES = {"6": 0.29, "2A": 0.19, "3B": 0.12, "5A": 0.10, "1A": 0.08, "8": 0.10, "3A": 0.06}
SOURCES |= {"9": 0.02, "7": 0.04}
NEEDS = {"N1": 0.55, "N2": 0.03, "N3": 0.06, "N4": 0.2, "N5": 0.04, "N6": 0.05, "N8": 0.07}
CATEGORIES = {"NEG": 0.5, "EMO": 0.36, "PHY": 0.07, "SAB": 0.04, "MUL": 0.03}
FACTORS = np.array(["1B", "2B", "3A", "3B", "4A", "6A", "8B", "18B", "21", "22A"], dtype=object)
ETHNICITY = {"WBRI": 0.72, "WOTH": 0.05, "MWBC": 0.04, "MOTH": 0.03, "APKN": 0.04, "BAFR": 0.04}
ETHNICITY |= {"AOTH": 0.02, "BCRB": 0.02, "OOTH": 0.02, "NOBT": 0.02}
LEGAL = {"C2": 0.6, "V2": 0.2, "C1": 0.15, "E1": 0.05}
PLACES = {"U4": 0.35, "U6": 0.2, "U1": 0.12, "U3": 0.08, "K2": 0.1, "P1": 0.07, "H5": 0.08}
PROVIDER = {"U4": "PR1", "U6": "PR4", "U1": "PR1", "U3": "PR1", "K2": "PR4", "P1": "PR0"}
PROVIDER |= {"H5": "PR4"}
ENDINGS = {"E4A": 0.35, "E11": 0.1, "E45": 0.05, "E47": 0.07, "E41": 0.04, "E8": 0.09}
ENDINGS |= {"E5": 0.1, "E17": 0.08, "E13": 0.07, "E3": 0.05}
MOVES = {"CARPL": 0.35, "STAND": 0.2, "PLACE": 0.2, "CHILD": 0.15, "OTHER": 0.1}
# Age at first referral (years 0-17), roughly the CIN census age mix.
AGES = np.array([12, 6, 6, 6, 5, 5, 5, 5, 5, 5, 5, 6, 6, 7, 7, 6, 5, 3], dtype=float)


@dataclass(frozen=True)
class Span:
    """Financial years simulated, by starting year, plus one year of history before them."""

    first_year: int
    last_year: int

    @property
    def start(self) -> date:  # history starts a year before the first year
        return date(self.first_year - 1, 4, 1)

    @property
    def end(self) -> date:  # the last year complete
        return date(self.last_year + 1, 3, 31)

    def years(self) -> range:
        return range(self.first_year - 1, self.last_year + 1)


def simulate(authority: Authority, span: Span, seed: int = 2022) -> dict[str, pa.Table]:
    """The canonical tables (data columns, no lineage) of one synthetic authority."""
    frames = _Generator(authority, span, seed).run()
    return {name: to_arrow(name, frames[name]) for name in TABLES}


# -- the generator --------------------------------------------------------------------------


def _day(d: date) -> int:
    return (np.datetime64(d, "D") - EPOCH).astype(int)


def _pick(rng: np.random.Generator, n: int, shares: dict[str, float]) -> np.ndarray:
    keys = np.array(list(shares), dtype=object)
    p = np.array(list(shares.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _exp_days(rng: np.random.Generator, mean_years: np.ndarray) -> np.ndarray:
    return np.maximum(1, np.rint(rng.exponential(np.asarray(mean_years) * 365.25))).astype(np.int64)


class _Generator:
    def __init__(self, authority: Authority, span: Span, seed: int) -> None:
        self.a = authority
        self.span = span
        self.seed = [seed, int(authority.la_code)]
        self.rng = np.random.default_rng(self.seed)
        self.end = _day(span.end)
        self.t0 = _day(span.start)
        self.years = [authority.year(fy) for fy in span.years()]
        self.before = authority.year(span.first_year - 2)  # stocks open on the first day

    # Referrals carry everything downstream as parallel arrays, one element per referral.
    def run(self) -> dict[str, Frame]:
        r = self._calibrated()
        kid = self._children_of(r)
        return self._tables(r, kid)

    def _calibrated(self) -> dict[str, np.ndarray]:
        """The referrals, with plan, care and CIN-episode ends moved so that each 31 March
        stock is the published one. Year by year in order: what is still to run of every plan
        (period of care, episode) open at the year's start or begun in it is scaled by one
        factor until the stock at its end is right, which leaves earlier 31 Marches as they were.
        A rise faster than that allows (more than every open one and every entrant) is left
        short for plans and care; for children in need some of the year's short episodes
        become long ones instead."""
        r = self._referrals()
        for route, stock in ((CP, "cp"), (CARE, "cla")):
            chosen = r["route"] == route
            for y in self.years:
                self._fit(r, chosen, y, getattr(y, stock))
        self._close(r)
        for y in self.years:
            t = _day(date(y.fy + 1, 3, 31))
            inyear = r["fy"] == y.fy
            for _ in range(3):
                chosen = r["route"] == CIN
                others = (r["route"] != NFA) & ~chosen & (r["referral_date"] <= t)
                want = y.cin - int((others & (r["closure"] > t)).sum())
                got = self._fit(r, chosen, y, want)
                if got >= 0.97 * want:
                    break
                # Some of the year's short episodes become long ones (a CIN plan).
                short = np.flatnonzero(inyear & (r["route"] == SHORT))
                more = self.rng.permutation(short)[: int(1.5 * (want - got))]
                r["route"][more] = CIN
                r["entry"][more] = r["referral_date"][more]
                r["exit"][more] = r["entry"][more] + _exp_days(self.rng, np.ones(len(more)))
            self._close(r)
        return r

    def _fit(self, r: dict[str, np.ndarray], chosen: np.ndarray, y: Year, want: float) -> int:
        """Scale what remains after the previous 31 March of the `chosen` open then or begun
        since, until `want` of them are open on the 31 March after year `y`; return how many."""
        t, before = _day(date(y.fy + 1, 3, 31)), _day(date(y.fy, 3, 31))
        rows = np.flatnonzero(chosen & (r["entry"] <= t) & (r["exit"] > before))
        base = np.maximum(r["entry"][rows], before)
        remaining = (r["exit"][rows] - base).astype(float)
        scale = 1.0

        def ends(scale: float) -> np.ndarray:
            return base + np.maximum(1, np.rint(remaining * scale)).astype(np.int64)

        got = int((ends(scale) > t).sum())
        for _ in range(12):
            if want <= 0 or got == 0 or abs(got - want) <= 0.5:
                break
            scale = float(np.clip(scale * np.clip(want / got, 0.5, 2.0), 0.01, 1000))
            got = int((ends(scale) > t).sum())
        r["exit"][rows] = ends(scale)
        return got

    def _close(self, r: dict[str, np.ndarray]) -> None:
        """The episode of need closes: NFA the same day; a short one after its assessment; a
        long CIN one at its end; one with a plan or care some weeks after that ends."""
        closure = np.select(
            [r["route"] == NFA, r["route"] == SHORT, r["route"] == CIN],
            [r["referral_date"], r["short_end"], r["exit"]],
            r["exit"] + r["after"],
        )
        r["closure"] = closure

    def _referrals(self) -> dict[str, np.ndarray]:
        rng = self.rng
        parts = [self._opening_stock()]
        for y in self.years:
            start = _day(date(y.fy, 4, 1))
            days = _day(date(y.fy + 1, 4, 1)) - start
            n = rng.poisson(y.referrals)
            d = start + rng.integers(0, days, n)
            nfa = rng.random(n) < NFA_SHARE
            route = np.full(n, NFA, dtype=np.int8)
            live = ~nfa
            m = int(live.sum())
            cp_starts = y.cp_starts if y.cp_starts else y.cp / DEFAULT_CP_YEARS
            cla_starts = y.cla_starts if y.cla_starts else y.cla / DEFAULT_CLA_YEARS
            p_cp, p_care = cp_starts / max(m, 1), cla_starts / max(m, 1)
            if p_cp + p_care > MAX_ROUTE_SHARE:
                p_cp, p_care = (p * MAX_ROUTE_SHARE / (p_cp + p_care) for p in (p_cp, p_care))
            u = rng.random(m)
            routes = np.where(u < p_cp, CP, np.where(u < p_cp + p_care, CARE, CIN))
            short = rng.random(m) < SHORT_SHARE
            routes = np.where((routes == CIN) & short, SHORT, routes).astype(np.int8)
            route[live] = routes
            cp_years = y.cp / cp_starts if cp_starts else DEFAULT_CP_YEARS
            cla_years = y.cla / cla_starts if cla_starts else DEFAULT_CLA_YEARS
            long_years = self._cin_years(y, m, route, cp_years, cla_years)
            mean = np.select(
                [route == CP, route == CARE, route == CIN],
                [np.clip(cp_years, 0.15, 3), np.clip(cla_years, 0.25, 8), long_years],
                0.0,
            )
            gap = np.where(route == CP, rng.integers(14, 40, n), rng.integers(5, 60, n))
            entry = d + np.where(route == CIN, 0, gap)
            unit = rng.exponential(mean * 365.25)
            s47 = (route == CP) | (
                (route != NFA) & (route != CP) & (rng.random(n) < self._s47_share(y, route))
            )
            parts.append(
                {
                    "referral_date": d,
                    "route": route,
                    "entry": entry,
                    "unit": unit,
                    "s47": s47,
                    "fy": np.full(n, y.fy),
                    "opening": np.zeros(n, bool),
                }
            )
        r = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        order = np.argsort(r["referral_date"], kind="stable")
        r = {k: v[order] for k, v in r.items()}
        n = len(order)
        r["after"] = self.rng.integers(7, 60, n)
        r["short_end"] = (
            r["referral_date"] + 20 + _exp_days(self.rng, np.full(n, SHORT_DAYS / 365.25))
        )
        r["exit"] = r["entry"] + np.maximum(1, np.rint(r.pop("unit"))).astype(np.int64)
        self._close(r)
        return r

    def _cin_years(
        self, y: Year, live: int, route: np.ndarray, cp_years: float, cla_years: float
    ) -> float:
        """Mean length of the long CIN-only episodes that makes the 31 March CIN stock the
        published one: CIN = CP + CLA (each has an open episode) + short + long episodes."""
        n_cin = int((route == CIN).sum())
        n_short = int((route == SHORT).sum())
        cp_flow = int((route == CP).sum())
        care_flow = int((route == CARE).sum())
        # Children on a plan or in care have an episode open a few weeks either side as well.
        around = (cp_flow + care_flow) * 50 / 365.25
        short_stock = n_short * (SHORT_DAYS + 20) / 365.25
        wanted = y.cin - y.cp - y.cla - around - short_stock
        return float(np.clip(wanted / max(n_cin, 1), 0.1, 6.0))

    def _s47_share(self, y: Year, route: np.ndarray) -> float:
        """Share of non-CP referrals with an enquiry that makes the year's enquiries the
        published count (every CP-route referral has one)."""
        cp = int((route == CP).sum())
        others = int(((route != NFA) & (route != CP)).sum())
        return float(np.clip((y.s47 - cp) / max(others, 1), 0.0, 1.0))

    def _opening_stock(self) -> dict[str, np.ndarray]:
        """Episodes, plans and periods of care already open on the first day: ages and remaining
        lengths exponential with the year before's mean lengths (the stationary state)."""
        rng, y = self.rng, self.before
        cp_years = y.cp / y.cp_starts if y.cp_starts else DEFAULT_CP_YEARS
        cla_years = y.cla / y.cla_starts if y.cla_starts else DEFAULT_CLA_YEARS
        cin_left = max(y.cin - y.cp - y.cla, 0.0)
        cin_years = 1.5
        routes, means = [], []
        for route, stock, years in (
            (CP, y.cp, np.clip(cp_years, 0.15, 3)),
            (CARE, y.cla, np.clip(cla_years, 0.25, 8)),
            (CIN, cin_left, cin_years),
        ):
            n = rng.poisson(stock)
            routes.append(np.full(n, route, dtype=np.int8))
            means.append(np.full(n, years))
        route = np.concatenate(routes)
        mean = np.concatenate(means)
        n = len(route)
        entry = self.t0 - np.minimum(_exp_days(rng, mean), 6 * 365)  # ages: at most 6 years
        gap = np.where(route == CIN, 0, rng.integers(14, 40, n))
        return {
            "referral_date": entry - gap,
            "route": route,
            "entry": entry,
            "unit": (self.t0 - entry) + rng.exponential(mean * 365.25),
            "s47": route == CP,
            "fy": np.full(n, self.span.first_year - 2),
            "opening": np.ones(n, bool),
        }

    def _children_of(self, r: dict[str, np.ndarray]) -> np.ndarray:
        """A child number for every referral: a re-referral takes the child of an earlier
        referral in the 12 months before it whose episode had closed; the rest are new children."""
        d, closure = r["referral_date"], r["closure"]
        n = len(d)
        flow = ~r["opening"]
        share = np.zeros(n)
        for y in self.years:
            share[r["fy"] == y.fy] = y.rereferral_share
        parent = self._rereferrals(d, closure, flow, share)
        # Correct once for the re-referrals that found no closed earlier episode.
        for y in self.years:
            inyear = r["fy"] == y.fy
            got = np.mean(parent[inyear] != np.flatnonzero(inyear)) if inyear.any() else 0.0
            if got > 0:
                share[inyear] = np.clip(y.rereferral_share**2 / got, 0, 0.9)
        parent = self._rereferrals(d, closure, flow, share)
        root = parent.copy()
        while True:  # follow chains (a re-referral of a re-referral) to the first referral
            nxt = parent[root]
            if np.array_equal(nxt, root):
                break
            root = nxt
        kid = np.unique(root, return_inverse=True)[1]
        return kid

    def _rereferrals(
        self, d: np.ndarray, closure: np.ndarray, flow: np.ndarray, share: np.ndarray
    ) -> np.ndarray:
        rng = self.rng
        n = len(d)
        parent = np.arange(n)
        want = flow & (rng.random(n) < share)
        idx = np.flatnonzero(want)
        lo = np.searchsorted(d, d[idx] - 364, "left")  # within 12 months before
        hi = np.searchsorted(d, d[idx], "left")  # strictly earlier dates
        chosen = np.full(len(idx), -1)
        for _ in range(6):  # a few tries for an earlier episode that had closed
            open_ = (chosen < 0) & (hi > lo)
            cand = lo + np.floor(rng.random(len(idx)) * np.maximum(hi - lo, 1)).astype(np.int64)
            cand = np.minimum(cand, np.maximum(hi - 1, 0))
            ok = open_ & (closure[cand] < d[idx])
            chosen[ok] = cand[ok]
        found = chosen >= 0
        parent[idx[found]] = chosen[found]
        # One referral per child per day (the table's key): a clash starts a new child.
        for _ in range(5):
            root = parent.copy()
            for _ in range(64):
                nxt = parent[root]
                if np.array_equal(nxt, root):
                    break
                root = nxt
            pairs = root.astype(np.int64) * 100_000 + (d - d.min())
            _, first = np.unique(pairs, return_index=True)
            clash = np.ones(n, bool)
            clash[first] = False
            if not clash.any():
                break
            parent[clash] = np.flatnonzero(clash)
        return parent

    # -- the tables --------------------------------------------------------------------------

    def _tables(self, r: dict[str, np.ndarray], kid: np.ndarray) -> dict[str, Frame]:
        rng = self.rng
        la = self.a.la_code
        n_kids = int(kid.max()) + 1 if len(kid) else 0
        ids = np.array([f"{la}E{k:07d}" for k in range(n_kids)], dtype=object)
        first = np.full(n_kids, np.iinfo(np.int64).max)
        np.minimum.at(first, kid, r["referral_date"])
        ages = rng.choice(len(AGES), size=n_kids, p=AGES / AGES.sum())
        dob = first - np.rint((ages + rng.random(n_kids)) * 365.25).astype(np.int64)
        children = {
            "child_id": np.arange(n_kids),
            "sex": _pick(rng, n_kids, {"M": 0.51, "F": 0.48, "U": 0.01}),
            "date_of_birth": self._dates(dob),
            "ethnicity": _pick(rng, n_kids, ETHNICITY),
            "disabilities": np.where(rng.random(n_kids) < 0.1, "LD", "NONE").astype(object),
            "uasc": np.zeros(n_kids, bool),
        }
        child = kid  # child numbers until the end (`_dated` writes the identifiers)
        route, d = r["route"], r["referral_date"]
        n = len(d)
        closure = r["closure"]
        referrals = {
            "child_id": child,
            "referral_date": self._dates(d),
            "referral_source": _pick(rng, n, SOURCES),
            "referral_nfa": route == NFA,
            "primary_need_code": np.where(
                np.isin(route, [CP, CARE]), "N1", _pick(rng, n, NEEDS)
            ).astype(object),
            "closure_date": self._dates(closure),
            "closure_reason": self._known(
                closure,
                np.select(
                    [route == SHORT, route == CARE],
                    ["RC8", "RC7"],
                    np.where(rng.random(n) < 0.2, "RC9", "RC7"),
                ).astype(object),
            ),
        }
        live = route != NFA
        a_start = d + rng.integers(0, 6, n)
        a_done = a_start + np.maximum(1, np.rint(rng.lognormal(np.log(24), 0.55, n))).astype(int)
        a_done = np.minimum(a_done, np.maximum(closure, a_start))
        pairs = np.array(
            [f"{a} {b}" if a != b else a for a in FACTORS for b in FACTORS], dtype=object
        )
        assessments = {
            "child_id": child[live],
            "referral_date": self._dates(d[live]),
            "start_date": self._dates(a_start[live]),
            "authorised_date": self._dates(a_done[live]),
            "factors": pairs[rng.integers(0, len(pairs), int(live.sum()))],
            "child_seen_date": self._dates(a_start[live] + rng.integers(0, 8, int(live.sum()))),
            "further_support_needed": self._known(a_done[live], route[live] != SHORT),
        }
        s = r["s47"]
        s_start = np.where(route == CP, r["entry"] - rng.integers(10, 25, n), a_start)
        plan = route == CP
        icpc = np.where(plan, r["entry"], s_start + rng.integers(8, 25, n))
        conference = plan | (rng.random(n) < 0.12)
        section47s = {
            "child_id": child[s],
            "referral_date": self._dates(d[s]),
            "start_date": self._dates(s_start[s]),
            "icpc_target_date": self._dates(s_start[s] + 21),
            "icpc_date": self._dates(np.where(conference, icpc, -1)[s]),
            "icpc_not_required": self._known(s_start[s], ~conference[s]),
            "icpc_resulted_in_plan": self._known(np.where(conference, icpc, -1)[s], plan[s]),
            "end_date": self._dates((s_start + rng.integers(5, 20, n))[s]),
        }
        cin_route = route == CIN
        cin_plans = {
            "child_id": child[cin_route],
            "referral_date": self._dates(d[cin_route]),
            "start_date": self._dates(
                a_done[cin_route] + rng.integers(3, 15, int(cin_route.sum()))
            ),
            "end_date": self._dates(np.maximum(closure, a_done + 16)[cin_route]),
        }
        cp_plans, cp_reviews = self._plans(child[plan], d[plan], r["entry"][plan], r["exit"][plan])
        cla = self._care(child[route == CARE], r["entry"][route == CARE], r["exit"][route == CARE])
        return {
            name: _dated(name, frame, ids)
            for name, frame in {
                "children": children,
                "referrals": referrals,
                "assessments": assessments,
                "section47s": section47s,
                "cin_plans": cin_plans,
                "cp_plans": cp_plans,
                "cp_reviews": cp_reviews,
                "cla_episodes": cla,
            }.items()
        }

    def _plans(
        self, child: np.ndarray, referral: np.ndarray, start: np.ndarray, end: np.ndarray
    ) -> tuple[Frame, Frame]:
        rng = self.rng
        n = len(child)
        category = _pick(rng, n, CATEGORIES)
        plans = {
            "child_id": child,
            "referral_date": self._dates(referral),
            "start_date": self._dates(start),
            "end_date": self._dates(end),
            "initial_category": category,
            "latest_category": category,
            "previous_plans": (rng.random(n) < 0.2).astype(np.int64),
        }
        # Review conferences within 3 months, then every 6 (Working Together 2018, ch. 4).
        last = np.minimum(end, self.end)
        count = np.where(last - start >= 91, (last - start - 91) // 182 + 1, 0).astype(np.int64)
        which = np.repeat(np.arange(n), count)
        step = np.arange(len(which)) - np.repeat(np.cumsum(count) - count, count)
        due = start[which] + 91 + 182 * step
        held = due - rng.integers(0, 10, len(which)) + (rng.random(len(which)) < 0.08) * 20
        keep = held < last[which]
        reviews = {
            "child_id": child[which][keep],
            "plan_start_date": self._dates(start[which][keep]),
            "review_date": self._dates(held[keep]),
            "due_date": self._dates(due[keep]),
        }
        return plans, reviews

    def _care(self, child: np.ndarray, start: np.ndarray, end: np.ndarray) -> Frame:
        """903 episodes: each period of care split at placement moves (about one every 18
        months, at most five), the first RNE S, later P; the last ends with a leaving reason."""
        rng = self.rng
        n = len(child)
        moves = np.minimum(rng.poisson((end - start) / 548), 5)
        count = moves + 1
        which = np.repeat(np.arange(n), count)
        step = np.arange(len(which)) - np.repeat(np.cumsum(count) - count, count)
        jitter = np.where(step > 0, rng.uniform(-0.3, 0.3, len(which)), 0.0)
        frac = (step + jitter) / count[which]
        span = end[which] - start[which]
        decom = start[which] + np.rint(frac * span).astype(np.int64)
        last = step == count[which] - 1
        dec = np.where(last, end[which], np.roll(decom, -1))
        ok = dec > decom  # a move on the same day as the next is dropped
        ok |= last
        place = _pick(rng, len(which), PLACES)
        legal = np.repeat(_pick(rng, n, LEGAL), count)
        ended = dec <= self.end
        return {
            "child_id": child[which][ok],
            "decom": self._dates(decom[ok]),
            "rne": np.where(step == 0, "S", "P").astype(object)[ok],
            "ls": legal[ok],
            "cin": np.full(int(ok.sum()), "N1", dtype=object),
            "place": place[ok],
            "place_provider": np.array([PROVIDER[p] for p in place[ok]], dtype=object),
            "dec": self._dates(dec[ok]),
            "rec": np.where(
                ended, np.where(last, _pick(rng, len(which), ENDINGS), "X1"), None
            ).astype(object)[ok],
            "reason_place_change": np.where(
                ended & ~last, _pick(rng, len(which), MOVES), None
            ).astype(object)[ok],
            "pl_location": np.where(rng.random(len(which)) < 0.6, "IN", "OUT").astype(object)[ok],
        }

    def _dates(self, days: np.ndarray) -> np.ndarray:
        """Day numbers as dates; a date after the extract (or a -1 placeholder) is not known."""
        days = np.asarray(days, np.int64)
        out = (EPOCH + days).astype("datetime64[D]")
        return np.where((days > self.end) | (days < 0), np.datetime64("NaT", "D"), out)

    def _known(self, days: np.ndarray, values: np.ndarray) -> np.ndarray:
        """`values` where the event dated `days` has happened by the extract date, else None."""
        days = np.asarray(days, np.int64)
        out = np.asarray(values, dtype=object).copy()
        out[(days > self.end) | (days < 0)] = None
        return out


def _dated(name: str, frame: Frame, ids: np.ndarray) -> Frame:
    """Rows whose key dates have happened by the extract date (the rest are not yet known),
    one per key (two re-referrals of a child can put two assessments on one day: the first
    is kept)."""
    key = table_spec(name).key
    keep = np.ones(len(frame[key[0]]), bool)
    for k in key:
        if frame[k].dtype.kind == "M":
            keep &= ~np.isnat(frame[k])
    frame = {c: v[keep] for c, v in frame.items()}
    codes = [  # integers standing for the key values (hashing: sorting strings is slow)
        pd.factorize(frame[k])[0] if frame[k].dtype == object else frame[k].view(np.int64)
        for k in key
    ]
    order = np.lexsort(codes[::-1])
    ranked = np.stack([c[order] for c in codes])
    repeat = np.zeros(len(order), bool)
    repeat[1:] = (ranked[:, 1:] == ranked[:, :-1]).all(axis=0)
    first = np.ones(len(order), bool)
    first[order[repeat]] = False
    frame = {c: v[first] for c, v in frame.items()}
    frame["child_id"] = ids[frame["child_id"]]  # child numbers -> identifiers
    return frame


# -- writing a store ------------------------------------------------------------------------


def write_store(
    store: Store,
    la_codes: Iterable[str] | None = None,
    span: Span = Span(2013, 2022),
    seed: int = 2022,
    progress: Callable[[str, int, float], None] | None = None,
) -> dict[str, int]:
    """Simulate each authority and write it into the store (one all-or-nothing load each,
    source format `synthetic_england`); return rows written per authority.

    The store must not hold data for these authorities already (a synthetic England is built
    in a store of its own: refused otherwise, nothing written). Rows are inserted directly,
    not merged by key as an ingest does, because nothing is there to merge with."""
    known = authorities(span.first_year, span.last_year)
    codes = list(la_codes) if la_codes is not None else list(known)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(
            f"no published population and rates for every year {span.first_year - 1}-"
            f"{span.last_year} for LA {', '.join(unknown)} (reorganised authorities are left out)"
        )
    held = set(store.authorities()) & set(codes)
    if held:
        raise ValueError(
            f"the store {store.path} already holds LA {', '.join(sorted(held))}: "
            "write a synthetic England into a new store"
        )
    written = {}
    for la in codes:
        started = time.perf_counter()
        tables = simulate(known[la], span, seed)
        written[la] = _insert(store, la, tables, span, seed)
        if progress:
            progress(la, written[la], time.perf_counter() - started)
    return written


def _insert(store: Store, la: str, tables: dict[str, pa.Table], span: Span, seed: int) -> int:
    with store.con.cursor() as con:
        return _insert_rows(con, la, tables, span, seed)


def _insert_rows(con, la: str, tables: dict[str, pa.Table], span: Span, seed: int) -> int:
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchall()[0][0]
        rows = 0
        for name, rows_table in tables.items():
            n = rows_table.num_rows
            rows += n
            lineage = rows_table.append_column("la_code", pa.array([la] * n, pa.string()))
            lineage = lineage.append_column("load_id", pa.array([load_id] * n, pa.int32()))
            lineage = lineage.append_column(
                "source_row", pa.array(np.arange(1, n + 1, dtype=np.int32))
            )
            con.register("_synthetic", lineage)
            try:
                con.execute(
                    f'INSERT INTO "{table_spec(name).name}" BY NAME SELECT * FROM _synthetic'
                )
            finally:
                con.unregister("_synthetic")
        con.execute(
            "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                load_id,
                la,
                SOURCE_FORMAT,
                span.start,
                span.end,
                f"synthetic England, seed {seed}, years {span.first_year}-{span.last_year}",
                datetime.now(),
                rows,
                0,
            ],
        ).fetchall()
        con.execute("COMMIT").fetchall()
    except BaseException:
        con.execute("ROLLBACK").fetchall()
        raise
    return rows
