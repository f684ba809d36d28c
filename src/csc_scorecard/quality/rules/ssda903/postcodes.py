"""SSDA903 rules on what DfE derives from the home and placement postcodes through the ONS
Postcode Directory (reference/postcodes.py): the placement's local authority (PL_LA), whether it
is in the authority's own area (PL_LOCATION) and its distance from home (PL_DISTANCE). DfE codes
and messages; logic per docs/quality.md.

The derived fields are worked out once per run as the scoped table `episodes_pc` (and
`episodes_pc_last` for last year's return), each episode with:
* `home_found`, `pl_found`: the postcode is given and in the directory (matched upper case,
  spaces removed);
* `pl_la`: the placement postcode's upper-tier authority (ONS code), WAL, SCO, NIR or NUK
  outside England; blank when PL_POST is blank or not in the directory;
* `pl_location`: the PL_LOCATION the source supplied (SSD, synthetic England), else IN when
  `pl_la` is one of the authority's own ONS codes (reference la_codes: every code its DfE number
  has had), OUT when it is another; blank when the postcode is not in the directory or the
  directory gives it no district;
* `pl_location_derived`: the derived one alone (rule 411 compares a supplied one with it);
* `pl_distance`: the straight-line distance between the two postcodes' grid references in miles
  (metres / 1000 / 1.6093), to one decimal place, as the DfE SSDA903 guidance defines it; blank
  when either postcode is not in the directory or has no grid reference;
* `post_not_found`: the postcode rule 392c reports, HOME_POST when it is not in the directory,
  else PL_POST.

Rules 392a, 164 and 406 read `episodes_pcu` (`located_uasc`): the located episodes with
`uasc_ever`, whether the child is UASC or was formerly (`_uasc`), worked out once per run.
"""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import RAA_URN, RESPITE, TEMPORARY
from csc_scorecard.quality.rules.ssda903.last_year import FIRST, LATEST_LAST
from csc_scorecard.reference import postcodes

R = "ssda903"
EPISODES_PC = "episodes_pc"
EPISODES_PC_LAST = "episodes_pc_last"
# DfE's PL_LA codes for a placement outside England (rules 218, 243).
NOT_ENGLAND = in_list("CON", "NIR", "SCO", "WAL", "NUK")
METRES_PER_MILE = 1609.3  # DfE: kilometres / 1.6093


# The episode columns the located table carries (the identifying ones and those the rules
# read), not every column: the table sits beside `episodes` for the whole run.
CARRIED = ("_table", "la_code", "load_id", '"row"', "child_id", "cy_start", "cy_end", "decom",
           "dec", "rne", "ls", "place", "place_provider", "urn", "home_post", "pl_post")  # fmt: skip


def _key(column: str) -> str:
    return f"nullif(upper(replace({column}, ' ', '')), '')"


def _given(column: str) -> str:
    """SQL: `column` holds a character other than a space, as `_key(column) IS NOT NULL` is
    true (upper case never empties a text), where true (NULL where it is NULL: a row filter
    keeps neither); one regular expression, not a copy of the text without its spaces put
    in upper case (rule 392c's condition over 101,000 episodes 11 -> 5 CPU ms)."""
    return f"NOT regexp_full_match({column}, ' *')"


