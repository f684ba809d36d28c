"""Tables derived once per run for the SSDA903 rules on social-worker episodes, DoLO orders,
missing periods, the Header's own checks, reviews and last year's return (issue 11: the rules
as row filters). Each holds the rows of one scoped table, keeping its identifying columns
(rules.KEY) and every column of the row, with the columns the rules over it need worked out
once per run: a child's neighbouring rows (window functions), per-child facts from other tables,
and whether `bad` holds the raw text of a value ingest could not read (`*_bad`) with that text
(`*_text`). The rules reading them are plain row filters, which the runner fuses into one scan
of each table (`runner.row_filter`, `fused_query`) instead of a statement of their own each.

A table is registered in rules.DERIVED with every scoped table it reads (`derived_bases`), so
a rule over it runs exactly where it ran before: where each of those tables has rows. Tables
that would read different sets of tables are kept apart for that reason (`sw_c` reads SWEpisodes
alone; `episodes_sw` episodes and SWEpisodes)."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list
from csc_scorecard.quality.rules.sql import (
    RAA_URN,
    RESPITE,
    bad_value,
    in_bad,
    of_children_in,
    periods_numbered,
)

SW_C = "sw_c"
KEY_COLUMNS = ("_table", "la_code", "load_id", '"row"', "child_id", "cy_end")


def _bad(alias: str, column: str) -> str:
    """SQL: `bad` holds a raw text on row `alias`'s line of its load for `column`, whatever
    the child (as the SWEpisodes rules ask)."""
    return in_bad(alias, column, any_child=True)


def _bad_text(alias: str, column: str) -> str:
    """SQL: the raw text `bad` holds for row `alias`'s `column` (`sql.bad_value`)."""
    return f"(SELECT min(b.value) FROM bad b WHERE {bad_value('b', alias, column)})"


def _keep(alias: str, *columns: str) -> str:
    """SQL: row `alias`'s identifying columns (rules.KEY) and `columns`, the ones its rules
    read: a table of many rows keeps no more (writing every column of the Header, the reviews
    or the episodes again cost more than the rules' own statements did)."""
    return ", ".join(f"{alias}.{c}" for c in (*KEY_COLUMNS, *columns))


def _with_rows(*tables: str) -> str:
    """SQL: each of `tables` has a row. A table here that reads one without rows is built empty
    (cheaply: this condition is worked out once), as every rule reading it needs all its tables
    to have rows (rules.DERIVED) and so does not run: last year's return, the provider list and
    SWEpisodes are often not given."""
    return " AND ".join(f"EXISTS (SELECT 1 FROM {t})" for t in tables)


def _unreadable(alias: str, column: str) -> str:
    """SQL: row `alias`'s `column` has a raw text in `bad` (`sql.bad_value`: the child too)."""
    return in_bad(alias, column)


def sw_c() -> str:
    """SWEpisodes rows, each with: the child's episodes in order of SW_DECOM (blank last), then
    SW_DEC (blank last), then file order: `prev_dec` (the SW_DEC of the episode before),
    `has_prev`, `last_one` (the child's last episode); `latest` (first by SW_DECOM descending,
    blank last, then file order: the child's latest); `same_start_before` (an earlier row in
    file order of the child has the same SW_DECOM); `sw_decom_bad`, `sw_dec_bad` (a raw text
    on the row's line: given, not readable) and `sw_decom_text`, `sw_dec_text` with
    `sw_decom_unreadable`, `sw_dec_unreadable` (the text of the child's row: `sql.bad_value`)."""
    w = 'PARTITION BY la_code, child_id ORDER BY sw_decom NULLS LAST, sw_dec NULLS LAST, load_id, "row"'
    latest = 'PARTITION BY la_code, child_id ORDER BY sw_decom DESC NULLS LAST, load_id, "row"'
    same = 'PARTITION BY la_code, child_id, sw_decom ORDER BY load_id, "row"'
    return f"""SELECT s.*, lag(sw_dec) OVER ({w}) AS prev_dec,
        row_number() OVER ({w}) = count(*) OVER (PARTITION BY la_code, child_id) AS last_one,
        row_number() OVER ({w}) > 1 AS has_prev,
        row_number() OVER ({latest}) = 1 AS latest,
        row_number() OVER ({same}) > 1 AS same_start_before,
        {_bad("s", "sw_decom")} AS sw_decom_bad, {_bad("s", "sw_dec")} AS sw_dec_bad,
        {_unreadable("s", "sw_decom")} AS sw_decom_unreadable,
        {_unreadable("s", "sw_dec")} AS sw_dec_unreadable,
        {_bad_text("s", "sw_decom")} AS sw_decom_text, {_bad_text("s", "sw_dec")} AS sw_dec_text
        FROM sw s"""


