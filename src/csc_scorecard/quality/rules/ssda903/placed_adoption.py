"""SSDA903 PlacedAdoption rules: the decisions that a child should be placed for adoption
against each other, the episodes, AD1 and last year's return (DfE codes and messages; logic per
docs/quality.md). They read `placed`: the decisions of `adoptions` that came from a
PlacedAdoption row, at its line (ingest keeps which table each decision came from)."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import both_rows, row_keys
from csc_scorecard.quality.rules.ssda903.derived_b import EPISODES_B, PLACED_B

R = "ssda903"
REVERSED = "(p.decision_reversed_date IS NOT NULL OR p.decision_reversed_reason IS NOT NULL)"
AD1_GIVEN = """(a.adm_decision_date IS NOT NULL OR a.matched_date IS NOT NULL
    OR a.foster_carer_adoption IS NOT NULL OR a.number_adopters IS NOT NULL
    OR a.sex_adopters IS NOT NULL OR a.ls_adopters IS NOT NULL)"""


def _order_without_decision(ls: str) -> str:
    """Episodes with LS `ls` (an order) of a child with no PlacedAdoption row, and the
    PlacedAdoption rows reversed (DATE_PLACED_CEASED or REASON_PLACED_CEASED) of a child whose
    `ls` episode is open. Written as an anti and a semi join (the EXISTS tests they are),
    which DuckDB plans and runs a little cheaper (rule 553: 9.3 -> 8.6 ms CPU over 101,000
    episodes)."""
    return f"""SELECT e._table, e.la_code, e.load_id, e."row", e.child_id, e.cy_end,
            CAST(e.ls AS VARCHAR) AS value, 'LS' AS field FROM episodes e
            ANTI JOIN placed p ON p.la_code = e.la_code AND p.child_id = e.child_id
            WHERE e.ls = '{ls}'
        UNION ALL
        SELECT DISTINCT {row_keys("p")},
            CAST(p.decision_reversed_date AS VARCHAR) AS value, 'DATE_PLACED_CEASED' AS field
        FROM placed p SEMI JOIN episodes e ON e.la_code = p.la_code AND e.child_id = p.child_id
            AND e.ls = '{ls}' AND e.dec IS NULL
        WHERE {REVERSED}"""


@rule(
    "553",
    R,
    "Placement order has been granted but there is no date of decision that the child should be "
    "placed for adoption.",
    fields=["CHILD", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    column="value",
)
def r553() -> str:
    """A placement order episode (LS E1) of a child with no PlacedAdoption row; a reversed
    decision of a child whose E1 episode is open. A statement of its own, not a row filter:
    it flags rows of two tables, each fault naming its own field."""
    return _order_without_decision("E1")


@rule(
    "555",
    R,
    "Freeing order has been granted but there is no date of decision that the child should be "
    "placed for adoption.",
    fields=["CHILD", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    column="value",
    years=(None, 2024),
)
def r555() -> str:
    """A freeing order episode (LS D1) of a child with no PlacedAdoption row; a reversed
    decision of a child whose D1 episode is open (to 2023-24). A statement of its own, not a
    row filter: it flags rows of two tables, each fault naming its own field."""
    return _order_without_decision("D1")


@rule(
    "556",
    R,
    "Date of decision that the child should be placed for adoption should be on or prior to the "
    "date that the freeing order was granted.",
    fields=["DATE_PLACED", "DECOM"],
    column="decom",
    years=(None, 2024),
    reads=("placed",),
)
def r556() -> str:
    """A freeing order episode (LS D1) starting before a DATE_PLACED of the child (to
    2023-24)."""
    return f"SELECT * FROM {EPISODES_B} e WHERE e.ls = 'D1' AND e.placed_after"


@rule(
    "558",
    R,
    "If a child has been adopted, then the decision to place them for adoption has not been "
    "disrupted and the date of the decision that a child should no longer be placed for "
    "adoption should be left blank.",
    fields=["DATE_PLACED_CEASED", "REC"],
    column="rec",
    reads=("placed",),
)
def r558() -> str:
    """An episode ending in adoption (REC E11, E12) of a child every one of whose
    PlacedAdoption rows has DATE_PLACED_CEASED, when the child's adoption episodes times those
    rows number more than one (the package's count: one such episode and one such row are not
    flagged)."""
    return f"""SELECT * FROM {EPISODES_B} e WHERE e.rec IN {in_list("E11", "E12")}
        AND e.placed_rows > 0 AND NOT e.placed_open AND e.placed_rows * e.adoptions_ended > 1"""


@rule(
    "579",
    R,
    "A new decision that the child should be placed for adoption this year cannot start when "
    "the previous decision is still open. Decisions to place the child for adoption should also "
    "not overlap. The date of any new decision to place the child for adoption must not be "
    "before the date placed ceased of previous decisions.",
    fields=["DATE_PLACED", "DATE_PLACED_CEASED"],
    column="adm_decision_date",
)
def r579() -> str:
    """A decision (in DATE_PLACED order) whose previous decision of the child has no
    DATE_PLACED_CEASED, or ceased after this one's DATE_PLACED."""
    return f"""SELECT * FROM {PLACED_B}
        WHERE n > 1 AND (prev_ceased IS NULL OR adm_decision_date < prev_ceased)"""


