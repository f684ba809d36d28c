"""Caseloads, spans, supervision and audits from the workforce library, on the hand-made
workforce of tests/workforce_fixture.py (the worker-by-worker working for D = 30 June 2022 is in
tests/test_workforce_measures.py; the extra figures checked here are worked below).

Per FTE at D: A1 holds 12 cases on 0.5 FTE = 24 per FTE; everyone else is full time. 16 or more:
A1 24, A2 16, A4 25, A6 20, A7 19 = 5; 20 or more: A1, A4, A6 = 3; 25 or more: A4 = 1. Average:
109 cases ÷ 8.5 FTE = 12.82.

Weighted at D (capacity = FTE x role weight; ASYE x 0.8; long-term absent and new starters out):
  M1 team manager holding cases: weight 1.0 (case_holding_manager_weight) -> 2 / 1.0 = 2
  A1 0.5 FTE -> 12 / 0.5 = 24;  A2 ASYE 1.0 x 0.8 -> 16 / 0.8 = 20;  A3 advanced 0.5 -> 10 / 0.5 = 20
  A4 25;  A6 20;  A7 19 (a 3-day absence is not long-term);  A5 out (long-term sick, 3 cases);
  N1 out (joined 10 days before D, 2 cases).
  7 counted workers, 104 cases, capacity 1 + 0.5 + 0.8 + 0.5 + 1 + 1 + 1 = 5.8: average 17.93.
  16+: A1, A2, A3, A4, A6, A7 = 6; 20+: A1, A2, A3, A4, A6 = 5; 25+: A4 = 1.

By team at D (cases): T1 ACPS North 1: M1 2, A1 12, A2 16, A3 10 -> 4 workers, 40 cases, 16+ 1,
highest 16. T2 ACPS South 1: A4 25, A5 3, A7 19 -> 3 workers, 47 cases, 16+ 2, 20+ 1, 25+ 1.
T3 Children in Care 1: A6 20 (moved in on 16 May), N1 2 -> 2 workers, 22 cases, 16+ 1, 20+ 1.
At C, A6 was in T2: T2 = A4 25, A5 3, A6 20, A7 19 -> 4 workers, 67 cases; T3 = L1 8.
By service area at D: ACPS = T1 + T2 = 7 workers, 87 cases; Children in Care = 2 workers, 22.

Spans at D with a standard of 40 (to have a team over it): T2 47 (over), T1 39, T3 22 (manager
from the teams table). ACPS has the only team over the standard.

Supervision overdue at D: A4 (last 1 April: 90 days since, 60 overdue) then A6 (last 20 May:
41 days since, 11 overdue). By team: T1 3 of 3, T2 1 of 2 (A7 in, A4 out), T3 1 of 2.

Census 2021 (30 September): in post 2.5 FTE (CW1 1.0, CW2 0.5, CW3 1.0); leaver CWL 1.0 FTE
(role ended 1 Aug 2021); agency: NoAgencyFTE blank, so the agency worker's FTE30, 1.0;
vacancies 2.0; case holders with an FTE: CW1 10, CW2 6, CWA 12 = 28 cases on 2.5 FTE.
Rates: turnover 1 / 2.5 = 40%; agency 1 / 3.5 = 28.6%; vacancy 2 / 4.5 = 44.4%; caseload 11.2.
"""

from __future__ import annotations

import ibis
import pytest
from workforce_fixture import LA, C, D, load_fixture

from csc_scorecard.measures.workforce import caseloads as cl
from csc_scorecard.measures.workforce.audits import audits
from csc_scorecard.measures.workforce.rates import own_census
from csc_scorecard.measures.workforce.settings import load_settings
from csc_scorecard.measures.workforce.snapshot import context_for
from csc_scorecard.measures.workforce.spans import spans
from csc_scorecard.measures.workforce.supervision import supervision
from csc_scorecard.store import Store


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("wfc") / "store.duckdb") as store:
        load_fixture(store)
        yield context_for(ibis.duckdb.from_connection(store.con), LA)


@pytest.fixture(scope="module")
def pos(ctx):
    return cl.positions(ctx, {"now": D, "compare": C})


def levels(f: cl.CaseloadFigures) -> list[int | None]:
    return [a.workers for a in f.at_or_above]


def test_cases_basis(pos):
    now = pos[("now", "cases")].total
    assert (now.case_holders, now.cases, now.maximum, levels(now)) == (9, 109, 25, [4, 2, 1])
    assert now.average == pytest.approx(109 / 8.5)
    then = pos[("compare", "cases")].total
    assert (then.case_holders, then.cases, then.maximum, levels(then)) == (8, 99, 25, [3, 2, 1])
    assert pos[("now", "cases")].cases_without_post == 1  # L1-OPEN, L1 left on 31 May


def test_fte_basis_scales_part_time_workers(pos):
    t = pos[("now", "fte")].total
    assert (t.maximum, levels(t)) == (25, [5, 3, 1])
    assert t.average == pytest.approx(109 / 8.5)


