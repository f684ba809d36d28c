"""The synthetic workforce: who holds each case, staffing dynamics, supervision, audits, census.

Most tests run `workforce.simulate` once on a hand-made authority at realistic volume (about
2,500 open cases at 30 June 2022, built below from canonical columns only) and check invariants
and the seed report's shape (paras 28-33 and the appendix). Case derivation is checked on tiny
hand-worked examples.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pytest

from csc_scorecard.model.codes import codes
from csc_scorecard.model.schema import table
from csc_scorecard.synth import finance, workforce
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.workforce.imperfections import WORKFORCE, spoil
from csc_scorecard.synth.writers import ssda903

START, END = date(2020, 4, 1), date(2022, 6, 30)
CONFIG = SynthConfig(first_year=2020, last_year=2022)
# 903 SW_REASON codes (standards.md 1.3; DfE validator rule SW13STG1).
SW_REASONS = {
    "MANAGE",
    "FCONTA",
    "LEFTRL",
    "ORGRST",
    "TSPROC",
    "ABSENC",
    "CHCHAN",
    "PCCHAN",
    "SWDIED",
    "OTHERS",
}


def rows_table(name: str, rows: list[dict]) -> pa.Table:
    """A canonical table (data columns only) from row dicts; absent columns are NULL."""
    spec = table(name)
    schema = spec.arrow_schema()
    return pa.table(
        {
            c: pa.array([r.get(c) for r in rows], type=schema.field(c).type)
            for c in spec.data_column_names
        }
    )


def authority_inputs(seed: int = 7, referrals_a_year: float = 5600) -> dict[str, pa.Table]:
    """Children's tables for an authority with about 2,500 open cases (the seed's volume).

    Referrals arrive as a Poisson stream from seven years before the extract; 18% end with no
    further action, the rest are assessed in 10-45 days; 45% continue as children in need, of
    whom about 1 in 10 come into care (placements change every ~16 months, care ends at 18 for
    those still looked after) and 1 in 5 are put on a protection plan. Care leavers have a
    quarterly care_leaver_plans row; a stream of early help episodes feeds family support.
    """
    rng = np.random.default_rng(seed)
    first, last = START.toordinal() - 7 * 365, END.toordinal()

    def day(n: int | None) -> date | None:
        return None if n is None or n > last else date.fromordinal(n)

    out: dict[str, list[dict]] = defaultdict(list)
    t, n = float(first), 0
    while True:
        t += rng.exponential(365.25 / referrals_a_year)
        ref = int(t)
        if ref > last:
            break
        n += 1
        child = f"C{n:06d}"
        dob = ref - int(rng.integers(0, 17 * 365))
        out["children"].append(
            {
                "child_id": child,
                "date_of_birth": date.fromordinal(dob),
                "disabilities": "MOB" if rng.random() < 0.04 else "NONE",
            }
        )
        if rng.random() < 0.18:
            out["referrals"].append(
                {
                    "child_id": child,
                    "referral_date": day(ref),
                    "referral_nfa": True,
                    "closure_date": day(ref),
                }
            )
            continue
        assessed = ref + int(rng.integers(10, 46))
        out["assessments"].append(
            {
                "child_id": child,
                "referral_date": day(ref),
                "start_date": day(ref),
                "authorised_date": day(assessed),
            }
        )
        close = assessed
        if rng.random() < 0.45:
            close = assessed + int(rng.exponential(240))
            u = rng.random()
            if u < 0.105:
                close = max(close, _in_care(out, rng, child, dob, assessed, last))
            elif u < 0.325 and assessed + 20 <= last:
                start = assessed + int(rng.integers(0, 20))
                stop = start + int(rng.exponential(300))
                out["cp_plans"].append(
                    {
                        "child_id": child,
                        "referral_date": day(ref),
                        "start_date": day(start),
                        "end_date": day(stop),
                    }
                )
                close = max(close, stop + int(rng.integers(0, 60)))
        out["referrals"].append(
            {
                "child_id": child,
                "referral_date": day(ref),
                "referral_nfa": False,
                "closure_date": day(close),
            }
        )
    t = float(first)
    while True:  # early help: family support for families below the social care threshold
        t += rng.exponential(365.25 / 1500)
        if int(t) > last:
            break
        n += 1
        child = f"C{n:06d}"
        out["children"].append(
            {
                "child_id": child,
                "date_of_birth": date.fromordinal(int(t) - int(rng.integers(0, 17 * 365))),
            }
        )
        out["early_help_episodes"].append(
            {
                "child_id": child,
                "assessment_start_date": day(int(t)),
                "closure_date": day(int(t) + 30 + int(rng.exponential(110))),
            }
        )
    return {name: rows_table(name, rows) for name, rows in out.items()}


def _in_care(
    out: dict[str, list[dict]],
    rng: np.random.Generator,
    child: str,
    dob: int,
    assessed: int,
    last: int,
) -> int:
    """Looked-after episodes (and care leaver rows for those who leave at 18); returns the day
    care ended."""
    start = assessed + int(rng.integers(0, 30))
    if start > last:
        return start
    at18 = dob + int(18 * 365.25)
    stop = min(start + int(rng.exponential(2.8 * 365)), at18)
    t, rne = start, "S"
    while t < stop:
        nxt = min(stop, t + 1 + int(rng.exponential(480)))
        ended = nxt <= last
        out["cla_episodes"].append(
            {
                "child_id": child,
                "decom": date.fromordinal(t),
                "rne": rne,
                "ls": "C2",
                "cin": "N1",
                "place": "U4",
                "place_provider": "PR1",
                "dec": date.fromordinal(nxt) if ended else None,
                "rec": None
                if not ended
                else ("X1" if nxt < stop else "E17" if stop == at18 else "E4A"),
            }
        )
        if not ended:
            return stop
        t, rne = nxt, "P"
    if stop == at18:
        q = date(2019, 6, 30)
        while q <= END:
            if stop <= q.toordinal() < dob + 21 * 365:
                out["care_leaver_plans"].append(
                    {"child_id": child, "as_at_date": q, "eligibility_category": "former_relevant"}
                )
            q = (q.replace(day=1) + timedelta(days=125)).replace(day=1) - timedelta(days=1)
    return stop


@pytest.fixture(scope="module")
def inputs() -> dict[str, pa.Table]:
    return authority_inputs()


@pytest.fixture(scope="module")
def out(inputs) -> dict[str, pa.Table]:
    return workforce.simulate(CONFIG, inputs)


def open_on(rows: list[dict], day: date, start: str = "start_date", end: str = "end_date"):
    """Rows open on `day` (end dates are handover/closure dates, so exclusive)."""
    return [
        r
        for r in rows
        if r[start] is not None and r[start] <= day and (r[end] is None or r[end] > day)
    ]


def in_post(out: dict[str, pa.Table], day: date) -> dict[str, dict]:
    return {
        p["worker_id"]: p
        for p in out["worker_posts"].to_pylist()
        if p["start_date"] <= day and (p["end_date"] is None or p["end_date"] >= day)
    }


# --------------------------------------------------------------------------- case derivation


def tiny(**tables: list[dict]) -> dict[str, list[dict]]:
    names = (
        "children",
        "referrals",
        "assessments",
        "cp_plans",
        "cla_episodes",
        "care_leaver_plans",
        "early_help_episodes",
    )
    return {n: rows_table(n, tables.get(n, [])).to_pylist() for n in names}


def cases_of(rows: dict[str, list[dict]]) -> list[tuple[str, date, date | None]]:
    cal = workforce.calibration()
    got = workforce.derive_cases(
        rows, START.toordinal(), END.toordinal(), cal, np.random.default_rng(0)
    )
    return [(c.area, date.fromordinal(c.start), c.end and date.fromordinal(c.end)) for c in got]


def test_a_child_is_held_by_the_most_intensive_service_at_each_time():
    # Referred 1 May 2021, assessment authorised 25 May, child protection plan 1 June to
    # 1 December, looked after from 1 October (still in care at the extract date).
    rows = tiny(
        children=[{"child_id": "A", "date_of_birth": date(2015, 1, 1)}],
        referrals=[{"child_id": "A", "referral_date": date(2021, 5, 1), "referral_nfa": False}],
        assessments=[
            {
                "child_id": "A",
                "referral_date": date(2021, 5, 1),
                "start_date": date(2021, 5, 1),
                "authorised_date": date(2021, 5, 25),
            }
        ],
        cp_plans=[{"child_id": "A", "start_date": date(2021, 6, 1), "end_date": date(2021, 12, 1)}],
        cla_episodes=[{"child_id": "A", "decom": date(2021, 10, 1), "ls": "C1", "cin": "N1"}],
    )
    assert cases_of(rows) == [
        ("assessment", date(2021, 5, 1), date(2021, 5, 25)),
        ("acps", date(2021, 5, 25), date(2021, 10, 1)),  # child in need, then the plan: one case
        ("children_in_care", date(2021, 10, 1), None),
    ]


def test_no_further_action_is_not_allocated_and_disabled_children_go_to_their_team():
    rows = tiny(
        children=[{"child_id": "N"}, {"child_id": "D", "disabilities": "MOB HAND"}],
        referrals=[
            {
                "child_id": "N",
                "referral_date": date(2021, 5, 1),
                "referral_nfa": True,
                "closure_date": date(2021, 5, 1),
            },
            {
                "child_id": "D",
                "referral_date": date(2021, 5, 1),
                "referral_nfa": False,
                "closure_date": date(2021, 9, 1),
            },
        ],
        assessments=[
            {
                "child_id": "D",
                "referral_date": date(2021, 5, 1),
                "authorised_date": date(2021, 6, 1),
            }
        ],
        cla_episodes=[
            {
                "child_id": "D",
                "decom": date(2021, 7, 1),
                "dec": date(2021, 7, 3),
                "ls": "V3",
                "cin": "N2",
            }
        ],  # a short break: not "in care"
    )
    assert cases_of(rows) == [
        ("assessment", date(2021, 5, 1), date(2021, 6, 1)),
        ("disabled_children", date(2021, 6, 1), date(2021, 9, 1)),
    ]


def test_care_leavers_have_a_personal_adviser_from_leaving_care_to_21():
    # In care from 15 to 18 (REC E17 on the 18th birthday): a former relevant care leaver.
    # Another child left care at 12 to return home: not a care leaver.
    rows = tiny(
        children=[
            {"child_id": "L", "date_of_birth": date(2003, 2, 10)},
            {"child_id": "H", "date_of_birth": date(2009, 2, 10)},
        ],
        cla_episodes=[
            {
                "child_id": "L",
                "decom": date(2018, 3, 1),
                "ls": "C2",
                "cin": "N1",
                "dec": date(2021, 2, 10),
                "rec": "E17",
            },
            {
                "child_id": "H",
                "decom": date(2020, 3, 1),
                "ls": "C2",
                "cin": "N1",
                "dec": date(2021, 3, 1),
                "rec": "E4A",
            },
        ],
    )
    assert cases_of(rows) == [
        ("children_in_care", date(2020, 3, 1), date(2021, 3, 1)),
        ("children_in_care", date(2018, 3, 1), date(2021, 2, 10)),
        ("care_leavers", date(2021, 2, 10), None),  # to the 21st birthday, after the extract
    ]


def test_family_support_steps_down_from_social_care_when_there_is_no_early_help_data():
    rows = tiny(
        children=[{"child_id": f"S{i}"} for i in range(200)],
        referrals=[
            {
                "child_id": f"S{i}",
                "referral_date": date(2021, 5, 1),
                "referral_nfa": False,
                "closure_date": date(2021, 6, 1),
            }
            for i in range(200)
        ],
    )
    got = cases_of(rows)
    step_down = [c for c in got if c[0] == "family_support"]
    share = workforce.calibration().step_down_share
    assert 0.5 * share < len(step_down) / 200 < 1.5 * share
    assert all(c[1] > date(2021, 5, 1) for c in step_down)  # after the assessment closed


# --------------------------------------------------------------------------- invariants


def test_simulation_is_deterministic_for_a_seed():
    small = authority_inputs(seed=3, referrals_a_year=1200)
    first, again = workforce.simulate(CONFIG, small), workforce.simulate(CONFIG, small)
    for name, t in first.items():
        assert again[name].equals(t), name
    other = workforce.simulate(CONFIG.model_copy(update={"seed": 99}), small)
    assert not other["case_allocations"].equals(first["case_allocations"])


def test_tables_are_canonical_with_unique_keys(out):
    for name, t in out.items():
        spec = table(name)
        assert t.column_names == spec.data_column_names, name
        keys = [tuple(r[k] for k in spec.key) for r in t.select(list(spec.key)).to_pylist()]
        assert len(keys) == len(set(keys)), f"duplicate keys in {name}"
        assert t.num_rows > 0, name


def test_no_worker_holds_a_case_before_starting_after_leaving_or_outside_their_area(out):
    workers = {w["worker_id"]: w for w in out["workers"].to_pylist()}
    teams = {t["team_id"]: t for t in out["teams"].to_pylist()}
    posts = defaultdict(list)
    for p in out["worker_posts"].to_pylist():
        posts[p["worker_id"]].append(p)
    for a in out["case_allocations"].to_pylist():
        w = workers[a["worker_id"]]
        assert a["start_date"] >= w["start_date"]
        if w["leave_date"] is not None:
            assert a["end_date"] is not None and a["end_date"] <= w["leave_date"]
        assert a["end_date"] is None or a["end_date"] > a["start_date"]
        # held within one post (an FTE change splits a post but not the allocation)
        spans = [p for p in posts[a["worker_id"]] if p["start_date"] <= a["start_date"]]
        team = teams[max(spans, key=lambda p: p["start_date"])["team_id"]]
        assert team["service_area"] != "Front door (MASH)"


def test_every_open_case_is_allocated_to_exactly_one_worker(inputs, out):
    by_child = defaultdict(list)
    for a in out["case_allocations"].to_pylist():
        by_child[a["child_id"]].append(a)
    days = [date(2020 + (m + 3) // 12, (m + 3) % 12 + 1, 15) for m in range(1, 27, 2)]
    sources = [
        ("cla_episodes", "decom", "dec"),
        ("cp_plans", "start_date", "end_date"),
        ("referrals", "referral_date", "closure_date"),
    ]
    checked = 0
    for name, s, e in sources:
        for r in inputs[name].to_pylist():
            if r.get("referral_nfa"):
                continue
            for day in days:
                if r[s] <= day and (r[e] is None or r[e] > day):
                    assert len(open_on(by_child[r["child_id"]], day)) == 1, (name, r, day)
                    checked += 1
    assert checked > 20_000


def test_posts_fte_roles_and_team_managers(out):
    posts = out["worker_posts"].to_pylist()
    assert all(0 < p["fte"] <= 1 for p in posts)
    assert {p["fte"] for p in posts} >= {0.5, 1.0}  # part-time staff exist
    assert {p["role"] for p in posts} <= set(codes("worker_role"))
    managers = {
        (p["worker_id"], p["team_id"])
        for p in posts
        if p["role"] in ("team_manager", "service_manager")
    }
    for t in out["teams"].to_pylist():
        assert (t["manager_worker_id"], t["team_id"]) in managers, t
    assert {p["reason"] for p in out["worker_absences"].to_pylist()} <= set(
        codes("csww_reason_absence")
    )


def test_teams_are_the_seed_authority_s_service_areas(out):
    teams = out["teams"].to_pylist()
    areas = {t["service_area"] for t in teams}
    assert areas == {
        "Front door (MASH)",
        "Assessment",
        "ACPS",
        "Children in Care",
        "Care Leavers",
        "Disabled Children",
        "Family Support (PAFSS)",
    }
    acps = [t["team_name"] for t in teams if t["service_area"] == "ACPS" and t["front_line"]]
    assert all(re.fullmatch(r"ACPS (South|Central|East|North) \d", n) for n in acps)
    assert {"ACPS South 1", "ACPS Central 2"} <= set(acps)


def test_workers_move_teams_and_some_are_newly_qualified(out):
    workers = out["workers"].to_pylist()
    moved = Counter(p["worker_id"] for p in out["worker_posts"].to_pylist())
    assert sum(1 for n in moved.values() if n > 1) >= 5
    asye = [w for w in workers if w["asye_start_date"] is not None]
    assert len(asye) >= 5 and all(w["qualified"] and not w["agency"] for w in asye)
    assert all(w["asye_start_date"] == w["start_date"] for w in asye if w["start_date"] >= START)
    leavers = [w for w in workers if w["leave_date"] and not w["agency"]]
    assert {w["leaving_reason"] for w in leavers} <= set(codes("csww_reason_leave"))


# --------------------------------------------------------------------------- the seed's shape


def test_caseloads_average_16_to_20_with_a_long_tail(out):
    posts = in_post(out, END)
    teams = {t["team_id"]: t for t in out["teams"].to_pylist()}
    held = Counter(a["worker_id"] for a in open_on(out["case_allocations"].to_pylist(), END))
    loads = np.array(
        [n for w, n in held.items() if posts[w]["role"] not in ("team_manager", "service_manager")]
    )
    social_care = sum(
        n
        for w, n in held.items()
        if teams[posts[w]["team_id"]]["service_area"] != "Family Support (PAFSS)"
    )
    assert 2200 < social_care < 2900  # the seed's volume of open cases
    assert 16 <= loads.mean() <= 20
    assert 0.25 <= (loads >= 20).mean() <= 0.55  # seed: 65 workers at 20+
    assert 0.07 <= (loads >= 25).mean() <= 0.3  # seed: 24 at 25+
    assert 28 <= loads.max() <= 55  # seed: 48
    assert (loads < 10).sum() >= 5  # newly qualified, part-time and new starters hold fewer


def test_acps_team_managers_span_130_to_200_cases(out):
    teams = {t["team_id"]: t for t in out["teams"].to_pylist()}
    posts = in_post(out, END)
    span = Counter(
        teams[posts[a["worker_id"]]["team_id"]]["team_name"]
        for a in open_on(out["case_allocations"].to_pylist(), END)
    )
    acps = [n for name, n in span.items() if name.startswith("ACPS")]
    assert len(acps) >= 6
    assert 130 <= np.median(acps) <= 200
    assert 80 <= min(acps) and max(acps) <= 240


def test_agency_cover_and_turnover(out):
    workers = {w["worker_id"]: w for w in out["workers"].to_pylist()}
    posts = in_post(out, END)
    fte = sum(p["fte"] for p in posts.values())
    agency = [w for w in posts if workers[w]["agency"]]
    assert 0.08 <= sum(posts[w]["fte"] for w in agency) / fte <= 0.17  # seed: 9.1%-14.2%
    employed = [w for w in posts if not workers[w]["agency"]]
    year_ago = END - timedelta(days=365)
    leavers = [
        w
        for w in workers.values()
        if not w["agency"] and w["leave_date"] and year_ago < w["leave_date"] <= END
    ]
    assert 0.09 <= len(leavers) / len(employed) <= 0.22  # seed: 13.9%, target 16%


def test_supervision_is_monthly_and_about_two_thirds_in_timescale(out):
    teams = {t["team_id"]: t for t in out["teams"].to_pylist()}
    workers = {w["worker_id"]: w for w in out["workers"].to_pylist()}
    posts = in_post(out, END)
    last: dict[str, date] = {}
    for s in out["supervisions"].to_pylist():
        last[s["worker_id"]] = max(last.get(s["worker_id"], date.min), s["supervision_date"])
    staff = [
        w
        for w, p in posts.items()
        if teams[p["team_id"]]["front_line"] and (END - workers[w]["start_date"]).days > 31
    ]
    in_time = sum(1 for w in staff if (END - last.get(w, date.min)).days <= 31)
    assert 0.58 <= in_time / len(staff) <= 0.76  # seed para 28: 62.7%-66.5%


def test_some_teams_have_yet_to_return_their_supervision_sheet(out):
    """Seed para 28: at the extract date "seven Teams ... need to add additional data". A fifth
    of the front-line teams (workforce.yaml unreturned_team_share) have no session recorded in
    the extract's quarter (1 April - 30 June 2022); every other front-line team with staff has,
    and the quarter before is complete."""
    teams = {t["team_id"]: t for t in out["teams"].to_pylist()}
    front = sorted(t for t, row in teams.items() if row["front_line"])
    posts = defaultdict(list)
    for p in out["worker_posts"].to_pylist():
        posts[p["worker_id"]].append(p)

    def team_on(worker: str, day: date) -> str | None:
        return next(
            (
                p["team_id"]
                for p in posts[worker]
                if p["start_date"] <= day and (p["end_date"] is None or p["end_date"] >= day)
            ),
            None,
        )

    def teams_with_sessions(first: date, last: date) -> set[str]:
        return {
            team_on(s["worker_id"], s["supervision_date"])
            for s in out["supervisions"].to_pylist()
            if first <= s["supervision_date"] <= last
        }

    quarter = teams_with_sessions(date(2022, 4, 1), END)
    before = teams_with_sessions(date(2022, 1, 1), date(2022, 3, 31))
    staffed = {p["team_id"] for p in in_post(out, END).values()}
    silent = [t for t in front if t in staffed and t not in quarter]
    assert len(silent) == round(0.2 * len(front)) > 0
    assert set(silent) <= before  # they had returned the quarter before


def test_supervisors_are_the_team_manager_or_the_service_manager(out):
    posts = defaultdict(list)
    for p in out["worker_posts"].to_pylist():
        posts[p["worker_id"]].append(p)
    teams = {t["team_id"]: t for t in out["teams"].to_pylist()}

    def post_on(worker: str, day: date) -> dict:
        return next(
            p
            for p in posts[worker]
            if p["start_date"] <= day and (p["end_date"] is None or p["end_date"] >= day)
        )

    for s in out["supervisions"].to_pylist()[::25]:
        mine, boss = (
            post_on(s["worker_id"], s["supervision_date"]),
            post_on(s["supervisor_id"], s["supervision_date"]),
        )
        assert boss["role"] in ("team_manager", "service_manager")
        assert s["supervisor_id"] != s["worker_id"]
        if boss["role"] == "team_manager":
            assert boss["team_id"] == mine["team_id"]
        else:
            assert teams[boss["team_id"]]["service_area"] == teams[mine["team_id"]]["service_area"]


def test_case_audits_volume_and_grades(out):
    audits = [a for a in out["case_audits"].to_pylist() if date(2022, 4, 1) <= a["audit_date"]]
    social = [a["grade"] for a in audits if a["audit_type"] == "social_care"]
    family = [a["grade"] for a in audits if a["audit_type"] == "family_support"]
    assert 70 <= len(social) <= 125  # seed Q1: 92 social care audits
    assert 10 <= len(family) <= 45  # seed Q1: 26 PAFSS audits
    good = sum(g in ("good", "outstanding") for g in social) / len(social)
    fair = sum(g != "inadequate" for g in social) / len(social)
    assert 0.42 <= good <= 0.72 and fair >= 0.88  # seed: 58% good or better, 96% RI or better
    assert {a["grade"] for a in audits} <= set(codes("audit_grade"))
    allocations = defaultdict(list)
    for a in out["case_allocations"].to_pylist():
        allocations[a["child_id"]].append(a)
    for a in audits[:50]:  # an audited case was open then
        assert open_on(allocations[a["child_id"]], a["audit_date"])


# --------------------------------------------------------------------------- census, 903, Annex A


def test_workforce_census_agrees_with_posts_and_allocations(out):
    census = out["workforce_census_workers"].to_pylist()
    la = {r["collection_year"]: r for r in out["workforce_census_la"].to_pylist()}
    assert sorted(la) == [2020, 2021]
    allocations = out["case_allocations"].to_pylist()
    workers = {w["worker_id"]: w for w in out["workers"].to_pylist()}
    for year in la:
        ref = date(year, 9, 30)
        rows = [r for r in census if r["collection_year"] == year]
        posts = in_post(out, ref)
        held = Counter(a["worker_id"] for a in open_on(allocations, ref))
        for r in rows:
            assert workers[r["worker_id"]]["qualified"]
            assert r["swe_no"] == workers[r["worker_id"]]["swe_no"]
            if r["fte30"] is not None:  # in post at 30 September
                assert r["cases30"] == held.get(r["worker_id"], 0)
                assert r["fte30"] == posts[r["worker_id"]]["fte"]
            else:  # a leaver in the year to 30 September
                assert ref - timedelta(days=365) < r["role_end_date"] <= ref
                assert r["reason_leave"] in codes("csww_reason_leave")
        agency = [r for r in rows if r["agency"] and r["fte30"] is not None]
        assert la[year]["agency_headcount"] == len(agency)
        assert la[year]["agency_fte"] == pytest.approx(sum(r["fte30"] for r in agency))
        employed = sum(r["fte30"] for r in rows if not r["agency"] and r["fte30"] is not None)
        vacancy_rate = la[year]["vacancies_fte"] / (la[year]["vacancies_fte"] + employed)
        assert 0.08 <= vacancy_rate <= 0.3  # DfE figures for the seed's authority: 18-23%
        for column, code_list in (
            ("org_role", "csww_org_role"),
            ("qual_level", "csww_qual_level"),
            ("start_origin", "csww_start_origin"),
            ("leaver_destination", "csww_leaver_destination"),
            ("reason_absence", "csww_reason_absence"),
        ):
            assert {r[column] for r in rows} - {None} <= set(codes(code_list)), column


def test_903_social_worker_episodes(inputs, out):
    episodes = out["cla_social_worker_episodes"].to_pylist()
    assert all(e["sw_id"].startswith("SW") for e in episodes)
    assert {e["sw_reason"] for e in episodes} - {None} <= SW_REASONS
    by_child = defaultdict(list)
    for e in episodes:
        by_child[e["child_id"]].append(e)
    looked_after = {r["child_id"] for r in inputs["cla_episodes"].to_pylist()}
    assert set(by_child) <= looked_after
    for rows in by_child.values():  # only a child's first episode has no reason (rule SW13)
        rows.sort(key=lambda e: e["sw_decom"])
        assert all(e["sw_reason"] is not None for e in rows[1:])
        for a, b in itertools.pairwise(rows):
            assert a["sw_dec"] is not None and a["sw_dec"] <= b["sw_decom"]
    reasons = Counter(e["sw_reason"] for e in episodes)
    assert reasons["LEFTRL"] and reasons["TSPROC"] and reasons["FCONTA"]
    # Every episode has a reason, the first in the year too (2023-24 rules SW01STG1, SW03STG1).
    assert all(e["sw_reason"] in SW_REASONS for e in episodes)


def social_worker_allocations(out) -> dict[str, list[dict]]:
    """Each child's allocations to registered social workers, in date order, with the SWENo."""
    workers = {w["worker_id"]: w for w in out["workers"].to_pylist()}
    held = defaultdict(list)
    for a in sorted(out["case_allocations"].to_pylist(), key=lambda a: a["start_date"]):
        w = workers[a["worker_id"]]
        if w["qualified"]:
            held[a["child_id"]].append({**a, "swe_no": w["swe_no"], "leave": w["leave_date"]})
    return held


