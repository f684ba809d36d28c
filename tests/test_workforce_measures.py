"""Hand-worked fixture for the workforce measures (tests/workforce_fixture.py has the data).

Quarter 2022-Q1: 1 April to 30 June 2022; D = 30 June 2022. Previous quarter 2021-Q4 ends on
C = 31 March 2022. Defaults from measures/workforce/settings.yaml: thresholds 16/20/25, front-line
teams only for caseloads, supervision within 30 days, span standard 100.

Cases held at D, worker by worker (a post's end date is its last day; an allocation ending on
D has passed on and is not held on D; one starting on D is):
  M1 2 (team manager holding cases)    A1 12 (0.5 FTE; includes CO)   A2 16 (ASYE)
  A3 10 (includes CO)                   A4 25 (agency)                 A5 3 (long-term sick)
  A6 20 (moved T2 -> T3 on 16 May)      A7 19 (18 + A7-NEW; A7-END ended on D)
  N1 2 (joined 20 June)                 F1 30 (family support: not a front-line team)
  S1 1 (service manager, management team: not front line)
  L1 left on 31 May: L1-OPEN is still allocated to L1, who has no post -> "cases without post".
Front-line case holders: M1, A1, A2, A3, A4, A5, A6, A7, N1 = 9 workers, 109 cases.
  20 or more: A4 25, A6 20 = 2 (workers_caseload_20_plus); 25 or more: A4 = 1; highest 25.
  16 or more: A2 16, A4, A6, A7 19 = 4.
At C: M1 2, A1 12, A3 10, A4 25, A5 3, A6 20 (then in T2), A7 19 (18 + A7-END; A7-NEW not yet),
  L1 8 (7 ended 31 May + L1-OPEN); A2's cases start 1 April, N1 not yet joined.
  8 workers, 99 cases; 20 or more: A4, A6 = 2; 25 or more: 1; highest 25.

children_per_case_holder_fte at D (DfE's caseload rule from allocations: qualified, any team,
cases ÷ FTE of case holders, children only): the nine above
(8.5 FTE: A1 is 0.5) plus S1 (1 case, 1.0 FTE); F1 is not qualified.
  (109 + 1) / (8.5 + 1) = 110 / 9.5 = 11.578...

team_manager_span_max at D: T1 holds M1 2 + A1 12 + A2 16 + A3 10 = 40 allocations but CO is
co-worked by A1 and A3, so 39 children; 1 manager (M1) -> 39. T2: A4 25 + A5 3 + A7 19 = 47
children, manager M2 -> 47. T3: A6 20 + N1 2 = 22, no manager post: M3 named in the teams table
-> 1 manager, 22. Highest: T2, 47 / 1.

supervision_in_timescale at D (in timescale: clock on or after 31 May 2022, 30 days before D):
  counted: front-line practitioners in post, not long-term absent: A1, A2, A3, A4, A6, A7, N1
  (M1, M2 are managers; A5 is on long-term sick leave; F1 not front line; L1 left).
  A1 last 15 Jun -> in.  A2 last 31 May (exactly 30 days) -> in.
  A3 last 25 Mar, but back from 61 days' sick leave on 1 Jun (clock 1 Jun) -> in.
  A4 last 1 Apr -> out (60 days overdue).  A6 last 20 May (the 5 July one is after D) -> out.
  A7 supervised on D -> in.  N1 joined 20 Jun, none yet: clock 20 Jun -> in.
  5 of 7 = 71.43%.

case audits in Q1 (graded audits dated 1 April - 30 June): AU1 good, AU2 requires improvement,
AU3 inadequate (on 30 June), AU4 outstanding; AU5 is dated 31 March, AU6 has no grade.
  good or better: AU1, AU4 = 2 of 4 = 50%; requires improvement or better: AU1, AU2, AU4 = 3/4 = 75%.

agency_fte_rate at D (qualified workers in post): M1 1, M2 1, A1 0.5, A2 1, A3 1, A4 1 (agency),
  A5 1, A6 1, A7 1, N1 1, S1 1 = 10.5 FTE; agency A4 = 1 -> 1 / 10.5 = 9.524%.
  At C: M1, M2, A1 0.5, A2, A3, A4, A5, A6, A7, L1 0.8, S1 = 10.3 FTE (G2 left 31 Jan) -> 9.709%.

staff_turnover_rate_local (the seed's), 12 months to D (1 Jul 2021 - 30 Jun 2022): employed,
qualified leavers:
  L1 (31 May 2022, post 0.8 FTE) = 0.8 (L2 left 30 Jun 2021, before the window; G2 is agency).
  Average employed FTE at the 12 month ends Jul 2021 - Jun 2022: M1, M2, A1 0.5, A3, A5, A6,
  A7, S1 = 7.5 at every month end (90); L1 0.8 at 11 (Jul-May: 8.8); A2 1.0 from 10 Jan at
  6 (Jan-Jun: 6); N1 at Jun (1): 105.8 / 12 = 8.8167 -> 0.8 / 8.8167 = 9.074%.
  12 months to C: L2 (1.0 FTE, last day 30 Jun 2021) left in the window; month ends Apr 2021 -
  Mar 2022: 7.5 x 12 = 90, L1 0.8 x 12 = 9.6, L2 at Apr, May, Jun = 3, A2 at Jan-Mar = 3:
  105.6 / 12 = 8.8 -> 1 / 8.8 = 11.364%.

vacancy_rate at D: the latest census on or before D is 30 Sep 2021: 2.0 vacant FTE; employed in
post (FTE30): CW1 1.0, CW2 0.5, CW3 1.0 = 2.5 (CWA is agency, CWL left) -> 2 / 4.5 = 44.44%.
The 2022 census (30 Sep 2022) is after D.

DfE's census figures, from the same 30 Sep 2021 census at D and at C (31 March 2022):
  staff_turnover_rate = leavers in the year to 30 Sep 2021 (employed, role ended 1 Oct 2020 -
    30 Sep 2021: CWL 1.0 FTE, ended 1 Aug 2021) ÷ employed FTE in post at 30 Sep (2.5)
    = 1 / 2.5 = 40%.
  caseload_average = cases at 30 Sep held by workers with an FTE: CW1 10 (1.0), CW2 6 (0.5),
    CWA 12 (1.0, agency; counted as DfE does) = 28 ÷ 2.5 FTE = 11.2; CW3 holds none.
"""

