"""The 903 tables' code columns: columns holding one of a few codes (and the collection year),
whose combinations repeat across rows: 5,027 distinct combinations of the episodes' in the
benchmark's 101,000 episodes, 896 in a synthetic England's 959,028. A fused scan of a table
listed here (`quality.runner.fused_query`) tests each rule condition that reads only these
columns once per distinct combination, not once per row, and joins the combinations' rule
lists back to the rows (benchmarks/quality.py: the episodes' scan 0.18-0.21 -> 0.13-0.15 CPU s,
24 of its 43 conditions by combination, the same fault rows).

`CONDITION_WORDS`: the words other than columns a condition may hold and still be tested by
combination (SQL keywords and the functions that read only their arguments). A condition with
any other word (another column, a subquery, any other function) is tested per row, as are all
when in doubt: `by_combination` must never say yes of a condition reading another column.
"""

from __future__ import annotations

import re

CODE_COLUMNS: dict[str, tuple[str, ...]] = {
    "episodes": ("place", "ls", "rne", "rec", "cin", "place_provider", "reason_place_change",
                 "cy_end"),
}  # fmt: skip

CONDITION_WORDS = frozenset(
    ("case", "when", "then", "else", "end", "and", "or", "not", "in", "is", "null", "distinct",
     "from", "coalesce", "true", "false", "year")
)  # fmt: skip

_QUOTED = re.compile(r"'(?:[^']|'')*'")
_WORD = re.compile(r'"?([A-Za-z_][A-Za-z_0-9]*)"?')


def by_combination(condition: str, codes: tuple[str, ...]) -> bool:
    """Whether `condition` (DuckDB SQL) reads only the columns `codes`: every word of it outside
    quoted texts is one of them or one of CONDITION_WORDS."""
    words = {w.lower() for w in _WORD.findall(_QUOTED.sub(" ", condition))}
    return words <= CONDITION_WORDS | set(codes)