EPISODES_SW = "episodes_sw"


def episodes_sw() -> str:
    """The episodes open at 31 March (no DEC) that are not short breaks (V3, V4), the ones rules
    SW01 and SW12 look at, each with what the child's SWEpisodes rows say: `sw_none` (none),
    `sw_incomplete` (one lacks SW_ID, SW_DECOM or SW_REASON) and `sw_since` (one began on or
    before the later of the start of the social-worker reporting period (1 April of the year
    before from 2024-25; of the collection year in 2023-24) and the DECOM of the child's first
    episode open in that time)."""
    since = """CASE WHEN year(e.cy_end) >= 2025 THEN e.cy_start - INTERVAL 1 YEAR
        ELSE e.cy_start END"""
    same = "s.la_code = e.la_code AND s.child_id = e.child_id"
    return f"""SELECT {_keep("e", "decom", "dec", "ls")},
        NOT EXISTS (SELECT 1 FROM sw s WHERE {same}) AS sw_none,
        EXISTS (SELECT 1 FROM sw s WHERE {same}
            AND (s.sw_id IS NULL OR s.sw_decom IS NULL OR s.sw_reason IS NULL)) AS sw_incomplete,
        EXISTS (SELECT 1 FROM sw s WHERE {same} AND s.sw_decom <= greatest({since},
                (SELECT min(f.decom) FROM episodes f WHERE f.la_code = e.la_code
                 AND f.child_id = e.child_id AND (f.dec IS NULL OR f.dec >= {since}))))
            AS sw_since
        FROM episodes e WHERE e.dec IS NULL AND NOT coalesce(e.ls IN {RESPITE}, false)
            AND {_with_rows("sw")}"""


DOLO_C = "dolo_c"


def dolo_c() -> str:
    """DoLO orders, each with the one before it among the child's orders in order of their end
    (an open order at its start) then start, then file order: `has_prev`, `prev_end` (its
    DOLO_END), `prev_open` (it has none); and `end_date_unreadable` with `end_date_text` (the
    raw text of a DOLO_END ingest could not read)."""
    order = """PARTITION BY la_code, child_id
        ORDER BY coalesce(end_date, start_date), start_date, load_id, "row" """
    return f"""SELECT o.*, lag(end_date) OVER ({order}) AS prev_end,
        lag(end_date IS NULL) OVER ({order}) AS prev_open,
        row_number() OVER ({order}) > 1 AS has_prev,
        {_unreadable("o", "end_date")} AS end_date_unreadable,
        {_bad_text("o", "end_date")} AS end_date_text
        FROM dolo o"""


def periods_of(table: str) -> str:
    """The episodes with a DECOM numbered by period of care (`sql.periods_numbered`), of the
    children with a row of `table` only: a period is worked out within one child's episodes,
    so leaving the other children out changes none, and a table of a few hundred DoLO orders
    or missing periods no longer numbers every child's. The children are chosen before the
    window (DuckDB does not push the filter below it: it numbered all 101,000 episodes)."""
    return periods_numbered(of=table)


def episodes_of(table: str, *columns: str) -> str:
    """The episodes' `columns` (with la_code, child_id) of the children with a row of `table`
    only, for the look-ups of a derived table of a few hundred rows: each EXISTS over every
    episode hashed all 101,000 of them."""
    return f"""SELECT la_code, child_id, {", ".join(columns)} FROM episodes
        WHERE {of_children_in(table)}"""


