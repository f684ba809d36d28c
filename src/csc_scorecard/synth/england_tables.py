"""The referrals `synth.england_generator` draws as canonical tables: children, referrals,
assessments, S47 enquiries, CIN and CP plans, CP reviews and 903-shaped care episodes, with codes
drawn from plausible national mixes (not calibrated per authority) and dates after the extract
left unknown."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csc_scorecard.model.schema import table as table_spec
from csc_scorecard.synth.england_generator import CARE, CIN, CP, EPOCH, NFA, SHORT
from csc_scorecard.synth.identity import upns_of
from csc_scorecard.synth.records import Frame

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


def _pick(rng: np.random.Generator, n: int, shares: dict[str, float]) -> np.ndarray:
    keys = np.array(list(shares), dtype=object)
    p = np.array(list(shares.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


class Tables:
    """Canonical frames for one authority's referrals (`rng` carries on the generator's draws)."""

    def __init__(self, rng: np.random.Generator, end: int, la_code: str) -> None:
        self.rng = rng
        self.end = end
        self.la_code = la_code

    def build(self, r: dict[str, np.ndarray], kid: np.ndarray) -> dict[str, Frame]:
        """The canonical frames of the referrals `r` (`kid`: the child of each)."""
        ids, children = self._children(r, kid)
        referrals = self._referrals(r, kid)
        assessments, a_start, a_done = self._assessments(r, kid)
        section47s = self._section47s(r, kid, a_start)
        cin_plans = self._cin_plans(r, kid, a_done)
        plan, care = r["route"] == CP, r["route"] == CARE
        cp_plans, cp_reviews = self._plans(
            kid[plan], r["referral_date"][plan], r["entry"][plan], r["exit"][plan]
        )
        cla = self._care(kid[care], r["entry"][care], r["exit"][care])
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

    def _children(self, r: dict[str, np.ndarray], kid: np.ndarray) -> tuple[np.ndarray, Frame]:
        """Each child's identifier and demographics (aged at their first referral)."""
        rng = self.rng
        n_kids = int(kid.max()) + 1 if len(kid) else 0
        ids = np.array([f"{self.la_code}E{k:07d}" for k in range(n_kids)], dtype=object)
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
            "upn": self._upns(dob),
        }
        # 903 MOTHER, which a return gives for every girl (rules 393, 607): none is a mother
        # here; blank for boys
        children["mother"] = np.where(children["sex"] == "F", False, None).astype(object)
        return ids, children

    def _upns(self, dob: np.ndarray) -> np.ndarray:
        """Each child's UPN (synth.identity's format and check letter): issued by the authority
        the year the child turned 4 (establishment and serial numbered from the child's number,
        so every UPN is distinct and no draw is taken); UN1 (not yet at school) for a child
        under 4 at the extract date. Every school-age child has one, as in a real return
        (CIN rule 8770Q queries a school-age child without one)."""
        four = dob + 4 * 365 + 1  # the fourth birthday, within a day
        k = np.arange(len(dob), dtype=np.int64)
        year = ((EPOCH + four).astype("datetime64[Y]").astype(np.int64) + 1970) % 100
        number = ((int(self.la_code) * 10_000 + 2000 + k // 1000) * 100 + year) * 1000 + k % 1000
        out = upns_of(number)
        out[four > self.end] = "UN1"
        return out

    def _referrals(self, r: dict[str, np.ndarray], child: np.ndarray) -> Frame:
        """Referrals (child numbers until the end: `_dated` writes the identifiers)."""
        rng = self.rng
        route, d, closure = r["route"], r["referral_date"], r["closure"]
        n = len(d)
        return {
            "child_id": child,
            "referral_date": self._dates(d),
            "referral_source": _pick(rng, n, SOURCES),
            "referral_nfa": route == NFA,
            "primary_need_code": np.where(
                np.isin(route, [CP, CARE]), "N1", _pick(rng, n, NEEDS)
            ).astype(object),
            "closure_date": self._dates(closure),
            "closure_reason": self._known(closure, _closure_reasons(route, r["s47"], rng)),
        }

    def _assessments(
        self, r: dict[str, np.ndarray], child: np.ndarray
    ) -> tuple[Frame, np.ndarray, np.ndarray]:
        """An assessment for every referral not closed with no further action; returns the
        start and authorisation days of every referral's assessment too."""
        rng = self.rng
        route, d, closure = r["route"], r["referral_date"], r["closure"]
        n = len(d)
        live = route != NFA
        a_start = d + rng.integers(0, 6, n)
        a_done = a_start + np.maximum(1, np.rint(rng.lognormal(np.log(24), 0.55, n))).astype(int)
        a_done = np.minimum(a_done, np.maximum(closure, a_start))
        # one factor or two; 21 (no factors identified) never with another (DfE rule 8869):
        # a pair drawn with 21 in it is its other factor alone
        pairs = np.array(
            [
                f"{a} {b}" if a != b and "21" not in (a, b) else (b if a == "21" else a)
                for a in FACTORS
                for b in FACTORS
            ],
            dtype=object,
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
        return assessments, a_start, a_done

    def _section47s(
        self, r: dict[str, np.ndarray], child: np.ndarray, a_start: np.ndarray
    ) -> Frame:
        """S47 enquiries: before the conference for CP-route referrals, with the assessment
        otherwise (some of those have a conference too)."""
        rng = self.rng
        route, d, s = r["route"], r["referral_date"], r["s47"]
        n = len(d)
        s_start = np.where(route == CP, r["entry"] - rng.integers(10, 25, n), a_start)
        plan = route == CP
        icpc = np.where(plan, r["entry"], _weekday(s_start + rng.integers(8, 25, n)))
        conference = plan | (rng.random(n) < 0.12)
        return {
            "child_id": child[s],
            "referral_date": self._dates(d[s]),
            "start_date": self._dates(s_start[s]),
            "icpc_target_date": self._dates(_weekday(s_start[s] + 21)),
            "icpc_date": self._dates(np.where(conference, icpc, -1)[s]),
            "icpc_not_required": self._known(s_start[s], ~conference[s]),
            "icpc_resulted_in_plan": self._known(np.where(conference, icpc, -1)[s], plan[s]),
            "end_date": self._dates((s_start + rng.integers(5, 20, n))[s]),
        }

    def _cin_plans(self, r: dict[str, np.ndarray], child: np.ndarray, a_done: np.ndarray) -> Frame:
        """A CIN plan after the assessment for CIN-route referrals, to the closure: 3-14 days
        after the assessment's authorisation, and none when the episode closes by then (a plan
        neither starts nor ends after its episode's CINclosureDate: DfE rule 8565)."""
        cin_route = r["route"] == CIN
        start = a_done[cin_route] + self.rng.integers(3, 15, int(cin_route.sum()))
        closure = r["closure"][cin_route]
        start = np.where(start >= closure, -1, start)  # -1: no plan (`_dated` keeps none)
        return {
            "child_id": child[cin_route],
            "referral_date": self._dates(r["referral_date"][cin_route]),
            "start_date": self._dates(start),
            "end_date": self._dates(r["closure"][cin_route]),
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


def _weekday(days: np.ndarray) -> np.ndarray:
    """Day numbers moved on to the Monday when they fall on a weekend (an ICPC target date is
    a working day: DfE rule 8870Q). Day 0, 1 January 1970, was a Thursday."""
    weekday = (days + 3) % 7  # Monday 0 ... Sunday 6
    return days + np.where(weekday >= 5, 7 - weekday, 0)


def _closure_reasons(
    route: np.ndarray, enquiry: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """ReasonForClosure of each referral's episode: closed after assessment (RC8 no further
    action; RC9 referred to early help, a fifth of them) only for a short episode with no
    Section 47 enquiry, since DfE rule 2990 allows no enquiry, CIN or CP plan in such an
    episode; RC7 (services ceased) for every other. The one draw is taken for every referral,
    as before, so the draws after it are unchanged."""
    early_help = rng.random(len(route)) < 0.2
    after_assessment = (route == SHORT) & ~enquiry
    out = np.where(after_assessment, np.where(early_help, "RC9", "RC8"), "RC7")
    return out.astype(object)


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
