"""Local authorities: DfE LA number, ONS GSS code, region and LAIT type (standards.md 6.2).

Read from `derived_la_codes.csv` (every old/new code combination seen in the DfE files, with
the years seen). Local government reorganisation gives one DfE number several GSS codes over
time (North Yorkshire, Somerset, Buckinghamshire, Barnsley, Sheffield), hence the key
(la_code, gss_code). The LAIT LA list (`dfe_lait_la_code_list.xlsx`) fills a missing LAIT type
and is cross-checked against it.
"""

from __future__ import annotations

from pathlib import Path

import fastexcel
import pyarrow as pa

from csc_scorecard.ingest.values import parse_int
from csc_scorecard.model.batch import FormatError, Issue
from csc_scorecard.model.schema import table
from csc_scorecard.reference.ees import read_text_csv

LA_CODES_FILE = "derived_la_codes.csv"
LAIT_LIST_FILE = "dfe_lait_la_code_list.xlsx"
REQUIRED = ("old_la_code", "new_la_code", "la_name", "region_code", "region_name")


def lait_types(path: str | Path) -> dict[str, str]:
    """LA number -> LAIT type (OLB, ILB, MD, UA, SC) from the LAIT LA list."""
    sheet = fastexcel.read_excel(str(path)).load_sheet(0, dtypes="string").to_arrow()
    numbers = sheet.column("LA Number").to_pylist()
    types = sheet.column("Type").to_pylist()
    # Rows 970-1000 are England and regions, typed "NA".
    return {
        str(n).strip(): str(t).strip()
        for n, t in zip(numbers, types, strict=True)
        if n and t and str(t).strip() != "NA"
    }


def read_la_codes(
    path: str | Path, lait_list: str | Path | None = None
) -> tuple[pa.Table, list[Issue]]:
    """The `la_codes` rows (with `la_code` and `source_row`) and any cross-check issues."""
    csv = read_text_csv(path)
    missing = [c for c in REQUIRED if c not in csv.header]
    if missing:
        raise FormatError(path, f"not an LA code list: no column(s) {', '.join(missing)}")
    types = lait_types(lait_list) if lait_list and Path(lait_list).exists() else {}
    issues: list[Issue] = []
    rows = []
    for rec in csv.records:
        code = rec["old_la_code"]
        la_type = rec["lait_la_type"] or types.get(code)
        if rec["lait_la_type"] and code in types and types[code] != rec["lait_la_type"]:
            issues.append(
                Issue(
                    rule="inconsistent_type",
                    table="la_codes",
                    file=csv.name,
                    row=rec.line,
                    field="lait_la_type",
                    value=rec["lait_la_type"],
                    severity="warning",
                    message=f"LA {code}: type {rec['lait_la_type']} here, {types[code]} in {LAIT_LIST_FILE}",
                )
            )
        rows.append(
            {
                "la_code": code,
                "gss_code": rec["new_la_code"] or None,
                "la_name": rec["la_name"],
                "region_code": rec["region_code"] or None,
                "region_name": rec["region_name"] or None,
                "la_type": la_type or None,
                "first_year": parse_int(rec["first_year_in_dfe_data"]),
                "last_year": parse_int(rec["last_year_in_dfe_data"]),
                "source_row": rec.line,
            }
        )
    schema = table("la_codes").arrow_schema()
    names = ["la_code", *table("la_codes").data_column_names, "source_row"]
    return pa.Table.from_pylist(rows, schema=pa.schema([schema.field(n) for n in names])), issues
