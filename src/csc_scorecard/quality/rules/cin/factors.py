"""CIN census rules on a child's disabilities and on the factors identified at assessment.

The store keeps a child's <Disability> codes in `children.disabilities` and an assessment's
<AssessmentFactors> codes in `assessments.factors`, each joined with single spaces in file order
(ingest/specs/cin_census.yaml), so a rule splits them back into a list.
"""

from __future__ import annotations

from csc_scorecard.model.codes import codes
from csc_scorecard.quality.rules import rule, sql_text
from csc_scorecard.quality.rules.cin.child import repeated, repeated_children
from csc_scorecard.quality.rules.cin.common import further_action, same_episode
from csc_scorecard.quality.rules.cin.plans import CLOSED_AFTER_ASSESSMENT
from csc_scorecard.quality.rules.sql import any_of

R = "cin"

# All the Disability codes of the child's records in one return (a child written twice, as
# LAchildID identifies it, has the codes of both records).
CHILD_DISABILITIES = (
    "string_split(string_agg(disabilities, ' ') OVER (PARTITION BY load_id, child_id), ' ')"
)
NO_DISABILITY = "'NONE'"
NO_FACTOR = "21"  # AssessmentFactors 21: no factors identified


def _factor_texts(test: str) -> str:
    """SQL: the distinct AssessmentFactors texts of the assessments that meet `test` (SQL of
    one text `f`), each text tested once, not once a row. The texts repeat: a synthetic
    England's group of 2.1 million assessments holds 82, and testing every row's text (a split,
    a pattern) cost more than collecting the texts and looking each row's up among the few
    that meet the test (a hash join; a filter on the texts of `SELECT DISTINCT` would be
    pushed down to every row, a lambda over their list is not)."""
    return f"SELECT unnest(list_filter(list(DISTINCT factors), lambda f: {test})) FROM assessments"


def _any_not_in(column: str, name: str) -> str:
    """SQL: `column` (codes joined with single spaces) holds a code outside list `name`: the
    text is not codes of the list each followed by a space but the last (what splitting it at
    every space and testing each part finds, a blank part included), one regular expression
    rather than a split and a lambda testing each part against the list (2.1 million
    assessments' factors: 0.47 -> 0.05 CPU s)."""
    code = any_of(tuple(codes(name)))
    return f"NOT regexp_full_match({column}, {sql_text(f'{code}(?: {code})*')})"


def _with_others(codes: str, alone: str) -> str:
    """SQL: the list `codes` holds `alone` (a code that must stand alone) and another code."""
    return f"""list_contains({codes}, {alone})
        AND len(list_filter({codes}, lambda x: x <> {alone})) > 0"""


def _has(text: str, code: str) -> str:
    """SQL: `text` (codes joined with single spaces) holds `code` as one of its parts (split at
    every space), read from the text, not a list made of it for every row (2.1 million
    assessments: 8869 0.22 -> 0.05 CPU s): the text is `code`, starts `code `, ends ` code`
    or holds ` code `, each asked only of a text holding `code` at all (0.09 -> 0.06)."""
    return f"""(contains({text}, '{code}') AND ({text} = '{code}' OR starts_with({text}, '{code} ')
        OR ends_with({text}, ' {code}') OR contains({text}, ' {code} ')))"""


def _has_with_others(text: str, alone: str) -> str:
    """SQL: `text` (codes joined with single spaces) holds the code `alone` and another code
    (`_with_others` of its parts split at every space, a blank part a code as there): `alone`
    is a part (`_has`), and not every part is `alone`."""
    return f"{_has(text, alone)} AND NOT regexp_full_match({text}, '{alone}(?: {alone})*')"


