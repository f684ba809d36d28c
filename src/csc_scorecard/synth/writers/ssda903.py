"""The synthetic authority's SSDA903 returns, one per collection year it touches:
`ssda903/<year>/<table>.csv` (the DfE CSV files, exactly DfE's columns) and the same content as
`ssda903_xml/<year>.xml`. A collection year ends on 31 March (2020 = 1 April 2019 to 31 March
2020); the last one is an in-year extract as at the authority's extract date, as councils run
them. Social-worker episodes are written from 2023-24 (year 2024), when DfE started collecting
them; SEX is 1/2 to 2023-24 and M/F/U from 2024-25 (standards.md 1.3, 1.4).

What a return carries, as the DfE validation rules check it (csc-validator-be-903, cited by rule;
standards.md 1.2, 1.5):
- Episodes: every episode open at any time in the year (DECOM on or before its end, DEC blank or
  on or after its start). Nothing after the year's end is known: a later DEC is left blank with
  its REC and REASON_PLACE_CHANGE (rules 354/385), and the next return carries it. Short breaks
  (V3/V4) go without PL_POST and URN (214/420).
- Header: the children with such an episode, plus the OC3 cohort (INT06). MOTHER/MC_DOB only
  once the child's child is born (625), never for care leavers not looked after (628).
- UASC: children with an episode who were UASC at some time in the year (DUC blank or not before
  its start, rule 104), DUC as recorded even when still ahead (the 18th birthday, 205B); not for
  care leavers (1014).
- Reviews in the year; Missing periods open at any time in the year (570/571/576), MIS_END left
  blank until it has passed; SWEpisodes likewise (SW06/SW07), for the children looked after at
  the end of the year only (SW01STG1, SW12STG2).
- OC2: the child's cla_health row for the year, for children looked after continuously in the
  year (S1 `utils.py`: no S start after 1 April, no non-X1 end before 31 March, no V3/V4).
- OC3: the child's care_leavers row for the year, for care leavers whose 17th-21st birthday
  falls in it (391), who were in care 13 weeks after their 14th birthday and a day after their
  16th (1001), were not adopted, did not die or move to another authority in care (1000/1011),
  and, at 17 or 18, had left care before that birthday (1007/1016).
- AD1: children whose episode ended in adoption (E11/E12) in the year, with the decision that
  led to it (601/602); PlacedAdoption: every decision that a child should be placed for
  adoption still in force at some time in the year for a child looked after in it (117/118),
  its reversal left blank until it has happened.
- PrevPerm: children who started to be looked after in the year (630).

`expected` is what loading every return, oldest first, leaves in the store: for each record,
the version in the latest return that carries it.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ElementTree, SubElement, indent

import pyarrow as pa

from csc_scorecard.csv_safety import safe_row
from csc_scorecard.model.codes import code_group
from csc_scorecard.model.schema import table
from csc_scorecard.synth.authority import SyntheticAuthority

FORMAT = "ssda903"
SW_FROM_YEAR = 2024  # SWEpisodes collected from 2023-24 (standards.md 1.4)
SEX_LETTERS_FROM_YEAR = 2025  # SEX M/F/U from 2024-25; 1/2 before (standards.md 1.3)
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
# Which canonical table each DfE table's rows belong to (AD1 and PlacedAdoption share one).
CANONICAL = {
    "Header": "children",
    "Episodes": "cla_episodes",
    "Reviews": "cla_reviews",
    "OC2": "cla_health",
    "OC3": "care_leavers",
    "AD1": "adoptions",
    "PlacedAdoption": "adoptions",
    "PrevPerm": "previous_permanence",
    "Missing": "missing_episodes",
    "SWEpisodes": "cla_social_worker_episodes",
}
# XML: (element, table) groups under <HEADER> and under <CHILD> (ingest/formats/ssda903_xml.py).
XML_UNDER_HEADER = (("AREVIEW", "Reviews"), ("AMISSING", "Missing"), ("OC2", "OC2"),
                    ("PERMANENCE", "PrevPerm"), ("AD_PLACED", "PlacedAdoption"))  # fmt: skip
XML_UNDER_CHILD = (("EPISODE", "Episodes"), ("SWEPISODE", "SWEpisodes"))
XML_RENAME = {"CHILD": "CHILDID", "PLACE": "PL"}


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
    t: dict[str, list[Row]] = {name: [] for name in FILES}
    for child in sorted(set(looked_after) | set(leavers)):
        c = data.children[child]
        dob = c["date_of_birth"]
        mother, mc_dob = c.get("mother"), c.get("mc_dob")
        if child not in looked_after:
            mother = mc_dob = None  # rule 628
        elif mc_dob is not None and mc_dob > end:
            mother, mc_dob = False, None  # not a mother yet (625)
        ceased = c.get("uasc_ceased_date")
        uasc = (
            bool(c.get("uasc")) and (ceased is None or ceased >= start)  # rule 104
            if child in looked_after
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
        if child in leavers:
            t["OC3"].append({**_pick(leavers[child], FIELDS["OC3"]), "dob": dob})
        if child not in looked_after:
            continue  # nothing else for a care leaver not looked after in the year (1012)
        episodes = looked_after[child]
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
        looked_after_at_end = any(
            e["dec"] is None and e["ls"] not in SHORT_BREAKS for e in episodes
        )
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
    ret.tables = t
    return ret


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


# -- writing ------------------------------------------------------------------------------------


def write(authority: SyntheticAuthority, out_dir: Path) -> list[Path]:
    """Write every year's return as CSV files and as one XML file; return the paths."""
    paths: list[Path] = []
    for ret in returns(authority):
        folder = out_dir / FORMAT / str(ret.year)
        folder.mkdir(parents=True, exist_ok=True)
        for name, file_name in FILES.items():
            if name == "SWEpisodes" and ret.year < SW_FROM_YEAR:
                continue
            path = folder / file_name
            with path.open("w", newline="", encoding="utf-8") as fh:
                out = csv.writer(fh)
                out.writerow([f for f, _ in FIELDS[name]])
                for row in ret.tables[name]:
                    out.writerow(
                        safe_row(_text(row.get(col), f, ret.year) for f, col in FIELDS[name])
                    )
            paths.append(path)
        xml_dir = out_dir / f"{FORMAT}_xml"
        xml_dir.mkdir(parents=True, exist_ok=True)
        path = xml_dir / f"{ret.year}.xml"
        tree = ElementTree(_xml(ret))
        indent(tree, space="  ")
        tree.write(path, encoding="utf-8", xml_declaration=True)
        paths.append(path)
    return paths


