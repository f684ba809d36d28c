"""The drill-down's member rows add up to every catalogue measure on the synthetic authority.

The synthetic authority is the report fixture (tests/report_fixtures.py: the synthetic
authority at 5% scale, 2019/20 to Q1 2022/23). For every non-manual catalogue measure, in two
quarters (2021-Q3 only in the slow suite), the member rows' numerator and denominator (`members.totals`: rows flagged in the
numerator or denominator, or the sum of the weight column the table's metadata names) must
equal the measure's own numerator and denominator from the engine - for each breakdown value
of a measure with a breakdown. The measures with no member rows (the vacancy rate, turnover
and average caseload as DfE computes them: the workforce census return's own totals) and the
manual measures must refuse with NoMembers.
"""

from __future__ import annotations

import math
from functools import cache

import ibis
import pytest
from report_fixtures import LA, store_path

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.engine import compute
from csc_scorecard.measures.members import NoMembers, members, totals
from csc_scorecard.model.periods import parse_periods
from csc_scorecard.store import Store

PERIODS = ("2021-Q3", "2022-Q1")  # a Q3 (year-to-date, rolling windows across a year end) and Q1
# From the workforce census return's own totals.
NO_MEMBERS = {"vacancy_rate", "staff_turnover_rate", "caseload_average"}
COUNTED = [m.id for m in catalogue().values() if not m.manual and m.id not in NO_MEMBERS]


@cache
def figures() -> dict[tuple[str, str, str | None], tuple[float | None, float | None]]:
    with Store(store_path(), read_only=True) as store:
        ctx = Context(
            ibis.duckdb.from_connection(store.con), [LA], parse_periods(",".join(PERIODS))
        )
        return {
            (r["measure"], r["period"], r["dimension"]): (r["numerator"], r["denominator"])
            for r in compute(ctx, COUNTED).to_pylist()
        }


def _same(a: float | None, b: float | None) -> bool:
    if a in (None, 0.0) or b in (None, 0.0):
        return a in (None, 0.0) and b in (None, 0.0)
    return math.isclose(a, b, rel_tol=1e-9)


def _meta(t) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in t.schema.metadata.items()}


@pytest.mark.parametrize("period", [pytest.param(PERIODS[0], marks=pytest.mark.slow), PERIODS[1]])
@pytest.mark.parametrize("measure_id", COUNTED)
def test_members_add_up_to_the_measure(measure_id: str, period: str) -> None:
    expected = {dim: v for (m, p, dim), v in figures().items() if m == measure_id and p == period}
    assert expected, "the engine returns a row for every measure and period"
    m = catalogue()[measure_id]
    with Store(store_path(), read_only=True) as store:
        # A measure with a breakdown is drilled into value by value (each at one period, to keep
        # the suite quick); the others as a whole.
        dims = list(expected) if m.dimension and period == PERIODS[-1] else [None]
        for dim in dims:
            t = members(store, LA, measure_id, period, dimension=dim)
            meta = _meta(t)
            num, den = totals(t)
            if dim is None and m.dimension:
                # All values at once: the numerators add up; every row is in its own value's.
                want = sum(v[0] or 0.0 for v in expected.values())
                assert _same(num, want), (measure_id, period, num, want)
                continue
            want_num, want_den = expected[dim]
            assert _same(num, want_num), (measure_id, period, dim, num, want_num)
            if meta["denominator_from"] == "rows":
                assert _same(den, want_den), (measure_id, period, dim, den, want_den)
            else:
                assert not t.filter(t["in_denominator"]).num_rows
                assert m.unit == "count" or m.population or meta["denominator_from"] == "note"
            assert set(t["period"].to_pylist()) <= {period}
            assert set(t["la_code"].to_pylist()) <= {LA}


@pytest.mark.parametrize(
    "measure_id", sorted(NO_MEMBERS | {m.id for m in catalogue().values() if m.manual})
)
def test_measures_without_members_refuse(measure_id: str) -> None:
    with Store(store_path(), read_only=True) as store, pytest.raises(NoMembers) as e:
        members(store, LA, measure_id, PERIODS[-1])
    assert measure_id in str(e.value) or "census" in str(e.value)
