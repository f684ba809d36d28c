"""Caseloads that mean something: counts at key levels, per FTE, and weighted by role.

The seed report's caseload paragraph (paras 29-31) explains why a plain average misleads: it
ignores part-time workers, treats an advanced practitioner's deliberately small caseload like
anyone else's, and is dragged down by starters, leavers and long-term absence. So, as the seed
does, we count the workers at or above key levels (16, 20, 25; a setting) and give the highest
caseload, for the service, each service area and each team, on three bases:

* ``cases``: children allocated to the worker on the date (the seed's figures);
* ``fte``: cases per FTE (10 cases on 0.5 FTE is 20 per FTE);
* ``weighted``: cases per weighted FTE, where a role's weight is the share of a full caseload
  it should carry (advanced practitioners 0.5, ASYEs protected, managers excluded unless they
  hold cases) and workers on long-term absence, new starters and leavers are left out.

Every figure is one Ibis expression over `snapshot.worker_snapshot`, for any number of dates.
The average is DfE's: cases held ÷ FTE of the workers holding them (standards.md 4).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from csc_scorecard.measures.context import Context
from csc_scorecard.measures.workforce.settings import WorkforceSettings, default_settings
from csc_scorecard.measures.workforce.snapshot import in_scope, run, taken

if TYPE_CHECKING:
    import ibis.expr.types as ir


Basis = Literal["cases", "fte", "weighted"]
Grouping = Literal["service", "service_area", "team"]
BASES: tuple[Basis, ...] = ("cases", "fte", "weighted")
GROUP_COLUMNS: dict[str, list[str]] = {
    "service": [],
    "service_area": ["service_area"],
    "team": ["service_area", "team_id", "team_name"],
}
BASIS_WORDS = {
    "cases": "cases held",
    "fte": "cases per FTE",
    "weighted": "cases per weighted FTE (role, ASYE; long-term absence, starters and leavers left out)",
}


def caseload_value(snap: ir.Table, basis: Basis) -> ir.FloatingValue:
    """A worker's caseload on the basis: cases, cases / FTE, or cases / weighted capacity."""
    import ibis

    if basis == "cases":
        return snap.cases.cast("float64")
    if basis == "fte":
        return snap.cases / ibis.ifelse(snap.fte > 0, snap.fte, ibis.null("float64"))
    return snap.cases / ibis.ifelse(snap.capacity > 0, snap.capacity, ibis.null("float64"))


def case_holders(snap: ir.Table, basis: Basis, settings: WorkforceSettings) -> ir.Table:
    """The workers a caseload figure counts: case holders in scope (and, weighted, counted)."""
    c = settings.caseloads
    cond = (
        in_scope(snap, front_line_only=c.front_line_only, qualified_only=c.qualified_only)
        & snap.case_holder
    )
    if basis == "weighted":
        cond = cond & snap.counted
    holders = snap.filter(cond)
    return holders.mutate(caseload=caseload_value(holders, basis))


def caseload_counts(
    snap: ir.Table, basis: Basis, settings: WorkforceSettings, by: Grouping = "service"
) -> ir.Table:
    """Per authority, date and group: case holders, cases, FTE, capacity, the average (cases ÷
    FTE, or ÷ weighted capacity), the maximum caseload, and `at_or_above_<T>` for each threshold.

    Workers whose caseload cannot be worked out on the basis (no FTE recorded) are counted in
    `without_value` and left out of the other figures except `cases`.
    """
    import ibis

    from csc_scorecard.measures.exact_sums import exact_sum

    holders = case_holders(snap, basis, settings)
    keys = ["la_code", "period", "at", *GROUP_COLUMNS[by]]
    measures = {
        "case_holders": holders.count(),
        "cases": holders.cases.sum(),
        "fte": exact_sum(holders.fte),
        "capacity": exact_sum(holders.capacity),
        "maximum": holders.caseload.max(),
        "without_value": holders.caseload.isnull().cast("int64").sum(),
        "cases_with_value": ibis.ifelse(holders.caseload.notnull(), holders.cases, 0).sum(),
        "fte_with_value": exact_sum(ibis.ifelse(holders.caseload.notnull(), holders.fte, 0.0)),
    }
    for t in settings.caseloads.thresholds:
        measures[f"at_or_above_{t}"] = (holders.caseload >= t).fill_null(False).cast("int64").sum()
    out = holders.group_by(keys).agg(**measures)
    divisor = out.capacity if basis == "weighted" else out.fte_with_value
    return out.mutate(
        average=out.cases_with_value / ibis.ifelse(divisor > 0, divisor, ibis.null("float64"))
    ).drop("cases_with_value", "fte_with_value")


