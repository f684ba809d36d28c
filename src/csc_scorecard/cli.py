"""The `scorecard` command line: thin commands over the library.

Each command lives in its own module under `csc_scorecard.commands` and registers itself on
`app`; this file only discovers them, so adding a command never means editing a shared file.

A command's module is imported only when that command runs (or its own `--help` is asked for):
each imports what it needs (the store, Ibis, the measure catalogue, the DfE rules), and
importing every one of them cost about a second before any command began. `scorecard --help`
lists the commands from their modules' source (`listing`: the `@app.command` decorators and
docstrings, read with `ast`), without importing them; `register_all` imports every one (the
documentation generator, which renders each command's help).
"""

from __future__ import annotations

import ast
import errno
import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from typer._click.exceptions import UsageError  # typer 0.29 (pinned) carries its own click
from typer.core import TyperCommand, TyperGroup

from csc_scorecard import __version__
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
    wrapped = error.args[0] if len(error.args) == 1 else None
    if isinstance(wrapped, OSError) and not isinstance(error, OSError):
        error = wrapped  # a library's wrapper of the OS's refusal (xlsxwriter's FileCreateError)
    if isinstance(error, OSError) and error.errno in OS_FAILURES:
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{OS_FAILURES[error.errno]}"
    return None


@dataclass(frozen=True)
class Listed:
    """A command as its module's source declares it: enough for the `--help` listing."""

    name: str
    module: str
    help: str | None
    short_help: str | None = None
    hidden: bool = False
    deprecated: bool = False
    rich_help_panel: str | None = None

    def stub(self) -> TyperCommand:
        """A stand-in that lists like the real command (name and help) and runs nothing."""
        return TyperCommand(
            self.name,
            help=self.help,
            short_help=self.short_help,
            hidden=self.hidden,
            deprecated=self.deprecated,
            rich_help_panel=self.rich_help_panel,
        )


_LISTED_KEYWORDS = {"name", "help", "short_help", "hidden", "deprecated", "rich_help_panel"}


def _literal_keywords(call: ast.Call) -> dict | None:
    """The call's keywords, if every one is a literal the listing can use; else None."""
    found = {}
    for keyword in call.keywords:
        if keyword.arg not in _LISTED_KEYWORDS and keyword.arg != "no_args_is_help":
            return None
        try:
            found[keyword.arg] = ast.literal_eval(keyword.value)
        except ValueError:
            return None
    return found


def _declared(tree: ast.Module, module: str) -> list[Listed] | None:
    """The commands a module's source registers on `app`, in order; None if any cannot be read
    without importing it (a name or help computed at import)."""
    typers: dict[str, dict] = {}  # `x = typer.Typer(help=...)`: sub-command groups
    found: list[Listed] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Attribute) and func.attr == "Typer":
                keywords = _literal_keywords(node.value)
                for target in node.targets:
                    if isinstance(target, ast.Name) and keywords is not None:
                        typers[target.id] = keywords
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            call = node.value
            if _on_app(call.func, "add_typer"):
                keywords = _literal_keywords(call)
                group = call.args[0] if call.args else None
                if keywords is None or not isinstance(group, ast.Name) or group.id not in typers:
                    return None
                declared = {**typers[group.id], **keywords}
                if "name" not in declared:
                    return None
                declared.pop("no_args_is_help", None)
                found.append(Listed(module=module, **declared))
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and _on_app(decorator.func, "command")):
                continue
            keywords = _literal_keywords(decorator)
            if keywords is None or len(decorator.args) > 1:
                return None
            if decorator.args:
                try:
                    keywords["name"] = ast.literal_eval(decorator.args[0])
                except ValueError:
                    return None
            keywords.pop("no_args_is_help", None)
            name = keywords.pop("name", None) or typer.main.get_command_name(node.name)
            text = keywords.pop("help", None)
            text = ast.get_docstring(node) if text is None else inspect.cleandoc(text)
            found.append(Listed(name=name, module=module, help=text, **keywords))
    return found


