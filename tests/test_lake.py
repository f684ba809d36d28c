"""The Parquet lake: export, read back as loads, measure over it without a DuckDB store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import ibis
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.export import export_lake
from csc_scorecard.ingest.run import IngestRefused, ingest
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.engine import compute
from csc_scorecard.measures.lake import lake_backend
from csc_scorecard.model.batch import Issue, LoadBatch
from csc_scorecard.model.lake import LakeError, read_manifest, schema_version
from csc_scorecard.model.periods import parse_periods
from csc_scorecard.model.schema import tables
from csc_scorecard.store import Store
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import write_all
from tests.conftest import canonical

QUARTERS = "2021-Q4:2022-Q1"


@pytest.fixture(scope="module")
def two_authorities(tmp_path_factory) -> Path:
    """A small synthetic authority (371) from its extracts, and a hand-made second one (372)."""
    folder = tmp_path_factory.mktemp("lake")
    authority = generate(SynthConfig(size=0.05, first_year=2021, last_year=2022))
    write_all(authority, folder / "extracts")
    path = folder / "store.duckdb"
    with Store(path) as store:
        ingest(store, [folder / "extracts" / "cin_census"], la_code=authority.la_code)
        store.load(
            [
                LoadBatch(
                    source_format="test",
                    la_code="372",
                    period_start=date(2021, 4, 1),
                    period_end=date(2022, 3, 31),
                    files=["hand-made.csv"],
                    tables={
                        "referrals": canonical(
                            "referrals",
                            child_id=["A", "B"],
                            referral_date=[date(2022, 1, 5), date(2022, 2, 1)],
                        )
                    },
                    issues=[Issue(rule="invalid_date", message="DOB not a date", row=3)],
                )
            ]
        )
    return path


def _content(path: Path) -> dict[str, list]:
    """Every table's rows without load ids (a reload numbers its loads afresh)."""
    with Store(path, read_only=True) as store:
        out = {}
        for t in tables().values():
            cols = ", ".join(f'"{c}"' for c in t.column_names if c != "load_id")
            out[t.name] = sorted(
                map(repr, store.con.sql(f'SELECT {cols} FROM "{t.name}"').fetchall())
            )
        out["dq_issues"] = sorted(
            map(repr, store.con.sql("SELECT * EXCLUDE (load_id) FROM dq_issues").fetchall())
        )
        out["loads"] = sorted(
            map(
                repr,
                store.con.sql(
                    # Not row_count: a replayed load counts the rows that survived later loads
                    # (a child in two CIN years is one row), not what its file once held.
                    "SELECT la_code, source_format, period_start, period_end, files FROM loads"
                ).fetchall(),
            )
        )
    return out


def test_export_writes_every_table_partitioned_by_authority(two_authorities, tmp_path):
    with Store(two_authorities, read_only=True) as store:
        manifest = export_lake(store, tmp_path / "lake")
    lake = tmp_path / "lake"
    assert manifest.authorities == ["371", "372"]
    assert set(manifest.tables) == {*tables(), "loads", "dq_issues"}
    assert manifest.tables["referrals"].partitioned_by == ["la_code"]
    # Two authorities' referrals, each in its own folder, each file complete on its own.
    assert sorted(p.name for p in (lake / "referrals").iterdir()) == ["la_code=371", "la_code=372"]
    (part,) = (lake / "referrals" / "la_code=372").glob("*.parquet")
    rows = pq.read_table(part)
    assert rows.column("la_code").to_pylist() == ["372", "372"]
    assert sorted(rows.column("child_id").to_pylist()) == ["A", "B"]
    # Reference and empty tables are single files; the manifest counts match the store.
    assert (lake / "calendar" / "data_0.parquet").is_file()
    assert manifest.tables["cla_health"].rows == 0
    assert pq.read_table(lake / "cla_health" / "data_0.parquet").num_rows == 0
    on_disk = json.loads((lake / "manifest.json").read_text())
    assert on_disk["schema_version"] == schema_version()
    assert on_disk["tables"]["referrals"]["rows"] == manifest.tables["referrals"].rows > 2


def test_a_lake_ingested_back_gives_the_same_store(two_authorities, tmp_path):
    with Store(two_authorities, read_only=True) as store:
        export_lake(store, tmp_path / "lake")
    with Store(tmp_path / "copy.duckdb") as copy:
        result = ingest(copy, [tmp_path / "lake"])
    assert len(result.batches) == len(read_manifest(tmp_path / "lake").loads)
    assert _content(tmp_path / "copy.duckdb") == _content(two_authorities)


