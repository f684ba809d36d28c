"""The SSD's own identifiers resolved into canonical keys, and the derived fields per object.

The SSD links records by its identifiers (referral, plan, CLA, placement, assessment ids); a
`Links` built over a whole dump looks each up (a referral's date, a plan's child and start, a
CLA episode's child, the legal status on a day, ...) and fills the spec's `derived_*` fields of
each object's rows, keeping the issues it finds until the object's table is known.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from csc_scorecard.ingest import ssd_json
from csc_scorecard.ingest.values import BadValue, clean, parse_date
from csc_scorecard.model.batch import Issue

if TYPE_CHECKING:
    from csc_scorecard.ingest.formats.ssd import Dump, Row

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


class Links:
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
