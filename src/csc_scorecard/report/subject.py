"""What a report is about: its quarters as printed, the authority's name, and the refusal when the
store holds no case data for the authority or none covering the quarter."""

from __future__ import annotations

from csc_scorecard.errors import NotFound
from csc_scorecard.model.periods import Quarter
from csc_scorecard.rating import Framework
from csc_scorecard.report.model import (
    Authority,
    PeriodInfo,
)
from csc_scorecard.store import Store
from csc_scorecard.wording import long_date


def period_info(q: Quarter) -> PeriodInfo:
    return PeriodInfo(
        id=str(q),
        label=q.label,
        short=f"Q{q.quarter}",
        long=f"Quarter {q.quarter}",
        financial_year=f"{q.year}/{(q.year + 1) % 100:02d}",
        start=q.start,
        end=q.end,
        start_text=long_date(q.start),
        end_text=long_date(q.end),
    )


def authority(store: Store, la_code: str, framework: Framework | None) -> Authority:
    """The name from the LA reference table, else the framework's (when it is for this LA)."""
    row = None
    try:
        row = store.con.execute(
            "SELECT la_name, region_name FROM la_codes WHERE la_code = ? ORDER BY last_year DESC NULLS LAST LIMIT 1",
            [la_code],
        ).fetchone()
    except Exception:  # noqa: BLE001 - an older store without reference tables
        row = None
    region = row[1] if row else None
    if framework is not None and framework.la_code in (None, la_code):
        return Authority(la_code=la_code, name=framework.authority, region=region)
    if row and row[0]:
        return Authority(la_code=la_code, name=row[0], region=region)
    return Authority(la_code=la_code, name=f"Local authority {la_code}", region=region)


def check_coverage(store: Store, la_code: str, quarter: Quarter) -> None:
    """Refuse a quarter no loaded data covers, or an authority with no case data loaded (only
    reference data or templates): the report would present nothing as real."""
    if not store.case_load_count(la_code):
        raise NotFound(
            f"the store holds no case data for LA {la_code} (only reference data or templates): "
            "ingest the authority's statutory extracts first"
        )
    span = store.coverage(la_code)
    if span is None:
        raise NotFound(
            f"no data loaded for LA {la_code} carries a date, so the store covers no quarter: "
            "ingest the authority's statutory extracts first"
        )
    if quarter.start > span[1] or quarter.end < span[0]:
        raise NotFound(
            f"the store has no data for {quarter} ({quarter.label}) for LA {la_code}: its "
            f"loaded data cover {span[0]:%d/%m/%Y} to {span[1]:%d/%m/%Y}"
        )
