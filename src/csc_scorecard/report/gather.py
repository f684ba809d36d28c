"""``build_context``'s first steps: its options resolved into one ``Report`` every step reads
(files read, the framework checked, the store's coverage checked, the finance section started
aside, the measure run made), then every figure of the run and the framework's manual values
(``all_figures``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from csc_scorecard.forked import Forked, ForkedError, can_fork, foreign_threads
from csc_scorecard.measures.catalogue import Measure, catalogue
from csc_scorecard.measures.context import Settings
from csc_scorecard.measures.data_dates import counted_to
from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.model.periods import Quarter
from csc_scorecard.rating import Framework, load_framework
from csc_scorecard.rating.checks import check_framework
from csc_scorecard.report import commentary as commentary_
from csc_scorecard.report import finance
from csc_scorecard.report.commentary import Commentary, read_commentary
from csc_scorecard.report.layout import Layout, layout
from csc_scorecard.report.model import (
    Authority,
    Figure,
    PeriodInfo,
)
from csc_scorecard.report.paper import PaperFile
from csc_scorecard.report.publication import (
    PublicationRules,
    check_commentary,
    without_small_in_reason,
)
from csc_scorecard.report.run_figures import (
    TREND_QUARTERS,
    loaded_tables,
    manual_commentary,
    manual_figures,
    measure_quarters,
    printed_figures,
    run_measures,
)
from csc_scorecard.report.sections.finance.section import FinanceSection
from csc_scorecard.report.sections.registry import FINANCE_BUILDERS
from csc_scorecard.report.subject import authority, check_coverage, period_info
from csc_scorecard.store import Store


@dataclass(frozen=True)
class ReportOptions:
    """``build_context``'s keyword arguments (see its docstring), as given."""

    framework: Framework | str | Path | None = None
    commentary: dict[tuple[str, str], Commentary] | str | Path | None = None
    publication: PublicationRules | bool | None = None
    synthetic: bool | None = None
    generated_at: datetime | None = None
    settings: Settings = field(default_factory=Settings)
    trend_quarters: int = TREND_QUARTERS
    run: MeasureRun | None = None
    scenario: str = "base"
    paper: PaperFile | str | Path | None = None
    narrative: str | Path | None = None
    allow_commentary_numbers: bool = False


@dataclass
class Report:
    """What every step reads: the options resolved (files read, the measure run made)."""

    store: Store
    la_code: str
    quarter: Quarter
    options: ReportOptions
    lay: Layout
    framework: Framework | None  # as supplied (None: every measure for information)
    framework_file: str | None
    commentary: dict[tuple[str, str], Commentary]
    commentary_file: str | None
    rules: PublicationRules | None
    measures: dict[str, Measure]
    trend: list[Quarter]
    run: MeasureRun
    errors: list[str]
    periods: dict[str, PeriodInfo]
    names: Authority
    manual_notes: dict[tuple[str, str], tuple[str, str | None]]
    finance: FinanceAside | None = None  # the finance section, when the layout has one


class FinanceAside:
    """The finance section (`report.finance.build`: the care-ladder outturn, the placement
    projection's simulation, the homes) computed in a forked process holding its own read-only
    connection to the store's file, started before the measure run: about 0.45 s of CPU off
    the context's critical path, on the core that otherwise waits for it. In this process when
    ``result()`` is called where a fork cannot share the store (a store open for writing or in
    memory, threads running) or the forked work failed (its error is then raised as it reads
    here)."""

    def __init__(
        self, store: Store, la_code: str, quarter: Quarter, scenario: str, publication: bool
    ) -> None:
        self._store, self._args = store, (la_code, quarter, scenario, publication)
        self._forked: Forked | None = None
        if can_fork() and not foreign_threads() and _shareable(store):
            self._forked = Forked("the finance section", _in_own_store, store.path, *self._args)

    def result(self) -> FinanceSection | None:
        if self._forked is not None:
            try:
                return self._forked.result()
            except ForkedError:  # the error said as it is, from this process
                pass
        return _finance(self._store, *self._args)


def _shareable(store: Store) -> bool:
    """Whether another process may open the store's file too: a file opened read-only."""
    return store.path.is_file() and not store.writable()


