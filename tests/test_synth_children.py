"""The synthetic authority's children (synth.children): determinism, calibration on the seed
report's authority, and the structural rules the statutory returns impose on the journeys."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pyarrow as pa
import pytest

from csc_scorecard.model import schema
from csc_scorecard.model.codes import codes
from csc_scorecard.reference.calendar import working_days_between
from csc_scorecard.synth import calibration, children
from csc_scorecard.synth.authority import SynthConfig
from csc_scorecard.synth.identity import check_letter

Q1_START, Q1_END = date(2022, 4, 1), date(2022, 6, 30)  # the seed report's quarter
SIX_MONTHS = date(2022, 1, 1)
FOSTER = {"U1", "U2", "U3", "U4", "U5", "U6"}
EXTERNAL = {"PR4", "PR5"}


@pytest.fixture(scope="module")
def default() -> dict[str, pd.DataFrame]:
    """The default synthetic authority (size 1, 2016/17 to Q1 2022/23) as DataFrames."""
    return {name: t.to_pandas() for name, t in children.simulate(SynthConfig()).items()}


@pytest.fixture(scope="module")
def small() -> dict[str, pa.Table]:
    return children.simulate(SynthConfig(size=0.1, first_year=2020))


def between(values: pd.Series, start: date, end: date) -> pd.Series:
    return (values >= start) & (values <= end)


def open_on(frame: pd.DataFrame, start: str, end: str, day: date) -> pd.DataFrame:
    return frame[(frame[start] <= day) & (frame[end].isna() | (frame[end] > day))]


def looked_after(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episodes other than short breaks (V3/V4 are outside CLA statistics, standards.md 1.3)."""
    return episodes[~episodes.ls.isin(["V3", "V4"])]


# --- determinism and shape -------------------------------------------------------------------


def test_same_config_gives_identical_tables(small):
    again = children.simulate(SynthConfig(size=0.1, first_year=2020))
    assert set(again) == set(small)
    for name, table in small.items():
        assert table.equals(again[name]), name
    other_seed = children.simulate(SynthConfig(size=0.1, first_year=2020, seed=7))
    assert not other_seed["referrals"].equals(small["referrals"])


def test_tables_have_the_canonical_data_columns_and_types(small):
    assert set(small) == set(children.TABLES)
    for name, table in small.items():
        spec = schema.table(name)
        expected = pa.schema([(c.name, schema.ARROW_TYPES[c.type]) for c in spec.data_columns])
        assert table.schema.equals(expected), name
        assert table.num_rows > 0, name
        keys = table.select(list(spec.key)).to_pandas()
        assert not keys.duplicated().any(), f"{name}: duplicate natural keys"


def test_size_scales_the_volumes(small):
    bigger = children.simulate(SynthConfig(size=0.3, first_year=2020))
    ratio = bigger["referrals"].num_rows / small["referrals"].num_rows
    assert 2.2 < ratio < 3.8


def test_nothing_is_recorded_after_the_extract_date(default):
    end = SynthConfig().end
    for name, frame in default.items():
        for column in schema.table(name).data_columns:
            # Planned dates may lie ahead: an expected birth, the 18th birthday a UASC stops
            # being UASC (903 rule 205B), the ICPC target.
            future_ok = (
                "expected_date_of_birth",
                "uasc_ceased_date",
                "icpc_target_date",
                "order_expected_date",  # an order still to be made
            )
            if column.type == "DATE" and column.name not in future_ok:
                assert not (frame[column.name].dropna() > end).any(), f"{name}.{column.name}"


# --- calibration: the last complete quarter looks like the seed report's authority -----------


def test_front_door_volumes(default):
    referrals = default["referrals"]
    q1 = referrals[between(referrals.referral_date, Q1_START, Q1_END)]
    assert 1000 <= len(q1) <= 1400  # seed para 14: 1,182 (Q4 1,257)
    assert 0.33 <= (q1.referral_source == "6").mean() <= 0.50  # police 42%
    assessments = default["assessments"]
    started = assessments[between(assessments.start_date, Q1_START, Q1_END)]
    assert 950 <= len(started) <= 1350  # para 15: 1,155 started in Q1
    decided = started[started.further_support_needed.notna()]
    assert 0.50 <= (~decided.further_support_needed.astype(bool)).mean() <= 0.66  # para 15: 58%