def periods_of_care(table: str) -> str:
    """The periods of care of each child with a row of `table` (`periods_of`), from the
    episodes with a DECOM, in DECOM order: a period starts at a child's first episode and at
    each episode starting after the previous one ended; `poc_start` is its first DECOM,
    `poc_end` the DEC of its last episode (blank while open)."""
    return f"""SELECT la_code, child_id, period, min(decom) AS poc_start,
            arg_max_null(dec, n) AS poc_end
        FROM ({periods_of(table)}) GROUP BY la_code, child_id, period"""


def outside_every_period_of_care(a: str) -> str:
    """SQL: row `a` (with start_date and end_date; `p`: the periods of care, `periods_of_care`)
    starts and fits none of the child's periods of care: for every period, the row has no end
    and the period has ended or began after the row's start, or the row ends after the period's
    end or before its start. A child with no episodes is not checked. Rules 577 (missing
    periods) and 707 (DoLO orders)."""
    outside = f"""(coalesce({a}.end_date IS NULL AND p.poc_end IS NOT NULL, false)
        OR coalesce({a}.end_date IS NULL AND {a}.start_date < p.poc_start, false)
        OR coalesce({a}.end_date > p.poc_end, false) OR coalesce({a}.end_date < p.poc_start, false))"""
    return f"""({a}.start_date IS NOT NULL
        AND EXISTS (SELECT 1 FROM p WHERE p.la_code = {a}.la_code AND p.child_id = {a}.child_id)
        AND NOT EXISTS (SELECT 1 FROM p WHERE p.la_code = {a}.la_code AND p.child_id = {a}.child_id
            AND NOT {outside}))"""


DOLO_E = "dolo_e"
# The placements DfE expects during an order (709) and those it refuses (710): DfE's lists in
# the rules' texts, not code lists of their own.
DOLO_EXPECTED = in_list("K2", "Z12", "Z13")
DOLO_REFUSED = in_list("K1", "P1", "R5", "K3")


def dolo_e() -> str:
    """DoLO orders, each with what the child's episodes say: `outside_care` (it fits none of
    the child's periods of care: `outside_every_period_of_care`), and for an order overlapping
    an episode (DECOM up to DOLO_END, DEC blank or from DOLO_START) `placed_unexpected` (one is
    placed other than K2, Z12 or Z13, a blank PLACE too) and `placed_refused` (one is placed
    in K1, P1, R5 or K3)."""

    def placed(where: str) -> str:
        return f"""EXISTS (SELECT 1 FROM ed e WHERE e.la_code = o.la_code
            AND e.child_id = o.child_id AND e.decom <= o.end_date
            AND (e.dec IS NULL OR e.dec >= o.start_date) AND {where})"""

    return f"""WITH p AS ({periods_of_care("dolo")}),
        ed AS ({episodes_of("dolo", "decom", "dec", "place")})
        SELECT o.*, {outside_every_period_of_care("o")} AS outside_care,
            {placed(f"coalesce(e.place, '') NOT IN {DOLO_EXPECTED}")} AS placed_unexpected,
            {placed(f"e.place IN {DOLO_REFUSED}")} AS placed_refused
        FROM dolo o"""


MISSING_C = "missing_c"


def missing_c() -> str:
    """Missing periods, each with the child's period before it in order of their end (an open
    one by its start), then start, then file order: `has_prev`, `prev_end` (its MIS_END); and
    `start_date_bad` (a raw MIS_START text on the row's line: given, not readable)."""
    w = """PARTITION BY la_code, child_id
        ORDER BY coalesce(end_date, start_date) NULLS LAST, start_date NULLS LAST, load_id, "row" """
    return f"""SELECT m.*, coalesce(lag(true) OVER ({w}), false) AS has_prev,
        lag(end_date) OVER ({w}) AS prev_end, {_bad("m", "start_date")} AS start_date_bad
        FROM missing m"""


MISSING_E = "missing_e"


