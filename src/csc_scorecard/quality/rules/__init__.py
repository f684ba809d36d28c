"""DfE validation rules for the SSDA903 and CIN census returns, vectorised over the store.

One rule is one small function returning a SQL query, registered with its metadata by the
`rule` decorator: the DfE code exactly as DfE and the data-to-insight validators write it
(`103`, `8500`, `392c`), the message, the return (`ssda903` or `cin`), the collection years it
applies to, and the DfE fields it checks. The query runs over the *scoped tables* that
`quality.scope` builds from the canonical store (one schema per return, DfE-shaped names:
`episodes`, `header`, `reviews`, ... for the 903; `child`, `referrals`, `assessments`, ... for
the CIN census) and returns the flagged rows of one of them, keeping its identifying columns
(`_table, la_code, load_id, row, child_id, cy_end`) and optionally a `value` column. Code lists
come from `model/codes` by name (`codes_in("rne")`), never pasted into a rule.

Rule texts, codes and messages are DfE's (public specification facts) as the data-to-insight
validators `csc-validator-be-903` and `csc-validator-be-cin` publish them; the logic here is
written for the canonical tables and documented in docs/quality.md.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from csc_scorecard.model.codes import codes

Return = Literal["ssda903", "cin"]
RETURNS: tuple[Return, ...] = ("ssda903", "cin")

# Scoped tables of each return (quality.scope builds them) and the canonical table behind each.
SCOPED: dict[Return, dict[str, str]] = {
    "ssda903": {
        "header": "children",
        "episodes": "cla_episodes",
        "reviews": "cla_reviews",
        "missing": "missing_episodes",
        "oc2": "cla_health",
        "oc3": "care_leavers",
        "adoptions": "adoptions",
        "placed": "adoptions",  # the PlacedAdoption rows of adoptions (quality.scope)
        "prevperm": "previous_permanence",
        "sw": "cla_social_worker_episodes",
        "dolo": "dolo_orders",
    },
    "cin": {
        "child": "children",
        "referrals": "referrals",
        "assessments": "assessments",
        "s47": "section47s",
        "plans": "cin_plans",
        "cpp": "cp_plans",
        "cpreviews": "cp_reviews",
    },
}

# Tables the scope derives from scoped tables once per run (quality.scope), by return: each
# with the scoped table it holds rows of, or the tuple of every scoped table it reads (its rows'
# table first), so a rule reading it reads them all: it runs, and the table is built, only
# where a rule reading them all would (a row filter of a derived table keeps its rule's tables),
# and only for a run of a rule reading it (quality.scope: directly, or through another derived
# table it reads; a derived table reads only those before it here).
DERIVED: dict[Return, dict[str, str | tuple[str, ...]]] = {
    "ssda903": {
        "episodes_n": "episodes",
        # episodes with PL_LA, PL_LOCATION and PL_DISTANCE derived from their postcodes
        # through the ONS postcode directory (rules/ssda903/postcodes.py)
        "episodes_pc": "episodes",
        "episodes_pc_last": "episodes_last",
        # the located episodes with whether the child is or was UASC (postcodes.py)
        "episodes_pcu": ("episodes", "header", "header_last"),
        # episodes with the child's Header row (rules/ssda903/derived.py)
        "episodes_h": ("episodes", "header"),
        "header_x": ("header", "episodes"),
        # the INT rules' fault rows, from `bad` and whichever tables the run has (no table
        # required: each rule names its own in `reads`; rules/ssda903/integrity.py)
        "integrity_x": (),
        # OC2, OC3, PlacedAdoption and adoption rows and episodes, each with what the adoption,
        # OC2 and OC3 rules read of the other tables the run has (rules/ssda903/derived_b.py)
        "oc2_b": "oc2",
        "oc3_b": "oc3",
        "placed_b": "placed",
        "adoptions_b": "adoptions",
        "episodes_b": "episodes",
        # SWEpisodes, DoLO, missing, Header and review rows with what their rules read of their
        # neighbours, other tables and `bad` (rules/ssda903/derived_c.py)
        "sw_c": "sw",
        "episodes_sw": ("episodes", "sw"),
        "dolo_c": "dolo",
        "dolo_e": ("dolo", "episodes"),
        "missing_c": "missing",
        "missing_e": ("missing", "episodes"),
        "header_c": "header",
        "header_eo": ("header", "episodes", "oc3"),
        "reviews_h": ("reviews", "header"),
        "header_l": ("header", "header_last"),
        "episodes_l": ("episodes", "episodes_last"),
        "oc3_l": ("oc3", "episodes", "episodes_last"),
        "episodes_urn": ("episodes", "providers"),
    },
    "cin": {
        # the hashes of the children's keys that two or more children share (cin/child.py)
        "child_repeats": "child",
    },
}


def derived_bases(ret: Return, name: str) -> tuple[str, ...]:
    """The scoped tables a derived table (DERIVED) reads; a scoped table's own name alone."""
    bases = DERIVED[ret].get(name, name)
    return (bases,) if isinstance(bases, str) else bases


