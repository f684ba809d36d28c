"""A CIN census return's header: the census period's last day and the authority, each checked
against what the caller passed, and the sex element the census year uses.

The census period is ReferenceDate - 1 year + 1 day to ReferenceDate (S2 `make_census_period`);
without a readable ReferenceDate, 31 March of <Year>, then of `year=`, is used and the fallback
recorded. The authority is Header/Source/LEA; `la_code=` is used only when the file has no
usable LEA.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from csc_scorecard.ingest.values import BadValue, clean, parse_date, parse_int
from csc_scorecard.model.batch import FormatError, Issue

# Census 2024-25 replaced GenderCurrent (1/2/0/9) with Sex (M/F/U) (standards.md 2.3).
SEX_FROM_YEAR = 2025
LEA_CODE = re.compile(r"\d{3}")


class CensusHeader:
    """The header's values read into a return, and the issues the return records (mixed into
    the reader, which fills ``header`` while it parses)."""

    path: Path
    file: str
    issues: list[Issue]
    header: dict[str, tuple[str | None, int]]
    sex_elements: Counter[str]

    def issue(self, rule: str, message: str, *, severity: str = "warning", **where: Any) -> None:
        self.issues.append(
            Issue(rule=rule, message=message, file=self.file, severity=severity, **where)
        )

    def header_value(self, name: str, parse) -> Any:
        raw, line = self.header.get(name, (None, 0))
        try:
            return parse(raw)
        except BadValue as bad:
            self.issue(
                bad.rule, f"{name}: {bad}", row=line, field=name, value=raw, severity="error"
            )
            return None

    def census_end(self, year: int | None) -> date:
        """The census period's last day: ReferenceDate, else 31 March of Year or of `year`."""
        end = self.header_value("ReferenceDate", parse_date)
        stated = self.header_value("Year", parse_int)
        line = self.header.get("ReferenceDate", self.header.get("Year", (None, None)))[1]
        if end is None:
            fallback, source = (
                (stated, "<Year>") if stated is not None else (year, "the year given")
            )
            if fallback is None:
                raise FormatError(
                    self.path,
                    "has no readable Header/CollectionDetails/ReferenceDate or Year, so its "
                    "census year is unknown: pass the collection year",
                    field="ReferenceDate",
                )
            end = date(fallback, 3, 31)
            self.issue(
                "reference_date",
                f"no readable ReferenceDate; the census is taken to end on {end} from {source}",
                row=line,
                field="ReferenceDate",
            )
        elif (end.month, end.day) != (3, 31):
            # DfE rule 100: ReferenceDate must be 31 March of the collection year.
            self.issue(
                "reference_date",
                f"ReferenceDate {end} is not 31 March; the census period is taken to end on it",
                row=line,
                field="ReferenceDate",
                value=str(end),
            )
        if stated is not None and stated != end.year:
            self.issue(
                "reference_date",
                f"Year {stated} disagrees with ReferenceDate {end}; ReferenceDate is used",
                row=self.header["Year"][1],
                field="Year",
                value=str(stated),
            )
        return end

    def extracted(self) -> date | None:
        """The day the file was made, Header/Source/DateTime (an in-year census's data end
        there, not at its ReferenceDate); None when it has none."""
        return self.header_value("DateTime", parse_date)

    def authority(self, la_code: str | None) -> str:
        """Header/Source/LEA; `la_code` is used only when the file has no usable LEA."""
        raw, line = self.header.get("LEA", (None, None))
        lea = clean(raw)
        if lea is not None and not LEA_CODE.fullmatch(lea):
            self.issue(
                "invalid_la_code",
                f"LEA {lea!r} is not a 3-digit DfE LA number",
                row=line,
                field="LEA",
                value=lea,
                severity="error",
            )
            lea = None
        if lea is None:
            if la_code is None:
                raise FormatError(
                    self.path,
                    "has no usable Header/Source/LEA: pass the authority's 3-digit LA code",
                    field="LEA",
                )
            return la_code
        if la_code is not None and la_code != lea:
            self.issue(
                "la_code_mismatch",
                f"the file's LEA {lea} differs from the LA code given ({la_code}); LEA {lea} is used",
                row=line,
                field="LEA",
                value=lea,
            )
        return lea

    def check_sex_element(self, end: date) -> None:
        census_year = end.year if end.month <= 3 else end.year + 1
        expected = "Sex" if census_year >= SEX_FROM_YEAR else "GenderCurrent"
        other = "GenderCurrent" if expected == "Sex" else "Sex"
        if self.sex_elements[other]:
            self.issue(
                "schema_year",
                f"{self.sex_elements[other]} children use <{other}>, but the census year ending "
                f"March {census_year} uses <{expected}> (Sex replaced GenderCurrent in 2024-25)",
                table="children",
                field=other,
                column="sex",
            )
