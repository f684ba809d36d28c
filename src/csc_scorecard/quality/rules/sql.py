"""SQL pieces the rules share, so each rule states only its own condition.

Sets of codes a DfE rule text names by meaning (temporary placements, short breaks) are named
here once; whole code lists come from model/codes through `codes_in`.
"""

from __future__ import annotations

import re

from csc_scorecard.model.codes import code_group, codes
from csc_scorecard.quality.rules import in_list, sql_text

# Placement types DfE calls temporary (T0-T4): rules 380-383, 178.
TEMPORARY = in_list("T0", "T1", "T2", "T3", "T4")
# Placements that need no placement provider (rule 178): the temporary ones and Z1 (and the
# Z11-Z14 that replace Z1 from 2025-26).
NO_PROVIDER = in_list("T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13", "Z14")
# Legal statuses of a short break (respite): V3, V4.
# The URN the 903 gives a placement that has none of its own (DfE: for regional adoption
# agencies); the placement, postcode and Ofsted provider rules tell it from a real URN.
RAA_URN = "'XXXXXXX'"
RESPITE = in_list(*code_group("legal_status", "short_breaks"))


def ceased_care() -> str:
    """Every REC code that ends a period of care: the REC list without X1 (new episode)."""
    return "(" + ", ".join(sql_text(c) for c in codes("reason_ceased") if c != "X1") + ")"


# The columns that name a scoped row in a rule's result.
ROW_KEYS = ("_table", "la_code", "load_id", '"row"', "child_id", "cy_end")


def row_keys(alias: str) -> str:
    """SQL: the columns that name a reported row (its DfE table, authority, load, line, child and
    collection year), for a rule that reports rows of more than one table."""
    return ", ".join(f"{alias}.{c}" for c in ROW_KEYS)


def both_rows(pairs: str, *sides: tuple[str, str, str, bool]) -> str:
    """SQL: the rows of two (or more) tables a rule flags together, each fault naming its own
    field. `pairs` (`FROM ... WHERE ...`, each table under its alias) is worked out once, as
    a CTE that the sides read (DuckDB materializes a CTE read twice): written out in each
    side, it was joined once per side (rule 552: 0.024 -> 0.014 CPU s). Each side is
    (alias, value SQL over the alias, DfE field, distinct): the alias's rows of the pairs
    with that value and field, each once when `distinct` (a row paired with several)."""
    keys = [c.strip('"') for c in ROW_KEYS]
    columns, selects = [], []
    for alias, value, field, distinct in sides:
        columns += [f'{alias}.{c} AS "{alias}_{k}"' for c, k in zip(ROW_KEYS, keys, strict=True)]
        columns.append(f'{value} AS "{alias}_value"')
        named = ", ".join(f'"{alias}_{k}" AS "{k}"' for k in keys)
        each = "DISTINCT " if distinct else ""
        selects.append(
            f"""SELECT {each}{named}, "{alias}_value" AS value, '{field}' AS field FROM _pairs"""
        )
    union = "\n        UNION ALL ".join(selects)
    return f"WITH _pairs AS (SELECT {', '.join(columns)} {pairs})\n        {union}"


def bad_value(b: str, t: str, column: str, field: str | None = None) -> str:
    """SQL: `bad` row `b` holds the raw text of row `t`'s `column` (from DfE field `field`, when
    two DfE tables feed the column). Rows of two DfE tables merged into one canonical table
    (AD1 and PlacedAdoption into adoptions, Header and UASC into children) can share a line
    number, so the child must match too (a `bad` row without a child matches on the line)."""
    which = f" AND {b}.field = '{field}'" if field else ""
    return f"""{b}.load_id = {t}.load_id AND {b}."row" = {t}."row"
        AND {b}.column_name = '{column}'{which}
        AND ({b}.child_id IS NULL OR {b}.child_id = {t}.child_id)"""


def unreadable(view: str, column: str, field: str | None = None) -> str:
    """Rows of `view` whose `column` was given but could not be read (not a date, a number in
    range, a yes/no value: ingest kept the raw text); with `field`, only the text given as that
    DfE field."""
    return f"""SELECT t.*, b.value FROM {view} t JOIN bad b ON {bad_value("b", "t", column, field)}
        WHERE t.{column} IS NULL"""


# The name the date rules use ("... is not a valid date").
not_valid_date = unreadable


def given(alias: str, column: str) -> str:
    """SQL: row `alias`'s `column` was given: read, or unreadable with its raw text in `bad`
    (a DfE rule that asks whether a field is blank sees the unreadable text as given)."""
    return f"({alias}.{column} IS NOT NULL OR {in_bad(alias, column)})"


