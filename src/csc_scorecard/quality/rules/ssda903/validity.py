"""SSDA903 rules on single values: dates that are not dates, codes not in their DfE list, a UPN
of the wrong shape, date and reason given together (DfE codes and messages; logic per
docs/quality.md). An unreadable value is NULL in its column with its raw text in `bad`."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.sql import (
    bad_value,
    given,
    not_in_list,
    not_valid_date,
    unreadable,
    valid_code,
)

R = "ssda903"


@rule(
    "1005",
    R,
    "The end date of the missing episode or episode that the child was away from placement "
    "without authorisation is not a valid date.",
    fields=["MIS_END"],
    column="end_date",
)
def r1005() -> str:
    """MIS_END given but not a date."""
    return not_valid_date("missing", "end_date")


@rule(
    "116",
    R,
    "Date of Local Authority's (LA) decision that a child should no longer be placed for "
    "adoption is not a valid date.",
    fields=["DATE_PLACED_CEASED"],
    column="decision_reversed_date",
)
def r116() -> str:
    """DATE_PLACED_CEASED given but not a date."""
    return not_valid_date("placed", "decision_reversed_date")


@rule(
    "171",
    R,
    "Date of birth of mother's child is not a valid date.",
    fields=["MC_DOB"],
    column="mc_dob",
)
def r171() -> str:
    """MC_DOB given but not a date."""
    return not_valid_date("header", "mc_dob")


@rule(
    "1009",
    R,
    "Reason for placement change is not a valid code.",
    fields=["REASON_PLACE_CHANGE"],
    column="reason_place_change",
)
def r1009() -> str:
    """REASON_PLACE_CHANGE given and not in the reason-for-placement-change list."""
    return not_in_list("episodes", "reason_place_change", "reason_place_change")


@rule(
    "120",
    R,
    "The reason for the reversal of the decision that the child should be placed for adoption "
    "code is not valid.",
    fields=["REASON_PLACED_CEASED"],
    column="decision_reversed_reason",
)
def r120() -> str:
    """REASON_PLACED_CEASED given and not RD1-RD4."""
    return not_in_list("placed", "decision_reversed_reason", "reason_placed_ceased")


@rule("145", R, "Category of need code is not a valid code.", fields=["CIN"], column="cin")
def r145() -> str:
    """CIN given and not N1-N8."""
    return not_in_list("episodes", "cin", "cin_903")


@rule(
    "176",
    R,
    "The gender of adopter(s) at the date of adoption code is not a valid code.",
    fields=["SEX_ADOPTR"],
    column="sex_adopters",
)
def r176() -> str:
    """SEX_ADOPTR given and not in the adopters' sex list."""
    return not_in_list("adoptions", "sex_adopters", "sex_adopter")


@rule(
    "177",
    R,
    "The legal status of adopter(s) code is not a valid code.",
    fields=["LS_ADOPTR"],
    column="ls_adopters",
)
def r177() -> str:
    """LS_ADOPTR given and not in the adopters' legal status list."""
    return not_in_list("adoptions", "ls_adopters", "ls_adopter")


@rule(
    "175",
    R,
    "The number of adopter(s) code is not a valid code.",
    fields=["NB_ADOPTR"],
    column="number_adopters",
)
def r175() -> str:
    """NB_ADOPTR given and not 1 or 2 (a number other than 1 or 2, or not a number)."""
    return f"""SELECT a.* FROM adoptions a WHERE a.number_adopters NOT IN (1, 2)
        OR (a.number_adopters IS NULL AND EXISTS (SELECT 1 FROM bad b
            WHERE {bad_value("b", "a", "number_adopters")}))"""


@rule(
    "119",
    R,
    "If the decision is made that a child should no longer be placed for adoption, then the "
    "date of this decision and the reason why this decision was made must be completed.",
    fields=["REASON_PLACED_CEASED", "DATE_PLACED_CEASED"],
    column="decision_reversed_reason",
)
def r119() -> str:
    """Exactly one of DATE_PLACED_CEASED and REASON_PLACED_CEASED given (an unreadable date
    counts as given)."""
    return f"""SELECT a.* FROM placed a
        WHERE {given("a", "decision_reversed_date")} <> (a.decision_reversed_reason IS NOT NULL)"""


@rule(
    "167",
    R,
    "Data entry for participation is invalid or blank.",
    fields=["REVIEW_CODE", "REVIEW"],
    column="review_code",
)
def r167() -> str:
    """A review (date given) whose REVIEW_CODE is blank or not PN0-PN7, or a REVIEW_CODE with
    no review date."""
    return f"""SELECT r.* FROM reviews r WHERE CASE WHEN {given("r", "review_date")}
        THEN NOT coalesce({valid_code("r.review_code", "review_code")}, false)
        ELSE r.review_code IS NOT NULL END"""


@rule(
    "168",
    R,
    "Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, UN2, UN3, "
    "UN4 or UN5.",
    fields=["UPN"],
    column="upn",
)
def r168() -> str:
    """UPN given and neither a UPN (a capital letter other than I, O and S, then 12 digits, or
    11 digits and a capital letter) nor UN1-UN5."""
    return r"""SELECT * FROM header WHERE upn IS NOT NULL AND NOT regexp_full_match(upn,
        '[A-HJ-NP-RT-Z](\d{12}|\d{11}[A-Z])|UN[1-5]')"""


# AD1 and PlacedAdoption rows share the canonical `adoptions` table (DATE_INT and DATE_PLACED
# both feed adm_decision_date; `placed` is its PlacedAdoption rows, at their own lines): an
# unreadable date is told apart by the DfE field it came in.
@rule(
    "112",
    R,
    "Date should be placed for adoption is not a valid date.",
    fields=["DATE_INT"],
    column="adm_decision_date",
)
def r112() -> str:
    """AD1 DATE_INT given but not a date."""
    return not_valid_date("adoptions", "adm_decision_date", "DATE_INT")


@rule(
    "115",
    R,
    "Date of Local Authority's (LA) decision that a child should be placed for adoption is not "
    "a valid date.",
    fields=["DATE_PLACED"],
    column="adm_decision_date",
)
def r115() -> str:
    """PlacedAdoption DATE_PLACED given but not a date."""
    return not_valid_date("placed", "adm_decision_date", "DATE_PLACED")


@rule(
    "113",
    R,
    "Date matching child and adopter(s) is not a valid date.",
    fields=["DATE_MATCH"],
    column="matched_date",
)
def r113() -> str:
    """AD1 DATE_MATCH given but not a date."""
    return not_valid_date("adoptions", "matched_date")


@rule(
    "114",
    R,
    "Data entry to record the status of former carer(s) of an adopted child is invalid.",
    fields=["FOSTER_CARE"],
    column="foster_carer_adoption",
)
def r114() -> str:
    """AD1 FOSTER_CARE given but not a 0/1 value."""
    return unreadable("adoptions", "foster_carer_adoption")
