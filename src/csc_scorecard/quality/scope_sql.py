"""The SQL the DfE rules' scope (quality.scope) builds its tables from: each return's loads in
scope, its rows of each canonical table as a scoped table (`table_sql`, `placed_sql`), its
children (`children_sql`), the CIN census Header (`census_header_sql`), and each row's
collection year in a synthetic England's multi-year load (`carried_until`). Text only: nothing
here runs a query (quality.scope does, and its docstring says what the tables hold)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from csc_scorecard.quality.rules import Return
from csc_scorecard.quality.rules.cin.common import CHILD_FACTS as CIN_CHILD_FACTS
from csc_scorecard.quality.rules.cin.identifiers import with_upn_check

SOURCE_FORMAT: dict[Return, str] = {"ssda903": "ssda903", "cin": "cin_census"}
# A load holding many collection years of both returns (`scorecard synth --england`): each row
# takes the collection year of the last return that would carry it (`carried_until`).
MULTI_YEAR = "synthetic_england"

# The date whose collection year is the last one a return carries a row in (the row's end, or
# its latest event; NULL: still open, so carried until the load's last year), for rows of a
# MULTI_YEAR load. CIN census: an episode, plan or CP plan is carried while open; an assessment
# in the year it is authorised (or started, while not authorised), a Section 47 enquiry in the
# year it starts or its ICPC is held, a CP review in the year it is held. SSDA903: an episode
# while open (DEC), a review or missing episode in its year, OC2 and OC3 in their collection
# year. A child (Header, ChildIdentifiers): the latest of its rows of that return.
CARRIED_UNTIL: dict[str, str] = {
    "cla_episodes": "t.dec",
    "cla_reviews": "t.review_date",
    "missing_episodes": "coalesce(t.end_date, t.start_date)",
    "cla_health": "make_date(t.collection_year, 3, 31)",
    "care_leavers": "make_date(t.collection_year, 3, 31)",
    "adoptions": "greatest(t.adm_decision_date, t.placement_order_date, t.matched_date, "
    "t.placed_date, t.adoption_order_date, t.decision_reversed_date)",
    "previous_permanence": "NULL",
    "cla_social_worker_episodes": "t.sw_dec",
    "dolo_orders": "t.end_date",
    "referrals": "t.closure_date",
    "assessments": "greatest(t.start_date, t.authorised_date)",
    "section47s": "greatest(t.start_date, t.icpc_date)",
    "cin_plans": "t.end_date",
    "cp_plans": "t.end_date",
    "cp_reviews": "t.review_date",
}

# DfE table name of each scoped table's rows (adoptions: AD1 or PlacedAdoption, decided per row).
DFE_TABLE: dict[str, str] = {
    "header": "'Header'",
    "episodes": "'Episodes'",
    "reviews": "'Reviews'",
    "missing": "'Missing'",
    "oc2": "'OC2'",
    "oc3": "'OC3'",
    "adoptions": "CASE WHEN t.ad1_row IS NOT NULL THEN 'AD1' "
    "WHEN t.placed_adoption_row IS NOT NULL THEN 'PlacedAdoption' "
    "WHEN t.matched_date IS NOT NULL OR t.number_adopters IS NOT NULL "
    "OR t.sex_adopters IS NOT NULL THEN 'AD1' ELSE 'PlacedAdoption' END",
    "placed": "'PlacedAdoption'",
    "prevperm": "'PrevPerm'",
    "sw": "'SWEpisodes'",
    "dolo": "'DoLo'",
    "child": "'ChildIdentifiers'",
    "referrals": "'CINdetails'",
    "assessments": "'Assessments'",
    "s47": "'Section47'",
    "plans": "'CINPlanDates'",
    "cpp": "'ChildProtectionPlans'",
    "cpreviews": "'Reviews'",
}

CHILDREN_VIEW = {"ssda903": "header", "cin": "child"}


def census_header_sql(loads: str, store: str = "main") -> str:
    """The CIN census Header of each load of the return (a synthetic England's loads have none),
    from what the store keeps of it: the census period ends on its ReferenceDate, and ingest
    records a ReferenceDate that is not 31 March, one it cannot read (the period then ends on 31
    March of Year) and a Year that disagrees with it or cannot be read (`cin_census_header`).
    `reference_date` NULL: not readable; `reference_date_text` its text as the file gives it
    when ingest recorded it; `year` the Year (NULL: not readable; the ReferenceDate's year when
    ingest recorded nothing, for then Year agreed with it or was not given); `row` the line of
    the ReferenceDate (or Year) ingest recorded."""
    return f"""WITH l AS ({loads}),
    i AS (SELECT load_id, field, rule, value, "row" FROM {store}.dq_issues
          WHERE field IN ('ReferenceDate', 'Year') AND load_id IN (SELECT load_id FROM l)),
    d AS (SELECT load_id, min("row") AS "row", max(value) AS text,
                 bool_or(rule <> 'reference_date' OR value IS NULL) AS unreadable
          FROM i WHERE field = 'ReferenceDate' GROUP BY load_id),
    y AS (SELECT load_id, min("row") AS "row", max(TRY_CAST(value AS INTEGER)) AS year,
                 bool_or(rule <> 'reference_date') AS unreadable
          FROM i WHERE field = 'Year' GROUP BY load_id)
    SELECT 'Header' AS _table, l.la_code, l.load_id, coalesce(d."row", y."row") AS "row",
           CAST(NULL AS VARCHAR) AS child_id,
           l.cy_start, l.cy_end,
           CASE WHEN d.unreadable THEN NULL ELSE l.cy_end END AS reference_date,
           d.text AS reference_date_text,
           CASE WHEN y.unreadable THEN NULL ELSE coalesce(y.year, year(l.cy_end)) END AS year
    FROM l LEFT JOIN d ON d.load_id = l.load_id LEFT JOIN y ON y.load_id = l.load_id
    WHERE NOT l.multi"""


def loads_sql(
    ret: Return,
    la_codes: Sequence[str] | None,
    load_ids: Sequence[int] | None,
    *,
    multi_year: bool = False,
    store: str = "main",
) -> str:
    formats = [SOURCE_FORMAT[ret], *([MULTI_YEAR] if multi_year else [])]
    where = ["source_format IN (" + ", ".join(lit(f) for f in formats) + ")"]
    if la_codes:
        where.append("la_code IN (" + ", ".join(lit(c) for c in la_codes) + ")")
    if load_ids is not None:
        where.append("load_id IN (" + (", ".join(str(int(i)) for i in load_ids) or "NULL") + ")")
    return (
        "SELECT load_id, la_code, period_start AS cy_start, period_end AS cy_end, "
        f"source_format = '{MULTI_YEAR}' AS multi, row_count "
        f"FROM {store}.loads WHERE " + " AND ".join(where)
    )


def unread(ret: Return, columns: Sequence[str]) -> tuple[str, ...]:
    """Of a canonical table's `columns`, those no rule of the return can read (CIN only): named
    nowhere in any CIN rule's query nor reported by one (`Rule.column`), and not a key. The
    scoped tables leave them out (`table_sql`, `children_sql`: `unread=`), so the tables built
    from them for a run write fewer columns: a synthetic England's group of 2.4 million
    referrals without `team_id` and `worker_id`, 2.1 million assessments without five columns
    and 2 million children without four, about 0.2 CPU s a CIN group."""
    if ret != "cin":
        return ()
    return tuple(c for c in columns if c not in _cin_read() and c not in KEPT)


# Columns every scoped table keeps (the fault rows' and the loads' keys; `source_row` is `row`).
KEPT = frozenset({"la_code", "child_id", "load_id", "source_row"})


@cache
def _cin_read() -> frozenset[str]:
    """Every name written in a CIN rule's query, and every column a CIN rule reports."""
    from csc_scorecard.quality.rules import rules

    read = set()
    for r in rules("cin"):
        read.update(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", r.sql))
        read.add(r.column)
    for sql, _ in CIN_CHILD_FACTS.values():  # the children's facts read the scoped referrals
        read.update(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", sql))
    return frozenset(read)


def _excluded(unread: Sequence[str]) -> str:
    return ", ".join(["source_row", *(ident(c) for c in unread)])


def table_sql(
    name: str, canonical: str, loads: str, store: str = "main", unread: Sequence[str] = ()
) -> str:
    if name == "placed":
        return placed_sql(loads, store)
    end = carried_until(canonical)
    return f"""WITH l AS ({loads})
    SELECT {DFE_TABLE[name]} AS _table, t.* EXCLUDE ({_excluded(unread)}), t.source_row AS "row",
           CASE WHEN l.multi THEN {cy_start(end)} ELSE l.cy_start END AS cy_start,
           CASE WHEN l.multi THEN {end} ELSE l.cy_end END AS cy_end
    FROM {store}."{canonical}" t JOIN l ON t.load_id = l.load_id
    WHERE NOT l.multi OR {in_a_return(canonical)}"""


def carried_until(canonical: str) -> str:
    """SQL (over `t`, a row of `canonical`, and `l`, its load) for the end (31 March) of the
    last collection year a return carries the row in, within the load's years: the year of
    CARRIED_UNTIL's date, the load's last year when that is NULL (still open). April to
    December are 275 days in every year, so a date 275 days on is in the calendar year its
    collection year ends in (1 April -> 1 January, 31 March -> 31 December): one date sum, not
    a month test and the date read twice."""
    day = f"least(coalesce({CARRIED_UNTIL[canonical]}, l.cy_end), l.cy_end)"
    return f"make_date(year({day} + 275), 3, 31)"


def in_a_return(canonical: str) -> str:
    """SQL: the row of a multi-year load is carried by one of its years' returns (a row that
    ended before the load's first collection year is history no return holds)."""
    return f"coalesce({CARRIED_UNTIL[canonical]}, l.cy_end) >= l.cy_start"


def cy_start(cy_end: str) -> str:
    """SQL: the first day (1 April) of the collection year ending on `cy_end`, a 31 March (as
    `carried_until` gives), made from its year rather than by interval arithmetic."""
    return f"make_date(year({cy_end}) - 1, 4, 1)"


def placed_sql(loads: str, store: str = "main") -> str:
    """The PlacedAdoption rows: each decision of `adoptions` that came from a PlacedAdoption row,
    at that row's line (also when an AD1 row of the same decision was paired with it); rows
    loaded before the store kept the source lines are told apart as `adoptions` tells them."""
    end = carried_until("adoptions")
    return f"""WITH l AS ({loads})
    SELECT 'PlacedAdoption' AS _table, t.* EXCLUDE (source_row),
           coalesce(t.placed_adoption_row, t.source_row) AS "row",
           CASE WHEN l.multi THEN {cy_start(end)} ELSE l.cy_start END AS cy_start,
           CASE WHEN l.multi THEN {end} ELSE l.cy_end END AS cy_end
    FROM {store}.adoptions t JOIN l ON t.load_id = l.load_id
    WHERE (t.placed_adoption_row IS NOT NULL OR (t.ad1_row IS NULL
        AND ({DFE_TABLE["adoptions"]}) = 'PlacedAdoption'))
      AND (NOT l.multi OR {in_a_return("adoptions")})"""


# A child loaded last from another return belongs to this one when it has a row of these tables
# (a looked-after child has episodes, a care leaver OC3; a child in need an episode of need).
MEMBERSHIP: dict[Return, tuple[str, ...]] = {
    "ssda903": ("cla_episodes", "care_leavers"),
    "cin": ("referrals",),
}
# What the rules read of a child's rows of the return's one MEMBERSHIP table, kept as columns
# of the return's children (`children_sql`): name -> (an aggregate over that table's row `t`,
# the value for a child with none of them, or None: NULL).
CHILD_FACTS: dict[Return, dict[str, tuple[str, str | None]]] = {"cin": CIN_CHILD_FACTS}


def children_sql(
    ret: Return,
    canonical: str,
    loads: str,
    store: str = "main",
    *,
    multi: bool = True,
    single: bool = True,
    unread: Sequence[str] = (),
    facts_from: str | None = None,
) -> str:
    """The return's children (`CHILDREN_VIEW`): the rows of `canonical` loaded from the return,
    of a MULTI_YEAR load's children with a row of the return, and loaded from another return
    for a child with a row of this one. `multi` / `single` False: the loads in scope (and so
    the authorities a `Scope.restrict` keeps) hold no MULTI_YEAR load / no other, and the
    parts reading them are left out, as DuckDB would still work out the look-ups they join
    (a synthetic England's CIN children, 2 million a group: 2.19 -> 1.76 CPU s). `facts_from`:
    the name of the return's scoped table of its MEMBERSHIP rows, built before the children
    (`quality.scope.BUILT_FIRST`), whose rows are those the facts and the year are worked out
    from (the same WHERE, `cy_end` already the year of a MULTI_YEAR load's row), grouped from
    it rather than from the store's table joined to its loads and tested again."""
    ids = " UNION ".join(
        f'SELECT t.la_code, t.child_id FROM {store}."{c}" t JOIN l ON t.load_id = l.load_id'
        for c in MEMBERSHIP[ret]
    )
    # a child of a multi-year load: the last year a return carries any of its rows
    carried = " UNION ALL ".join(
        f"SELECT t.la_code, t.child_id, {carried_until(c)} AS cy_end "
        f'FROM {store}."{c}" t JOIN l ON t.load_id = l.load_id WHERE l.multi AND {in_a_return(c)}'
        for c in MEMBERSHIP[ret]
    )
    carried = f"""SELECT la_code, child_id, max(cy_end) AS cy_end FROM ({carried})
                GROUP BY la_code, child_id"""
    facts = CHILD_FACTS.get(ret, {})
    if facts:
        # one grouping of the return's rows in scope by child for the year and the facts
        (c,) = MEMBERSHIP[ret]
        found = ", ".join(f"{sql} AS {name}" for name, (sql, _) in facts.items())
        carried = f"""SELECT t.la_code, t.child_id,
                max({carried_until(c)}) FILTER (WHERE l.multi) AS cy_end, {found}
            FROM {store}."{c}" t JOIN l ON t.load_id = l.load_id
            WHERE NOT l.multi OR {in_a_return(c)} GROUP BY t.la_code, t.child_id"""
        if facts_from:  # its rows' year: only a MULTI_YEAR load's (no join when all or none)
            year = "max(t.cy_end)" if not single else "CAST(NULL AS DATE)"
            joined = ""
            if multi and single:
                year = "max(t.cy_end) FILTER (WHERE l.multi)"
                joined = "JOIN l ON t.load_id = l.load_id"
            carried = f"""SELECT t.la_code, t.child_id, {year} AS cy_end, {found}
            FROM {facts_from} t {joined} GROUP BY t.la_code, t.child_id"""
    name = CHILDREN_VIEW[ret]
    head = f"""SELECT {DFE_TABLE[name]} AS _table, t.* EXCLUDE ({_excluded(unread)}),
        t.source_row AS "row","""

    def tail(row: str) -> str:  # the child's facts from its `carried` row (a default if none)
        return "".join(
            f", {row}.{n} AS {n}" if default is None else f", coalesce({row}.{n}, {default}) AS {n}"
            for n, (_, default) in facts.items()
        )

    with_facts = "LEFT JOIN carried f ON t.la_code = f.la_code AND t.child_id = f.child_id"
    with_facts = with_facts if facts else ""
    own = f"""{head} own.cy_start AS cy_start, own.cy_end AS cy_end{tail("f")}
    FROM {store}."{canonical}" t JOIN l own ON t.load_id = own.load_id
    {with_facts}
    WHERE NOT own.multi"""
    of_multi = f"""{head} {cy_start("c.cy_end")} AS cy_start, c.cy_end AS cy_end{tail("c")}
    FROM {store}."{canonical}" t JOIN l own ON t.load_id = own.load_id AND own.multi
    JOIN carried c ON t.la_code = c.la_code AND t.child_id = c.child_id
        AND c.cy_end IS NOT NULL"""
    if ret == "ssda903":
        # the 903 children of a multi-year load found by their keys alone, then their rows
        # taken by rowid: the join of every child's whole row (a synthetic England's 5.6
        # million, 400,655 of them the 903's) cost more (England's header, two threads, A B B
        # A x2, CPU s median 1.12 -> 1.01, the same rows)
        of_multi = f"""{head} {cy_start("c.cy_end")} AS cy_start, c.cy_end AS cy_end{tail("c")}
    FROM {store}."{canonical}" t JOIN (SELECT k.rowid AS _rid, c.cy_end
        FROM {store}."{canonical}" k JOIN l own ON k.load_id = own.load_id AND own.multi
        JOIN carried c ON k.la_code = c.la_code AND k.child_id = c.child_id
            AND c.cy_end IS NOT NULL) c ON t.rowid = c._rid"""
    other = f"""{head} latest.cy_start AS cy_start, latest.cy_end AS cy_end{tail("f")}
    FROM {store}."{canonical}" t JOIN latest ON t.la_code = latest.la_code
    {with_facts}
    WHERE t.load_id NOT IN (SELECT load_id FROM l)
      AND (t.la_code, t.child_id) IN (SELECT la_code, child_id FROM ids)"""
    parts = [
        *([own] if single else []),
        *([of_multi] if multi else []),
        *([other] if single else []),
    ]
    children = f"""WITH l AS ({loads}),
    latest AS (SELECT la_code, max(cy_start) AS cy_start, max(cy_end) AS cy_end
               FROM l WHERE NOT multi GROUP BY la_code),
    ids AS ({ids}),
    carried AS ({carried})
    """ + "\nUNION ALL\n".join(parts)
    # the CIN children with their UPN's check letter, worked out once here (rule 1510)
    return with_upn_check(children) if ret == "cin" else children


def lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
