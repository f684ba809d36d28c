"""A team or worker a list, a drill-down or a fix list is filtered to must be one the store
names for the authority: filtered on a mistyped one, the answer is empty, which reads as
"nobody overdue". The one check, for the commands and the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from csc_scorecard.store import Store


def unknown_subject(
    db: Store,
    la: str,
    team: str | None,
    worker: str | None,
    *,
    team_names: bool = True,
    labels: tuple[str, str] = ("--team", "--worker"),
    quote: Callable[[str], str] = repr,
) -> str | None:
    """The one-line refusal for a `team` (an id, or a name when `team_names`) or `worker` no
    table of the store names for `la`; None when both are named (or not given)."""
    for option, value, columns in (
        (labels[0], team, ("team_id", "team_name") if team_names else ("team_id",)),
        (labels[1], worker, ("worker_id",)),
    ):
        if value is None or _named(db, la, value, columns):
            continue
        key = columns[0]
        held = [r[0] for r in db.con.execute(
            f"SELECT DISTINCT {key} FROM {key.removesuffix('_id')}s WHERE la_code = ? "
            f"AND {key} IS NOT NULL ORDER BY 1 LIMIT 9", [la]
        ).fetchall()]  # fmt: skip
        some = ", ".join(held[:8]) + (", ..." if len(held) > 8 else "")
        return (
            f"{option} {quote(value)}: the store holds no such {key.removesuffix('_id')} for "
            f"LA {la} ({f'it holds {some}' if held else 'it holds none'})"
        )
    return None


def unknown_team_of_store(
    db: Store, team: str, label: str = "--team", quote: Callable[[str], str] = repr
) -> str | None:
    """The one-line refusal of a manager's `team` (an id) that no authority of the store names
    (`unknown_subject`): every page of theirs would be refused as a team the store does not
    hold. None when one does, or when the store holds no authority's data yet."""
    refusals = [
        unknown_subject(db, la, team, None, team_names=False, labels=(label, ""), quote=quote)
        for la in db.authorities()
    ]
    return refusals[0] if refusals and all(refusals) else None


def outside_team(db: Store, la: str, team: str, worker: str) -> bool:
    """Whether no table of the store names `worker` with `team` for `la` (a post, a case held, an
    event recorded): a list or drill-down for them, held to `team`, would be empty, which reads
    as "none of theirs"."""
    return not _any_row(db, la, [{"team_id": team, "worker_id": worker}])


def is_team_name(db: Store, la: str, team: str, name: str) -> bool:
    """Whether the store names `name` as the name of team `team` for `la` (a list's team may be
    given by id or name)."""
    return _any_row(db, la, [{"team_id": team, "team_name": name}])


def _named(db: Store, la: str, value: str, columns: tuple[str, ...]) -> bool:
    """Whether any table with an LA code names `value` in one of `columns`."""
    return _any_row(db, la, [{c: value} for c in columns])


def _any_row(db: Store, la: str, matches: list[dict[str, str]]) -> bool:
    """Whether any table of the store with an LA code and every column of one of `matches` holds
    a row of `la` with those values."""
    found = db.con.execute(
        """SELECT table_name, list(column_name) FROM duckdb_columns()
           WHERE schema_name = 'main' AND internal = false GROUP BY table_name""",
    ).fetchall()
    params: dict[str, str] = {"la": la}
    parts = []
    for k, match in enumerate(matches):
        terms = [f'"{c}" = $v{k}_{n}' for n, c in enumerate(match)]
        params.update({f"v{k}_{n}": v for n, v in enumerate(match.values())})
        parts += [
            f'SELECT 1 FROM "{table}" WHERE la_code = $la AND {" AND ".join(terms)}'
            for table, cols in found
            if "la_code" in cols and set(match) <= set(cols)
        ]
    if not parts:
        return False
    query = f"SELECT EXISTS ({' UNION ALL '.join(parts)})"
    return bool(db.con.execute(query, params).fetchall()[0][0])
