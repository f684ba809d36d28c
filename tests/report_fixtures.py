"""A small, fixed authority for the report tests: the synthetic authority at 5% scale.

`build(store)` generates `SynthConfig(seed=SEED, size=0.05, 2019/20 to Q1 2022/23)` (about
1,800 children), writes every statutory format and template (`synth.writers.write_all`),
ingests them (`ingest.run.ingest`), and adds what the synthetic authority does not carry:

* reference data: the 0-17 and 10-17 populations at the same scale and a few published
  comparators (England and statistical-neighbour values for two years, and the authority's own
  published figure for two of the measures);
* a later correction extract re-supplying a third of the child protection plans open in
  2022/23 with an unknown category of abuse ('XX'), recorded as data-quality issues - more than
  the 10% threshold, so the category breakdown is *not reportable*;
* a manual value supplied under a framework item id (C09, adoption within 14 months, from the
  regional adoption agency) where the case data has no adoptions to count.

Generation, writing and ingest take about two seconds; the measure run for the report's
twelve quarters about ten, so the store, the run and each context variant are built once per
test process (`store_path`, `measure_run`, `report_context`). The report tests check that the
report carries the measure values faithfully (every figure equals the measure run, every number
in a sentence equals the figure it cites); the measures have their own hand-worked tests.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pyarrow as pa

from csc_scorecard.model.batch import Issue, LoadBatch
from csc_scorecard.model.schema import table
from csc_scorecard.store import Store

LA = "371"
SEED = 2022
SIZE = 0.05
PERIOD = "2022-Q1"
GENERATED_AT = datetime(2022, 9, 8, 9, 0, tzinfo=UTC)
FRAMEWORK = Path(__file__).resolve().parents[1] / "examples" / "doncaster-2022" / "framework.yaml"
# Doncaster's 0-17 population (the engine's worked example) and 10-17, at the synthetic scale.
POPULATION = {"0-17": 67_362, "10-17": 30_500}


def _canonical(name: str, rows: list[dict]) -> pa.Table:
    t = table(name)
    schema = t.arrow_schema()
    return pa.table(
        {
            c.name: pa.array([r.get(c.name) for r in rows], type=schema.field(c.name).type)
            for c in t.data_columns
            if any(c.name in r for r in rows) or c.name in t.key
        }
    ).append_column("source_row", pa.array(range(2, len(rows) + 2), pa.int32()))


def reference_batches() -> list[LoadBatch]:
    """Populations and a few published comparators (hand-made, in the store's layout)."""
    from csc_scorecard.reference.comparator_series import comparator_map, sn_label

    population = _canonical(
        "population",
        [
            {
                "mid_year": y,
                "age_band": band,
                "population": round(pop * SIZE * (1 + 0.004 * (y - 2019))),
                "basis": "census2021_rebased",
                "source": "fixture: ONS mid-year estimates at 5% scale",
            }
            for y in (2019, 2020, 2021)
            for band, pop in POPULATION.items()
        ],
    )
    population = population.append_column(
        "la_code", pa.array([LA] * population.num_rows)
    )  # reference: not added by the store
    published = {  # measure -> (England, statistical neighbours), year ending 31 March 2022
        "rereferrals_within_12_months_rolling_12_months": (21.5, 22.4),
        "assessments_within_45_working_days_rolling_12_months": (84.5, 86.1),
        "section47_rate_per_10000": (175.0, 229.0),
        "cp_rate_per_10000": (42.1, 59.4),
        "care_leavers_eet": (55.0, 52.1),
    }
    # The authority's own published figure (DfE's files: its "outturn") for two measures, as
    # the seed quotes them ("the 2020/21 outturn position for Doncaster (249)").
    outturns = {"section47_rate_per_10000": 248.8, "cp_rate_per_10000": 64.0}
    rows = []
    for measure, (england, sn) in published.items():
        label, basis, _ = comparator_map().labels(measure)[0]
        for year in (2021, 2022):
            shift = 0.0 if year == 2022 else -1.0
            rows.append(
                {
                    "measure": measure,
                    "year": year,
                    "area_type": "england",
                    "area_code": "E92000001",
                    "value": england + shift,
                    "basis": basis,
                    "source": label,
                }
            )
            rows.append(
                {
                    "measure": measure,
                    "year": year,
                    "area_type": "statistical_neighbours",
                    "area_code": LA,
                    "value": sn + shift,
                    "basis": basis,
                    "source": sn_label(label, "2021-04"),
                }
            )
            if measure in outturns:
                rows.append(
                    {
                        "measure": measure,
                        "year": year,
                        "area_type": "la",
                        "area_code": LA,
                        "value": outturns[measure] + shift,
                        "basis": basis,
                        "source": label,
                    }
                )
    return [
        LoadBatch(
            "reference:population",
            None,
            None,
            None,
            ["fixture-population.csv"],
            tables={"population": population},
        ),
        LoadBatch(
            "reference:comparators",
            None,
            None,
            None,
            ["fixture-comparators.csv"],
            tables={"comparators": _canonical("comparators", rows)},
        ),
    ]


def correction_batch(store: Store) -> LoadBatch:
    """A later extract re-supplying a third of the plans open in 2022/23 with category 'XX'."""
    plans = store.con.execute(
        """SELECT child_id, start_date FROM cp_plans WHERE la_code = ? AND start_date <= DATE '2022-06-30'
           AND (end_date IS NULL OR end_date >= DATE '2022-04-01') ORDER BY child_id, start_date""",
        [LA],
    ).fetchall()
    chosen = plans[::3]
    rows = [{"child_id": c, "start_date": s, "latest_category": "XX"} for c, s in chosen]
    issues = [
        Issue(
            "unknown_code",
            "LatestCategoryOfAbuse 'XX' is not a DfE code",
            table="cp_plans",
            file="cp_corrections.csv",
            row=i + 2,
            child_id=c,
            field="LatestCategoryOfAbuse",
            value="XX",
            column="latest_category",
        )
        for i, (c, _) in enumerate(chosen)
    ]
    return LoadBatch(
        "template:cp_corrections",
        LA,
        date(2022, 4, 1),
        date(2022, 6, 30),
        ["cp_corrections.csv"],
        tables={"cp_plans": _canonical("cp_plans", rows)},
        issues=issues,
    )


def manual_batch() -> LoadBatch:
    rows = [
        {
            "measure": "C09",
            "period": "2022-Q1",
            "value": 50.0,
            "value_text": "50%",
            "numerator": 1,
            "denominator": 2,
            "source": "Regional adoption agency",
            "commentary": "One of the two children placed for adoption moved in within 14 months.",
        },
    ]
    return LoadBatch(
        "template:manual_values:fixture",
        LA,
        None,
        None,
        ["manual_values_fixture.csv"],
        tables={"manual_values": _canonical("manual_values", rows)},
    )


def build(store: Store, extracts: Path) -> Store:
    """Generate, write and ingest the synthetic authority into `store`; add the extras."""
    from csc_scorecard.ingest.run import read_sources
    from csc_scorecard.synth.authority import SynthConfig, generate
    from csc_scorecard.synth.writers import write_all

    authority = generate(
        SynthConfig(
            seed=SEED, size=SIZE, first_year=2019, last_year=2022, imperfections=0.03, la_code=LA
        )
    )
    write_all(authority, extracts)
    # The report's figures come from the statutory returns and templates, as the demo's do; the
    # SSD the writers also produce is tested against them in tests/test_ssd_measures.py.
    # extracted on the report quarter's last day, as the demo's are: the in-year 903 states no
    # date (the CIN census header does), so its data would be taken to reach 31 March 2023
    folders = [p for p in sorted(extracts.iterdir()) if p.is_dir() and p.name != "ssd"]
    store.load(read_sources(folders, la_code=LA), extracted=date(2022, 6, 30))
    store.load(reference_batches())
    store.load([correction_batch(store), manual_batch()])
    return store


# -- built once per test process ----------------------------------------------------------------


@cache
def store_path() -> Path:
    """A store holding this authority, in a temporary folder removed when the process ends."""
    folder = Path(tempfile.mkdtemp(prefix="report-fixture-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    with Store(folder / "report.duckdb") as store:
        build(store, folder / "extracts")
    return folder / "report.duckdb"


@cache
def measure_run():
    from csc_scorecard.model.periods import Quarter
    from csc_scorecard.report.context import measure

    with Store(store_path(), read_only=True) as store:
        return measure(store, LA, Quarter.parse(PERIOD))


@cache
def report_context(publication: bool = False, framework: bool = True, synthetic: bool = True):
    """The report context (cached: treat it as read-only)."""
    from csc_scorecard.report.context import build_context

    with Store(store_path(), read_only=True) as store:
        return build_context(
            store,
            LA,
            PERIOD,
            framework=FRAMEWORK if framework else None,
            publication=publication,
            synthetic=synthetic,
            generated_at=GENERATED_AT,
            run=measure_run(),
            # The synthetic homes commentary says "2 of the authority's homes ...": confirmed
            # here; test_security_publication checks that it is refused unless confirmed.
            allow_commentary_numbers=True,
        )


EXAMPLE_PAPER = Path(__file__).resolve().parents[1] / "examples" / "doncaster-2022" / "paper.yaml"
EXAMPLE_NARRATIVE = EXAMPLE_PAPER.with_name("narrative.md")


def paper_context(paper=EXAMPLE_PAPER, narrative=EXAMPLE_NARRATIVE, publication: bool = False):
    """The report context as a committee paper: the example paper file (a path or a read
    `Paper`) and narrative around the fixture authority's figures (not cached)."""
    from csc_scorecard.report.context import build_context

    with Store(store_path(), read_only=True) as store:
        return build_context(
            store,
            LA,
            PERIOD,
            framework=FRAMEWORK,
            publication=publication,
            synthetic=True,
            generated_at=GENERATED_AT,
            run=measure_run(),
            paper=paper,
            narrative=narrative,
            allow_commentary_numbers=True,  # the synthetic homes commentary states "2 of ..."
        )


def resolve(document: object, pointer: str) -> object:
    """The value at a JSON pointer (RFC 6901) in a JSON-like document."""
    node = document
    for part in pointer.lstrip("/").split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node
