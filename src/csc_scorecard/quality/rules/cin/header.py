"""CIN census rules on the return's Header (DfE codes and messages; logic per docs/quality.md).
They read the scoped `header` table: one row per census load, built from the store's loads and
the issues ingest recorded about the Header's ReferenceDate and Year (quality.scope)."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule

R = "cin"


@rule("100", R, "Reference Date is incorrect", fields=["ReferenceDate"], column="reference_date")
def r100() -> str:
    """ReferenceDate missing, not a date, or other than 31 March of the Header's Year (a Year
    that cannot be read included)."""
    return """SELECT h.*, coalesce(h.reference_date_text, CAST(h.reference_date AS VARCHAR))
            AS value
        FROM header h WHERE h.reference_date IS NULL OR h.year IS NULL
            OR h.reference_date <> make_date(h.year, 3, 31)"""