def test_assessments_mostly_within_45_working_days(default):
    assessments = default["assessments"]
    done = assessments[between(assessments.authorised_date, SIX_MONTHS, Q1_END)]
    days = [working_days_between(s, e) for s, e in zip(done.start_date, done.authorised_date)]
    within = sum(d <= 45 for d in days) / len(days)
    assert 0.82 <= within <= 0.94  # seed appendix: 85% Q4, 90% Q1


def test_child_protection_volumes(default):
    s47 = default["section47s"]
    assert 600 <= between(s47.start_date, SIX_MONTHS, Q1_END).sum() <= 900  # para 19: 751
    plans = open_on(default["cp_plans"], "start_date", "end_date", Q1_END)
    assert 280 <= plans.child_id.nunique() <= 420  # para 21: 348
    shares = plans.initial_category.value_counts(normalize=True)
    assert 0.45 <= shares["EMO"] <= 0.65 and 0.25 <= shares["NEG"] <= 0.45  # para 22
    assert shares.index[0] == "EMO" and shares.index[1] == "NEG"


def test_children_in_care(default):
    episodes = looked_after(default["cla_episodes"])
    now = open_on(episodes, "decom", "dec", Q1_END)
    assert 500 <= now.child_id.nunique() <= 650  # para 23: 563 at the end of Q4
    # In care for 12 months or more: the period's start (latest RNE S) a year before.
    starts = episodes[episodes.rne == "S"][["child_id", "decom"]].rename(columns={"decom": "entry"})
    entry = now.merge(starts, on="child_id")
    entry = entry[entry.entry <= entry.decom].groupby("child_id").entry.max()
    assert 320 <= (entry <= Q1_END - timedelta(days=365)).sum() <= 460  # para 24: 391
    foster = now.place.isin(FOSTER)
    assert 120 <= (foster & now.place_provider.isin(EXTERNAL)).sum() <= 210  # para 24: IFA 165
    assert 35 <= ((now.place == "K2") & now.place_provider.isin(EXTERNAL)).sum() <= 80  # 55
    assert 5 <= (now.place == "P1").sum() <= 30  # placed with parents: 18


def test_flows_in_and_out_of_care(default):
    episodes = looked_after(default["cla_episodes"])
    entered = episodes[(episodes.rne == "S") & between(episodes.decom, SIX_MONTHS, Q1_END)]
    assert 70 <= entered.child_id.nunique() <= 140  # para 23: 93 in six months
    left = episodes[
        episodes.rec.notna() & (episodes.rec != "X1") & between(episodes.dec, SIX_MONTHS, Q1_END)
    ]
    assert 60 <= left.child_id.nunique() <= 140  # para 23: 114 in six months
    adopted = episodes[episodes.rec.isin(["E11", "E12"])]
    assert between(adopted.dec, Q1_START, Q1_END).sum() <= 5  # para 25: one in Q1
    assert 1 <= between(adopted.dec, date(2021, 7, 1), Q1_END).sum() <= 20


def test_every_child_known_has_the_family_the_legal_tracker_names(small):
    families = small["child_families"].to_pandas()
    kids = small["children"].to_pandas()
    assert sorted(families.child_id) == sorted(kids.child_id)  # one row each, nobody else
    courts = small["court_proceedings"].to_pandas()
    both = courts.merge(families, on="child_id", suffixes=("", "_record"))
    assert len(both) == len(courts) > 0
    assert (both.family_id == both.family_id_record).all()
    assert families.family_id.nunique() < len(families)  # siblings share a family


def test_permanence_tracker_leads_to_the_orders_made(default):
    plans, episodes = default["permanence_plans"], looked_after(default["cla_episodes"])
    assert not plans.duplicated(["child_id", "plan"]).any()  # the template's key
    # Every order the tracker records is the child's leaving care on that day by that order.
    made = plans[plans.order_date.notna()].merge(
        episodes, left_on=["child_id", "order_date"], right_on=["child_id", "dec"]
    )
    rec = {"special_guardianship": {"E43", "E44", "E45", "E46", "E47", "E48"}}
    rec["child_arrangements"] = {"E41"}
    assert len(made) == plans.order_date.notna().sum() > 0
    assert all(r in rec[p] for p, r in zip(made.plan, made.rec, strict=True))
    assert (plans.plan_date <= plans.order_expected_date).all()
    # Seed appendix: 29 children in care expected to leave through an SGO at the end of Q1.
    now = open_on(episodes, "decom", "dec", Q1_END).child_id.unique()
    expected = plans[
        (plans.plan == "special_guardianship")
        & plans.child_id.isin(now)
        & (plans.plan_date <= Q1_END)
        & (plans.order_date.isna() | (plans.order_date > Q1_END))
    ]
    assert 10 <= len(expected) <= 45