from __future__ import annotations

import pytest
from measure_fixtures import results
from workforce_fixture import LA, load_fixture

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.measures.context import Settings
from csc_scorecard.measures.workforce.settings import default_settings
from csc_scorecard.model.codes import codes

Q, P = "2022-Q1", "2021-Q4"
IDS = [
    "supervision_in_timescale",
    "case_audits_good_or_better",
    "case_audits_requires_improvement_or_better",
    "agency_fte_rate",
    "staff_turnover_rate",
    "staff_turnover_rate_local",
    "vacancy_rate",
    "caseload_average",
    "children_per_case_holder_fte",
    "workers_caseload_20_plus",
    "workers_caseload_25_plus",
    "caseload_max",
    "team_manager_span_max",
]


@pytest.fixture(scope="module")
def r(tmp_path_factory):
    from csc_scorecard.store import Store

    with Store(tmp_path_factory.mktemp("wf") / "store.duckdb") as store:
        load_fixture(store)
        yield results(store, IDS, f"{P}:{Q}", la_code=LA)


def test_caseload_counts(r):
    assert r[("workers_caseload_20_plus", Q, None)][0] == 2
    assert r[("workers_caseload_25_plus", Q, None)][0] == 1
    assert r[("caseload_max", Q, None)][0] == 25
    assert r[("workers_caseload_20_plus", P, None)][0] == 2
    assert r[("caseload_max", P, None)][0] == 25


def test_children_per_case_holding_fte(r):
    value, num, den = r[("children_per_case_holder_fte", Q, None)]
    assert (num, den) == (110, pytest.approx(9.5))
    assert value == pytest.approx(110 / 9.5)


