"""Which rows each Annex A list holds (the selection `synth.writers.annex_a` writes): Ofsted's
scope for each list (paraphrased in S4), events in the six months before the extract date,
twelve months for adoption, plus what is open at the extract date; dates after the extract date
are left out, as a real extract run that day could not know them. Rows carry canonical values;
the writer codes them the Ofsted way."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from csc_scorecard.model.codes import code_group
from csc_scorecard.synth.authority import SyntheticAuthority
from csc_scorecard.synth.writers.annex_a_data import ListData, count_before, latest_per_child

SHORT_BREAKS = code_group("legal_status", "short_breaks")  # not "in care" for list 8 (S4)
PROTECTION = {"L1", "L2"}  # police protection, emergency protection order (list 7, S4)


# Rows are written in the order of each list's event date, then child.
ORDER = {
    1: "contact_date",
    2: "assessment_start_date",
    3: "referral_date",
    4: "start_date",
    5: "start_date",
    6: "referral_date",
    7: "start_date",
    8: "period_start",
    9: "child_id",
    10: "adm_decision_date",
}


def lists(authority: SyntheticAuthority) -> dict[int, list[dict]]:
    """Every list's rows (canonical values), in the order they are written."""
    d = ListData(authority)
    out = {
        1: _contacts(d),
        2: _early_help(d),
        3: _referrals(d),
        4: _assessments(d),
        5: _section47s(d),
        6: _children_in_need(d),
        7: _child_protection(d),
        8: _children_in_care(d),
        9: _care_leavers(d),
        10: _adoption(d),
        11: [],
    }
    for n, rows in out.items():
        if n in ORDER:
            rows.sort(key=lambda r: (str(r[ORDER[n]]), r["child_id"]))
    return out


def _contacts(d: ListData) -> list[dict]:
    return [
        d.child_row(
            c["child_id"], contact_date=c["contact_date"], contact_source=c["contact_source"]
        )
        for c in d.rows("contacts")
        if d.in_window(c["contact_date"])
    ]


def _early_help(d: ListData) -> list[dict]:
    out = []
    for e in d.rows("early_help_episodes"):
        start = e["assessment_start_date"]
        end = d.known(e["closure_date"]) or d.known(e["assessment_completion_date"])
        # Assessments in the last six months, and early help still open (S4 list 2).
        if start is not None and start <= d.as_at and (end is None or end >= d.cut6):
            out.append(
                d.child_row(
                    e["child_id"],
                    **{
                        k: e[k]
                        for k in (
                            "assessment_start_date",
                            "assessment_completion_date",
                            "organisation",
                        )
                    },
                )
            )
    return out


def _referrals(d: ListData) -> list[dict]:
    all_rows = d.rows("referrals")
    by_child: dict[str, list[date]] = defaultdict(list)
    for r in all_rows:
        by_child[r["child_id"]].append(r["referral_date"])
    return [
        d.child_row(
            r["child_id"],
            referral_date=r["referral_date"],
            referral_source=r["referral_source"],
            referral_nfa=r["referral_nfa"],
            referrals_12m=count_before(by_child[r["child_id"]], r["referral_date"]),
        )
        for r in all_rows
        if d.in_window(r["referral_date"])
    ]


def _assessments(d: ListData) -> list[dict]:
    out = []
    for a in d.rows("assessments"):
        start, done = a["start_date"], d.known(a["authorised_date"])
        # Open at any time in the last six months (S4 v1.2 list 4).
        if start is not None and start <= d.as_at and (done is None or done >= d.cut6):
            seen = d.known(a["child_seen_date"])
            out.append(
                d.child_row(
                    a["child_id"],
                    start_date=start,
                    authorised_date=done,
                    child_seen=None if a["child_seen_date"] is None else seen is not None,
                    further_support_needed=a["further_support_needed"],
                )
            )
    return out


def _section47s(d: ListData) -> list[dict]:
    all_rows = d.rows("section47s")
    starts: dict[str, list[date]] = defaultdict(list)
    icpcs: dict[str, list[date]] = defaultdict(list)
    for s in all_rows:
        starts[s["child_id"]].append(s["start_date"])
        icpcs[s["child_id"]].append(s["icpc_date"])
    out = []
    for s in all_rows:
        if d.in_window(s["start_date"]) or (
            d.in_window(s["icpc_date"]) and s["start_date"] is not None
        ):
            out.append(
                d.child_row(
                    s["child_id"],
                    start_date=s["start_date"],
                    icpc_not_required=s["icpc_not_required"],
                    icpc_date=s["icpc_date"],
                    icpc_resulted_in_plan=s["icpc_resulted_in_plan"]
                    if d.known(s["icpc_date"])
                    else None,
                    s47s_12m=count_before(starts[s["child_id"]], s["start_date"]),
                    icpcs_12m=count_before(icpcs[s["child_id"]], s["start_date"]),
                )
            )
    return out