def caseload_breakdowns(
    snap: ir.Table, bases: tuple[Basis, ...], settings: WorkforceSettings
) -> ir.Table:
    """`caseload_counts` on each basis by each grouping, as one table: each row labelled with
    its `basis` and `grouping`, the group columns a grouping does not have null."""
    import ibis

    parts = []
    for basis in bases:
        for by, columns in GROUP_COLUMNS.items():
            t = caseload_counts(snap, basis, settings, by=by)  # type: ignore[arg-type]
            missing = {
                c: ibis.null(snap[c].type()) for c in GROUP_COLUMNS["team"] if c not in columns
            }
            t = t.mutate(basis=ibis.literal(basis), grouping=ibis.literal(by), **missing)
            parts.append(
                t.select(
                    "basis",
                    "grouping",
                    *GROUP_COLUMNS["team"],
                    *sorted(
                        c
                        for c in t.columns
                        if c not in {"basis", "grouping", *GROUP_COLUMNS["team"]}
                    ),
                )
            )
    return ibis.union(*parts, distinct=False)


def weighted_exclusions(snap: ir.Table, settings: WorkforceSettings) -> ir.Table:
    """Case holders in scope left out of the weighted view, by reason, with the cases they hold.

    A worker is given one reason, in this order: long-term absence, new starter, leaving, no
    FTE recorded, a role weighted 0.
    """
    import ibis

    c = settings.caseloads
    s = snap.filter(
        in_scope(snap, front_line_only=c.front_line_only, qualified_only=c.qualified_only)
        & snap.case_holder
        & ~snap.counted
    )
    reason = ibis.cases(
        (s.long_term_absent, "long_term_absence"),
        (s.new_starter, "new_starter"),
        (s.leaving, "leaving"),
        (s.fte.fill_null(0) <= 0, "no_fte"),
        else_="role_not_case_holding",
    )
    s = s.mutate(reason=reason)
    return s.group_by(["la_code", "period", "at", "reason"]).agg(
        workers=s.count(), cases=s.cases.sum()
    )


def cases_without_post(snap: ir.Table) -> ir.Table:
    """Children allocated to workers with no post on the date (left, or posts not recorded):
    a data-quality figure, since their caseload belongs to no team."""
    s = snap.filter(~snap.in_post & snap.case_holder)
    return s.group_by(["la_code", "period", "at"]).agg(workers=s.count(), cases=s.cases.sum())


def band_labels(thresholds: list[int]) -> list[str]:
    """Names of the caseload bands the thresholds cut.

    >>> band_labels([16, 20, 25])
    ['under 16', '16 to 19', '20 to 24', '25 or more']
    """
    labels = [f"under {thresholds[0]}"]
    labels += [f"{lo} to {hi - 1}" for lo, hi in pairwise(thresholds)]
    return [*labels, f"{thresholds[-1]} or more"]


# --------------------------------------------------------------------------- Python-side view


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AtOrAbove(_Model):
    threshold: int
    workers: int | None  # None when suppressed for publication
    display: str  # as printed ("c" when suppressed)


class CaseloadFigures(_Model):
    """Caseload figures for the service, a service area or a team, on one basis and date."""

    name: str
    service_area: str | None = None
    team_id: str | None = None
    case_holders: int
    cases: int
    fte: float
    capacity: float
    average: float | None
    maximum: float | None
    without_value: int
    at_or_above: list[AtOrAbove]

    def workers_at_or_above(self, threshold: int) -> int | None:
        for a in self.at_or_above:
            if a.threshold == threshold:
                return a.workers
        raise KeyError(
            f"no count at threshold {threshold}; the settings' thresholds are {[a.threshold for a in self.at_or_above]}"
        )


class Exclusion(_Model):
    reason: str
    workers: int
    cases: int


