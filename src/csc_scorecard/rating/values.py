"""Measure values for rating: a plain CSV an analyst can type, or readings from the measures.

Columns (header names are case-insensitive; order is free):

* ``measure`` (required) - a framework item id (``C01``) or a measure catalogue id;
* ``period`` (required) - a quarter ``2022-Q1``, a month ``2022-06`` or another kind of
  ``model.periods.parse_period``;
* ``value`` (required, may be blank) - the figure as printed: ``90%``, ``16.27%``, ``1,182``,
  ``124 per 100,000 of 10-17 year olds``, ``<1%``;
* ``commentary``, ``numerator``, ``denominator`` (optional);
* ``status`` (optional) - ``not_reportable`` when the figure exists but its data quality has
  not been assured, or ``not_available``; blank otherwise.

How a value is read (``parse_value``):

* a number with an optional unit word: ``%``, ``per 10,000 ...``, ``per 100,000 ...``,
  ``days``, ``weeks``, or a leading ``£``; percentages are percentage points (``90%`` is 90);
* ``<1%`` / ``>95%`` (also ``<=``, ``≤``, ``>=``, ``≥``): the value is known only to lie below
  (above) the bound. It is kept as a bound, never as a made-up number: the item is rated only
  when every value the bound allows gets the same rating (``rag.rate_range``), otherwise it
  is not available with that reason;
* DfE's and the GSS's published symbols (standards.md §6.4), bare or in brackets (``[c]``):
  ``c``, ``x``, ``z``, ``u``, ``:``, ``~``, ``-``, ``..`` and ``n/a`` are not available with
  their meaning as the reason; ``k`` ("rounds to 0% but is not zero") is read as ``<0.5%`` and
  ``low`` (the same, in any unit) as ``<0.5``;
* ``per cent`` and ``percent`` name the percentage unit as ``%`` does. A bare fraction such as
  ``0.9`` for a percentage item is read as 0.9% and the rating carries a warning (did you mean
  90%?);
* blank, or text that is not a number in a unit (``1 child``, ``4 children``), is not
  available; the raw text is kept for the report.

The file is read as the local templates are (`ingest.formats.csv_rows`, UTF-8 only). A file
that cannot be read as this format (missing or unknown columns, an unreadable period,
a numerator that is not a number, the same measure twice in one period) is refused with a
``ValuesFileError`` naming the file, row and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from csc_scorecard.ingest.formats.csv_rows import csv_rows
from csc_scorecard.model.batch import FormatError
from csc_scorecard.model.periods import Period, parse_period
from csc_scorecard.model.units import Unit
from csc_scorecard.rating.vocabulary import Status

REQUIRED_COLUMNS = ("measure", "period", "value")
OPTIONAL_COLUMNS = ("commentary", "numerator", "denominator", "status")

_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+"
_VALUE = re.compile(
    rf"^(?P<qualifier><=|>=|<|>|≤|≥)?\s*(?P<pound>£)?\s*(?P<number>{_NUMBER})"
    rf"\s*(?P<rest>.*)$",
    re.DOTALL,
)
_RATE = re.compile(r"^per\s+(?P<base>100,?000|10,?000)\b")
_WORD_UNITS = {
    "%": Unit.PERCENT,
    "per cent": Unit.PERCENT,
    "percent": Unit.PERCENT,
    "day": Unit.DAYS,
    "days": Unit.DAYS,
    "working days": Unit.DAYS,
    "week": Unit.WEEKS,
    "weeks": Unit.WEEKS,
}
_SYMBOLS = {  # DfE and GSS suppression and availability symbols, standards.md §6.4
    "c": "suppressed (c)",
    "x": "not available (x)",
    "z": "not applicable (z)",
    ":": "not available (:)",
    "~": "not available (~)",
    "-": "not available (-)",
    "..": "not available (..)",
    "n/a": "not applicable (n/a)",
    "na": "not applicable (na)",
    "u": "low reliability (u)",
}
# "Rounds to zero but is not zero": DfE's older k, the GSS's current [low]. Read as the bound
# "< 0.5", never as a made-up number.
_BELOW_HALF = {"k", "low"}


class ValuesFileError(ValueError):
    """A values file that cannot be read; the message names the file, row and field."""


@dataclass(frozen=True)
class ParsedValue:
    value: float | None = None  # the exact value, when there is one
    qualifier: Literal["<", ">"] | None = None  # value lies below / above `bound`
    bound: float | None = None
    unit_hint: Unit | None = None  # the unit the text names, if any
    problem: str | None = None  # why there is no usable value


def parse_value(text: str | float | None) -> ParsedValue:
    """Read a value as printed in a report.

    >>> parse_value("16.27%")
    ParsedValue(value=16.27, qualifier=None, bound=None, unit_hint=<Unit.PERCENT: 'percent'>, problem=None)
    >>> parse_value("124 per 100,000 of 10-17 year olds").value
    124.0
    >>> p = parse_value("<1%"); (p.value, p.qualifier, p.bound)
    (None, '<', 1.0)
    >>> parse_value("4 children").problem
    "'4 children' is not a number"
    >>> parse_value("").problem, parse_value("c").problem
    ('no value', 'suppressed (c)')
    """
    if text is None:
        return ParsedValue(problem="no value")
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return ParsedValue(value=float(text))
    raw = str(text).strip()
    if not raw:
        return ParsedValue(problem="no value")
    symbol = raw.lower().removeprefix("[").removesuffix("]")  # GSS brackets: [c], [low]
    if symbol in _SYMBOLS:
        return ParsedValue(problem=_SYMBOLS[symbol])
    if symbol in _BELOW_HALF:
        return ParsedValue(
            qualifier="<", bound=0.5, unit_hint=Unit.PERCENT if symbol == "k" else None
        )
    match = _VALUE.match(raw)
    unit = _unit_named(match.group("rest"), bool(match.group("pound"))) if match else None
    if match is None or unit is False:
        return ParsedValue(problem=f"{raw!r} is not a number")
    number = float(match.group("number").replace(",", ""))
    hint = unit if isinstance(unit, Unit) else None
    qualifier = match.group("qualifier")
    if qualifier:
        return ParsedValue(
            qualifier="<" if qualifier in ("<", "<=", "≤") else ">", bound=number, unit_hint=hint
        )
    return ParsedValue(value=number, unit_hint=hint)


def _unit_named(rest: str, pound: bool) -> Unit | None | Literal[False]:
    """The unit named by the text after the number; False when the text is not a unit."""
    rest = " ".join(rest.lower().split())
    if pound:
        return Unit.GBP if not rest else False
    if not rest:
        return None
    if rate := _RATE.match(rest):
        return Unit.RATE_PER_100000 if rate.group("base").startswith("100") else Unit.RATE_PER_10000
    return _WORD_UNITS.get(rest, False)


def parse_number(text: str | None) -> float | None:
    """A plain number such as ``1,182`` or ``53``; None when blank; ValueError otherwise."""
    if text is None or not text.strip():
        return None
    if not re.fullmatch(_NUMBER, text.strip()):
        raise ValueError(f"{text!r} is not a number")
    return float(text.strip().replace(",", ""))


class Reading(BaseModel):
    """One measure's value for one period, as the rating layer consumes it.

    The measures layer can build these directly with ``make_reading``; the CSV reader does.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: str
    period: str  # canonical quarter, e.g. "2022-Q1"
    raw: str  # the value as written ("" when blank)
    value: float | None = None
    qualifier: Literal["<", ">"] | None = None
    bound: float | None = None
    unit_hint: Unit | None = None
    problem: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    commentary: str | None = None
    status: Literal[Status.NOT_AVAILABLE, Status.NOT_REPORTABLE] | None = None
    row: int | None = None  # row in the source file (header = row 1)


