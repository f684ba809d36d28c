"""The vectorised generator behind `synth.england`: one authority's referrals, routes, plans,
periods of care and 31 March stocks drawn from its published figures (the rules are in
`synth.england`'s docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from csc_scorecard.synth.published import Authority, Year

NFA_SHARE = 0.08  # referrals closed with no further action (DfE CIN census C1: 7-9% recently)
SHORT_SHARE = 0.65  # of CIN-only episodes: closed after assessment (DfE: most episodes are short)
SHORT_DAYS = 45.0  # their mean length, referral to closure
MAX_ROUTE_SHARE = 0.7  # CP and care together never take more of the non-NFA referrals than this
DEFAULT_CP_YEARS = 0.8  # mean plan length where DfE publishes no plans started
DEFAULT_CLA_YEARS = 2.5  # mean period of care where DfE publishes no starts
EPOCH = np.datetime64("1970-01-01", "D")
# What follows a referral (small integers: compared millions of times).
NFA, SHORT, CIN, CP, CARE = range(5)


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


def _day(d: date) -> int:
    return (np.datetime64(d, "D") - EPOCH).astype(int)


def _exp_days(rng: np.random.Generator, mean_years: np.ndarray) -> np.ndarray:
    return np.maximum(1, np.rint(rng.exponential(np.asarray(mean_years) * 365.25))).astype(np.int64)


class Generator:
    """One authority's canonical tables, drawn from its published figures (see `synth.england`)."""

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
    def run(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The calibrated referrals and the child each is about."""
        r = self._calibrated()
        return r, self._children_of(r)

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
