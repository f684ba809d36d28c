"""The looked-after children's SSD objects (episodes, placements, legal statuses, reviews,
visits, previous permanence, missing episodes, care leavers, permanence) and the workforce's,
as part of the builder in `synth.writers.ssd_objects`; and the row helpers both use."""

from __future__ import annotations

from datetime import date
from typing import Any

from csc_scorecard.synth.authority import SyntheticAuthority

Row = dict[str, Any]


def yn(v: bool | None) -> str:
    return "" if v is None else ("Y" if v else "N")


def table_rows(authority: SyntheticAuthority, name: str) -> list[Row]:
    t = authority.tables.get(name)
    return t.to_pylist() if t is not None else []


def latest_care_leavers(authority: SyntheticAuthority) -> list[Row]:
    rows = table_rows(authority, "care_leaver_plans")
    last = max((r["as_at_date"] for r in rows if r["as_at_date"]), default=None)
    return [r for r in rows if r["as_at_date"] == last]


class CareObjects:
    """The builder's steps for children in care, care leavers and the workforce."""

    a: SyntheticAuthority
    objects: dict[str, list[Row]]
    period_of: dict[str, list[tuple[date, str]]]

    def looked_after(self) -> None:
        """Episodes of care, a placement per episode and legal statuses joined into spans."""
        episodes, placements, legal = [], [], []
        period = ""
        entered: date | None = None
        for i, e in enumerate(table_rows(self.a, "cla_episodes"), start=1):
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

    def care_records(self) -> None:
        """Reviews and visits of each period of care, previous permanence and missing episodes."""
        self.objects["ssd_cla_reviews"] = [
            {
                "clar_cla_review_id": f"LR{i}",
                "clar_cla_id": self._period_on(r["child_id"], r["review_date"]),
                "clar_cla_review_due_date": r["due_date"],
                "clar_cla_review_date": r["review_date"],
                "clar_cla_review_cancelled": "N",
                "clar_cla_review_participation": r["review_code"] or "",
            }
            for i, r in enumerate(table_rows(self.a, "cla_reviews"), start=1)
        ]
        self.objects["ssd_cla_visits"] = [
            {
                "clav_cla_visit_id": f"LV{i}",
                "clav_cla_id": self._period_on(v["child_id"], v["visit_date"]),
                "clav_person_id": v["child_id"],
                "clav_cla_visit_date": v["visit_date"],
                "clav_cla_visit_seen": yn(v["seen"]),
                "clav_cla_visit_seen_alone": yn(v["seen_alone"]),
            }
            for i, v in enumerate(table_rows(self.a, "cla_visits"), start=1)
        ]
        self.objects["ssd_cla_previous_permanence"] = [
            {
                "lapp_table_id": f"PPM{i}",
                "lapp_person_id": r["child_id"],
                "lapp_previous_permanence_order_date": r["date_perm"] or "",
                "lapp_previous_permanence_option": r["prev_perm"] or "",
                "lapp_previous_permanence_la": r["la_perm"] or "",
            }
            for i, r in enumerate(table_rows(self.a, "previous_permanence"), start=1)
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
            for i, r in enumerate(table_rows(self.a, "missing_episodes"), start=1)
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
                "perm_adopted_by_carer_flag": yn(r["foster_carer_adoption"]),
                "perm_decision_reversed_date": r["decision_reversed_date"],
                "perm_decision_reversed_reason": r["decision_reversed_reason"] or "",
                "perm_permanence_order_date": r["adoption_order_date"],
                "perm_permanence_order_type": "Adoption order" if r["adoption_order_date"] else "",
                "perm_adopter_sex": r["sex_adopters"] or "",
                "perm_adopter_legal_status": r["ls_adopters"] or "",
                "perm_number_of_adopters": r["number_adopters"],
            }
            for i, r in enumerate(table_rows(self.a, "adoptions"), start=1)
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
            for i, a in enumerate(table_rows(self.a, "case_allocations"), start=1)
        ]
        latest_post: dict[str, Row] = {}
        for p in sorted(table_rows(self.a, "worker_posts"), key=lambda p: p["start_date"]):
            latest_post[p["worker_id"]] = p
        self.objects["ssd_professionals"] = [
            {
                "prof_professional_id": w["worker_id"],
                "prof_staff_id": w["worker_id"],
                "prof_professional_name": "",  # a name: not written, never read
                "prof_social_worker_registration_no": w["swe_no"] or "",
                "prof_agency_worker_flag": yn(w["agency"]),
                "prof_professional_job_title": (latest_post.get(w["worker_id"]) or {}).get("role")
                or "",
                "prof_professional_caseload": None,
                "prof_professional_department": (latest_post.get(w["worker_id"]) or {}).get(
                    "team_id"
                )
                or "",
                "prof_full_time_equivalency": (latest_post.get(w["worker_id"]) or {}).get("fte"),
            }
            for w in table_rows(self.a, "workers")
        ]
        self.objects["ssd_department"] = [
            {
                "dept_team_id": t["team_id"],
                "dept_team_name": t["team_name"] or "",
                "dept_team_parent_id": "",
                "dept_team_parent_name": t["service_area"] or "",
            }
            for t in table_rows(self.a, "teams")
        ]
