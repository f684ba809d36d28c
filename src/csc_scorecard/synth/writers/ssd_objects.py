"""The synthetic authority's canonical tables as Standard Safeguarding Dataset objects (row
dicts by object name), minting the SSD's own identifiers; `synth.writers.ssd` writes them."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from functools import cache
from typing import Any

from csc_scorecard.synth.authority import SyntheticAuthority
from csc_scorecard.synth.writers.ssd_care import CareObjects, Row, table_rows, yn

CONTACT_OUTCOME = (
    "NEW_REFERRAL_FLAG",
    "EXISTING_REFERRAL_FLAG",
    "CP_ENQUIRY_FLAG",
    "NFA_FLAG",
    "NON_AGENCY_ADOPTION_FLAG",
    "PRIVATE_FOSTERING_FLAG",
    "ADVICE_FLAG",
    "MISSING_FLAG",
    "OLA_CP_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
REFERRAL_OUTCOME = (
    "SINGLE_ASSESSMENT_FLAG",
    "NFA_FLAG",
    "STRATEGY_DISCUSSION_FLAG",
    "CLA_REQUEST_FLAG",
    "NON_AGENCY_ADOPTION_FLAG",
    "PRIVATE_FOSTERING_FLAG",
    "CP_TRANSFER_IN_FLAG",
    "CP_CONFERENCE_FLAG",
    "CARE_LEAVER_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
ASSESSMENT_OUTCOME = (
    "NFA_FLAG",
    "NFA_S47_END_FLAG",
    "STRATEGY_DISCUSSION_FLAG",
    "CLA_REQUEST_FLAG",
    "PRIVATE_FOSTERING_FLAG",
    "LEGAL_ACTION_FLAG",
    "PROV_OF_SERVICES_FLAG",
    "PROV_OF_SB_CARE_FLAG",
    "SPECIALIST_ASSESSMENT_FLAG",
    "REFERRAL_TO_OTHER_AGENCY_FLAG",
    "OTHER_ACTIONS_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
S47_OUTCOME = (
    "NFA_FLAG",
    "LEGAL_ACTION_FLAG",
    "PROV_OF_SERVICES_FLAG",
    "PROV_OF_SB_CARE_FLAG",
    "CP_CONFERENCE_FLAG",
    "NFA_CONTINUE_SINGLE_FLAG",
    "MONITOR_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
ICPC_OUTCOME = (
    "NFA_FLAG",
    "REFERRAL_TO_OTHER_AGENCY_FLAG",
    "SINGLE_ASSESSMENT_FLAG",
    "PROV_OF_SERVICES_FLAG",
    "CP_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)


def _outcome(keys: tuple[str, ...], **flags: bool | None) -> str:
    """An outcome object in the specification's shape: every key present, blank when unknown."""
    return _outcome_text(keys, tuple(flags.items()))


@cache  # a few distinct objects, written for every contact, referral and assessment
def _outcome_text(keys: tuple[str, ...], flags: tuple[tuple[str, bool | None], ...]) -> str:
    given = dict(flags)
    body: dict[str, Any] = {k: yn(given.get(k)) for k in keys}
    body["TOTAL_NO_OF_OUTCOMES"] = sum(1 for _, v in flags if v)
    return json.dumps(body)


