"""SSDA903 rules comparing the return with last year's (DfE codes and messages; logic per
docs/quality.md). They read the `*_last` scoped tables (`episodes_last`, `header_last`, ...),
which hold last year's return when it is given (`scorecard validate --previous`); without it
they do not run, and say so once. Last year's rows are matched to this year's by CHILD, as
the two returns are of the same authority. Most read this year's rows with what last year's
return says of the child, worked out once per run (derived_c.py: `header_l`, `episodes_l`,
`oc3_l`), so each is a plain row filter of them."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import RESPITE
from csc_scorecard.quality.rules.ssda903.derived_c import (
    EPISODES_L,
    HEADER_L,
    OC3_L,
    differ,
    latest_last,
)

R = "ssda903"
# The UPN-unknown reasons (UN1-UN5) and those a child's record may improve to from UN1 (208).
UN2_5 = in_list("UN2", "UN3", "UN4", "UN5")
UN_ALL = in_list("UN1", "UN2", "UN3", "UN4", "UN5")
FIRST = """(SELECT * FROM episodes WHERE decom IS NOT NULL QUALIFY row_number() OVER (
    PARTITION BY la_code, child_id ORDER BY decom, load_id, "row") = 1)"""
LATEST_LAST = latest_last()


def _first_against_open_last(where: str) -> str:
    """Each child's first episode this year (earliest DECOM) where last year's latest episode
    (its columns `latest_*`) was still open at 31 March and `where` holds."""
    return f"""SELECT * FROM {EPISODES_L} WHERE is_first AND latest_found
        AND latest_dec IS NULL AND {where}"""


def _changed_from_last(column: str) -> str:
    """The first episode's `column` differs from (or is blank beside) that of last year's open
    episode."""
    return _first_against_open_last(differ(column, f"latest_{column}"))


def _previous(code: str, message: str, field: str, column: str) -> None:
    """Register rule `code`: the first episode's `field` does not match last year's open
    episode."""

    def query() -> str:
        return _changed_from_last(column)

    query.__doc__ = (
        f"The child's first episode this year has a {field} other than that of last year's "
        "latest episode, which was open at 31 March."
    )
    rule(code, R, message, fields=[field], column=column)(query)


_previous(
    "503A",
    "The reason for new episode in the first episode does not match open episode at end of "
    "last year.",
    "RNE",
    "rne",
)
_previous(
    "503B",
    "The legal status in the first episode does not match open episode at end of last year.",
    "LS",
    "ls",
)
_previous(
    "503C",
    "The category of need in the first episode does not match open episode at end of last year.",
    "CIN",
    "cin",
)
_previous(
    "503E",
    "The placement provider in the first episode does not match open episode at end of last year.",
    "PLACE_PROVIDER",
    "place_provider",
)
_previous(
    "503F",
    "The Ofsted URN in the  first episode does not match open episode at end of last year.",
    "URN",
    "urn",
)


@rule(
    "503D",
    R,
    "The placement type in the first episode does not match open episode at end of last year",
    fields=["PLACE"],
    column="place",
)
def r503d() -> str:
    """The first episode's PLACE other than that of last year's open latest episode, except
    where the code was replaced: H5 last year and K3 this year (2023-24, 2024-25), Z1 last
    year and one of Z11-Z14 this year (2025-26)."""
    renamed = f"""((year(cy_end) IN (2024, 2025) AND latest_place = 'H5' AND place = 'K3')
        OR (year(cy_end) = 2026 AND latest_place = 'Z1'
            AND place IN {in_list("Z11", "Z12", "Z13", "Z14")}))"""
    return _first_against_open_last(f"{differ('place', 'latest_place')} AND NOT {renamed}")


@rule(
    "502",
    R,
    "Last year's record ended with an open episode. The date on which that episode started does "
    "not match the start date of the first episode on this year’s record.",
    fields=["DECOM"],
    column="decom",
)
def r502() -> str:
    """The child's first episode this year starts on a date other than an episode last year
    that has no DEC."""
    return f"SELECT * FROM {EPISODES_L} WHERE is_first AND open_last_other_start"


@rule(
    "562",
    R,
    "Episode commenced before the start of the current collection year but there is a missing "
    "continuous episode in the previous year.",
    fields=["DECOM"],
    column="decom",
)
def r562() -> str:
    """The child's first episode of those starting before 1 April, when last year's latest
    episode of the child (if any) starts on another date."""
    return f"""SELECT * FROM {EPISODES_L} WHERE is_first_before_start
        AND NOT coalesce(latest_decom = decom, false)"""


@rule(
    "NoE",
    R,
    "This child has no episodes loaded for previous year even though child started to be looked "
    "after before this current year.",
    fields=["DECOM"],
    column="decom",
)
def rnoe() -> str:
    """An episode starting before 1 April of a child with no episode in last year's return."""
    return f"SELECT * FROM {EPISODES_L} WHERE decom < cy_start AND NOT has_last"


