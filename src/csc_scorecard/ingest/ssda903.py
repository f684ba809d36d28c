"""What the SSDA903 CSV and XML adapters share: the DfE table layouts, the collection-year rule,
and turning one return's raw records into a `LoadBatch`.

A reader (CSV: one file per table; XML: one file per return) produces a `RawReturn`: for each
DfE table it found, the raw records `(source_row, {FIELD: text})`. `build_batch` converts them
with the one value engine (`ingest/fields.py`, spec `specs/ssda903.yaml`), joins the tables that
share a canonical table (Header + UASC -> children; AD1 + PlacedAdoption -> adoptions), stamps the
collection year on OC2/OC3, and works out which year the return is for.

Collection year (the year ending 31 March; 2020 = 2019-20), in order of precedence:
1. `year=` (the CLI's `--year`): must agree with the year the dates give (3 below) when they
   give one; a mismatch is refused naming both years, so a folder given the wrong year can
   never replace another year's return.
2. A year in the folder name (or, for XML, the file name; for CSV, one year shared by every file
   name): `2019` is the year ending 31 March 2019; spans `2018-19`, `2018_19`, `2018-2019`,
   `201819` name 2019 too. A 903 carries no dates after its 31 March, so when at least 1% of the
   episode dates fall after the named year's 31 March, the name cannot be the year ending (some
   tools name folders by the year the collection *starts*): when the dates give the next year,
   it is used and a warning says so; any other disagreement is refused naming both years.
3. Inferred from the data: the latest collection year holding at least 1% of the episode start
   and end dates (DECOM, DEC), so a handful of mistyped dates cannot move it; reviews, missing
   and social-worker dates are used the same way when there are no episodes.
Neither given nor inferable (e.g. a Header file alone): `FormatError` asking for `--year`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.ingest.columns import convert_columns
from csc_scorecard.ingest.fields import TableSpec, convert, load_spec
from csc_scorecard.ingest.ssda903_repeated import differs_from_header
from csc_scorecard.model.batch import FormatError, Issue, LoadBatch
from csc_scorecard.model.schema import ARROW_TYPES, table

SOURCE_FORMAT = "ssda903"

# The DfE file layouts, column order as DfE writes them (S1 `lac_validator/config.py`;
# standards.md 1.2). The CSV adapter recognises a file by these column sets; the writer writes
# exactly these columns. DoLo (deprivation of liberty orders) is new for 2026-27.
COLUMNS: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": (
        "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
        "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
    ),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": (
        "CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
        "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": (
        "CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
        "LS_ADOPTR",
    ),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "DoLo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}  # fmt: skip
# Tables a return may hold that no canonical table keeps (accepted, counted, not loaded): none now.
NOT_LOADED: dict[str, str] = {}

# A column that belongs to one table only identifies that table (CHILD, DOB, SEX are shared).
_OWNERS = Counter(c for cols in COLUMNS.values() for c in cols)
DISTINCTIVE = {t: frozenset(c for c in cols if _OWNERS[c] == 1) for t, cols in COLUMNS.items()}

# Dates that place a return in time. A 903 reports episodes open during the year, so their start
# and end dates are the primary evidence; the others are used only when there are no episodes.
EPISODE_DATES = ("decom", "dec")
OTHER_DATES = {
    "cla_reviews": ("review_date",),
    "missing_episodes": ("start_date", "end_date"),
    "cla_social_worker_episodes": ("sw_decom", "sw_dec"),
}
MIN_SHARE = 0.01  # share of dates a year must hold to count as the return's year
MIN_EVIDENCE = 20  # dated events needed before their absence from a year contradicts it

_YEAR = re.compile(
    r"(?<!\d)(?P<start>(?:19|20)\d\d)(?:[-_ /]?(?P<end2>\d\d)(?!\d)|[-_ ](?P<end4>(?:19|20)\d\d))?(?!\d)"
)


def recognise(header: Iterable[str]) -> list[str]:
    """The 903 tables whose identifying columns a CSV header holds (case- and space-insensitive).

    >>> recognise(["child", "DOB", "review", "Review_Code"]), recognise(["CHILD", "SEX", "DOB"])
    (['Reviews'], [])
    """
    cols = {normalise(h) for h in header}
    return [t for t, own in DISTINCTIVE.items() if own & cols]


def normalise(name: object) -> str:
    return str(name).strip().lstrip("\ufeff").strip().upper()


def collection_year_of(d: date) -> int:
    """The collection year (ending 31 March) a date falls in.

    >>> collection_year_of(date(2019, 3, 31)), collection_year_of(date(2019, 4, 1))
    (2019, 2020)
    """
    return d.year + 1 if d.month >= 4 else d.year


def label(year: int) -> str:
    """2020 -> '2019-20'."""
    return f"{year - 1}-{year % 100:02d}"


def period(year: int) -> tuple[date, date]:
    return date(year - 1, 4, 1), date(year, 3, 31)


def year_from_name(name: str) -> int | None:
    """The collection year a folder or file name states, if it states exactly one.

    >>> [year_from_name(n) for n in ("2019", "2018-19", "ssda903_2018_2019", "201819", "d2i-903")]
    [2019, 2019, 2019, 2019, None]
    """
    found = set()
    for m in _YEAR.finditer(name):
        start = int(m["start"])
        end = m["end2"] or m["end4"]
        if end is None:
            found.add(start)
        elif int(end) % 100 == (start + 1) % 100:
            found.add(start + 1)
        else:  # "2019_05" (a month) or two unrelated years: the start year is what it names
            found.add(start)
    return found.pop() if len(found) == 1 else None


def _event_years(tables: dict[str, pa.Table], groups=None) -> pa.Array:
    """The collection year (`collection_year_of`) of every dated event, computed column-wise."""
    groups = groups or [("cla_episodes", EPISODE_DATES), *OTHER_DATES.items()]
    years = [
        pc.add(pc.year(dates), pc.cast(pc.greater_equal(pc.month(dates), 4), pa.int64()))
        for name, cols in groups
        if name in tables
        for col in cols
        if col in tables[name].column_names
        for dates in [pc.drop_null(tables[name].column(col)).combine_chunks()]
    ]
    return pa.concat_arrays(years) if years else pa.array([], pa.int64())


def _contradicts(claimed: int, inferred: int | None, evidence: int) -> bool:
    """Whether the dates rule out the claimed year: some run past its 31 March, or there are
    enough of them (MIN_EVIDENCE) and under MIN_SHARE fall in it. A return of a few children
    whose episodes all began in earlier years is not evidence against its year."""
    if inferred is None or inferred == claimed:
        return False
    return inferred > claimed or evidence >= MIN_EVIDENCE


def infer_year(tables: dict[str, pa.Table]) -> int | None:
    """The latest collection year holding at least MIN_SHARE of the return's dated events."""
    groups = [("cla_episodes", EPISODE_DATES)] + [(t, cols) for t, cols in OTHER_DATES.items()]
    for names in ([groups[0]], groups[1:]):
        years = _event_years(tables, names)
        if len(years):
            counts = pc.value_counts(years).to_pylist()
            floor = max(min(2.0, len(years)), MIN_SHARE * len(years))  # one typo never decides
            return max((c["values"] for c in counts if c["counts"] >= floor), default=None)
    return None