class _Builder(CareObjects):
    """Turns the canonical tables into SSD objects, minting the SSD's identifiers."""

    def __init__(self, authority: SyntheticAuthority):
        self.a = authority
        self.objects: dict[str, list[Row]] = {}
        self.referral_id: dict[tuple, str] = {}
        self.plan_id: dict[tuple, str] = {}
        self.plans_of: dict[str, list[tuple[date, date | None, str]]] = defaultdict(list)
        self.period_of: dict[str, list[tuple[date, str]]] = defaultdict(list)

    def build(self) -> dict[str, list[Row]]:
        for step in (
            self.people,
            self.contacts,
            self.referrals,
            self.assessments,
            self.cin_plans,
            self.visits,
            self.section47s,
            self.cp_plans,
            self.looked_after,
            self.care_records,
            self.care_leavers,
            self.permanence,
            self.workforce,
        ):
            step()
        return self.objects

    def people(self) -> None:
        people, links, disability, immigration = [], [], [], []
        for c in table_rows(self.a, "children"):
            cid, upn = c["child_id"], c["upn"] or ""
            people.append(
                {
                    "pers_person_id": cid,
                    "pers_forename": "",  # never read: data minimisation (docs/ssd.md)
                    "pers_surname": "",
                    "pers_sex": c["sex"] or "",
                    "pers_gender": "",
                    "pers_ethnicity": c["ethnicity"] or "",
                    "pers_dob": c["date_of_birth"],
                    "pers_common_child_id": "",
                    "pers_upn_unknown": upn if upn.startswith("UN") else "",
                    "pers_send_flag": "",
                    "pers_expected_dob": c["expected_date_of_birth"],
                    "pers_death_date": c["date_of_death"],
                    "pers_is_mother": yn(c["mother"]),
                    "pers_nationality": "",
                }
            )
            if upn and not upn.startswith("UN"):
                links.append(
                    {
                        "link_table_id": f"LI{len(links) + 1}",
                        "link_person_id": cid,
                        "link_identifier_type": "Unique Pupil Number",
                        "link_identifier_value": upn,
                    }
                )
            for code in (c["disabilities"] or "").split():
                disability.append(
                    {
                        "disa_table_id": f"D{len(disability) + 1}",
                        "disa_person_id": cid,
                        "disa_disability_code": code,
                    }
                )
            if c["uasc"]:
                immigration.append(
                    {
                        "immi_immigration_status_id": f"IM{len(immigration) + 1}",
                        "immi_person_id": cid,
                        "immi_immigration_status": "UASC",
                        "immi_immigration_status_start_date": None,
                        "immi_immigration_status_end_date": c["uasc_ceased_date"],
                    }
                )
        self.objects["ssd_person"] = people
        self.objects["ssd_linked_identifiers"] = links
        self.objects["ssd_disability"] = disability
        self.objects["ssd_immigration_status"] = immigration

    def contacts(self) -> None:
        self.objects["ssd_contacts"] = [
            {
                "cont_contact_id": f"CT{i}",
                "cont_person_id": c["child_id"],
                "cont_contact_date": c["contact_date"],
                "cont_contact_source_code": c["contact_source"] or "",
                "cont_contact_source_desc": "",
                "cont_contact_outcome_json": _outcome(CONTACT_OUTCOME),
            }
            for i, c in enumerate(table_rows(self.a, "contacts"), start=1)
        ]

    def referrals(self) -> None:
        out = []
        for i, r in enumerate(table_rows(self.a, "referrals"), start=1):
            rid = f"R{i}"
            self.referral_id[(r["child_id"], r["referral_date"])] = rid
            out.append(
                {
                    "cine_referral_id": rid,
                    "cine_person_id": r["child_id"],
                    "cine_referral_date": r["referral_date"],
                    "cine_cin_primary_need_code": r["primary_need_code"] or "",
                    "cine_referral_source_code": r["referral_source"] or "",
                    "cine_referral_source_desc": "",
                    "cine_referral_outcome_json": _outcome(
                        REFERRAL_OUTCOME, NFA_FLAG=r["referral_nfa"]
                    ),
                    "cine_referral_nfa": yn(r["referral_nfa"]),
                    "cine_close_reason": r["closure_reason"] or "",
                    "cine_close_date": r["closure_date"],
                    "cine_referral_team": r["team_id"] or "",
                    "cine_referral_worker_id": r["worker_id"] or "",
                }
            )
        self.objects["ssd_cin_episodes"] = out

    def _referral(self, r: Row) -> str:
        return self.referral_id.get((r["child_id"], r["referral_date"]), "")

    def assessments(self) -> None:
        out, factors = [], []
        for i, r in enumerate(table_rows(self.a, "assessments"), start=1):
            aid = f"A{i}"
            nfa = None if r["further_support_needed"] is None else not r["further_support_needed"]
            out.append(
                {
                    "cina_assessment_id": aid,
                    "cina_person_id": r["child_id"],
                    "cina_referral_id": self._referral(r),
                    "cina_assessment_start_date": r["start_date"],
                    "cina_assessment_child_seen": "",
                    "cina_assessment_auth_date": r["authorised_date"],
                    "cina_assessment_outcome_json": _outcome(ASSESSMENT_OUTCOME, NFA_FLAG=nfa),
                    "cina_assessment_outcome_nfa": yn(nfa),
                    "cina_assessment_team": r["team_id"] or "",
                    "cina_assessment_worker_id": r["worker_id"] or "",
                }
            )
            if r["factors"]:
                codes = r["factors"].split()
                shape = {c: "Yes" for c in codes} if i % 5 == 0 else codes
                factors.append(
                    {
                        "cinf_table_id": f"AF{i}",
                        "cinf_assessment_id": aid,
                        "cinf_assessment_factors_json": json.dumps(shape),
                    }
                )
        self.objects["ssd_cin_assessments"] = out
        self.objects["ssd_assessment_factors"] = factors

    def cin_plans(self) -> None:
        self.objects["ssd_cin_plans"] = [
            {
                "cinp_cin_plan_id": f"CP{i}",
                "cinp_referral_id": self._referral(r),
                "cinp_person_id": r["child_id"],
                "cinp_cin_plan_start_date": r["start_date"],
                "cinp_cin_plan_end_date": r["end_date"],
                "cinp_cin_plan_team": r["team_id"] or "",
                "cinp_cin_plan_worker_id": r["worker_id"] or "",
            }
            for i, r in enumerate(table_rows(self.a, "cin_plans"), start=1)
        ]

    def visits(self) -> None:
        self.objects["ssd_cin_visits"] = [
            {
                "cinv_cin_visit_id": f"CV{i}",
                "cinv_person_id": v["child_id"],
                "cinv_cin_visit_date": v["visit_date"],
                "cinv_cin_visit_seen": yn(v["seen"]),
                "cinv_cin_visit_seen_alone": yn(v["seen_alone"]),
                "cinv_cin_visit_bedroom": "",
            }
            for i, v in enumerate(table_rows(self.a, "cin_visits"), start=1)
        ]

    def section47s(self) -> None:
        out, conferences = [], []
        for i, r in enumerate(table_rows(self.a, "section47s"), start=1):
            sid = f"S{i}"
            need = None if r["icpc_not_required"] is None else not r["icpc_not_required"]
            out.append(
                {
                    "s47e_s47_enquiry_id": sid,
                    "s47e_referral_id": self._referral(r),
                    "s47e_person_id": r["child_id"],
                    "s47e_s47_start_date": r["start_date"],
                    "s47e_s47_end_date": r["end_date"],
                    "s47e_s47_nfa": "",
                    "s47e_s47_outcome_json": _outcome(S47_OUTCOME, CP_CONFERENCE_FLAG=need),
                    "s47e_s47_completed_by_worker_id": r["worker_id"] or "",
                    "s47e_s47_completed_by_team": r["team_id"] or "",
                }
            )
            if r["icpc_date"] is not None or r["icpc_target_date"] is not None:
                conferences.append(
                    {
                        "icpc_icpc_id": f"IC{i}",
                        "icpc_icpc_meeting_id": "",
                        "icpc_s47_enquiry_id": sid,
                        "icpc_person_id": r["child_id"],
                        "icpc_cp_plan_id": "",
                        "icpc_referral_id": self._referral(r),
                        "icpc_icpc_transfer_in": "N",
                        "icpc_icpc_target_date": r["icpc_target_date"],
                        "icpc_icpc_date": r["icpc_date"],
                        "icpc_icpc_outcome_cp_flag": yn(r["icpc_resulted_in_plan"]),
                        "icpc_icpc_outcome_json": _outcome(
                            ICPC_OUTCOME, CP_FLAG=r["icpc_resulted_in_plan"]
                        ),
                        "icpc_icpc_team": r["team_id"] or "",
                        "icpc_icpc_worker_id": r["worker_id"] or "",
                    }
                )
        self.objects["ssd_s47_enquiry"] = out
        self.objects["ssd_initial_cp_conference"] = conferences

    def cp_plans(self) -> None:
        plans = []
        for i, r in enumerate(table_rows(self.a, "cp_plans"), start=1):
            pid = f"PP{i}"
            self.plan_id[(r["child_id"], r["start_date"])] = pid
            self.plans_of[r["child_id"]].append((r["start_date"], r["end_date"], pid))
            plans.append(
                {
                    "cppl_cp_plan_id": pid,
                    "cppl_referral_id": self._referral(r),
                    "cppl_icpc_id": "",
                    "cppl_person_id": r["child_id"],
                    "cppl_cp_plan_start_date": r["start_date"],
                    "cppl_cp_plan_end_date": r["end_date"],
                    "cppl_cp_plan_ola": "N",
                    "cppl_cp_plan_initial_category": r["initial_category"] or "",
                    "cppl_cp_plan_latest_category": r["latest_category"] or "",
                }
            )
        self.objects["ssd_cp_plans"] = plans
        self.objects["ssd_cp_reviews"] = [
            {
                "cppr_cp_review_id": f"PR{i}",
                "cppr_person_id": r["child_id"],
                "cppr_cp_plan_id": self.plan_id.get((r["child_id"], r["plan_start_date"]), ""),
                "cppr_cp_review_due": r["due_date"],
                "cppr_cp_review_date": r["review_date"],
                "cppr_cp_review_meeting_id": "",
                "cppr_cp_review_outcome_continue_cp": "",
                "cppr_cp_review_quorate": "",
                "cppr_cp_review_participation": "",
            }
            for i, r in enumerate(table_rows(self.a, "cp_reviews"), start=1)
        ]
        self.objects["ssd_cp_visits"] = [
            {
                "cppv_cp_visit_id": f"PV{i}",
                "cppv_person_id": v["child_id"],
                "cppv_cp_plan_id": self._plan_on(v["child_id"], v["visit_date"]),
                "cppv_cp_visit_date": v["visit_date"],
                "cppv_cp_visit_seen": yn(v["seen"]),
                "cppv_cp_visit_seen_alone": yn(v["seen_alone"]),
                "cppv_cp_visit_bedroom": "",
            }
            for i, v in enumerate(table_rows(self.a, "cp_visits"), start=1)
        ]

    def _plan_on(self, child: str, day: date) -> str:
        for start, end, pid in self.plans_of.get(child, []):
            if start <= day and (end is None or day <= end):
                return pid
        return ""


def objects(authority: SyntheticAuthority) -> dict[str, list[Row]]:
    """Every SSD object the synthetic authority writes, as row dicts."""
    return _Builder(authority).build()