def in_bad(alias: str, column: str, *, any_child: bool = False) -> str:
    """SQL: `bad` holds a raw text of row `alias`'s `column`, as `bad_value` matches it (with
    `any_child`, on the row's line whatever the child). The same as an EXISTS over `bad`
    correlated on the row, but written as uncorrelated IN lists, which DuckDB hashes once: as
    EXISTS, each was a join of the whole table with `bad` (episodes_n's two: about 0.1 CPU s
    of its 0.5 on 101,000 episodes). NULL keys match nothing, as with `=`."""
    keys = f"""load_id IS NOT NULL AND "row" IS NOT NULL AND column_name = '{column}'"""
    line = f"""({alias}.load_id, {alias}."row") IN (SELECT load_id, "row" FROM bad WHERE {keys}"""
    if any_child:
        return f"coalesce({line}), false)"
    child = f"""({alias}.load_id, {alias}."row", {alias}.child_id) IN (SELECT load_id, "row",
        child_id FROM bad WHERE {keys} AND child_id IS NOT NULL)"""
    return f"(coalesce({child}, false) OR coalesce({line} AND child_id IS NULL), false))"


def not_in_list(view: str, column: str, name: str, *, blank_too: bool = False) -> str:
    """Rows of `view` whose `column` is not a code of list `name` valid in the row's year
    (given and invalid; or, with `blank_too`, also blank)."""
    given = "" if blank_too else f"{column} IS NOT NULL AND "
    return f"SELECT * FROM {view} WHERE {given}NOT coalesce({valid_code(column, name)}, false)"


def of_children_in(table: str) -> str:
    """SQL: the row's child (authority and child id) has a row in `table`. A rule pairing
    each child's first or latest row of one table (a window partitioned by the child) with
    the child's rows of a small one windows only those children's rows: the same windows, as
    a child's window sees only its own rows (rule 118 over 101,000 episodes windowed them all
    twice for 580 adoption rows). A NULL key matches nothing, as the rules' joins."""
    return f"(la_code, child_id) IN (SELECT la_code, child_id FROM {table})"


# Each episode with its child's neighbouring episodes and aggregates, built once per run
# (rules/ssda903/derived.py `episodes_with_neighbours`).
EPISODES_N = "episodes_n"


def periods_numbered(of: str) -> str:
    """The episodes with a DECOM (from `episodes_n`, in DECOM order) of the children with a row
    in table `of` (`of_children_in`: a child's window sees only its own rows) with `period`,
    the number of the child's period of care each is in: a period starts at the child's first
    episode and at each one starting after the previous one ended."""
    return f"""SELECT la_code, child_id, decom, dec, n,
            sum(CASE WHEN n = 1 OR decom > prev_dec THEN 1 ELSE 0 END)
            OVER (PARTITION BY la_code, child_id ORDER BY n ROWS UNBOUNDED PRECEDING) AS period
        FROM {EPISODES_N} WHERE decom IS NOT NULL AND {of_children_in(of)}"""


def age(dob: str, at: str) -> str:
    """Whole years between `dob` and `at` (SQL date expressions), as DfE counts age."""
    return f"date_diff('year', {dob}, {at}) - CASE WHEN strftime({at}, '%m%d') < strftime({dob}, '%m%d') THEN 1 ELSE 0 END"


_SPAN = re.compile(r"\((from|to) (\d{4})-\d{2}")


def valid_code(column: str, name: str, *, pattern: bool = False) -> str:
    """SQL: `column` is a code of list `name` valid in the row's collection year.

    The code lists keep every code ever used so that older returns load; a label marks the
    codes that are not current: "(legacy code)" / "(historic code)" are never valid for a
    return, "(from 2024-25)" only from that year, "(to 2024-25)" only up to it. `pattern`:
    the always-valid codes as one regular expression (`any_of`), not an IN list, which inside
    a fused scan's CASE is compared a code at a time (CIN 1530's 200 LA codes over 2 million
    children: 0.50 -> 0.20 CPU s).
    """
    always: list[str] = []
    dated: list[str] = []
    for code, label in codes(name).items():
        if "(legacy code)" in label or "(historic code)" in label:
            continue
        span = _SPAN.search(label)
        if span is None:
            always.append(code)
            continue
        year_end = int(span[2]) + 1
        op = ">=" if span[1] == "from" else "<="
        dated.append(f"({column} = {sql_text(code)} AND year(cy_end) {op} {year_end})")
    listed = f"{column} IN ({', '.join(sql_text(c) for c in always)})"
    if pattern:
        listed = f"regexp_full_match({column}, {sql_text(any_of(always))})"
    parts = [listed, *dated]
    return "(" + " OR ".join(parts) + ")"