def test_care_leavers_and_population(default):
    cohort = default["care_leavers"]
    assert 160 <= (cohort.collection_year == 2022).sum() <= 280  # para 27: 223 (Q4), 197
    kids = default["children"]
    dob = kids.date_of_birth
    aged_0_17 = (dob <= Q1_END) & (dob > date(2004, 6, 30))
    population = calibration.load().population.children_0_17
    assert 0 < aged_0_17.sum() < 0.8 * population  # only a fraction are known to CSC


# --- structure: what the CIN census and SSDA903 rules require --------------------------------


def test_records_lie_inside_their_episode_of_need(default):
    episodes = default["referrals"][["child_id", "referral_date", "closure_date"]]
    for name, start, end in (
        ("assessments", "start_date", "authorised_date"),
        ("section47s", "start_date", "icpc_date"),
        ("cin_plans", "start_date", "end_date"),
        ("cp_plans", "start_date", "end_date"),
    ):
        rows = default[name].merge(
            episodes, on=["child_id", "referral_date"], how="left", indicator=True
        )
        assert (rows._merge == "both").all(), f"{name} without its referral"
        assert (rows[start] >= rows.referral_date).all(), name
        closed = rows[rows.closure_date.notna()]
        assert (closed[start] <= closed.closure_date).all(), name
        ended = closed[closed[end].notna()]
        assert (ended[end] <= ended.closure_date).all(), name
        assert (rows[end].isna() | (rows[end] >= rows[start])).all(), name


def test_episodes_of_need_do_not_overlap(default):
    r = default["referrals"].sort_values(["child_id", "referral_date"])
    same = r.child_id.eq(r.child_id.shift())
    previous_closure = r.closure_date.shift()
    assert previous_closure[same].notna().all()  # only the latest episode may be open
    assert (r.referral_date[same] > previous_closure[same]).all()
    nfa = r[r.referral_nfa]
    ref_keys = set(zip(nfa.child_id, nfa.referral_date))
    for name in ("assessments", "section47s", "cin_plans", "cp_plans"):
        assert not set(zip(default[name].child_id, default[name].referral_date)) & ref_keys


def test_plans_follow_conferences_and_do_not_overlap(default):
    s47 = default["section47s"]
    plans = default["cp_plans"]
    held = s47.dropna(subset=["icpc_date"])
    conferences = set(zip(held.child_id, held.referral_date, held.icpc_date))
    # A plan starts on the day of an ICPC in the same episode (CIN rule 2885).
    assert all(k in conferences for k in zip(plans.child_id, plans.referral_date, plans.start_date))
    both = plans.merge(default["cin_plans"], on="child_id", suffixes=("_cp", "_cin"))
    cp_end = both.end_date_cp.fillna(Q1_END + timedelta(days=1))
    cin_end = both.end_date_cin.fillna(Q1_END + timedelta(days=1))
    overlap = (both.start_date_cp < cin_end) & (both.start_date_cin < cp_end)
    assert not overlap.any()


def test_care_episodes_are_contiguous_and_coded_by_what_changed(default):
    ep = default["cla_episodes"].sort_values(["child_id", "decom"])
    assert (ep.dec.isna() | (ep.dec > ep.decom)).all()  # at least a day (903 rule 355)
    nxt = ep.groupby("child_id").shift(-1)
    has_next = nxt.decom.notna()
    continuing = has_next & (nxt.rne != "S")
    assert (ep.dec[continuing] == nxt.decom[continuing]).all()  # rule 433
    assert (ep.rec[continuing] == "X1").all()
    new_period = has_next & (nxt.rne == "S")
    assert (nxt.decom[new_period] > ep.dec[new_period]).all()  # rule 431
    assert (ep.rec[new_period] != "X1").all()
    assert ep.dec[~has_next].isna().sum() == ep.rec[~has_next].isna().sum()
    changed = ep.shift(-1)[continuing]
    here = ep[continuing]
    placement = ["place", "place_provider", "pl_post", "urn"]
    moved = (here[placement].fillna("") != changed[placement].fillna("")).any(axis=1)
    status = here.ls != changed.ls
    assert ((changed.rne == "L") == (status & ~moved)).all()  # rules 434-436
    assert (changed.rne.isin(["P", "T"]) == (~status & moved)).all()
    assert (changed.rne.isin(["B", "U"]) == (status & moved)).all()


