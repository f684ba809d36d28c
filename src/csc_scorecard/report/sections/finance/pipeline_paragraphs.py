"""The children's homes pipeline in words (seed paras 43-44): the register, a bullet a home in
development (its stage, expected opening and slippage, works, manager and risks), then the
places it provides, the managers still to be appointed and what changed since the last quarter.
Every number and name is cited by a JSON pointer under `base` (where the pipeline sits).
"""

from __future__ import annotations

from datetime import date

from csc_scorecard import numbers
from csc_scorecard.forecast.pipeline import Home, Pipeline
from csc_scorecard.report.cited import cited_text
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

STATUS_WORDS = {  # home_status code list (model/codes/home_status.yaml), as a sentence says it
    "proposed": "proposed, with due diligence under way",
    "approved": "approved",
    "purchased": "purchased",
    "works": "having works carried out",
    "registering": "applying for Ofsted registration",
    "open": "open",
    "withdrawn": "withdrawn",
}


def pipeline_paragraphs(pipe: Pipeline | None, base: str = "/pipeline") -> list[Paragraph]:
    """Para 43 (the register, a bullet a home) and para 44 (the total and what changed); every
    number and name is cited by a JSON pointer under `base` (where the pipeline sits)."""
    if pipe is None:
        return []
    bullets = []
    for i, h in enumerate(pipe.homes):
        s = _home(pipe, h, f"{base}/homes/{i}")
        if s is not None:
            bullets.append(s)
    intro = say(
        "The children's homes register at {d} lists these properties in development.",
        d=_date(pipe.as_at, long_date(pipe.as_at), f"{base}/as_at"),
    )
    total = [_places(pipe, base)]
    managers = _managers(pipe, base)
    if managers:
        total.append(managers)
    changes = _change_sentences(pipe, base)
    if changes:
        total.append(changes)
    return [
        Paragraph(id="homes", seed_paragraph=43, sentences=[intro], bullets=bullets),
        Paragraph(id="homes_total", seed_paragraph=44, sentences=total),
    ]


def _home(pipe: Pipeline, h: Home, ref: str) -> Sentence | None:
    """A home's bullet: withdrawn, opened since the last quarter, or in development (None for a
    home that was already open at the last quarter)."""
    name = cited_text(f"{ref}/name", h.name)
    beds = Cited(numbers.number(h.beds or 0), f"{ref}/beds", h.beds)
    if h.status == "withdrawn":
        return join(
            say(
                "{n} ({b} " + plural(h.beds or 0, "bed", "beds") + ") has been withdrawn.",
                n=name,
                b=beds,
            ),
            _risks(h, ref),
        )
    if h.status == "open":
        if (
            not h.actual_opening
            or not pipe.previous_as_at
            or h.actual_opening <= pipe.previous_as_at
        ):
            return None
        return say(
            "{n} opened in {d}, providing {b} " + plural(h.beds or 0, "bed", "beds") + ".",
            n=name,
            b=beds,
            d=_date(h.actual_opening, month_year(h.actual_opening), f"{ref}/actual_opening"),
        )
    return _in_development(h, ref, name, beds)


def _in_development(h: Home, ref: str, name: Cited, beds: Cited) -> Sentence:
    """A home in development: its stage, expected opening against the first plan, the works
    still needed, its registered manager and the register's note on its risks."""
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
        when = _date(h.planned_opening, month_year(h.planned_opening), f"{ref}/planned_opening")
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
    return join(*parts)


def _places(pipe: Pipeline, base: str) -> Sentence:
    """The new places the homes in development provide, and those withdrawn proposals leave to
    be replaced (para 43: "an alternative to be found for Tickhill")."""
    return say(
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


def _managers(pipe: Pipeline, base: str) -> Sentence | None:
    """The homes in development still without a registered manager (None when none is)."""
    if not pipe.managers_to_recruit:
        return None
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
        return say(
            ("The home" if pipe.homes_in_development == 1 else "All {n} homes")
            + " in development still "
            + ("needs" if pipe.homes_in_development == 1 else "need")
            + " a registered manager.",
            **({} if pipe.homes_in_development == 1 else {"n": n}),
        )
    return say(
        "{k} of the {n} homes in development still "
        + ("needs" if pipe.managers_to_recruit == 1 else "need")
        + " a registered manager.",
        k=k,
        n=n,
    )


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
        n = cited_text(f"{ref}/name", c.name)
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