@rule(
    "1002",
    R,
    "This child has no previous episodes of care, therefore should not have care leaver "
    "information recorded. [NOTE: This tool can only test the current and previous year data "
    "loaded into the tool - this check may generate false positives if a child had episodes "
    "prior to last year's collection.]",
    fields=["IN_TOUCH", "ACTIV", "ACCOM"],
    column="in_touch",
)
def r1002() -> str:
    """An OC3 row of a child with no episode this year or last year."""
    return f"SELECT * FROM {OC3_L} WHERE NOT has_episodes AND NOT has_last"


@rule(
    "1010",
    R,
    "This child has no episodes loaded for current year even though there was an open episode "
    "of care at the end of the previous year, and care leaver data has been entered.",
    fields=["IN_TOUCH", "ACTIV", "ACCOM"],
    column="in_touch",
)
def r1010() -> str:
    """An OC3 row of a child with no episode this year whose latest episode last year has no
    DEC."""
    return f"SELECT * FROM {OC3_L} WHERE NOT has_episodes AND latest_last_open"


def _header_against_last(where: str) -> str:
    """Header rows of children on last year's Header (its columns `last_*`) where `where`."""
    return f"SELECT * FROM {HEADER_L} WHERE last_found AND {where}"


@rule(
    "202",
    R,
    "The gender code conflicts with the gender already recorded for this child.",
    fields=["SEX"],
    column="sex",
)
def r202() -> str:
    """SEX other than (or blank beside) last year's."""
    return _header_against_last(differ("sex", "last_sex"))


@rule(
    "203",
    R,
    "Date of birth disagrees with the date of birth already recorded for this child.",
    fields=["DOB"],
    column="date_of_birth",
)
def r203() -> str:
    """DOB other than (or blank beside) last year's."""
    return _header_against_last(differ("date_of_birth", "last_date_of_birth"))


@rule(
    "204",
    R,
    "Ethnic origin code disagrees with the ethnic origin already recorded for this child.",
    fields=["ETHNIC"],
    column="ethnicity",
)
def r204() -> str:
    """ETHNIC other than (or blank beside) last year's, in any case of letters."""
    return _header_against_last(differ("upper(ethnicity)", "upper(last_ethnicity)"))


@rule(
    "207",
    R,
    "Mother status for the current year disagrees with the mother status already recorded for "
    "this child.",
    fields=["MOTHER"],
    column="mother",
)
def r207() -> str:
    """Last year's MOTHER was 1 and this year's is not (0 or blank), for a child with an
    episode this year. A statement of its own, not a row filter of `header_l`: it reads the
    episodes too, which the other rules over `header_l` do not (so they run without them)."""
    return """SELECT DISTINCT h.* FROM header h JOIN header_last l ON l.child_id = h.child_id
        WHERE l.mother AND h.mother IS DISTINCT FROM l.mother
        AND EXISTS (SELECT 1 FROM episodes e WHERE e.la_code = h.la_code
            AND e.child_id = h.child_id)"""


@rule(
    "208",
    R,
    "Unique Pupil Number (UPN) for the current year disagrees with the Unique Pupil Number (UPN) "
    "already recorded for this child.",
    fields=["UPN"],
    column="upn",
)
def r208() -> str:
    """UPN other than last year's (a blank both years is left to 442), except the changes DfE
    allows as a child's record improves: from UN1 or blank to one of UN2-UN5, and from blank or
    any UN code to a real UPN."""
    now, last = "upper(upn)", "upper(last_upn)"
    return _header_against_last(
        f"""{differ(now, last)}
        AND NOT coalesce(({last} = 'UN1' OR last_upn IS NULL) AND {now} IN {UN2_5}, false)
        AND NOT coalesce(({last} IN {UN_ALL} OR last_upn IS NULL)
            AND upn IS NOT NULL AND {now} NOT IN {UN_ALL}, false)"""
    )


