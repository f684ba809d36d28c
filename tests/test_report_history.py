"""History and revisions (issue 16 item 6): every report's published figures are kept in the
store; a past quarter's figure that has changed since an earlier report published it is said in
the next report; a report built as at a date reproduces the report built that day exactly."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest
import report_fixtures as rf

from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.report import history
from csc_scorecard.report.context import build_context
from csc_scorecard.store import Store


@pytest.fixture()
def store(tmp_path):
    path = tmp_path / "report.duckdb"
    shutil.copy(rf.store_path(), path)
    with Store(path) as db:
        yield db


def _context(db, **options):
    return build_context(
        db,
        rf.LA,
        rf.PERIOD,
        framework=rf.FRAMEWORK,
        synthetic=True,
        generated_at=rf.GENERATED_AT,
        allow_commentary_numbers=True,
        **options,
    )


def test_a_report_keeps_what_it_published(store):
    ctx = rf.report_context()
    report = history.report_id(rf.LA, rf.PERIOD, rf.GENERATED_AT, False)
    assert report == "371-2022-Q1-internal-20220908T090000"
    n = history.record(
        store, report, rf.LA, rf.PERIOD, rf.GENERATED_AT, ctx.figures.values(), publication=False
    )
    headline = [f for f in ctx.figures.values() if f.dimension is None]
    assert n == len(headline) > 50
    referrals = ctx.figures[f"referrals:{rf.PERIOD}"]
    assert store.con.execute(
        "SELECT as_at, value, display, status FROM published_figures "
        "WHERE report_id = ? AND measure = 'referrals' AND period = ?",
        [report, rf.PERIOD],
    ).fetchall() == [(datetime(2022, 9, 8, 9, 0), referrals.value, referrals.display, "ok")]
    # Recorded again, the report's rows are replaced, not doubled.
    assert (
        history.record(
            store,
            report,
            rf.LA,
            rf.PERIOD,
            rf.GENERATED_AT,
            ctx.figures.values(),
            publication=False,
        )
        == n
    )
    assert store.con.execute(
        "SELECT count(*) FROM published_figures WHERE report_id = ?", [report]
    ).fetchall() == [(n,)]


def test_a_revised_figure_is_said_in_the_next_report(store):
    ctx = rf.report_context()
    previous = ctx.figures["rereferrals_within_12_months:2021-Q4"]
    assert previous.status == "ok" and previous.display != "5%"
    # The Q4 report published 5% for Q4; the data loaded since gives another figure.
    history.record(
        store,
        "371-2021-Q4-internal-20220610T090000",
        rf.LA,
        "2021-Q4",
        datetime(2022, 6, 10, 9, 0, tzinfo=UTC),
        [previous.model_copy(update={"value": 5.0, "display": "5%"})],
        publication=False,
    )
    revised = _context(store, run=rf.measure_run())
    assert [(r.measure, r.period, r.published_display, r.display) for r in revised.revisions] == [
        ("rereferrals_within_12_months", "2021-Q4", "5%", previous.display)
    ]
    quality = next(s for s in revised.sections if s.id == "data_quality")
    said = quality.paragraphs[-1].text
    assert said == (
        "Q4 2021/22's figure for re-referrals within 12 months (quarter) has been revised from "
        f"5%, as published in the Q4 2021/22 report, to {previous.display} with the data loaded "
        "and checked since."
    )
    # Every number in the sentence is cited from the context's revisions.
    assert {c.ref for c in quality.paragraphs[-1].sentences[0].cites} >= {
        "/revisions/0/published_display",
        "/revisions/0/display",
    }
    # A figure published as it stands now is no revision.
    assert (
        history.revisions(store, rf.LA, rf.PERIOD, {"x": previous}, {})[0].published_display == "5%"
    )


def test_a_report_as_at_a_date_is_reproduced_exactly(store, tmp_path):
    before = _context(store).model_dump_json()
    built = datetime.now(UTC)
    # More is loaded afterwards: a late figure from outside the case system.
    rows = pa.table(
        {
            "la_code": [rf.LA],
            "measure": ["C09"],
            "period": ["2022-Q2"],
            "value": [100.0],
            "value_text": ["100%"],
            "source": ["Regional adoption agency"],
        }
    )
    store.load(
        [
            LoadBatch(
                "template:manual_values:late",
                rf.LA,
                None,
                None,
                ["manual_values_late.csv"],
                tables={"manual_values": rf._canonical("manual_values", rows.to_pylist())},
            )
        ]
    )
    after = _context(store).model_dump_json()
    assert after != before  # the later load shows (in the provenance at least)
    with history.as_at_store(store, built, tmp_path / "asat" / store.path.name) as then:
        again = _context(then).model_dump_json()
    assert again == before


def test_comparator_years_are_kept_only_once_published():
    rows = pa.table(
        {
            "measure": ["cla_rate_per_10000"] * 2 + ["agency_fte_rate"] * 2,
            "year": [2021, 2022, 2021, 2022],
        }
    )
    kept = history._published_years(rows, date(2022, 9, 8), {"agency_fte_rate"})
    # CLA 2021/22 figures come out in November 2022; the September 2021 census in March 2022.
    assert list(zip(kept["measure"].to_pylist(), kept["year"].to_pylist())) == [
        ("cla_rate_per_10000", 2021),
        ("agency_fte_rate", 2021),
    ]
    assert history.published_by(2022) == date(2022, 11, 1)
    assert history.published_by(2021, census=True) == date(2022, 3, 1)
