"""A small, fixed authority for the report tests, built from canonical tables.

`build(store)` loads about 600 children's records covering April 2019 to June 2022 (every
quarter the report's eight-quarter trends and year-earlier comparisons need), the population,
a few published comparators, manual values, a children's homes register and some
data-quality issues. Everything is drawn from `random.Random(SEED)` with simple rules written
below, so the store is identical on every run and the report built from it can be kept as a
golden snapshot (`tests/golden/report_context.json`).

The values themselves are not worked out by hand here: the measures have their own hand-worked
tests. The report tests check that the report carries the measure values faithfully (every
figure equals the measure run, every number in a sentence equals the figure it cites).

When the synthetic authority (`csc_scorecard.synth.children`) is available, the golden test can
move to `synth.authority.generate(SynthConfig(size=...))`; until then this stands in for it.
"""

from __future__ import annotations

import atexit
import random
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import pyarrow as pa

from csc_scorecard.ingest.batch import Issue, LoadBatch
from csc_scorecard.model.schema import table
from csc_scorecard.store import Store

LA = "371"
SEED = 20220630
FIRST = date(2019, 4, 1)
LAST = date(2022, 6, 30)
FRAMEWORK = Path(__file__).resolve().parents[1] / "examples" / "doncaster-2022" / "framework.yaml"

# Referral sources with weights, shaped like the seed (police about 40%).
SOURCES = [("6", 40), ("2A", 14), ("3A", 6), ("3B", 5), ("3E", 4), ("1A", 8), ("5A", 5), ("5D", 6), ("8", 7), ("9", 3), ("10", 2)]
CATEGORIES = [("EMO", 55), ("NEG", 35), ("PHY", 6), ("SAB", 3), ("MUL", 1)]
PLACEMENTS = [("U4", "PR4", 30), ("U4", "PR1", 25), ("U1", "PR1", 8), ("K2", "PR4", 10), ("K2", "PR1", 4), ("H5", "PR4", 6), ("P1", "PR0", 6), ("A4", "PR1", 3)]
REASONS_CEASED = [("E11", 8), ("E41", 10), ("E45", 10), ("E13", 30), ("E8", 20), ("E4A", 22)]


def _pick(rng: random.Random, weighted):
    return rng.choices([w[:-1] if len(w) > 2 else w[0] for w in weighted], [w[-1] for w in weighted])[0]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _canonical(name: str, rows: list[dict]) -> pa.Table:
    t = table(name)
    schema = t.arrow_schema()
    return pa.table(
        {
            c.name: pa.array([r.get(c.name) for r in rows], type=schema.field(c.name).type)
            for c in t.data_columns
        }
    ).append_column("source_row", pa.array(range(2, len(rows) + 2), pa.int32()))