# Last year's return: each scoped table with this suffix (`episodes_last`, `header_last`, ...) holds
# the rows of the previous collection year's return, built only when that return is given
# (`scorecard validate --previous`); a rule reading one runs only then (quality.scope).
LAST = "_last"

# Inputs other than the returns, scoped as tables of a return when given (quality.scope): the
# Ofsted provider list (`scorecard validate --providers`), read by the URN rules. A rule reading
# one runs only when it is given, and otherwise is listed once as not run, with this reason.
INPUTS: dict[Return, dict[str, str]] = {
    "ssda903": {"providers": "Ofsted provider list (validate --providers)"},
    "cin": {},
}


# A return's header, one row per load: quality.scope builds it from the store's loads and the
# issues ingest recorded about the header's own values (the CIN census Header's ReferenceDate
# and Year: rule 100).
HEADERS: dict[Return, dict[str, str]] = {
    "ssda903": {},
    "cin": {"header": "the census Header (header)"},
}


def table_label(ret: Return, name: str) -> str:
    """A scoped table as a "not run" reason names it: `cla_episodes (episodes)`, or for last
    year's, `last year's cla_episodes (episodes_last: validate --previous)`."""
    if name in INPUTS[ret]:
        return INPUTS[ret][name]
    if name in HEADERS[ret]:
        return HEADERS[ret][name]
    if name.endswith(LAST) and name.removesuffix(LAST) in SCOPED[ret]:
        canonical = SCOPED[ret][name.removesuffix(LAST)]
        return f"last year's {canonical} ({name}: validate --previous)"
    return f"{SCOPED[ret][name]} ({name})"


# The identifying columns every scoped table has and every rule query must return.
KEY = "_table, la_code, load_id, row, child_id, cy_end"


@dataclass(frozen=True)
class Rule:
    code: str
    ret: Return
    message: str
    fields: tuple[str, ...]  # DfE field names, as DfE writes them
    column: str  # canonical column whose value is reported (`value` when the query gives one)
    query: Callable[[], str]
    years: tuple[int | None, int | None] = (None, None)  # collection years (ending 31 March)
    severity: Literal["error", "query"] = "error"
    columns: tuple[str, ...] = ()  # canonical table.column the rule checks (for measures)
    needs: tuple[str, ...] = field(default=())  # scoped tables the query reads
    # True: the rule runs when any table it reads has rows (an empty one reads as empty), not
    # only when every one has (a rule over an episode OR its assessments OR its enquiries)
    any_rows: bool = False

    @property
    def sql(self) -> str:
        return self.query()

    def applies_to(self, year: int) -> bool:
        first, last = self.years
        return (first is None or year >= first) and (last is None or year <= last)

    @property
    def doc(self) -> str:
        return (self.query.__doc__ or "").strip()


_REGISTRY: dict[tuple[Return, str], Rule] = {}