class CaseloadPosition(_Model):
    """The caseload position on one date, on one basis, overall and by service area and team."""

    date: date
    basis: Basis
    basis_words: str
    thresholds: list[int]
    total: CaseloadFigures
    by_service_area: list[CaseloadFigures]
    by_team: list[CaseloadFigures]
    excluded: list[Exclusion] = []
    excluded_workers: int | None = (
        0  # case holders left out of the weighted view (None: suppressed)
    )
    cases_without_post: int = 0


def stable(x: float | None) -> float | None:
    """Twelve significant digits: the engine sums doubles in parallel, in any order, so the
    same data could give 10.600000000000001 one run and 10.6 the next (as report/context.py).

    >>> stable(10.600000000000001), stable(None)
    (10.6, None)
    """
    return None if x is None else float(f"{x:.12g}")


def _figures(row: dict, name: str, thresholds: list[int]) -> CaseloadFigures:
    return CaseloadFigures(
        name=name,
        service_area=row.get("service_area"),
        team_id=row.get("team_id"),
        case_holders=int(row["case_holders"]),
        cases=int(row["cases"] or 0),
        fte=stable(float(row["fte"] or 0.0)),
        capacity=stable(float(row["capacity"] or 0.0)),
        average=stable(row["average"]),
        maximum=stable(row["maximum"]),
        without_value=int(row["without_value"]),
        at_or_above=[_at_or_above(t, int(row[f"at_or_above_{t}"])) for t in thresholds],
    )


def _at_or_above(threshold: int, workers: int) -> AtOrAbove:
    return AtOrAbove(threshold=threshold, workers=workers, display=f"{workers:,}")


def empty_figures(name: str, thresholds: list[int]) -> CaseloadFigures:
    return CaseloadFigures(
        name=name,
        case_holders=0,
        cases=0,
        fte=0.0,
        capacity=0.0,
        average=None,
        maximum=None,
        without_value=0,
        at_or_above=[_at_or_above(t, 0) for t in thresholds],
    )


def positions(
    ctx: Context,
    dates: dict[str, date],
    *,
    bases: tuple[Basis, ...] = BASES,
    settings: WorkforceSettings | None = None,
    snapshot: pa.Table | None = None,
) -> dict[tuple[str, Basis], CaseloadPosition]:
    """Caseload positions for one authority ({label: date}) on each basis: {(label, basis): ...}.

    The snapshot is one query for every date (or ``snapshot``'s rows on them, when given:
    `snapshot.taken`); the figures are aggregates over it.
    """
    s = settings or default_settings()
    if len(ctx.la_codes) != 1:
        raise ValueError("caseload positions are for one authority at a time")
    # Worked out once and held in memory: every figure below is a small aggregate over it.
    snap = taken(ctx, dates.items(), s, snapshot)
    return _positions(ctx, snap, dates, bases, s)


def _positions(ctx, snap, dates, bases, s) -> dict[tuple[str, Basis], CaseloadPosition]:
    def over_snapshot(name: str, figure: Callable[[ir.Table], ir.Table]) -> list[dict]:
        build = lambda c: figure(c.given_input("snapshot"))
        return run(ctx, name, build, s, snapshot=snap).to_pylist()

    thresholds = s.caseloads.thresholds
    without_post = {r["period"]: r for r in over_snapshot("without_post", cases_without_post)}
    excluded: dict[str, list[Exclusion]] = {}
    if "weighted" in bases:
        for r in over_snapshot("exclusions", lambda t: weighted_exclusions(t, s)):
            excluded.setdefault(r["period"], []).append(
                Exclusion(reason=r["reason"], workers=int(r["workers"]), cases=int(r["cases"]))
            )
    # Every basis and grouping in one statement (a labelled union), not nine: planning is most
    # of such a small aggregate's cost.
    breakdowns: dict[tuple[str, str], list[dict]] = {}
    for r in over_snapshot(
        f"caseloads/{'+'.join(bases)}", lambda t: caseload_breakdowns(t, bases, s)
    ):
        breakdowns.setdefault((r.pop("basis"), r.pop("grouping")), []).append(r)
    out: dict[tuple[str, Basis], CaseloadPosition] = {}
    for basis in bases:
        rows = {g: breakdowns.get((basis, g), []) for g in GROUP_COLUMNS}
        for label, when in dates.items():
            total = [r for r in rows["service"] if r["period"] == label]
            areas = sorted(
                (r for r in rows["service_area"] if r["period"] == label),
                key=lambda r: str(r["service_area"]),
            )
            teams = sorted(
                (r for r in rows["team"] if r["period"] == label),
                key=lambda r: (str(r["service_area"]), str(r["team_name"])),
            )
            out[(label, basis)] = CaseloadPosition(
                date=when,
                basis=basis,
                basis_words=BASIS_WORDS[basis],
                thresholds=thresholds,
                total=_figures(total[0], "All case holders", thresholds)
                if total
                else empty_figures("All case holders", thresholds),
                by_service_area=[
                    _figures(r, r["service_area"] or "No service area", thresholds) for r in areas
                ],
                by_team=[_figures(r, r["team_name"] or "No team", thresholds) for r in teams],
                excluded=sorted(excluded.get(label, []), key=lambda e: e.reason)
                if basis == "weighted"
                else [],
                excluded_workers=sum(e.workers for e in excluded.get(label, []))
                if basis == "weighted"
                else 0,
                cases_without_post=int((without_post.get(label) or {}).get("cases") or 0),
            )
    return out


