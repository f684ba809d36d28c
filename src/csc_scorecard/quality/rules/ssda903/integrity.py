"""SSDA903 internal checks (INT*): each table's children are the Header's, with the Header's DOB
and SEX, and appear once where DfE wants one row per child. DfE codes and messages as the
data-to-insight validator (lac2022_23 on) writes them; logic per docs/quality.md.

What the canonical tables cannot show, ingest records as it reads the return (`scope.bad`):
a row for a child the Header lacks (`child_not_in_header`, ingest/ssda903.py) and a DOB or SEX
unlike the Header's (`differs_from_header`, ingest/ssda903_repeated.py), each naming its DfE
table first in the message. A rule reports the file's own table and row, for the scoped rows of
that child the same load still holds (a row a later return replaced is that return's to judge).
"""

from __future__ import annotations

from collections.abc import Collection

from csc_scorecard.quality.rules import rule

R = "ssda903"

# DfE table -> the scoped table holding its rows.
VIEW = {
    "AD1": "adoptions",
    "PlacedAdoption": "adoptions",
    "Episodes": "episodes",
    "Missing": "missing",
    "OC2": "oc2",
    "OC3": "oc3",
    "PrevPerm": "prevperm",
    "Reviews": "reviews",
    "UASC": "header",
}


INTEGRITY_X = "integrity_x"
# A row repeats its child when another row of its table has these (INT31-INT35).
_REPEAT_KEY = ("la_code", "load_id", "child_id")

# DfE tables whose rows can repeat a child (INT31-INT35) -> the scoped table holding them.
REPEATS = {
    "AD1": "adoptions",
    "Header": "header",
    "OC2": "oc2",
    "OC3": "oc3",
    "PrevPerm": "prevperm",
}


def integrity_x(present: Collection[str]) -> str | None:
    """`integrity_x`, built once per run from the tables the run has (`present`): every fault
    row of the INT rules, as fault rows of the file's table and row (`_table`, `row`) with the
    child's scoped row's authority and year, `issue` saying which check it fails and `bad_text`
    the value reported:
    * `child_not_in_header`, `differs_from_header` (with `bad_field`, DOB or SEX): the rows of
      a DfE table ingest recorded the issue for (the DfE table first in the issue's message),
      for a child the same load's scoped rows of that table still hold; `bad_text` the value
      read;
    * `repeated`: the rows of a table of REPEATS whose child has another row of that table from
      the same load (the file listed the child twice); `bad_text` the child;
    * `uasc_repeated`: the UASC rows ingest recorded as sharing the children key, where the
      child has one Header row in that load; `bad_text` the child.
    None when the run has none of these tables."""
    parts = []
    dfes = [dfe for dfe, view in VIEW.items() if view in present]
    if dfes:
        # one join of the recorded issues to the keys of every table of VIEW, each issue to
        # its DfE table's (`v`): not one part per DfE table, each finding no row where ingest
        # recorded none (the benchmark's 101,000 episodes: integrity_x 37 -> 33 ms CPU)
        views = sorted({VIEW[dfe] for dfe in dfes})
        keys = " UNION ALL ".join(
            f"SELECT '{v}' AS v, la_code, load_id, child_id, cy_end FROM {v}" for v in views
        )
        which = " ".join(f"WHEN '{dfe}' THEN '{VIEW[dfe]}'" for dfe in dfes)
        parts.append(f"""SELECT DISTINCT b.dfe AS _table, t.la_code, t.load_id, b."row",
            t.child_id, t.cy_end, b.rule AS issue, b.field AS bad_field, b.value AS bad_text
            FROM (SELECT *, CASE dfe {which} END AS v FROM (SELECT *,
                split_part(message, ':', 1) AS dfe FROM bad
                WHERE rule IN ('child_not_in_header', 'differs_from_header'))) b
            JOIN ({keys}) t ON t.v = b.v AND t.load_id = b.load_id AND t.child_id = b.child_id""")
    for dfe, view in REPEATS.items():
        if view not in present:
            continue
        which = f" WHERE _table = '{dfe}'" if view == "adoptions" else ""
        # the children listed twice found by one grouping, then their rows by a semi join (a
        # count over a window partitioned by child cost 0.024 against 0.009 CPU s on 53,500
        # PrevPerm rows); IS NOT DISTINCT FROM, as a partition puts NULL keys together
        same = " AND ".join(f"t.{k} IS NOT DISTINCT FROM d.{k}" for k in _REPEAT_KEY)
        parts.append(f"""SELECT t._table, t.la_code, t.load_id, t."row", t.child_id, t.cy_end,
            'repeated' AS issue, NULL AS bad_field, CAST(t.child_id AS VARCHAR) AS bad_text
            FROM (FROM {view}{which}) t SEMI JOIN (SELECT {", ".join(_REPEAT_KEY)}
                FROM {view}{which} GROUP BY ALL HAVING count(*) > 1) d ON {same}""")
    if "header" in present:
        parts.append("""SELECT DISTINCT 'UASC' AS _table, h.la_code, h.load_id, b."row",
            h.child_id, h.cy_end, 'uasc_repeated' AS issue, NULL AS bad_field,
            b.child_id AS bad_text FROM bad b JOIN header h
            ON h.load_id = b.load_id AND h.child_id = b.child_id
            WHERE b.rule = 'duplicate_key' AND b.table_name = 'children'
            AND (SELECT count(*) FROM header x WHERE x.load_id = b.load_id
                AND x.child_id = b.child_id) = 1""")
    return "\n        UNION ALL\n        ".join(parts) or None