def rule(
    code: str,
    ret: Return,
    message: str,
    *,
    fields: list[str],
    column: str,
    years: tuple[int | None, int | None] = (None, None),
    columns: list[str] | None = None,
    any_rows: bool = False,
    reads: tuple[str, ...] = (),
) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Register a rule function (it returns the rule's SQL). `column` is the scoped table's
    column whose value the fault reports; `columns` the canonical `table.column`s the rule
    checks, derived from the DfE `fields` through the ingest specs when not given. A rule runs
    where every table it reads has rows, or with `any_rows` where any of them has. `reads`: the
    scoped tables a rule reads through the columns of a derived table built from whatever the
    run has (quality.scope.derived_sql), which its query does not name: it reads them too."""

    def register(fn: Callable[[], str]) -> Callable[[], str]:
        key = (ret, code)
        if key in _REGISTRY:
            raise ValueError(f"rule {code} ({ret}) is registered twice")
        sql = fn()
        needs = tuple(sorted(set(_tables_read(ret, sql)) | set(reads)))
        if not needs:
            raise ValueError(f"rule {code}: its query reads no {ret} table")
        _REGISTRY[key] = Rule(
            code=code,
            ret=ret,
            message=message,
            fields=tuple(fields),
            column=column,
            query=fn,
            years=years,
            severity="query" if code.endswith("Q") else "error",
            columns=tuple(columns) if columns is not None else canonical_columns(ret, fields),
            needs=needs,
            any_rows=any_rows,
        )
        return fn

    return register


_NAMED = re.compile(r"\b(?:FROM|JOIN)\s+([a-z_0-9]+)", re.IGNORECASE)


def named(sql: str) -> set[str]:
    """The names a query reads FROM or JOINs (lower case; its CTEs' and aliases' too)."""
    return {n.lower() for n in _NAMED.findall(sql)}


def derived_read(ret: Return, sql: str) -> set[str]:
    """The derived tables (DERIVED) a query of the return names."""
    return named(sql) & DERIVED[ret].keys()


def _tables_read(ret: Return, sql: str) -> tuple[str, ...]:
    read = {base for n in named(sql) for base in derived_bases(ret, n)}
    known = (
        set(SCOPED[ret]) | {n + LAST for n in SCOPED[ret]} | set(INPUTS[ret]) | set(HEADERS[ret])
    )
    return tuple(sorted(read & known))


@cache
def _field_map(ret: Return) -> dict[str, tuple[str, ...]]:
    """DfE field name -> canonical table.column, from the ingest spec of the return."""
    from csc_scorecard.ingest.fields import load_spec

    spec = load_spec("ssda903" if ret == "ssda903" else "cin_census")
    out: dict[str, list[str]] = {}
    for table_spec in spec.tables.values():
        for src, f in table_spec.columns.items():
            target = f"{table_spec.canonical}.{f.to}"
            if target not in out.setdefault(src, []):
                out[src].append(target)
    return {k: tuple(v) for k, v in out.items()}


def canonical_columns(ret: Return, fields: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    mapping = _field_map(ret)
    found: list[str] = []
    for f in fields:
        for target in mapping.get(f, ()):
            if target not in found and not target.endswith(".child_id"):
                found.append(target)
    return tuple(found)


def codes_in(name: str) -> str:
    """A DfE code list from model/codes as a SQL list literal: ('S', 'L', ...)."""
    return "(" + ", ".join(sql_text(c) for c in codes(name)) + ")"


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def in_list(*values: str) -> str:
    """A rule's own list of codes (one the DfE rule text names) as a SQL list literal."""
    return "(" + ", ".join(sql_text(v) for v in values) + ")"


@cache
def registry() -> dict[tuple[Return, str], Rule]:
    """Every rule, keyed by (return, code), in return then code order."""
    from csc_scorecard.quality.rules import cin as _cin_pkg
    from csc_scorecard.quality.rules import ssda903 as _903_pkg

    for pkg in (_903_pkg, _cin_pkg):
        for info in pkgutil.iter_modules(pkg.__path__):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    return dict(sorted(_REGISTRY.items(), key=lambda kv: (kv[0][0] != "ssda903", _order(kv[0][1]))))


def _order(code: str) -> tuple[int, str]:
    digits = re.match(r"\d+", code)
    return (int(digits[0]) if digits else 10**9, code)


def rules(ret: Return | None = None) -> list[Rule]:
    return [r for (rt, _), r in registry().items() if ret is None or rt == ret]


def get(ret: Return, code: str) -> Rule:
    try:
        return registry()[(ret, code)]
    except KeyError:
        raise KeyError(f"no {ret} rule {code!r}") from None
