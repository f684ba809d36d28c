"""Imports go one way: no module imports a layer above its own (docs/architecture.md).

The layer table is declared once, in docs/architecture.md (the ```layers block); this test
reads it, parses every module under src/csc_scorecard with `ast` (imports inside functions and
under `if TYPE_CHECKING:` included: a lazy import is still a dependency) and names each import
that runs upwards.
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


def declared_layers(text: str) -> tuple[dict[str, int], list[str]]:
    """({module prefix: layer number, 0 at the bottom}, layer names) from the ```layers block.

    >>> declared_layers("```layers\\nleaves: model errors\\nstore:  store\\n```")
    ({'model': 0, 'errors': 0, 'store': 1}, ['leaves', 'store'])
    """
    block = re.search(r"^```layers\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    assert block, "docs/architecture.md has no ```layers block"
    order: dict[str, int] = {}
    names: list[str] = []
    for number, line in enumerate(block[1].strip().splitlines()):
        name, _, prefixes = line.partition(":")
        names.append(name.strip())
        for prefix in prefixes.split():
            assert prefix not in order, f"{prefix} is placed twice in docs/architecture.md"
            order[prefix] = number
    return order, names


ORDER, NAMES = declared_layers(ARCHITECTURE.read_text())


def layer_of(module: str, order: dict[str, int] = ORDER) -> int | None:
    """The layer of the longest prefix in the table that `module` starts with.

    >>> order = {"quality": 4, "quality.fixlists": 7}
    >>> layer_of("quality.fixlists", order), layer_of("quality.rules.sql", order)
    (7, 4)
    >>> layer_of("qualityx", order) is None
    True
    """
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in order:
            return order[prefix]
    return None


def module_name(path: Path) -> str:
    """A file's module name below the package (`measures.run`; the package itself is
    `csc_scorecard`)."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or "csc_scorecard"


def is_module(name: str) -> bool:
    base = PACKAGE.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports(source: str, here: str, *, is_package: bool = False) -> set[str]:
    """The product modules the source of module `here` imports anywhere in its body, as names
    below the package (`from csc_scorecard.ingest import ssda903` names `ingest.ssda903`)."""
    package = here if is_package else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "csc_scorecard")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ["csc_scorecard", *package.split(".")] if package else ["csc_scorecard"]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module.split(".")[0] != "csc_scorecard":
                continue
            below = module.removeprefix("csc_scorecard").lstrip(".")
            for alias in node.names:
                sub = f"{below}.{alias.name}" if below else alias.name
                found.add(f"csc_scorecard.{sub}" if is_module(sub) else module)
    names = {
        "csc_scorecard" if f == "csc_scorecard" else f.removeprefix("csc_scorecard.") for f in found
    }
    return names - {here}


def upward(importer: str, imported: str) -> str | None:
    """Why an import runs against the declared order, or None when it does not.

    >>> upward("measures.run", "report.layout")
    'csc_scorecard.measures.run (layer measures) imports csc_scorecard.report.layout (layer report)'
    >>> upward("report.layout", "measures.run") is None
    True
    """
    mine, theirs = layer_of(importer), layer_of(imported)
    if mine is None or theirs is None or theirs <= mine:
        return None
    return (
        f"csc_scorecard.{importer} (layer {NAMES[mine]}) imports "
        f"csc_scorecard.{imported} (layer {NAMES[theirs]})"
    )


@cache
def product_imports() -> list[tuple[str, str]]:
    """Every (importing module, imported module) pair in the package."""
    pairs = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = module_name(path)
        source = path.read_text()
        for target in sorted(imports(source, here, is_package=path.name == "__init__.py")):
            pairs.append((here, target))
    return pairs


def test_every_module_has_a_layer() -> None:
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    unplaced = sorted(m for m in modules if layer_of(m) is None)
    assert not unplaced, f"give these a layer in docs/architecture.md: {unplaced}"


def test_no_import_runs_against_the_declared_order() -> None:
    wrong = [why for a, b in product_imports() if (why := upward(a, b))]
    assert not wrong, "imports against docs/architecture.md:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from csc_scorecard.report import layout\n", {"report.layout"}),
        ("def f():\n    from csc_scorecard.report.layout import x\n", {"report.layout"}),
        ("from ..report import publication\n", {"report.publication"}),
        ("from . import ledger\n", {"forecast.ledger"}),
        ("import csc_scorecard.store\n", {"store"}),
        ("from csc_scorecard import __version__\n", {"csc_scorecard"}),
        ("if TYPE_CHECKING:\n    from ..store import Store\n", {"store"}),
        ("import ibis\nfrom pathlib import Path\n", set()),
    ],
)
def test_imports_are_found_wherever_they_are(source: str, expected: set[str]) -> None:
    """Function-level, relative and type-checking imports all count (read as if the source
    were report/sections/finance/section.py)."""
    assert imports(source, "forecast.pipeline") == expected


def test_the_order_is_the_one_the_design_declares() -> None:
    """ingest -> store -> reference -> measures -> rating -> report -> commands/web, with the
    load types and periods below them all and the DfE rules below the measures."""
    chain = [
        "model.batch",
        "ingest.run",
        "store",
        "reference.load",
        "quality.rules.sql",
        "measures.run",
        "forecast.pipeline",
        "rating.assess",
        "report.context",
        "commands.report",
    ]
    layers = [layer_of(m) for m in chain]
    assert layers == sorted(layers) and len(set(layers)) == len(layers), dict(zip(chain, layers))
    assert layer_of("measures.rule_impact") < layer_of("quality.fixlists")
    assert layer_of("web.app") == layer_of("commands.serve")
