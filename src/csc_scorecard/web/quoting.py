"""A value from the request quoted in a message: whole when short, else its start, so a page
asked for with a long or pasted parameter still says in one short line what was wrong."""

from __future__ import annotations

LONGEST = 40


def quoted(value: str) -> str:
    """``value`` as repr() shows it, cut to its first 40 characters and an ellipsis if longer."""
    return repr(value) if len(value) <= LONGEST else repr(value[:LONGEST]) + "…"