def test_weighted_view(pos):
    w = pos[("now", "weighted")]
    t = w.total
    assert (t.case_holders, t.cases, levels(t), t.maximum) == (7, 104, [6, 5, 1], 25)
    assert t.capacity == pytest.approx(5.8)
    assert t.average == pytest.approx(104 / 5.8)
    assert [(e.reason, e.workers, e.cases) for e in w.excluded] == [
        ("long_term_absence", 1, 3),
        ("new_starter", 1, 2),
    ]
    assert w.excluded_workers == 2


def test_by_team_follows_moves(pos):
    now = {
        f.name: (f.case_holders, f.cases, levels(f), f.maximum)
        for f in pos[("now", "cases")].by_team
    }
    assert now == {
        "ACPS North 1": (4, 40, [1, 0, 0], 16),
        "ACPS South 1": (3, 47, [2, 1, 1], 25),
        "Children in Care 1": (2, 22, [1, 1, 0], 20),
    }
    then = {f.name: (f.case_holders, f.cases) for f in pos[("compare", "cases")].by_team}
    assert then == {"ACPS North 1": (3, 24), "ACPS South 1": (4, 67), "Children in Care 1": (1, 8)}
    areas = {f.name: (f.case_holders, f.cases) for f in pos[("now", "cases")].by_service_area}
    assert areas == {"ACPS": (7, 87), "Children in Care": (2, 22)}


def test_thresholds_are_a_setting(ctx):
    p = cl.position(ctx, D, settings=load_settings(caseloads={"thresholds": [10, 30]}))
    assert levels(p.total) == [6, 0]  # 10 or more: A1 12, A2 16, A3 10, A4 25, A6 20, A7 19
    assert [a.threshold for a in p.total.at_or_above] == [10, 30]


def test_trend_and_worker_list(ctx):
    points = cl.trend(ctx, [C, D])
    assert [(p.date, p.figures.case_holders, p.figures.cases) for p in points] == [
        (C, 8, 99),
        (D, 9, 109),
    ]
    people = cl.workers(ctx, D)
    assert [(w.worker_id, w.cases) for w in people[:2]] == [("A4", 25), ("A6", 20)]
    a1 = next(w for w in people if w.worker_id == "A1")
    assert (a1.cases_per_fte, a1.weighted_caseload) == (24, 24)
    a5 = next(w for w in people if w.worker_id == "A5")
    assert (a5.long_term_absent, a5.weighted_caseload) == (True, None)


def test_spans_ranked_against_the_standard(ctx):
    sp = spans(ctx, D, load_settings(spans={"standard_cases": 40}))
    assert [
        (t.team_name, t.cases, t.managers, t.manager_source, t.over_standard) for t in sp.teams
    ] == [
        ("ACPS South 1", 47, 1, "posts", True),
        ("ACPS North 1", 39, 1, "posts", False),  # CO is co-worked by A1 and A3: one child
        ("Children in Care 1", 22, 1, "teams", False),
    ]
    assert sp.teams[0].practitioners == 3 and sp.teams[0].practitioners_per_manager == 3
    assert (sp.biggest_challenge, sp.teams_over_standard, sp.team_count) == ("ACPS", 1, 3)
    assert spans(ctx, D).teams_over_standard == 0  # the default standard is 100


def test_supervision_by_team_and_overdue(ctx):
    s = supervision(ctx, D)
    assert (s.total.staff, s.total.in_timescale, s.overdue_count) == (7, 5, 2)
    assert {t.name: (t.in_timescale, t.staff) for t in s.by_team} == {
        "ACPS North 1": (3, 3),
        "ACPS South 1": (1, 2),
        "Children in Care 1": (1, 2),
    }
    assert [(o.worker_id, o.days_since, o.days_overdue) for o in s.overdue] == [
        ("A4", 90, 60),
        ("A6", 41, 11),
    ]
    assert supervision(ctx, D, workers=False).overdue is None


def test_audits_by_type(ctx):
    a = audits(ctx, D.replace(month=4, day=1), D)
    assert [
        (f.audit_type, f.audits, f.good_or_better, f.requires_improvement_or_better)
        for f in a.by_type
    ] == [("social_care", 3, 1, 2), ("family_support", 1, 1, 1)]
    assert (
        a.total.audits,
        a.total.good_or_better_percent,
        a.total.requires_improvement_or_better_percent,
    ) == (4, 50, 75)


def test_own_census_counts_and_rates(ctx):
    c = own_census(ctx)[(LA, 2021)]
    assert (
        c.inpost_fte,
        c.leavers_fte,
        c.agency_fte,
        c.vacancy_fte,
        c.cases,
        c.case_holders_fte,
    ) == (2.5, 1.0, 1.0, 2.0, 28, 2.5)
    rates = c.rates()
    assert rates["turnover_rate_fte"] == 40
    assert rates["agency_rate_fte"] == pytest.approx(100 / 3.5)
    assert rates["vacancy_rate_fte"] == pytest.approx(200 / 4.5)
    assert rates["caseload_fte"] == pytest.approx(11.2)
