"""CIN census rules on the child's identifiers and characteristics: LAchildID, UPN, FormerUPN,
expected and actual birth, death and sex.

The store keeps <UPN> and, when no UPN is given, <UPNunknown> (UN1-UN7) in one column,
`children.upn` (ingest/specs/cin_census.yaml): a UPN "is present" when `upn` holds a value that
is not one of the `upn_unknown` codes. Character positions follow DfE's text (1 is the first).
"""

from __future__ import annotations

from csc_scorecard.model.codes import codes
from csc_scorecard.quality.rules import codes_in, in_list, rule
from csc_scorecard.quality.rules.cin.child import hashes_repeated
from csc_scorecard.quality.rules.cin.common import further_action, keyed
from csc_scorecard.quality.rules.sql import any_of, sql_text, valid_code

R = "cin"

# A text is made upper case (a new text for each 13-character UPN) only when it is as long as
# a UPNunknown code: `upper` maps a character to one character (2 million children: 0.06 ->
# 0.02 CPU s, rule 1520).
_UNKNOWN_LENGTHS = ", ".join(str(n) for n in sorted({len(c) for c in codes("upn_unknown")}))
UPN_GIVEN = f"""upn IS NOT NULL AND NOT (length(upn) IN ({_UNKNOWN_LENGTHS})
    AND upper(upn) IN {codes_in("upn_unknown")})"""
# UPN_GIVEN and 13 characters long: a 13-character text is a UPNunknown code only if one is
# that long (none is: `upper` maps a character to one character), so it is looked up only
# then (2 million children: 0.07 CPU s saved in each of 1510, 1530 and 1550).
_UNKNOWN_13 = [c for c in codes("upn_unknown") if len(c) == 13]
UPN_13 = "upn IS NOT NULL AND length(upn) = 13" + (
    f" AND upper(upn) NOT IN {in_list(*_UNKNOWN_13)}" if _UNKNOWN_13 else ""
)


def _is(text: str, code: str) -> str:
    """SQL: `text` is `code` (an upper-case code), case aside: `upper` maps a character to one
    character, so only a text as long as the code is made upper case (2 million children's
    UPNs: 0.05 -> 0.01 CPU s)."""
    return f"(length({text}) = {len(code)} AND upper({text}) = '{code}')"


# DfE's check-letter alphabet (UPN guide 1.2): remainder 0 = A ... 22 = Z, without I, O and S.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


@rule("8500", R, "LA Child ID missing", fields=["LAchildID"], column="child_id")
def r8500() -> str:
    """LAchildID blank: none, empty or only spaces (what `trim` takes off: the space and the
    other Unicode space separators, none of them ASCII), which a text that starts with an ASCII
    character other than the space is not, so only the others are trimmed (a text from
    chr(128) on starts with a character that is not ASCII: 2 million children, 0.10 -> 0.05
    CPU s)."""
    return """SELECT * FROM child WHERE child_id IS NULL OR child_id = ''
        OR ((starts_with(child_id, ' ') OR child_id >= chr(128)) AND trim(child_id) = '')"""


@rule(
    "1570",
    R,
    "LA Child ID must not be longer than 20 characters",
    fields=["LAchildID"],
    column="child_id",
    years=(2025, None),
)
def r1570() -> str:
    """LAchildID longer than 20 characters (census 2024-25 on)."""
    return "SELECT * FROM child WHERE length(child_id) > 20"


@rule(
    "1580",
    R,
    "LA Child ID must not contain any non-alphanumeric characters",
    fields=["LAchildID"],
    column="child_id",
    years=(2025, None),
)
def r1580() -> str:
    """LAchildID holding a character other than a letter or a digit (census 2024-25 on)."""
    return "SELECT * FROM child WHERE NOT regexp_full_match(child_id, '[[:alnum:]]+')"