@dataclass
class RawReturn:
    """One 903 return as read: raw records per DfE table, and where each table came from."""

    where: Path  # the folder (CSV) or file (XML), for messages
    files: list[str] = field(default_factory=list)
    records: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    # or, from a columnar reader, each table's text cells by column (`ingest/columns.py`)
    columns: dict[str, pa.Table] = field(default_factory=dict)
    table_files: dict[str, str] = field(default_factory=dict)
    name_year: int | None = None  # year stated by the folder or file name
    name_source: str | None = None  # that folder or file name
    issues: list[Issue] = field(default_factory=list)


def build_batch(raw: RawReturn, *, la_code: str | None, year: int | None) -> LoadBatch:
    """Convert one return's raw records into canonical tables, issues and its period."""
    if not la_code:
        raise FormatError(
            raw.where,
            "an SSDA903 return does not say which authority it is for: pass --la with the "
            "3-digit DfE LA number (e.g. --la 371)",
        )
    if not re.fullmatch(r"\d{3}", la_code):
        raise FormatError(raw.where, f"--la {la_code!r} is not a 3-digit DfE LA number")
    spec = load_spec(SOURCE_FORMAT)
    issues = list(raw.issues)
    converted: dict[str, pa.Table] = {}
    for name, records in [*raw.records.items(), *raw.columns.items()]:
        if name in NOT_LOADED:
            continue
        file = raw.table_files.get(name, str(raw.where))
        if isinstance(records, pa.Table):
            result = convert_columns(records, spec.tables[name], file=file)
        else:
            result = convert(records, spec.tables[name], file=file)
        converted[name] = result.rows
        issues.extend(result.issues)

    tables: dict[str, pa.Table] = {}
    if "Header" in converted or "UASC" in converted:
        looked_after = _ids(converted["Episodes"]) if "Episodes" in converted else set()
        tables["children"] = _children(converted.get("Header"), converted.get("UASC"), looked_after)
    if "AD1" in converted or "PlacedAdoption" in converted:
        tables["adoptions"] = _adoptions(converted.get("AD1"), converted.get("PlacedAdoption"))
    for name, rows in converted.items():
        if name not in ("Header", "UASC", "AD1", "PlacedAdoption"):
            tables[spec.tables[name].canonical] = rows

    the_year, year_issues = _resolve_year(raw, year, tables)
    issues.extend(year_issues)
    for name in ("cla_health", "care_leavers"):
        if name in tables:
            rows = tables[name]
            tables[name] = rows.append_column(
                "collection_year", pa.array([the_year] * rows.num_rows, pa.int32())
            )
    if "Header" in converted:
        issues.extend(_not_in_header(converted, spec.tables, raw))
        tables_read = {**raw.records, **raw.columns}
        issues.extend(differs_from_header(tables_read, raw.table_files, str(raw.where)))
    start, end = period(the_year)
    issues.extend(_after_the_year(tables, end, raw))
    return LoadBatch(
        source_format=SOURCE_FORMAT,
        la_code=la_code,
        period_start=start,
        period_end=end,
        files=list(raw.files),
        tables=tables,
        issues=issues,
    )