def test_sw_reason_is_first_contact_after_a_gap_and_left_role_when_the_worker_left(out):
    """SW_REASON follows the allocation history: an episode that does not start the day the
    child's previous social worker's ended is a first contact or re-referral (FCONTA; DfE's
    2024-25 SW10STG2 allows a gap only before one), unless the worker took the case over before
    the simulated history (OTHERS); a handover on the day the previous worker left the authority,
    agency or employed, is LEFTRL."""
    history = social_worker_allocations(out)
    reasons = {
        (e["child_id"], e["sw_id"], e["sw_decom"]): e["sw_reason"]
        for e in out["cla_social_worker_episodes"].to_pylist()
    }
    checked = Counter()
    for child, held in history.items():
        for prev, a in itertools.pairwise([None, *held]):
            reason = reasons.get((child, a["swe_no"], a["start_date"]))
            if reason is None:
                continue  # not looked after at a 31 March while this worker held the case
            if prev is None or prev["end_date"] != a["start_date"]:
                assert reason == "FCONTA" or (reason == "OTHERS" and a["start_date"] < START)
                checked["first"] += 1
            elif prev["leave"] == prev["end_date"]:
                assert reason == "LEFTRL", (child, prev, a)
                checked["left"] += 1
    assert checked["first"] > 100 and checked["left"] > 100