def _children_in_need(d: ListData) -> list[dict]:
    open_on = {}
    for kind, name, start, end in (
        ("cp_plan", "cp_plans", "start_date", "end_date"),
        ("cin_plan", "cin_plans", "start_date", "end_date"),
        ("open_assessment", "assessments", "start_date", "authorised_date"),
        ("looked_after", "cla_episodes", "decom", "dec"),
    ):
        for r in d.rows(name):
            if (
                r[start] is not None
                and r[start] <= d.as_at
                and (r[end] is None or r[end] > d.as_at)
            ):
                open_on.setdefault(r["child_id"], set()).add(kind)
    visits: dict[str, list[date]] = defaultdict(list)
    for v in d.rows("cp_visits"):
        visits[v["child_id"]].append(v["visit_date"])
    episodes = [
        r
        for r in d.rows("referrals")
        if r["referral_date"] is not None
        and r["referral_date"] <= d.as_at
        and not r["referral_nfa"]  # a referral with no further action is not a child in need
        and (d.known(r["closure_date"]) is None or r["closure_date"] >= d.cut6)
    ]
    out = []
    for r in latest_per_child(episodes, lambda r: (r["referral_date"], r["closure_date"] is None)):
        closed = d.known(r["closure_date"])
        status = (
            "closed"
            if closed
            else next(
                (
                    k
                    for k in ("looked_after", "cp_plan", "cin_plan", "open_assessment")
                    if k in open_on.get(r["child_id"], ())
                ),
                "cin_plan",
            )
        )
        seen = [
            v for v in visits[r["child_id"]] if v and r["referral_date"] <= v <= (closed or d.as_at)
        ]
        out.append(
            d.child_row(
                r["child_id"],
                referral_date=r["referral_date"],
                primary_need_code=r["primary_need_code"],
                last_seen=max(seen) if seen else None,
                closure_date=closed,
                closure_reason=r["closure_reason"] if closed else None,
                case_status=status,
            )
        )
    return out


def _child_protection(d: ListData) -> list[dict]:
    plans = d.rows("cp_plans")
    starts: dict[str, list[date]] = defaultdict(list)
    for p in plans:
        starts[p["child_id"]].append(p["start_date"])
    visits: dict[str, list[dict]] = defaultdict(list)
    for v in d.rows("cp_visits"):
        visits[v["child_id"]].append(v)
    reviews: dict[tuple, list[date]] = defaultdict(list)
    for r in d.rows("cp_reviews"):
        reviews[(r["child_id"], r["plan_start_date"])].append(r["review_date"])
    protected = {
        e["child_id"]
        for e in d.rows("cla_episodes")
        if e["ls"] in PROTECTION
        and e["decom"] is not None
        and e["decom"] <= d.as_at
        and (e["dec"] is None or e["dec"] >= d.cut6)
    }
    current = [
        p
        for p in plans
        if p["start_date"] is not None
        and p["start_date"] <= d.as_at
        and (d.known(p["end_date"]) is None or p["end_date"] >= d.cut6)
    ]
    out = []
    for p in latest_per_child(current, lambda p: (p["start_date"],)):
        child, start, end = p["child_id"], p["start_date"], d.known(p["end_date"])
        during = [
            v
            for v in visits[child]
            if v["visit_date"] and start <= v["visit_date"] <= (end or d.as_at)
        ]
        # The latest visit; on a tie, a visit where the child was seen alone (S4 list 7).
        last = max(during, key=lambda v: (v["visit_date"], bool(v["seen_alone"])), default=None)
        held = [r for r in reviews[(child, start)] if r and r <= d.as_at]
        out.append(
            d.child_row(
                child,
                start_date=start,
                end_date=end,
                initial_category=p["initial_category"],
                latest_category=p["latest_category"],
                visit_date=last["visit_date"] if last else None,
                seen_alone=last["seen_alone"] if last else None,
                review_date=max(held) if held else None,
                previous_plans=p["previous_plans"]
                if p["previous_plans"] is not None
                else sum(1 for s in starts[child] if s is not None and s < start),
                protection_last_six_months=p["protection_last_six_months"]
                if p["protection_last_six_months"] is not None
                else child in protected,
            )
        )
    return out


def _periods(episodes: list[dict]) -> list[list[dict]]:
    """A child's episodes (sorted by DECOM) grouped into periods of care: an episode that starts
    the day the previous one ended continues the period (903 convention)."""
    periods: list[list[dict]] = []
    for e in episodes:
        if periods and periods[-1][-1]["dec"] == e["decom"]:
            periods[-1].append(e)
        else:
            periods.append([e])
    return periods


def _run_start(period: list[dict], same: Callable[[dict, dict], bool]) -> date:
    """Start of the run of episodes at the end of a period that share something (LS, placement)."""
    i = len(period) - 1
    while i > 0 and same(period[i - 1], period[-1]):
        i -= 1
    return period[i]["decom"]


def _same_place(a: dict, b: dict) -> bool:
    return (a["place"], a["urn"], a["pl_post"]) == (b["place"], b["urn"], b["pl_post"])


