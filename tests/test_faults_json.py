"""The faults JSON (`commands._faults.json_bytes`), written column-wise in Arrow, is byte for
byte what `json.dumps(payload, indent=1)` writes from the faults' rows."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pyarrow as pa
import pytest

from csc_scorecard.commands import _faults

TEXTS = ["x", 'q"q', "", None, "l\nm", "tab\there", "é, ü", "\u2028", "back\\slash", "=1+2", "😀"]


def _result():
    not_run = [SimpleNamespace(ret="ssda903", reason="no rows", codes=["202", "203"])]
    return SimpleNamespace(rules_run=[1, 2, 3], returns=["ssda903"], not_run=not_run)


def _expected(table: pa.Table, notes: list[str]) -> str:
    r = _result()
    payload = {
        "rules_run": len(r.rules_run),
        "returns": r.returns,
        "not_run": [{"return": n.ret, "reason": n.reason, "rules": n.codes} for n in r.not_run],
        "notes": notes,
        "faults": table.to_pylist(),
    }
    return json.dumps(payload, indent=1, default=str)


def _table(n: int) -> pa.Table:
    texts = [TEXTS[i % len(TEXTS)] for i in range(n)]
    return pa.table(
        {
            "rule": pa.array([str(i % 3) for i in range(n)]).dictionary_encode(),
            "row": pa.array([None if i % 4 == 1 else i - 2 for i in range(n)], pa.int32()),
            "value": pa.array(texts, pa.string()),
            "flag": pa.array([i % 2 == 0 for i in range(n)]),
            "team": pa.nulls(n, pa.string()),
            "big": pa.array([-(2**40) + i for i in range(n)], pa.int64()),
        }
    )


@pytest.mark.parametrize("rows_a_piece", [3, 1 << 18])
def test_columnwise_json_is_json_dumps_byte_for_byte(monkeypatch, rows_a_piece):
    monkeypatch.setattr(_faults, "_JSON_ROWS", rows_a_piece)
    table = _table(len(TEXTS) * 2 + 1)
    got = b"".join(_faults.json_bytes(table, _result(), ["a note"])).decode("utf-8")
    assert got == _expected(table, ["a note"])
    assert '"value": "\\u00e9, \\u00fc"' in got and '"row": null' in got  # escaped as json does
    for n in (0, 1):
        one = table.slice(0, n)
        assert b"".join(_faults.json_bytes(one, _result(), [])).decode() == _expected(one, [])


def test_json_of_other_column_types_is_the_encoders():
    """A column the column-wise writer does not encode (a date here) goes through json.dumps."""
    import datetime

    table = _table(2).append_column("day", pa.array([datetime.date(2024, 3, 31), None]))
    got = b"".join(_faults.json_bytes(table, _result(), [])).decode("utf-8")
    assert got == _expected(table, []) and '"day": "2024-03-31"' in got
