"""SSDA903 social-worker episode rules (SWEpisodes, 2023-24; DfE codes and messages; logic
per docs/quality.md). They read DEC, which the measures of periods of care read."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.sql import RESPITE

R = "ssda903"


@rule(
    "SW01STG1",
    R,
    "Child looked after on 31 March, but no social worker episode information is reported",
    fields=["DEC"],
    column="dec",
    years=(2024, 2024),
)
def rsw01stg1() -> str:
    """An episode still open at 31 March (no DEC), not a short break (V3, V4), of a child with
    no social-worker episode, or with one lacking SW_ID, SW_DECOM or SW_REASON. Runs only where
    the return has SWEpisodes rows."""
    return f"""SELECT e.* FROM episodes e WHERE e.dec IS NULL
        AND NOT coalesce(e.ls IN {RESPITE}, false)
        AND (NOT EXISTS (SELECT 1 FROM sw s WHERE s.la_code = e.la_code
                AND s.child_id = e.child_id)
            OR EXISTS (SELECT 1 FROM sw s WHERE s.la_code = e.la_code
                AND s.child_id = e.child_id
                AND (s.sw_id IS NULL OR s.sw_decom IS NULL OR s.sw_reason IS NULL)))"""
