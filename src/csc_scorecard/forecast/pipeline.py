"""The children's homes pipeline (seed paras 43-44): the register at a date, slippage against the
first plan, changes since the last quarter, and the sentences that report them.

`homes_pipeline` holds one snapshot of the register per `as_at_date` (tables.yaml). The register
for a quarter is the latest snapshot on or before its end; "the last quarter" is the latest
snapshot on or before the previous quarter's end; a home's first plan is the planned opening in
the earliest snapshot that lists it. Slippage is counted in whole months between planned
opening dates. New places are the beds of homes still in development (not open, not
withdrawn); beds of withdrawn proposals are reported as places still to be replaced (para 43:
"an alternative to be found for Tickhill").
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard import numbers
from csc_scorecard.store import Store
from csc_scorecard.wording import (
    Cited,
    Paragraph,
    Sentence,
    join,
    listing,
    long_date,
    month_year,
    plural,
    say,
)

ACTIVE = ("proposed", "approved", "purchased", "works", "registering")

STATUS_WORDS = {  # home_status code list (model/codes/home_status.yaml), as a sentence says it
    "proposed": "proposed, with due diligence under way",
    "approved": "approved",
    "purchased": "purchased",
    "works": "having works carried out",
    "registering": "applying for Ofsted registration",
    "open": "open",
    "withdrawn": "withdrawn",
}


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Home(_Result):
    home_id: str
    name: str
    beds: int | None
    status: str | None
    planned_opening: date | None
    first_planned_opening: date | None
    slippage_months: int | None = Field(description="planned opening now against the first plan")
    moved_since_last_quarter_months: int | None
    actual_opening: date | None
    capital_cost: float | None
    works_cost: float | None
    manager_recruited: bool | None
    risks: str | None
    in_development: bool


class Change(_Result):
    home_id: str
    name: str
    kind: str = Field(
        description="added, status, opening_moved, works_cost, manager_recruited, removed"
    )
    before: str | None
    after: str | None


class Pipeline(_Result):
    la_code: str
    as_at: date = Field(description="date of the snapshot reported")
    previous_as_at: date | None
    homes: list[Home]
    changes: list[Change]
    homes_in_development: int
    new_places: int
    withdrawn_places: int = Field(description="beds of withdrawn proposals, to be replaced")
    opened_since_last_quarter: int
    managers_to_recruit: int


def months_between(a: date, b: date) -> int:
    """Whole calendar months from a to b.

    >>> months_between(date(2022, 10, 1), date(2023, 3, 1)), months_between(date(2022, 6, 1), date(2022, 6, 30))
    (5, 0)
    """
    return (b.year - a.year) * 12 + b.month - a.month


def _snapshot_dates(store: Store, la_code: str) -> list[date]:
    cur = store.con.cursor()
    try:
        return [
            r[0]
            for r in cur.execute(
                "SELECT DISTINCT as_at_date FROM homes_pipeline WHERE la_code = ? AND as_at_date IS NOT NULL ORDER BY 1",
                [la_code],
            ).fetchall()
        ]
    finally:
        cur.close()


def _snapshot(store: Store, la_code: str, day: date) -> dict[str, dict]:
    keys = (
        "home_id",
        "name",
        "beds",
        "status",
        "planned_opening",
        "actual_opening",
        "capital_cost",
        "works_cost",
        "manager_recruited",
        "risks",
    )
    cur = store.con.cursor()
    try:
        rows = cur.execute(
            f"SELECT {', '.join(keys)} FROM homes_pipeline WHERE la_code = ? AND as_at_date = ? ORDER BY home_id",
            [la_code, day],
        ).fetchall()
    finally:
        cur.close()
    return {r[0]: dict(zip(keys, r, strict=True)) for r in rows}


def homes_pipeline(
    store: Store, la_code: str, as_at: date, previous: date | None = None
) -> Pipeline | None:
    """The register at `as_at` against the one at `previous` (default: three months earlier)."""
    dates = _snapshot_dates(store, la_code)
    current = max((d for d in dates if d <= as_at), default=None)
    if current is None:
        return None
    prev_cut = previous or _three_months_before(as_at)
    before = max((d for d in dates if d <= prev_cut and d < current), default=None)
    now = _snapshot(store, la_code, current)
    last = _snapshot(store, la_code, before) if before else {}
    first_plan: dict[str, date | None] = {}
    for d in dates:
        if d > current:
            break
        for hid, row in _snapshot(store, la_code, d).items():
            if hid not in first_plan and row["planned_opening"] is not None:
                first_plan[hid] = row["planned_opening"]
    homes = []
    for hid, row in sorted(
        now.items(), key=lambda kv: (_order(kv[1]), kv[1]["planned_opening"] or date.max, kv[0])
    ):
        planned, first = row["planned_opening"], first_plan.get(hid)
        prior = last.get(hid, {}).get("planned_opening")
        homes.append(
            Home(
                home_id=hid,
                name=row["name"] or hid,
                beds=row["beds"],
                status=row["status"],
                planned_opening=planned,
                first_planned_opening=first,
                slippage_months=months_between(first, planned) if planned and first else None,
                moved_since_last_quarter_months=months_between(prior, planned)
                if planned and prior
                else None,
                actual_opening=row["actual_opening"],
                capital_cost=row["capital_cost"],
                works_cost=row["works_cost"],
                manager_recruited=row["manager_recruited"],
                risks=row["risks"],
                in_development=(row["status"] or "proposed") in ACTIVE,
            )
        )
    changes = _changes(last, now) if before else []
    active = [h for h in homes if h.in_development]
    return Pipeline(
        la_code=la_code,
        as_at=current,
        previous_as_at=before,
        homes=homes,
        changes=changes,
        homes_in_development=len(active),
        new_places=sum(h.beds or 0 for h in active),
        withdrawn_places=sum(h.beds or 0 for h in homes if h.status == "withdrawn"),
        opened_since_last_quarter=sum(
            1 for c in changes if c.kind == "status" and c.after == "open"
        ),
        managers_to_recruit=sum(1 for h in active if not h.manager_recruited),
    )


def _order(row: dict) -> int:
    status = row["status"] or "proposed"
    return 0 if status in ACTIVE else (1 if status == "open" else 2)


def _three_months_before(d: date) -> date:
    """The same point a quarter earlier, month ends kept as month ends.

    >>> _three_months_before(date(2022, 6, 30)), _three_months_before(date(2022, 5, 15))
    (datetime.date(2022, 3, 31), datetime.date(2022, 2, 15))
    """
    if (d + timedelta(days=1)).day == 1:
        return d + timedelta(days=1) - relativedelta(months=3) - timedelta(days=1)
    return d - relativedelta(months=3)


def _changes(last: dict[str, dict], now: dict[str, dict]) -> list[Change]:
    out = []
    for hid, row in now.items():
        name = row["name"] or hid
        old = last.get(hid)
        if old is None:
            out.append(
                Change(home_id=hid, name=name, kind="added", before=None, after=row["status"])
            )
            continue
        if old["status"] != row["status"]:
            out.append(
                Change(
                    home_id=hid, name=name, kind="status", before=old["status"], after=row["status"]
                )
            )
        if old["planned_opening"] != row["planned_opening"] and row["status"] in ACTIVE:
            out.append(
                Change(
                    home_id=hid,
                    name=name,
                    kind="opening_moved",
                    before=_iso(old["planned_opening"]),
                    after=_iso(row["planned_opening"]),
                )
            )
        if (old["works_cost"] or 0) != (row["works_cost"] or 0):
            out.append(
                Change(
                    home_id=hid,
                    name=name,
                    kind="works_cost",
                    before=_num(old["works_cost"]),
                    after=_num(row["works_cost"]),
                )
            )
        if not old["manager_recruited"] and row["manager_recruited"]:
            out.append(
                Change(home_id=hid, name=name, kind="manager_recruited", before="no", after="yes")
            )
    for hid, old in last.items():
        if hid not in now:
            out.append(
                Change(
                    home_id=hid,
                    name=old["name"] or hid,
                    kind="removed",
                    before=old["status"],
                    after=None,
                )
            )
    return out


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _num(v: float | None) -> str | None:
    return None if v is None else f"{v:.0f}"


# --------------------------------------------------------------------------- sentences (paras 43-44)


def _text(value: str, ref: str) -> Cited:
    return Cited(value, ref, value)


def _date(d: date, shown: str, ref: str) -> Cited:
    """A date as the sentence prints it, citing the ISO date stored at `ref`."""
    return Cited(shown, ref, d.isoformat())


def _risks(h: Home, ref: str) -> Sentence | None:
    """The register's own note on the home, as written there (a sentence of its own)."""
    if not h.risks:
        return None
    text = h.risks.strip()
    return say(
        "{r}" + ("" if text.endswith((".", "!", "?")) else "."),
        r=Cited(text, f"{ref}/risks", h.risks),
    )


