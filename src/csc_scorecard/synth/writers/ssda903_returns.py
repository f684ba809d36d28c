"""What each year's SSDA903 return carries (the selection `synth.writers.ssda903` writes as
CSV and XML): the DfE tables and their columns, and each collection year's rows as the DfE
validation rules check them (the rules are listed in `synth.writers.ssda903`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from csc_scorecard.model.codes import code_group
from csc_scorecard.synth.authority import SyntheticAuthority

SW_FROM_YEAR = 2024  # SWEpisodes collected from 2023-24 (standards.md 1.4)
SHORT_BREAKS = code_group("legal_status", "short_breaks")
ADOPTED = {"E11", "E12"}
NOT_CARE_LEAVER_ENDS = {"E2", "E3"}  # died in care; care taken over by another LA (1000/1011)

Row = dict[str, Any]

# DfE file names as data-to-insight's tools write them, and each table's columns: (DfE field,
# canonical column). The writer's own mapping, kept apart from the reader's spec so a round trip
# tests one against the other. DOB outside Header is the child's date of birth.
FILES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "social_worker.csv",
}
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "Header": (
        ("CHILD", "child_id"), ("SEX", "sex"), ("DOB", "date_of_birth"), ("ETHNIC", "ethnicity"),
        ("UPN", "upn"), ("MOTHER", "mother"), ("MC_DOB", "mc_dob"),
    ),
    "Episodes": (
        ("CHILD", "child_id"), ("DECOM", "decom"), ("RNE", "rne"), ("LS", "ls"), ("CIN", "cin"),
        ("PLACE", "place"), ("PLACE_PROVIDER", "place_provider"), ("DEC", "dec"), ("REC", "rec"),
        ("REASON_PLACE_CHANGE", "reason_place_change"), ("HOME_POST", "home_post"),
        ("PL_POST", "pl_post"), ("URN", "urn"),
    ),
    "Reviews": (("CHILD", "child_id"), ("DOB", "dob"), ("REVIEW", "review_date"), ("REVIEW_CODE", "review_code")),
    "UASC": (("CHILD", "child_id"), ("SEX", "sex"), ("DOB", "dob"), ("DUC", "uasc_ceased_date")),
    "OC2": (
        ("CHILD", "child_id"), ("DOB", "dob"), ("SDQ_SCORE", "sdq_score"), ("SDQ_REASON", "sdq_reason"),
        ("CONVICTED", "convicted"), ("HEALTH_CHECK", "health_check"),
        ("IMMUNISATIONS", "immunisations"), ("TEETH_CHECK", "teeth_check"),
        ("HEALTH_ASSESSMENT", "health_assessment"), ("SUBSTANCE_MISUSE", "substance_misuse"),
        ("INTERVENTION_RECEIVED", "intervention_received"),
        ("INTERVENTION_OFFERED", "intervention_offered"),
    ),
    "OC3": (("CHILD", "child_id"), ("DOB", "dob"), ("IN_TOUCH", "in_touch"), ("ACTIV", "activity"), ("ACCOM", "accommodation")),
    "AD1": (
        ("CHILD", "child_id"), ("DOB", "dob"), ("DATE_INT", "adm_decision_date"),
        ("DATE_MATCH", "matched_date"), ("FOSTER_CARE", "foster_carer_adoption"),
        ("NB_ADOPTR", "number_adopters"), ("SEX_ADOPTR", "sex_adopters"), ("LS_ADOPTR", "ls_adopters"),
    ),
    "PlacedAdoption": (
        ("CHILD", "child_id"), ("DOB", "dob"), ("DATE_PLACED", "adm_decision_date"),
        ("DATE_PLACED_CEASED", "decision_reversed_date"),
        ("REASON_PLACED_CEASED", "decision_reversed_reason"),
    ),
    "PrevPerm": (("CHILD", "child_id"), ("DOB", "dob"), ("PREV_PERM", "prev_perm"), ("LA_PERM", "la_perm"), ("DATE_PERM", "date_perm")),
    "Missing": (("CHILD", "child_id"), ("DOB", "dob"), ("MISSING", "missing_type"), ("MIS_START", "start_date"), ("MIS_END", "end_date")),
    "SWEpisodes": (("CHILD", "child_id"), ("DOB", "dob"), ("SW_ID", "sw_id"), ("SW_DECOM", "sw_decom"), ("SW_DEC", "sw_dec"), ("SW_REASON", "sw_reason")),
}  # fmt: skip


@dataclass
class Return:
    """One collection year's return: DfE table -> rows (canonical column names and types)."""

    year: int
    start: date
    end: date  # 31 March, or the extract date for the in-year return
    tables: dict[str, list[Row]] = field(default_factory=dict)