def missing_e() -> str:
    """Missing periods, each with what the child's episodes say: `has_episodes`; `in_episode`
    (MIS_START falls in an episode: DECOM to DEC, or open); `in_ended_episode` (it falls from
    DECOM to DEC of an episode that has ended); `outside_care` (the period fits none of the
    child's periods of care: `outside_every_period_of_care`); and `start_outside_care` (the
    child has a period of care and MIS_START is in none of them: before it began or after it
    ended, a period here running from its first DECOM to its last episode's DEC)."""
    same = "e.la_code = m.la_code AND e.child_id = m.child_id"
    return f"""WITH p AS ({periods_of_care("missing")}),
        em AS ({episodes_of("missing", "decom", "dec")}),
        poc AS (SELECT la_code, child_id, min(decom) AS poc_start,
                nullif(arg_max(coalesce(dec, DATE '9999-12-31'), n), DATE '9999-12-31') AS poc_end
            FROM ({periods_of("missing")}) GROUP BY la_code, child_id, period)
        SELECT m.*, EXISTS (SELECT 1 FROM em e WHERE {same}) AS has_episodes,
            EXISTS (SELECT 1 FROM em e WHERE {same} AND m.start_date >= e.decom
                AND (m.start_date <= e.dec OR e.dec IS NULL)) AS in_episode,
            EXISTS (SELECT 1 FROM em e WHERE {same}
                AND m.start_date BETWEEN e.decom AND e.dec) AS in_ended_episode,
            {outside_every_period_of_care("m")} AS outside_care,
            (m.start_date IS NOT NULL
             AND EXISTS (SELECT 1 FROM poc WHERE poc.la_code = m.la_code
                 AND poc.child_id = m.child_id)
             AND NOT EXISTS (SELECT 1 FROM poc WHERE poc.la_code = m.la_code
                 AND poc.child_id = m.child_id AND m.start_date >= poc.poc_start
                 AND (poc.poc_end IS NULL OR m.start_date <= poc.poc_end))) AS start_outside_care
        FROM missing m"""


HEADER_C = "header_c"


def header_c() -> str:
    """Header rows, each with: `upn_count` (Header rows of the authority's return giving the
    same UPN); `mother_bad`, `mc_dob_bad` (a raw MOTHER, MC_DOB text on the row's line: given,
    not readable); `uasc_ceased_date_unreadable` and `uasc_ceased_date_text` (the raw text of a
    DUC ingest could not read: `sql.bad_value`), and `uasc_ceased_date_shown`: that text, or
    the DUC read."""
    kept = _keep("h", "cy_start", "sex", "upn", "mother", "mc_dob", "uasc_ceased_date")
    return f"""SELECT {kept}, count(*) OVER (PARTITION BY la_code, cy_end, upn) AS upn_count,
        {_bad("h", "mother")} AS mother_bad, {_bad("h", "mc_dob")} AS mc_dob_bad,
        {_unreadable("h", "uasc_ceased_date")} AS uasc_ceased_date_unreadable,
        {_bad_text("h", "uasc_ceased_date")} AS uasc_ceased_date_text,
        CASE WHEN h.uasc_ceased_date IS NULL THEN {_bad_text("h", "uasc_ceased_date")}
            ELSE CAST(h.uasc_ceased_date AS VARCHAR) END AS uasc_ceased_date_shown
        FROM header h"""


HEADER_EO = "header_eo"


def header_eo() -> str:
    """Header rows (MOTHER kept), each with `has_episodes` (the child has an episode), `has_oc3` (an OC3 row)
    and `oc3_given` (an OC3 row with IN_TOUCH, ACTIV or ACCOM given)."""
    same = "la_code = h.la_code AND x.child_id = h.child_id"
    given = "(x.in_touch IS NOT NULL OR x.activity IS NOT NULL OR x.accommodation IS NOT NULL)"
    return f"""SELECT {_keep("h", "mother")},
        EXISTS (SELECT 1 FROM episodes x WHERE x.{same}) AS has_episodes,
        EXISTS (SELECT 1 FROM oc3 x WHERE x.{same}) AS has_oc3,
        EXISTS (SELECT 1 FROM oc3 x WHERE x.{same} AND {given}) AS oc3_given
        FROM header h"""


REVIEWS_H = "reviews_h"
# Participation codes that depend on the child's age: PN0 (under 4), PN1-PN7 (4 or over).
PARTICIPATION = in_list("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")