def pipeline_paragraphs(pipe: Pipeline | None, base: str = "/pipeline") -> list[Paragraph]:
    """Para 43 (the register, a bullet a home) and para 44 (the total and what changed); every
    number and name is cited by a JSON pointer under `base` (where the pipeline sits)."""
    if pipe is None:
        return []
    bullets = []
    for i, h in enumerate(pipe.homes):
        ref = f"{base}/homes/{i}"
        name = _text(h.name, f"{ref}/name")
        beds = Cited(numbers.number(h.beds or 0), f"{ref}/beds", h.beds)
        if h.status == "withdrawn":
            s = join(
                say(
                    "{n} ({b} " + plural(h.beds or 0, "bed", "beds") + ") has been withdrawn.",
                    n=name,
                    b=beds,
                ),
                _risks(h, ref),
            )
        elif h.status == "open":
            if (
                not h.actual_opening
                or not pipe.previous_as_at
                or h.actual_opening <= pipe.previous_as_at
            ):
                continue
            s = say(
                "{n} opened in {d}, providing {b} " + plural(h.beds or 0, "bed", "beds") + ".",
                n=name,
                b=beds,
                d=_date(h.actual_opening, month_year(h.actual_opening), f"{ref}/actual_opening"),
            )
        else:
            parts = [
                say(
                    "{n} ({b} "
                    + plural(h.beds or 0, "bed", "beds")
                    + "): "
                    + STATUS_WORDS.get(h.status or "", h.status or "")
                    + ".",
                    n=name,
                    b=beds,
                )
            ]
            if h.planned_opening:
                when = _date(
                    h.planned_opening, month_year(h.planned_opening), f"{ref}/planned_opening"
                )
                if h.slippage_months:
                    parts.append(
                        say(
                            "Expected to open in {d}, {m} "
                            + plural(abs(h.slippage_months), "month", "months")
                            + (" later" if h.slippage_months > 0 else " earlier")
                            + " than first planned.",
                            d=when,
                            m=Cited(
                                numbers.number(abs(h.slippage_months)),
                                f"{ref}/slippage_months",
                                h.slippage_months,
                            ),
                        )
                    )
                else:
                    parts.append(say("Expected to open in {d}, as first planned.", d=when))
            if h.works_cost:
                parts.append(
                    say(
                        "Works of c.{c} are required.",
                        c=Cited(numbers.pounds(h.works_cost), f"{ref}/works_cost", h.works_cost),
                    )
                )
            if h.manager_recruited is not None:
                parts.append(
                    say(
                        "Registered manager "
                        + ("in post." if h.manager_recruited else "still to be appointed.")
                    )
                )
            if h.risks:
                parts.append(_risks(h, ref))
            s = join(*parts)
        bullets.append(s)
    intro = say(
        "The children's homes register at {d} lists these properties in development.",
        d=_date(pipe.as_at, long_date(pipe.as_at), f"{base}/as_at"),
    )
    total = [
        say(
            "In total the homes in development provide {n} new "
            + plural(pipe.new_places, "place", "places")
            + " for children"
            + (
                ", plus an alternative to be found for {w} "
                + plural(pipe.withdrawn_places, "place", "places")
                + " from withdrawn proposals."
                if pipe.withdrawn_places
                else "."
            ),
            n=Cited(numbers.number(pipe.new_places), f"{base}/new_places", pipe.new_places),
            **(
                {
                    "w": Cited(
                        numbers.number(pipe.withdrawn_places),
                        f"{base}/withdrawn_places",
                        pipe.withdrawn_places,
                    )
                }
                if pipe.withdrawn_places
                else {}
            ),
        )
    ]
    if pipe.managers_to_recruit:
        k = Cited(
            numbers.number(pipe.managers_to_recruit),
            f"{base}/managers_to_recruit",
            pipe.managers_to_recruit,
        )
        n = Cited(
            numbers.number(pipe.homes_in_development),
            f"{base}/homes_in_development",
            pipe.homes_in_development,
        )
        if pipe.managers_to_recruit == pipe.homes_in_development:
            total.append(
                say(
                    ("The home" if pipe.homes_in_development == 1 else "All {n} homes")
                    + " in development still "
                    + ("needs" if pipe.homes_in_development == 1 else "need")
                    + " a registered manager.",
                    **({} if pipe.homes_in_development == 1 else {"n": n}),
                )
            )
        else:
            total.append(
                say(
                    "{k} of the {n} homes in development still "
                    + ("needs" if pipe.managers_to_recruit == 1 else "need")
                    + " a registered manager.",
                    k=k,
                    n=n,
                )
            )
    changes = _change_sentences(pipe, base)
    if changes:
        total.append(changes)
    return [
        Paragraph(id="homes", seed_paragraph=43, sentences=[intro], bullets=bullets),
        Paragraph(id="homes_total", seed_paragraph=44, sentences=total),
    ]


