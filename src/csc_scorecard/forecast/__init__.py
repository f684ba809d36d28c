"""Finance and sufficiency: the care-ladder forecast, placement projections and the homes pipeline.

Public API (see docs/finance.md); the report's finance section is written from these figures by
`report.sections.finance` (`finance_section`, `tidy`):

- `forecast_outturn(store, la_code, quarter, *, scenario="base")` -> `Outturn`
- `project(store, la_code, start, months=24, *, scenario="base")` -> `Projection`
- `backtest(store, la_code, origins=None, months=12)` -> `Backtest`
- `homes_pipeline(store, la_code, as_at)` -> `Pipeline | None`
- `scenario(name)`, `load_scenarios(path)` -> `Scenario`
"""

from csc_scorecard.forecast.backtest import Backtest, backtest
from csc_scorecard.forecast.care_ladder import forecast_outturn
from csc_scorecard.forecast.outturn_model import Outturn
from csc_scorecard.forecast.pipeline import Pipeline, homes_pipeline
from csc_scorecard.forecast.projection import Projection, project
from csc_scorecard.forecast.scenarios import Scenario, load_scenarios, scenario

__all__ = [
    "Backtest",
    "Outturn",
    "Pipeline",
    "Projection",
    "Scenario",
    "backtest",
    "forecast_outturn",
    "homes_pipeline",
    "load_scenarios",
    "project",
    "scenario",
]
