"""The synthetic authority's Ofsted Annex A workbook (standards.md section 3).

One workbook as at the authority's extract date, `annex_a/annex_a_<YYYY-MM-DD>.xlsx`, with
sheets "List 1" ... "List 11" under the Ofsted headings (S3 wording; the exact current template
is unconfirmed [U]), coded cells the Ofsted way ("a) WBRI", "q) 6: Police") and real Excel dates.

Each list keeps Ofsted's scope (paraphrased in S4): events in the six months before the extract
date, twelve months for adoption, plus what is open at the extract date. Dates after the extract
date are left out, as a real extract run that day could not know them. The lists' titles and
columns are the template as data (`ingest/formats/annex_a_template.yaml`); columns that no
canonical table holds (permanence plan, IRO visits, return interviews) are written blank. List 11
(adopters) has no canonical table, so it is written with its headings only.

`lists(authority)` (`annex_a_lists`) is the selection; `write` formats it and `expected` says
which canonical rows ingesting the workbook must give back.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import xlsxwriter

from csc_scorecard.ingest.formats.annex_a_template import template
from csc_scorecard.model.codes import codes
from csc_scorecard.model.schema import table
from csc_scorecard.synth.authority import SyntheticAuthority
from csc_scorecard.synth.writers.annex_a_lists import lists


def _same(*columns: str) -> dict[str, str]:
    return {c: c for c in columns}


# What the workbook gives back on ingest: canonical table -> (list, {canonical column: row field}).
CARRIED: dict[str, tuple[int, dict[str, str]]] = {
    "contacts": (1, _same("child_id", "contact_date", "contact_source")),
    "early_help_episodes": (
        2,
        _same("child_id", "assessment_start_date", "assessment_completion_date", "organisation"),
    ),
    "assessments": (
        4,
        _same("child_id", "start_date", "authorised_date", "further_support_needed"),
    ),
    "section47s": (
        5,
        _same("child_id", "start_date", "icpc_not_required", "icpc_date", "icpc_resulted_in_plan"),
    ),
    "cp_plans": (
        7,
        _same(
            "child_id",
            "start_date",
            "initial_category",
            "latest_category",
            "end_date",
            "previous_plans",
            "protection_last_six_months",
        ),
    ),
    "cp_visits": (7, _same("child_id", "visit_date", "seen_alone")),
    "cp_reviews": (
        7,
        {"child_id": "child_id", "plan_start_date": "start_date", "review_date": "review_date"},
    ),
    "cla_reviews": (8, _same("child_id", "review_date")),
    "care_leaver_plans": (
        9,
        _same(
            "child_id",
            "as_at_date",
            "personal_adviser",
            "eligibility_category",
            "latest_pathway_plan_date",
            "in_touch",
            "latest_contact_date",
            "accommodation",
            "activity",
        ),
    ),
    "adoptions": (
        10,
        _same(
            "child_id",
            "entered_care_date",
            "adm_decision_date",
            "placement_order_date",
            "matched_date",
            "placed_date",
            "adoption_order_date",
            "decision_reversed_date",
            "decision_reversed_reason",
        ),
    ),
}
# A secondary table has a row only where its event date is filled (specs/annex_a.yaml).
EVENT_DATE = {"cp_visits": "visit_date", "cp_reviews": "review_date", "cla_reviews": "review_date"}
REFERRAL_COLUMNS = (
    "child_id",
    "referral_date",
    "referral_source",
    "referral_nfa",
    "primary_need_code",
    "closure_date",
    "closure_reason",
)
CHILD_COLUMNS = ("child_id", "sex", "ethnicity", "date_of_birth")
# -- writing ---------------------------------------------------------------------------------


def path_for(authority: SyntheticAuthority, out_dir: Path) -> Path:
    return out_dir / "annex_a" / f"annex_a_{authority.end.isoformat()}.xlsx"


def write(authority: SyntheticAuthority, out_dir: Path) -> list[Path]:
    path = path_for(authority, out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = lists(authority)
    yes_no = codes("annex_a_yes_no")
    with xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False}) as book:
        heading = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"}
        )
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        for n, sheet_spec in template().lists.items():
            cols = sheet_spec.columns
            sheet = book.add_worksheet(f"List {n}")
            sheet.freeze_panes(1, 0)
            for j, col in enumerate(cols):
                sheet.set_column(j, j, 14 if col.kind == "date" else 18)
                sheet.write_string(0, j, col.heading, heading)
            for i, row in enumerate(rows[n], start=1):
                for j, col in enumerate(cols):
                    value = row.get(col.key) if col.key else None
                    if value is None:
                        continue
                    if col.kind == "date":
                        sheet.write_datetime(i, j, value, day)
                    elif col.kind == "int":
                        sheet.write_number(i, j, value)
                    elif col.kind == "yes_no":
                        sheet.write_string(i, j, yes_no["Y" if value else "N"])
                    elif col.kind.startswith("annex_a_"):
                        sheet.write_string(i, j, codes(col.kind).get(str(value), str(value)))
                    else:
                        sheet.write_string(i, j, str(value))
    return [path]


def expected(authority: SyntheticAuthority) -> dict[str, pa.Table]:
    """The canonical rows the workbook carries (what ingesting it must give back)."""
    rows = lists(authority)
    out: dict[str, pa.Table] = {}
    for name, (n, fields) in CARRIED.items():
        records = [
            {c: r.get(f) for c, f in fields.items()}
            for r in rows[n]
            if name not in EVENT_DATE or r.get(fields[EVENT_DATE[name]]) is not None
        ]
        out[name] = _typed(name, fields, records)
    out["referrals"] = _typed("referrals", REFERRAL_COLUMNS, _joined_referrals(rows[3], rows[6]))
    seen: dict[str, dict] = {}
    for n in range(1, 11):
        for r in rows[n]:
            seen.setdefault(r["child_id"], {c: r[c] for c in CHILD_COLUMNS})
    out["children"] = _typed("children", CHILD_COLUMNS, list(seen.values()))
    return out


def _joined_referrals(list3: list[dict], list6: list[dict]) -> list[dict]:
    """List 6's episodes, each taking list 3's source and NFA from at most one list 3 referral
    of the same child and date; other list 3 referrals are rows of their own."""
    out = [
        {**{c: None for c in REFERRAL_COLUMNS}, **{c: r[c] for c in REFERRAL_COLUMNS if c in r}}
        for r in list6
    ]
    waiting = {(r["child_id"], r["referral_date"]): r for r in out}
    for r in list3:
        row = waiting.pop((r["child_id"], r["referral_date"]), None)
        if row is None:
            row = {c: None for c in REFERRAL_COLUMNS}
            out.append(row)
        row.update(
            {c: r[c] for c in ("child_id", "referral_date", "referral_source", "referral_nfa")}
        )
    return out


def _typed(name: str, columns: Iterable[str], records: list[dict]) -> pa.Table:
    schema = table(name).arrow_schema()
    return pa.Table.from_pylist(records, schema=pa.schema([schema.field(c) for c in columns]))