def tables() -> tuple[dict[str, pa.Table], list[Issue]]:
    """The authority's canonical tables and the data-quality issues found in its 'files'."""
    rng = random.Random(SEED)
    children, referrals, assessments, s47s, cin_plans, cp_plans, cla = [], [], [], [], [], [], []
    issues: list[Issue] = []
    n = 0
    day = FIRST - timedelta(days=400)  # a year of earlier referrals, for re-referrals
    while day <= LAST:
        # About 5 referrals a working week, more in autumn; a child is sometimes re-referred.
        day += timedelta(days=rng.choice([0, 1, 1, 1, 2, 3]))
        if day > LAST:
            break
        if referrals and rng.random() < 0.18:
            child = rng.choice(referrals[-200:])["child_id"]
        else:
            n += 1
            child = f"R{n:04d}"
            age = rng.randrange(0, 17 * 365)
            children.append(
                {"child_id": child, "sex": rng.choice("MF"),
                 "date_of_birth": day - timedelta(days=age), "uasc": rng.random() < 0.03}
            )
        if any(r["child_id"] == child and r["referral_date"] == day for r in referrals[-20:]):
            continue
        source = _pick(rng, SOURCES)
        nfa = rng.random() < 0.06
        closes = day + timedelta(days=rng.randrange(20, 400))
        row = len(referrals) + 2
        if rng.random() < 0.015 and day >= date(2021, 10, 1):
            source = "Q9"  # an unknown code, recorded as an issue
            issues.append(Issue("unknown_code", "ReferralSource 'Q9' is not a DfE code", table="referrals", file="cin_2022.xml", row=row, child_id=child, field="ReferralSource", value="Q9", column="referral_source"))
        referrals.append(
            {"child_id": child, "referral_date": day, "referral_source": source, "referral_nfa": nfa,
             "primary_need_code": rng.choice(["N1", "N2", "N4", "N5", "N8"]),
             "closure_date": None if closes > LAST else closes,
             "closure_reason": None if closes > LAST else rng.choice(["RC8", "RC9", "RC1", "RC4"])}
        )
        if nfa:
            continue
        start = day + timedelta(days=rng.randrange(0, 4))
        took = int(rng.triangular(5, 80, 25))
        authorised = start + timedelta(days=took)
        assessments.append(
            {"child_id": child, "referral_date": day, "start_date": start,
             "authorised_date": None if authorised > LAST else authorised,
             "further_support_needed": rng.random() < 0.45}
        )
        if rng.random() < 0.45:
            cin_start = authorised + timedelta(days=3)
            if cin_start <= LAST:
                cin_end = cin_start + timedelta(days=rng.randrange(60, 500))
                cin_plans.append({"child_id": child, "referral_date": day, "start_date": cin_start, "end_date": None if cin_end > LAST else cin_end})
        if rng.random() < 0.28:
            s_start = day + timedelta(days=rng.randrange(0, 10))
            held = rng.random() < 0.35
            icpc = s_start + timedelta(days=int(rng.triangular(6, 30, 14))) if held else None
            icpc = icpc if icpc and icpc <= LAST else None
            s47s.append(
                {"child_id": child, "referral_date": day, "start_date": s_start, "icpc_date": icpc,
                 "icpc_not_required": icpc is None and rng.random() < 0.7}
            )
            if icpc:
                end = icpc + timedelta(days=int(rng.triangular(90, 900, 300)))
                category = _pick(rng, CATEGORIES)
                if icpc >= date(2021, 10, 1) and len(cp_plans) % 4 == 0:
                    # A run of plans recorded with a category the census does not know: more
                    # than the 10% threshold, so the category breakdown is not reportable.
                    category = "XX"
                    issues.append(Issue("unknown_code", "LatestCategoryOfAbuse 'XX' is not a DfE code", table="cp_plans", file="cin_2022.xml", row=len(cp_plans) + 2, child_id=child, field="LatestCategoryOfAbuse", value="XX", column="latest_category"))
                cp_plans.append(
                    {"child_id": child, "referral_date": day, "start_date": icpc, "end_date": None if end > LAST else end,
                     "initial_category": category, "latest_category": category,
                     "previous_plans": 1 if rng.random() < 0.2 else 0}
                )
        if rng.random() < 0.07:
            decom = day + timedelta(days=rng.randrange(5, 60))
            if decom <= LAST:
                place, provider = _pick(rng, PLACEMENTS)
                stay = int(rng.triangular(30, 1400, 500))
                dec = decom + timedelta(days=stay)
                ended = dec <= LAST
                cla.append(
                    {"child_id": child, "decom": decom, "rne": "S", "ls": rng.choice(["C1", "C2", "V2", "E1"]),
                     "cin": "N1", "place": place, "place_provider": provider,
                     "dec": dec if ended else None, "rec": _pick(rng, REASONS_CEASED) if ended else None}
                )
    # Children already looked after when the data starts (a stock that leaves slowly).
    for i in range(45):
        child = f"L{i:03d}"
        children.append({"child_id": child, "sex": rng.choice("MF"), "date_of_birth": date(2006, 1, 1) + timedelta(days=rng.randrange(0, 12 * 365)), "uasc": False})
        place, provider = _pick(rng, PLACEMENTS)
        decom = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 4 * 365))
        dec = FIRST + timedelta(days=rng.randrange(0, 1800))
        ended = dec <= LAST
        cla.append({"child_id": child, "decom": decom, "rne": "S", "ls": "C2", "cin": "N1", "place": place, "place_provider": provider, "dec": dec if ended else None, "rec": _pick(rng, REASONS_CEASED) if ended else None})
    # Care leavers: an OC3 cohort for 2021/22 and the in-year 2022/23 rows so far.
    leavers = []
    for i in range(60):
        child = f"C{i:03d}"
        dob = date(2000, 4, 1) + timedelta(days=rng.randrange(0, 5 * 365))
        children.append({"child_id": child, "sex": rng.choice("MF"), "date_of_birth": dob, "uasc": False})
        for year in (2022, 2023):
            birthday = date(year - 1 if dob.month >= 4 else year, dob.month, min(dob.day, 28))
            if year == 2023 and birthday > LAST:
                continue
            leavers.append(
                {"child_id": child, "collection_year": year,
                 "in_touch": rng.choices(["YES", "NO", "REFU", "DIED"], [88, 6, 5, 1])[0],
                 "activity": rng.choices(["F1", "F2", "G4", "G6"], [25, 30, 35, 10])[0],
                 "accommodation": rng.choices(["B1", "C1", "D1", "S2", "T1"], [25, 30, 30, 5, 10])[0]}
            )
    plans = [
        {"child_id": f"C{i:03d}", "as_at_date": as_at, "eligibility_category": "former_relevant",
         "latest_pathway_plan_date": as_at - timedelta(days=rng.randrange(0, 240)),
         "pathway_plan_signed_off": rng.random() < 0.9}
        for as_at in (date(2021, 3, 31), date(2021, 6, 30), date(2021, 12, 31), date(2022, 3, 31), date(2022, 6, 30))
        for i in range(40)
    ]
    adoptions = [
        {"child_id": c["child_id"], "adm_decision_date": c["decom"] + timedelta(days=120),
         "entered_care_date": c["decom"], "placement_order_date": c["decom"] + timedelta(days=200),
         "matched_date": c["decom"] + timedelta(days=300), "placed_date": c["decom"] + timedelta(days=320),
         "adoption_order_date": c["dec"], "foster_carer_adoption": False}
        for c in cla if c["rec"] in ("E11", "E12") and c["dec"] - c["decom"] > timedelta(days=330)
    ]
    return (
        {
            "children": _canonical("children", children),
            "referrals": _canonical("referrals", referrals),
            "assessments": _canonical("assessments", assessments),
            "section47s": _canonical("section47s", s47s),
            "cin_plans": _canonical("cin_plans", cin_plans),
            "cp_plans": _canonical("cp_plans", cp_plans),
            "cla_episodes": _canonical("cla_episodes", cla),
            "care_leavers": _canonical("care_leavers", leavers),
            "care_leaver_plans": _canonical("care_leaver_plans", plans),
            "adoptions": _canonical("adoptions", adoptions),
        },
        issues,
    )


