"""csc-scorecard templates: write -> ingest gives the same rows; bad input handled as promised."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import canonical

from csc_scorecard.ingest.run import IngestRefused, ingest
from csc_scorecard.synth.authority import SynthConfig, SyntheticAuthority
from csc_scorecard.synth.writers import templates


def small_authority() -> SyntheticAuthority:
    a = SyntheticAuthority(SynthConfig())
    a.tables["teams"] = canonical(
        "teams",
        team_id=["T1", "T2"],
        team_name=["ACPS South 1", "Assessment 1"],
        service_area=["ACPS", "Assessment"],
        manager_worker_id=["W1", "W9"],
        front_line=[True, True],
    )
    a.tables["worker_posts"] = canonical(
        "worker_posts",
        worker_id=["W1", "W2", "W2"],
        team_id=["T1", "T1", "T2"],
        role=["team_manager", "social_worker", "social_worker"],
        fte=[1.0, 0.6, 0.8],
        start_date=[date(2020, 1, 6), date(2021, 3, 1), date(2022, 5, 16)],
        end_date=[None, date(2022, 5, 15), None],
    )
    a.tables["budget_lines"] = canonical(
        "budget_lines",
        financial_year=[2022, 2022],
        line=["ooa_residential", "uasc"],
        line_name=["Out of authority", "UASC"],
        budget=[10_922_000.0, 1_150_000.0],
        budget_placements_start=[43.0, 20.0],
        budget_placements_end=[29.0, 20.0],
        budget_unit_cost=[254_000.0, None],
    )
    a.tables["homes_pipeline"] = canonical(
        "homes_pipeline",
        home_id=["H1"],
        as_at_date=[date(2022, 6, 30)],
        name=["Askern Court"],
        beds=[6],
        status=["purchased"],
        planned_opening=[date(2022, 12, 1)],
        works_cost=[100_000.0],
        manager_recruited=[False],
        risks=["Registered manager recruitment"],
    )
    a.tables["manual_values"] = canonical(
        "manual_values",
        measure=["reoffending_rate", "adoptions"],
        period=["2022-Q1", "2022-Q1"],
        value=[16.27, None],
        value_text=["16.27%", "1 child"],
        source=["YJS", "Adoption tracker"],
    )
    return a


def test_round_trip(store, tmp_path: Path):
    authority = small_authority()
    files = templates.write(authority, tmp_path)
    assert {f.name for f in files} == {
        "teams.csv",
        "worker_posts.csv",
        "budget_lines.xlsx",
        "homes_pipeline.xlsx",
        "manual_values.csv",
    }
    ingest(store, [tmp_path / "templates"], la_code="371")
    for name, rows in templates.expected(authority).items():
        cols = ", ".join(rows.column_names)
        got = store.con.execute(f"SELECT {cols} FROM {name} ORDER BY ALL").fetchall()
        want = sorted(tuple(r.values()) for r in rows.to_pylist())
        assert got == want, name
    assert store.con.execute("SELECT count(*) FROM dq_issues").fetchall() == [(0,)]
    assert store.con.execute(
        "SELECT value, value_text FROM manual_values ORDER BY measure"
    ).fetchall() == [(None, "1 child"), (16.27, "16.27%")]


def test_bad_values_load_with_issues(store, tmp_path: Path):
    (tmp_path / "case_audits.csv").write_text(
        "audit_id,child_id,team_id,audit_date,audit_type,grade\n"
        "A1,C1,T1,31/06/2022,social_care,good\n"
        "A2,C2,T1,01/06/2022,social_care,excellent\n"
        "A2,C3,T1,02/06/2022,family_support,good\n"
    )
    ingest(store, [tmp_path], la_code="371")
    assert store.con.execute(
        "SELECT audit_id, audit_date, grade FROM case_audits ORDER BY source_row"
    ).fetchall() == [
        ("A1", None, "good"),
        ("A2", date(2022, 6, 1), "excellent"),
        ("A2", date(2022, 6, 2), "good"),
    ]
    issues = store.con.execute(
        'SELECT rule, "row", field, value FROM dq_issues ORDER BY "row", rule'
    ).fetchall()
    assert issues == [
        ("invalid_date", 2, "audit_date", "31/06/2022"),
        ("duplicate_key", 3, "audit_id", "A2"),
        ("unknown_code", 3, "grade", "excellent"),
        ("duplicate_key", 4, "audit_id", "A2"),
    ]


def test_unreadable_files_refuse_the_whole_load(store, tmp_path: Path):
    (tmp_path / "teams.csv").write_text("team_id,team_name\nT1,ACPS\n")
    (tmp_path / "supervisions.csv").write_text(
        "worker_id,supervisor_id\nW1,W2\n"
    )  # no supervision_date
    (tmp_path / "budget_lines.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(IngestRefused) as refused:
        ingest(store, [tmp_path], la_code="371")
    messages = sorted(str(e) for e in refused.value.errors)
    assert any("budget_lines.xlsx" in m and "Excel" in m for m in messages)
    assert any(
        "supervisions.csv" in m and "line 1" in m and "supervision_date" in m for m in messages
    )
    assert any("notes.txt" in m and "not a format" in m for m in messages)
    assert store.con.execute("SELECT count(*) FROM teams").fetchall() == [(0,)]
    assert store.con.execute("SELECT count(*) FROM loads").fetchall() == [(0,)]


def test_templates_need_an_authority_code(store, tmp_path: Path):
    (tmp_path / "teams.csv").write_text("team_id,team_name\nT1,ACPS\n")
    with pytest.raises(IngestRefused, match="--la"):
        ingest(store, [tmp_path])


@pytest.mark.parametrize(
    "header",
    [
        "worker_id,supervision_date,supervisor_id,notes",
        "Worker_ID , supervision_date,supervisor_id,,",  # two blank names: typed as records
    ],
)
def test_a_csv_typed_by_column_gives_what_its_records_give(tmp_path, monkeypatch, header):
    """A CSV template of 64 lines or more is handed to the column engine straight from its
    lines (`template.CsvLines.columns`), without a dict per line; with that turned off (every
    line a record, as `_read_rows` gives) rows and issues are the same: short lines, bad dates,
    blanks, unknown columns and a repeated key included."""
    from csc_scorecard.ingest import fields
    from csc_scorecard.ingest.formats.template import ADAPTER, CsvLines

    lines = [header]
    for i in range(80):
        date_text = ["01/02/2022", "2022-02-30", "", "31/13/2021", " 03/03/2022 "][i % 5]
        line = f"W{i % 7},{date_text},W9"
        lines.append(line if i % 9 else f"W{i % 7}")  # a short line: the date absent
    lines.append("W1,01/02/2022,W9")
    lines.append("W1,01/02/2022,W9")  # the same key twice
    lines.append(",".join(["W2", "01/03/2022", "W9"] + ["x"] * (header.count(",") - 2)))
    path = tmp_path / "supervisions.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    by_column = []
    real = CsvLines.columns
    monkeypatch.setattr(CsvLines, "columns", lambda self: by_column.append(r := real(self)) or r)
    (new,) = ADAPTER.read([path], la_code="371", year=None)
    assert (by_column[0] is None) == header.endswith(",,")
    monkeypatch.setattr(fields, "COLUMNAR_FROM_ROWS", 10**9)
    (old,) = ADAPTER.read([path], la_code="371", year=None)
    assert new.tables["supervisions"].to_pylist() == old.tables["supervisions"].to_pylist()
    assert new.tables["supervisions"].schema == old.tables["supervisions"].schema
    assert new.issues == old.issues
    assert {i.rule for i in new.issues} >= {"invalid_date", "duplicate_key", "missing_value"}
    assert new.tables["supervisions"].num_rows == 83