def test_caseload_average_is_the_census_figure_dfe_publishes(r):
    assert r[("caseload_average", Q, None)] == pytest.approx((11.2, 28, 2.5))
    assert r[("caseload_average", P, None)] == pytest.approx((11.2, 28, 2.5))


def test_span_of_control(r):
    assert r[("team_manager_span_max", Q, None)] == (47.0, 47, 1)


def test_supervision(r):
    assert r[("supervision_in_timescale", Q, None)] == pytest.approx((500 / 7, 5, 7))


def test_audits(r):
    assert r[("case_audits_good_or_better", Q, None)] == (50.0, 2, 4)
    assert r[("case_audits_requires_improvement_or_better", Q, None)] == (75.0, 3, 4)


def test_agency_rate(r):
    assert r[("agency_fte_rate", Q, None)] == pytest.approx((100 / 10.5, 1, 10.5))
    assert r[("agency_fte_rate", P, None)] == pytest.approx((100 / 10.3, 1, 10.3))


def test_turnover(r):
    assert r[("staff_turnover_rate_local", Q, None)] == pytest.approx(
        (0.8 / (105.8 / 12) * 100, 0.8, 105.8 / 12)
    )
    assert r[("staff_turnover_rate_local", P, None)] == pytest.approx((1 / 8.8 * 100, 1.0, 8.8))


def test_turnover_as_dfe_computes_it_from_the_census(r):
    assert r[("staff_turnover_rate", Q, None)] == pytest.approx((40.0, 1.0, 2.5))
    assert r[("staff_turnover_rate", P, None)] == pytest.approx((40.0, 1.0, 2.5))


def test_vacancy_rate_uses_latest_census_before_the_period_end(r):
    assert r[("vacancy_rate", Q, None)] == pytest.approx((200 / 4.5, 2, 4.5))
    assert r[("vacancy_rate", P, None)] == pytest.approx((200 / 4.5, 2, 4.5))


def test_a_setting_override_changes_the_count(tmp_path):
    """The supervision standard as a run setting: at 45 days A6 (41 days) is in timescale."""
    import ibis

    from csc_scorecard.measures.context import Context
    from csc_scorecard.measures.engine import compute
    from csc_scorecard.model.periods import parse_periods
    from csc_scorecard.store import Store

    with Store(tmp_path / "s.duckdb") as store:
        load_fixture(store)
        overrides = {
            "supervision_in_timescale": {"supervision": {"standard_days": 45}},
            "workers_caseload_20_plus": {"threshold": 16},
        }
        ctx = Context(
            ibis.duckdb.from_connection(store.con),
            [LA],
            parse_periods(Q),
            Settings(overrides=overrides),
        )
        out = {
            row["measure"]: row
            for row in compute(
                ctx, ["supervision_in_timescale", "workers_caseload_20_plus"]
            ).to_pylist()
        }
    assert (
        out["supervision_in_timescale"]["numerator"],
        out["supervision_in_timescale"]["denominator"],
    ) == (6, 7)
    assert out["workers_caseload_20_plus"]["value"] == 4  # A2 16, A4, A6, A7 19


def test_entries_use_the_workforce_settings():
    """Each workforce entry's settings equal measures/workforce/settings.yaml, so the appendix and the
    staffing section count alike; thresholds are among the section's levels; grades are codes."""
    defaults = default_settings().model_dump()
    entries = [m for m in catalogue().values() if (m.function or "").startswith("workforce.")]
    assert sorted(m.id for m in entries) == sorted(IDS)
    for m in entries:
        for section, values in m.settings.items():
            if section == "threshold":
                assert values in defaults["caseloads"]["thresholds"], m.id
            elif section == "grades":
                assert set(values) <= set(codes("audit_grade")), m.id
            else:
                for key, value in values.items():
                    assert defaults[section][key] == value, (m.id, section, key)
        assert m.group == "Workforce"