# -- what each year's return carries ------------------------------------------------------------


def returns(authority: SyntheticAuthority) -> list[Return]:
    """Every collection year's return, oldest first."""
    data = _Data(authority)
    out = []
    for year in authority.collection_years():
        start, end = date(year - 1, 4, 1), min(date(year, 3, 31), authority.end)
        if start > end:
            continue
        out.append(_return(data, Return(year, start, end)))
    return out


class _Data:
    """The authority's canonical tables as rows, indexed by child."""

    def __init__(self, authority: SyntheticAuthority) -> None:
        def rows(name: str) -> list[Row]:
            t = authority.tables.get(name)
            return t.to_pylist() if t is not None else []

        self.children = {r["child_id"]: r for r in rows("children")}
        self.by_child: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
        for name in (
            "cla_episodes", "cla_reviews", "missing_episodes", "cla_health", "care_leavers",
            "adoptions", "previous_permanence", "cla_social_worker_episodes",
        ):  # fmt: skip
            for r in rows(name):
                self.by_child[r["child_id"]][name].append(r)
        # Each child's records in date order, as case systems export them (and as DfE rules
        # comparing consecutive rows, e.g. SW10/SW11a, read them).
        order = {
            "cla_episodes": "decom", "cla_reviews": "review_date", "missing_episodes": "start_date",
            "cla_social_worker_episodes": "sw_decom", "adoptions": "adm_decision_date",
        }  # fmt: skip
        for tables in self.by_child.values():
            for name, col in order.items():
                tables[name].sort(key=lambda r, c=col: (r[c] is None, r[c] or date.min))

    def get(self, child: str, name: str) -> list[Row]:
        return self.by_child[child][name] if child in self.by_child else []


def _censor(row: Row, end: date, date_col: str, *blanks: str) -> Row:
    """The row as known at `end`: a later date (and what goes with it) is not known yet."""
    if row.get(date_col) is not None and row[date_col] > end:
        return {**row, date_col: None, **{b: None for b in blanks}}
    return dict(row)


def _short_break(episode: Row) -> Row:
    """Short breaks (V3/V4) are returned without placement postcode or URN (rules 214/398/420)."""
    if episode["ls"] in SHORT_BREAKS:
        return {**episode, "pl_post": None, "urn": None}
    return episode


def _overlaps(start_value: date | None, end_value: date | None, start: date, end: date) -> bool:
    return (
        start_value is not None and start_value <= end and (end_value is None or end_value >= start)
    )


def _return(data: _Data, ret: Return) -> Return:
    looked_after, leavers = _cohort(data, ret)
    t: dict[str, list[Row]] = {name: [] for name in FILES}
    for child in sorted(set(looked_after) | set(leavers)):
        dob = _header(data, child, ret, t, child in looked_after)
        if child in leavers:
            t["OC3"].append({**_pick(leavers[child], FIELDS["OC3"]), "dob": dob})
        if child in looked_after:  # nothing else for a care leaver not looked after (1012)
            _looked_after(data, child, looked_after[child], ret, t, dob)
    ret.tables = t
    return ret


