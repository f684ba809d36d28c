"""The staffing section: its figures, its sentences (every cited number resolves to the field it
prints), publication mode, and a run over the synthetic authority.

On the hand-made workforce (tests/workforce_fixture.py; working in test_workforce_measures.py
and test_workforce_caseloads.py) the section for 2022-Q1 reads, paragraph by paragraph:
supervision 5 of 7 (71.4%), lowest ACPS South 1 (1 of 2; tied at 50% with Children in Care 1,
first by name), 2 overdue; supervised in the quarter 5 of 7, all 3 teams with data
(test_supervision_returns.py works it out); caseloads at 30 June 2 / 1 / 4 at 20 / 25 / 16, highest 25, 9
workers holding 109 cases; at 31 March 2 / 1 / 3; per FTE 3 at 20+ (A1 24, A4, A6) and 1 at
25+; weighted: 2 workers left out (A5 absent, N1 new), 104 cases ÷ 5.8 = 17.9, 5 at 20+;
DfE average 110 ÷ 9.5 = 11.6; no team over 100 cases per manager; audits 3 social care (1 good
or better) and 1 family support (1); agency 1 of 10.5 FTE (9.5%); turnover 0.8 FTE (9.1%);
vacancy 2 ÷ 4.5 = 44.4% at the 30 September 2021 census.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from workforce_fixture import LA, load_fixture

from csc_scorecard.report.sections.staffing.model import StaffingSection
from csc_scorecard.report.sections.staffing.section import publish, staffing_section
from csc_scorecard.store import Store

EXPECTED = [
    (
        "On 30 June 2022, 5 of 7 front-line staff (71.4%) had had supervision within the last 30 days. "
        "The lowest share was in ACPS South 1 (50%, 1 of 2). 2 staff were overdue a supervision; they "
        "are listed for their managers, longest overdue first."
    ),
    (
        "In Q1, 5 of 7 front-line staff (71.4%) had at least one supervision recorded. All 3 teams "
        "have added supervision data for the quarter."
    ),
    (
        "On 30 June 2022, 2 workers had a caseload of 20 or higher. Of those 1 had a caseload of 25 or "
        "higher, with the highest caseload being 25. 4 workers had a caseload of 16 or higher. In all 9 "
        "front-line case holders of every role on the case system held 109 cases."
    ),
    (
        "The position on 31 March 2022 was: 2 workers had a caseload of 20 or higher. Of those 1 had a "
        "caseload of 25 or higher, with the highest caseload being 25. 3 workers had a caseload of 16 or "
        "higher."
    ),
    (
        "Allowing for part-time working, 3 workers held 20 or more cases per full-time equivalent, and 1 "
        "held 25 or more. Weighting each caseload by the worker's role (advanced practitioners and newly "
        "qualified social workers carry fewer cases, managers none) and leaving out 2 workers who were "
        "new, leaving or on long-term absence, the average was 17.9 cases per weighted full-time "
        "equivalent and 5 workers were at 20 or more. At the end of the quarter there were 11.6 "
        "children per case-holding full-time equivalent social worker. The workforce census at 30 "
        "September 2021 recorded an average caseload of 11.2 on the Department for Education's "
        "definition, which also counts carers allocated for fostering or adoption assessment."
    ),
    (
        "On 30 June 2022 none of the 3 front-line teams was above the team manager span of control of "
        "about 100 cases per manager."
    ),
    (
        "In Q1 there were 3 social care audits, of which 1 was judged to be good or better; 1 family "
        "support audit, of which 1 was judged to be good or better. Overall 50% of audits were graded "
        "good or better and 75% were graded 'requires improvement' or better."
    ),
    (
        "At the end of the quarter agency social workers held 1 of the 10.5 full-time equivalent social "
        "worker posts filled (9.5%): registered social workers in post on that day, not the agency "
        "staff paid for over the month that the finance section counts. In the year to 30 June 2022, employed social workers amounting to 0.8 "
        "full-time equivalents left the authority: a turnover rate of 9.1% of the average in post (a "
        "local measure). The workforce census at 30 September 2021 recorded a vacancy rate of 44.4%. "
        "On the Department for Education's definition (leavers in the year to 30 September 2021 as a "
        "share of those in post on that day) turnover was 40%."
    ),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("wfs") / "store.duckdb") as s:
        load_fixture(s)
        yield s


@pytest.fixture(scope="module")
def internal(store) -> StaffingSection:
    return staffing_section(store, LA, "2022-Q1", ref_prefix="/staffing")


@pytest.fixture(scope="module")
def published(store) -> StaffingSection:
    return staffing_section(store, LA, "2022-Q1", publication=True, ref_prefix="/staffing")


def resolve(data, pointer: str):
    for part in pointer.strip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def check_cites(section: StaffingSection, prefix: str = "") -> int:
    """Every cite's text sits at its offsets and its ref resolves to its value; returns how many."""
    data = json.loads(section.model_dump_json())
    n = 0
    for p in section.paragraphs:
        for s in [*p.sentences, *p.bullets]:
            for c in s.cites:
                assert s.text[c.start : c.end] == c.text
                assert c.ref.startswith(prefix)
                assert resolve(data, c.ref[len(prefix) :]) == c.value, c.ref
                n += 1
    return n