def make_reading(
    measure: str,
    period: str | Period,
    value: str | float | None,
    *,
    numerator: float | None = None,
    denominator: float | None = None,
    commentary: str | None = None,
    status: Status | str | None = None,
    row: int | None = None,
) -> Reading:
    """Build a ``Reading`` from a value as printed or as computed.

    >>> r = make_reading("C01", "2022-Q1", "90%")
    >>> r.value, r.unit_hint.value, r.period
    (90.0, 'percent', '2022-Q1')
    """
    parsed = parse_value(value)
    status = _parse_status(status)
    return Reading(
        measure=measure.strip(),
        period=str(parse_period(str(period))),
        raw="" if value is None else str(value).strip(),
        value=parsed.value,
        qualifier=parsed.qualifier,
        bound=parsed.bound,
        unit_hint=parsed.unit_hint,
        problem=parsed.problem,
        numerator=numerator,
        denominator=denominator,
        commentary=(commentary or "").strip() or None,
        status=status,
        row=row,
    )


def _parse_status(status: Status | str | None) -> Status | None:
    if status is None or not str(status).strip():
        return None
    key = re.sub(r"[\s-]+", "_", str(status).strip().lower())
    if key not in (Status.NOT_AVAILABLE, Status.NOT_REPORTABLE):
        raise ValueError(f"status {status!r} must be blank, not_available or not_reportable")
    return Status(key)