def _in_own_store(
    path: Path, la_code: str, quarter: Quarter, scenario: str, publication: bool
) -> FinanceSection | None:
    with Store(path, read_only=True) as own:
        return _finance(own, la_code, quarter, scenario, publication)


def _finance(
    store: Store, la_code: str, quarter: Quarter, scenario: str, publication: bool
) -> FinanceSection | None:
    return finance.build(store, la_code, quarter, scenario=scenario, publication=publication)


def gather(store: Store, la_code: str, period: str | Quarter, options: ReportOptions) -> Report:
    """Read the framework and commentary files, check the store covers the quarter, start the
    finance section aside (`FinanceAside`, when the layout has one), and measure (or check the
    measure run given)."""
    quarter = period if isinstance(period, Quarter) else Quarter.parse(str(period))
    framework, framework_file = options.framework, None
    if framework is not None and not isinstance(framework, Framework):
        framework_file = str(framework)
        framework = load_framework(framework)
    commentary, commentary_file = options.commentary, None
    if commentary is not None and not isinstance(commentary, dict):
        commentary_file = str(commentary)
        commentary = read_commentary(commentary)
    publication = options.publication
    rules = PublicationRules() if publication is True else (publication or None)
    check_coverage(store, la_code, quarter)
    run = options.run
    if run is not None and (run.la_code != la_code or str(run.periods[-1]) != str(quarter)):
        raise ValueError(
            f"the measure run is for {run.la_code} to {run.periods[-1]}, not {la_code} {quarter}"
        )
    lay = layout()
    aside = None
    if any(s.builder in FINANCE_BUILDERS for s in lay.sections):
        aside = FinanceAside(store, la_code, quarter, options.scenario, rules is not None)

    trend = measure_quarters(quarter, options.trend_quarters)
    errors: list[str] = []
    if run is None:
        run, errors = run_measures(store, la_code, trend, options.settings)
    periods = {
        "current": period_info(counted_to([quarter], store.coverage(la_code))[0]),
        "previous": period_info(quarter.previous()),
        "year_earlier": period_info(quarter.same_quarter_last_year()),
    }
    if framework is not None:
        # Misspelt measure ids, wrong units, another authority's framework: refused or warned.
        check = check_framework(framework, la_code=la_code)
        check.raise_errors(framework_file or framework.name)
        errors = [*errors, *(f"framework: {w}" for w in check.warnings)]
    return Report(
        store=store,
        la_code=la_code,
        quarter=quarter,
        options=options,
        lay=lay,
        framework=framework,
        framework_file=framework_file,
        commentary=commentary or {},
        commentary_file=commentary_file,
        rules=rules,
        measures=catalogue(),
        trend=trend,
        run=run,
        errors=errors,
        periods=periods,
        names=authority(store, la_code, framework),
        manual_notes={},
        finance=aside,
    )


def all_figures(report: Report) -> dict[str, Figure]:
    """Every figure of the run and the framework's manual values, with analysts' statuses; for
    publication, small counts of faulty rows redacted and typed commentary checked."""
    store, la_code, framework, rules = report.store, report.la_code, report.framework, report.rules
    commentary, measures = report.commentary, report.measures
    raw = printed_figures(report.run, measures, report.lay, loaded_tables(store, la_code))
    raw.update(manual_figures(store, la_code, framework, measures, report.run.periods))
    if commentary:  # figures an analyst marked not reportable or under validation
        items = {i.id: [i.measure] for i in framework.all_items() if i.measure} if framework else {}
        raw = commentary_.apply_status(raw, commentary, items)
    if rules:  # a not-reportable reason's small counts of faulty rows are redacted
        raw = {fid: without_small_in_reason(f, rules) for fid, f in raw.items()}
    report.manual_notes = manual_notes = manual_commentary(store, la_code)
    if rules:  # typed commentary printed for this quarter
        now = str(report.quarter)
        typed = {f"{c.key} {c.period}": c.text for c in commentary.values() if c.period == now}
        typed.update(
            {
                f"{m} {p} (manual values)": text
                for (m, p), (text, _) in manual_notes.items()
                if p == now
            }
        )
        check_commentary(typed, rules, allowed=report.options.allow_commentary_numbers)
    return raw