def located(episodes: str = "episodes") -> str:
    """SQL: `episodes` (a scoped table) with the fields DfE derives from the postcodes (module
    docstring). Each episode's two postcodes are put in the directory's form once; each
    distinct one's directory key is worked out once (`key_sql`, a lambda per character: worked
    out per episode it was most of this table's cost); the directory is read in two steps, its
    keys for the rows of the postcodes given (`file_row_number`), then the other columns of
    those rows only (decoding its 2.7 million postcodes and districts to keep a few hundred
    rows was 0.09 of this table's 0.23 CPU s on 101,000 episodes), and of those only what the
    episodes' fields are made from (whether the district is given, not its text, nor the
    postcode's: the text the episode gave, matched, says it was found; a synthetic England's
    879,130 episodes, 852,853 postcodes found: 2.23 -> 1.94 CPU s); and the episodes are
    matched on the postcode."""
    own = postcodes.own_codes_sql()
    path = str(postcodes.directory_parquet()).replace("'", "''")
    directory = f"read_parquet('{path}', file_row_number = true)"
    carried = ", ".join(f"e.{c}" for c in CARRIED)
    return f"""WITH keys AS (SELECT given_post, {postcodes.key_sql("given_pc")} AS k
            FROM (SELECT given_post, {_key("given_post")} AS given_pc
                FROM (SELECT home_post AS given_post FROM {episodes}
                    UNION SELECT pl_post FROM {episodes}))),
        found AS (SELECT keys.given_post, d.file_row_number AS at_row
            FROM keys JOIN (SELECT key, file_row_number FROM {directory}) d ON d.key = keys.k),
        pc AS MATERIALIZED (
            SELECT found.given_post, d.district IS NOT NULL AS in_district, d.pl_la,
                d.easting, d.northing FROM found
            JOIN {directory} d ON d.file_row_number = found.at_row),
        own AS (SELECT DISTINCT la_code, gss_code FROM ({own}))
        SELECT {carried}, e.pl_location AS pl_location_given,
            h.given_post IS NOT NULL AS home_found, p.given_post IS NOT NULL AS pl_found,
            p.pl_la,
            CASE WHEN NOT coalesce(p.in_district, false) THEN NULL
                 WHEN o.gss_code IS NOT NULL THEN 'IN' ELSE 'OUT' END AS pl_location_derived,
            coalesce(upper(e.pl_location), pl_location_derived) AS pl_location,
            round(sqrt((h.easting - p.easting) ** 2 + (h.northing - p.northing) ** 2)
                  / {METRES_PER_MILE}, 1) AS pl_distance,
            CASE WHEN h.given_post IS NULL THEN e.home_post ELSE e.pl_post END AS post_not_found
        FROM {episodes} e
        LEFT JOIN pc h ON h.given_post = e.home_post
        LEFT JOIN pc p ON p.given_post = e.pl_post
        LEFT JOIN own o ON o.la_code = e.la_code AND o.gss_code = p.pl_la"""


def located_last() -> str:
    return located("episodes_last")


EPISODES_PCU = "episodes_pcu"


def located_uasc() -> str:
    """SQL: the located episodes' key and the columns rules 392a, 164 and 406 read, with
    `uasc_ever`: the child is UASC or was formerly (`_uasc`)."""
    return f"""SELECT e._table, e.la_code, e.load_id, e."row", e.child_id, e.cy_end, e.ls,
        e.home_post, e.pl_distance, {_uasc()} AS uasc_ever FROM {EPISODES_PC} e"""


def _uasc(alias: str = "e") -> str:
    """SQL: the episode's child is UASC this year or was formerly: the Header's UASC or a date
    UASC status ceased (DUC), this year or in last year's Header when it is given (`validate
    --previous`; matched by CHILD, as the rules comparing the two years match). The rules using
    it run with `any_rows`, so without last year's return they read it as empty."""
    return f"""(EXISTS (SELECT 1 FROM header h WHERE h.la_code = {alias}.la_code
            AND h.child_id = {alias}.child_id AND (h.uasc OR h.uasc_ceased_date IS NOT NULL))
        OR EXISTS (SELECT 1 FROM header_last l WHERE l.child_id = {alias}.child_id
            AND (l.uasc OR l.uasc_ceased_date IS NOT NULL)))"""


def _not_respite(alias: str = "e") -> str:
    return f"NOT coalesce({alias}.ls IN {RESPITE}, false)"


def _own_la(alias: str = "e") -> str:
    """SQL: the placement's PL_LA is one of the authority's own codes."""
    return f"coalesce({alias}.pl_location_derived = 'IN', false)"


@rule(
    "392c",
    R,
    "Postcode(s) provided are invalid.",
    fields=["HOME_POST", "PL_POST"],
    column="post_not_found",
)
def r392c() -> str:
    """HOME_POST or PL_POST given but not a postcode of the ONS Postcode Directory (the value
    reported is the first one not found)."""
    return f"""SELECT * FROM {EPISODES_PC}
        WHERE (NOT home_found AND {_given("home_post")}) OR (NOT pl_found AND {_given("pl_post")})"""