def recorded(issue: str, dfe_table: str, field: str | None = None) -> str:
    """The rows of `dfe_table` ingest recorded an `issue` for (on `field`), as fault rows of
    the file's table and row, with the value read (`integrity_x`)."""
    on_field = f" AND bad_field = '{field}'" if field else ""
    return f"""SELECT * FROM {INTEGRITY_X}
        WHERE _table = '{dfe_table}' AND issue = '{issue}'{on_field}"""


def not_in_header(dfe_table: str) -> str:
    return recorded("child_not_in_header", dfe_table)


def differs(dfe_table: str, field: str = "DOB") -> str:
    return recorded("differs_from_header", dfe_table, field)


def repeated(dfe_table: str) -> str:
    """Rows of `dfe_table` whose child has another row of that table from the same load: the
    file listed the child twice (`integrity_x`)."""
    return f"SELECT * FROM {INTEGRITY_X} WHERE _table = '{dfe_table}' AND issue = 'repeated'"


# --- INT01-INT09: a child of the table is not in the Header ------------------------------------


@rule(
    "INT01",
    R,
    "Data Integrity Check: Child in AD1 does not exist in Header.",
    fields=["CHILD"],
    column="bad_text",
    reads=("adoptions",),
)
def rint01() -> str:
    """An AD1 row whose CHILD the return's Header does not list."""
    return not_in_header("AD1")


@rule(
    "INT02",
    R,
    "Internal Check: Child in PlacedAdoption does not exist in Header.",
    fields=["CHILD"],
    column="bad_text",
    reads=("adoptions",),
)
def rint02() -> str:
    """A PlacedAdoption row whose CHILD the return's Header does not list."""
    return not_in_header("PlacedAdoption")


@rule(
    "INT03",
    R,
    "Internal Check: Child in Episodes does not exist in Header.",
    fields=["CHILD"],
    column="bad_text",
    reads=("episodes",),
)
def rint03() -> str:
    """An Episodes row whose CHILD the return's Header does not list."""
    return not_in_header("Episodes")


@rule(
    "INT04",
    R,
    "Internal Check: Child in Missing does not exist in Header.",
    fields=["CHILD"],
    column="bad_text",
    reads=("missing",),
)
def rint04() -> str:
    """A Missing row whose CHILD the return's Header does not list."""
    return not_in_header("Missing")


@rule(
    "INT05",
    R,
    "Internal Check: Child in OC2 does not exist in Header.",
    fields=["CHILD"],
    column="bad_text",
    reads=("oc2",),
)
def rint05() -> str:
    """An OC2 row whose CHILD the return's Header does not list."""
    return not_in_header("OC2")


@rule(
    "INT06",
    R,
    "Internal Check: Child in OC3 does not exist in Header.",
    fields=["CHILD"],
    column="bad_text",
    reads=("oc3",),
)
def rint06() -> str:
    """An OC3 row whose CHILD the return's Header does not list."""
    return not_in_header("OC3")


@rule(
    "INT07",
    R,
    "Internal Check: Child in PrevPerm does not exist in Header.",
    fields=["CHILD"],
    column="bad_text",
    reads=("prevperm",),
)
def rint07() -> str:
    """A PrevPerm row whose CHILD the return's Header does not list."""
    return not_in_header("PrevPerm")


@rule(
    "INT08",
    R,
    "Internal Check: Child in Reviews does not exist in Header.",
    fields=["CHILD"],
    column="bad_text",
    reads=("reviews",),
)
def rint08() -> str:
    """A Reviews row whose CHILD the return's Header does not list."""
    return not_in_header("Reviews")


@rule(
    "INT09",
    R,
    "Internal Check: Child in UASC does not exist in Header.",
    fields=["CHILD"],
    column="bad_text",
    reads=("header",),
)
def rint09() -> str:
    """A UASC row whose CHILD the return's Header does not list (the child is kept, from UASC)."""
    return not_in_header("UASC")


# --- INT11-INT21: the table's DOB (SEX) is not the Header's -------------------------------------


@rule(
    "INT11",
    R,
    "Internal Check: DOB in AD1 is different to DOB in Header.",
    fields=["DOB"],
    column="bad_text",
    reads=("adoptions",),
)
def rint11() -> str:
    """AD1 DOB and the Header's DOB are both valid dates and differ."""
    return differs("AD1")