def any_of(values: list[str] | tuple[str, ...]) -> str:
    """A regular expression matching exactly one of `values` (the whole text, as
    `regexp_full_match` matches; RE2 syntax, its metacharacters escaped)."""
    return "(?:" + "|".join(re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", v) for v in values) + ")"


def birthday_in_year(dob: str, end: str = "cy_end") -> str:
    """SQL: the child's birthday that falls in the collection year ending `end` (1 April to
    31 March), from `dob` (a 29 February birthday falls on 28 February in other years)."""
    years = f"CAST(year({end}) - year({dob}) AS INTEGER)"
    return f"""(CASE WHEN {dob} + to_years({years}) > {end}
        THEN {dob} + to_years({years} - 1) ELSE {dob} + to_years({years}) END)"""


def continuously_looked_after(row: str) -> str:
    """SQL: the child of row `row` (alias of a scoped table with la_code, child_id, cy_start,
    cy_end) was looked after continuously through its collection year, as DfE's 903 guidance
    defines it for OC2: looked after at some time in the year, and no episode that starts a
    period of care in the year (RNE S after 1 April), ends one (REC other than X1 before
    31 March) or is a short break (V3, V4) during the year. One look-up of the child's
    episodes, not two: whether any episode is in the year and whether any breaks it, each
    true only where some episode's condition is (as EXISTS: `coalesce(bool_or(...), false)`),
    false for a child with no episode."""
    same = f"e.la_code = {row}.la_code AND e.child_id = {row}.child_id"
    return f"(SELECT {_looked_after_test(row)} FROM episodes e WHERE {same})"


def _looked_after_test(row: str) -> str:
    """SQL: `continuously_looked_after`'s test, aggregated over the child's episodes `e`."""
    during = f"e.decom <= {row}.cy_end AND (e.dec >= {row}.cy_start OR e.dec IS NULL)"
    breaks = f"""(e.rne = 'S' AND e.decom > {row}.cy_start AND e.decom <= {row}.cy_end)
            OR (e.rec IS DISTINCT FROM 'X1' AND e.dec >= {row}.cy_start AND e.dec < {row}.cy_end)
            OR (e.ls IN {RESPITE} AND {during})"""
    return f"""coalesce(bool_or({during}), false)
            AND NOT coalesce(bool_or({breaks}), false)"""


def looked_after_by_year(rows: str) -> str:
    """SQL: the distinct la_code, child_id, cy_start and cy_end of `rows` (a table or CTE),
    each with `cla`: `continuously_looked_after`'s test, made once per child and year by one
    grouping of the children's episodes, for a LEFT JOIN (`coalesce(cla, false)`: a child
    with no episode is absent, and the test is false for it) in place of the correlated
    subquery per row, which DuckDB plans as a dependent join."""
    keys = "k.la_code, k.child_id, k.cy_start, k.cy_end"
    return f"""SELECT {keys}, {_looked_after_test("k")} AS cla
        FROM (SELECT DISTINCT la_code, child_id, cy_start, cy_end FROM {rows}) k
        JOIN episodes e ON e.la_code = k.la_code AND e.child_id = k.child_id
        GROUP BY {keys}"""


def looked_after_through(rows: str, alias: str) -> str:
    """SQL: `rows` (a table or CTE with la_code, child_id, cy_start, cy_end, under `alias`) but
    only those whose child was looked after continuously through the row's collection year
    (`continuously_looked_after`), the test made once per distinct child and year by one
    grouping of the children's episodes, which a semi join then looks up: as a correlated
    subquery DuckDB planned a dependent join per use (rule 187: ~15 of its ~21 ms CPU was
    planning). A NULL year matches a NULL year, as the correlated test saw it."""
    keys = "k.la_code, k.child_id, k.cy_start, k.cy_end"
    return f"""{rows} {alias} SEMI JOIN (SELECT {keys}
            FROM (SELECT DISTINCT la_code, child_id, cy_start, cy_end FROM {rows}) k
            JOIN episodes e ON e.la_code = k.la_code AND e.child_id = k.child_id
            GROUP BY {keys} HAVING {_looked_after_test("k")}) k
        ON k.la_code = {alias}.la_code AND k.child_id = {alias}.child_id
            AND k.cy_start IS NOT DISTINCT FROM {alias}.cy_start
            AND k.cy_end IS NOT DISTINCT FROM {alias}.cy_end"""