@rule(
    "624",
    R,
    "Date of birth of the first child contradicts the date of birth of the first child "
    "previously recorded.",
    fields=["MC_DOB"],
    column="mc_dob",
)
def r624() -> str:
    """MC_DOB other than (or blank beside) the one given last year."""
    return _header_against_last(f"last_mc_dob IS NOT NULL AND {differ('mc_dob', 'last_mc_dob')}")


@rule(
    "626",
    R,
    "Child was reported as a mother but the date of birth of the first child is before the "
    "current year which contradicts with the mother status recorded last year.",
    fields=["MOTHER", "MC_DOB"],
    column="mc_dob",
)
def r626() -> str:
    """MOTHER 1 with MC_DOB before 1 April, where last year's MOTHER was 0."""
    return _header_against_last("mother AND NOT last_mother AND mc_dob < cy_start")


@rule(
    "348",
    R,
    "Care leaver has previously been reported as having died. ",
    fields=["IN_TOUCH"],
    column="in_touch",
    years=(2026, None),
)
def r348() -> str:
    """IN_TOUCH other than (or blank beside) DIED, where last year's OC3 had DIED. A statement of
    its own, not a row filter of a derived table: no other rule reads the same tables (OC3 and
    last year's), so a table derived for it would cost a statement too."""
    return """SELECT DISTINCT x.* FROM oc3 x JOIN oc3_last l ON l.child_id = x.child_id
        WHERE l.in_touch = 'DIED' AND x.in_touch IS DISTINCT FROM 'DIED'"""


@rule(
    "576",
    R,
    "There is an open missing/away from placement without authorisation period in last year’s "
    "return and there is no corresponding period recorded at the start of this year.",
    fields=["CHILD"],
    column="start_date",
)
def r576() -> str:
    """The child's first missing period this year (earliest MIS_START, a blank one last) starts
    on a date other than a period still open (no MIS_END) in last year's return. A statement of
    its own, not a row filter of a derived table: no other rule reads the same tables (Missing
    and last year's), so a table derived for it would cost a statement too."""
    return """SELECT DISTINCT m.* FROM (SELECT * FROM missing QUALIFY row_number() OVER (
            PARTITION BY la_code, child_id ORDER BY start_date NULLS LAST, load_id, "row") = 1) m
        JOIN missing_last l ON l.child_id = m.child_id
        WHERE l.end_date IS NULL AND l.start_date IS NOT NULL
        AND m.start_date IS DISTINCT FROM l.start_date"""


@rule(
    "205B",
    R,
    "Child previously identified as UASC is also UASC this year, but date UASC ceased in both "
    "years does not support this.",
    fields=["DUC", "UASC"],
    column="uasc_ceased_date",
)
def r205b() -> str:
    """UASC both years, where last year's DUC is not the child's 18th birthday, or this year's
    DUC is outside the year and not last year's DUC."""
    return _header_against_last("""uasc AND last_uasc AND (
            NOT coalesce(last_uasc_ceased_date = last_date_of_birth + INTERVAL 18 YEAR, false)
            OR (NOT coalesce(uasc_ceased_date BETWEEN cy_start AND cy_end, false)
                AND NOT coalesce(uasc_ceased_date = last_uasc_ceased_date, false)))""")


@rule(
    "205D",
    R,
    "Child identified as UASC this year but not identified as UASC status provided for the "
    "child last year.",
    fields=["UASC"],
    column="uasc",
)
def r205d() -> str:
    """UASC this year, for a child on last year's Header who was not UASC there (last year's
    return having UASC information at all)."""
    return _header_against_last("uasc AND last_uasc IS NOT TRUE AND last_uasc_given")


@rule(
    "205A",
    R,
    "Child identified as UASC last year is no longer UASC this year, but date UASC ceased in both "
    "years does not support this.",
    fields=["CHILD", "UASC"],
    column="uasc_ceased_date",
)
def r205a() -> str:
    """UASC last year and not this year (0, blank, or no UASC row), where this year's DUC is
    given, or last year's DUC is not within last year's collection year (a child who stopped
    being UASC stopped during last year)."""
    return _header_against_last("""last_uasc AND uasc IS NOT TRUE AND (uasc_ceased_date IS NOT NULL
            OR NOT coalesce(last_uasc_ceased_date BETWEEN last_cy_start AND last_cy_end, false))""")


