"""The report reads each measure's results once per run (issue 14): one `measure_run` for the
report's quarters, and no section, chart or table asks the store or the engine for a measure
again. Counted here on the fixture authority, building the context from nothing (no ``run``
given), as `scorecard report` does."""

from __future__ import annotations

from collections import Counter

import report_fixtures as rf

from csc_scorecard.measures import results
from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.report.context import build_context
from csc_scorecard.store import Store


def test_each_measure_is_read_and_computed_at_most_once_per_report(monkeypatch):
    reads: Counter[tuple[str, str]] = Counter()  # (authority, measure) asked of the results
    computed: Counter[tuple[str, str, str]] = Counter()  # (authority, measure, quarter) counted
    resolve, count = results._resolve, results.counted_rows

    def counting_resolve(store, la_codes, quarters, measures, settings):
        reads.update((la, m) for la in la_codes for m in measures)
        return resolve(store, la_codes, quarters, measures, settings)

    def counting_rows(store, la_codes, quarters, measures, settings, **kw):
        computed.update((la, m, str(q)) for la in la_codes for m in measures for q in quarters)
        return count(store, la_codes, quarters, measures, settings, **kw)

    monkeypatch.setattr(results, "_resolve", counting_resolve)
    monkeypatch.setattr(results, "counted_rows", counting_rows)
    with Store(rf.store_path(), read_only=True) as store:
        context = build_context(
            store,
            rf.LA,
            rf.PERIOD,
            framework=rf.FRAMEWORK,
            synthetic=True,
            generated_at=rf.GENERATED_AT,
            allow_commentary_numbers=True,
        )
    counted = {m.id for m in catalogue().values() if not m.manual}
    assert set(reads) == {(rf.LA, m) for m in counted}  # every counted measure, this authority
    assert [pair for pair, n in reads.items() if n > 1] == []  # and each of them once
    assert [key for key, n in computed.items() if n > 1] == []  # computed at most once each
    assert context.figures  # the report was built from them
