"""Ofsted inspections of the authority's own children's homes: the latest judgement, when the next
inspection is due and which homes are overdue one (the seed's appendix: "Two of the Trusts homes
are graded as requires improvement. One of these homes is expected to be reinspected shortly").

`own_homes` (tables.yaml) holds one row per Ofsted inspection of each of the authority's homes:
the home, its URN and registered places, the inspection's date and type (full or interim; a
monitoring visit is not an inspection and does not count) and its judgement (the overall
effectiveness at a full inspection; improved, sustained or declined effectiveness at an interim
one). A home is reported from its first inspection on or before the date.

When the next inspection is due, by Ofsted's Social care common inspection framework (SCCIF):
children's homes, section 10.1 "Frequency and type of inspections", under Her Majesty's Chief
Inspector of Education, Children's Services and Skills (Fees and Frequency of Inspections)
(Children's Homes etc.) Regulations 2015 as amended. Ofsted inspects in year-long inspection
periods from 1 April to 31 March: every home has at least one full inspection in each period,
and a home judged inadequate or requires improvement to be good at its last full inspection is
inspected at least twice in the period. So, from the latest full inspection on or before the
date (`next_inspection_due`):

* a home judged inadequate or requires improvement, with no other inspection yet in the same
  inspection period, is due a second inspection by the end of that period (31 March), while the
  period lasts;
* otherwise the next full inspection is due by the end of the following inspection period.

A home is overdue when the date is after its due date. A second inspection missed in a period
that has ended is not carried forward: the next due is then the following period's full
inspection, which the regulations require of every home.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard import numbers
from csc_scorecard.store import Store
from csc_scorecard.wording import Cited, Paragraph, long_date, plural, say

INSPECTIONS = ("full", "interim")  # what counts towards the frequency (not monitoring visits)
BELOW_GOOD = ("requires_improvement", "inadequate")
GOOD_OR_BETTER = ("outstanding", "good")

JUDGEMENT_WORDS = {  # home_judgement code list (model/codes/home_judgement.yaml), as printed
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
    "improved_effectiveness": "Improved effectiveness",
    "sustained_effectiveness": "Sustained effectiveness",
    "declined_in_effectiveness": "Declined in effectiveness",
}


def inspection_year(d: date) -> int:
    """The year an Ofsted inspection period (1 April to 31 March) starts in.

    >>> inspection_year(date(2022, 3, 31)), inspection_year(date(2022, 4, 1))
    (2021, 2022)
    """
    return d.year if d.month >= 4 else d.year - 1


def year_end(year: int) -> date:
    """The last day of the inspection period starting in `year`: 31 March of the next year."""
    return date(year + 1, 3, 31)


def next_inspection_due(
    inspections: list[tuple[date, str, str | None]], at: date
) -> tuple[date, str] | None:
    """When the next inspection is due on `at`, and which: 'second' (a home below good needs a
    second inspection in the same period) or 'full'; None before the first full inspection.

    `inspections` are (date, type, judgement) rows of one home; those after `at` and monitoring
    visits are ignored.

    >>> good = [(date(2021, 6, 1), "full", "good")]
    >>> next_inspection_due(good, date(2022, 6, 30))
    (datetime.date(2023, 3, 31), 'full')
    >>> ri = [(date(2022, 5, 10), "full", "requires_improvement")]
    >>> next_inspection_due(ri, date(2022, 6, 30))
    (datetime.date(2023, 3, 31), 'second')
    >>> next_inspection_due([*ri, (date(2022, 11, 1), "interim", "improved_effectiveness")],
    ...                     date(2022, 12, 31))
    (datetime.date(2024, 3, 31), 'full')
    """
    held = sorted(i for i in inspections if i[0] <= at and i[1] in INSPECTIONS)
    full = [i for i in held if i[1] == "full"]
    if not full:
        return None
    when, _, judgement = full[-1]
    year = inspection_year(when)
    in_year = sum(inspection_year(i[0]) == year for i in held)
    if judgement in BELOW_GOOD and at <= year_end(year) and in_year < 2:
        return year_end(year), "second"
    return year_end(year + 1), "full"


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OwnHome(_Result):
    home_id: str
    name: str
    urn: str | None
    registered_places: int | None
    last_inspection: date = Field(description="the latest inspection (full or interim)")
    last_inspection_text: str
    last_inspection_type: str
    last_full_inspection: date | None
    last_full_inspection_text: str
    judgement: str | None = Field(description="overall effectiveness at the latest full inspection")
    judgement_text: str
    next_due: date | None
    next_due_text: str
    next_due_kind: str | None = Field(description="full, or second (below good: twice a year)")
    overdue: bool


class OwnHomes(_Result):
    la_code: str
    as_at: date
    as_at_text: str
    homes: list[OwnHome] = Field(description="by next due date, overdue first")
    home_count: int
    good_or_better: int
    below_good: int
    overdue: int
    next_due: date | None = Field(description="the earliest due date of the homes not overdue")
    next_due_text: str
    due_next: int = Field(description="homes due an inspection by next_due")


def own_homes(store: Store, la_code: str, at: date) -> OwnHomes | None:
    """The authority's own homes inspected on or before `at`, each with its latest judgement
    and next inspection due; None when no inspection is recorded by then."""
    present = store.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'own_homes'"
    ).fetchone()[0]
    if not present:  # a store written before the template existed, opened read-only
        return None
    rows = store.con.execute(
        "SELECT home_id, home_name, ofsted_urn, registered_places, inspection_date, inspection_type, "
        "judgement FROM own_homes WHERE la_code = ? AND inspection_date <= ? "
        "AND home_id IS NOT NULL ORDER BY home_id, inspection_date",
        [la_code, at],
    ).fetchall()
    by_home: dict[str, list[tuple]] = {}
    for r in rows:
        by_home.setdefault(r[0], []).append(r)
    homes = []
    for home_id, hist in by_home.items():
        counted = [h for h in hist if h[5] in INSPECTIONS]
        if not counted:
            continue
        latest = hist[-1]  # name, URN and places as the latest row gives them
        last = counted[-1]
        full = [h for h in counted if h[5] == "full"]
        due = next_inspection_due([(h[4], h[5], h[6]) for h in counted], at)
        judgement = full[-1][6] if full else None
        homes.append(
            OwnHome(
                home_id=home_id,
                name=latest[1] or home_id,
                urn=latest[2],
                registered_places=latest[3],
                last_inspection=last[4],
                last_inspection_text=long_date(last[4]),
                last_inspection_type=last[5],
                last_full_inspection=full[-1][4] if full else None,
                last_full_inspection_text=long_date(full[-1][4]) if full else "",
                judgement=judgement,
                judgement_text=JUDGEMENT_WORDS.get(judgement or "", judgement or ""),
                next_due=due[0] if due else None,
                next_due_text=long_date(due[0]) if due else "",
                next_due_kind=due[1] if due else None,
                overdue=due is not None and at > due[0],
            )
        )
    if not homes:
        return None
    homes.sort(key=lambda h: (not h.overdue, h.next_due or date.max, h.name))
    upcoming = sorted(h.next_due for h in homes if not h.overdue and h.next_due)
    first = upcoming[0] if upcoming else None
    return OwnHomes(
        la_code=la_code,
        as_at=at,
        as_at_text=long_date(at),
        homes=homes,
        home_count=len(homes),
        good_or_better=sum(h.judgement in GOOD_OR_BETTER for h in homes),
        below_good=sum(h.judgement in BELOW_GOOD for h in homes),
        overdue=sum(h.overdue for h in homes),
        next_due=first,
        next_due_text=long_date(first) if first else "",
        due_next=upcoming.count(first) if first else 0,
    )


def inspections_paragraph(h: OwnHomes | None, base: str = "/inspections") -> Paragraph | None:
    """The homes' latest judgements and the inspections due (the seed's appendix commentary),
    every number cited under `base` (where the section holds `h`)."""
    if h is None:
        return None

    def n(field: str) -> Cited:
        value = getattr(h, field)
        return Cited(numbers.number(value), f"{base}/{field}", value)

    homes = plural(h.home_count, "home", "homes")
    sentences = [
        say(
            "At {d}, {g} of the authority's {all} children's " + homes + " had been judged good "
            "or outstanding at their latest full Ofsted inspection, and {b} "
            + plural(h.below_good, "was", "were")
            + " judged requires improvement to be good or inadequate.",
            d=Cited(h.as_at_text, f"{base}/as_at_text", h.as_at_text),
            g=n("good_or_better"),
            all=n("home_count"),
            b=n("below_good"),
        )
    ]
    if h.overdue:
        sentences.append(
            say(
                "{k} " + plural(h.overdue, "home is", "homes are") + " overdue an inspection.",
                k=n("overdue"),
            )
        )
    due = Cited(h.next_due_text, f"{base}/next_due_text", h.next_due_text)
    if h.due_next == 1:
        i, home = next(
            (i, x) for i, x in enumerate(h.homes) if not x.overdue and x.next_due == h.next_due
        )
        kind = "a second inspection" if home.next_due_kind == "second" else "a full inspection"
        sentences.append(
            say(
                "The next inspection due is " + kind + " of {name} by {due}.",
                name=Cited(home.name, f"{base}/homes/{i}/name", home.name),
                due=due,
            )
        )
    elif h.due_next > 1:
        sentences.append(
            say("{k} homes are next due an inspection, by {due}.", k=n("due_next"), due=due)
        )
    return Paragraph(id="inspections", sentences=sentences)
