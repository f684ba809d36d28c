"""Compute each repeated subquery of a compiled measure query once.

Ibis compiles a relation used by several later steps into the SQL once per use: a measure that
joins the deduplicated referrals to their first assessment and then to their first section 47
enquiry carries the same subquery (a window over every referral) four to six times, and DuckDB
plans and runs each copy. Measured on the demo authority over 25 quarters, 176 queries, one
thread: 4.1 s of CPU as compiled, 3.6 s with each repeat computed once (docs/benchmarks.md).

Ibis names every relation of a query with its own alias (``"t25"``), so two subqueries with the
same alias and the same text are the same relation. `share_subqueries` moves each such
subquery into the query's ``WITH`` list under its alias and refers to it by name where it
stood; DuckDB then computes it once (a common table expression used more than once is
materialised). The rows are the same: the text of the subquery is unchanged, only where it is
written. Done once when the query is compiled (`Context.execute`), so it costs nothing when a
kept query runs again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_ALIAS = re.compile(r'\s+AS\s+"(t\d+)"')
_CTE_HEAD = re.compile(r'\s*"([^"]+)"\s+AS\s+(?:(?:NOT\s+)?MATERIALIZED\s+)?\(', re.IGNORECASE)
# A repeat shorter than this is not worth a name (a bare table scan costs nothing to repeat).
MIN_SHARED = 120


def share_subqueries(sql: str) -> str:
    """``sql`` with every subquery that occurs more than once (same alias, same text) written
    once in the ``WITH`` list. Returns ``sql`` unchanged when nothing repeats or the text is not
    in the shape Ibis writes."""
    parsed = _split_with(sql)
    if parsed is None:
        return sql
    ctes, main = parsed
    names = {n for n, _ in ctes}
    changed = False
    while True:
        found: dict[str, list[str]] = {}
        for text in [main, *(body for _, body in ctes)]:
            for alias, sub in _subqueries(text):
                found.setdefault(alias, []).append(sub)
        repeated = [
            (len(subs[0]), alias)
            for alias, subs in found.items()
            if len(subs) > 1
            and alias not in names
            and len(subs[0]) >= MIN_SHARED
            and all(s == subs[0] for s in subs)
        ]
        if not repeated:
            break
        _, alias = max(repeated)
        body = found[alias][0]
        old = f'({body}) AS "{alias}"'
        new = f'"{alias}" AS "{alias}"'
        main = main.replace(old, new)
        ctes = [(n, b.replace(old, new)) for n, b in ctes]
        ctes.append((alias, body[:]))
        names.add(alias)
        changed = True
    if not changed:
        return sql
    ordered = _dependency_order(ctes)
    if ordered is None:
        return sql
    return "WITH " + ", ".join(f'"{n}" AS ({b})' for n, b in ordered) + " " + main


def _subqueries(text: str) -> list[tuple[str, str]]:
    """(alias, text inside the parentheses) of every ``(SELECT ...) AS "tN"`` in ``text``."""
    out = []
    for start, end in _pairs(text):
        inner = text[start + 1 : end]
        if inner.startswith("SELECT "):
            m = _ALIAS.match(text, end + 1)
            if m:
                out.append((m.group(1), inner))
    return out


def _pairs(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(open, close) indexes of the parentheses from ``start``, innermost first; literals and
    quoted names ('' and "" escape a quote) are skipped. Stops at a surplus ``)``."""
    opens: list[int] = []
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            i += 1
            while i < n and not (text[i] == c and text[i + 1 : i + 2] != c):
                i += 2 if text[i] == c else 1
        elif c == "(":
            opens.append(i)
        elif c == ")":
            if not opens:
                return
            yield opens.pop(), i
        i += 1


def _closing(text: str, start: int) -> int | None:
    """Index of the parenthesis closing the one at ``start``."""
    return next((end for begin, end in _pairs(text, start) if begin == start), None)


def _split_with(sql: str) -> tuple[list[tuple[str, str]], str] | None:
    """The query's common table expressions [(name, body)] and the rest; None if the leading
    ``WITH`` list is not the plain shape Ibis writes (no RECURSIVE, no column lists)."""
    text = sql.strip()
    if not text.upper().startswith("WITH "):
        return [], text
    pos = 5
    ctes = []
    while True:
        m = _CTE_HEAD.match(text, pos)
        if not m:
            return None
        end = _closing(text, m.end() - 1)
        if end is None:
            return None
        ctes.append((m.group(1), text[m.end() : end]))
        pos = end + 1
        rest = text[pos:].lstrip()
        if rest.startswith(","):
            pos = len(text) - len(rest) + 1
            continue
        return ctes, rest


def _dependency_order(ctes: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The expressions ordered so each comes after those it refers to (None on a cycle)."""
    bodies = dict(ctes)
    uses = {n: {o for o in bodies if o != n and f'"{o}"' in b} for n, b in ctes}
    out: list[tuple[str, str]] = []
    state: dict[str, int] = {}

    def visit(name: str) -> bool:
        if state.get(name) == 2:
            return True
        if state.get(name) == 1:
            return False
        state[name] = 1
        if not all(visit(d) for d in sorted(uses[name])):
            return False
        state[name] = 2
        out.append((name, bodies[name]))
        return True

    return out if all(visit(n) for n, _ in ctes) else None
