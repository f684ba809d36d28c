"""A framework checked against the measure catalogue and the store's authority.

A framework file can be valid on its own and still wrong for the data: a misspelt measure id
would show as "Not available: no value", which reads like a real gap in the data; a per-10,000
rate declared as a percent would print "377.2" against "375.5%"; a framework written for
another authority would rate someone else's targets. ``check_framework`` finds these, naming
the item and the field: the ones that make every figure wrong are errors (refused), an id the
catalogue does not hold is a warning (it may be a local measure filled by manual values) unless
it is one letter or two away from a catalogue id, when it is taken for a typo and refused.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from csc_scorecard.rating.framework import PUBLISHED_COMPARATORS, Framework, FrameworkError, Item


@dataclass(frozen=True)
class FrameworkCheck:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def raise_errors(self, source: str) -> None:
        """Raise ``FrameworkError`` listing every error, if there is any."""
        if self.errors:
            raise FrameworkError(
                f"{source}: framework does not fit the data\n"
                + "\n".join(f"  {e}" for e in self.errors)
            )


def check_framework(
    framework: Framework,
    units: Mapping[str, str] | None = None,
    *,
    la_code: str | None = None,
) -> FrameworkCheck:
    """Check item measure ids and units against the catalogue (``units``: measure id -> unit;
    default the measure catalogue's) and the framework's ``la_code`` against ``la_code``."""
    if units is None:
        from csc_scorecard.measures.catalogue import catalogue

        units = {m.id: m.unit for m in catalogue().values()}
    errors: list[str] = []
    warnings: list[str] = []
    if la_code is not None and framework.la_code is not None and framework.la_code != la_code:
        errors.append(
            f"la_code: the framework is for authority {framework.la_code} "
            f"({framework.authority}) but the store's authority is {la_code}"
        )
    ids = {item.id for item in framework.all_items()}
    for item in framework.all_items():
        for operand in item.operands:
            if operand not in units and operand not in ids:
                close = difflib.get_close_matches(operand, units, n=1, cutoff=0.9)
                (errors if close else warnings).append(
                    f"{item.id}.derived.of: {operand!r} is neither a catalogue measure nor an "
                    + (
                        f"item id; did you mean {close[0]!r}?"
                        if close
                        else "item id; it can only come from manual values supplied under that id"
                    )
                )
        if item.measure is None:
            continue
        if item.measure not in units:
            close = difflib.get_close_matches(item.measure, units, n=1, cutoff=0.9)
            if close:
                errors.append(
                    f"{item.id}.measure: {item.measure!r} is not in the measure catalogue; "
                    f"did you mean {close[0]!r}?"
                )
            else:
                warnings.append(
                    f"{item.id}.measure: {item.measure!r} is not in the measure catalogue; "
                    f"{item.id} shows only manual values supplied under {item.id} or "
                    f"{item.measure}"
                )
        elif units[item.measure] != item.unit.value:
            errors.append(
                f"{item.id}.unit: {item.unit.value!r}, but measure {item.measure} is counted "
                f"in {units[item.measure]!r}"
            )
        else:
            warnings.extend(_off_footing(item, units))
    return FrameworkCheck(errors=errors, warnings=warnings)


def _off_footing(item: Item, units: Mapping[str, str]) -> list[str]:
    """An item that asks for DfE's published figures beside a measure counted over a shorter
    window than DfE's year: the measure carries none (issue 18), so the comparator would be
    blank and a target relative to it unset. Its rolling 12-month variant (``ID_rolling_12_
    months``, where the catalogue has one) is the figure on DfE's footing."""
    year = f"{item.measure}_rolling_12_months"
    if year not in units:
        return []
    return [
        f"{item.id}.comparators: {c.id} is DfE's published figure for a year, but "
        f"{item.measure} is counted over a shorter window and carries none; name {year} "
        f"(the 12 months to the period's end) to compare on DfE's footing"
        for c in item.comparators
        if c.id in PUBLISHED_COMPARATORS and c.value is None
    ]
