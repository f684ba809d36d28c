"""The Ofsted provider list: the URN lookup the SSDA903 rules 219, 221, 224, 227, 228, 229 and
1008 check each episode's placement against (`scorecard validate --providers FILE`).

Ofsted publishes the providers it registers, each with its unique reference number (URN); DfE's
903 guidance has authorities check their episodes against it, and the data-to-insight validator
takes it as uploaded spreadsheets. Any of the three shapes they are given in is read here, as
CSV or XLSX (every sheet with a URN column; one file or several, `--providers` repeated):

- the Children's homes list ("Provider information" sheet): `URN`, `Local Authority`,
  `Provider Code` (the 903 placement types, e.g. K2), `Provider Placement Code` (the placement
  provider codes, PR1-PR5, separated by `/`), `Closed Date`, `Setting Postcode`;
- the Social care providers list (current and closed sheets): `URN`, `Local authority`,
  `Placement code`, `Placement provider code`, `Deregistration date`, `Setting postcode`;
- the combined list (one sheet of both; a second "SA providers" sheet of supported
  accommodation, whose rows are placement type K3 and provider PR4 unless they say otherwise).

Column names are matched without regard to case; a row without a URN is no provider and is left
out. A file that cannot be read (no URN column anywhere, a needed column missing, a closing
date that is not a date) is refused with one line naming the file, sheet, row and field.

The provider's authority (rule 229) is the list's own `Local authority` name, matched to a DfE
LA number through the packaged LA list (`reference/data/la_codes.parquet`); the D2I validator
infers it from the provider's postcode instead (docs/quality.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pyarrow as pa

from csc_scorecard.ingest.values import BadValue, clean, parse_date
from csc_scorecard.model.batch import FormatError

# Our column -> the list's column names it is read from (lower case), in the order tried.
COLUMNS: dict[str, tuple[str, ...]] = {
    "urn": ("urn",),
    "la_name": ("local authority", "provider local authority"),
    "place_codes": ("placement code", "provider code"),
    "provider_codes": ("placement provider code", "provider placement code"),
    "closed_date": ("deregistration date", "closed date"),
    "postcode": ("setting address postcode", "setting postcode"),
}
# A supported-accommodation sheet lists no placement codes: its providers are K3 (supported
# accommodation) run by PR4 (private provision) unless the sheet says otherwise.
SUPPORTED_ACCOMMODATION = {"place_codes": "K3", "provider_codes": "PR4"}
SCHEMA = pa.schema(
    [
        ("urn", pa.string()),
        ("la_name", pa.string()),
        ("la_code", pa.string()),
        ("place_codes", pa.list_(pa.string())),
        ("provider_codes", pa.list_(pa.string())),
        ("closed_date", pa.date32()),
        ("postcode", pa.string()),
        ("file", pa.string()),
        ("sheet", pa.string()),
        ("row", pa.int32()),
    ]
)
_CODES = re.compile(r"[,/;\s]+")


def read_providers(paths: Sequence[Path]) -> pa.Table:
    """Every provider of the lists in `paths` (SCHEMA); FormatError for a file that cannot be
    read."""
    rows: list[dict] = []
    for path in paths:
        rows.extend(_read_file(Path(path)))
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def empty() -> pa.Table:
    return SCHEMA.empty_table()


def _read_file(path: Path) -> list[dict]:
    if not path.is_file():
        raise FormatError(path, "no such provider list")
    if path.suffix.lower() == ".csv":
        from csc_scorecard.reference.ees import read_rows

        header, lines = read_rows(path)
        sheets = [(None, header, lines)]
    elif path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        sheets = _sheets(path)
    else:
        raise FormatError(path, "a provider list is read from CSV or XLSX")
    rows: list[dict] = []
    found = False
    for sheet, header, lines in sheets:
        names = [str(h).strip().lower() for h in header]
        if "urn" not in names:
            continue  # a cover or notes sheet
        found = True
        rows.extend(_read_sheet(path, sheet, names, lines))
    if not found:
        raise FormatError(path, "not an Ofsted provider list: no URN column", field="URN")
    return rows


def _sheets(path: Path) -> list[tuple[str | None, list[str], list[tuple[int, list]]]]:
    import fastexcel

    try:
        book = fastexcel.read_excel(str(path))
    except fastexcel.FastExcelError as err:
        raise FormatError(path, f"not a readable workbook ({type(err).__name__})") from None
    out = []
    for name in book.sheet_names:
        sheet = book.load_sheet(name, header_row=None, dtypes="string")
        cells = sheet.to_arrow().to_pylist()
        if not cells:
            continue
        keys = list(cells[0])
        header = [clean(cells[0][k]) or "" for k in keys]
        out.append((name, header, [(i + 1, [r[k] for k in keys]) for i, r in enumerate(cells)][1:]))
    return out


def _read_sheet(
    path: Path, sheet: str | None, names: list[str], lines: list[tuple[int, list]]
) -> list[dict]:
    where: dict[str, int] = {}
    defaults: dict[str, str] = {}
    supported = sheet is not None and sheet.strip().lower().startswith("sa ")
    for ours, theirs in COLUMNS.items():
        index = next((names.index(t) for t in theirs if t in names), None)
        if index is not None:
            where[ours] = index
        elif supported and ours in SUPPORTED_ACCOMMODATION:
            defaults[ours] = SUPPORTED_ACCOMMODATION[ours]
        else:
            raise FormatError(
                path,
                f"not an Ofsted provider list: no {' or '.join(repr(t) for t in theirs)} column",
                sheet=sheet,
                field=theirs[0],
            )
    rows = []
    for line, cells in lines:
        value = {k: clean(cells[i]) if i < len(cells) else None for k, i in where.items()}
        urn = _urn(value["urn"])
        if urn is None:
            continue
        try:
            closed = parse_date(_date_text(value["closed_date"]))
        except BadValue as bad:
            field = names[where["closed_date"]]
            raise FormatError(path, str(bad), sheet=sheet, line=line, field=field) from None
        rows.append(
            {
                "urn": urn,
                "la_name": value["la_name"],
                "la_code": la_number(value["la_name"]),
                "place_codes": codes(value.get("place_codes") or defaults.get("place_codes")),
                "provider_codes": codes(
                    value.get("provider_codes") or defaults.get("provider_codes")
                ),
                "closed_date": closed,
                "postcode": postcode(value["postcode"]),
                "file": path.name,
                "sheet": sheet,
                "row": line,
            }
        )
    return rows


def _urn(text: str | None) -> str | None:
    """A URN as the 903 writes it: the number's digits (a spreadsheet may give 1234567.0)."""
    if text is None:
        return None
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def _date_text(text: str | None) -> str | date | None:
    """A workbook's date cell comes as text `YYYY-MM-DD HH:MM:SS`; the date part is read."""
    if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00:00(\.0+)?", text):
        return datetime.fromisoformat(text[:10]).date()
    return text