def reviews_h() -> str:
    """The reviews with a participation code PN0-PN7 that disagrees with the child's age at the
    review (those rules 440 and 441 can flag: PN0, under 4, after the 4th birthday; PN1-PN7,
    4 or over, before it), each with `date_of_birth`, the child's DOB (the Header's): a review
    is repeated for each Header row of its child, none when the child has no Header row. Only
    those rows: most reviews agree (101,000 episodes: 251,640 reviews written, 41,960 now).
    The 4th birthday worked out once per Header row, as a date (a DATE plus years is a
    timestamp at midnight: the same comparisons), not per review and Header pair."""
    return f"""WITH h AS (SELECT la_code, child_id, date_of_birth,
            CAST(date_of_birth + INTERVAL 4 YEAR AS DATE) AS fourth FROM header)
        SELECT {_keep("r", "review_date", "review_code")}, h.date_of_birth
        FROM reviews r JOIN h ON h.la_code = r.la_code AND h.child_id = r.child_id
        WHERE r.review_code IN {PARTICIPATION} AND CASE WHEN r.review_code = 'PN0'
            THEN r.review_date > h.fourth ELSE r.review_date < h.fourth END"""


def differ(a: str, b: str) -> str:
    """SQL: `a` and `b` differ, a blank beside a value counting as different and two blanks
    as the same (`IS DISTINCT FROM`, written so that a rule stays a plain row filter)."""
    return f"coalesce({a} <> {b}, ({a} IS NULL) <> ({b} IS NULL))"


HEADER_L = "header_l"
# The Header columns `header_l` carries of last year's row, as `last_<column>`.
HEADER_LAST = ("sex", "date_of_birth", "ethnicity", "mother", "upn", "mc_dob", "uasc",
               "uasc_ceased_date", "cy_start", "cy_end")  # fmt: skip


def header_l() -> str:
    """Header rows, each with the child's row on last year's Header (matched by CHILD, as the
    two returns are of the same authority): `last_found` and `last_<column>` for the columns of
    HEADER_LAST, a row per row of last year's for the child (blank `last_*` and `last_found`
    false when it has none); and `last_any` (last year's Header has a row) and
    `last_uasc_given` (one of its rows has UASC given)."""
    last = ", ".join(f"l.{c} AS last_{c}" for c in HEADER_LAST)
    return f"""SELECT h.*, l.child_id IS NOT NULL AS last_found, {last},
        EXISTS (SELECT 1 FROM header_last) AS last_any,
        EXISTS (SELECT 1 FROM header_last u WHERE u.uasc IS NOT NULL) AS last_uasc_given
        FROM header h LEFT JOIN header_last l ON l.child_id = h.child_id
        WHERE {_with_rows("header_last")}"""


EPISODES_L = "episodes_l"
# The episode columns `episodes_l` carries of the child's latest episode last year.
EPISODES_LAST = ("decom", "dec", "rne", "ls", "cin", "place", "place_provider", "urn")


def latest_last() -> str:
    """SQL: each child's latest episode in last year's return (latest DECOM, then file order)."""
    return """(SELECT * FROM episodes_last WHERE decom IS NOT NULL QUALIFY row_number() OVER (
        PARTITION BY child_id ORDER BY decom DESC, load_id, "row") = 1)"""


def episodes_l() -> str:
    """The episodes its rules look at (a child's first, or starting before 1 April), each with:
    `is_first` (the child's first episode: earliest DECOM, then file
    order), `is_first_before_start` (the first of the child's episodes starting before 1 April
    of its collection year); what last year's return holds of the child (matched by CHILD):
    `has_last` (an episode), `open_last_other_start` (an episode with no DEC that starts on
    another date than this one, or this one has no DECOM), and of its latest episode
    (`latest_last`) `latest_found` and `latest_<column>` for the columns of EPISODES_LAST."""
    first = 'PARTITION BY la_code, child_id, decom IS NULL ORDER BY decom, load_id, "row"'
    before = """PARTITION BY la_code, child_id, coalesce(decom < cy_start, false)
        ORDER BY decom, load_id, "row" """
    latest = ", ".join(f"l.{c} AS latest_{c}" for c in EPISODES_LAST)
    kept = _keep("e", "cy_start", *EPISODES_LAST, "is_first", "is_first_before_start")
    return f"""SELECT {kept},
        EXISTS (SELECT 1 FROM episodes_last p WHERE p.child_id = e.child_id) AS has_last,
        EXISTS (SELECT 1 FROM episodes_last p WHERE p.child_id = e.child_id AND p.dec IS NULL
            AND {differ("e.decom", "p.decom")}) AS open_last_other_start,
        l.child_id IS NOT NULL AS latest_found, {latest}
        FROM (SELECT *, decom IS NOT NULL AND row_number() OVER ({first}) = 1 AS is_first,
            coalesce(decom < cy_start, false) AND row_number() OVER ({before}) = 1
                AS is_first_before_start FROM episodes WHERE {_with_rows("episodes_last")}) e
        LEFT JOIN {latest_last()} l ON l.child_id = e.child_id
        WHERE e.is_first OR e.is_first_before_start OR e.decom < e.cy_start"""


