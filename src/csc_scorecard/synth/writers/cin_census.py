"""The synthetic authority's CIN census returns: `cin_census/cin_<year>.xml` per census year.

A census year ends on 31 March (2022 = 1 April 2021 to 31 March 2022); the last one the
authority touches is an in-year return, written as at the extract date as councils run them.
What a return carries follows the DfE census guide as the DfE validation rules check it
(csc-validator-be-cin, cited by rule; standards.md 2.1):
- every child with an episode of need open at any point in the year: referred on or before the
  census end, not closed before its start (8600, 8620), each such episode under its <Child>;
- assessments completed in the year, or started in it and not completed by its end (8696, 8736);
- section 47 enquiries whose initial conference fell in the year, or that started in it (8715,
  8740); an episode-level DateOfInitialCPC only when it fell in the year (8715);
- CIN plans (from 2021-22) and child protection plans open at any point in the year (4010,
  8930), with the review conferences held in the year.
Nothing after the census end (or the extract date) is known yet: such a closure, plan end,
authorisation, conference or death is left out, and a later return carries it. A child not born
by then is written with ExpectedPersonBirthDate and sex unknown (GenderCurrent 0 / Sex U, 4180).

Element names and order follow the DfE schema of the year (liia-tools CIN XSDs, S3):
GenderCurrent (1/2/0/9) to 2023-24, Sex (M/F/U) from 2024-25; CINPlanDates from 2021-22.

`expected` is what loading every return, oldest first, leaves in the store: for each record,
the version in the latest return that carries it, with blanks filled from earlier returns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pyarrow as pa

from csc_scorecard import __version__
from csc_scorecard.ingest.fields import load_spec
from csc_scorecard.model.codes import codes
from csc_scorecard.model.schema import table
from csc_scorecard.synth.authority import SyntheticAuthority
from csc_scorecard.synth.writers.xml_out import XmlText

FORMAT = "cin_census"
SEX_FROM_YEAR = 2025  # Sex replaced GenderCurrent in the 2024-25 census (standards.md 2.3)
CIN_PLANS_FROM_YEAR = 2022  # CINPlanDates collected from 2021-22 (standards.md 2.3)
TABLES = (
    "children",
    "referrals",
    "assessments",
    "cin_plans",
    "section47s",
    "cp_plans",
    "cp_reviews",
)

Row = dict[str, Any]


@dataclass
class Plan:
    row: Row
    reviews: list[Row] = field(default_factory=list)


@dataclass
class Episode:
    row: Row
    assessments: list[Row] = field(default_factory=list)
    cin_plans: list[Row] = field(default_factory=list)
    section47s: list[Row] = field(default_factory=list)
    cp_plans: list[Plan] = field(default_factory=list)


@dataclass
class Child:
    row: Row
    episodes: list[Episode]


@dataclass
class Return:
    """One census year's return: its period and the records it carries, in file order."""

    year: int
    start: date
    end: date
    known_until: date  # the census end, or the extract date for the in-year return
    children: list[Child]

    def rows(self) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {name: [] for name in TABLES}
        for child in self.children:
            out["children"].append(child.row)
            for ep in child.episodes:
                out["referrals"].append(ep.row)
                out["assessments"].extend(ep.assessments)
                out["cin_plans"].extend(ep.cin_plans)
                out["section47s"].extend(ep.section47s)
                for plan in ep.cp_plans:
                    out["cp_plans"].append(plan.row)
                    out["cp_reviews"].extend(plan.reviews)
        return out


# -- which records a return carries ----------------------------------------------------------


def carried_columns() -> dict[str, list[str]]:
    """The canonical columns a CIN return supplies, per table (from the ingest spec)."""
    supplied: dict[str, set[str]] = defaultdict(set)
    for spec in load_spec(FORMAT).tables.values():
        supplied[spec.canonical].update(f.to for f in spec.columns.values())
    return {
        name: [c for c in table(name).data_column_names if c in supplied[name]] for name in TABLES
    }


