"""Options shared by the commands, each defined once (kept stable: tools script against them).

`--la` has five meanings, each its own option: one authority the command works on
(`AuthorityOption`), one or more (`AuthoritiesOption`), the authority of extracts that carry
no LA code (`FileAuthorityOption`, ingest and validate), the authorities a lake export holds
(`ExportAuthoritiesOption`) and the authority a synthetic extract is made for
(`SyntheticAuthorityOption`). `--period` as one quarter is `QuarterOption`; commands whose
period means more (a range, a month, the forecast year) say so in their own help. `--format`
for a table-shaped output is `TableFormatOption`.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from csc_scorecard.store import Store

StoreOption = Annotated[
    Path,
    typer.Option(
        "--store",
        envvar="SCORECARD_STORE",
        help="DuckDB store file (default: $SCORECARD_STORE or ./scorecard.duckdb).",
    ),
]
# `store.DEFAULT_STORE`, not imported from there: the store's package loads DuckDB and Arrow
# (~0.25 s), which `scorecard report` starts its other processes before (a test checks the two).
DEFAULT_STORE_PATH = Path("scorecard.duckdb")

AuthorityOption = Annotated[
    str | None,
    typer.Option(
        "--la", envvar="SCORECARD_LA", help="Authority (default: the only one in the store)."
    ),
]
AuthoritiesOption = Annotated[
    str | None,
    typer.Option(
        "--la",
        envvar="SCORECARD_LA",
        help="Authorities: a DfE LA code, a list (371,372) or all (default: the only one in the store).",
    ),
]
FileAuthorityOption = Annotated[
    str | None,
    typer.Option(
        "--la",
        envvar="SCORECARD_LA",
        help="DfE LA code for formats that carry none (903, Annex A, templates).",
    ),
]
ExportAuthoritiesOption = Annotated[
    str | None,
    typer.Option("--la", help="Authorities to export, comma-separated (default: all)."),
]
SyntheticAuthorityOption = Annotated[
    str | None,
    typer.Option(
        "--la",
        help="3-digit DfE LA code to use; a list (372,373) simulates each authority like "
        "itself into OUT/<code>/, or with --england only those authorities (default 371).",
    ),
]
QuarterOption = Annotated[str, typer.Option("--period", help="Quarter, e.g. 2022-Q1.")]
TableFormatOption = Annotated[str, typer.Option("--format", help="table, csv, xlsx or json.")]
RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region",
        help="Every authority in the store from this region (name or ONS code; London takes "
        "Inner and Outer London).",
    ),
]


def only_authority(db: Store) -> str:
    """The store's authority when it holds just one; otherwise ask for --la."""
    las = db.authorities()
    if not las:  # --la would not help: nothing is loaded for any authority
        raise typer.BadParameter(
            "the store holds no authority's data: run `scorecard ingest` first"
        )
    if len(las) != 1:
        raise typer.BadParameter(
            f"the store holds {len(las)} authorities ({', '.join(las) or 'none'}): pass --la"
        )
    return las[0]


