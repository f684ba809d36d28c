"""`scorecard users`: dashboard accounts (argon2id passwords), kept beside the store."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import DEFAULT_STORE_PATH, StoreOption

users_app = typer.Typer(help="Dashboard users: add, list, disable, set-role.", no_args_is_help=True)
app.add_typer(users_app, name="users")

RoleOption = Annotated[str, typer.Option("--role", help="viewer, manager, analyst or admin.")]


def _state(store):
    from csc_scorecard.web.state import State, state_path

    return State(state_path(store))


def _fail(error: Exception | str) -> None:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(code=2)


def _check_team(store, team: str | None) -> None:
    """Refuse a team the store's data never name (`lists.subjects.unknown_team_of_store`); a
    store not yet made or loaded is not checked (accounts may come first)."""
    from csc_scorecard.lists.subjects import unknown_team_of_store
    from csc_scorecard.store import Store

    if not team or not store.exists():
        return
    with Store(store, read_only=True) as db:
        refusal = unknown_team_of_store(db, team)
    if refusal:
        _fail(refusal)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name (no spaces).")],
    role: RoleOption,
    team: Annotated[
        str | None,
        typer.Option(help="Team id (managers see their own team's children and workers)."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    generate_password: Annotated[
        bool, typer.Option("--generate-password", help="Make a random password and print it once.")
    ] = False,
    store: StoreOption = DEFAULT_STORE_PATH,
) -> None:
    """Add a user; the password is read from standard input (never an argument) or generated."""
    import secrets

    from csc_scorecard.web.auth import PasswordRefused, hash_password
    from csc_scorecard.web.state import UserError

    if password_stdin == generate_password:
        raise typer.BadParameter("give the password with --password-stdin, or --generate-password")
    if generate_password:
        password = secrets.token_urlsafe(15)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    _check_team(store, team)
    state = _state(store)
    try:
        user = state.add_user(name, role, hash_password(password), team)
    except (UserError, PasswordRefused) as error:
        _fail(error)
    state.audit("cli", "user_add", user.name, detail=f"role={user.role} team={user.team or ''}")
    typer.echo(f"added {user.name} ({user.role}{', team ' + user.team if user.team else ''})")
    if generate_password:
        typer.echo(f"password for {user.name} (shown once, not stored): {password}")


@users_app.command("list")
def list_users(store: StoreOption = DEFAULT_STORE_PATH) -> None:
    """Every user with role, team and whether disabled."""
    for u in _state(store).users():
        typer.echo(f"{u.name}\t{u.role}\t{u.team or '-'}\t{'disabled' if u.disabled else 'active'}")


@users_app.command("disable")
def disable(
    name: Annotated[str, typer.Argument(help="User name.")],
    store: StoreOption = DEFAULT_STORE_PATH,
) -> None:
    """Disable a user and end their sessions."""
    from csc_scorecard.web.state import UserError

    state = _state(store)
    try:
        state.set_disabled(name)
    except UserError as error:
        _fail(error)
    state.audit("cli", "user_disable", name)
    typer.echo(f"disabled {name}")


@users_app.command("set-role")
def set_role(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: RoleOption,
    team: Annotated[str | None, typer.Option(help="Team id (unchanged if not given).")] = None,
    store: StoreOption = DEFAULT_STORE_PATH,
) -> None:
    """Change a user's role (and team)."""
    from csc_scorecard.web.state import UserError

    _check_team(store, team)
    state = _state(store)
    try:
        user = state.set_role(name, role, team)
    except UserError as error:
        _fail(error)
    state.audit("cli", "user_set_role", name, detail=f"role={user.role} team={user.team or ''}")
    typer.echo(f"{user.name} is now {user.role}{', team ' + user.team if user.team else ''}")
