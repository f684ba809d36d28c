"""One engine that turns raw records from any format into canonical rows plus issues.

Each format describes its tables in a YAML spec (`ingest/specs/<format>.yaml`): which source
field feeds which canonical column, its type, its code list, and whether it is mandatory. The
format's reader only has to produce raw records (dicts of source field -> cell); everything
about values — blanks, dates, codes, duplicates — is handled here, once, for every format.

Spec layout:

    tables:
      Episodes:                      # the source table (CSV file, XML element, Annex A sheet)
        canonical: cla_episodes
        columns:
          CHILD: {to: child_id, required: true}
          DECOM: {to: decom, type: date, required: true}
          RNE:   {to: rne, codes: rne}
          SEX:   {to: sex, codes: sex, map: {"1": M, "2": F}}
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.ingest.duck import arrow_rows, connection
from csc_scorecard.ingest.limits import limit
from csc_scorecard.ingest.values import PARSERS, BadValue
from csc_scorecard.model.batch import Issue, has_controls, safe_text, strip_controls
from csc_scorecard.model.codes import codes
from csc_scorecard.model.packaged import parse_yaml
from csc_scorecard.model.schema import ARROW_TYPES, table

ValueType = Literal["text", "date", "bool", "int", "float"]


class FieldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    to: str
    type: ValueType = "text"
    required: bool = False
    codes: str | None = None  # name of a code list in model/codes/
    map: dict[str, str] = Field(default_factory=dict)  # older or alternative codes -> canonical
    upper: bool = False  # compare codes case-insensitively by upper-casing first
    # Plausible range of a number (inclusive); a value outside it is an issue and is not loaded
    # (NULL), so no calculation ever sees it. Dates: `not_future` refuses dates after today.
    min: float | None = None
    max: float | None = None
    not_future: bool = False
    separated: bool = False  # a space-separated list of codes, each mapped and checked


class TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    canonical: str
    columns: dict[str, FieldSpec]
    description: str = ""
    required_fields: list[str] | None = (
        None  # fields that must be present as columns (default: required ones)
    )

    def must_have(self) -> list[str]:
        if self.required_fields is not None:
            return self.required_fields
        return [src for src, f in self.columns.items() if f.required]


class FormatSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    format: str
    description: str = ""
    tables: dict[str, TableSpec]


@cache
def load_spec(name: str) -> FormatSpec:
    """The spec `ingest/specs/<name>.yaml`, validated strictly."""
    text = resources.files("csc_scorecard.ingest").joinpath("specs", f"{name}.yaml").read_text()
    spec = FormatSpec.model_validate(parse_yaml(text))
    for tspec in spec.tables.values():
        canonical = table(tspec.canonical)
        for src, f in tspec.columns.items():
            if f.to not in canonical.data_column_names and f.to != "la_code":
                raise ValueError(f"{name}: {src} -> {f.to} is not a column of {tspec.canonical}")
            if f.codes:
                codes(f.codes)  # fail early on a misspelt code list
    return spec


@dataclass
class Converted:
    rows: pa.Table
    issues: list[Issue]


# Below this many records the per-cell engine is quicker than a DuckDB query.
COLUMNAR_FROM_ROWS = 64


def convert(
    records: Iterable[tuple[int, Mapping[str, Any]]],
    spec: TableSpec,
    *,
    file: str,
    sheet: str | None = None,
    check_duplicates: bool = True,
) -> Converted:
    """Typed canonical rows and issues from (source_row, {source field: raw cell}) pairs.

    Source field names are matched case-insensitively and ignoring surrounding space.
    Values are never dropped: a bad value becomes NULL (or stays as text for codes) and the raw
    text goes into an Issue.

    Records whose cells are all text (or absent) are typed column by column, vectorised
    (`columns.convert_columns`, which gives what `convert_rows` gives, in the same order:
    tests/test_ingest_columns.py); others (cells typed by a workbook reader, a field named twice
    in different case) cell by cell (`convert_rows`).
    """
    records = list(records)
    if len(records) >= COLUMNAR_FROM_ROWS and _all_text(records):
        from csc_scorecard.ingest.columns import cells_of, convert_columns

        return convert_columns(
            cells_of(records), spec, file=file, sheet=sheet, check_duplicates=check_duplicates
        )
    return convert_rows(records, spec, file=file, sheet=sheet, check_duplicates=check_duplicates)


def _all_text(records: list[tuple[int, Mapping[str, Any]]]) -> bool:
    """Every cell text or None, and no two field names equal ignoring case and surrounding space
    (in `convert_rows` the later one wins in each record; as columns, one would for all)."""
    names = {k for _, record in records for k in record}
    if not all(isinstance(k, str) for k in names):
        return False
    folded = {k.strip().lower() for k in names}
    if len(folded) != len(names) or "source_row" in folded:
        return False
    return all(v is None or type(v) is str for _, record in records for v in record.values())


def convert_rows(
    records: Iterable[tuple[int, Mapping[str, Any]]],
    spec: TableSpec,
    *,
    file: str,
    sheet: str | None = None,
    check_duplicates: bool = True,
) -> Converted:
    """`convert` one record and one cell at a time (`convert_cell` for every cell)."""
    canonical = table(spec.canonical)
    by_name = {src.strip().lower(): (src, f) for src, f in spec.columns.items()}
    out: dict[str, list[Any]] = {f.to: [] for f in spec.columns.values()}
    out["source_row"] = []
    issues: list[Issue] = []
    cap = limit("SCORECARD_MAX_CELL_CHARS")  # once per table: an environment look-up per cell
    # was a fifth of the reading time of a 903 return (cProfile, docs/benchmarks.md)

    for row_no, record in records:
        child = None
        values: dict[str, Any] = {}
        for raw_key, raw in record.items():
            match = by_name.get(str(raw_key).strip().lower())
            if match is None:
                continue
            src, f = match
            values[src] = raw
        for src, f in spec.columns.items():
            value, found = convert_cell(values.get(src), src, f, cap)
            if f.to == "child_id":
                child = value
            for rule, message, raw_value, severity in found:
                issues.append(
                    cell_issue(spec, file, sheet, src, row_no, (rule, message, raw_value, severity))
                )
            out[f.to].append(value)
        out["source_row"].append(row_no)
        if child is not None:
            for i in range(len(issues) - 1, -1, -1):
                if issues[i].row != row_no or issues[i].child_id is not None:
                    break
                issues[i] = _with_child(issues[i], child)

    types = {c.name: ARROW_TYPES[c.type] for c in canonical.columns}
    rows = pa.table({name: pa.array(vals, type=types[name]) for name, vals in out.items()})
    if check_duplicates:
        issues.extend(_duplicates(rows, canonical.key, spec.canonical, file, sheet))
    return Converted(rows=rows, issues=issues)


def cell_issue(
    spec: TableSpec,
    file: str,
    sheet: str | None,
    src: str,
    row: int,
    finding: tuple[str, str, str | None, str],
    child: str | None = None,
) -> Issue:
    """One finding about a cell (the field, row and canonical column it feeds) as an Issue."""
    rule, message, value, severity = finding
    return Issue(
        rule=rule,
        message=message,
        table=spec.canonical,
        file=file,
        sheet=sheet,
        row=row,
        child_id=child,
        field=src,
        value=value,
        severity=severity,
        column=spec.columns[src].to,
    )


def convert_cell(
    raw: Any, src: str, f: FieldSpec, cap: int
) -> tuple[Any, list[tuple[str, str, str | None, str]]]:
    """One cell's typed value and its findings as (rule, message, raw value, severity): the one
    place a raw cell is decided, used by `convert` and by the columnar reader
    (`ingest/columns.py`) for every cell its SQL does not settle."""
    found: list[tuple[str, str, str | None, str]] = []
    if isinstance(raw, str):
        original = raw
        raw, cleaned = _clean_cell(raw, cap)
        shown = original if len(original) <= 200 else original[:200] + "..."
        severity = "warning" if raw is not None else "error"
        found.extend((rule, f"{src}: {message}", shown, severity) for rule, message in cleaned)
    value, issue = _convert_one(raw, f)
    if issue is not None:
        rule, message = issue
        found.append((rule, f"{src}: {message}", None if raw is None else str(raw), "error"))
    return value, found


def _range(f: FieldSpec) -> str:
    lo = "" if f.min is None else f"{f.min:g}"
    hi = "" if f.max is None else f"{f.max:g}"
    return f"{lo} to {hi}" if lo and hi else (f"at least {lo}" if lo else f"at most {hi}")


def _with_child(issue: Issue, child: str) -> Issue:
    return Issue(**{**issue.__dict__, "child_id": child})


def _clean_cell(raw: str, cap: int) -> tuple[str | None, list[tuple[str, str]]]:
    """A text cell without control characters, and not past the cell-size limit `cap`."""
    found = []
    if has_controls(raw):
        raw = strip_controls(raw)
        found.append(("control_characters", "control characters or escape codes removed"))
    if len(raw) > cap:
        found.append(
            ("value_too_long", f"{len(raw):,} characters, over the {cap:,} limit: not loaded")
        )
        return None, found
    return raw, found


def _convert_one(raw: Any, f: FieldSpec) -> tuple[Any, tuple[str, str] | None]:
    try:
        value = PARSERS[f.type](raw)
    except BadValue as bad:
        return None, (bad.rule, str(bad))
    if value is None:
        return None, (("missing_value", "mandatory value is blank") if f.required else None)
    if f.type in ("int", "float") and (
        (f.min is not None and value < f.min) or (f.max is not None and value > f.max)
    ):
        return None, (
            "out_of_range",
            f"{value:g} is outside the plausible range {_range(f)}: not loaded",
        )
    if f.type == "date" and f.not_future and value > date.today():
        return None, ("future_date", f"{value.isoformat()} is in the future: not loaded")
    if f.type == "text" and (f.codes or f.map):
        key = value.upper() if f.upper else value
        value = f.map.get(key, key)
        if f.separated:
            items = [f.map.get(i, i) for i in value.split()]
            value = " ".join(items)
            unknown = [i for i in items if f.codes and i not in codes(f.codes)]
            if unknown:
                return value, ("unknown_code", f"{unknown} not in code list {f.codes}")
            return value, None
        if f.codes and value not in codes(f.codes):
            return value, ("unknown_code", f"{value!r} is not in code list {f.codes}")
    return value, None


def _duplicates(
    rows: pa.Table, key: Iterable[str], name: str, file: str, sheet: str | None
) -> list[Issue]:
    """A warning for every row whose key another row shares (blank keys equal each other), in
    row order; the rows sharing a key are found in one query, only those are read back."""
    key = [k for k in key if k in rows.column_names]
    if not key or rows.num_rows == 0:
        return []
    if rows.select(key).group_by(key).aggregate([]).num_rows == rows.num_rows:
        return []  # every key distinct (Arrow groups blank keys together too): nothing to say
    con = connection()
    cols = ", ".join(f'"{k}"' for k in key)
    extra = ["child_id"] if "child_id" in rows.column_names and "child_id" not in key else []
    keyed = rows.select([*key, *extra, "source_row"])
    con.register("keyed", keyed.append_column("i", pa.array(range(rows.num_rows), pa.int64())))
    try:
        shared = arrow_rows(
            f"SELECT * FROM (SELECT *, count(*) OVER (PARTITION BY {cols}) AS n FROM keyed) "
            "WHERE n > 1 ORDER BY i"
        )
    finally:
        con.unregister("keyed")
    issues = []
    child_ids = shared.column("child_id").to_pylist() if "child_id" in shared.column_names else None
    counts = shared.column("n").to_pylist()
    source_rows = shared.column("source_row").to_pylist()
    for i, k in enumerate(zip(*(shared.column(k).to_pylist() for k in key), strict=True)):
        issues.append(
            Issue(
                rule="duplicate_key",
                message=f"{counts[i]} rows share the key {dict(zip(key, map(str, k), strict=True))}",
                table=name,
                file=file,
                sheet=sheet,
                row=source_rows[i],
                child_id=child_ids[i] if child_ids else None,
                field=",".join(key),
                value="|".join(map(str, k)),
                severity="warning",
            )
        )
    return issues


def duplicated_column(header: Iterable[str]) -> str | None:
    """The first column a header names twice (case- and space-insensitive), if any: with two
    copies, one would silently win, so the file is refused."""
    seen: set[str] = set()
    for h in header:
        key = str(h).strip().lstrip("\ufeff").lower()
        if key and key in seen:
            return str(h).strip()
        seen.add(key)
    return None


def unknown_columns(
    header: Iterable[str],
    known: Iterable[str],
    *,
    table: str,
    file: str,
    sheet: str | None = None,
) -> list[Issue]:
    """An issue for each header column the format does not read: its values are not loaded,
    so a misspelt optional column (903 `URNN`) must not vanish silently."""
    names = {str(k).strip().lower(): str(k) for k in known}
    issues = []
    for h in header:
        name = str(h).strip().lstrip("\ufeff")
        if not name or name.lower() in names:
            continue
        near = difflib.get_close_matches(name.lower(), list(names), n=1, cutoff=0.6)
        hint = f"; did you mean {names[near[0]]!r}?" if near else ""
        issues.append(
            Issue(
                rule="unknown_column",
                message=f"column {safe_text(name)!r} is not a {table} column and was not loaded{hint}",
                table=None,
                file=file,
                sheet=sheet,
                row=1,
                field=safe_text(name),
                severity="warning",
            )
        )
    return issues


def missing_fields(header: Iterable[str], spec: TableSpec) -> list[str]:
    """Mandatory source fields absent from a file's header (case- and space-insensitive)."""
    present = {str(h).strip().lower().lstrip("\ufeff") for h in header}
    return [f for f in spec.must_have() if f.lower() not in present]
