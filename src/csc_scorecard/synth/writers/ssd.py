"""The synthetic authority as a Standard Safeguarding Dataset: `ssd/ssd_<object>.csv`.

The same children, workers and teams as the statutory returns, with the SSD's own identifiers
(referral, assessment, plan, CLA and placement ids) generated here and the field names of the
specification (data-to-insight/ssd-data-model). Dates are written as SQL Server exports them
(YYYY-MM-DD), flags as Y/N. The JSON-in-text fields use the specification's shapes: outcome
objects with every key present, assessment factors mostly as a JSON array and every fifth
assessment as the planned object of Yes/No per code, so the reader meets both.

Each episode of care gets a placement row of its own (a placement spanning several episodes is
equally valid SSD, and the reader handles both); legal statuses are the 903 episodes' LS joined
into spans. Care leavers are the latest snapshot, as an SSD holds them.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from csc_scorecard.csv_safety import safe_row
from csc_scorecard.ingest.fields import load_spec
from csc_scorecard.model.schema import table
from csc_scorecard.synth.authority import SyntheticAuthority

FOLDER = "ssd"
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
Row = dict[str, Any]


def _yn(v: bool | None) -> str:
    return "" if v is None else ("Y" if v else "N")


def _outcome(keys: tuple[str, ...], **flags: bool | None) -> str:
    """An outcome object in the specification's shape: every key present, blank when unknown."""
    body: dict[str, Any] = {k: _yn(flags.get(k)) for k in keys}
    body["TOTAL_NO_OF_OUTCOMES"] = sum(1 for v in flags.values() if v)
    return json.dumps(body)


def _rows(authority: SyntheticAuthority, name: str) -> list[Row]:
    t = authority.tables.get(name)
    return t.to_pylist() if t is not None else []