def reference_batches() -> list[LoadBatch]:
    """Population (0-17 and 10-17), a few published comparators and the homes register."""
    from csc_scorecard.reference.comparators import comparator_map, sn_label

    population = _canonical(
        "population",
        [
            {"mid_year": y, "age_band": band, "population": pop, "basis": "census2021_rebased", "source": "fixture mid-year estimates"}
            for y in (2019, 2020, 2021)
            for band, pop in (("0-17", 6_800 + 40 * (y - 2019)), ("10-17", 3_100))
        ],
    ).drop_columns(["source_row"])
    population = population.append_column("la_code", pa.array([LA] * population.num_rows))
    comparators = []
    published = {  # measure -> (England, statistical neighbours), year ending 31 March 2022
        "rereferrals_within_12_months": (21.5, 22.4),
        "assessments_within_45_working_days": (84.5, 86.1),
        "section47_rate_per_10000": (175.0, 229.0),
        "cp_rate_per_10000": (42.1, 59.4),
        "care_leavers_eet": (55.0, 52.1),
    }
    for measure, (england, sn) in published.items():
        label, basis, _ = comparator_map().labels(measure)[0]
        for year in (2021, 2022):
            shift = 0 if year == 2022 else -1.0
            comparators.append({"measure": measure, "year": year, "area_type": "england", "area_code": "E92000001", "value": england + shift, "basis": basis, "source": label})
            comparators.append({"measure": measure, "year": year, "area_type": "statistical_neighbours", "area_code": LA, "value": sn + shift, "basis": basis, "source": sn_label(label, "2021-04")})
    homes = [
        {"home_id": "H1", "as_at_date": date(2022, 6, 30), "name": "Skylarks (two homes)", "beds": 4, "status": "purchased", "planned_opening": date(2022, 10, 1), "capital_cost": 900_000.0, "manager_recruited": False, "risks": "Registered manager still to be appointed"},
        {"home_id": "H2", "as_at_date": date(2022, 6, 30), "name": "Cambourne Close", "beds": 2, "status": "approved", "planned_opening": date(2023, 4, 1), "works_cost": 150_000.0, "manager_recruited": False},
        {"home_id": "H3", "as_at_date": date(2022, 6, 30), "name": "Tickhill Square", "beds": 4, "status": "withdrawn", "risks": "Cost of works too high"},
    ]
    return [
        LoadBatch("reference:population", None, None, None, ["fixture-population.csv"], tables={"population": population}),
        LoadBatch("reference:comparators", None, None, None, ["fixture-comparators.csv"], tables={"comparators": _canonical("comparators", comparators)}),
        LoadBatch("template:homes_pipeline", LA, None, None, ["homes_pipeline_2022-06.csv"], tables={"homes_pipeline": _canonical("homes_pipeline", homes)}),
    ]


