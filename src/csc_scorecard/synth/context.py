"""What every simulation step shares: the configuration, calibration, random generator, the
working-day calendar and the simulated time span."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from csc_scorecard.synth.authority import SynthConfig
from csc_scorecard.synth.calibration import Calibration
from csc_scorecard.synth.dates import Workdays, add_years, to_day


@dataclass
class Context:
    config: SynthConfig
    cal: Calibration
    rng: np.random.Generator
    workdays: Workdays
    sim_start: np.datetime64  # burn-in start: nothing is simulated before this
    keep_from: np.datetime64  # records ending before this are dropped from the output
    start: np.datetime64  # first day of the first reporting year (1 April)
    end: np.datetime64  # extract date: nothing is recorded after this

    @classmethod
    def create(cls, config: SynthConfig, cal: Calibration) -> Context:
        start = to_day(config.start)
        sim_start = add_years(np.array([start]), -cal.population.burn_in_years)[0]
        keep_from = add_years(np.array([start]), -cal.population.history_years)[0]
        first_year = int(str(sim_start)[:4]) - 1
        return cls(
            config=config,
            cal=cal,
            rng=np.random.default_rng(config.seed),
            workdays=Workdays(first_year, config.end.year + 2),
            sim_start=sim_start,
            keep_from=keep_from,
            start=start,
            end=to_day(config.end),
        )

    @property
    def scale(self) -> float:
        return self.config.size

    def financial_years(self) -> range:
        """Financial years (starting 1 April) the simulation covers, burn-in included."""
        first = int(str(self.sim_start)[:4])
        last = self.config.end.year - (
            1 if self.config.end < date(self.config.end.year, 4, 1) else 0
        )
        return range(first, last + 1)

    def censor(self, dates: np.ndarray) -> np.ndarray:
        """Dates after the extract date have not happened yet: NaT."""
        dates = np.asarray(dates, "datetime64[D]")
        return np.where(dates > self.end, np.datetime64("NaT", "D"), dates)