@rule(
    "8590",
    R,
    "Child does not have a recorded CIN episode.",
    fields=["LAchildID"],
    column="child_id",
    reads=("referrals",),  # through `child`'s facts (cin/common.py CHILD_FACTS)
)
def r8590() -> str:
    """A child of the return with no CINdetails group (`has_referral`: cin/common.py
    CHILD_FACTS)."""
    return "SELECT * FROM child WHERE NOT has_referral"


def with_upn_check(rows: str) -> str:
    """SQL: the rows of query `rows` (a return's children, with `upn`) each with `upn_check`,
    the check letter DfE's UPN guide gives characters 2-13 of a 13-character UPN whose
    characters 2-13 are digits (NULL for any other UPN): the digits weighted 2 to 13 by
    position, summed, the remainder after dividing by 23 read as A-Z without I, O and S.
    Worked out once, as the scope builds `child` (quality.scope), from characters 2-13 read
    once as a number, for rule 1510 to compare: in the rule, over 2 million children, the
    same sum cost 0.87 CPU s (a lambda binding the number); here about 0.35 more to build.
    The digits' pattern reads the whole UPN (any first character), no text cut out for it (2
    million children: 0.22 -> 0.19 CPU s)."""
    digits = "CASE WHEN length(upn) = 13 AND regexp_full_match(upn, '(?s).[0-9]{12}') "
    digits += "THEN CAST(substr(upn, 2) AS BIGINT) END"
    weighted = " + ".join(f"{i} * (_digits // {10 ** (13 - i)} % 10)" for i in range(2, 14))
    letter = f"substr('{CHECK_LETTERS}', CAST(({weighted}) % 23 AS INTEGER) + 1, 1)"
    return f"""SELECT * EXCLUDE (_digits), {letter} AS upn_check
    FROM (SELECT *, {digits} AS _digits FROM ({rows}))"""


@rule("1510", R, "UPN invalid (wrong check letter at character 1)", fields=["UPN"], column="upn")
def r1510() -> str:
    """A 13-character UPN whose characters 2-13 are digits and whose first character is not
    the check letter (`upn_check`: `with_upn_check`). Only such a UPN has a check letter, so
    the letter alone says the UPN is 13 characters long, and as the letter is one ASCII
    character the UPN starts with it exactly when its first character is it: no length, no
    character cut out (the fused scan of England's first CIN group's 1.97 million children,
    single thread: 0.095 -> 0.062 CPU s)."""
    unknown = f" AND upper(upn) NOT IN {in_list(*_UNKNOWN_13)}" if _UNKNOWN_13 else ""
    return f"""SELECT * FROM child WHERE upn_check IS NOT NULL
        AND NOT starts_with(upn, upn_check){unknown}"""


@rule("1520", R, "More than one record with the same UPN.", fields=["UPN"], column="upn")
def r1520() -> str:
    """A UPN (not a UPNunknown code) that more than one child of the same return carries: each
    of those children, counted by load and UPN only among the children whose load and UPN's
    hash another child shares (`hashes_repeated`; grouping 1.9 million 13-character texts by
    load cost more than the hashes: England's first CIN group, two threads, 0.39 -> 0.31 CPU s
    grouping the hashes, 0.35 -> 0.25 sorting them)."""
    shared = hashes_repeated("load_id, upn", "child", UPN_GIVEN)
    return f"""SELECT * FROM child WHERE {UPN_GIVEN} AND hash(load_id, upn) IN ({shared})
        QUALIFY count(*) OVER (PARTITION BY load_id, upn) > 1"""


# The UPN LA codes valid in every census year: those whose label carries no note in brackets
# (`valid_code` reads a year span, "(legacy code)" or "(historic code)" only from one), as one
# regular expression; a subset of what `valid_code` accepts in any year.
_LA_EVERY_YEAR = any_of([c for c, label in codes("upn_la").items() if "(" not in label])


