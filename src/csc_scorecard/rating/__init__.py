"""Rating: RAG against target and tolerance, direction of travel, summary counts.

Pure functions over numbers and a framework file; no store needed. ``docs/rating.md`` is the
user guide. The public API:

* ``load_framework(path) -> Framework`` - a framework YAML, strictly validated;
* ``read_values(path) -> list[Reading]`` and ``make_reading(...)`` - values to rate;
* ``rate_item(item, reading, period) -> Rating`` - THE rating of one item's value, used by every
  output (``scorecard measures``, ``scorecard rate``, the report, the dashboard); it rates the
  published value, ``published(value, unit, decimals)``: rounded half up to the item's precision;
* ``rate(value, target, tolerance, polarity) -> Rag | None`` and ``rate_range(...)``;
* ``direction(current, previous, polarity, *, band=None, unchanged_within=0.0)``;
* ``summarise(statuses) -> Summary`` and ``describe(summary)``;
* ``rate_framework(framework, readings, period) -> FrameworkResult`` - all of the above.
"""

from csc_scorecard.model.periods import Quarter
from csc_scorecard.model.units import Polarity, Unit
from csc_scorecard.numbers import published
from csc_scorecard.rating.assess import rate_framework, rate_item
from csc_scorecard.rating.direction import (
    DEFAULT_SMALL_NUMBER_THRESHOLD,
    direction,
    is_small_number,
)
from csc_scorecard.rating.display import format_target, format_value
from csc_scorecard.rating.framework import Framework, FrameworkError, Group, Item, load_framework
from csc_scorecard.rating.rag import check_thresholds, rate, rate_range
from csc_scorecard.rating.results import (
    Comparison,
    FrameworkResult,
    GroupResult,
    ItemResult,
    Rating,
)
from csc_scorecard.rating.summary import Summary, describe, summarise
from csc_scorecard.rating.values import (
    Reading,
    ValuesFileError,
    make_reading,
    parse_value,
    read_values,
)
from csc_scorecard.rating.vocabulary import Band, Direction, Rag, Status

__all__ = [
    "DEFAULT_SMALL_NUMBER_THRESHOLD",
    "Band",
    "Comparison",
    "Direction",
    "Framework",
    "FrameworkError",
    "FrameworkResult",
    "Group",
    "GroupResult",
    "Item",
    "ItemResult",
    "Polarity",
    "Quarter",
    "Rag",
    "Rating",
    "Reading",
    "Status",
    "Summary",
    "Unit",
    "ValuesFileError",
    "check_thresholds",
    "describe",
    "direction",
    "format_target",
    "format_value",
    "is_small_number",
    "load_framework",
    "make_reading",
    "parse_value",
    "published",
    "rate",
    "rate_framework",
    "rate_item",
    "rate_range",
    "read_values",
    "summarise",
]