def test_large_tables_are_also_partitioned_by_year(two_authorities, tmp_path):
    with Store(two_authorities, read_only=True) as store:
        manifest = export_lake(store, tmp_path / "lake", year_partition_rows=1)
    assert manifest.tables["referrals"].partitioned_by == ["la_code", "year"]
    years = sorted(p.name for p in (tmp_path / "lake" / "referrals" / "la_code=372").iterdir())
    assert years == ["year=2022"]
    with Store(tmp_path / "copy.duckdb") as copy:
        ingest(copy, [tmp_path / "lake"])
    assert _content(tmp_path / "copy.duckdb") == _content(two_authorities)


def test_one_authority_can_be_exported_and_read_back_alone(two_authorities, tmp_path):
    with Store(two_authorities, read_only=True) as store:
        manifest = export_lake(store, tmp_path / "lake", la_codes=["372"])
    assert manifest.authorities == ["372"]
    assert not (tmp_path / "lake" / "referrals" / "la_code=371").exists()
    with Store(tmp_path / "copy.duckdb") as copy:
        ingest(copy, [tmp_path / "lake"])
        assert copy.authorities() == ["372"]
        assert copy.con.sql("SELECT count(*) FROM referrals").fetchall() == [(2,)]
        assert copy.con.sql('SELECT rule, "row" FROM dq_issues').fetchall() == [("invalid_date", 3)]


def test_measures_over_the_lake_equal_those_over_the_store(two_authorities, tmp_path):
    with Store(two_authorities, read_only=True) as store:
        export_lake(store, tmp_path / "lake")
        quarters = parse_periods(QUARTERS)
        ids = ["referrals", "rereferrals_within_12_months", "assessments_within_45_working_days"]
        expected = compute(
            Context(ibis.duckdb.from_connection(store.con), ["371", "372"], quarters), ids
        )
    got = compute(Context(lake_backend(tmp_path / "lake"), ["371", "372"], quarters), ids)
    key = ("la_code", "measure", "period", "dimension")

    def ordered(t):
        return sorted(t.to_pylist(), key=lambda r: tuple(str(r[k]) for k in key))

    assert ordered(got) == ordered(expected)
    referrals = {
        (r["la_code"], r["period"]): r["value"] for r in ordered(got) if r["measure"] == "referrals"
    }
    assert referrals[("372", "2021-Q4")] == 2  # 5 Jan and 1 Feb 2022: both in Q3 of 2021-22
    assert referrals[("371", "2022-Q1")] > 0


