"""The `scorecard` command line: thin commands over the library.

Each command lives in its own module under `csc_scorecard.commands` and registers itself on
`app`; this file only discovers them, so adding a command never means editing a shared file.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(
    name="scorecard",
    help="Children's social care performance: statutory extracts in, quarterly report out.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """Children's social care performance: statutory extracts in, quarterly report out."""


def _register_commands() -> None:
    from csc_scorecard import commands

    for module in sorted(m.name for m in pkgutil.iter_modules(commands.__path__)):
        importlib.import_module(f"csc_scorecard.commands.{module}")


_register_commands()

if __name__ == "__main__":
    # Run as `python -m csc_scorecard.cli`: the commands registered themselves on the imported
    # module's app, not on this __main__ copy's.
    from csc_scorecard.cli import app as registered

    registered()