def _days_looked_after(episodes: pd.DataFrame, since: date, until: date) -> int:
    return sum(
        max(0, (min(e, until) - max(s, since)).days) for s, e in zip(episodes.decom, episodes.dec)
    )


def test_care_leavers_satisfy_the_cohort_rule(default):
    """OC3 2021-22: 13 weeks looked after since 14 and a day since 16, not adopted, 17th-21st
    birthday in the year, and not looked after on a 17th or 18th birthday (standards.md 1.5)."""
    kids = default["children"].set_index("child_id")
    episodes = looked_after(default["cla_episodes"]).copy()
    episodes["dec"] = episodes.dec.fillna(Q1_END)
    cohort = default["care_leavers"]
    cohort = cohort[cohort.collection_year == 2022]
    year_start, year_end = date(2021, 4, 1), date(2022, 3, 31)
    for child in cohort.child_id:
        dob = pd.Timestamp(kids.date_of_birth[child])
        age = next(
            a
            for a in range(17, 22)
            if year_start <= (dob + pd.DateOffset(years=a)).date() <= year_end
        )
        birthday = (dob + pd.DateOffset(years=age)).date()
        mine = episodes[episodes.child_id == child]
        since_14 = _days_looked_after(mine, (dob + pd.DateOffset(years=14)).date(), birthday)
        since_16 = _days_looked_after(mine, (dob + pd.DateOffset(years=16)).date(), birthday)
        assert since_14 >= 91 and since_16 >= 1, child
        assert not mine.rec.isin(["E11", "E12", "E2", "E3"]).any(), child
        if age in (17, 18):
            assert not ((mine.decom <= birthday) & (mine.dec > birthday)).any(), child


def test_codes_are_from_the_dfe_lists(default):
    checks = [
        ("referrals", "referral_source", "referral_source"),
        ("referrals", "closure_reason", "closure_reason"),
        ("referrals", "primary_need_code", "primary_need"),
        ("cp_plans", "initial_category", "category_of_abuse"),
        ("cp_plans", "latest_category", "category_of_abuse"),
        ("cla_episodes", "rne", "rne"),
        ("cla_episodes", "ls", "legal_status"),
        ("cla_episodes", "cin", "cin_903"),
        ("cla_episodes", "place", "placement"),
        ("cla_episodes", "place_provider", "placement_provider"),
        ("cla_episodes", "rec", "reason_ceased"),
        ("cla_episodes", "reason_place_change", "reason_place_change"),
        ("cla_reviews", "review_code", "review_code"),
        ("missing_episodes", "missing_type", "missing_type"),
        ("care_leavers", "in_touch", "in_touch"),
        ("care_leavers", "activity", "activity"),
        ("care_leavers", "accommodation", "accommodation"),
        ("previous_permanence", "prev_perm", "prev_perm"),
        ("children", "ethnicity", "ethnicity"),
        ("adoptions", "sex_adopters", "sex_adopter"),
        ("adoptions", "ls_adopters", "ls_adopter"),
        ("adoptions", "decision_reversed_reason", "reason_placed_ceased"),
        ("care_leaver_plans", "eligibility_category", "care_leaver_eligibility"),
    ]
    for table, column, code_list in checks:
        used = set(default[table][column].dropna())
        assert used <= set(codes(code_list)) | {"0"}, (
            f"{table}.{column}: {used - set(codes(code_list))}"
        )
    factors = {f for value in default["assessments"].factors.dropna() for f in value.split()}
    assert factors <= set(codes("assessment_factor"))
    disabilities = {d for value in default["children"].disabilities.dropna() for d in value.split()}
    assert disabilities <= set(codes("disability")) and len(disabilities) >= 8  # CIN 2887Q


def test_upns_are_valid_and_unique(default):
    upn = default["children"].upn
    real = upn[~upn.str.startswith("UN")]
    assert real.str.fullmatch(r"[A-Z]\d{12}").all()
    assert all(check_letter(u[1:]) == u[0] for u in real)
    assert not real.duplicated().any()  # CIN rule 1520
    assert set(upn[upn.str.startswith("UN")]) <= set(codes("upn_unknown"))


