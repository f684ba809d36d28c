"""The product's own error types: a failure the user can act on, shown as one line.

The command line turns a `ScorecardError` (and a few operating-system failures: a locked,
read-only or full store) into one line on stderr and a non-zero exit (`cli.py`); anything else
is a bug and keeps its traceback. Subclasses also derive from the built-in type callers already
catch (`ValueError`, `KeyError`), so raising one changes no caller.
"""

from __future__ import annotations


class ScorecardError(Exception):
    """A refusal or operational failure with a message that says what to do."""

    exit_code = 2


class BadInput(ScorecardError, ValueError):
    """A value given on the command line or in a settings file that is not valid."""


class NotFound(ScorecardError, KeyError):
    """A name (measure, scenario, authority, period) the product does not know."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


class StoreError(ScorecardError):
    """The store file cannot be used: missing, locked, read-only, not a store, wrong version."""
