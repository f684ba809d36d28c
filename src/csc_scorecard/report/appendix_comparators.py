"""The comparators an appendix row shows, each labelled with its year, basis and window: the
framework's own, or the published statistical-neighbour, England and regional figures.
"""

from __future__ import annotations

from typing import Literal

from csc_scorecard.model.periods import window_phrase
from csc_scorecard.rating import ItemResult, format_value
from csc_scorecard.rating.framework import OWN_YEAR_EARLIER, Item
from csc_scorecard.report.model import AppendixComparator, Comparator, Figure

# Published comparators an item without its own shows, in this order (the first with a value
# is the headline "Comparator" column): the statistical-neighbour average, England, the region.
_PUBLISHED = (
    ("statistical_neighbours", "Statistical neighbours"),
    ("england", "England"),
    ("region", "Region"),
)


def comparators_of(
    item: ItemResult, spec: Item, found: Comparator | None, year_earlier: Figure | None
) -> list[AppendixComparator]:
    """Every comparator an item shows, each labelled with its year, basis and window: the
    framework's fixed "Comp" figure, then its list of comparators (their values resolved by the
    rating layer; one not published shows blank), or, when the framework gives none, the
    published statistical-neighbour, England and regional figures (``found``)."""
    out = []
    if item.comparator is not None:
        out.append(
            _labelled(
                "comparator",
                item.comparator_label or "Comparator",
                "",
                "",
                "",
                item.comparator,
                format_value(item.comparator, item.unit),
                "framework",
            )
        )
    given = {c.id: c.value for c in spec.comparators}
    for c in item.comparators:
        window = ""
        if c.id == OWN_YEAR_EARLIER and year_earlier is not None:
            window = window_phrase(year_earlier.window_start, year_earlier.window_end)
        elif given.get(c.id) is None and c.value is not None and found is not None:
            # filled from the published data
            window = found.window
        out.append(
            _labelled(c.id, c.label, c.year, c.basis, window, c.value, c.display, "framework")
        )
    if out or found is None:
        return out
    return published_comparators(found)


def published_comparators(found: Comparator) -> list[AppendixComparator]:
    """A measure's published DfE comparators as the appendix prints them (statistical
    neighbours, England, the region; each with its year, basis and window): beside an item
    that gives none of its own, and on the dashboard's page for a measure."""
    out = []
    for key, label in _PUBLISHED:
        value = getattr(found, key)
        if value is not None:
            basis = "DfE published figure"
            if key == "statistical_neighbours":
                model = f", neighbours model {found.sn_model}" if found.sn_model else ""
                basis = f"average of the statistical neighbours' published figures (DfE{model})"
            out.append(
                _labelled(
                    key,
                    label,
                    found.year_label or "",
                    basis,
                    found.window,
                    value,
                    getattr(found, f"{key}_display"),
                    "published",
                )
            )
    return out


def _labelled(
    key: str,
    label: str,
    year: str,
    basis: str,
    window: str,
    value: float | None,
    shown: str,
    source: Literal["framework", "published"],
) -> AppendixComparator:
    """A comparator with its printed heading and note: the one place its label, year, basis and
    window are put into words."""
    return AppendixComparator(
        id=key,
        label=label,
        year=year,
        heading=f"{label} {year}".strip(),
        basis=basis,
        window=window,
        note=", ".join(t for t in (basis, window) if t),
        value=value,
        display=shown,
        source=source,
    )