# --- imperfections ---------------------------------------------------------------------------


def test_imperfections_spoil_a_share_of_records(small):
    clean = {name: t.to_pandas() for name, t in small.items()}
    spoiled = {
        name: t.to_pandas()
        for name, t in children.simulate(
            SynthConfig(size=0.1, first_year=2020, imperfections=0.05)
        ).items()
    }
    a = spoiled["assessments"]
    assert (a.authorised_date < a.start_date).any()  # authorised before it started
    assert not (clean["assessments"].authorised_date < clean["assessments"].start_date).any()
    key = list(schema.table("cla_episodes").key)
    assert spoiled["cla_episodes"].duplicated(key).any()
    assert not clean["cla_episodes"].duplicated(key).any()
    sources = set(spoiled["referrals"].referral_source.dropna()) - set(codes("referral_source"))
    assert sources and not set(clean["referrals"].referral_source) - set(codes("referral_source"))
    source = spoiled["referrals"].referral_source
    bad = source.isna() | ~source.isin(list(codes("referral_source")))
    assert 0 < bad.mean() < 0.05  # a share of 5% spread over several kinds of fault


# --- calibration data ------------------------------------------------------------------------


def test_calibration_codes_are_dfe_codes():
    """Codes in children.yaml exist in the code list they stand for (a typo would otherwise
    only show as a strange value in the generated returns)."""
    cal = calibration.load()
    placements = set(codes("placement"))
    checks = {
        "referral_source": [cal.front_door.referral_source, cal.uasc.referral_source],
        "ethnicity": [cal.population.ethnicity, cal.uasc.ethnicity],
        "disability": [cal.population.disability],
        "primary_need": [cal.assessment.primary_need],
        "assessment_factor": [cal.assessment.factors],
        "category_of_abuse": [cal.protection.initial_category],
        "legal_status": list(cal.care.initial_legal_status.values())
        + [cal.care.after_emergency_order],
        "reason_ceased": [
            cal.care.home_rec,
            cal.care.sgo_foster_rec,
            cal.care.sgo_other_rec,
            cal.care.other_rec,
            cal.care.remand_rec,
        ]
        + list(cal.care.to18_rec.values()),
        "reason_place_change": [cal.placement.reason_place_change],
        "placement_provider": list(cal.placement.provider.values())
        + [
            cal.placement.registers.ifa_provider,
            cal.placement.registers.private_home_provider,
            cal.placement.registers.school_provider,
            dict.fromkeys(cal.placement.registers.adoption_agency_provider, 1),
        ],
        "review_code": [cal.reviews.participation],
        "missing_type": [cal.missing.missing_type],
        "sdq_reason": [cal.health.sdq_reason],
        "prev_perm": [cal.previous_permanence.prev_perm],
        "in_touch": [cal.leaving_care.in_touch],
        "activity": [cal.leaving_care.activity_eet, cal.leaving_care.activity_neet],
        "accommodation": [
            cal.leaving_care.accommodation_suitable,
            cal.leaving_care.accommodation_unsuitable,
        ],
        "reason_placed_ceased": [cal.adoption.reversed_reason],
        "sex_adopter": [cal.adoption.single_sex, cal.adoption.couple],
        "ls_adopter": [cal.adoption.couple_status_mixed, cal.adoption.couple_status_same],
        "upn_unknown": [cal.population.upn_unknown_school_age],
    }
    for code_list, tables in checks.items():
        for shares in tables:
            assert set(shares) <= set(codes(code_list)), (
                code_list,
                set(shares) - set(codes(code_list)),
            )
    used_places = (
        set(cal.placement.spell_days)
        | set(cal.placement.provider)
        | set(cal.placement.remand_first)
    )
    for table in (cal.placement.first, cal.placement.next, cal.placement.uasc_first):
        used_places |= {p for shares in table.values() for p in shares}
    assert used_places <= placements


def test_burn_in_bank_holidays_follow_the_reference_list():
    """Before the reference list starts, holidays come from rules; where both exist they agree."""
    from csc_scorecard.reference.calendar import bank_holidays
    from csc_scorecard.synth.dates import _by_rule

    listed = bank_holidays()
    years = list(range(listed.first_year, listed.last_year + 1))
    assert _by_rule(years) == set(listed.days)