# `scorecard validate` checks files as the council declares them and stores nothing, so there a
# --year the dates contradict is reported as a warning, not refused: the refusal exists to
# protect a stored return from being replaced by another year's data.
declared_year_trusted: ContextVar[bool] = ContextVar("declared_year_trusted", default=False)


def _resolve_year(
    raw: RawReturn, year: int | None, tables: dict[str, pa.Table]
) -> tuple[int, list[Issue]]:
    inferred = infer_year(tables)
    evidence = len(_event_years(tables))
    where = str(raw.where)

    def note(message: str, severity: str) -> Issue:
        return Issue(rule="collection_year", message=message, file=where, severity=severity)

    if year is not None:
        if not 1990 <= year <= 2100:
            raise FormatError(
                raw.where, f"--year {year} is not a collection year (e.g. 2023 for 2022-23)"
            )
        if _contradicts(year, inferred, evidence) and not declared_year_trusted.get():
            raise FormatError(
                raw.where,
                f"--year {year} says {label(year)}, but the dates in the files (episodes, reviews, "
                f"missing episodes) place this return in {label(inferred)}: nothing was loaded; "
                "check the folder and --year",
            )
        if inferred is not None and inferred != year:
            return year, [
                note(
                    f"loaded as {label(year)} (--year {year}); the few dates in the files point to "
                    f"{label(inferred)}: check --year",
                    "warning",
                )
            ]
        return year, []
    if raw.name_year is not None:
        if inferred and inferred == raw.name_year + 1:
            return inferred, [
                note(
                    f"{raw.name_source!r} names {label(raw.name_year)}, but the episode dates run "
                    f"into {label(inferred)} and a 903 carries no dates after its 31 March: loaded "
                    f"as {label(inferred)} (the name gives the year the collection starts)",
                    "warning",
                )
            ]
        if _contradicts(raw.name_year, inferred, evidence):
            raise FormatError(
                raw.where,
                f"{raw.name_source!r} names {label(raw.name_year)}, but the dates in the files "
                f"place this return in {label(inferred)}: nothing was loaded; rename the folder "
                f"or pass --year {inferred}",
            )
        return raw.name_year, []
    if inferred is None:
        raise FormatError(
            raw.where,
            "cannot tell which collection year this 903 return is for (no episode, review or "
            "missing dates): pass --year (e.g. --year 2023 for 2022-23) or put the files in a "
            "folder named after the year",
        )
    return inferred, [
        note(f"collection year {label(inferred)} inferred from the episode dates", "info")
    ]