def manual_batch() -> LoadBatch:
    rows = [
        {"measure": "reoffending_rate", "period": "2021-Q4", "value": 25.7, "value_text": "25.7%", "source": "YJS tracker"},
        {"measure": "reoffending_rate", "period": "2022-Q1", "value": 16.27, "value_text": "16.27%", "source": "YJS tracker"},
        {"measure": "first_time_entrants_rate", "period": "2021-Q4", "value": 124, "value_text": "124", "source": "YJS tracker"},
        {"measure": "first_time_entrants_rate", "period": "2022-Q1", "value": 138, "value_text": "138", "source": "YJS tracker"},
        {"measure": "residential_homes_good_or_better", "period": "2022-Q1", "value": 60, "value_text": "60%", "numerator": 3, "denominator": 5, "source": "Ofsted"},
        # Framework items with no catalogue measure, named by item id (local spreadsheets).
        {"measure": "C10", "period": "2021-Q4", "value": 56, "value_text": "56%", "numerator": 50, "denominator": 89, "source": "Audit tracker"},
        {"measure": "C10", "period": "2022-Q1", "value": 57.6, "value_text": "57.6%", "numerator": 53, "denominator": 92, "source": "Audit tracker",
         "commentary": "In Q1 there were 92 social care audits, of which 53 were judged to be good or better."},
        {"measure": "C11", "period": "2022-Q1", "value": None, "value_text": "see report", "source": "Supervision sheets"},
    ]
    return LoadBatch("template:manual_values", LA, None, None, ["manual_values.csv"], tables={"manual_values": _canonical("manual_values", rows)})


def build(store: Store) -> Store:
    """Load the whole authority into `store` (returns it, for chaining)."""
    data, issues = tables()
    cin = {k: v for k, v in data.items() if k in ("children", "referrals", "assessments", "section47s", "cin_plans", "cp_plans")}
    la = {k: v for k, v in data.items() if k not in cin}
    store.load(reference_batches())
    store.load([
        LoadBatch("cin_census", LA, FIRST, LAST, ["cin_2022.xml"], tables=cin, issues=issues),
        LoadBatch("ssda903", LA, FIRST, LAST, ["ssda903_2022.csv"], tables=la),
        manual_batch(),
    ])
    return store


# -- built once per test process (the measure run is the slow part: ~8 s for 12 quarters) -----

PERIOD = "2022-Q1"
GENERATED_AT = datetime(2022, 9, 8, 9, 0, tzinfo=UTC)


@cache
def store_path() -> Path:
    """A store holding this authority, in a temporary folder removed when the process ends."""
    folder = Path(tempfile.mkdtemp(prefix="report-fixture-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    with Store(folder / "report.duckdb") as store:
        build(store)
    return folder / "report.duckdb"


@cache
def measure_run():
    from csc_scorecard.measures.periods import Quarter
    from csc_scorecard.report.context import measure

    with Store(store_path(), read_only=True) as store:
        return measure(store, LA, Quarter.parse(PERIOD))


@cache
def report_context(publication: bool = False, framework: bool = True, synthetic: bool = True):
    """The report context (cached; treat as read-only)."""
    from csc_scorecard.report.context import build_context

    with Store(store_path(), read_only=True) as store:
        return build_context(
            store, LA, PERIOD, framework=FRAMEWORK if framework else None, publication=publication,
            synthetic=synthetic, generated_at=GENERATED_AT, run=measure_run(),
        )


def resolve(document: object, pointer: str) -> object:
    """The value at a JSON pointer (RFC 6901) in a JSON-like document."""
    node = document
    for part in pointer.lstrip("/").split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node
