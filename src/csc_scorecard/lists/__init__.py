"""Operational lists: who is overdue today, by team and worker (child-level, internal only).

The public API, for the `lists` command and the dashboard:

    from csc_scorecard import lists
    result = lists.build("open-assessments", store, "371", date(2022, 6, 30), team="T01")
    result.rows      # pyarrow.Table, columns as result.columns documents, sorted by urgency
    result.count     # number of rows
    lists.LISTS      # name -> ListSpec (title, description, columns, sort, options)

`store` is a `csc_scorecard.store.Store` or any Ibis backend holding the canonical tables.
Every list is child-level (the caseloads list is worker-level with the children on each
caseload): never part of a publication output (`NOTICE`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

import ibis

from csc_scorecard.lists import (
    care_leavers,
    caseloads,
    open_assessments,
    overdue_visits,
    reviews_due,
    unallocated,
)
from csc_scorecard.lists.base import NOTICE, ListResult, ListSpec, Query
from csc_scorecard.measures.context import Context

if TYPE_CHECKING:
    from csc_scorecard.store import Store

__all__ = ["LISTS", "NOTICE", "ListResult", "ListSpec", "build", "build_on", "reference"]

LISTS: dict[str, ListSpec] = {
    spec.name: spec
    for spec in (
        open_assessments.SPEC,
        overdue_visits.SPEC,
        reviews_due.SPEC,
        unallocated.SPEC,
        care_leavers.SPEC,
        caseloads.SPEC,
    )
}


def _backend(store: Any) -> Any:
    con = getattr(store, "con", None)
    return ibis.duckdb.from_connection(con) if con is not None else store


def build(
    name: str,
    store: Any,
    la_code: str,
    on: date,
    team: str | None = None,
    worker: str | None = None,
    **options: Any,
) -> ListResult:
    """The list `name` for one authority on a date, filtered to a team (id or name) and/or a
    worker, sorted by urgency. `options` override the list's own (`LISTS[name].options`)."""
    if name not in LISTS:
        raise ValueError(f"no list {name!r}: choose one of {', '.join(LISTS)}")
    spec = LISTS[name]
    unknown = set(options) - set(spec.options)
    if unknown:
        known = ", ".join(spec.options) or "none"
        raise ValueError(
            f"list {name} has no option {', '.join(sorted(unknown))} (options: {known})"
        )
    q = Query(Context(_backend(store), [la_code], []), la_code, on, options)
    t = spec.rows(q)
    if team:
        t = t.filter((t.team_id == team) | (t.team_name == team))
    if worker:
        t = t.filter(t.worker_id == worker)
    order = [ibis.desc(t[c]) if desc else t[c] for c, desc in spec.order]
    t = t.order_by([*order, t[spec.key]]).select(*spec.columns)
    rows = q.ctx.backend.to_pyarrow(t)
    return ListResult(
        name=spec.name,
        title=spec.title,
        la_code=la_code,
        on=on,
        rows=rows,
        columns=spec.columns,
        sort=spec.sort,
        team=team,
        worker=worker,
        notes=tuple(q.notes),
        notice=NOTICE,
        days_ahead={**spec.options, **options}.get("days_ahead"),
    )


def build_on(
    name: str,
    store: Store,
    la_code: str,
    on: date,
    option: str = "--date",
    **kwargs: Any,
) -> ListResult:
    """`build` on a date the authority's data reach: a date they do not is refused (`BadInput`,
    one line naming `option`: `dates.checked_date`), and for one a little past their end the
    note saying how old the data are comes first in the result's notes, so the page, the
    workbook and the JSON all carry it."""
    from csc_scorecard.lists.dates import checked_date

    stale = checked_date(store, la_code, on, option)
    result = build(name, store, la_code, on, **kwargs)
    return replace(result, notes=(stale, *result.notes)) if stale else result


def reference() -> str:
    """Every list's title, description, sort order, options and columns as Markdown (the
    generated part of docs/lists.md)."""
    out = ["## The lists (generated from `lists.LISTS`)", ""]
    for spec in LISTS.values():
        out += [f"### `{spec.name}`: {spec.title}", "", spec.description, ""]
        out += [f"Sorted {spec.sort}.", ""]
        if spec.options:
            opts = ", ".join(f"`{k}` = {v!r}" for k, v in spec.options.items())
            out += [f"Options (`lists.build(..., name=value)`): {opts}.", ""]
        out += ["| column | meaning |", "|---|---|"]
        out += [f"| `{c}` | {meaning} |" for c, meaning in spec.columns.items()]
        out.append("")
    return "\n".join(out)
