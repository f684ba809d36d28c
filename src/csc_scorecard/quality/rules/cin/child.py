"""CIN census rules on the child's identifiers and characteristics."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.sql import valid_code

R = "cin"


def not_a_code(table: str, column: str, name: str) -> str:
    """SQL: `column` of a row of `table` holds a text that is not a code of list `name`
    (`valid_code`), looked up among the column's distinct texts that are not codes, each text
    tested once, not each row's against the list: a synthetic England's group holds about 20
    texts in 2 million rows, and in the fused scan of the table the list compared a code at a
    time on every row (over England's first CIN group, single thread, e.g. 4220's ethnicity
    0.06-0.08 CPU s in the scan of the children, alone 0.03). A lambda over the texts' list,
    not a filter on `SELECT DISTINCT`, which DuckDB pushes down to every row
    (cin/factors._factor_texts). A list whose codes depend on the year is tested row by row."""
    if "cy_end" in valid_code("f", name):
        return f"({column} IS NOT NULL AND NOT {valid_code(column, name)})"
    return f"""{column} IN (SELECT unnest(list_filter(list(DISTINCT {column}),
        lambda f: NOT {valid_code("f", name)})) FROM {table})"""


def hashes_repeated(key: str, table: str, where: str = "") -> str:
    """SQL: the hashes of `key` (SQL over a row of `table`; the rows meeting `where`) that two
    or more rows share, found by sorting every row's hash and comparing each with the one
    before it. Rows with an equal key have an equal hash, so a rule counting rows by key need
    count only the rows whose key's hash is one of these (a few more: a hash two keys share).
    Sorting 2 million 64-bit numbers costs less than grouping them, and grouping them less than
    grouping the keys' texts (England's first CIN group, two threads: 8510 0.45 -> 0.30, 1520
    0.35 -> 0.25 CPU s, wall less too)."""
    among = f" WHERE {where}" if where else ""
    return f"""SELECT h FROM (SELECT h, lag(h) OVER (ORDER BY h) AS before
        FROM (SELECT hash({key}) AS h FROM {table}{among})) WHERE h = before"""


# The derived table (rules.DERIVED, built once per run by quality.scope after `child`) of the
# hashes of a child's load and LAchildID that two or more `child` rows share (`child_repeats`).
CHILD_REPEATS = "child_repeats"


def child_repeats() -> str:
    """SQL building CHILD_REPEATS: the hashes of (load_id, child_id) two or more children share
    (`hashes_repeated`). Three rules look only at the children written more than once in one
    load (8510, 8794, 8790: each counts a child's records, or joins them together), and each
    found them by sorting or grouping every child's hash itself (England's first CIN group,
    2 million children, none repeated, single thread: 0.28, 0.28 and 0.23 CPU s); found once
    here (0.23), each reads only the rows whose hash is one of these (plus, for 8794 and 8790,
    the records able to meet them alone: 0.00, 0.04 and 0.03). A child's rows share its hash,
    so every row of a repeated child is among them; a hash two children share only brings a
    few more rows, which each rule's window (by the exact keys) tells apart."""
    return hashes_repeated("load_id, child_id", "child")


def repeated() -> str:
    """SQL: the `child` row is of a child whose load and LAchildID's hash another row shares
    (CHILD_REPEATS): a test for the few rows another condition kept (`repeated_children`)."""
    return f"hash(load_id, child_id) IN (SELECT h FROM {CHILD_REPEATS})"


def repeated_children() -> str:
    """SQL: the `child` rows of the children whose load and LAchildID's hash another row shares
    (CHILD_REPEATS), as a SEMI JOIN with it, not an IN test: DuckDB reads no child when it is
    empty (a synthetic England's), where the test read every child's every column (2 million:
    0.15 CPU s). A rule adding the rows able to meet it alone adds those of the others only
    (`NOT repeated()`), which its own scan filters first (8794: 0.16 -> 0.04 CPU s)."""
    return (
        f"SELECT c.* FROM child c SEMI JOIN {CHILD_REPEATS} r ON r.h = hash(c.load_id, c.child_id)"
    )


@rule(
    "8520",
    R,
    "Date of Birth is after data collection period (must be on or before the end of the census "
    "period)",
    fields=["PersonBirthDate"],
    column="date_of_birth",
)
def r8520() -> str:
    """PersonBirthDate after the reference date."""
    return "SELECT * FROM child WHERE date_of_birth > cy_end"


@rule("4180", R, "Gender is missing", fields=["Sex"], column="sex")
def r4180() -> str:
    """Sex (GenderCurrent to 2023-24) blank or not a sex code (`not_a_code`)."""
    return f"SELECT * FROM child WHERE sex IS NULL OR {not_a_code('child', 'sex', 'sex')}"


@rule(
    "4220",
    R,
    "Ethnicity is missing or invalid (see Ethnicity table)",
    fields=["Ethnicity"],
    column="ethnicity",
)
def r4220() -> str:
    """Ethnicity blank or not an ethnicity code (`not_a_code`)."""
    return f"""SELECT * FROM child
        WHERE ethnicity IS NULL OR {not_a_code("child", "ethnicity", "ethnicity")}"""


@rule(
    "8510",
    R,
    "More than one child record with the same LA Child ID",
    fields=["LAchildID"],
    column="child_id",
)
def r8510() -> str:
    """Two or more child records of one load with the same LAchildID: each of them, counted
    only among the children whose load and LAchildID's hash another child shares
    (`repeated_children`: CHILD_REPEATS, found once for the three rules reading it)."""
    return f"""SELECT * FROM ({repeated_children()})
        QUALIFY count(*) OVER (PARTITION BY la_code, load_id, child_id) > 1"""


@rule(
    "8525Q",
    R,
    "Please check and either amend or provide a reason: Either Date of Birth or Expected Date of "
    "Birth must be provided (but not both)",
    fields=["PersonBirthDate", "ExpectedPersonBirthDate"],
    column="date_of_birth",
)
def r8525q() -> str:
    """Both or neither of PersonBirthDate and ExpectedPersonBirthDate."""
    return """SELECT * FROM child
        WHERE (date_of_birth IS NULL) = (expected_date_of_birth IS NULL)"""
