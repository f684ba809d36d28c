"""The table of faults by rule (`scorecard validate`/`quality --format table`), counted in
Arrow, is what counting the faults row by row gives."""

from __future__ import annotations

import pyarrow as pa

from csc_scorecard.commands._faults import _by_rule


def _row_by_row(faults: pa.Table) -> list[dict]:
    counts: dict[tuple, dict] = {}
    for r in faults.select(["rule", "return", "child", "message"]).to_pylist():
        c = counts.setdefault(
            (r["return"], r["rule"]), {"n": 0, "children": set(), "message": r["message"]}
        )
        c["n"] += 1
        c["children"].add(r["child"])
    return [
        {"return": ret, "rule": code, "n": c["n"], "children": len(c["children"]),
         "message": c["message"]}
        for (ret, code), c in sorted(counts.items(), key=lambda kv: -kv[1]["n"])
    ]  # fmt: skip


def test_faults_by_rule_counted_columnwise_as_row_by_row():
    # ties in count keep the order rules first appear; no child counts as one child; the
    # message is the rule's first fault's, even when that is blank; the same code in two returns
    rows = [
        ("103", "ssda903", "C1", None),
        ("8500", "cin", None, "m8500"),
        ("103", "ssda903", "C2", "later text"),
        ("2001", "ssda903", "C1", "m2001"),
        ("8500", "cin", "C1", "m8500"),
        ("103", "cin", "C3", "m103cin"),
        ("2001", "ssda903", "C1", "m2001"),
        ("8500", "cin", None, "m8500"),
        ("392c", "ssda903", "C4", "m392c"),
    ]
    rule, ret, child, message = (list(c) for c in zip(*rows, strict=True))
    for dictionary in (False, True):
        faults = pa.table(
            {
                "rule": pa.array(rule).dictionary_encode() if dictionary else pa.array(rule),
                "return": pa.array(ret).dictionary_encode() if dictionary else pa.array(ret),
                "child": pa.array(child, pa.string()),
                "message": pa.array(message, pa.string()),
            }
        )
        got = _by_rule(faults)
        assert got == _row_by_row(faults)
        assert [(r["rule"], r["return"], r["n"], r["children"]) for r in got[:3]] == [
            ("8500", "cin", 3, 2), ("103", "ssda903", 2, 2), ("2001", "ssda903", 2, 1)
        ]  # fmt: skip
        assert got[1]["message"] is None
        assert _by_rule(faults.slice(0, 0)) == []