def test_paragraphs_read_as_worked_by_hand(internal):
    assert [p.text for p in internal.paragraphs] == EXPECTED


def test_every_number_is_cited_and_resolves(internal):
    assert check_cites(internal, "/staffing") > 40


def test_figures_agree_with_the_measures(internal):
    k = internal.kpis
    now = internal.caseloads.total
    assert k["workers_caseload_20_plus"].value == now.workers_at_or_above(20) == 2
    assert k["workers_caseload_25_plus"].value == now.workers_at_or_above(25) == 1
    assert k["caseload_max"].value == now.maximum == 25
    assert k[
        "workers_caseload_20_plus"
    ].previous_value == internal.caseloads_compare.total.workers_at_or_above(20)
    assert k["supervision_in_timescale"].value == pytest.approx(internal.supervision.total.percent)
    assert k["vacancy_rate"].value == pytest.approx(internal.census.rates["vacancy_rate_fte"])
    assert (
        k["case_audits_good_or_better"].numerator,
        k["case_audits_good_or_better"].denominator,
    ) == (internal.audits.total.good_or_better, internal.audits.total.audits)
    assert (
        k["team_manager_span_max"].value
        == max(t.cases_per_manager for t in internal.spans.teams)
        == 47
    )


def test_worker_level_content_is_there_for_managers(internal):
    assert [o.worker_id for o in internal.supervision.overdue] == ["A4", "A6"]
    assert internal.workers[0].worker_id == "A4"
    assert internal.caseloads.by_team and internal.supervision.by_team
    assert internal.notes == [
        (
            "1 child was allocated on 30 June 2022 to workers with no post recorded on that date; "
            "they are not in any team's figures."
        ),
        "Manager taken from the teams list (no manager post recorded on the date) for: Children in Care 1.",
    ]


def test_charts(internal):
    charts = {c.id: c for c in internal.charts}
    dist = [
        (p.series, p.x, p.y)
        for p in charts["caseload_distribution"].data
        if p.series == "30 June 2022"
    ]
    # 9 case holders: under 16 = M1, A1 12, A3 10, A5, N1 (5); 16-19 A2, A7 (2); 20-24 A6; 25+ A4.
    assert dist == [
        ("30 June 2022", "under 16", 5),
        ("30 June 2022", "16 to 19", 2),
        ("30 June 2022", "20 to 24", 1),
        ("30 June 2022", "25 or more", 1),
    ]
    spans = charts["team_manager_spans"]
    assert spans.reference == 100 and [p.y for p in spans.data] == [47, 39, 22]


def test_publication_leaves_out_workers_and_small_numbers(published):
    text = published.model_dump_json()
    for worker in ("A4", "A6", "M1", "N1"):
        assert f'"{worker}"' not in text
    assert published.workers is None and published.supervision.overdue is None
    assert published.caseloads.by_team == [] and published.supervision.by_team == []
    assert published.caseloads.total.maximum is None
    # the highest caseload and the highest span describe one worker (layout.yaml worker_level_measures)
    assert (
        published.kpis["caseload_max"].status
        == published.kpis["team_manager_span_max"].status
        == "withheld"
    )
    assert published.spans.teams == [] and published.spans.team_count == 3
    assert published.kpis["workers_caseload_20_plus"].display == "c"
    assert published.kpis["workers_caseload_20_plus"].value is None
    # cases per FTE is a ratio: its denominator (FTE) is not a count that could be worked back
    assert published.kpis["children_per_case_holder_fte"].display == "11.6"
    assert published.paragraphs[2].text == (
        "On 30 June 2022, c workers had a caseload of 20 or higher. Of those c had a caseload of 25 "
        "or higher. c workers had a caseload of 16 or higher. In all 9 front-line case holders of "
        "every role on the case system held 109 cases."
    )
    assert published.paragraphs[0].text.startswith("On 30 June 2022, c of c front-line staff (c)")
    check_cites(published, "/staffing")


def test_publishing_a_built_section_gives_the_same(internal, published):
    """A report can build the section once and publish it: the same as asking for it published,
    and the internal section is left as it was."""
    assert publish(internal).model_dump() == published.model_dump()
    assert internal.workers is not None and not internal.publication