@rule(
    "205C",
    R,
    "Child not identified as UASC either this year or last year but date UASC ceased has been "
    "provided.",
    fields=["DUC", "UASC"],
    column="uasc_ceased_date",
)
def r205c() -> str:
    """Not UASC this year nor last year (0, blank, no UASC row, or not on last year's Header),
    with a DUC given this year or last year."""
    return f"""SELECT * FROM {HEADER_L} WHERE uasc IS NOT TRUE AND last_uasc IS NOT TRUE
        AND (uasc_ceased_date IS NOT NULL OR last_uasc_ceased_date IS NOT NULL) AND last_any"""


# Both years' episodes of a child, an episode both returns carry once (the one whose DEC is
# given; when both or neither give one, this year's, then by REC and LS: without a full order
# the row kept, and with it the REC and LS read, depended on the order DuckDB read the rows
# in), short breaks (V3, V4) left out; `until`: the DEC, or for the child's latest episode when
# open, 31 March of this year (`cy_end` of this year's rows).
_BOTH_YEARS = """(SELECT child_id, decom, dec, rec, ls, row_number() OVER (
        PARTITION BY child_id ORDER BY decom DESC) = 1 AS latest
    FROM (SELECT child_id, decom, dec, rec, ls, 0 AS year FROM episodes WHERE decom IS NOT NULL
        UNION ALL SELECT child_id, decom, dec, rec, ls, 1 FROM episodes_last
        WHERE decom IS NOT NULL)
    QUALIFY row_number() OVER (
        PARTITION BY child_id, decom ORDER BY dec NULLS LAST, year, rec, ls) = 1)"""


def _days_since(age: int) -> str:
    """SQL: days an episode `e` of the child `h` (with `x.cy_end`) lasted after the child's
    `age`th birthday (0 when it ended before)."""
    start = f"greatest(e.decom, CAST(h.date_of_birth + INTERVAL {age} YEAR AS DATE))"
    until = "CASE WHEN e.dec IS NULL AND e.latest THEN x.cy_end ELSE e.dec END"
    return f"greatest(date_diff('day', {start}, {until}), 0)"


@rule(
    "1001",
    R,
    "The episodes recorded for this young person suggest they are not a relevant or a former "
    "relevant child and therefore should not have care leaver information completed. [NOTE: "
    "This tool can only test the current and previous year data loaded into the tool - this "
    "check may generate false positives if a child had episodes prior to last year's "
    "collection.]",
    fields=["IN_TOUCH", "ACTIV", "ACCOM"],
    column="in_touch",
)
def r1001() -> str:
    """An OC3 row of a young person whose episodes this year and last (short breaks left out)
    do not add up to 13 weeks (91 days) looked after since their 14th birthday with some of it
    after their 16th, or whose latest episode ended in adoption (REC E11, E12). An eligible
    child (Children Act 1989, Schedule 2 paragraph 19B; the 13 weeks from 14 and the short
    breaks left out: Care Planning, Placement and Case Review (England) Regulations 2010,
    regulation 40) is the relevant (section 23A) or former relevant (section 23C) child OC3 is
    for. A young person with no DOB, no Header row or no episode in either year does not show
    it, and is flagged. One aged 20 or more at 31 March is not judged: they were 18 before
    last year began, so their care after 14 is in neither year (the package's comment says
    so). A statement of its own, not a row filter of a derived table: no other rule reads the
    same tables (OC3, Header, both years' episodes), so a table derived for it would cost a
    statement too."""
    both = _BOTH_YEARS
    looked_after = f"""coalesce((SELECT sum({_days_since(14)}) >= 91
            AND sum({_days_since(16)}) >= 1
        FROM {both} e WHERE e.child_id = x.child_id AND coalesce(e.ls NOT IN {RESPITE}, true)
    ), false)"""
    adopted = f"""EXISTS (SELECT 1 FROM {both} e WHERE e.child_id = x.child_id AND e.latest
        AND upper(e.rec) IN {in_list("E11", "E12")})"""
    return f"""SELECT x.* FROM oc3 x LEFT JOIN header h ON h.la_code = x.la_code
            AND h.child_id = x.child_id
        WHERE coalesce(h.date_of_birth + INTERVAL 20 YEAR > x.cy_end, true)
            AND ({adopted} OR h.date_of_birth IS NULL OR NOT {looked_after})"""
