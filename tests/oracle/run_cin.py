"""Run the data-to-insight CIN census rule pack (`csc-validator-be-cin`) on one XML and write JSON.

Executed *inside* the throwaway virtualenv built by `scripts/oracle-env.sh` (pandas 1.5 with
numpy < 2, which clash with the project's pins), so it imports only the standard library and
`cin_validator`; never `csc_scorecard`.

    python run_cin.py --ruleset cin2023_24 --out result.json FILE.xml

How the package is driven (read from its source, version 0.1.13, `cin_validator/__main__.py`
`run`): parse the XML with ElementTree, `convert_data(root)` flattens it into eleven tables
(`ingress.XMLtoCSV`), `process_data` turns every column whose name contains "date" into a
datetime, and `CinValidator(tables, registry)` runs each rule. Child-level findings land in
`full_issue_df` (one row per table/column/row location, with `child_id`), return-level and
Header findings in `multichild_issues`. A rule that raises is printed ("Error with rule …") and
skipped; those lines are collected as `crashed`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from importlib.metadata import version
from pathlib import Path

PACKAGE = "csc-validator-be-cin"
EXAMPLES = 5
CRASH_LINE = re.compile(r"^Error with rule (?P<rule>\S+): (?P<error>.*)$")


class OracleInputError(Exception):
    """The file cannot be given to the package as it is."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("xml", help="a CIN census XML return")
    parser.add_argument("--ruleset", required=True, help="e.g. cin2023_24")
    parser.add_argument("--out", required=True, help="where to write the JSON result")
    parser.add_argument(
        "--all-children",
        action="store_true",
        help="list every flagged child in `examples`, not the first five (agreement tests)",
    )
    args = parser.parse_args(argv)
    if args.all_children:
        global EXAMPLES
        EXAMPLES = None

    out = Path(args.out)
    started = time.perf_counter()
    printed = io.StringIO()
    try:
        # Rules print their crashes to stdout; capture them rather than mix them with ours.
        with contextlib.redirect_stdout(printed):
            result = validate(Path(args.xml), args.ruleset)
    except OracleInputError as exc:
        write(out, {"package": PACKAGE, "input_error": str(exc)})
        return 2
    finally:
        sys.stderr.write(printed.getvalue())
    result["crashed"] = [
        m.groupdict() for m in map(CRASH_LINE.match, printed.getvalue().splitlines()) if m
    ]
    result["seconds"] = round(time.perf_counter() - started, 2)
    write(out, result)
    return 0


def validate(path: Path, ruleset: str) -> dict:
    from cin_validator import cin_validator

    try:
        registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    except ModuleNotFoundError as exc:
        raise OracleInputError(f"unknown CIN ruleset {ruleset!r}") from exc

    root = read_root(path)
    tables = cin_validator.process_data(cin_validator.convert_data(root))
    header = tables["Header"].iloc[0].to_dict() if len(tables["Header"]) else {}
    row_counts = {name: len(df) for name, df in tables.items()}

    validator = cin_validator.CinValidator(tables, registry, selected_rules=None)
    return {
        "package": PACKAGE,
        "version": version(PACKAGE),
        "ruleset": ruleset,
        "reference_date": str(header.get("ReferenceDate", ""))[:10],
        "census_year": header.get("Year"),
        "tables": row_counts,
        "rules_run": len(registry),
        "skipped": [],
        "failures": child_failures(validator.full_issue_df, registry)
        + return_failures(validator.multichild_issues, validator.la_rule_issues, registry),
    }


def read_root(path: Path) -> ET.Element:
    """Parse the XML and check the shape the package reads without namespaces.

    `XMLtoCSV` looks up the bare tags `Header` and `Children/Child` under the root (`Message`
    in DfE's schema); a namespaced or differently nested file would otherwise crash inside it.
    """
    if not path.is_file():
        raise OracleInputError(f"{path}: no such file")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise OracleInputError(f"{path.name}: not well-formed XML ({exc})") from exc
    missing = [tag for tag in ("Header", "Children") if root.find(tag) is None]
    if missing:
        raise OracleInputError(
            f"{path.name}: root <{root.tag}> has no child {' or '.join(missing)} "
            "(the package reads un-namespaced <Message><Header/><Children><Child>…)"
        )
    return root


def rule_type(rule) -> str:
    # RuleType.ERROR / RuleType.QUERY (rule_engine/__api.py); DfE writes queries with a Q suffix.
    return "query" if rule is not None and rule.rule_type.name == "QUERY" else "error"


def child_failures(issues, registry: dict) -> list[dict]:
    if issues is None or len(issues) == 0:
        return []
    out = []
    for code, group in issues.groupby("rule_code", sort=False):
        rule = registry.get(str(code))
        # one row per (table, column, row): a failing row counts once however many columns.
        rows = group.drop_duplicates(["tables_affected", "row_id"])
        children = [
            c
            for c in dict.fromkeys(group["child_id"].astype(str))
            if c not in ("nan", "<NA>", "None")
        ]
        out.append(
            {
                "rule": str(code),
                "description": (rule.message if rule else group["rule_description"].iloc[0]) or "",
                "type": rule_type(rule),
                "origin": "dfe",
                "count": len(rows),
                "children": len(children),
                "tables": {
                    str(t): int(n) for t, n in rows["tables_affected"].value_counts().items()
                },
                "fields": sorted(group["columns_affected"].dropna().astype(str).unique().tolist()),
                "examples": children[:EXAMPLES],
            }
        )
    return sorted(out, key=lambda f: (-f["count"], f["rule"]))


def return_failures(issues, la_issues, registry: dict) -> list[dict]:
    """Header and whole-return rules: no child, counted once for the return.

    `multichild_issues` holds both; `la_rule_issues` only the whole-return ones (no table).
    """
    if issues is None or len(issues) == 0:
        return []
    whole_return = set(la_issues["rule_code"].astype(str)) if len(la_issues) else set()
    out = []
    for code in dict.fromkeys(issues["rule_code"].astype(str)):
        rule = registry.get(code)
        out.append(
            {
                "rule": code,
                "description": (rule.message if rule else "") or "",
                "type": rule_type(rule),
                "origin": "dfe",
                "count": 1,
                "children": 0,
                "tables": {} if code in whole_return else {"Header": 1},
                "fields": list(rule.affected_fields or []) if rule else [],
                "examples": [],
            }
        )
    return out


def write(out: Path, payload: dict) -> None:
    out.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