@rule(
    "169",
    R,
    "Local Authority (LA) of placement is not valid or is missing. Please check a valid "
    "postcode has been entered.",
    fields=["PL_POST", "LS"],
    column="pl_post",
)
def r169() -> str:
    """An episode other than a short break (LS V3, V4) whose PL_LA cannot be derived: PL_POST
    blank, or not a postcode of the directory."""
    return f"SELECT e.* FROM {EPISODES_PC} e WHERE {_not_respite()} AND e.pl_la IS NULL"


@rule(
    "179",
    R,
    "Placement location code is not a valid code.",
    fields=["PL_POST", "LS"],
    column="pl_location",
)
def r179() -> str:
    """An episode other than a short break whose PL_LOCATION is blank (PL_POST blank or not in
    the directory, and none supplied) or a supplied code other than IN or OUT."""
    return f"""SELECT e.* FROM {EPISODES_PC} e WHERE {_not_respite()}
        AND NOT coalesce(e.pl_location IN ('IN', 'OUT'), false)"""


@rule(
    "411",
    R,
    "Placement location code disagrees with LA of placement.",
    fields=["PL_POST"],
    column="pl_location",
)
def r411() -> str:
    """PL_LOCATION IN where the placement postcode's authority is known and not the
    authority's own: a supplied PL_LOCATION only, as a derived one agrees with PL_LA by
    construction (a PL_POST not in the directory gives no PL_LA to disagree with: 169's)."""
    return f"""SELECT e.* FROM {EPISODES_PC} e
        WHERE upper(e.pl_location_given) = 'IN' AND e.pl_location_derived = 'OUT'"""


@rule(
    "420",
    R,
    "LA of placement completed but child is looked after under legal status V3 or V4.",
    fields=["PL_POST", "LS"],
    column="pl_post",
)
def r420() -> str:
    """A short break (LS V3, V4) with a PL_LA: its PL_POST is a postcode of the directory."""
    return f"SELECT * FROM {EPISODES_PC} WHERE ls IN {RESPITE} AND pl_la IS NOT NULL"


@rule(
    "392a",
    R,
    "Child is looked after but no distance is recorded. [NOTE: This check may result in false "
    "positives for children formerly UASC]",
    fields=["HOME_POST", "PL_POST", "LS"],
    column="home_post",
    any_rows=True,
)
def r392a() -> str:
    """An episode other than a short break with no PL_DISTANCE (a postcode blank or not in the
    directory), for a child neither UASC nor formerly UASC."""
    return f"""SELECT e.* FROM {EPISODES_PCU} e WHERE {_not_respite()}
        AND e.pl_distance IS NULL AND NOT e.uasc_ever"""


@rule(
    "164",
    R,
    "Distance is not valid. Please check a valid postcode has been entered. [NOTE: This check "
    "will result in false positives for children formerly UASC not identified as such in "
    "loaded data]",
    fields=["HOME_POST", "PL_POST", "LS"],
    column="pl_distance",
    any_rows=True,
)
def r164() -> str:
    """An episode other than a short break, of a child neither UASC nor formerly UASC, whose
    PL_DISTANCE is outside 0.0-999.9 miles (a blank distance is 392a's)."""
    return f"""SELECT e.* FROM {EPISODES_PCU} e
        WHERE {_not_respite()} AND NOT (e.pl_distance BETWEEN 0.0 AND 999.9) AND NOT e.uasc_ever"""


@rule(
    "406",
    R,
    "Child is Unaccompanied Asylum-Seeking Child (UASC) or was formerly UASC. Distance should be "
    "blank. [NOTE: This check will result in false negatives for children formerly UASC not "
    "identified as such in loaded data]",
    fields=["HOME_POST", "PL_POST"],
    column="pl_distance",
    any_rows=True,
)
def r406() -> str:
    """A PL_DISTANCE (both postcodes in the directory) for a child UASC or formerly UASC."""
    return f"""SELECT e.* FROM {EPISODES_PCU} e WHERE e.pl_distance IS NOT NULL AND e.uasc_ever"""


