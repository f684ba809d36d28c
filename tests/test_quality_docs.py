"""docs/quality.md lists the measure fields and every rule implemented, as generated."""

from pathlib import Path

from csc_scorecard.quality.docs import rewrite

DOC = Path(__file__).resolve().parents[1] / "docs" / "quality.md"


def test_generated_section_is_current():
    text = DOC.read_text(encoding="utf-8")
    assert rewrite(text) == text, "run: python -m csc_scorecard.quality.docs docs/quality.md"
    assert "| `148` | ssda903 | DEC, REC | *m*" in text
