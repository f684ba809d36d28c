"""Issue 13, item 17: docs/security.md says how each guarantee is tested; every test it names
exists, so the page cannot go on citing a test that was renamed or removed."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _defined() -> dict[str, set[str]]:
    """Test module -> the test functions it defines."""
    return {
        path.name: set(re.findall(r"^def (test_\w+)", path.read_text(), re.MULTILINE))
        for path in (ROOT / "tests").glob("test_*.py")
    }


def test_every_test_this_page_names_exists():
    page = (ROOT / "docs" / "security.md").read_text()
    defined = _defined()
    everywhere = set().union(*defined.values())
    named = set(re.findall(r"`(?:(test_\w+\.py)::)?(test_\w+)`", page))
    modules = set(re.findall(r"`(test_\w+\.py)", page))
    assert len(named) > 40
    missing = [
        f"{module}::{name}" if module else name
        for module, name in sorted(named)
        if name not in (defined.get(module, set()) if module else everywhere)
    ]
    assert missing == []
    assert [m for m in sorted(modules) if m not in defined] == []