def test_a_damaged_or_foreign_lake_is_refused_naming_what_is_wrong(two_authorities, tmp_path):
    with Store(two_authorities, read_only=True) as store:
        export_lake(store, tmp_path / "lake")
    lake = tmp_path / "lake"
    manifest = json.loads((lake / "manifest.json").read_text())

    manifest["tables"]["referrals"]["columns"].remove("icpc_date")
    manifest["schema_version"] = "0123456789ab"
    (lake / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(LakeError, match=r"schema version 0123456789ab.*referrals lacks icpc_date"):
        read_manifest(lake)
    with Store(tmp_path / "copy.duckdb") as copy:
        with pytest.raises(IngestRefused) as refused:
            ingest(copy, [lake])
        assert "referrals lacks icpc_date" in str(refused.value)
        assert copy.authorities() == []

    manifest["schema_version"] = schema_version()
    (lake / "manifest.json").write_text(json.dumps(manifest))
    for part in (lake / "cp_plans").rglob("*"):
        if part.is_file():
            part.unlink()
    for part in sorted((lake / "cp_plans").rglob("*"), reverse=True):
        part.rmdir()
    (lake / "cp_plans").rmdir()
    with pytest.raises(LakeError, match="table folders missing: cp_plans"):
        lake_backend(lake)


def test_export_refuses_a_folder_that_is_not_a_lake_and_an_unknown_authority(
    two_authorities, tmp_path
):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("keep me")
    with Store(two_authorities, read_only=True) as store:
        with pytest.raises(LakeError, match="exists and is not an earlier lake"):
            export_lake(store, tmp_path / "busy")
        with pytest.raises(LakeError, match="no data for authority 999"):
            export_lake(store, tmp_path / "lake", la_codes=["999"])
    assert (tmp_path / "busy" / "notes.txt").read_text() == "keep me"


def test_export_command_prints_what_it_wrote_and_refuses_cleanly(two_authorities, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(
        app,
        ["export", "--store", str(two_authorities), "--out", str(tmp_path / "lake"), "--la", "372"],
    )
    assert ok.exit_code == 0, ok.output
    assert "authorities 372" in ok.output and "1 loads" in ok.output
    again = runner.invoke(app, ["export", "--store", str(two_authorities), "--out", str(tmp_path)])
    assert again.exit_code == 2
    assert "Refused:" in again.output and "Traceback" not in again.output


def test_a_spark_engine_that_cannot_start_says_why_in_one_line(monkeypatch):
    pytest.importorskip("pyspark", reason="the optional spark extra is not installed")
    from csc_scorecard.measures.spark import EngineError, spark_session

    # A standalone master that does not answer is found before a JVM starts.
    with pytest.raises(
        EngineError, match=r"the Spark master spark://127\.0\.0\.1:1 does not answer"
    ):
        spark_session("spark://127.0.0.1:1")
    # No Java anywhere: said plainly.
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(EngineError, match="Spark needs Java 17"):
        spark_session("local[1]")


def test_measures_command_reads_a_lake_for_every_authority(two_authorities, tmp_path):
    with Store(two_authorities, read_only=True) as store:
        export_lake(store, tmp_path / "lake")
    out = tmp_path / "results.parquet"
    runner = CliRunner()
    done = runner.invoke(
        app,
        [
            "measures",
            "--data",
            str(tmp_path / "lake"),
            "--la",
            "all",
            "--period",
            "2021-Q4",
            "--measure",
            "referrals",
            "--format",
            "parquet",
            "--out",
            str(out),
        ],
    )
    assert done.exit_code == 0, done.output
    rows = pq.read_table(out).to_pylist()
    assert {(r["la_code"], r["value"]) for r in rows if r["la_code"] == "372"} == {("372", 2.0)}
    assert {r["la_code"] for r in rows} == {"371", "372"}
    # The spark engine needs a lake, and a master that does not answer is one line.
    refused = runner.invoke(app, ["measures", "--engine", "spark", "--period", "2021-Q4"])
    assert refused.exit_code == 2 and "--data" in refused.output
    pytest.importorskip("pyspark", reason="the optional spark extra is not installed")
    down = runner.invoke(
        app,
        [
            "measures",
            "--engine",
            "spark",
            "--data",
            str(tmp_path / "lake"),
            "--spark-master",
            "spark://127.0.0.1:1",
            "--period",
            "2021-Q4",
            "--la",
            "all",
        ],
    )
    assert down.exit_code == 2
    assert (
        down.output.strip()
        .splitlines()[-1]
        .startswith("error: the Spark master spark://127.0.0.1:1 does not answer")
    )
    assert "Traceback" not in down.output


def test_a_report_can_be_built_from_results_computed_elsewhere(two_authorities, tmp_path):
    """The committee paper from a cluster run's results: the same figures as from the store."""
    with Store(two_authorities, read_only=True) as store:
        export_lake(store, tmp_path / "lake")
    runner = CliRunner()
    results = tmp_path / "results.parquet"

    def measures(period: str) -> None:
        done = runner.invoke(
            app,
            ["measures", "--data", str(tmp_path / "lake"), "--la", "371", "--period", period]
            + ["--format", "parquet", "--out", str(results)],
        )
        assert done.exit_code == 0, done.output

    def report(out: Path, *extra: str):
        return runner.invoke(
            app,
            ["report", "--period", "2022-Q1", "--la", "371", "--store", str(two_authorities)]
            + ["--formats", "json", "--out", str(out), *extra],
        )

    measures("2021-Q1:2022-Q1")  # too short for a report's eight-quarter trend
    short = report(tmp_path / "short", "--results", str(results))
    assert short.exit_code == 2
    assert "no results for 371 in 2019-Q2" in short.output
    assert "--period 2019-Q2:2022-Q1" in short.output

    measures("2019-Q2:2022-Q1")
    assert report(tmp_path / "cluster", "--results", str(results)).exit_code == 0
    assert report(tmp_path / "local").exit_code == 0
    (cluster,) = (tmp_path / "cluster").glob("*.json")
    (local,) = (tmp_path / "local").glob("*.json")
    a, b = json.loads(cluster.read_text()), json.loads(local.read_text())
    assert a["figures"] == b["figures"]
    assert a["figures"]["referrals:2022-Q1"]["value"] > 0