OC3_L = "oc3_l"


def oc3_l() -> str:
    """OC3 rows, each with `has_episodes` (the child has an episode this year), `has_last` (an
    episode in last year's return, matched by CHILD) and `latest_last_open` (the child's latest
    episode last year, `latest_last`, has no DEC)."""
    return f"""SELECT x.*,
        EXISTS (SELECT 1 FROM episodes e WHERE e.la_code = x.la_code
            AND e.child_id = x.child_id) AS has_episodes,
        EXISTS (SELECT 1 FROM episodes_last l WHERE l.child_id = x.child_id) AS has_last,
        EXISTS (SELECT 1 FROM {latest_last()} l WHERE l.child_id = x.child_id
            AND l.dec IS NULL) AS latest_last_open
        FROM oc3 x WHERE {_with_rows("episodes", "episodes_last")}"""


EPISODES_URN = "episodes_urn"
# An episode with a URN of a registered provider: XXXXXXX is DfE's "no URN" placeholder.
WITH_URN = f"urn IS NOT NULL AND upper(urn) <> {RAA_URN}"


def episodes_urn() -> str:
    """The episodes with a URN (not XXXXXXX), each with what the Ofsted provider list says of
    it, over the list's rows for the URN (a URN the list holds more than once agrees when any
    row does): `urn_listed` (the list holds it), `place_listed` (a row gives PLACE among its
    placement codes), `provider_listed` (PLACE_PROVIDER among its provider codes),
    `postcode_listed` (its postcode is PL_POST without spaces, in capitals), `in_own_la` (it
    puts the provider in the return's authority), `closed_by_start` (the provider closed on or
    before DECOM) and `closed_by_end` (before DEC, or before 31 March when the episode is
    open)."""

    def listed(where: str) -> str:
        return f"EXISTS (SELECT 1 FROM providers p WHERE p.urn = e.urn AND {where})"

    return f"""SELECT e.*, {listed("true")} AS urn_listed,
        {listed("list_contains(p.place_codes, e.place)")} AS place_listed,
        {listed("list_contains(p.provider_codes, e.place_provider)")} AS provider_listed,
        {listed("p.postcode = upper(replace(e.pl_post, ' ', ''))")} AS postcode_listed,
        {listed("p.la_code = e.la_code")} AS in_own_la,
        {listed("p.closed_date IS NOT NULL AND e.decom >= p.closed_date")} AS closed_by_start,
        {listed("p.closed_date IS NOT NULL AND coalesce(e.dec, e.cy_end) > p.closed_date")}
            AS closed_by_end
        FROM episodes e WHERE {WITH_URN} AND {_with_rows("providers")}"""


# How each table here is built (quality.scope.DERIVED_SQL).
BUILDERS = {
    SW_C: sw_c,
    EPISODES_SW: episodes_sw,
    DOLO_C: dolo_c,
    DOLO_E: dolo_e,
    MISSING_C: missing_c,
    MISSING_E: missing_e,
    HEADER_C: header_c,
    HEADER_EO: header_eo,
    REVIEWS_H: reviews_h,
    HEADER_L: header_l,
    EPISODES_L: episodes_l,
    OC3_L: oc3_l,
    EPISODES_URN: episodes_urn,
}