def test_sw_episodes_are_every_social_worker_of_a_child_looked_after_at_31_march(inputs, out):
    """For each child looked after on 31 March 2021 every social worker who held the case in
    2020-21 is an episode, including those before the child came into care (rule SW12STG2)."""
    census, year_start = date(2021, 3, 31), date(2020, 4, 1)
    looked_after = {
        e["child_id"]
        for e in inputs["cla_episodes"].to_pylist()
        if e["decom"] <= census and (e["dec"] is None or e["dec"] > census)
    }
    reported = {
        (e["child_id"], e["sw_id"], e["sw_decom"])
        for e in out["cla_social_worker_episodes"].to_pylist()
    }
    in_year = {
        (child, a["swe_no"], a["start_date"])
        for child, held in social_worker_allocations(out).items()
        for a in held
        if a["start_date"] <= census and (a["end_date"] is None or a["end_date"] >= year_start)
    }
    cla = {k for k in in_year if k[0] in looked_after}
    assert len(looked_after) > 150 and cla <= reported
    entered = {
        e["child_id"]: e["decom"] for e in inputs["cla_episodes"].to_pylist() if e["rne"] == "S"
    }
    assert any(k[2] < entered.get(k[0], date.max) for k in cla)  # a worker from before care
    # and nobody else's: a child not looked after on any 31 March (or the extract date) has none
    ever = {
        e["child_id"]
        for e in inputs["cla_episodes"].to_pylist()
        for y in range(2021, 2023)
        for day in (date(y, 3, 31), END)
        if e["decom"] <= day and (e["dec"] is None or e["dec"] > day)
    }
    assert {k[0] for k in reported} <= ever


