"""The DfE rules over many authorities a group at a time (issue 11 item 6: a synthetic England).

`run_rules` (quality.runner) gives every fault of its scope in one table; over a whole
synthetic England that is 11.7 million rows and the scoped tables of 148 authorities at once
(docs/benchmarks.md). `in_groups` runs the same rules over the same scope a group of
authorities at a time and hands each group's faults on as it is done, so memory is bounded by
the largest group and its faults, not by the store: each return's authorities in order, in
groups of as many consecutive authorities as hold at most `max_rows` rows of the return
(`sized`, `quality.scope.Scope.sizes`; MAX_ROWS unless told) or, given `per_group`, of that many authorities, the scope narrowed to the group
in place (`quality.scope.Scope.restrict`, no table built again but the few `built` ones, which
the scope builds for the groups only: `quality.scope.build(deferred=True)`; dropped after the return's last group:
`Scope.release`). The faults, read one part after another, are the faults
of `run_rules` over the whole scope, in the same order: within a return they are sorted by
authority first (`fault_table.ORDER`), every rule reads one authority's rows at a time (it
joins on `la_code`), and whether a rule runs is decided once over the whole scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import duckdb
import pyarrow as pa

from csc_scorecard.quality import scope as scoping
from csc_scorecard.quality.fault_table import FAULT_SCHEMA
from csc_scorecard.quality.rules import RETURNS, Rule, rules
from csc_scorecard.quality.runner import RuleResult, run_in_scope, scope_needs

# Rows of its return a group holds at most unless told (`sized`, `Scope.sizes`): the synthetic
# England's CIN census (25.0 million rows, the children's counted) in two groups, not three at
# 9 million, and its 903 return (6.6 million) in one (docs/benchmarks.md: each group repeats
# its tables' builds and every rule's planning; one group a return peaks at over 7 GB).
MAX_ROWS = 14_000_000


def in_groups(
    source: duckdb.DuckDBPyConnection,
    *,
    la_codes: Sequence[str] | None = None,
    only: Iterable[Rule] | None = None,
    per_group: int | None = None,
    max_rows: int = MAX_ROWS,
    multi_year: bool = False,
    fuse: bool = True,
) -> Iterator[RuleResult]:
    """`run_rules(source, la_codes=..., only=..., multi_year=..., fuse=...)` a group of
    authorities at a time: one RuleResult per return and group, in order, each with the rules
    run and not run over the whole scope (the same in every part of a return) and that group's
    faults. Groups of at most `max_rows` rows (`sized`); or, given `per_group`, of that many
    authorities."""
    if per_group is not None and per_group < 1:
        raise ValueError(f"per_group must be at least 1, not {per_group}")
    if max_rows < 1:
        raise ValueError(f"max_rows must be at least 1, not {max_rows}")
    chosen = list(only) if only is not None else rules()
    needs = scope_needs(chosen)
    scope = scoping.build(
        source, la_codes=la_codes, needs=needs, multi_year=multi_year, deferred=True, rules=chosen
    )
    try:
        for ret in RETURNS:
            mine = [r for r in chosen if r.ret == ret]
            sizes = scope.sizes(ret)
            if not mine or not scope.has(ret):
                continue
            if per_group is not None:
                authorities = list(sizes)
                groups = [authorities[i : i + per_group] for i in range(0, len(sizes), per_group)]
            else:
                groups = sized(sizes, max_rows)
            for group in groups:
                scope.restrict(ret, group)
                yield run_in_scope(scope, mine, fuse=fuse)
            scope.release(ret)
    finally:
        scope.close()


def sized(sizes: dict[str, int], max_rows: int) -> list[list[str]]:
    """The authorities (in their order) in consecutive groups each holding at most `max_rows`
    rows, as few as that allows (an authority larger than that is a group alone): memory is
    bounded by the rows a group holds, not by how many authorities it has (a county is a
    hundred times the Isles of Scilly), and small authorities share a group, which saves the
    work each group repeats (building its tables, planning every rule's query).

    >>> sized({"201": 10, "202": 50, "203": 30, "204": 200, "205": 5}, 80)
    [['201', '202'], ['203'], ['204'], ['205']]
    """
    groups: list[list[str]] = []
    held = 0
    for la, rows in sizes.items():
        if not groups or held + rows > max_rows:
            groups.append([])
            held = 0
        groups[-1].append(la)
        held += rows
    return groups


def gathered(parts: Iterable[RuleResult]) -> RuleResult:
    """The parts of `in_groups` as one RuleResult (what `run_rules` gives, for comparing; a
    caller streaming faults out reads the parts one at a time instead), with the statements
    every part sent (each group builds its tables and runs its queries again)."""
    whole = RuleResult(faults=FAULT_SCHEMA.empty_table())
    tables = []
    for part in parts:
        tables.append(part.faults)
        whole.statements += part.statements
        for ret in part.returns:
            if ret not in whole.returns:  # every part of a return says the same
                whole.returns.append(ret)
                whole.rules_run.extend(part.rules_run)
                whole.not_run.extend(part.not_run)
    if tables:
        whole.faults = pa.concat_tables(tables)
    return whole