def _children_in_care(d: ListData) -> list[dict]:
    by_child: dict[str, list[dict]] = defaultdict(list)
    for e in d.rows("cla_episodes"):
        if e["decom"] is not None and e["decom"] <= d.as_at and e["ls"] not in SHORT_BREAKS:
            by_child[e["child_id"]].append({**e, "dec": d.known(e["dec"])})
    reviews: dict[str, list[date]] = defaultdict(list)
    for r in d.rows("cla_reviews"):
        reviews[r["child_id"]].append(r["review_date"])
    missing: dict[tuple, int] = defaultdict(int)
    for m in d.rows("missing_episodes"):
        if d.in_window(m["start_date"], 12):
            missing[(m["child_id"], m["missing_type"])] += 1
    out = []
    for child, eps in by_child.items():
        eps.sort(key=lambda e: e["decom"])
        periods = _periods(eps)
        period, last = periods[-1], periods[-1][-1]
        # In care at the extract date, or ceased in the six months before it (S4 list 8).
        if last["dec"] is not None and last["dec"] < d.cut6:
            continue
        start = period[0]["decom"]
        placements = 0
        for p in periods:
            runs = [0] + [i for i in range(1, len(p)) if not _same_place(p[i - 1], p[i])]
            for i in runs:
                run_end = next((p[j - 1]["dec"] for j in runs if j > i), p[-1]["dec"])
                if run_end is None or run_end >= d.cut12:
                    placements += 1
        c = d.children.get(child, {})
        uasc = c.get("uasc")
        held = [r for r in reviews[child] if r and start <= r <= d.as_at]
        out.append(
            d.child_row(
                child,
                uasc=None
                if uasc is None
                else bool(uasc)
                and (c.get("uasc_ceased_date") is None or c["uasc_ceased_date"] >= d.cut12),
                period_start=start,
                cin=last["cin"],
                subsequent_period=any(
                    p[-1]["dec"] is not None and d.cut12 <= p[-1]["dec"] < start
                    for p in periods[:-1]
                ),
                ls_start=_run_start(period, lambda a, b: a["ls"] == b["ls"]),
                ls=last["ls"],
                review_date=max(held) if held else None,
                placements_12m=placements,
                ceased=last["dec"],
                rec=last["rec"] if last["dec"] is not None else None,
                placement_start=_run_start(period, _same_place),
                place=last["place"],
                place_provider=last["place_provider"],
                pl_post=last["pl_post"],
                urn=last["urn"],
                pl_location={"IN": "a) In", "OUT": "b) Out"}.get(
                    (last["pl_location"] or "").upper()
                ),
                missing_12m=missing[(child, "M")],
                absent_12m=missing[(child, "A")],
            )
        )
    return out


def _care_leavers(d: ListData) -> list[dict]:
    plans = [
        p
        for p in d.rows("care_leaver_plans")
        if p["as_at_date"] is not None and p["as_at_date"] <= d.as_at
    ]
    if not plans:
        return []
    # The authority's latest record of its care leavers, as the list at the extract date.
    snapshot = max(p["as_at_date"] for p in plans)
    out = []
    for p in plans:
        if p["as_at_date"] != snapshot:
            continue
        accom = p["accommodation"]
        split = accom is not None and len(accom) == 2 and accom[1] in "12"
        c = d.children.get(p["child_id"], {})
        out.append(
            d.child_row(
                p["child_id"],
                uasc=c.get("uasc"),
                as_at_date=d.as_at,
                personal_adviser=p["personal_adviser"],
                eligibility_category=p["eligibility_category"],
                latest_pathway_plan_date=p["latest_pathway_plan_date"],
                in_touch=p["in_touch"],
                latest_contact_date=p["latest_contact_date"],
                accommodation=accom,
                accommodation_type=accom[0] if split else accom,
                accommodation_suitability=accom[1] if split else None,
                activity=p["activity"],
            )
        )
    return out


def _adoption(d: ListData) -> list[dict]:
    episodes: dict[str, list[dict]] = defaultdict(list)
    for e in d.rows("cla_episodes"):
        if e["decom"] is not None:
            episodes[e["child_id"]].append(e)
    out = []
    for a in d.rows("adoptions"):
        decided = a["adm_decision_date"]
        if decided is None or decided > d.as_at:
            continue
        adopted, reversed_ = d.known(a["adoption_order_date"]), d.known(a["decision_reversed_date"])
        # In the last 12 months: adopted, decision reversed, or decided and still waiting (S4 list 10).
        waiting = adopted is None and reversed_ is None
        if not (waiting or d.in_window(adopted, 12) or d.in_window(reversed_, 12)):
            continue
        # Entered care: the start of the period of care the decision was made in.
        periods = _periods(sorted(episodes[a["child_id"]], key=lambda e: e["decom"]))
        starts = [p[0]["decom"] for p in periods if p[0]["decom"] <= decided]
        out.append(
            d.child_row(
                a["child_id"],
                entered_care_date=a["entered_care_date"] or (max(starts) if starts else None),
                **{
                    k: a[k]
                    for k in (
                        "adm_decision_date",
                        "placement_order_date",
                        "matched_date",
                        "placed_date",
                        "adoption_order_date",
                        "decision_reversed_date",
                    )
                },
                decision_reversed_reason=a["decision_reversed_reason"] if reversed_ else None,
            )
        )
    return out
