"""The `scorecard` command line: thin commands over the library.

Each command lives in its own module under `csc_scorecard.commands` and registers itself on
`app`; this file only discovers them, so adding a command never means editing a shared file.
"""

from __future__ import annotations

import errno
import importlib
import pkgutil

import typer
from typer.core import TyperGroup

from csc_scorecard.errors import ScorecardError

# Operating-system failures that are the user's to fix, not bugs: said in one line.
OS_FAILURES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOENT: "no such file or folder",
    errno.EISDIR: "is a folder, not a file",
}


def one_line(error: BaseException) -> str | None:
    """The one line to print for an error the user can act on; None for a bug."""
    if isinstance(error, ScorecardError):
        return " ".join(str(error).split())
    if isinstance(error, OSError) and error.errno in OS_FAILURES:
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{OS_FAILURES[error.errno]}"
    return None


class _Commands(TyperGroup):
    """Every command runs inside one handler: the product's own errors become one line and a
    non-zero exit; any other exception is a bug and keeps its traceback."""

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except (ScorecardError, OSError) as error:
            line = one_line(error)
            if line is None:
                raise
            typer.echo(f"Error: {line}", err=True)
            raise typer.Exit(code=getattr(error, "exit_code", 2)) from None


app = typer.Typer(
    cls=_Commands,
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