def position(
    ctx: Context, at: date, basis: Basis = "cases", settings: WorkforceSettings | None = None
) -> CaseloadPosition:
    """The caseload position on one date and basis (see `positions`)."""
    return positions(ctx, {"at": at}, bases=(basis,), settings=settings)[("at", basis)]


class TrendPoint(_Model):
    date: date
    figures: CaseloadFigures


def trend(
    ctx: Context,
    dates: list[date],
    basis: Basis = "cases",
    settings: WorkforceSettings | None = None,
    snapshot: pa.Table | None = None,
) -> list[TrendPoint]:
    """The service's caseload figures at each date (e.g. month ends), in one query (over
    ``snapshot``'s rows on them, when given: `snapshot.taken`)."""
    s = settings or default_settings()
    labels = {d.isoformat(): d for d in dates}
    counts = run(
        ctx,
        f"trend/{basis}",
        lambda c: caseload_counts(c.given_input("snapshot"), basis, s),
        s,
        snapshot=taken(ctx, labels.items(), s, snapshot),
    )
    rows = {r["period"]: r for r in counts.to_pylist()}
    name = "All case holders"
    return [
        TrendPoint(
            date=d,
            figures=_figures(rows[label], name, s.caseloads.thresholds)
            if label in rows
            else empty_figures(name, s.caseloads.thresholds),
        )
        for label, d in sorted(labels.items())
    ]


class WorkerCaseload(_Model):
    """One case holder's position (worker level: for managers, never published)."""

    worker_id: str
    team_id: str | None
    team_name: str | None
    service_area: str | None
    role: str | None
    fte: float | None
    agency: bool
    asye: bool
    cases: int
    cases_per_fte: float | None
    weighted_caseload: float | None  # None when left out of the weighted view
    long_term_absent: bool
    new_starter: bool
    leaving: bool


def workers(
    ctx: Context,
    at: date,
    settings: WorkforceSettings | None = None,
    snapshot: pa.Table | None = None,
) -> list[WorkerCaseload]:
    """Every case holder in scope on the date, highest caseload first (from ``snapshot``'s rows
    on it, when given: `snapshot.taken`)."""
    s = settings or default_settings()

    def build(c: Context) -> ir.Table:
        import ibis

        snap = c.given_input("snapshot")
        holders = case_holders(snap, "cases", s)
        return holders.mutate(
            cases_per_fte=caseload_value(holders, "fte"),
            weighted_caseload=ibis.ifelse(
                holders.counted, caseload_value(holders, "weighted"), ibis.null("float64")
            ),
        )

    rows = run(ctx, "workers", build, s, snapshot=taken(ctx, [("at", at)], s, snapshot)).to_pylist()
    out = [
        WorkerCaseload.model_validate({k: r[k] for k in WorkerCaseload.model_fields}) for r in rows
    ]
    return sorted(out, key=lambda w: (-w.cases, w.team_name or "", w.worker_id))
