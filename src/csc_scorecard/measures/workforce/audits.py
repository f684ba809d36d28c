"""Case-file audits in a period by type (social care, family support), with the grades counted
as the two audit measures count them (grades from their catalogue entries), for commentary
such as the seed's "92 Social care audits, of which 53 were judged to be good or better"."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from csc_scorecard.measures.catalogue import measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.inputs import days, strings
from csc_scorecard.measures.workforce.snapshot import TableSource, run
from csc_scorecard.model.codes import codes

if TYPE_CHECKING:
    import ibis.expr.types as ir


GOOD = "case_audits_good_or_better"
ADEQUATE = "case_audits_requires_improvement_or_better"


def grades(measure_id: str) -> list[str]:
    """The grades a measure counts (from its catalogue entry).

    >>> grades("case_audits_good_or_better")
    ['outstanding', 'good']
    """
    return list(measure(measure_id).settings["grades"])


def audit_counts(table: TableSource, windows: ir.Table) -> ir.Table:
    """Per authority, window (`period`, `start`, `end`) and audit type: audits with a grade, and
    those graded good or better and requires improvement or better."""
    a = table("case_audits")
    a = a.filter(a.grade.notnull())
    a = a.join(windows, [a.audit_date >= windows.start, a.audit_date <= windows.end])
    return a.group_by(["la_code", "period", "audit_type"]).agg(
        audits=a.count(),
        good_or_better=a.grade.isin(grades(GOOD)).cast("int64").sum(),
        requires_improvement_or_better=a.grade.isin(grades(ADEQUATE)).cast("int64").sum(),
    )


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuditFigures(_Model):
    audit_type: str | None  # None for all audits together
    label: str
    audits: int | None  # counts are None when suppressed for publication
    good_or_better: int | None
    requires_improvement_or_better: int | None
    good_or_better_percent: float | None
    requires_improvement_or_better_percent: float | None


class Audits(_Model):
    start: date
    end: date
    total: AuditFigures
    by_type: list[AuditFigures]


def _figures(audit_type: str | None, label: str, n: int, good: int, adequate: int) -> AuditFigures:
    return AuditFigures(
        audit_type=audit_type,
        label=label,
        audits=n,
        good_or_better=good,
        requires_improvement_or_better=adequate,
        good_or_better_percent=good / n * 100 if n else None,
        requires_improvement_or_better_percent=adequate / n * 100 if n else None,
    )


def audits(ctx: Context, start: date, end: date) -> Audits:
    """Audits completed from `start` to `end` (inclusive) for one authority, by type."""
    windows = pa.Table.from_arrays(
        [strings(["window"]), days([start]), days([end])], names=["period", "start", "end"]
    )
    build = lambda c: audit_counts(c.table, c.given_input("windows"))
    rows = run(ctx, "audits", build, None, windows=windows).to_pylist()
    labels = codes("audit_type")
    by_type = [
        _figures(
            r["audit_type"],
            labels.get(r["audit_type"] or "", r["audit_type"] or "Type not recorded"),
            int(r["audits"]),
            int(r["good_or_better"]),
            int(r["requires_improvement_or_better"]),
        )
        for r in sorted(
            rows,
            key=lambda r: (
                r["audit_type"] is None,
                list(labels).index(r["audit_type"]) if r["audit_type"] in labels else 99,
            ),
        )
    ]
    total = _figures(
        None,
        "All audits",
        sum(int(r["audits"]) for r in rows),
        sum(int(r["good_or_better"]) for r in rows),
        sum(int(r["requires_improvement_or_better"]) for r in rows),
    )
    return Audits(start=start, end=end, total=total, by_type=by_type)