def test_the_903_return_has_the_sw_episodes_of_the_children_looked_after_at_its_end():
    """The 903 writer's SWEpisodes, from the simulation end to end: every child looked after at
    the end of the year, and nobody else, with a chain of episodes in the year (SW01STG1,
    SW06-SW08, SW14STG2) whose last is still open."""
    authority = generate(SynthConfig(size=0.05, first_year=2022, last_year=2024))
    returns = {r.year: r for r in ssda903.returns(authority)}
    assert not returns[2023].tables["SWEpisodes"]  # collected from 2023-24
    for year in (2024, 2025):  # 2025: the in-year return at 30 June 2024
        ret = returns[year]
        looked_after = {
            e["child_id"]
            for e in ret.tables["Episodes"]
            if e["dec"] is None and e["ls"] not in ("V3", "V4")
        }
        by_child = defaultdict(list)
        for r in ret.tables["SWEpisodes"]:
            assert r["sw_decom"] <= ret.end and r["sw_reason"] in SW_REASONS
            assert r["sw_dec"] is None or ret.start <= r["sw_dec"] <= ret.end
            by_child[r["child_id"]].append(r)
        assert set(by_child) == looked_after and len(looked_after) > 10
        for rows in by_child.values():
            rows.sort(key=lambda r: r["sw_decom"])
            assert rows[-1]["sw_dec"] is None
            assert all(a["sw_dec"] is not None and a["sw_dec"] <= b["sw_decom"]
                       for a, b in itertools.pairwise(rows))  # fmt: skip