def read_values(path: str | Path) -> list[Reading]:
    """Read a values CSV (UTF-8, an Excel byte-order mark is fine) into readings."""
    path = Path(path)
    try:
        first, rows = csv_rows(path, ("utf-8-sig",))
    except OSError as error:
        raise ValuesFileError(f"{path}: cannot read values file: {error}") from error
    except FormatError as error:
        raise ValuesFileError(f"{path}: cannot read values file: {error.reason}") from None
    if first is None:
        raise ValuesFileError(
            f"{path}: empty file; expected a header {', '.join(REQUIRED_COLUMNS)}"
        )
    header = [name.strip().lower() for name in first]
    _check_header(path, header)
    readings: list[Reading] = []
    first_row: dict[tuple[str, str], int] = {}
    for number, cells in rows:
        if len(cells) > len(header):
            raise ValuesFileError(
                f"{path}: row {number}: {len(cells)} cells, header has {len(header)}"
            )
        record = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
        reading = _reading(path, number, record)
        key = (reading.measure, reading.period)
        if key in first_row:
            raise ValuesFileError(
                f"{path}: rows {first_row[key]} and {number} both give "
                f"{reading.measure} for {reading.period}"
            )
        first_row[key] = number
        readings.append(reading)
    return readings


def _check_header(path: Path, header: list[str]) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if missing or unknown or repeated:
        problems = [
            f"missing column(s) {', '.join(missing)}" if missing else "",
            f"unknown column(s) {', '.join(unknown)}" if unknown else "",
            f"repeated column(s) {', '.join(repeated)}" if repeated else "",
        ]
        raise ValuesFileError(
            f"{path}: row 1: {'; '.join(p for p in problems if p)} "
            f"(columns: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)})"
        )


def _reading(path: Path, number: int, record: dict[str, str]) -> Reading:
    def fail(field: str, message: str) -> ValuesFileError:
        return ValuesFileError(f"{path}: row {number}, field {field}: {message}")

    if not record["measure"].strip():
        raise fail("measure", "blank")
    counts: dict[str, float | None] = {}
    for field in ("numerator", "denominator"):
        try:
            counts[field] = parse_number(record.get(field))
        except ValueError as error:
            raise fail(field, str(error)) from None
    try:
        period = parse_period(record["period"])
    except ValueError as error:
        raise fail("period", str(error)) from None
    try:
        status = _parse_status(record.get("status"))
    except ValueError as error:
        raise fail("status", str(error)) from None
    return make_reading(
        record["measure"],
        period,
        record["value"],
        commentary=record.get("commentary"),
        status=status,
        row=number,
        **counts,
    )