def parse_day(text: str) -> date:
    """A --date option's value (YYYY-MM-DD), or a clean refusal naming it."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date like 2022-06-30") from None


def authority(db: Store, la_code: str | None) -> str:
    """The validated --la (`Store.check_la_code`), or the store's only authority. A command
    calling this works on one authority at a time (child- and worker-level lists, drill-down,
    the dashboard, a projection): `all` or a list is refused in one line."""
    if la_code and (la_code.strip().lower() == "all" or "," in la_code):
        raise typer.BadParameter(
            f"--la {la_code!r}: this command works on one authority at a time (its output is "
            f"about that authority's own children, workers or cases); give one of "
            f"{', '.join(db.authorities()) or 'the store authorities'}"
        )
    return db.check_la_code(la_code) if la_code else only_authority(db)


def each_authority(db: Store, la: str | None, region: str | None = None) -> list[str]:
    """The authorities a per-authority command (report, caseloads, forecast) runs for: one
    --la code checked as `authority` does (so a code only the reference list knows is named as
    such), or `all`, a list or --region as `chosen_authorities`."""
    several = region or (la and (la.strip().lower() == "all" or "," in la))
    return chosen_authorities(db, la, region) if several else [authority(db, la)]


def chosen_authorities(db: Store, la: str | None, region: str | None = None) -> list[str]:
    """The authorities `--la` and `--region` name, each one the store holds data for.

    `--la` is a code, a comma list or `all`; `--region` keeps those of the region (alone, every
    authority of the region in the store). Neither: the store's only authority.
    """
    held = db.authorities()
    if la is None or not la.strip():
        picked = held if region else [only_authority(db)]
    elif la.strip().lower() == "all":
        picked = held
    else:
        picked = list(dict.fromkeys(c.strip() for c in la.split(",") if c.strip()))
        absent = [c for c in picked if c not in held]
        if absent:
            raise typer.BadParameter(
                f"the store holds no data for {', '.join(absent)} "
                f"(it holds {', '.join(held) or 'none'})"
            )
    if region:
        members = region_members(db, region)
        picked = [c for c in picked if c in members]
        if not picked:
            raise typer.BadParameter(
                f"no authority of region {region!r} in the store (it holds {', '.join(held) or 'none'})"
            )
    if not picked:
        raise typer.BadParameter(
            "the store holds no authority's data: run `scorecard ingest` first"
        )
    return picked


def region_members(db: Store, region: str) -> set[str]:
    """LA codes of a region by ONS code or name, from the reference `la_codes` table."""
    wanted = region.strip().lower()
    rows = db.con.execute("SELECT la_code, region_code, region_name FROM la_codes").fetchall()
    if not rows:
        raise typer.BadParameter("--region needs the reference data: run `scorecard reference`")
    found = {
        la
        for la, code, name in rows
        if wanted in ((code or "").lower(), (name or "").lower())
        or (wanted == "london" and (name or "").lower() in ("inner london", "outer london"))
    }
    if not found:
        names = sorted({name for _, _, name in rows if name})
        raise typer.BadParameter(f"no region {region!r}: one of {', '.join(names)}")
    return found


def known_subjects(
    db: Store, la: str, team: str | None, worker: str | None, *, team_names: bool = True
) -> None:
    """Refuse a --team or --worker nothing in the store names for `la`: filtered on a mistyped
    one, a list or a drill-down prints no rows, which reads as "nobody overdue"."""
    from csc_scorecard.lists.subjects import unknown_subject

    refusal = unknown_subject(db, la, team, worker, team_names=team_names)
    if refusal:
        raise typer.BadParameter(refusal)


def out_folder(out: Path) -> None:
    """Refuse an --out folder that is a file, or would lie under one, before any work is done
    (making it only after minutes of work would fail there, in a traceback)."""
    for path in (out, *out.parents):
        if path.exists():
            if not path.is_dir():
                raise typer.BadParameter(f"{path} exists and is not a folder", param_hint="--out")
            return


def outside_the_data(db: Store, las: list[str], periods: list) -> str | None:
    """One note line when none of the periods reaches any of the authorities' loaded data
    (`Store.coverage`): every figure is then not_available ('outside the loaded data'), said
    once, not only row by row (`scorecard report` refuses such a quarter: a report would
    present nothing as real; measures and compare keep their tidy rows). None when
    any period reaches any authority's data (what lies outside stays a not_available row)."""
    spans = {la: db.coverage(la) for la in las}
    for span in spans.values():
        if span and any(p.start <= span[1] and p.end >= span[0] for p in periods):
            return None
    asked = ", ".join(f"{p} ({p.label})" for p in periods[:3]) + (
        ", ..." if len(periods) > 3 else ""
    )
    held = "; ".join(
        f"LA {la}'s {s[0]:%d/%m/%Y} to {s[1]:%d/%m/%Y}"
        if s
        else f"none of LA {la}'s (nothing dated)"
        for la, s in spans.items()
    )
    return (
        f"note: the store has no data for {asked}: the loaded data cover {held}; every "
        "measure is not_available"
    )