@rule(
    "1530",
    R,
    "UPN invalid (characters 2-4 not a recognised LA code)",
    fields=["UPN"],
    column="upn",
)
def r1530() -> str:
    """A 13-character UPN whose characters 2-4 are not a post-April 1998 LA code or a
    recognised pseudo-LA code (list `upn_la`; 942 and 943 from 2023-24). A UPN whose
    characters 2-4 are a code valid in every year (`_LA_EVERY_YEAR`) is let go by one pattern
    over the UPN's start, no text cut out for it; only the others are cut and tested against
    the year's codes (England's first CIN group, 1.97 million children, in the fused scan,
    single thread: 0.20 -> 0.11 CPU s)."""
    la = valid_code("substr(upn, 2, 3)", "upn_la", pattern=True)
    return f"""SELECT * FROM child WHERE {UPN_13}
        AND NOT regexp_matches(upn, {sql_text("^(?s)." + _LA_EVERY_YEAR)}) AND NOT {la}"""


@rule("1540", R, "UPN invalid (characters 5-12 not all numeric)", fields=["UPN"], column="upn")
def r1540() -> str:
    """A UPN whose characters 5-12 (those there are) are not all digits, or that has no
    character 5; those characters tested before the UPN is looked up among the UPNunknown
    codes (2 million children, most UPNs of digits there: 0.21 -> 0.16 CPU s), and only for a
    UPN without a check letter (`upn_check`: `with_upn_check`), as one with it has digits as
    characters 2-13 (0.13 -> 0.03 CPU s)."""
    return f"""SELECT * FROM child WHERE upn IS NOT NULL AND upn_check IS NULL
        AND NOT regexp_full_match(substr(upn, 5, 8), '[0-9]+') AND {UPN_GIVEN}"""


@rule(
    "1550",
    R,
    "UPN invalid (character 13 not a recognised value)",
    fields=["UPN"],
    column="upn",
)
def r1550() -> str:
    """A 13-character UPN whose character 13 is not a digit or a capital letter other than
    I, O and S: that one character looked up in the text of those (2 million children: a
    regular expression for each cost 0.12 CPU s), and only for a UPN without a check letter
    (`upn_check`: one with it has a digit there; 0.05 -> 0.01 CPU s), which is asked first,
    before the UPN's length (in the fused scan, single thread: 0.058 -> 0.048 CPU s)."""
    return f"""SELECT * FROM child WHERE upn_check IS NULL AND {UPN_13}
        AND NOT contains('0123456789{CHECK_LETTERS}', substr(upn, 13, 1))"""


@rule(
    "1560Q",
    R,
    "Please check and either amend or provide a reason: Former UPN wrongly formatted",
    fields=["FormerUPN"],
    column="former_upn",
)
def r1560q() -> str:
    """FormerUPN given and not a letter followed by 12 digits."""
    return """SELECT * FROM child WHERE former_upn IS NOT NULL
        AND NOT regexp_full_match(former_upn, '[[:alpha:]][0-9]{12}')"""


@rule(
    "8770Q",
    R,
    "Please check and either amend data or provide a reason: UPN is missing or reason UPN is "
    "missing or is UN1 for a child who is of school age.",
    fields=["UPN", "UPNunknown", "PersonBirthDate", "ReferralNFA"],
    column="upn",
    reads=("referrals",),  # through `child`'s facts (cin/common.py CHILD_FACTS)
)
def r8770q() -> str:
    """A child with an episode of need going on to further action (ReferralNFA false), of
    school age, and with neither a UPN nor a UPNunknown reason other than UN1 (not of school
    age). School age: born on or before 31 March six years before the reference date (to
    2023-24); from 2024-25, on or before 31 August six years before (the reference date plus
    4 months and 31 days, less 6 years). DfE's 2024-25 message. The UPN and further action
    tested before the date is worked out (`UN1`: 2 million children, 0.08 -> 0.03 CPU s)."""
    born_by = """CASE WHEN year(cy_end) >= 2025
        THEN cy_end + INTERVAL 4 MONTH + INTERVAL 31 DAY - INTERVAL 6 YEAR
        ELSE cy_end - INTERVAL 6 YEAR END"""
    return f"""SELECT * FROM child c WHERE {further_action("c")}
        AND (c.upn IS NULL OR {_is("c.upn", "UN1")}) AND c.date_of_birth <= {born_by}"""


