"""SSDA903 AD1 rules on the adopters: how many, their sexes and legal status against each other,
and an AD1 row without an adoption in the episodes (DfE codes and messages; logic per
docs/quality.md). LS_ADOPTR and SEX_ADOPTR are held only by AD1 rows (`adoptions`)."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.ssda903.derived_b import ADOPTIONS_B

R = "ssda903"
SINGLE = in_list("M1", "F1")
SAME_SEX = in_list("MM", "FF")
COUPLE = in_list("MM", "FF", "MF")


def _status_needs(status: str, sexes: str) -> str:
    """AD1 rows with LS_ADOPTR `status` and a SEX_ADOPTR (blank too) not in `sexes`."""
    return f"""SELECT * FROM adoptions WHERE ls_adopters = '{status}'
        AND NOT coalesce(sex_adopters IN {sexes}, false)"""


@rule(
    "511",
    R,
    "If reporting that the number of person(s) adopting the looked after child is two adopters "
    "then the code should only be MM, FF or MF. MM = the adopting couple are both males; FF = "
    "the adopting couple are both females; MF = The adopting couple are male and female.",
    fields=["NB_ADOPTR", "SEX_ADOPTR"],
    column="sex_adopters",
)
def r511() -> str:
    """NB_ADOPTR 2 with SEX_ADOPTR M1 or F1 (one adopter)."""
    return f"SELECT * FROM adoptions WHERE number_adopters = 2 AND sex_adopters IN {SINGLE}"


@rule(
    "514",
    R,
    "Data entry on the legal status of adopters shows a single adopter but data entry for the "
    "numbers of adopters shows it as a couple.",
    fields=["LS_ADOPTR", "SEX_ADOPTR"],
    column="sex_adopters",
)
def r514() -> str:
    """LS_ADOPTR L0 (single adopter) with SEX_ADOPTR blank or other than M1, F1."""
    return _status_needs("L0", SINGLE)


@rule(
    "517",
    R,
    "If reporting legal status of adopters is L3 then the genders of adopters should be coded "
    "as MF. MF = the adopting couple are male and female.",
    fields=["LS_ADOPTR", "SEX_ADOPTR"],
    column="sex_adopters",
)
def r517() -> str:
    """LS_ADOPTR L3 with SEX_ADOPTR blank or other than MF."""
    return _status_needs("L3", in_list("MF"))


@rule(
    "518",
    R,
    "If reporting legal status of adopters is L4 then the genders of adopters should be coded "
    "as MM or FF. MM = the adopting couple are both males. FF = the adopting couple are both "
    "females.",
    fields=["LS_ADOPTR", "SEX_ADOPTR"],
    column="sex_adopters",
)
def r518() -> str:
    """LS_ADOPTR L4 with SEX_ADOPTR blank or other than MM, FF."""
    return _status_needs("L4", SAME_SEX)


@rule(
    "519",
    R,
    "Data entered on the legal status of adopters shows civil partnership couple, but data "
    "entered on genders of adopters does not show it as a couple.",
    fields=["LS_ADOPTR", "SEX_ADOPTR"],
    column="sex_adopters",
)
def r519() -> str:
    """LS_ADOPTR L2 (civil partners) with SEX_ADOPTR blank or other than MM, FF, MF."""
    return _status_needs("L2", COUPLE)


@rule(
    "520",
    R,
    "Data entry on the legal status of adopters shows different gender married couple but data "
    "entry on genders of adopters shows it as a same gender couple.",
    fields=["LS_ADOPTR", "SEX_ADOPTR"],
    column="sex_adopters",
)
def r520() -> str:
    """LS_ADOPTR L11 with SEX_ADOPTR blank or other than MF."""
    return _status_needs("L11", in_list("MF"))


@rule(
    "524",
    R,
    "If reporting legal status of adopters is L12 then the genders of adopters should be coded "
    "as MM or FF. MM = the adopting couple are both males. FF = the adopting couple are both "
    "females",
    fields=["LS_ADOPTR", "SEX_ADOPTR"],
    column="sex_adopters",
)
def r524() -> str:
    """LS_ADOPTR L12 with SEX_ADOPTR blank or other than MM, FF."""
    return _status_needs("L12", SAME_SEX)


@rule(
    "602",
    R,
    "The episode data submitted for this child does not show that he/she was adopted during "
    "the year.",
    fields=["CHILD"],
    column="child_id",
    reads=("episodes",),
)
def r602() -> str:
    """An AD1 row of a child with no episode ending in the collection year in adoption (REC E11,
    E12)."""
    return f"SELECT * FROM {ADOPTIONS_B} a WHERE a._table = 'AD1' AND NOT a.adopted_in_year"