def _after_the_year(tables: dict[str, pa.Table], end: date, raw: RawReturn) -> list[Issue]:
    """Episode dates after the return's 31 March: a 903 reports nothing later (a mistyped year).
    Recorded, not dropped: the rest of the episode is real."""
    rows = tables.get("cla_episodes")
    if rows is None:
        return []
    issues = []
    for column, name in (("decom", "DECOM"), ("dec", "DEC")):
        if column not in rows.column_names:
            continue
        late = rows.filter(pc.fill_null(pc.greater(rows.column(column), pa.scalar(end)), False))
        for child, when, line in zip(
            late.column("child_id").to_pylist(),
            late.column(column).to_pylist(),
            late.column("source_row").to_pylist(),
            strict=True,
        ):
            if when is not None and when > end:
                issues.append(
                    Issue(
                        rule="date_after_return_year",
                        message=f"{name}: {when:%d/%m/%Y} is after the return's year ends "
                        f"({end:%d/%m/%Y})",
                        table="cla_episodes",
                        file=raw.table_files.get("Episodes", str(raw.where)),
                        row=line,
                        child_id=child,
                        field=name,
                        value=when.isoformat(),
                        severity="warning",
                        column=column,
                    )
                )
    return issues


def _children(header: pa.Table | None, uasc: pa.Table | None, looked_after: set) -> pa.Table:
    """Header rows with their UASC status; UASC rows without a Header row are kept as they are.

    When the return has a UASC table, a looked-after child (one with episodes) not in it was not
    UASC in the year: uasc = false, as the DfE validator reads it (S1 `ingress.py`). A Header
    child with no episodes is a care leaver, for whom the return gives no UASC information
    (rule 1014): uasc = NULL, even when the XML says 0 (DfE rule 105 wants 0/1 in every XML
    Header). Without a UASC table the column is not supplied at all.
    """
    t = table("children")
    types = {c.name: ARROW_TYPES[c.type] for c in t.columns}
    if (
        header is not None
        and uasc is not None
        and {"uasc", "uasc_ceased_date"} <= set(uasc.column_names)
    ):
        return _children_columns(header, uasc, looked_after, types)
    uasc_rows = uasc.to_pylist() if uasc is not None else []
    status: dict[str, dict] = {}
    for row in uasc_rows:
        status.setdefault(row["child_id"], row)
    out: list[dict] = header.to_pylist() if header is not None else []
    listed = {row["child_id"] for row in out}
    if uasc is not None:
        for row in out:
            u = status.get(row["child_id"])
            if row["child_id"] in looked_after:
                row["uasc"] = u["uasc"] if u is not None else False
            else:  # a care leaver: only a positive UASC entry says anything (XML writes 0/1)
                row["uasc"] = True if u is not None and u["uasc"] else None
            row["uasc_ceased_date"] = u["uasc_ceased_date"] if u is not None else None
        out.extend(row for row in uasc_rows if row["child_id"] not in listed)
    columns: list[str] = []
    for part in (header, uasc):
        for c in part.column_names if part is not None else []:
            if c not in columns:
                columns.append(c)
    return _table(out, columns, types)