def test_measures_the_report_already_ran_are_reused(store, internal):
    """Given the report's MeasureRun, the section takes the figures (and their status) from it."""
    from csc_scorecard.measures.run import MeasureRun
    from csc_scorecard.model.periods import Quarter

    rows = []
    for k in internal.kpis.values():
        for period, value in (("2022-Q1", k.value), ("2021-Q4", k.previous_value)):
            rows.append(
                {
                    "measure": k.measure,
                    "period": period,
                    "dimension": None,
                    "value": value,
                    "numerator": k.numerator,
                    "denominator": k.denominator,
                    "status": "ok",
                    "reason": None,
                }
            )
    rows[[r["measure"] for r in rows].index("children_per_case_holder_fte")].update(
        status="not_reportable", reason="case_allocations.start_date missing for 40% of rows"
    )
    run = MeasureRun(LA, [Quarter.parse("2022-Q1")], rows)
    s = staffing_section(store, LA, "2022-Q1", measures=run)
    assert (
        s.kpis["children_per_case_holder_fte"].status == "not_reportable"
        and s.kpis["children_per_case_holder_fte"].display == ""
    )
    assert s.kpis["agency_fte_rate"] == internal.kpis["agency_fte_rate"]
    assert "children per case-holding" not in " ".join(p.text for p in s.paragraphs)


def test_the_queries_are_compiled_once(store, internal, monkeypatch):
    """Every workforce query takes its dates as named inputs (`snapshot.run`), so its SQL does
    not depend on the quarter: once one section is built, another quarter's section compiles
    no query at all, and the first quarter's again gives the same section. (The key figures
    come from the report's measure run, as in a report.)"""
    import ibis

    from csc_scorecard.model.periods import Quarter
    from csc_scorecard.report.context import measure

    runs = {q: measure(store, LA, Quarter.parse(q)) for q in ("2021-Q4", "2022-Q1")}

    backend = type(ibis.duckdb.from_connection(store.con))
    compile_ = backend.compile
    compiled: list[str] = []

    def counted(self, expr, *args, **kwargs):  # type: ignore[no-untyped-def]
        compiled.append(repr(expr)[-600:])
        return compile_(self, expr, *args, **kwargs)

    monkeypatch.setattr(backend, "compile", counted)
    earlier = staffing_section(
        store, LA, "2021-Q4", ref_prefix="/staffing", measures=runs["2021-Q4"]
    )
    again = staffing_section(store, LA, "2022-Q1", ref_prefix="/staffing", measures=runs["2022-Q1"])
    assert compiled == []
    assert again == internal
    assert (earlier.date, earlier.caseloads.date, earlier.caseloads_compare.date) == (
        date(2022, 3, 31),
        date(2022, 3, 31),
        date(2021, 12, 31),
    )
    # The position on 31 March 2022 is the same whether it is the quarter's or the comparison.
    assert earlier.caseloads == internal.caseloads_compare
    assert [p.date for p in earlier.trend][-1] == date(2022, 3, 31)


def test_json_round_trip(internal):
    again = StaffingSection.model_validate_json(internal.model_dump_json())
    assert again == internal


@pytest.mark.slow
def test_synthetic_authority(tmp_path):
    """The synthetic authority (small): the section builds, its figures hang together."""
    from csc_scorecard.model.batch import LoadBatch
    from csc_scorecard.synth.authority import SynthConfig, generate

    a = generate(SynthConfig(size=0.1, first_year=2020))
    names = [
        "teams",
        "workers",
        "worker_posts",
        "worker_absences",
        "case_allocations",
        "supervisions",
        "case_audits",
        "workforce_census_workers",
        "workforce_census_la",
    ]
    with Store(tmp_path / "s.duckdb") as store:
        store.load(
            [
                LoadBatch(
                    "synthetic",
                    a.la_code,
                    None,
                    None,
                    ["synth"],
                    tables={n: a.tables[n] for n in names},
                )
            ]
        )
        s = staffing_section(store, a.la_code, "2022-Q1")
    assert check_cites(s) > 40
    total = s.caseloads.total
    assert total.case_holders > 10 and total.cases > 100
    assert s.kpis["workers_caseload_20_plus"].value == total.workers_at_or_above(20)
    assert s.kpis["caseload_max"].value == total.maximum
    assert sum(f.cases for f in s.caseloads.by_team) == total.cases
    counts = [a.workers for a in total.at_or_above]
    assert counts == sorted(counts, reverse=True)  # 16+ >= 20+ >= 25+
    spans = [t.cases_per_manager for t in s.spans.teams if t.cases_per_manager is not None]
    assert (
        spans == sorted(spans, reverse=True) and s.kpis["team_manager_span_max"].value == spans[0]
    )
    assert 0 < s.kpis["supervision_in_timescale"].value < 100
    assert s.kpis["supervision_in_timescale"].value == pytest.approx(s.supervision.total.percent)
    assert [p.date for p in s.trend][-1] == s.date and len(s.trend) == 12