def codes(text: str | None) -> list[str] | None:
    """`PR1/PR2`, `PR1,PR2` or `K2` as a list of upper-case codes; None when blank."""
    if text is None:
        return None
    found = [c.upper() for c in _CODES.split(text) if c]
    return found or None


def postcode(text: str | None) -> str | None:
    """A postcode compared as the 903 rules compare it: upper case, without spaces."""
    return re.sub(r"\s+", "", text).upper() if text else None


def _la_key(name: str) -> str:
    """An authority's name reduced for matching: `Bristol, City of` = `Bristol`, `St. Helens` =
    `Saint Helens`, `&` = `and`."""
    key = name.lower().replace("&", " and ")
    key = re.sub(r",?\s*\b(city|county) of\s*$", "", key)
    key = re.sub(r"\bsaint\b", "st", key)
    return re.sub(r"[^a-z0-9]", "", key)


@cache
def _la_numbers() -> dict[str, str]:
    """Reduced LA name -> DfE LA number (the latest-seen number where a name has two)."""
    import duckdb

    from csc_scorecard.reference.bundle import bundled_folder

    table = bundled_folder() / "la_codes.parquet"
    found = duckdb.sql(
        f"SELECT la_name, la_code FROM '{table}' ORDER BY last_year NULLS FIRST, la_code"
    ).fetchall()
    return {_la_key(name): code for name, code in found if name}


def la_number(name: str | None) -> str | None:
    """The DfE LA number of an authority named as Ofsted's list names it; None if unknown."""
    return _la_numbers().get(_la_key(name)) if name else None