@rule(
    "454",
    R,
    "Placement distance from home is over 350 miles. [NOTE: This check will result in false "
    "positives for children formerly UASC not identified as such in loaded data]",
    fields=["HOME_POST", "PL_POST"],
    column="pl_distance",
    years=(2026, None),
)
def r454() -> str:
    """A PL_DISTANCE over 350 miles (other than 999.9)."""
    return f"""SELECT e.* FROM {EPISODES_PC} e
        WHERE e.pl_distance > 350 AND e.pl_distance <> 999.9"""


@rule(
    "1015",
    R,
    "Placement provider is own provision but child not placed in own LA.",
    fields=["PLACE_PROVIDER", "PLACE", "LS", "PL_POST"],
    column="pl_post",
)
def r1015() -> str:
    """Own provision (PR1) in a placement other than foster care or adoption (A3-A6, U1-U6, and
    K3 from 2025-26), not a short break, LS and PLACE given, whose PL_LA is not the authority's
    own (a PL_LA that cannot be derived is not the authority's own)."""
    fostering = in_list("A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6")
    return f"""SELECT e.* FROM {EPISODES_PC} e WHERE e.place_provider = 'PR1'
        AND e.ls IS NOT NULL AND e.place IS NOT NULL AND e.ls NOT IN {RESPITE}
        AND e.place NOT IN {fostering} AND NOT (e.place = 'K3' AND year(e.cy_end) >= 2026)
        AND NOT {_own_la()}"""


def _urn_exempt(place: str) -> str:
    """SQL: placement `place` needs no URN under rule 218, by the collection year: P1, P3, R1,
    R2, R5 and T0-T4 always; H5 and P2 to 2023-24; Z1 to 2024-25; Z11-Z14 from 2025-26."""
    year = "year(cy_end)"
    return f"""({place} IN {in_list("P1", "P3", "R1", "R2", "R5")} OR {place} IN {TEMPORARY}
        OR ({place} IN ('H5', 'P2') AND {year} <= 2024) OR ({place} = 'Z1' AND {year} <= 2025)
        OR ({place} IN {in_list("Z11", "Z12", "Z13", "Z14")} AND {year} >= 2026))"""


def _outside_england(alias: str = "e") -> str:
    """SQL: the placement is not known to be in England: PL_LA is one of DfE's codes for
    outside England, or (to 2024-25, whose texts exempt a placement not in an English LA)
    cannot be derived."""
    return f"""(coalesce({alias}.pl_la IN {NOT_ENGLAND}, false)
        OR ({alias}.pl_la IS NULL AND year({alias}.cy_end) <= 2025))"""


@rule(
    "218",
    R,
    "Ofsted Unique reference number (URN) is required.",
    fields=["URN", "PLACE", "DEC", "PL_POST"],
    column="urn",
)
def r218() -> str:
    """No URN for an episode ending after 31 March 2015 or open, in a placement that takes one
    (not P1, P3, R1, R2, R5, T0-T4; H5 and P2 to 2023-24, Z1 to 2024-25, Z11-Z14 from 2025-26),
    in England (PL_LA not CON, NIR, SCO, WAL or NUK; to 2024-25 also not blank)."""
    return f"""SELECT e.* FROM {EPISODES_PC} e WHERE e.urn IS NULL
        AND (e.dec IS NULL OR e.dec > DATE '2015-03-31')
        AND NOT coalesce({_urn_exempt("e.place")}, false) AND NOT {_outside_england()}"""


@rule(
    "230",
    R,
    "Ofsted Unique reference number (URN) is required for any English H5 placements from 28 "
    "October 2023.",
    fields=["PLACE", "DEC", "URN", "PL_POST"],
    column="urn",
    years=(2024, 2024),
)
def r230() -> str:
    """An H5 placement open on or after 28 October 2023 (DEC on or after it, or open) with no
    URN or URN XXXXXXX, in England (PL_LA derived and English)."""
    return f"""SELECT e.* FROM {EPISODES_PC} e WHERE e.place = 'H5'
        AND (e.dec IS NULL OR e.dec >= DATE '2023-10-28')
        AND (e.urn IS NULL OR e.urn = {RAA_URN}) AND NOT {_outside_england()}"""