def _on_app(func: ast.expr, method: str) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and func.attr == method
        and isinstance(func.value, ast.Name)
        and func.value.id == "app"
    )


@cache
def listing() -> dict[str, Listed]:
    """Every command, by name, from the command modules' source. A module whose commands
    cannot be read that way is imported, and its registered commands listed."""
    from csc_scorecard import commands

    found: dict[str, Listed] = {}
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = f"{commands.__name__}.{info.name}"
        path = Path(commands.__path__[0]) / f"{info.name}.py"
        declared = _declared(ast.parse(path.read_text(encoding="utf-8")), module)
        if declared is None:
            declared = _imported(module)
        found.update((listed.name, listed) for listed in declared)
    return found


def _imported(module: str) -> list[Listed]:
    """A module's commands from what importing it registered."""
    before = _registered()
    importlib.import_module(module)
    return [
        Listed(
            name=name,
            module=module,
            help=command.help,
            short_help=command.short_help,
            hidden=command.hidden,
            deprecated=command.deprecated,
            rich_help_panel=getattr(command, "rich_help_panel", None),
        )
        for name, command in _built(exclude=before).items()
    ]


def _app() -> typer.Typer:
    # Run as `python -m csc_scorecard.cli`, the commands register on the imported module's
    # app, not on this __main__ copy's.
    from csc_scorecard.cli import app as registered

    return registered


def _registered() -> set[str]:
    registered = _app()
    return {_name(info) for info in registered.registered_commands} | {
        info.name for info in registered.registered_groups if info.name
    }


def _name(info) -> str:
    return info.name or typer.main.get_command_name(info.callback.__name__)


def _built(exclude: set[str]) -> dict[str, TyperCommand | TyperGroup]:
    """Click commands for the commands registered on `app` whose names are not in `exclude`."""
    registered = _app()
    built: dict[str, TyperCommand | TyperGroup] = {}
    for info in registered.registered_commands:
        if _name(info) not in exclude:
            built[_name(info)] = typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=registered.pretty_exceptions_short,
                rich_markup_mode=registered.rich_markup_mode,
            )
    for group in registered.registered_groups:
        if group.name and group.name not in exclude:
            built[group.name] = typer.main.get_group_from_info(
                group,
                pretty_exceptions_short=registered.pretty_exceptions_short,
                rich_markup_mode=registered.rich_markup_mode,
                suggest_commands=registered.suggest_commands,
            )
    return built


def register_all() -> None:
    """Import every command module (each registers its commands on `app`)."""
    for listed in listing().values():
        importlib.import_module(listed.module)


class _Commands(TyperGroup):
    """Every command runs inside one handler: the product's own errors become one line and a
    non-zero exit; any other exception is a bug and keeps its traceback.

    Commands are found lazily: a command's module is imported when the command is looked up,
    except while the group's own help is written (`listing` stands in for each then)."""

    _listing_only = False

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return sorted(set(self.commands) | set(listing()))

    def get_command(self, ctx: typer.Context, cmd_name: str) -> TyperCommand | None:
        if cmd_name not in self.commands:
            listed = listing().get(cmd_name)
            if listed is None:
                return None
            if self._listing_only:
                return listed.stub()
            importlib.import_module(listed.module)
            self.commands.update(_built(exclude=set(self.commands)))
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: typer.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            # Typer suggests from the commands built so far; suggest from every command.
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if self.suggest_commands and matches and "Did you mean" not in error.message:
                suggestions = ", ".join(f"{m!r}" for m in matches)
                error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        self._listing_only = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing_only = False

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except Exception as error:  # a bug (one_line is None) and click's own are raised again
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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scorecard {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Children's social care performance: statutory extracts in, quarterly report out."""
    from csc_scorecard.collector import frozen_at_exit

    frozen_at_exit()


if __name__ == "__main__":
    _app()()