class _Builder:
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
            self.care_leavers,
            self.permanence,
            self.workforce,
        ):
            step()
        return self.objects

    def people(self) -> None:
        people, links, disability, immigration = [], [], [], []
        for c in _rows(self.a, "children"):
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
                    "pers_is_mother": _yn(c["mother"]),
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
            for i, c in enumerate(_rows(self.a, "contacts"), start=1)
        ]

    def referrals(self) -> None:
        out = []
        for i, r in enumerate(_rows(self.a, "referrals"), start=1):
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
                    "cine_referral_nfa": _yn(r["referral_nfa"]),
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
        for i, r in enumerate(_rows(self.a, "assessments"), start=1):
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
                    "cina_assessment_outcome_nfa": _yn(nfa),
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
            for i, r in enumerate(_rows(self.a, "cin_plans"), start=1)
        ]

    def visits(self) -> None:
        self.objects["ssd_cin_visits"] = [
            {
                "cinv_cin_visit_id": f"CV{i}",
                "cinv_person_id": v["child_id"],
                "cinv_cin_visit_date": v["visit_date"],
                "cinv_cin_visit_seen": _yn(v["seen"]),
                "cinv_cin_visit_seen_alone": _yn(v["seen_alone"]),
                "cinv_cin_visit_bedroom": "",
            }
            for i, v in enumerate(_rows(self.a, "cin_visits"), start=1)
        ]

    def section47s(self) -> None:
        out, conferences = [], []
        for i, r in enumerate(_rows(self.a, "section47s"), start=1):
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
                        "icpc_icpc_outcome_cp_flag": _yn(r["icpc_resulted_in_plan"]),
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
        for i, r in enumerate(_rows(self.a, "cp_plans"), start=1):
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
            for i, r in enumerate(_rows(self.a, "cp_reviews"), start=1)
        ]
        self.objects["ssd_cp_visits"] = [
            {
                "cppv_cp_visit_id": f"PV{i}",
                "cppv_person_id": v["child_id"],
                "cppv_cp_plan_id": self._plan_on(v["child_id"], v["visit_date"]),
                "cppv_cp_visit_date": v["visit_date"],
                "cppv_cp_visit_seen": _yn(v["seen"]),
                "cppv_cp_visit_seen_alone": _yn(v["seen_alone"]),
                "cppv_cp_visit_bedroom": "",
            }
            for i, v in enumerate(_rows(self.a, "cp_visits"), start=1)
        ]

    def _plan_on(self, child: str, day: date) -> str:
        for start, end, pid in self.plans_of.get(child, []):
            if start <= day and (end is None or day <= end):
                return pid
        return ""

    def looked_after(self) -> None:
        episodes, placements, legal = [], [], []
        period = ""
        entered: date | None = None
        for i, e in enumerate(_rows(self.a, "cla_episodes"), start=1):
            if e["rne"] == "S" or not period or not period.startswith(f"{e['child_id']}/"):
                period, entered = f"{e['child_id']}/{e['decom']:%Y%m%d}", e["decom"]
                self.period_of[e["child_id"]].append((e["decom"], period))
            placement = f"PL{i}"
            episodes.append(
                {
                    "clae_cla_episode_id": f"E{i}",
                    "clae_person_id": e["child_id"],
                    "clae_cla_episode_start_date": e["decom"],
                    "clae_cla_episode_start_reason": e["rne"] or "",
                    "clae_cla_primary_need_code": e["cin"] or "",
                    "clae_cla_episode_ceased_date": e["dec"],
                    "clae_cla_episode_ceased_reason": e["rec"] or "",
                    "clae_cla_id": period,
                    "clae_referral_id": "",
                    "clae_cla_placement_id": placement,
                    "clae_entered_care_date": entered,
                    "clae_cla_last_iro_contact_date": None,
                }
            )
            placements.append(
                {
                    "clap_cla_placement_id": placement,
                    "clap_cla_placement_start_date": e["decom"],
                    "clap_cla_placement_type": e["place"] or "",
                    "clap_cla_placement_urn": e["urn"] or "",
                    "clap_cla_placement_distance": None,
                    "clap_cla_id": period,
                    "clap_cla_placement_provider": e["place_provider"] or "",
                    "clap_cla_placement_postcode": e["pl_post"] or "",
                    "clap_cla_placement_end_date": e["dec"],
                    "clap_cla_placement_change_reason": e["reason_place_change"] or "",
                    "clap_person_id": e["child_id"],
                }
            )
            last = legal[-1] if legal else None
            if (
                last
                and last["lega_person_id"] == e["child_id"]
                and last["lega_legal_status"] == e["ls"]
                and last["lega_legal_status_end_date"] == e["decom"]
            ):
                last["lega_legal_status_end_date"] = e["dec"]
            else:
                legal.append(
                    {
                        "lega_legal_status_id": f"LS{len(legal) + 1}",
                        "lega_person_id": e["child_id"],
                        "lega_legal_status": e["ls"] or "",
                        "lega_legal_status_start_date": e["decom"],
                        "lega_legal_status_end_date": e["dec"],
                    }
                )
        self.objects["ssd_cla_episodes"] = episodes
        self.objects["ssd_cla_placement"] = placements
        self.objects["ssd_legal_status"] = legal
        self.objects["ssd_cla_reviews"] = [
            {
                "clar_cla_review_id": f"LR{i}",
                "clar_cla_id": self._period_on(r["child_id"], r["review_date"]),
                "clar_cla_review_due_date": r["due_date"],
                "clar_cla_review_date": r["review_date"],
                "clar_cla_review_cancelled": "N",
                "clar_cla_review_participation": r["review_code"] or "",
            }
            for i, r in enumerate(_rows(self.a, "cla_reviews"), start=1)
        ]
        self.objects["ssd_cla_visits"] = [
            {
                "clav_cla_visit_id": f"LV{i}",
                "clav_cla_id": self._period_on(v["child_id"], v["visit_date"]),
                "clav_person_id": v["child_id"],
                "clav_cla_visit_date": v["visit_date"],
                "clav_cla_visit_seen": _yn(v["seen"]),
                "clav_cla_visit_seen_alone": _yn(v["seen_alone"]),
            }
            for i, v in enumerate(_rows(self.a, "cla_visits"), start=1)
        ]
        self.objects["ssd_cla_previous_permanence"] = [
            {
                "lapp_table_id": f"PPM{i}",
                "lapp_person_id": r["child_id"],
                "lapp_previous_permanence_order_date": r["date_perm"] or "",
                "lapp_previous_permanence_option": r["prev_perm"] or "",
                "lapp_previous_permanence_la": r["la_perm"] or "",
            }
            for i, r in enumerate(_rows(self.a, "previous_permanence"), start=1)
        ]
        self.objects["ssd_missing"] = [
            {
                "miss_table_id": f"M{i}",
                "miss_person_id": r["child_id"],
                "miss_missing_episode_start_date": r["start_date"],
                "miss_missing_episode_type": {"M": "Missing", "A": "Absent"}.get(
                    r["missing_type"], r["missing_type"] or ""
                ),
                "miss_missing_episode_end_date": r["end_date"],
            }
            for i, r in enumerate(_rows(self.a, "missing_episodes"), start=1)
        ]

    def _period_on(self, child: str, day: date) -> str:
        found = ""
        for start, period in self.period_of.get(child, []):
            if start <= day:
                found = period
        return found

    def care_leavers(self) -> None:
        self.objects["ssd_care_leavers"] = [
            {
                "clea_table_id": f"CL{i}",
                "clea_person_id": r["child_id"],
                "clea_care_leaver_eligibility": r["eligibility_category"] or "",
                "clea_care_leaver_in_touch": r["in_touch"] or "",
                "clea_care_leaver_latest_contact": r["latest_contact_date"],
                "clea_care_leaver_accommodation": (r["accommodation"] or "")[:1],
                "clea_care_leaver_accom_suitable": (r["accommodation"] or "")[1:],
                "clea_care_leaver_activity": r["activity"] or "",
                "clea_pathway_plan_review_date": r["latest_pathway_plan_date"],
                "clea_care_leaver_personal_advisor": "",  # a name: not written, never read
                "clea_care_leaver_allocated_team": "",
                "clea_care_leaver_worker_id": r["personal_adviser"] or "",
            }
            for i, r in enumerate(latest_care_leavers(self.a), start=1)
        ]

    def permanence(self) -> None:
        self.objects["ssd_permanence"] = [
            {
                "perm_table_id": f"PM{i}",
                "perm_person_id": r["child_id"],
                "perm_cla_id": self._period_on(r["child_id"], r["adm_decision_date"]),
                "perm_adm_decision_date": r["adm_decision_date"],
                "perm_placement_order_date": r["placement_order_date"],
                "perm_placed_for_adoption_date": r["placed_date"],
                "perm_matched_date": r["matched_date"],
                "perm_adopted_by_carer_flag": _yn(r["foster_carer_adoption"]),
                "perm_decision_reversed_date": r["decision_reversed_date"],
                "perm_decision_reversed_reason": r["decision_reversed_reason"] or "",
                "perm_permanence_order_date": r["adoption_order_date"],
                "perm_permanence_order_type": "Adoption order" if r["adoption_order_date"] else "",
                "perm_adopter_sex": r["sex_adopters"] or "",
                "perm_adopter_legal_status": r["ls_adopters"] or "",
                "perm_number_of_adopters": r["number_adopters"],
            }
            for i, r in enumerate(_rows(self.a, "adoptions"), start=1)
        ]

    def workforce(self) -> None:
        self.objects["ssd_involvements"] = [
            {
                "invo_involvements_id": f"IN{i}",
                "invo_professional_id": a["worker_id"],
                "invo_professional_role_id": "Allocated Case Worker",
                "invo_professional_team": a["team_id"] or "",
                "invo_involvement_start_date": a["start_date"],
                "invo_involvement_end_date": a["end_date"],
                "invo_worker_change_reason": a["reason"] or "",
                "invo_person_id": a["child_id"],
                "invo_referral_id": "",
            }
            for i, a in enumerate(_rows(self.a, "case_allocations"), start=1)
        ]
        latest_post: dict[str, Row] = {}
        for p in sorted(_rows(self.a, "worker_posts"), key=lambda p: p["start_date"]):
            latest_post[p["worker_id"]] = p
        self.objects["ssd_professionals"] = [
            {
                "prof_professional_id": w["worker_id"],
                "prof_staff_id": w["worker_id"],
                "prof_professional_name": "",  # a name: not written, never read
                "prof_social_worker_registration_no": w["swe_no"] or "",
                "prof_agency_worker_flag": _yn(w["agency"]),
                "prof_professional_job_title": (latest_post.get(w["worker_id"]) or {}).get("role")
                or "",
                "prof_professional_caseload": None,
                "prof_professional_department": (latest_post.get(w["worker_id"]) or {}).get(
                    "team_id"
                )
                or "",
                "prof_full_time_equivalency": (latest_post.get(w["worker_id"]) or {}).get("fte"),
            }
            for w in _rows(self.a, "workers")
        ]
        self.objects["ssd_department"] = [
            {
                "dept_team_id": t["team_id"],
                "dept_team_name": t["team_name"] or "",
                "dept_team_parent_id": "",
                "dept_team_parent_name": t["service_area"] or "",
            }
            for t in _rows(self.a, "teams")
        ]