@rule(
    "583",
    R,
    "More than one date the child should be placed for adoption has been reported, but an "
    "earlier decision has not been revoked. Check that both dates are required and add in the "
    "date the earlier decision was revoked. Note this may be in a previous year.",
    fields=["DATE_PLACED", "DATE_PLACED_CEASED"],
    column="adm_decision_date",
)
def r583() -> str:
    """A decision other than the child's latest (by DATE_PLACED) without DATE_PLACED_CEASED."""
    return f"SELECT * FROM {PLACED_B} WHERE n_open > 1"


@rule(
    "525",
    R,
    "A child for whom the decision to be placed for adoption has been reversed cannot be "
    "adopted during the year.",
    fields=[
        "DATE_PLACED_CEASED",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ],
    column="value",
)
def r525() -> str:
    """A decision with DATE_PLACED_CEASED of a child with an AD1 row giving any adoption
    detail: both rows. A statement of its own, not a row filter: it flags rows of two
    tables, each fault naming its own field."""
    pairs = f"""FROM placed p JOIN adoptions a ON a.la_code = p.la_code
        AND a.child_id = p.child_id AND a._table = 'AD1'
        WHERE p.decision_reversed_date IS NOT NULL AND {AD1_GIVEN}"""
    return both_rows(
        pairs,
        ("p", "CAST(p.decision_reversed_date AS VARCHAR)", "DATE_PLACED_CEASED", True),
        ("a", "CAST(a.adm_decision_date AS VARCHAR)", "DATE_INT", True),
    )


@rule(
    "559",
    R,
    "Date of decision that a child should be placed for adoption was not in the current year "
    "but the date of the decision that the child should be placed for adoption was not "
    "completed in a previous return.",
    fields=["DATE_PLACED"],
    column="adm_decision_date",
    reads=("placed_last",),
)
def r559() -> str:
    """A DATE_PLACED before 1 April of a child with no PlacedAdoption row last year, or one
    without DATE_PLACED."""
    return f"""SELECT * FROM {PLACED_B} p WHERE p.adm_decision_date < p.cy_start
        AND (p.last_none OR p.last_undated)"""


@rule(
    "560",
    R,
    "Date of decision that the child should be placed for adoption this year is different from "
    "that recorded last year but the decision to place the child for adoption did not change.",
    fields=["DATE_PLACED", "DATE_PLACED_CEASED"],
    column="adm_decision_date",
    reads=("placed_last",),
)
def r560() -> str:
    """A DATE_PLACED other than (or blank beside) a decision last year that had not ceased."""
    return f"SELECT * FROM {PLACED_B} p WHERE p.last_open_other"


@rule(
    "561",
    R,
    "Date of the decision that the child should be placed for adoption this year is the same as "
    "that recorded last year but records show that the decision changed, and the child should "
    "no longer be placed for adoption last year.",
    fields=["DATE_PLACED"],
    column="adm_decision_date",
    reads=("placed_last",),
)
def r561() -> str:
    """A DATE_PLACED equal to that of a decision last year that had ceased (a date or reason)."""
    return f"SELECT * FROM {PLACED_B} p WHERE p.last_ceased_same"


@rule(
    "584",
    R,
    "Date of decision that the child should be placed for adoption this year is different from "
    "that recorded last year, but the decision to placed the child for adoption changed and the "
    "child should no longer be placed for adoption.",
    fields=["DATE_PLACED"],
    column="adm_decision_date",
    reads=("placed_last",),
)
def r584() -> str:
    """DATE_PLACED blank, or not after that of a decision last year that had ceased (a
    DATE_PLACED_CEASED or REASON_PLACED_CEASED given): a decision made again after one was
    reversed is a new decision, with a later date."""
    return f"SELECT * FROM {PLACED_B} p WHERE p.last_ceased_not_before"