def _repeats_in(text: str) -> str:
    """SQL: `text` (codes joined with single spaces) holds a code twice (`_repeats` of its
    parts split at every space): a text without a space has one part, one with a single space
    two, equal or not; only a text of three parts or more is split into a list (2.1 million
    assessments, three in four of two factors: 8898 0.82 -> 0.31 CPU s)."""
    parts = f"string_split({text}, ' ')"
    second = f"substr({text}, strpos({text}, ' ') + 1)"
    return f"""CASE WHEN {text} IS NULL OR NOT contains({text}, ' ') THEN false
        WHEN NOT contains({second}, ' ') THEN split_part({text}, ' ', 1) = {second}
        ELSE list_unique({parts}) < len({parts}) END"""


def _repeats(codes: str) -> str:
    """SQL: list `codes` holds a code more than once: a list of one code (most: NONE) is not
    made distinct (2 million children's: 0.96 -> 0.46 CPU s)."""
    return f"len({codes}) > 1 AND len({codes}) > len(list_distinct({codes}))"


@rule(
    "8540",
    R,
    "Child’s disability is missing or invalid (see Disability table)",
    fields=["Disability", "PersonBirthDate", "ReferralNFA"],
    column="disabilities",
    reads=("referrals",),  # through `child`'s facts (cin/common.py CHILD_FACTS)
)
def r8540() -> str:
    """A born child (PersonBirthDate given) with an episode of need whose ReferralNFA is false,
    and with no Disability or one that is not a code of the list. NONE alone, a code of the
    list, is told from the text before the pattern is tried (most children's record)."""
    return f"""SELECT * FROM child c WHERE c.date_of_birth IS NOT NULL
        AND (c.disabilities IS NULL OR (c.disabilities <> {NO_DISABILITY}
            AND {_any_not_in("c.disabilities", "disability")}))
        AND {further_action("c")}"""


@rule(
    "8790",
    R,
    "Disability information includes both None and other values",
    fields=["Disability"],
    column="disabilities",
)
def r8790() -> str:
    """Disability NONE and another Disability code for the same child (its records in the
    return together). Only a child written more than once (`repeated`: CHILD_REPEATS, found
    once for the three rules reading it: `repeated_children`) or with a record holding NONE
    and more (the others') can: the window reads every record of those children only (2
    million children, 90% NONE alone, none repeated: 0.23 -> 0.03 CPU s, the shared hashes
    0.23 apart)."""
    return f"""SELECT * FROM (SELECT * FROM child WHERE contains(disabilities, 'NONE')
            AND disabilities <> {NO_DISABILITY} AND NOT {repeated()}
        UNION ALL {repeated_children()})
    QUALIFY {_with_others(CHILD_DISABILITIES, NO_DISABILITY)}"""


@rule(
    "8794",
    R,
    "Child has two or more disabilities with the same code",
    fields=["Disability"],
    column="disabilities",
)
def r8794() -> str:
    """The same Disability code twice for one child (its records in the return together: a
    child written twice with the same code is flagged, as the package reads it). Only a child
    written more than once (CHILD_REPEATS, found once for the three rules reading it:
    `repeated_children`), or with a record of more than one code (a space: the others'), can
    hold a code twice: the window reads every record of those children only (2 million
    children, none repeated: 0.28 -> 0.04 CPU s, the shared hashes 0.23 apart)."""
    return f"""SELECT * FROM (SELECT * FROM child
            WHERE contains(disabilities, ' ') AND NOT {repeated()}
        UNION ALL {repeated_children()})
    QUALIFY {_repeats(CHILD_DISABILITIES)}"""


@rule(
    "8614",
    R,
    "Parental or child factors at assessment should only be present for a completed assessment.",
    fields=["AssessmentAuthorisationDate", "AssessmentFactors"],
    column="factors",
)
def r8614() -> str:
    """AssessmentFactors given for an assessment with no AssessmentAuthorisationDate."""
    return "SELECT * FROM assessments WHERE authorised_date IS NULL AND factors IS NOT NULL"


