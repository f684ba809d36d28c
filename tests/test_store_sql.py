"""Only the modules docs/architecture.md lists ("Who may write SQL") name the store's own
bookkeeping tables in SQL; every other module asks `Store` through its methods.

The table of owners is declared once, in the ```store-tables block of docs/architecture.md;
this test reads it, collects every string literal of every module under src/csc_scorecard
(adjacent literals joined as Python joins them; an f-string with its module-level string
constants filled in, so `f"DELETE FROM {TABLE}"` is seen with TABLE's value) and finds the
tables named after FROM, JOIN, INTO, UPDATE or TABLE.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "csc_scorecard"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

SQL_TABLE = re.compile(
    r'\b(?:FROM|JOIN|INTO|UPDATE|TABLE(?: IF NOT EXISTS| IF EXISTS)?)\s+(?:main\.)?"?([A-Za-z_]\w*)"?'
)


def declared_owners(text: str) -> dict[str, tuple[str, ...]]:
    """{bookkeeping table: module prefixes whose SQL may name it} from the ```store-tables block.

    >>> declared_owners("```store-tables\\nloads: store quality.scope\\n```")
    {'loads': ('store', 'quality.scope')}
    """
    block = re.search(r"^```store-tables\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    assert block, "docs/architecture.md has no ```store-tables block"
    owners = {}
    for line in block[1].strip().splitlines():
        name, _, prefixes = line.partition(":")
        owners[name.strip()] = tuple(prefixes.split())
    return owners


OWNERS = declared_owners(ARCHITECTURE.read_text())


def sql_tables(source: str) -> set[str]:
    """The tables the module's string literals name in SQL.

    >>> sorted(sql_tables('q = "SELECT load_id FROM loads JOIN dq_issues USING (load_id)"'))
    ['dq_issues', 'loads']
    >>> sorted(sql_tables('T = "measure_results"\\nq = f"DELETE FROM {T} WHERE x = {y}"'))
    ['measure_results']
    >>> sorted(sql_tables('doc = "read from loads and issues"'))  # prose, not SQL
    []
    """
    tree = ast.parse(source)
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(SQL_TABLE.findall(node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(
                str(v.value)
                if isinstance(v, ast.Constant)
                else constants.get(v.value.id, "{}")
                if isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name)
                else "{}"
                for v in node.values
            )
            found.update(SQL_TABLE.findall(text))
    return found


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or "csc_scorecard"


def allowed(module: str, prefixes: tuple[str, ...]) -> bool:
    """Whether the module is one of the prefixes or inside one.

    >>> allowed("store.bookkeeping", ("store",)), allowed("status", ("store",))
    (True, False)
    >>> allowed("storehouse", ("store",))
    False
    """
    return any(module == p or module.startswith(p + ".") for p in prefixes)


@cache
def naming() -> dict[str, set[str]]:
    """{module: the bookkeeping tables its SQL names}, for every module naming one."""
    out: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        names = sql_tables(path.read_text(encoding="utf-8")) & set(OWNERS)
        if names:
            out[module_name(path)] = names
    return out


def test_only_the_listed_modules_query_the_stores_own_tables():
    wrong = sorted(
        f"{module} queries {name} (ask a Store method, or list it in docs/architecture.md)"
        for module, names in naming().items()
        for name in names
        if not allowed(module, OWNERS[name])
    )
    assert not wrong, "\n".join(wrong)


def test_the_scan_sees_the_stores_own_queries():
    """The store package names its tables: a scan that finds nothing there is broken."""
    found = naming()
    assert {"loads", "dq_issues", "manual_values"} <= found["store.bookkeeping"]
    assert "store_meta" in found["store.opening"]


@pytest.mark.parametrize("name", sorted(OWNERS))
def test_every_listed_owner_is_a_module(name):
    for prefix in OWNERS[name]:
        base = PACKAGE.joinpath(*prefix.split("."))
        assert base.with_suffix(".py").is_file() or (base / "__init__.py").is_file(), prefix


def test_a_query_in_an_unlisted_module_fails(tmp_path):
    """The rule itself: status (a store-layer module, but not an owner) querying `loads` is
    named."""
    source = 'def f(con):\n    return con.execute("SELECT count(*) FROM loads").fetchall()\n'
    assert sql_tables(source) & set(OWNERS) == {"loads"}
    assert not allowed("status", OWNERS["loads"])