def _cohort(data: _Data, ret: Return) -> tuple[dict[str, list[Row]], dict[str, Row]]:
    """The children with an episode open in the year (with those episodes, censored at its
    end) and the care leavers of its OC3 cohort (with their row)."""
    start, end = ret.start, ret.end
    looked_after: dict[str, list[Row]] = {}
    for child in sorted(data.children):
        episodes = [
            _short_break(_censor(e, end, "dec", "rec", "reason_place_change"))
            for e in data.get(child, "cla_episodes")
            if _overlaps(e["decom"], e["dec"], start, end)
        ]
        if episodes:
            looked_after[child] = episodes
    # Care leavers may have had an episode in the year (left care before their birthday).
    leavers = {
        child: row
        for child in sorted(data.children)
        for row in data.get(child, "care_leavers")
        if row["collection_year"] == ret.year and _oc3_cohort(data, child, ret)
    }
    return looked_after, leavers


def _header(
    data: _Data, child: str, ret: Return, t: dict[str, list[Row]], looked_after: bool
) -> date:
    """The child's Header row, and UASC row where UASC in the year; returns the birth date."""
    c = data.children[child]
    dob = c["date_of_birth"]
    mother, mc_dob = c.get("mother"), c.get("mc_dob")
    if not looked_after:
        mother = mc_dob = None  # rule 628
    elif mc_dob is not None and mc_dob > ret.end:
        mother, mc_dob = False, None  # not a mother yet (625)
    ceased = c.get("uasc_ceased_date")
    uasc = (
        bool(c.get("uasc")) and (ceased is None or ceased >= ret.start)  # rule 104
        if looked_after
        else None  # no UASC information for care leavers (rule 1014)
    )
    # DUC is written even when still ahead: DfE expects the 18th birthday there while the
    # child is still UASC, and the same date in every year's return (rules 205A/205B, 304).
    duc = ceased if uasc else None
    t["Header"].append(
        {
            "child_id": child,
            "sex": c.get("sex"),
            "date_of_birth": dob,
            "ethnicity": c.get("ethnicity"),
            "upn": c.get("upn"),
            "mother": mother,
            "mc_dob": mc_dob,
            "uasc": uasc,
            "uasc_ceased_date": duc,
        }
    )
    if uasc:
        t["UASC"].append(
            {"child_id": child, "sex": c.get("sex"), "dob": dob, "uasc_ceased_date": duc}
        )
    return dob


def _looked_after(
    data: _Data, child: str, episodes: list[Row], ret: Return, t: dict[str, list[Row]], dob: date
) -> None:
    """A looked-after child's episodes and the year's reviews, missing periods, social-worker
    episodes, health (OC2), previous permanence and adoption rows."""
    start, end = ret.start, ret.end
    t["Episodes"].extend(episodes)
    for r in data.get(child, "cla_reviews"):
        if start <= r["review_date"] <= end:
            t["Reviews"].append({**r, "dob": dob})
    for r in data.get(child, "missing_episodes"):
        if _overlaps(r["start_date"], r["end_date"], start, end):
            t["Missing"].append({**_censor(r, end, "end_date"), "dob": dob})
    # Social-worker episodes are returned for the children looked after at the end of the
    # year, an open episode other than a short break (rules SW01STG1, SW12STG2): each of
    # their episodes open at some time in the year, whether or not looked after then.
    looked_after_at_end = any(e["dec"] is None and e["ls"] not in SHORT_BREAKS for e in episodes)
    if ret.year >= SW_FROM_YEAR and looked_after_at_end:
        for r in data.get(child, "cla_social_worker_episodes"):
            if _overlaps(r["sw_decom"], r["sw_dec"], start, end):
                t["SWEpisodes"].append({**_censor(r, end, "sw_dec"), "dob": dob})
    if _continuously_looked_after(episodes, ret):
        for r in data.get(child, "cla_health"):
            if r["collection_year"] == ret.year:
                t["OC2"].append({**r, "dob": dob})
    if any(e["rne"] == "S" and start <= e["decom"] <= end for e in episodes):
        for r in data.get(child, "previous_permanence"):
            t["PrevPerm"].append({**r, "dob": dob})
    t["AD1"].extend({**r, "dob": dob} for r in _adopted(data, child, episodes, ret))
    t["PlacedAdoption"].extend({**r, "dob": dob} for r in _placed(data, child, ret))