def test_care_leaver_plans_name_the_allocated_personal_adviser(inputs, out):
    plans = out["care_leaver_plans"].to_pylist()
    assert len(plans) == inputs["care_leaver_plans"].num_rows
    teams = {t["team_id"]: t for t in out["teams"].to_pylist()}
    named = [p for p in plans if p["personal_adviser"]]
    assert len(named) >= 0.8 * len(plans)
    for p in named[:100]:
        post = in_post(out, p["as_at_date"])[p["personal_adviser"]]
        assert teams[post["team_id"]]["service_area"] == "Care Leavers"


# --------------------------------------------------------------------------- imperfections


def rows_of(t: pa.Table) -> Counter:
    return Counter(tuple(r.values()) for r in t.to_pylist())


def test_imperfections_spoil_a_share_of_workforce_and_finance_records(inputs, out):
    config = CONFIG.model_copy(update={"imperfections": 0.05})
    spoiled = workforce.simulate(config, inputs)
    once, twice = (spoil(out, 0.05, WORKFORCE, np.random.default_rng(1), END) for _ in range(2))
    assert all(twice[name].equals(t) for name, t in once.items())  # same draws, same faults
    # what finance reads, and tables without faults, are as in the clean run
    for name in ("teams", "worker_posts", "workforce_census_la", "care_leaver_plans"):
        assert spoiled[name].equals(out[name]), name
    for name in WORKFORCE:
        clean, dirty = out[name], spoiled[name]
        assert dirty.schema == clean.schema
        changed = sum((rows_of(dirty) - rows_of(clean)).values())
        if clean.num_rows > 400:
            assert 0.02 < changed / clean.num_rows < 0.08, name  # one fault to about 5% of rows
        for k in table(name).key:  # keys are never blanked
            assert dirty.column(k).null_count == 0, (name, k)

    sup = spoiled["supervisions"].to_pylist()
    keys = Counter((s["worker_id"], s["supervision_date"]) for s in sup)
    assert max(keys.values()) == 2  # entered twice
    held = {(s["worker_id"], s["supervision_date"]) for s in out["supervisions"].to_pylist()}
    late = [s for s in sup if (s["worker_id"], s["supervision_date"]) not in held]
    assert late and all(s["supervision_date"] <= END for s in sup)  # recorded late, not ahead
    assert any(s["supervisor_id"] is None for s in sup)
    reasons = [e["sw_reason"] for e in spoiled["cla_social_worker_episodes"].to_pylist()]
    assert None in reasons and set(reasons) - SW_REASONS - {None}
    grades = {a["grade"] for a in spoiled["case_audits"].to_pylist()}
    assert None in grades and grades - set(codes("audit_grade")) - {None}
    allocations = spoiled["case_allocations"].to_pylist()
    assert all(a["end_date"] is None or a["start_date"] < a["end_date"] for a in allocations)

    clean_money = finance.simulate(CONFIG, {**inputs, **out})
    money = finance.simulate(config, {**inputs, **spoiled})
    for name in ("budget_lines", "grants", "homes_pipeline", "manual_values"):
        assert money[name].equals(clean_money[name]), name
    costs = money["placement_costs"].to_pylist()
    lines = set(finance.calibration().lines)
    assert any(c["weekly_cost"] is None for c in costs) and {c["line"] for c in costs} - lines
    assert sum(
        (rows_of(money["placement_costs"]) - rows_of(clean_money["placement_costs"])).values()
    )


def test_faults_leave_keys_alone_and_unknown_codes_are_not_in_their_lists():
    spec = workforce.calibration().imperfections
    for name, faults in {**WORKFORCE, **finance.FAULTS}.items():
        touched = set(faults.missing_value) | set(faults.unknown_code)
        assert touched <= set(table(name).data_column_names) and not touched & set(table(name).key)
        for pool in faults.unknown_code.values():
            known = finance.calibration().lines if pool == "care_ladder_line" else codes(pool)
            assert spec.unknown_codes[pool] and not set(spec.unknown_codes[pool]) & set(known)


def test_an_authority_with_no_children_has_no_workforce_records():
    out = workforce.simulate(CONFIG, {})
    assert out["teams"].num_rows == out["case_allocations"].num_rows == 0
    assert out["workforce_census_la"].column("vacancies_fte").to_pylist() == [0.0, 0.0]