def latest_care_leavers(authority: SyntheticAuthority) -> list[Row]:
    rows = _rows(authority, "care_leaver_plans")
    last = max((r["as_at_date"] for r in rows if r["as_at_date"]), default=None)
    return [r for r in rows if r["as_at_date"] == last]


def _cell(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    if v is None:
        return ""
    return v


def objects(authority: SyntheticAuthority) -> dict[str, list[Row]]:
    """Every SSD object the synthetic authority writes, as row dicts."""
    return _Builder(authority).build()


def write(authority: SyntheticAuthority, out_dir: Path) -> list[Path]:
    folder = out_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, rows in objects(authority).items():
        path = folder / f"{name}.csv"
        header = list(rows[0]) if rows else _header(name)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(safe_row(header))
            w.writerows(safe_row(_cell(r[h]) for h in header) for r in rows)
        files.append(path)
    return files


def _header(name: str) -> list[str]:
    """An empty object's header: the fields its spec entry (or the adapter) reads."""
    from csc_scorecard.ingest.formats.ssd import AUXILIARY

    if name in AUXILIARY:
        return AUXILIARY[name]
    return [f for f in load_spec("ssd").tables[name].columns if not f.startswith("derived_")]


def expected(authority: SyntheticAuthority) -> dict[str, pa.Table]:
    """The canonical rows and columns the SSD carries (what ingesting it must give back)."""
    spec = load_spec("ssd")
    out: dict[str, pa.Table] = {}
    for tspec in spec.tables.values():
        name = tspec.canonical
        columns = [c.name for c in table(name).data_columns if c.name in carried(tspec)]
        source = authority.tables.get(name)
        if name == "permanence_orders":
            rows = [
                {
                    "child_id": r["child_id"],
                    "order_date": r["adoption_order_date"],
                    "order_type": "Adoption order",
                }
                for r in _rows(authority, "adoptions")
                if r["adoption_order_date"]
            ]
        elif name == "care_leaver_plans":
            rows = latest_care_leavers(authority)
            as_at = extract_date(authority)
            rows = [{**r, "as_at_date": as_at} for r in rows]
        elif source is None:
            continue
        else:
            rows = source.to_pylist()
        schema = table(name).arrow_schema()
        out[name] = pa.table(
            {c: pa.array([r.get(c) for r in rows], type=schema.field(c).type) for c in columns}
        )
    return out


def carried(tspec: Any) -> set[str]:
    return {f.to for f in tspec.columns.values()}


def extract_date(authority: SyntheticAuthority) -> date | None:
    """The date the reader takes as the dump's extract date: its latest event (docs/ssd.md)."""
    found = [
        d
        for name, column in (
            ("contacts", "contact_date"),
            ("referrals", "referral_date"),
            ("cin_visits", "visit_date"),
            ("cp_visits", "visit_date"),
            ("cla_visits", "visit_date"),
            ("case_allocations", "start_date"),
        )
        for d in (
            authority.tables[name].column(column).to_pylist() if name in authority.tables else []
        )
        if d is not None
    ]
    return max(found, default=None)