def returns(authority: SyntheticAuthority) -> list[Return]:
    """Every census year's return the authority makes, oldest first (empty years left out)."""
    source = _Source(authority)
    out = []
    for year in authority.collection_years():
        start, end = date(year - 1, 4, 1), date(year, 3, 31)
        made = source.census(year, start, end, min(end, authority.end))
        if made.children:
            out.append(made)
    return out


def _within(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _known(day: date | None, until: date) -> date | None:
    return day if day is not None and day <= until else None


class _Source:
    """The authority's canonical tables, grouped by the record each row hangs from."""

    def __init__(self, authority: SyntheticAuthority) -> None:
        self.columns = carried_columns()
        tables = {name: self._rows(authority, name) for name in TABLES}
        self.children = sorted(tables["children"], key=lambda r: _sort_key(r["child_id"]))
        self.referrals = _group(tables["referrals"], ("child_id",), "referral_date")
        self.by_episode = {
            name: _group(tables[name], ("child_id", "referral_date"), "start_date")
            for name in ("assessments", "cin_plans", "section47s", "cp_plans")
        }
        self.reviews = _group(tables["cp_reviews"], ("child_id", "plan_start_date"), "review_date")

    def _rows(self, authority: SyntheticAuthority, name: str) -> list[Row]:
        rows = authority.tables.get(name)
        if rows is None:
            return []
        keep = [c for c in self.columns[name] if c in rows.column_names]
        return [{c: r.get(c) for c in self.columns[name]} for r in rows.select(keep).to_pylist()]

    def census(self, year: int, start: date, end: date, until: date) -> Return:
        children = []
        for child in self.children:
            episodes = [
                self.episode(ep, start, until, with_cin_plans=year >= CIN_PLANS_FROM_YEAR)
                for ep in self.referrals.get((child["child_id"],), [])
                if _open_in(ep["referral_date"], ep["closure_date"], start, until)
            ]
            if episodes:
                children.append(Child(self.child(child, until), episodes))
        return Return(year, start, end, until, children)

    def child(self, row: Row, until: date) -> Row:
        # Unborn at the census end: born later, or only an expected date known. A child with
        # neither date (a recording gap) is taken as born, so its sex is still returned.
        dob = row["date_of_birth"]
        born = dob <= until if dob is not None else row["expected_date_of_birth"] is None
        return {
            **row,
            "date_of_birth": row["date_of_birth"] if born else None,
            "expected_date_of_birth": None
            if born
            else (row["expected_date_of_birth"] or row["date_of_birth"]),
            "sex": row["sex"] if born else "U",
            "date_of_death": _known(row["date_of_death"], until),
            "disabilities": _codes(row["disabilities"]),
        }

    def episode(self, row: Row, start: date, until: date, *, with_cin_plans: bool) -> Episode:
        key = (row["child_id"], row["referral_date"])
        closed = _known(row["closure_date"], until)
        ep = Episode(
            {
                **row,
                "closure_date": closed,
                "closure_reason": row["closure_reason"] if closed else None,
                "icpc_date": row["icpc_date"] if _within(row["icpc_date"], start, until) else None,
            }
        )
        for a in self.by_episode["assessments"].get(key, []):
            done = _known(a["authorised_date"], until)
            if _within(done, start, until) or (
                done is None and _within(a["start_date"], start, until)
            ):
                ep.assessments.append(
                    {
                        **a,
                        "internal_review_date": _known(a["internal_review_date"], until),
                        "authorised_date": done,
                        # Factors belong to a completed assessment only (DfE rules 8614, 8897Q).
                        "factors": _codes(a["factors"]) if done else None,
                    }
                )
        for s in self.by_episode["section47s"].get(key, []):
            held = _known(s["icpc_date"], until)
            if _within(held, start, until) or _within(s["start_date"], start, until):
                ep.section47s.append({**s, "icpc_date": held})
        if with_cin_plans:
            ep.cin_plans = [
                {**p, "end_date": _known(p["end_date"], until)}
                for p in self.by_episode["cin_plans"].get(key, [])
                if _open_in(p["start_date"], p["end_date"], start, until)
            ]
        for p in self.by_episode["cp_plans"].get(key, []):
            if _open_in(p["start_date"], p["end_date"], start, until):
                reviews = [
                    r
                    for r in self.reviews.get((p["child_id"], p["start_date"]), [])
                    if _within(r["review_date"], start, until)
                ]
                ep.cp_plans.append(Plan({**p, "end_date": _known(p["end_date"], until)}, reviews))
        return ep


def _open_in(begun: date | None, ended: date | None, start: date, until: date) -> bool:
    """Open at some point of [start, until]: begun by its end and not ended before its start."""
    return begun is not None and begun <= until and (ended is None or ended >= start)


def _codes(value: str | None) -> str | None:
    """A space-separated code list as the XML gives it back: single spaces, NULL when empty."""
    joined = " ".join((value or "").split())
    return joined or None


def _sort_key(value: Any) -> tuple:
    return (value is None, value)


def _group(rows: Iterable[Row], key: tuple[str, ...], order: str) -> dict[tuple, list[Row]]:
    grouped: dict[tuple, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[tuple(row[k] for k in key)].append(row)
    for members in grouped.values():
        members.sort(key=lambda r: _sort_key(r[order]))
    return grouped


# -- what loading every return leaves in the store ---------------------------------------------


def expected(authority: SyntheticAuthority) -> dict[str, pa.Table]:
    """Canonical rows after loading every return oldest first, as the store merges them.

    A record's row is its latest return's, except that a value that return leaves blank keeps
    the earlier one (store.py: a blank never erases a value): an unborn child keeps the
    expected date of birth of the return before the birth, an episode keeps the conference
    date of the year it was held.
    """
    columns = carried_columns()
    latest: dict[str, dict[tuple, list[Row]]] = {name: {} for name in TABLES}
    for made in returns(authority):
        for name, rows in made.rows().items():
            key = table(name).key
            this_year: dict[tuple, list[Row]] = defaultdict(list)
            for row in rows:
                this_year[tuple(row[k] for k in key)].append(row)
            for k, group in this_year.items():
                earlier = latest[name].get(k)
                if earlier:
                    group = [{c: _first(r[c], earlier[0][c]) for c in r} for r in group]
                latest[name][k] = group
    out = {}
    for name in TABLES:
        schema = pa.schema([table(name).arrow_schema().field(c) for c in columns[name]])
        rows = [r for group in latest[name].values() for r in group]
        out[name] = pa.Table.from_pylist([{c: r[c] for c in columns[name]} for r in rows], schema)
    return out


def _first(value: Any, otherwise: Any) -> Any:
    return otherwise if value is None else value


# -- writing the XML ---------------------------------------------------------------------------


def write(authority: SyntheticAuthority, out_dir: Path) -> list[Path]:
    folder = out_dir / FORMAT
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for made in returns(authority):
        path = folder / f"cin_{made.year}.xml"
        _message(made, authority.la_code).write(path)
        files.append(path)
    return files


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _leaf(x: XmlText, name: str, value: Any, *, mandatory: bool = False) -> None:
    """An element for a value; a mandatory one is written empty when the value is missing."""
    if value is None:  # `_text` inlined: a return has a million leaves
        if mandatory:
            x.leaf(name, None)
    elif isinstance(value, str):
        x.leaf(name, value)
    else:
        x.leaf(name, _text(value))


def _gender_current() -> Callable[[str | None], str | None]:
    # The inverse of the ingest spec's GenderCurrent map; U is written 0 (not recorded).
    mapping: dict[str, str] = {}
    for code, sex in load_spec(FORMAT).tables["Child"].columns["Sex"].map.items():
        mapping.setdefault(sex, code)
    return lambda sex: None if sex is None else mapping.get(sex, sex)


def _message(made: Return, la_code: str) -> XmlText:
    x = XmlText("Message")
    x.open("Header")
    x.open("CollectionDetails")
    _leaf(x, "Collection", "CIN")
    _leaf(x, "Year", made.year)
    _leaf(x, "ReferenceDate", made.end)
    x.close()
    x.open("Source")
    _leaf(x, "SourceLevel", "L")
    _leaf(x, "LEA", la_code)
    _leaf(x, "SoftwareCode", "csc-scorecard synthetic authority")
    _leaf(x, "Release", __version__)
    _leaf(x, "SerialNo", "001")
    _leaf(x, "DateTime", datetime.combine(made.known_until, time(18, 0)).isoformat())
    x.close()
    x.close()
    x.open("Children")
    gender = _gender_current()
    unknown_upn = codes("upn_unknown")
    for child in made.children:
        x.open("Child")
        _child(x, child, made.year, gender, unknown_upn)
        x.close()
    x.close()
    return x


def _child(x: XmlText, child: Child, year: int, gender, unknown_upn: dict) -> None:
    row = child.row
    x.open("ChildIdentifiers")
    _leaf(x, "LAchildID", row["child_id"], mandatory=True)
    upn = row["upn"]
    _leaf(x, "UPN", None if upn in unknown_upn else upn)
    _leaf(x, "FormerUPN", row["former_upn"])
    _leaf(x, "UPNunknown", upn if upn in unknown_upn else None)
    _leaf(x, "PersonBirthDate", row["date_of_birth"])
    _leaf(x, "ExpectedPersonBirthDate", row["expected_date_of_birth"])
    if year >= SEX_FROM_YEAR:
        _leaf(x, "Sex", row["sex"], mandatory=True)
    else:
        _leaf(x, "GenderCurrent", gender(row["sex"]), mandatory=True)
    _leaf(x, "PersonDeathDate", row["date_of_death"])
    x.close()
    x.open("ChildCharacteristics")
    _leaf(x, "Ethnicity", row["ethnicity"], mandatory=True)
    if row["disabilities"]:
        x.open("Disabilities")
        for code in row["disabilities"].split():
            _leaf(x, "Disability", code)
        x.close()
    x.close()
    for ep in child.episodes:
        x.open("CINdetails")
        _episode(x, ep)
        x.close()


def _episode(x: XmlText, ep: Episode) -> None:
    row = ep.row
    _leaf(x, "CINreferralDate", row["referral_date"], mandatory=True)
    _leaf(x, "ReferralSource", row["referral_source"], mandatory=True)
    _leaf(x, "PrimaryNeedCode", row["primary_need_code"])
    _leaf(x, "CINclosureDate", row["closure_date"])
    _leaf(x, "ReasonForClosure", row["closure_reason"])
    _leaf(x, "DateOfInitialCPC", row["icpc_date"])
    for a in ep.assessments:
        x.open("Assessments")
        _leaf(x, "AssessmentActualStartDate", a["start_date"], mandatory=True)
        _leaf(x, "AssessmentInternalReviewDate", a["internal_review_date"])
        _leaf(x, "AssessmentAuthorisationDate", a["authorised_date"])
        if a["factors"]:
            x.open("FactorsIdentifiedAtAssessment")
            for code in a["factors"].split():
                _leaf(x, "AssessmentFactors", code)
            x.close()
        x.close()
    for p in ep.cin_plans:
        x.open("CINPlanDates")
        _leaf(x, "CINPlanStartDate", p["start_date"], mandatory=True)
        _leaf(x, "CINPlanEndDate", p["end_date"])
        x.close()
    for s in ep.section47s:
        x.open("Section47")
        _leaf(x, "S47ActualStartDate", s["start_date"], mandatory=True)
        _leaf(x, "InitialCPCtarget", s["icpc_target_date"])
        _leaf(x, "DateOfInitialCPC", s["icpc_date"])
        _leaf(x, "ICPCnotRequired", s["icpc_not_required"], mandatory=True)
        x.close()
    _leaf(x, "ReferralNFA", row["referral_nfa"], mandatory=True)
    for plan in ep.cp_plans:
        p = plan.row
        x.open("ChildProtectionPlans")
        _leaf(x, "CPPstartDate", p["start_date"], mandatory=True)
        _leaf(x, "CPPendDate", p["end_date"])
        _leaf(x, "InitialCategoryOfAbuse", p["initial_category"], mandatory=True)
        _leaf(x, "LatestCategoryOfAbuse", p["latest_category"], mandatory=True)
        _leaf(x, "NumberOfPreviousCPP", p["previous_plans"], mandatory=True)
        if plan.reviews:
            x.open("Reviews")
            for r in plan.reviews:
                _leaf(x, "CPPreviewDate", r["review_date"])
            x.close()
        x.close()