def _stage(status: str | None) -> str:
    return {"works": "works", "registering": "registering with Ofsted"}.get(
        status or "", status or "an unknown stage"
    )


def _change_sentences(pipe: Pipeline, base: str) -> Sentence | None:
    if not pipe.previous_as_at or not pipe.changes:
        return None
    items = []
    for i, c in enumerate(pipe.changes):
        ref = f"{base}/changes/{i}"
        n = _text(c.name, f"{ref}/name")
        if c.kind == "status":
            items.append(
                ("{n} moved from " + _stage(c.before) + " to " + _stage(c.after), {"n": n})
            )
        elif c.kind == "opening_moved" and c.before and c.after:
            b, a = date.fromisoformat(c.before), date.fromisoformat(c.after)
            items.append(
                (
                    "{n}'s planned opening moved from {b} to {a}",
                    {
                        "n": n,
                        "b": _date(b, month_year(b), f"{ref}/before"),
                        "a": _date(a, month_year(a), f"{ref}/after"),
                    },
                )
            )
        elif c.kind == "works_cost" and c.after:
            items.append(
                (
                    "the works at {n} are now estimated at {a}",
                    {"n": n, "a": Cited(numbers.pounds(float(c.after)), f"{ref}/after", c.after)},
                )
            )
        elif c.kind == "manager_recruited":
            items.append(("{n} has appointed its registered manager", {"n": n}))
        elif c.kind == "added":
            items.append(("{n} was added to the register", {"n": n}))
        elif c.kind == "removed":
            items.append(("{n} left the register", {"n": n}))
    if not items:
        return None
    t, s = listing(items, last="; and ", sep="; ")
    return say(
        "Since {d}: " + t + ".",
        d=_date(pipe.previous_as_at, long_date(pipe.previous_as_at), f"{base}/previous_as_at"),
        **s,
    )