@rule(
    "INT12",
    R,
    "Internal Check: DOB in PlacedAdoption is different to DOB in Header.",
    fields=["DOB"],
    column="bad_text",
    reads=("adoptions",),
)
def rint12() -> str:
    """PlacedAdoption DOB and the Header's DOB are both valid dates and differ."""
    return differs("PlacedAdoption")


@rule(
    "INT13",
    R,
    "Internal Check: DOB in Missing is different to DOB in Header.",
    fields=["DOB"],
    column="bad_text",
    reads=("missing",),
)
def rint13() -> str:
    """Missing DOB and the Header's DOB are both valid dates and differ."""
    return differs("Missing")


@rule(
    "INT14",
    R,
    "Internal Check: DOB in OC2 is different to DOB in Header.",
    fields=["DOB"],
    column="bad_text",
    reads=("oc2",),
)
def rint14() -> str:
    """OC2 DOB and the Header's DOB are both valid dates and differ."""
    return differs("OC2")


@rule(
    "INT15",
    R,
    "Internal Check: DOB in OC3 is different to DOB in Header.",
    fields=["DOB"],
    column="bad_text",
    reads=("oc3",),
)
def rint15() -> str:
    """OC3 DOB and the Header's DOB are both valid dates and differ."""
    return differs("OC3")


@rule(
    "INT16",
    R,
    "Internal Check: DOB in PrevPerm is different to DOB in Header.",
    fields=["DOB"],
    column="bad_text",
    reads=("prevperm",),
)
def rint16() -> str:
    """PrevPerm DOB and the Header's DOB are both valid dates and differ."""
    return differs("PrevPerm")


@rule(
    "INT17",
    R,
    "Internal Check: DOB in Reviews is different to DOB in Header.",
    fields=["DOB"],
    column="bad_text",
    reads=("reviews",),
)
def rint17() -> str:
    """Reviews DOB and the Header's DOB are both valid dates and differ."""
    return differs("Reviews")


@rule(
    "INT18",
    R,
    "Internal Check: DOB in UASC is different to DOB in Header.",
    fields=["DOB"],
    column="bad_text",
    reads=("header",),
)
def rint18() -> str:
    """UASC DOB and the Header's DOB are both valid dates and differ."""
    return differs("UASC")


@rule(
    "INT21",
    R,
    "Internal Check: SEX in UASC is different to SEX in Header.",
    fields=["SEX"],
    column="bad_text",
    reads=("header",),
)
def rint21() -> str:
    """UASC SEX and the Header's SEX are both given and differ (1/2 read as M/F, as the
    Header's are)."""
    return differs("UASC", "SEX")


# --- INT31-INT36: the child appears more than once ----------------------------------------------


@rule(
    "INT31",
    R,
    "Internal Check: Child should only exist once in AD1.",
    fields=["CHILD"],
    column="bad_text",
    reads=("adoptions",),
)
def rint31() -> str:
    """Two or more AD1 rows of one child in one return."""
    return repeated("AD1")


@rule(
    "INT32",
    R,
    "Internal Check: Child should only exist once in Header.",
    fields=["CHILD"],
    column="bad_text",
    reads=("header",),
)
def rint32() -> str:
    """Two or more Header rows of one child in one return (the store keeps both)."""
    return repeated("Header")


@rule(
    "INT33",
    R,
    "Internal Check: Child should only exist once in OC2.",
    fields=["CHILD"],
    column="bad_text",
    reads=("oc2",),
)
def rint33() -> str:
    """Two or more OC2 rows of one child in one return."""
    return repeated("OC2")


@rule(
    "INT34",
    R,
    "Internal Check: Child should only exist once in OC3.",
    fields=["CHILD"],
    column="bad_text",
    reads=("oc3",),
)
def rint34() -> str:
    """Two or more OC3 rows of one child in one return."""
    return repeated("OC3")


@rule(
    "INT35",
    R,
    "Internal Check: Child should only exist once in PrevPerm.",
    fields=["CHILD"],
    column="bad_text",
    reads=("prevperm",),
)
def rint35() -> str:
    """Two or more PrevPerm rows of one child in one return."""
    return repeated("PrevPerm")


@rule(
    "INT36",
    R,
    "Internal Check: Child should only exist once in UASC.",
    fields=["CHILD"],
    column="bad_text",
    reads=("header",),
)
def rint36() -> str:
    """Two or more UASC rows of one child in one return. The children table keeps a Header
    child's UASC status once, so the repeats are the rows ingest recorded as sharing the
    children key where the child has one Header row in that load (a child with two is a
    repeated Header row, or a UASC-only child listed twice: INT32 reports those)."""
    return f"SELECT * FROM {INTEGRITY_X} WHERE issue = 'uasc_repeated'"
