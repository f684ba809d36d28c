"""Generated references in docs/ must match the code (run `make docs` after a change)."""

from __future__ import annotations

from pathlib import Path

import pytest

from csc_scorecard.docgen import GENERATED

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_doc_is_current(name):
    assert (DOCS / name).read_text() == GENERATED[name](), f"docs/{name} is stale: run `make docs`"