def _children_columns(
    header: pa.Table, uasc: pa.Table, looked_after: set, types: dict[str, pa.DataType]
) -> pa.Table:
    """`_children` column-wise, for a return with both tables (a Header row per child, tens of
    thousands in a large return): the same rows and values as its row-by-row reading."""
    ids = header.column("child_id").to_pylist()
    first: dict = {}
    for i, child in enumerate(uasc.column("child_id").to_pylist()):
        first.setdefault(child, i)
    at = pa.array([first.get(c) for c in ids], pa.int64())
    found = pc.is_valid(at)
    status = uasc.column("uasc").take(at)
    looked = pa.array([c in looked_after for c in ids], pa.bool_())
    said = pc.fill_null(pc.and_kleene(found, status), False)  # a UASC row saying uasc
    none = pa.nulls(len(ids), pa.bool_())
    columns = {c: header.column(c) for c in header.column_names}
    columns["uasc"] = pc.if_else(
        looked, pc.if_else(found, status, False), pc.if_else(said, True, none)
    )
    columns["uasc_ceased_date"] = uasc.column("uasc_ceased_date").take(at)
    names = list(header.column_names)
    names += [c for c in uasc.column_names if c not in names]
    rows = len(ids)
    listed = pa.array(ids, header.column("child_id").type)
    rest = uasc.filter(pc.invert(pc.fill_null(pc.is_in(uasc.column("child_id"), listed), False)))
    parts = {}
    for c in names:
        head = columns.get(c, pa.nulls(rows, types[c]))
        tail = rest.column(c) if c in rest.column_names else pa.nulls(rest.num_rows, types[c])
        parts[c] = pa.chunked_array([*_chunks(head, types[c]), *_chunks(tail, types[c])], types[c])
    return pa.table(parts)


def _chunks(column: pa.Array | pa.ChunkedArray, type_: pa.DataType) -> list[pa.Array]:
    column = column.cast(type_)
    return column.chunks if isinstance(column, pa.ChunkedArray) else [column]


def _adoptions(ad1: pa.Table | None, placed: pa.Table | None) -> pa.Table:
    """AD1 and PlacedAdoption rows describing the same decision (child, decision date) as one row.

    DfE expects DATE_PLACED to equal DATE_INT for an adopted child (S1 rule 523), so the two
    tables' rows pair up on (CHILD, date); each row pairs at most once, so duplicates stay visible.
    """
    t = table("adoptions")
    types = {c.name: ARROW_TYPES[c.type] for c in t.columns}
    columns: list[str] = []
    for part in (ad1, placed):
        for c in part.column_names if part is not None else []:
            if c not in columns:
                columns.append(c)
    # which table (and line) each decision came from: the rules tell AD1 from PlacedAdoption
    for part, line in ((ad1, "ad1_row"), (placed, "placed_adoption_row")):
        if part is not None:
            columns.append(line)
    rows = ad1.to_pylist() if ad1 is not None else []
    out = [r | {"ad1_row": r["source_row"]} for r in rows]
    open_keys: dict[tuple, list[dict]] = {}
    for row in out:
        if row["adm_decision_date"] is not None:
            open_keys.setdefault((row["child_id"], row["adm_decision_date"]), []).append(row)
    for row in placed.to_pylist() if placed is not None else []:
        row["placed_adoption_row"] = row["source_row"]
        partners = open_keys.get((row["child_id"], row["adm_decision_date"]))
        if partners:
            partner = partners.pop(0)
            partner.update({k: v for k, v in row.items() if k != "source_row"})
        else:
            out.append(row)
    return _table(out, columns, types)


def _ids(rows: pa.Table) -> set:
    return set(rows.column("child_id").to_pylist())


def _table(rows: Sequence[dict], columns: list[str], types: dict[str, pa.DataType]) -> pa.Table:
    return pa.table({c: pa.array([r.get(c) for r in rows], type=types[c]) for c in columns})


def _not_in_header(
    converted: dict[str, pa.Table], specs: dict[str, TableSpec], raw: RawReturn
) -> list[Issue]:
    """Rows of other tables for children the Header does not list (DfE checks INT01-INT09)."""
    known = pc.unique(converted["Header"].column("child_id"))
    issues = []
    for name, rows in converted.items():
        if name == "Header":
            continue
        ids = rows.column("child_id")
        unknown = rows.filter(pc.and_(pc.is_valid(ids), pc.invert(pc.is_in(ids, value_set=known))))
        for child, row in zip(
            unknown.column("child_id").to_pylist(),
            unknown.column("source_row").to_pylist(),
            strict=True,
        ):
            if child is not None:
                issues.append(
                    Issue(
                        rule="child_not_in_header",
                        message=f"{name}: child {child} is not in the Header table",
                        table=specs[name].canonical,
                        file=raw.table_files.get(name, str(raw.where)),
                        row=row,
                        child_id=child,
                        field="CHILD",
                        value=child,
                        severity="warning",
                        column="child_id",
                    )
                )
    return issues