@rule(
    "8869",
    R,
    "The assessment factors code “21” cannot be used in conjunction with any other assessment "
    "factors.",
    fields=["AssessmentFactors"],
    column="factors",
)
def r8869() -> str:
    """AssessmentFactors 21 (no factors identified) and another factor on one assessment: its
    text one of those that hold both (`_factor_texts`; in the fused scan of the assessments,
    testing every row's text cost 0.07 of the scan's 0.57 CPU s over a synthetic England's
    group)."""
    return f"""SELECT * FROM assessments
        WHERE factors IN ({_factor_texts(_has_with_others("f", NO_FACTOR))})"""


@rule(
    "8898",
    R,
    " The assessment has more than one parental or child factors with the same code",
    fields=["AssessmentFactors"],
    column="factors",
)
def r8898() -> str:
    """The same AssessmentFactors code twice on one assessment: its text one of those holding
    a code twice (`_factor_texts`; in the fused scan of the assessments its test of every row
    cost 0.27 of the scan's 0.57 CPU s over a synthetic England's group)."""
    return f"SELECT * FROM assessments WHERE factors IN ({_factor_texts(_repeats_in('f'))})"


@rule(
    "8897Q",
    R,
    "Parental or child factors at assessment information is missing from a completed assessment",
    fields=["AssessmentAuthorisationDate", "AssessmentFactors"],
    column="factors",
)
def r8897q() -> str:
    """An assessment authorised on or after 1 April of the census year with no
    AssessmentFactors, or with one that is not a code of the list: its text one of those that
    are not (`_factor_texts`; in the fused scan of the assessments, testing every row's text
    cost 0.11 of the scan's 0.57 CPU s over a synthetic England's group)."""
    return f"""SELECT * FROM assessments WHERE authorised_date >= cy_start AND (factors IS NULL
        OR factors IN ({_factor_texts(_any_not_in("f", "assessment_factor"))}))"""


@rule(
    "8873Q",
    R,
    "Please check and either amend data or provide a reason: When there is only one assessment "
    "on the episode and the factors code “21 No factors identified” has been used for the "
    "completed assessment, the reason for closure ‘RC8’ or 'RC9' should be used.",
    fields=["ReasonForClosure", "AssessmentFactors"],
    column="factors",
    columns=["referrals.closure_reason", "assessments.factors"],
)
def r8873q() -> str:
    """The only assessment of an episode of need has AssessmentFactors 21, and the episode's
    ReasonForClosure is not RC8 or RC9 (blank included)."""
    return f"""SELECT * FROM assessments a WHERE {_has("a.factors", NO_FACTOR)}
        AND NOT EXISTS (SELECT 1 FROM assessments b WHERE {same_episode("b", "a")}
            AND (b.load_id, b."row") <> (a.load_id, a."row"))
        AND EXISTS (SELECT 1 FROM referrals r WHERE {same_episode("r", "a")}
            AND (r.closure_reason IS NULL OR r.closure_reason NOT IN {CLOSED_AFTER_ASSESSMENT}))"""


def _factor_replaced(code: str) -> str:
    return f"SELECT * FROM assessments WHERE {_has('factors', code)}"


@rule(
    "8945Q",
    R,
    "Please check and either amend data or provide a reason: the assessment factors code '18A' "
    "should not be used ('18B' or '18C' should be used instead)",
    fields=["AssessmentFactors"],
    column="factors",
    years=(2025, None),
)
def r8945q() -> str:
    """AssessmentFactors 18A (replaced by 18B and 18C), census 2024-25 on."""
    return _factor_replaced("18A")


@rule(
    "8950Q",
    R,
    "Please check and either amend data or provide a reason: the assessment factors code '19A' "
    "should not be used ('19B' or '19C' should be used instead)",
    fields=["AssessmentFactors"],
    column="factors",
    years=(2025, None),
)
def r8950q() -> str:
    """AssessmentFactors 19A (replaced by 19B and 19C), census 2024-25 on."""
    return _factor_replaced("19A")
