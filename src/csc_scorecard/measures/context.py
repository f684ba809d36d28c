"""What a counting function sees: the canonical tables, the periods, the calendar, populations.

Counting functions are Ibis expressions over these, so the same definition runs on DuckDB (the
default) and PySpark. Everything period-shaped is a table joined in the expression — the
periods themselves, the working-day calendar, the population paired with each period — so one
query computes every period at once and no engine-specific date logic is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.periods import PeriodType, Quarter


@dataclass
class Settings:
    """Choices for definitions marked [U] in standards.md, each documented where it is used."""

    population_basis: str = "census2021_rebased"
    # Quality threshold: share of a measure's rows with a missing/unknown field above which the
    # measure is not reportable (design.md: data availability from data quality).
    not_reportable_threshold: float = 0.10
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)  # measure id -> settings


@dataclass
class Context:
    backend: Any  # an Ibis backend (DuckDB or PySpark)
    la_codes: list[str]
    quarters: list[Quarter]
    settings: Settings = field(default_factory=Settings)
    # True: counting functions return their member rows (measures/functions/common.py, Members)
    # instead of aggregates; set only by measures/members.py, the drill-down's driver.
    members: bool = False
    _calendar: ir.Table | None = field(default=None, repr=False)

    def table(self, name: str) -> ir.Table:
        """A canonical table restricted to the authorities being measured."""
        t = self.backend.table(name)
        return t.filter(t.la_code.isin(self.la_codes)) if "la_code" in t.columns else t

    def periods(self, period_type: PeriodType, *, look_back_days: int = 0) -> ir.Table:
        """One row per quarter: `period` (e.g. 2022-Q1), `start` and `end` of its window for the
        period type, `quarter_end` (the as-at date) and `look_back` (start minus a look-back, for
        measures such as re-referrals that need earlier history)."""
        from datetime import timedelta

        rows = []
        for q in self.quarters:
            start, end = q.window(period_type)
            rows.append(
                {
                    "period": str(q),
                    "start": start,
                    "end": end,
                    "quarter_end": q.end,
                    "look_back": start - timedelta(days=look_back_days),
                }
            )
        schema = {
            "period": "string",
            "start": "date",
            "end": "date",
            "quarter_end": "date",
            "look_back": "date",
        }
        return ibis.memtable(rows, schema=schema)

    def calendar(self) -> ir.Table:
        """date -> working_day_index (working days in (a, b] = index[b] - index[a]).

        Built from the versioned bank-holiday data shipped with the package, so every engine and
        every store uses the same calendar (the store's `calendar` table is a copy for SQL users).
        """
        if self._calendar is None:
            from csc_scorecard.reference.calendar import calendar_table

            cal = calendar_table().select(["date", "working_day_index"])
            self._calendar = ibis.memtable(cal)
        return self._calendar

    def with_working_days(self, t: ir.Table, start: str, end: str, name: str) -> ir.Table:
        """Add `name` = working days after `start` up to and including `end` (same day = 0).

        The DfE validator counts the start as day 1; DfE's published "same day" band implies
        elapsed days from 0. We use elapsed working days (standards.md 5.1, our proposal).
        """
        cal = self.calendar()
        a = cal.select(_wd_a_date=cal.date, _wd_a=cal.working_day_index)
        b = cal.select(_wd_b_date=cal.date, _wd_b=cal.working_day_index)
        out = t.left_join(a, t[start] == a._wd_a_date).left_join(b, t[end] == b._wd_b_date)
        return out.mutate(**{name: out._wd_b - out._wd_a}).drop(
            "_wd_a_date", "_wd_a", "_wd_b_date", "_wd_b"
        )

    def population(self, age_band: str) -> ir.Table:
        """la_code, period, population: the mid-year estimate paired with each quarter.

        DfE pairs a year ending 31 March with the mid-year before it (mid-2020 for 2020/21,
        standards.md 6.1 [U]); a quarter of financial year Y uses mid-year Y, or the latest
        mid-year published if Y is not out yet. The basis (census-2021 rebased or as published
        before it) is a setting, recorded with every rate.
        """
        pop = self.table("population")
        pop = pop.filter((pop.age_band == age_band) & (pop.basis == self.settings.population_basis))
        latest = pop.group_by("la_code").agg(latest=pop.mid_year.max())
        wanted = ibis.memtable(
            [{"period": str(q), "fy": q.year} for q in self.quarters],
            schema={"period": "string", "fy": "int32"},
        )
        pairs = latest.cross_join(wanted)
        pairs = pairs.mutate(mid_year=ibis.least(pairs.fy, pairs.latest))
        joined = pairs.join(pop, [pairs.la_code == pop.la_code, pairs.mid_year == pop.mid_year])
        return joined.select(la_code=pairs.la_code, period=pairs.period, population=pop.population)

    def setting(self, measure_id: str, name: str, default: Any) -> Any:
        return self.settings.overrides.get(measure_id, {}).get(name, default)


def as_of(d: date) -> ir.Scalar:
    return ibis.literal(d, type="date")
