"""Parsing single raw values the way real extracts write them.

Each parser returns the typed value, or raises `BadValue` with a rule name; the caller keeps the
row and records the raw text as a data-quality issue. `None` means the cell was blank ("",
"null", "none", "n/a", "na", and "nan" except in a numeric field, where it is a bad value).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

BLANKS = {"", "null", "none", "nan", "n/a", "na"}
TRUE = {"true", "1", "y", "yes", "t", "1.0"}
FALSE = {"false", "0", "n", "no", "f", "0.0"}
EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (it counts the fictional 29 Feb 1900)
PLAUSIBLE_YEARS = (1900, 2100)

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: [\d:.]+)?$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")


class BadValue(ValueError):
    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(message)


def _number_text(raw: object) -> str | None:
    """`clean` for a numeric field, where a typed 'NaN' is a bad value, not a blank: a text
    field keeps reading it as blank, as spreadsheet exports write it; a number that says it is
    not a number is recorded (issue 13, item 9).

    >>> _number_text(" 12 "), _number_text("n/a")
    ('12', None)
    >>> _number_text("NaN")
    Traceback (most recent call last):
    csc_scorecard.ingest.values.BadValue: 'NaN' is not a number
    """
    if isinstance(raw, str) and raw.strip().lower() == "nan":
        raise BadValue("invalid_number", f"{raw.strip()!r} is not a number")
    return clean(raw)


def clean(raw: object) -> str | None:
    """Text of a cell with surrounding space removed; None for a blank cell."""
    if raw is None:
        return None
    if isinstance(raw, float) and math.isnan(raw):  # NaN from spreadsheet readers
        return None
    text = str(raw).strip().lstrip("\ufeff")
    return None if text.lower() in BLANKS else text


def parse_date(raw: object) -> date | None:
    """DD/MM/YYYY (903, Annex A), YYYY-MM-DD (CIN XML), Excel serials and date objects.

    >>> parse_date("05/04/2022"), parse_date("2022-04-05"), parse_date("44656")
    (datetime.date(2022, 4, 5), datetime.date(2022, 4, 5), datetime.date(2022, 4, 5))
    """
    if isinstance(raw, datetime):
        return _plausible(raw.date())
    if isinstance(raw, date):
        return _plausible(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _from_serial(float(raw))
    text = clean(raw)
    if text is None:
        return None
    if m := _DMY.match(text):
        return _plausible(_real_date(text, int(m[3]), int(m[2]), int(m[1])))
    if m := _ISO.match(text):
        return _plausible(_real_date(text, int(m[1]), int(m[2]), int(m[3])))
    if _SERIAL.match(text):
        return _from_serial(float(text))
    raise BadValue("invalid_date", f"{text!r} is not a date (expected DD/MM/YYYY or YYYY-MM-DD)")


def _real_date(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue("invalid_date", f"{text!r} is not a real calendar date") from None


def _from_serial(serial: float) -> date:
    if not 1 <= serial < 80000:
        raise BadValue("invalid_date", f"{serial!r} is not an Excel date serial")
    return _plausible(EXCEL_EPOCH + timedelta(days=int(serial)))


def _plausible(d: date) -> date:
    if not PLAUSIBLE_YEARS[0] <= d.year <= PLAUSIBLE_YEARS[1]:
        raise BadValue("implausible_date", f"{d.isoformat()} is outside {PLAUSIBLE_YEARS}")
    return d


def parse_bool(raw: object) -> bool | None:
    """true/false, 1/0, Y/N, yes/no in any case.

    >>> parse_bool("TRUE"), parse_bool("0"), parse_bool(" ")
    (True, False, None)
    """
    if isinstance(raw, bool):
        return raw
    text = clean(raw)
    if text is None:
        return None
    low = text.lower()
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    raise BadValue("invalid_boolean", f"{text!r} is not a yes/no value")


INT_RANGE = (-(2**31), 2**31 - 1)  # the store's INTEGER


def parse_int(raw: object) -> int | None:
    """A whole number within the store's 32-bit INTEGER.

    >>> parse_int("1,182"), parse_int("12.0")
    (1182, 12)
    >>> parse_int("1e400")
    Traceback (most recent call last):
    csc_scorecard.ingest.values.BadValue: '1e400' is not a finite number
    """
    text = _number_text(raw)
    if text is None:
        return None
    number = parse_float(text)
    if number != int(number):
        raise BadValue("invalid_number", f"{text!r} is not a whole number")
    if not INT_RANGE[0] <= number <= INT_RANGE[1]:
        raise BadValue("out_of_range", f"{text!r} is too large for a whole-number field")
    return int(number)


def parse_float(raw: object) -> float | None:
    """A finite number ("£1,250.50" reads as 1250.5); infinity and NaN are refused, not loaded.

    >>> parse_float("£1,250.50")
    1250.5
    >>> parse_float("-inf")
    Traceback (most recent call last):
    csc_scorecard.ingest.values.BadValue: '-inf' is not a finite number
    """
    if isinstance(raw, float) and not math.isnan(raw) and not math.isfinite(raw):
        raise BadValue("invalid_number", f"{raw!r} is not a finite number")
    text = _number_text(raw)
    if text is None:
        return None
    try:
        number = float(text.replace(",", "").replace("£", ""))
    except ValueError:
        raise BadValue("invalid_number", f"{text!r} is not a number") from None
    if not math.isfinite(number):
        raise BadValue("invalid_number", f"{text!r} is not a finite number")
    return number


def parse_text(raw: object) -> str | None:
    """Trimmed text; whole-number floats from spreadsheets lose their '.0' (codes like 6, 10)."""
    if isinstance(raw, float) and raw == int(raw):
        return str(int(raw))
    return clean(raw)


PARSERS = {
    "text": parse_text,
    "date": parse_date,
    "bool": parse_bool,
    "int": parse_int,
    "float": parse_float,
}
