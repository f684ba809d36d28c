"""The Standard Safeguarding Dataset (SSD, Data to Insight) as canonical tables.

An SSD arrives as one table per object, `ssd_<object>`: from a folder of dumps
(`ssd_cin_assessments.csv` or `.parquet`, the specification's field names as headers) or
straight from the council's database (`ingest/ssd_db.py`). Both produce a `Dump` (object name ->
header and rows) and go through `batch(dump)`, so the two routes cannot differ.

The SSD links records by its own identifiers (referral, plan, CLA, placement, assessment ids);
`batch` resolves them into the canonical natural keys (a child and a date) and fills the
spec's `derived_*` fields, then every value passes through the shared engine with
`specs/ssd.yaml`. The SSD is a snapshot of the whole case history, so one load holds it all
and a later SSD load of the same authority replaces it (period unset).

Refused, nothing stored: a file that cannot be read; an object without a field the canonical key
needs (naming the file and the field); an object whose identifiers need another object that is
absent (e.g. ssd_cla_reviews without ssd_cla_episodes). Bad values load with the raw text kept
in a data-quality issue, as in every format.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from csc_scorecard.ingest import ssd_json
from csc_scorecard.ingest.fields import convert, load_spec, missing_fields
from csc_scorecard.ingest.formats.template import _read_rows as read_csv_rows
from csc_scorecard.ingest.values import BadValue, clean, parse_date
from csc_scorecard.model.batch import FormatError, Issue, LoadBatch

SUFFIXES = {".csv", ".parquet"}
# Objects read only to resolve or complete another object, with the fields they must have.
AUXILIARY = {
    "ssd_assessment_factors": ["cinf_assessment_id", "cinf_assessment_factors_json"],
    "ssd_initial_cp_conference": ["icpc_s47_enquiry_id"],
    "ssd_cla_placement": ["clap_cla_placement_id"],
    "ssd_disability": ["disa_person_id", "disa_disability_code"],
    "ssd_linked_identifiers": ["link_person_id", "link_identifier_type", "link_identifier_value"],
    "ssd_immigration_status": ["immi_person_id", "immi_immigration_status"],
    "ssd_mother": ["moth_person_id", "moth_childs_dob"],
}
PSEUDO = {"ssd_permanence_orders": "ssd_permanence"}  # spec entries read from another object
# Involvement roles that are the child's allocated worker; other involvements (IRO, team
# manager, ...) are not allocations.
ALLOCATED_ROLE = re.compile(r"allocat|social worker|case ?worker|personal advi[sc]", re.IGNORECASE)
# The extract date (care leavers' as-at date) is the latest of these event dates in the dump.
EXTRACT_DATE_FIELDS = {
    "ssd_contacts": "cont_contact_date",
    "ssd_cin_episodes": "cine_referral_date",
    "ssd_cin_visits": "cinv_cin_visit_date",
    "ssd_cp_visits": "cppv_cp_visit_date",
    "ssd_cla_visits": "clav_cla_visit_date",
    "ssd_involvements": "invo_involvement_start_date",
}
Row = dict[str, Any]


@dataclass
class SsdObject:
    """One SSD object as read: where from, its header and its rows (field names lower-cased)."""

    name: str
    source: str
    header: list[str]
    rows: list[tuple[int, Row]]


@dataclass
class Dump:
    objects: dict[str, SsdObject] = field(default_factory=dict)

    def rows(self, name: str) -> list[tuple[int, Row]]:
        return self.objects[name].rows if name in self.objects else []

    def has(self, name: str) -> bool:
        return name in self.objects


def known_objects() -> set[str]:
    return (set(load_spec("ssd").tables) - set(PSEUDO)) | set(AUXILIARY)


def object_name(path: Path) -> str | None:
    """`ssd_cin_assessments` for ssd_cin_assessments.csv (any case); None if not an SSD object."""
    if path.suffix.lower() not in SUFFIXES:
        return None
    stem = path.stem.lower()
    return stem if stem in known_objects() else None


def lowered(record: Row) -> Row:
    return {str(k).strip().lower().lstrip("\ufeff"): v for k, v in record.items()}


def lowered_rows(header: list[str], rows: Iterable[tuple[int, Row]]) -> list[tuple[int, Row]]:
    """Rows keyed by lower-case field names (copied only when the header is not already so)."""
    if all(h == h.strip().lower().lstrip("\ufeff") for h in header):
        return list(rows)
    return [(n, lowered(r)) for n, r in rows]


def read_file(path: Path) -> SsdObject:
    name = object_name(path)
    assert name is not None
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            data = pq.read_table(path)
        except Exception as err:  # noqa: BLE001 - pyarrow raises several error types for bad files
            raise FormatError(path, f"cannot be read as Parquet ({err})") from None
        header = list(data.column_names)
        rows = lowered_rows(header, enumerate(data.to_pylist(), start=1))
    else:
        header, records, _ = read_csv_rows(path)
        rows = lowered_rows(header, records)
    return SsdObject(name=name, source=str(path), header=header, rows=rows)


class SsdAdapter:
    name = "ssd"
    loads_last = True  # the case system's current view: applied after returns read alongside

    def sniff(self, path: Path) -> bool:
        return object_name(path) is not None

    def read(self, paths: list[Path], *, la_code: str | None, year: int | None) -> list[LoadBatch]:
        dump = Dump()
        for path in paths:
            obj = read_file(path)
            if obj.name in dump.objects:
                raise FormatError(path, f"a second {obj.name} in the same folder")
            dump.objects[obj.name] = obj
        if la_code is None:
            raise FormatError(paths[0].parent, "an SSD carries no authority code: pass --la CODE")
        return [batch(dump, la_code=la_code)]


def check_fields(dump: Dump) -> None:
    """Refuse an object missing a field the canonical key or an identifier join needs."""
    spec = load_spec("ssd")
    for name, obj in dump.objects.items():
        needed = AUXILIARY.get(name)
        if needed is None:
            missing = missing_fields(obj.header, spec.tables[name])
        else:
            present = {h.strip().lower().lstrip("\ufeff") for h in obj.header}
            missing = [f for f in needed if f not in present]
        if missing:
            raise FormatError(
                obj.source, f"SSD object {name} needs fields {missing}", line=1, field=missing[0]
            )
    for name, needs in DEPENDS.items():
        if dump.has(name) and not dump.has(needs):
            raise FormatError(
                dump.objects[name].source,
                f"SSD object {name} links to its child through {needs}, which is absent",
            )


# Objects whose rows reach their child or key date only through another object.
DEPENDS = {"ssd_cla_reviews": "ssd_cla_episodes", "ssd_cp_reviews": "ssd_cp_plans"}


def batch(dump: Dump, *, la_code: str) -> LoadBatch:
    """Every object of the dump as one load of canonical rows and issues."""
    check_fields(dump)
    spec = load_spec("ssd")
    ctx = _Links(dump)
    tables, issues = {}, list(ctx.issues)
    for name, tspec in spec.tables.items():
        source = PSEUDO.get(name, name)
        if not dump.has(source):
            continue
        records = ctx.records(name, dump.rows(source))
        converted = convert(records, tspec, file=dump.objects[source].source)
        tables[tspec.canonical] = converted.rows
        issues.extend(converted.issues)
        issues.extend(ctx.take_issues(name, tspec.canonical))
    return LoadBatch(
        source_format="ssd",
        la_code=la_code,
        period_start=None,
        period_end=None,
        files=sorted(o.source for o in dump.objects.values()),
        tables=tables,
        issues=issues,
    )


def _date(v: Any) -> date | None:
    try:
        return parse_date(v)
    except BadValue:
        return None


def _disability_list(found: list[str]) -> str | None:
    """Space-separated codes; NONE alone by its label, since the engine reads "none" as blank."""
    if found == ["NONE"]:
        return "No disability"
    return " ".join(found) or None


def _id(v: Any) -> str | None:
    text = clean(v)
    if text is None:
        return None
    return text[:-2] if re.fullmatch(r"\d+\.0", text) else text  # numeric ids read as floats


class _Links:
    """Lookups from the SSD's identifiers to canonical keys, and the derived fields per object."""

    def __init__(self, dump: Dump):
        self.dump = dump
        self.issues: list[Issue] = []
        self.pending: dict[str, list[Issue]] = defaultdict(list)
        self.referral_date = self._index(
            "ssd_cin_episodes", "cine_referral_id", "cine_referral_date"
        )
        self.plan = {
            _id(r.get("cppl_cp_plan_id")): (
                r.get("cppl_person_id"),
                r.get("cppl_cp_plan_start_date"),
            )
            for _, r in dump.rows("ssd_cp_plans")
        }
        self.cla_person: dict[str | None, Any] = {}
        self.entered_care: dict[str | None, Any] = {}
        for _, r in dump.rows("ssd_cla_episodes"):
            cla = _id(r.get("clae_cla_id"))
            self.cla_person.setdefault(cla, r.get("clae_person_id"))
            if clean(r.get("clae_entered_care_date")) is not None:
                self.entered_care.setdefault(cla, r.get("clae_entered_care_date"))
        self.placement = {
            _id(r.get("clap_cla_placement_id")): r for _, r in dump.rows("ssd_cla_placement")
        }
        self.conference: dict[str | None, Row] = {}
        for _, r in sorted(
            dump.rows("ssd_initial_cp_conference"),
            key=lambda nr: _date(nr[1].get("icpc_icpc_date")) or date.max,
        ):
            self.conference.setdefault(_id(r.get("icpc_s47_enquiry_id")), r)
        self.factors: dict[str | None, list[tuple[int, Any]]] = defaultdict(list)
        for n, r in dump.rows("ssd_assessment_factors"):
            self.factors[_id(r.get("cinf_assessment_id"))].append(
                (n, r.get("cinf_assessment_factors_json"))
            )
        self.legal: dict[str, list[tuple[date, date | None, Any]]] = defaultdict(list)
        for _, r in dump.rows("ssd_legal_status"):
            start = _date(r.get("lega_legal_status_start_date"))
            if start is not None:
                self.legal[str(r.get("lega_person_id"))].append(
                    (start, _date(r.get("lega_legal_status_end_date")), r.get("lega_legal_status"))
                )
        for spans in self.legal.values():
            spans.sort(key=lambda s: s[0])
        self.extract_date = self._extract_date()
        self.upn = self._upns()
        self.disabilities = self._disabilities()
        self.uasc = self._uasc()
        self.skipped_roles: dict[str, int] = defaultdict(int)

    def _index(self, obj: str, key: str, value: str) -> dict[str | None, Any]:
        return {_id(r.get(key)): r.get(value) for _, r in self.dump.rows(obj)}

    def _extract_date(self) -> date | None:
        found = [
            d
            for obj, f in EXTRACT_DATE_FIELDS.items()
            for _, r in self.dump.rows(obj)
            if (d := _date(r.get(f))) is not None
        ]
        return max(found, default=None)

    def take_issues(self, name: str, canonical: str) -> list[Issue]:
        return [Issue(**{**i.__dict__, "table": canonical}) for i in self.pending.pop(name, [])]

    def _json_issue(
        self, name: str, obj: str, row: int, fieldname: str, raw: Any, err: BadValue
    ) -> None:
        self.pending[name].append(
            Issue(
                rule=err.rule,
                message=f"{fieldname}: {err}",
                file=self.dump.objects[obj].source,
                row=row,
                field=fieldname,
                value=None if raw is None else str(raw),
            )
        )

    def records(self, name: str, rows: list[tuple[int, Row]]) -> Iterable[tuple[int, Row]]:
        derive: Callable[[str, int, Row], Row | None] | None = getattr(self, name, None)
        if derive is None:
            return rows
        out = []
        for n, r in rows:
            d = derive(name, n, r)
            if d is not None:
                out.append((n, d))
        if name == "ssd_involvements" and self.skipped_roles:
            roles = ", ".join(f"{k} ({v})" for k, v in sorted(self.skipped_roles.items()))
            self.pending[name].append(
                Issue(
                    rule="not_an_allocation",
                    message=f"involvements of other roles are not allocations, not stored: {roles}",
                    file=self.dump.objects["ssd_involvements"].source,
                    field="invo_professional_role_id",
                    severity="info",
                )
            )
        return out

    # -- one method per object needing derived fields (named as the object) -------------------

    def ssd_person(self, name: str, n: int, r: Row) -> Row:
        person = _id(r.get("pers_person_id"))
        return {
            **r,
            "derived_sex": clean(r.get("pers_sex")) or clean(r.get("pers_gender")),
            "derived_upn": self.upn.get(person) or clean(r.get("pers_upn_unknown")),
            "derived_disabilities": _disability_list(self.disabilities.get(person, [])),
            "derived_uasc": person in self.uasc
            if self.dump.has("ssd_immigration_status")
            else None,
        }

    def ssd_cin_assessments(self, name: str, n: int, r: Row) -> Row:
        outcome = self._json(name, "ssd_cin_assessments", n, r, "cina_assessment_outcome_json")
        nfa = clean(r.get("cina_assessment_outcome_nfa"))
        nfa_flag = ssd_json._truth(nfa) if nfa is not None else ssd_json.flag(outcome, "NFA_FLAG")
        codes = []
        for fn, raw in self.factors.get(_id(r.get("cina_assessment_id")), []):
            try:
                if (c := ssd_json.factor_codes(raw)) is not None:
                    codes.append(c)
            except BadValue as err:
                self._json_issue(
                    name, "ssd_assessment_factors", fn, "cinf_assessment_factors_json", raw, err
                )
        return {
            **r,
            "derived_referral_date": self.referral_date.get(_id(r.get("cina_referral_id"))),
            "derived_factors": " ".join(codes) or None,
            "derived_further_support": None if nfa_flag is None else not nfa_flag,
        }

    def _json(self, name: str, obj: str, n: int, r: Row, fieldname: str) -> Any:
        raw = r.get(fieldname)
        try:
            return ssd_json.parse(raw)
        except BadValue as err:
            self._json_issue(name, obj, n, fieldname, raw, err)
            return None

    def _with_referral(self, field_id: str) -> Callable[[str, int, Row], Row]:
        def derive(name: str, n: int, r: Row) -> Row:
            return {**r, "derived_referral_date": self.referral_date.get(_id(r.get(field_id)))}

        return derive

    def ssd_cin_plans(self, name: str, n: int, r: Row) -> Row:
        return self._with_referral("cinp_referral_id")(name, n, r)

    def ssd_cp_plans(self, name: str, n: int, r: Row) -> Row:
        return self._with_referral("cppl_referral_id")(name, n, r)

    def ssd_cin_episodes(self, name: str, n: int, r: Row) -> Row:
        self._json(name, "ssd_cin_episodes", n, r, "cine_referral_outcome_json")
        return r

    def ssd_contacts(self, name: str, n: int, r: Row) -> Row:
        self._json(name, "ssd_contacts", n, r, "cont_contact_outcome_json")
        return r

    def ssd_s47_enquiry(self, name: str, n: int, r: Row) -> Row:
        outcome = self._json(name, "ssd_s47_enquiry", n, r, "s47e_s47_outcome_json")
        conference = self.conference.get(_id(r.get("s47e_s47_enquiry_id")), {})
        cp_flag = ssd_json._truth(conference.get("icpc_icpc_outcome_cp_flag"))
        if cp_flag is None and conference:
            icpc_outcome = self._json(
                name, "ssd_initial_cp_conference", 0, conference, "icpc_icpc_outcome_json"
            )
            cp_flag = ssd_json.flag(icpc_outcome, "CP_FLAG")
        conference_flag = ssd_json.flag(outcome, "CP_CONFERENCE_FLAG")
        return {
            **r,
            "derived_referral_date": self.referral_date.get(_id(r.get("s47e_referral_id"))),
            "derived_icpc_target_date": conference.get("icpc_icpc_target_date"),
            "derived_icpc_date": conference.get("icpc_icpc_date"),
            "derived_icpc_not_required": None if conference_flag is None else not conference_flag,
            "derived_icpc_resulted_in_plan": cp_flag,
        }

    def _plan_person(self, r: Row, person: str, plan: str) -> tuple[Any, Any]:
        linked = self.plan.get(_id(r.get(plan)), (None, None))
        return clean(r.get(person)) or linked[0], linked[1]

    def ssd_cp_reviews(self, name: str, n: int, r: Row) -> Row:
        person, start = self._plan_person(r, "cppr_person_id", "cppr_cp_plan_id")
        return {**r, "derived_person_id": person, "derived_plan_start_date": start}

    def ssd_cp_visits(self, name: str, n: int, r: Row) -> Row:
        return {
            **r,
            "derived_person_id": self._plan_person(r, "cppv_person_id", "cppv_cp_plan_id")[0],
        }

    def ssd_cla_episodes(self, name: str, n: int, r: Row) -> Row:
        place = self.placement.get(_id(r.get("clae_cla_placement_id")), {})
        return {
            **r,
            "derived_ls": self.legal_status_on(
                r.get("clae_person_id"), _date(r.get("clae_cla_episode_start_date"))
            ),
            "derived_place": place.get("clap_cla_placement_type"),
            "derived_place_provider": place.get("clap_cla_placement_provider"),
            "derived_pl_post": place.get("clap_cla_placement_postcode"),
            "derived_urn": place.get("clap_cla_placement_urn"),
            # the reason belongs to the episode that starts the placement
            "derived_reason_place_change": place.get("clap_cla_placement_change_reason")
            if _date(place.get("clap_cla_placement_start_date"))
            == _date(r.get("clae_cla_episode_start_date"))
            else None,
        }

    def legal_status_on(self, person: Any, day: date | None) -> Any:
        """The legal status held on `day`: the latest status starting on or before it."""
        spans = self.legal.get(str(person), [])
        if day is None or not spans:
            return None
        k = bisect.bisect_right([s[0] for s in spans], day) - 1
        if k < 0:
            return None
        start, end, status = spans[k]
        return status if end is None or day < end or end == start else None

    def ssd_cla_reviews(self, name: str, n: int, r: Row) -> Row | None:
        if ssd_json._truth(r.get("clar_cla_review_cancelled")):
            return None  # a cancelled review was not held
        return {**r, "derived_person_id": self.cla_person.get(_id(r.get("clar_cla_id")))}

    def ssd_cla_visits(self, name: str, n: int, r: Row) -> Row:
        person = clean(r.get("clav_person_id")) or self.cla_person.get(_id(r.get("clav_cla_id")))
        return {**r, "derived_person_id": person}

    def ssd_care_leavers(self, name: str, n: int, r: Row) -> Row:
        letter = clean(r.get("clea_care_leaver_accommodation"))
        suitable = clean(r.get("clea_care_leaver_accom_suitable"))
        if letter and suitable and len(letter) == 1:
            digit = {"suitable": "1", "unsuitable": "2"}.get(suitable.lower(), suitable)
            letter = letter + digit
        return {**r, "derived_as_at_date": self.extract_date, "derived_accommodation": letter}

    def ssd_permanence(self, name: str, n: int, r: Row) -> Row | None:
        if clean(r.get("perm_adm_decision_date")) is None:
            return None  # no adoption decision: not an adoption record (orders are kept below)
        order = clean(r.get("perm_permanence_order_type")) or ""
        return {
            **r,
            "derived_entered_care_date": self.entered_care.get(_id(r.get("perm_cla_id"))),
            "derived_adoption_order_date": r.get("perm_permanence_order_date")
            if "adopt" in order.lower()
            else None,
        }

    def ssd_permanence_orders(self, name: str, n: int, r: Row) -> Row | None:
        return r if clean(r.get("perm_permanence_order_date")) is not None else None

    def ssd_involvements(self, name: str, n: int, r: Row) -> Row | None:
        role = clean(r.get("invo_professional_role_id"))
        if role is None or ALLOCATED_ROLE.search(role):
            return r
        self.skipped_roles[role] += 1
        return None

    # -- lookups for the person object ------------------------------------------------------

    def _upns(self) -> dict[str | None, str]:
        return {
            _id(r.get("link_person_id")): clean(r.get("link_identifier_value"))
            for _, r in self.dump.rows("ssd_linked_identifiers")
            if (clean(r.get("link_identifier_type")) or "").lower()
            in {"upn", "unique pupil number"}
        }

    def _disabilities(self) -> dict[str | None, list[str]]:
        out: dict[str | None, list[str]] = defaultdict(list)
        for _, r in self.dump.rows("ssd_disability"):
            code = (
                str(r.get("disa_disability_code") or "").strip().upper()
            )  # not clean(): NONE is a code
            if code:
                out[_id(r.get("disa_person_id"))].append(code)
        return out

    def _uasc(self) -> set[str | None]:
        return {
            _id(r.get("immi_person_id"))
            for _, r in self.dump.rows("ssd_immigration_status")
            if (clean(r.get("immi_immigration_status")) or "").upper() == "UASC"
        }


ADAPTER = SsdAdapter()
