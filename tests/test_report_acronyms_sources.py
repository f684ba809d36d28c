"""The acronyms the provenance appendix's published sources print are explained: the demo
paper's 'Published comparators' give the workforce and CIN census editions as 'EES release
2025' (DfE's Explore Education Statistics), with no EES in its acronyms list."""

from __future__ import annotations

from pydantic import BaseModel

from csc_scorecard.report.acronyms import used
from csc_scorecard.report.layout import layout


class _Text(BaseModel):
    edition: str


def test_the_published_sources_edition_acronym_is_listed():
    text = _Text(edition="Children's social work workforce, EES release 2025 (at 30 September)")
    listed = {a.term: a.meaning for a in used(text, layout().acronyms)}
    assert listed.get("EES") == "Explore Education Statistics (DfE's statistics service)"