def _text(value: Any, field_name: str, year: int) -> str:
    """A value as the 903 writes it: DD/MM/YYYY dates, 0/1 flags, SEX 1/2 before 2024-25."""
    if value is None:
        return ""
    if field_name == "SEX" and year < SEX_LETTERS_FROM_YEAR:
        return {"M": "1", "F": "2"}.get(value, value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _xml(ret: Return) -> Element:
    by_child: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for name, rows in ret.tables.items():
        for row in rows:
            by_child[row["child_id"]][name].append(row)
    root = Element("EXPSSDA903")
    for head in ret.tables["Header"]:
        child = head["child_id"]
        tables = by_child[child]
        el = SubElement(root, "CHILD")
        header = SubElement(el, "HEADER")
        for f, col in FIELDS["Header"]:
            _leaf(header, f, head.get(col), ret.year)
        # UASC is 0/1 for every child in XML (rule 105), care leavers included (0), although
        # for them it means nothing (1014) and is read back as unknown.
        _leaf(header, "UASC", bool(head["uasc"]), ret.year)
        if head["uasc"]:
            _leaf(header, "DUC", head["uasc_ceased_date"], ret.year)
        for name in ("OC3", "AD1"):  # flat: their fields are leaves of <HEADER>
            for row in tables.get(name, [])[:1]:
                for f, col in FIELDS[name][2:]:
                    _leaf(header, f, row.get(col), ret.year)
        for tag, name in XML_UNDER_HEADER:
            for row in tables.get(name, []):
                _group(header, tag, name, row, ret.year)
        for tag, name in XML_UNDER_CHILD:
            if name == "SWEpisodes" and ret.year < SW_FROM_YEAR:
                continue
            for row in tables.get(name, []):
                _group(el, tag, name, row, ret.year)
    return root


def _group(parent: Element, tag: str, name: str, row: Row, year: int) -> None:
    el = SubElement(parent, tag)
    for f, col in FIELDS[name]:
        if f not in ("CHILD", "DOB"):
            _leaf(el, XML_RENAME.get(f, f), row.get(col), year)


def _leaf(parent: Element, tag: str, value: Any, year: int) -> None:
    text = _text(value, tag, year)
    SubElement(parent, XML_RENAME.get(tag, tag)).text = text or None


# -- what loading the returns gives back --------------------------------------------------------


def expected(authority: SyntheticAuthority) -> dict[str, pa.Table]:
    """The canonical rows and columns the returns carry, as loading them oldest first leaves
    them: a record carried by several returns takes the latest return's values, and a blank in
    a later return keeps the earlier value (the store never lets a blank erase one)."""
    merged: dict[str, dict[tuple, Row]] = defaultdict(dict)
    for ret in returns(authority):
        for canonical, rows in _canonical_rows(ret).items():
            key = table(canonical).key
            for row in rows:
                k = tuple(row[c] for c in key)
                earlier = merged[canonical].get(k, {})
                merged[canonical][k] = {
                    c: (v if v is not None else earlier.get(c)) for c, v in row.items()
                }
    out = {}
    for canonical in sorted(set(CANONICAL.values())):
        t = table(canonical)
        cols = _expected_columns(canonical)
        schema = t.arrow_schema()
        rows = [merged[canonical][k] for k in sorted(merged[canonical], key=_sort_key)]
        out[canonical] = pa.table(
            {c: pa.array([r.get(c) for r in rows], type=schema.field(c).type) for c in cols}
        )
    return out


def _expected_columns(canonical: str) -> list[str]:
    """The canonical columns the 903 supplies for a table (plus UASC status on children)."""
    cols = ["child_id"]
    for name, fields in FIELDS.items():
        if CANONICAL.get(name) == canonical:
            cols += [c for f, c in fields if c not in cols and c != "dob" and f != "CHILD"]
    if canonical == "children":
        cols += ["uasc", "uasc_ceased_date"]
    if canonical in ("cla_health", "care_leavers"):
        cols.append("collection_year")
    return cols


def _canonical_rows(ret: Return) -> dict[str, list[Row]]:
    """One return's rows as the reader builds them: Header with UASC status, AD1 and
    PlacedAdoption rows for one decision as one row, OC2/OC3 stamped with the year."""
    out: dict[str, list[Row]] = defaultdict(list)
    for name, rows in ret.tables.items():
        canonical = CANONICAL.get(name)
        if canonical is None or (name == "SWEpisodes" and ret.year < SW_FROM_YEAR):
            continue
        cols = _expected_columns(canonical)
        for row in rows:
            out[canonical].append(
                {c: row.get(c) for c in cols}
                | ({"collection_year": ret.year} if "collection_year" in cols else {})
            )
    adoptions: dict[tuple, Row] = {}
    for row in out.pop("adoptions", []):
        key = (row["child_id"], row["adm_decision_date"])
        if key in adoptions:
            adoptions[key].update({k: v for k, v in row.items() if v is not None})
        else:
            adoptions[key] = row
    out["adoptions"] = list(adoptions.values())
    return out


def _sort_key(key: tuple) -> tuple:
    return tuple((v is None, v if v is not None else 0) for v in key)