@rule(
    "243",
    R,
    "Only placements with providers registered with Ofsted should have a URN reported.",
    fields=["URN", "PL_POST"],
    column="urn",
    years=(2026, None),
)
def r243() -> str:
    """A URN for a placement outside England (PL_LA CON, NIR, SCO, WAL or NUK)."""
    return f"""SELECT * FROM {EPISODES_PC} WHERE pl_la IN {NOT_ENGLAND} AND urn IS NOT NULL"""


@rule(
    "241",
    R,
    "LA of placement is not an LA the provider has premises.",
    fields=["URN", "PLACE", "PL_POST"],
    column="urn",
    years=(2026, None),
)
def r241() -> str:
    """Supported accommodation (K3) with a URN other than XXXXXXX whose PL_LA is none of the
    authorities Ofsted's provider list gives that URN (each authority by every ONS code its DfE
    number has had); a URN the list does not hold, or a PL_LA that cannot be derived, matches
    none."""
    return f"""SELECT e.* FROM {EPISODES_PC} e WHERE e.place = 'K3'
        AND e.urn IS NOT NULL AND upper(e.urn) <> {RAA_URN}
        AND NOT EXISTS (SELECT 1 FROM providers p
            JOIN ({postcodes.own_codes_sql()}) o ON o.la_code = p.la_code
            WHERE p.urn = e.urn AND o.gss_code = e.pl_la)"""


# Each child's first episode this year and last year's latest, over the located episodes.
FIRST_PC = FIRST.replace("FROM episodes ", f"FROM {EPISODES_PC} ")
LATEST_LAST_PC = LATEST_LAST.replace("FROM episodes_last ", f"FROM {EPISODES_PC_LAST} ")


def _against_last(where: str) -> str:
    """Each child's first episode this year (`f`) where last year's latest episode (`l`) was
    open at 31 March and `where` holds."""
    return f"""SELECT f.* FROM {FIRST_PC} f JOIN {LATEST_LAST_PC} l ON l.child_id = f.child_id
        WHERE l.dec IS NULL AND {where}"""


def _distance_differs() -> str:
    """The two episodes' distances differ by 0.2 miles or more, or only one is blank."""
    return """(abs(f.pl_distance - l.pl_distance) >= 0.2
        OR (f.pl_distance IS NULL) <> (l.pl_distance IS NULL))"""


@rule(
    "452",
    R,
    "Contradiction between local authority of placement code in the last episode of the "
    "previous year and in the first episode of the current year.",
    fields=["PL_POST", "RNE"],
    column="pl_post",
)
def r452() -> str:
    """The first episode's PL_LA differs from that of last year's open latest episode with the
    same RNE."""
    return _against_last("f.rne = l.rne AND f.pl_la IS DISTINCT FROM l.pl_la")


@rule(
    "503H",
    R,
    "The placement LA in first episode does not match open episode at end of last year.",
    fields=["PL_POST"],
    column="pl_post",
)
def r503h() -> str:
    """The first episode's PL_LA differs from that of last year's open latest episode."""
    return _against_last("f.pl_la IS DISTINCT FROM l.pl_la")


@rule(
    "503J",
    R,
    "The placement location in first episode does not match open episode at end of last year.",
    fields=["PL_POST"],
    column="pl_location",
)
def r503j() -> str:
    """The first episode's PL_LOCATION differs from that of last year's open latest episode."""
    return _against_last("f.pl_location IS DISTINCT FROM l.pl_location")


@rule(
    "453",
    R,
    "Contradiction between placement distance in the last episode of the previous year and in "
    "the first episode of the current year.",
    fields=["HOME_POST", "PL_POST", "RNE"],
    column="home_post",
)
def r453() -> str:
    """The first episode's PL_DISTANCE differs by 0.2 miles or more from that of last year's
    open latest episode with the same RNE, or only one of the two is blank."""
    return _against_last(f"f.rne = l.rne AND {_distance_differs()}")


@rule(
    "503G",
    R,
    "The distance in first episode does not match open episode at end of last year.",
    fields=["HOME_POST", "PL_POST"],
    column="home_post",
)
def r503g() -> str:
    """The first episode's PL_DISTANCE differs by 0.2 miles or more from that of last year's
    open latest episode, or only one of the two is blank."""
    return _against_last(_distance_differs())
