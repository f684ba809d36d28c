"""The figures register: every number the finance section prints, by id, with a citable value.

Sentences cite figures by JSON pointer into the section (`wording.say`), so `Figures.add` both
records the figure and hands back the `Cited` value to slot into a sentence. Publication mode
(design.md, "Privacy and security") prints counts of children from 1 to 5 as "c".
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from csc_scorecard import numbers
from csc_scorecard.report.sections.finance.section_model import FinanceFigure, FinanceUnit
from csc_scorecard.wording import Cited


class Figures:
    """Collects figures and hands back citable values for sentences."""

    def __init__(self, scenario: str, publication: bool) -> None:
        self.scenario = scenario
        self.publication = publication
        self.items: dict[str, FinanceFigure] = {}

    def add(
        self,
        fid: str,
        label: str,
        value: float | None,
        unit: FinanceUnit,
        *,
        line: str | None = None,
        group: str | None = None,
    ) -> Cited:
        display = "" if value is None else _display(value, unit)
        status: Literal["ok", "suppressed"] = "ok"
        from csc_scorecard.report.publication import PublicationRules, is_small

        if self.publication and unit == "count" and is_small(value, PublicationRules()):
            value, display, status = None, "c", "suppressed"
        self.items[fid] = FinanceFigure(
            id=fid,
            label=label,
            value=value,
            unit=unit,
            display=display,
            scenario=self.scenario,
            status=status,
            line=line,
            group=group,
        )
        return Cited(display, f"/figures/{_pointer(fid)}/value", value)


def _pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _display(value: float, unit: FinanceUnit) -> str:
    match unit:
        case "gbp":
            return numbers.millions(value)
        case "gbp_per_year":
            return numbers.thousands(value)
        case "gbp_per_week":
            return numbers.weekly(value)
        case "gbp_per_night":
            return numbers.pounds(value)
        case "share":
            return numbers.percent(value)
        case "fte":
            return numbers.number(value, 1)
        case _:
            return numbers.number(value)


def cited_date(d: date, shown: str, ref: str) -> Cited:
    """A date as printed, citing the ISO date stored at `ref`."""
    return Cited(shown, ref, d.isoformat())


def cited_text(value: str, ref: str) -> Cited:
    return Cited(value, ref, value)


def over_or_under(v: float) -> str:
    return "overspend" if v >= 0 else "underspend"