def _pick(row: Row, fields: Iterable[tuple[str, str]]) -> Row:
    return {col: row.get(col) for _, col in fields if col != "dob"}


def _continuously_looked_after(episodes: list[Row], ret: Return) -> bool:
    """OC2 cohort: looked after in the year, no new period of care after 1 April, none ending
    before 31 March, no short breaks (S1 `utils.py` CONTINUOUSLY_LOOKED_AFTER)."""
    for e in episodes:
        if e["ls"] in SHORT_BREAKS:
            return False
        if e["rne"] == "S" and ret.start < e["decom"] <= ret.end:
            return False
        if e["dec"] is not None and e["rec"] != "X1" and ret.start <= e["dec"] < ret.end:
            return False
    return True


def _birthday(dob: date, years: int) -> date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February
        return date(dob.year + years, 3, 1)


def _oc3_cohort(data: _Data, child: str, ret: Return) -> bool:
    dob = data.children[child].get("date_of_birth")
    if dob is None:
        return False
    ages = [k for k in range(17, 22) if ret.start <= _birthday(dob, k) <= ret.end]
    if not ages:
        return False
    episodes = [_censor(e, ret.end, "dec", "rec") for e in data.get(child, "cla_episodes")]
    episodes = [e for e in episodes if e["decom"] <= ret.end]
    if not episodes or episodes[-1]["dec"] is None:
        return False  # never looked after, or still looked after
    if episodes[-1]["rec"] in ADOPTED | NOT_CARE_LEAVER_ENDS:
        return False
    if ages[0] in (17, 18) and episodes[-1]["dec"] >= _birthday(dob, ages[0]):
        return False  # still looked after on (or after) the birthday (1007/1016)
    counted = [e for e in episodes if e["ls"] not in SHORT_BREAKS]
    after_14 = sum(_days_after(e, _birthday(dob, 14)) for e in counted)
    after_16 = sum(_days_after(e, _birthday(dob, 16)) for e in counted)
    return after_14 >= 91 and after_16 >= 1  # rule 1001 (relevant/former relevant child)


def _days_after(episode: Row, since: date) -> int:
    return max(0, (episode["dec"] - max(episode["decom"], since)).days)


def _adopted(data: _Data, child: str, episodes: list[Row], ret: Return) -> list[Row]:
    """AD1: the decision behind an adoption (E11/E12) in the year, with the match details."""
    out = []
    for e in episodes:
        if e["rec"] in ADOPTED and e["dec"] is not None and ret.start <= e["dec"] <= ret.end:
            decisions = [
                a
                for a in data.get(child, "adoptions")
                if a["adm_decision_date"] is not None
                and a["adm_decision_date"] <= e["dec"]
                and (
                    a.get("decision_reversed_date") is None
                    or a["decision_reversed_date"] > e["dec"]
                )
            ]
            if decisions:
                out.append(
                    _pick(max(decisions, key=lambda a: a["adm_decision_date"]), FIELDS["AD1"])
                )
    return out


def _placed(data: _Data, child: str, ret: Return) -> list[Row]:
    """PlacedAdoption: decisions in force at some time in the year, and not yet acted on."""
    adoptions = [
        e["dec"]
        for e in data.get(child, "cla_episodes")
        if e["rec"] in ADOPTED and e["dec"] is not None
    ]
    out = []
    for a in data.get(child, "adoptions"):
        made = a["adm_decision_date"]
        if made is None or made > ret.end:
            continue
        reversed_on = a.get("decision_reversed_date")
        if reversed_on is not None and reversed_on < ret.start:
            continue
        if any(made <= d < ret.start for d in adoptions):
            continue  # adopted in an earlier year: that decision is spent
        row = _censor(a, ret.end, "decision_reversed_date", "decision_reversed_reason")
        out.append(_pick(row, FIELDS["PlacedAdoption"]))
    return out
