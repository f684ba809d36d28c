"""The derived tables of the adoption, OC2 and OC3 rules (`quality/rules/ssda903/derived_b.py`)
are built from the tables a run has, and a rule reading a column taken from another table
(`rule(reads=...)`) runs only where that table has rows, as its statement did.

Collection year 2023-24. Child A, born 1 June 2005 (18 at 1 April 2023), has an OC2 row with
an SDQ score (row 1) and a Header row; the return has no episodes. Rule 189 (SDQ given for a
child 17 before 1 April) reads the Header's DOB through `oc2_b` and flags row 1; rule 185 (SDQ
score given for a child not looked after continuously) reads the episodes through `oc2_b`'s
`cla`: with no episode rows it is not run (it would otherwise flag row 1, as no episode means
not looked after), and `oc2_b` is built without `cla` (the run has no episodes table).
"""

from __future__ import annotations

from test_quality_rules_903 import H, child
from test_quality_rules_903_oc2 import OC2, oc2

from csc_scorecard.quality.fixtures import run_on
from csc_scorecard.quality.rules import get


def test_a_rule_reading_another_table_through_a_derived_table_runs_only_where_it_has_rows():
    tables = {H: [child("A", dob="2005-06-01")], OC2: [oc2("A", sdq_score=12)]}
    result = run_on(tables, ["189", "185"])
    faults = result.faults
    assert list(zip(faults["rule"].to_pylist(), faults["row"].to_pylist(), strict=True)) == [
        ("189", 1)
    ]
    assert [r.code for r in result.rules_run] == ["189"]
    assert [(n.codes, n.reason) for n in result.not_run] == [
        (["185"], "no cla_episodes (episodes) rows")
    ]


def test_the_rules_reading_derived_tables_read_what_their_statements_read():
    assert get("ssda903", "189").needs == ("header", "oc2")
    assert get("ssda903", "185").needs == ("episodes", "oc2")
    assert get("ssda903", "157").needs == ("episodes", "header", "oc2")
    assert get("ssda903", "559").needs == ("placed", "placed_last")
    assert get("ssda903", "630").needs == ("episodes", "prevperm")
