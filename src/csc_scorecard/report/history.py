"""What each report published, what has been revised since, and the report as it stood at a date.

* ``record`` keeps, in the store's ``published_figures`` table, every headline figure a report
  printed (its value and text), with the report's id, the date its data was as at and whether it
  was the publication version. ``scorecard report`` records each report it writes.
* ``revisions`` compares the figures a report prints for past quarters with what the latest
  earlier report published for the same quarter: a figure that has changed since (a late
  record, a correction after validation) is a revision, and the report says so in words
  ("Q4 2021/22's figure for re-referrals within 12 months has been revised from 5% ... to 16%").
* ``as_at_store`` gives a copy of the store holding only what was available at a date: the loads
  made by then (and their rows and issues), the reports published by then, and only the DfE
  comparator years published by then. A report built from it (``scorecard report --as-at``)
  reproduces the report built that day, figure for figure.

DfE publishes each year's figures some months after the year ends; ``published_by`` says when,
conservatively (the children in need and children looked after statistics each November for the
year to 31 March, the workforce statistics each February for the census at 30 September).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from pathlib import Path

import pyarrow as pa

from csc_scorecard.report.model import Figure, Revision
from csc_scorecard.store import Store
from csc_scorecard.store.snapshots import PUBLISHED_COLUMNS, PUBLISHED_TABLE
from csc_scorecard.wording import Cited, Paragraph, say

TABLE = PUBLISHED_TABLE
COLUMNS = PUBLISHED_COLUMNS


def report_id(la_code: str, period: str, built: datetime, publication: bool) -> str:
    """'371-2022-Q1-internal-20220908T090000'."""
    version = "publication" if publication else "internal"
    return f"{la_code}-{period}-{version}-{built:%Y%m%dT%H%M%S}"


def record(
    store: Store,
    report: str,
    la_code: str,
    period: str,
    as_at: datetime,
    figures: Iterable[Figure],
    *,
    publication: bool,
) -> int:
    """Keep the headline figures a report printed; returns how many rows. A report id
    recorded again replaces its rows."""
    rows = [
        (report, la_code, period, _naive(as_at), publication, f.measure, f.period, f.value)
        + (f.display, f.status)
        for f in figures
        if f.dimension is None
    ]
    store.keep_published(report, rows)
    return len(rows)


def _naive(moment: datetime) -> datetime:
    """UTC without a zone, as the store keeps its times."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def published(
    store: Store, la_code: str, before_period: str, measure_periods: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, str, float | None, str]]:
    """For each (measure, period), what the latest report for an earlier quarter published:
    (report id, its quarter, value, display). Internal reports only (the publication version
    suppresses small numbers)."""
    wanted = set(measure_periods)
    rows = store.published_before(la_code, before_period)
    out: dict[tuple[str, str], tuple[str, str, float | None, str]] = {}
    for measure, period, report, report_period, value, display in rows:
        if (measure, period) in wanted:
            out[(measure, period)] = (report, report_period, value, display)  # latest wins
    return out


def revisions(
    store: Store, la_code: str, period: str, figures: dict[str, Figure], labels: dict[str, str]
) -> list[Revision]:
    """The figures this report prints for earlier quarters that differ, as printed, from what
    the latest earlier report published for them. ``labels`` names quarters ('Q4 2021/22')."""
    past = [
        f
        for f in figures.values()
        if f.dimension is None and f.period < period and f.status == "ok"
    ]
    before = published(store, la_code, period, [(f.measure, f.period) for f in past])
    out = []
    for f in sorted(past, key=lambda f: (f.period, f.measure)):
        found = before.get((f.measure, f.period))
        if found is None or found[3] == f.display:
            continue
        report, report_period, value, display = found
        out.append(
            Revision(
                measure=f.measure,
                title=in_sentence(f.title),
                period=f.period,
                period_label=labels.get(f.period, f.period),
                report_id=report,
                report_period_label=labels.get(report_period, report_period),
                published_value=value,
                published_display=display,
                value=f.value,
                display=f.display,
            )
        )
    return out


def in_sentence(title: str) -> str:
    """A title as the middle of a sentence prints it: 'Re-referrals ...' -> 're-referrals ...';
    an acronym ('UASC ...') or a reference ('C01 ...') is left as it is."""
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def paragraphs(found: list[Revision]) -> list[Paragraph]:
    """One sentence per revision, every number cited from ``/revisions``."""
    out = []
    for i, r in enumerate(found):
        at = f"/revisions/{i}"
        out.append(
            Paragraph(
                kind="note",
                sentences=[
                    say(
                        "{period}'s figure for {title} has been revised from {old}, as published"
                        " in the {report} report, to {new} with the data loaded and checked since.",
                        period=Cited(r.period_label, f"{at}/period_label", r.period_label),
                        title=Cited(r.title, f"{at}/title", r.title),
                        old=Cited(
                            r.published_display, f"{at}/published_display", r.published_value
                        ),
                        report=Cited(
                            r.report_period_label,
                            f"{at}/report_period_label",
                            r.report_period_label,
                        ),
                        new=Cited(r.display, f"{at}/display", r.value),
                    )
                ],
            )
        )
    return out


def published_by(year: int, census: bool = False) -> date:
    """When DfE's figures for ``year`` (ending 31 March, or the 30 September census) are
    taken as published: 1 November of that year, or 1 March after the census."""
    return date(year + 1, 3, 1) if census else date(year, 11, 1)


def as_at_store(store: Store, when: datetime, path: Path | None = None) -> Store:
    """A writable copy of ``store`` as it stood at ``when`` (see the module's docstring), at
    ``path`` (a new file; default: one named as the store in a new temporary folder, so the
    report names the store as it would have)."""
    from csc_scorecard.reference.comparator_series import comparator_map

    cutoff = _naive(when)
    path = path or Path(tempfile.mkdtemp(prefix="scorecard-as-at-")) / store.path.name
    path.parent.mkdir(parents=True, exist_ok=True)
    copy = Store(path)
    census = {
        m
        for m, spec in comparator_map().measures.items()
        if any(s.file == "csww" for s in spec.series)
    }
    adjust = {"comparators": lambda rows: _published_years(rows, cutoff.date(), census)}
    store.copy_as_at(copy, cutoff, adjust)
    return copy


def _published_years(rows: pa.Table, cutoff: date, census: set[str]) -> pa.Table:
    """The comparator rows DfE had published by ``cutoff``."""
    keep = [
        published_by(int(year), measure in census) <= cutoff
        for measure, year in zip(
            rows.column("measure").to_pylist(), rows.column("year").to_pylist(), strict=True
        )
    ]
    return rows.filter(pa.array(keep, pa.bool_()))


def end_of(day: date) -> datetime:
    """The last moment of ``day`` (UTC): --as-at 2022-09-08 takes what was loaded that day."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