@rule(
    "8772",
    R,
    "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN details is "
    "a referral going on to further action",
    fields=["UPNunknown", "ReferralNFA"],
    column="upn",
    reads=("referrals",),  # through `child`'s facts (cin/common.py CHILD_FACTS)
)
def r8772() -> str:
    """UPNunknown UN7 for a child with an episode of need whose ReferralNFA is false: `_is`'s
    two tests as terms of the rule's own AND, not one bracketed term: the fused scan tests a
    term only on the rows the ones before it kept, but both halves of an AND inside a term on
    every row, so `upper` made a text of every UPN (England's first CIN group, single
    thread: 0.093 -> 0.047 CPU s)."""
    return f"""SELECT * FROM child c WHERE {further_action("c")}
        AND length(c.upn) = 3 AND upper(c.upn) = 'UN7'"""


@rule(
    "8750",
    R,
    "Sex must equal U for an unborn child",
    fields=["Sex", "PersonBirthDate", "ExpectedPersonBirthDate"],
    column="sex",
)
def r8750() -> str:
    """ExpectedPersonBirthDate given, PersonBirthDate blank, and Sex not U (to 2023-24
    GenderCurrent not 0, which the store reads as U with 9)."""
    return """SELECT * FROM child WHERE expected_date_of_birth IS NOT NULL
        AND date_of_birth IS NULL AND sex IS DISTINCT FROM 'U'"""


@rule(
    "8530Q",
    R,
    "Please check and either amend data or provide a reason: Expected Date of Birth is outside "
    "the expected range for this census (March to December of the Census Year end)",
    fields=["ExpectedPersonBirthDate"],
    column="expected_date_of_birth",
)
def r8530q() -> str:
    """ExpectedPersonBirthDate on or before the reference date less 30 days, or on or after
    the reference date plus 9 months; the dates worked out only for a child with one (2
    million children, few unborn: 0.06 -> 0.01 CPU s)."""
    return """SELECT * FROM child WHERE expected_date_of_birth IS NOT NULL
        AND (expected_date_of_birth <= cy_end - INTERVAL 30 DAY
            OR expected_date_of_birth >= cy_end + INTERVAL 9 MONTH)"""


@rule(
    "8545Q",
    R,
    "Please check and either amend data or provide a reason: Child's date of death should be "
    "within the census year",
    fields=["PersonDeathDate"],
    column="date_of_death",
)
def r8545q() -> str:
    """PersonDeathDate outside 1 April to the reference date."""
    return "SELECT * FROM child WHERE date_of_death < cy_start OR date_of_death > cy_end"


@rule(
    "8585Q",
    R,
    "Please check and either amend or provide a reason: CIN episode shows Died as the Closure "
    "Reason, however child has no recorded Date of Death",
    fields=["ReasonForClosure", "PersonDeathDate"],
    column="closure_reason",
    columns=["referrals.closure_reason", "children.date_of_death"],
)
def r8585q() -> str:
    """An episode of need closed with reason RC2 (died) for a child with no PersonDeathDate:
    the episode and the child."""
    died = in_list("RC2")
    return f"""SELECT {keyed("r", "ReasonForClosure", "closure_reason")}
    FROM referrals r JOIN child c ON c.la_code = r.la_code AND c.child_id = r.child_id
    WHERE r.closure_reason IN {died} AND c.date_of_death IS NULL
    UNION ALL
    SELECT {keyed("c", "PersonDeathDate", "date_of_death")} FROM child c
    WHERE c.date_of_death IS NULL AND EXISTS (SELECT 1 FROM referrals r
        WHERE r.la_code = c.la_code AND r.child_id = c.child_id AND r.closure_reason IN {died})"""
