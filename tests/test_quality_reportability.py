"""DfE-rule faults decide whether a measure is reportable (measures.availability, measures.rule_impact).

Hand-worked: three children start care in January 2024 (quarter 2023-Q4) and leave in February.
A and B have a DEC but no REC (C returned home, E4A): rule 148 flags 2 of the quarter's 3 episodes, 67%, above the 10%
threshold, so `cla_ceases_quarter` (which reads cla_episodes.dec/rec/ls) is not reportable and
names 148 with its count. `cla_ceases_quarter` with a 70% threshold is reportable. A measure
that reads no field 148 checks (`referrals_quarter`) is not affected.
"""

from __future__ import annotations

from datetime import date

import ibis

from csc_scorecard.measures.availability import not_reportable, rule_quality
from csc_scorecard.measures.catalogue import measure
from csc_scorecard.measures.context import Context, Settings
from csc_scorecard.measures.rule_impact import measures_by_rule, rules_for
from csc_scorecard.model.periods import Quarter
from csc_scorecard.quality.fixtures import batch
from csc_scorecard.store import Store


def ep(child, rec):
    """An episode of January-February 2024 in foster care, placed in Doncaster from a home
    there (real postcodes) with an Ofsted URN, so no rule but 148 has anything to flag."""
    return {
        "child_id": child, "decom": date(2024, 1, 10), "dec": date(2024, 2, 10), "rec": rec,
        "rne": "S", "ls": "C2", "place": "U1", "place_provider": "PR1",
        "home_post": "DN1 1BE", "pl_post": "DN1 3BU", "urn": "SC123456",
    }  # fmt: skip


def context(store: Store, **settings) -> Context:
    return Context(
        ibis.duckdb.from_connection(store.con),
        ["371"],
        [Quarter.parse("2023-Q4")],
        Settings(**settings),
    )


def test_rule_faults_make_a_measure_not_reportable_with_codes_and_counts():
    with Store(":memory:") as store:
        store.load([batch({"cla_episodes": [ep("A", None), ep("B", None), ep("C", "E4A")]})])
        m = measure("cla_ceases_quarter")
        assert "148" in {r.code for r in rules_for(m)}
        [q] = [q for q in rule_quality(context(store), m) if q.period == "2023-Q4"]
        assert (q.rows, q.flagged, q.rules) == (3, 2, (("148", 2),))
        reasons = not_reportable(context(store), m)
        assert reasons == {
            ("371", "2023-Q4"): "DfE rule faults on 67% of cla episodes in the period "
            "(2 of 3 rows): 148 x 2"
        }
        relaxed = context(store, overrides={m.id: {"not_reportable_threshold": 0.7}})
        assert not_reportable(relaxed, m) == {}


def test_a_rule_affects_only_measures_reading_its_fields():
    affected = measures_by_rule()[("ssda903", "148")]
    assert "cla_ceases_quarter" in affected
    assert all("referral" not in m for m in affected)
    assert ("ssda903", "1006") in measures_by_rule()  # missing_type: the missing measures


def test_the_catalogue_can_override_the_derived_rules():
    m = measure("cla_ceases_quarter")
    only = m.model_copy(update={"settings": {**m.settings, "quality_rules": ["388"]}})
    assert [r.code for r in rules_for(only)] == ["388"]
    without = m.model_copy(update={"settings": {**m.settings, "quality_rules_exclude": ["148"]}})
    assert "148" not in {r.code for r in rules_for(without)}


def test_reportability_after_a_load_reads_the_faults_the_load_kept(monkeypatch):
    """`scorecard ingest` keeps the DfE rules' faults (`quality.history.record`) and then works
    out reportability: inside `sharing_kept_faults` the second step reads the faults the first
    kept instead of running every rule again, with the same reasons; outside the block, the
    snapshot `record` kept is read while it is current (tests/test_quality_history_basis.py)."""
    from csc_scorecard.quality import history
    from csc_scorecard.quality.history import kept_faults, record, sharing_kept_faults

    with Store(":memory:") as store:
        store.load([batch({"cla_episodes": [ep("A", None), ep("B", None), ep("C", "E4A")]})])
        m = measure("cla_ceases_quarter")
        expected = not_reportable(context(store), m)
        store.con.execute("DROP TABLE dq_rule_fault_basis")  # as if never checked
        runs = []
        real = history.run_rules
        monkeypatch.setattr(history, "run_rules", lambda *a, **k: runs.append(k) or real(*a, **k))
        with sharing_kept_faults():
            assert record(store.con, ["371"]) == 2
            assert len(runs) == 1  # record's own run
            assert kept_faults(["372"]) is None and kept_faults(["371", "372"]) is None
            assert not_reportable(context(store), m) == expected
            assert len(runs) == 1  # read what record kept
        assert kept_faults(["371"]) is None
        assert not_reportable(context(store), m) == expected
        assert len(runs) == 1  # outside the block: the snapshot record kept


def test_a_dfe_query_does_not_make_a_measure_not_reportable():
    """Hand-worked: two assessments started 10 January 2024 (quarter 2023-Q4), neither
    authorised. 45 working days before the reference date 31 March 2024 is 25 January, so the
    query 8670Q flags both (100% of the quarter's assessments). `assessments_started` told to
    count exactly that query stays reportable: a query asks the authority to check a value and
    does not block the return, so only errors count. The same measure told to count the error
    8896 instead (two open assessments in one episode of need: both) is not reportable."""
    from csc_scorecard.quality.fixtures import run_on

    def ass(child):
        return {"child_id": child, "referral_date": date(2024, 1, 2),
                "start_date": date(2024, 1, 10), "authorised_date": None}  # fmt: skip

    tables = {"assessments": [ass("A"), ass("A")]}
    faults = run_on(tables, ["8670Q"], ret="cin").faults
    assert faults.column("rule").to_pylist() == ["8670Q", "8670Q"]
    assert set(faults.column("severity").to_pylist()) == {"query"}
    with Store(":memory:") as store:
        store.load([batch(tables, ret="cin")])
        m = measure("assessments_started")
        queries = m.model_copy(update={"settings": {**m.settings, "quality_rules": ["8670Q"]}})
        assert {r.severity for r in rules_for(queries)} == {"query"}
        assert rule_quality(context(store), queries) == []
        assert not_reportable(context(store), queries) == {}
        errors = m.model_copy(update={"settings": {**m.settings, "quality_rules": ["8896"]}})
        assert not_reportable(context(store), errors) == {
            ("371", "2023-Q4"): "DfE rule faults on 100% of assessments in the period "
            "(2 of 2 rows): 8896 x 2"
        }
