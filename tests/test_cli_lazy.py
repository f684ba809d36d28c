"""The command line imports a command's module only when that command runs: `scorecard --help`
lists every command from the modules' source (`cli.listing`) exactly as the registered commands
would list themselves, and `--version` imports none of them."""

from __future__ import annotations

import json
import subprocess
import sys

import typer.main
from typer.testing import CliRunner

from csc_scorecard import __version__
from csc_scorecard.cli import app, listing, register_all

ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}

# Run in a fresh interpreter: which modules a command line imports, and what it printed.
PROBE = """
import json, sys
from typer.testing import CliRunner
from csc_scorecard.cli import app
result = CliRunner().invoke(app, sys.argv[1:], env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
heavy = ("ibis", "duckdb", "csc_scorecard.store", "csc_scorecard.measures", "csc_scorecard.quality")
print(json.dumps({
    "output": result.output,
    "exit": result.exit_code,
    "commands": sorted(m for m in sys.modules if m.startswith("csc_scorecard.commands.")),
    "heavy": sorted(h for h in heavy if h in sys.modules),
}))
"""


def _fresh(*args: str) -> dict:
    ran = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    return json.loads(ran.stdout)


def test_the_listing_is_what_the_commands_register():
    register_all()
    built = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    listed = listing()
    assert sorted(listed) == sorted(built)
    assert {"ingest", "report", "validate", "lists", "project", "users"} <= set(listed)
    for name, entry in listed.items():
        command = built[name]
        assert (entry.help, entry.short_help, entry.hidden, entry.deprecated) == (
            command.help,
            command.short_help,
            command.hidden,
            command.deprecated,
        ), name
    modules = {
        (c.name or typer.main.get_command_name(c.callback.__name__)): c.callback.__module__
        for c in app.registered_commands
    }
    modules["users"] = "csc_scorecard.commands.users"  # a group of commands
    assert {name: entry.module for name, entry in listed.items()} == modules


def test_help_imports_no_command_and_lists_them_all():
    fresh = _fresh("--help")
    assert (fresh["exit"], fresh["commands"], fresh["heavy"]) == (0, [], [])
    register_all()  # in this process every command is the real one
    assert fresh["output"] == CliRunner().invoke(app, ["--help"], env=ENV).output
    for name in listing():
        assert f"│ {name} " in fresh["output"]


def test_a_command_imports_its_own_module_only():
    fresh = _fresh("validate", "--list-rules")
    assert fresh["exit"] == 0 and "8500" in fresh["output"].split()
    assert fresh["commands"] == [
        "csc_scorecard.commands._faults",
        "csc_scorecard.commands._options",
        "csc_scorecard.commands.validate",
    ]


def test_version_and_a_mistyped_command():
    fresh = _fresh("--version")
    assert (fresh["output"], fresh["exit"], fresh["commands"]) == (
        f"scorecard {__version__}\n",
        0,
        [],
    )
    typo = _fresh("ingst")
    assert typo["exit"] == 2
    assert "No such command 'ingst'. Did you mean 'ingest'" in typo["output"]
